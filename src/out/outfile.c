/*
** outfile.c: output files that appear whole or not at all.
**
** An export is written to a temporary file in the target's directory (so the
** final rename stays on one file system and is atomic), synced, and renamed
** over the target only when every write succeeded.  A crash or an error
** leaves the previous file, never a truncated one.  The file gets the mode
** a newly created file would (0666 less the umask).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papergraph/export.h"
#include "out/internal.h"

struct pg_outfile {
    FILE *fp;
    char *path;     /* target; NULL for stdout */
    char *tmp;      /* temporary file beside it */
};

static pg_err open_stdout(pg_outfile *o, FILE **fp)
{
    o->fp = stdout;
    *fp = stdout;
    return PG_OK;
}

pg_err pg_outfile_open(const char *path, pg_outfile **out, FILE **fp,
                       pg_error *err)
{
    pg_err rc = PG_OK;
    int fd = -1;
    pg_outfile *o = calloc(1, sizeof *o);
    if (o == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (path == NULL || strcmp(path, "-") == 0) {
        rc = open_stdout(o, fp);
        goto out;
    }
    size_t n = strlen(path);
    o->path = malloc(n + 1);
    o->tmp = malloc(n + 16);
    if (o->path == NULL || o->tmp == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, n + 16, "%s.tmpXXXXXX", path);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: cannot create: %s", path,
                          strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        goto out;
    }
    /* mkstemp makes the file private (0600); the file should get the mode
     * any new file gets, 0666 less the umask.  umask() can only be read by
     * setting it: set it straight back. */
    mode_t mask = umask(022);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->fp = fdopen(fd, "w");
    if (o->fp == NULL) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
        close(fd);
        goto out;
    }
    *fp = o->fp;
out:
    if (rc != PG_OK) {
        pg_outfile_abort(o);
        o = NULL;
    }
    *out = o;
    return rc;
}

static void outfile_free(pg_outfile *o)
{
    free(o->path);
    free(o->tmp);
    free(o);
}

pg_err pg_outfile_commit(pg_outfile *o, pg_error *err)
{
    pg_err rc = PG_OK;
    if (o->path == NULL) {
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = pg_error_set(err, PG_ERR_IO, "standard output: write error: %s",
                              strerror(errno));
        outfile_free(o);
        return rc;
    }
    int bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
    int saved = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: write failed: %s", o->path,
                          strerror(saved));
        unlink(o->tmp);
    }
    outfile_free(o);
    return rc;
}

void pg_outfile_abort(pg_outfile *o)
{
    if (o == NULL)
        return;
    if (o->path != NULL) {
        if (o->fp != NULL)
            fclose(o->fp);
        if (o->tmp != NULL)
            unlink(o->tmp);
    }
    outfile_free(o);
}
