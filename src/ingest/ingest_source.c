/*
** ingest_source.c: one input of an ingest, opened, hashed and read one way
** whatever it is: a path or a stream, read on this thread or by the
** producer thread (ingest_pipe.c).
**
** Which way is decided here, once, when the source is opened:
** - With a producer (pg_ingest_opts.threads), a path is handed to it: it
**   opens and hashes the file (ahead of time when the previous file named
**   it next) and prepares the records.  It takes regular files only; for
**   anything else, and when no thread can be started, its head says
**   "fallback" and the source goes on as without a producer.
** - Otherwise a path is opened here.  A regular file is hashed and rewound;
**   anything else (a FIFO, a device, standard input, a caller's stream) is
**   copied to an anonymous temporary file while it is hashed, which keeps
**   memory bounded whatever its size and gives a stream that can be read
**   again.  That stream is then read by the producer (a stream job) when
**   there is one, or by a reader of its own.
** Either way the caller sees the same content key, the same records in the
** same order and the same warnings on its own thread.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "ingest/internal.h"

/* The number of threads to ingest with: 1, or 2 (a producer thread). */
static int threads_for(const pg_ingest_opts *o)
{
    if (o->threads == 1)
        return 1;
    if (o->threads >= 2)
        return 2;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 1 ? 2 : 1;
}

/* The producer's pipe to offer this source: the session's, or one of the
 * source's own; NULL with one thread. */
static pg_err pipe_for(pgi_source *src, pgi_pipe **pipe, pg_error *err)
{
    const pg_ingest_opts *o = src->o;
    *pipe = NULL;
    if (threads_for(o) < 2)
        return PG_OK;
    if (o->session != NULL)
        return pgi_pipe_of(o->session, pipe, err);
    pg_err rc = pgi_pipe_new(NULL, &src->own_pipe, err);
    *pipe = src->own_pipe;
    return rc;
}

static void source_init(pgi_source *src, const char *name, const pg_ingest_opts *o)
{
    memset(src, 0, sizeof *src);
    src->name = name;
    src->o = o;
    pg_buf_init(&src->raw);
}

/* The seekable, hashed stream fp becomes what the source reads: by the
 * producer when there is one and it takes it, else here. */
static pg_err attach(pgi_source *src, pgi_pipe *pipe, FILE *fp, pg_key key,
                     unsigned long long size, pg_error *err)
{
    src->fp = fp;
    src->key = key;
    src->size = size;
    if (pipe == NULL)
        return PG_OK;
    pgi_head h;
    pg_err rc = pgi_pipe_open_stream(pipe, fp, src->name, src->o, &h, err);
    if (rc == PG_OK && !h.fallback) {
        src->pipe = pipe;
        src->failed = h.failed;
    }
    return rc;
}

pg_err pgi_source_open_keyed(pgi_source *src, FILE *fp, const char *name, pg_key key,
                             unsigned long long size, const pg_ingest_opts *o,
                             pg_error *err)
{
    pgi_pipe *pipe;
    source_init(src, name, o);
    pg_err rc = pipe_for(src, &pipe, err);
    return rc == PG_OK ? attach(src, pipe, fp, key, size, err) : rc;
}

/* Copies the stream fp to a temporary file while hashing it, and reads the
 * copy. */
static pg_err open_copy(pgi_source *src, pgi_pipe *pipe, FILE *fp, pg_error *err)
{
    pg_key key;
    unsigned long long size = 0;
    FILE *copy = tmpfile();
    if (copy == NULL)
        return pg_error_set(err, PG_ERR_IO, "%s: cannot create a temporary file: %s",
                            src->name, strerror(errno));
    if (src->own_fp != NULL)
        fclose(src->own_fp);    /* the FIFO or device opened here */
    src->own_fp = copy;
    pg_err rc = pgi_hash_stream(fp, copy, src->name, &key, &size, NULL, NULL, err);
    if (rc == PG_OK && (fflush(copy) != 0 || fseek(copy, 0, SEEK_SET) != 0))
        rc = pg_error_set(err, PG_ERR_IO, "%s: temporary file: %s", src->name,
                          strerror(errno));
    return rc == PG_OK ? attach(src, pipe, copy, key, size, err) : rc;
}

/* Opens a path on this thread: a regular file is hashed where it is,
 * anything else copied. */
static pg_err open_here(pgi_source *src, pgi_pipe *pipe, const char *path, pg_error *err)
{
    struct stat st;
    pg_key key;
    unsigned long long size = 0;
    FILE *fp = NULL;
    pg_err rc = pg_input_open(path, src->o->waiting, src->o->waiting_ctx, &fp, err);
    if (rc != PG_OK)
        return rc;
    src->own_fp = fp;
    if (fstat(fileno(fp), &st) != 0)
        return pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return pg_error_set(err, PG_ERR_IO, "%s: is a directory", path);
    if (!S_ISREG(st.st_mode))
        return open_copy(src, pipe, fp, err);
    rc = pgi_hash_file(fp, path, &key, &size, NULL, NULL, err);
    return rc == PG_OK ? attach(src, pipe, fp, key, size, err) : rc;
}

pg_err pgi_source_open(pgi_source *src, const char *path, FILE *fp, const char *name,
                       const pg_ingest_opts *o, pg_error *err)
{
    pgi_pipe *pipe;
    if (path != NULL && strcmp(path, "-") == 0) {
        path = NULL;
        fp = stdin;
        name = "<stdin>";
    } else if (path != NULL) {
        name = path;
    }
    source_init(src, name, o);
    pg_err rc = pipe_for(src, &pipe, err);
    if (rc != PG_OK)
        return rc;
    if (path == NULL)
        return open_copy(src, pipe, fp, err);
    if (pipe != NULL) {
        /* The producer opens and hashes it, ahead when it was named next. */
        pgi_head h;
        rc = pgi_pipe_open_path(pipe, path, o, &h, err);
        if (rc == PG_OK && !h.fallback) {
            src->pipe = pipe;
            src->key = h.key;
            src->size = h.size;
            src->failed = h.failed;
            src->read_ahead = h.read_ahead;
            return PG_OK;
        }
        pgi_pipe_close(pipe);
        if (rc != PG_OK)
            return rc;
    }
    return open_here(src, pipe, path, err);
}

pg_err pgi_source_start(pgi_source *src, pg_error *err)
{
    if (src->pipe != NULL && src->failed) {
        pg_record rec;
        pg_key key;
        const pgi_text *t;
        const char *base;
        /* Delivers the warnings opening gave, then the reader's error. */
        pg_err rc = pgi_pipe_next(src->pipe, &rec, &key, &t, &base, err);
        return rc != PG_OK && rc != PG_DONE ? rc
               : pg_error_set(err, PG_ERR_INTERNAL, "%s: the reader failed", src->name);
    }
    if (src->pipe != NULL) {
        pgi_pipe_deliver(src->pipe);    /* opening's warnings, as on one thread */
        return PG_OK;
    }
    const pg_ingest_opts *o = src->o;
    pg_read_opts ro = { .year = o->year, .max_line = o->max_line, .warn = o->warn,
                        .warn_ctx = o->warn_ctx, .encoding = o->encoding };
    return pg_reader_open(src->fp, src->name, o->format, &ro, &src->reader, err);
}

pg_err pgi_source_next(pgi_source *src, pg_record *rec, pg_key *key, const pgi_text **t,
                       const char **base, pg_error *err)
{
    if (src->pipe != NULL)
        return pgi_pipe_next(src->pipe, rec, key, t, base, err);
    pg_err rc = pg_reader_next(src->reader, rec, err);
    *t = NULL;
    *base = NULL;
    if (rc == PG_OK && pgi_raw_key(rec, &src->raw, key) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

long pgi_source_warnings(const pgi_source *src)
{
    if (src->pipe != NULL)
        return pgi_pipe_warnings(src->pipe);
    return src->reader != NULL ? pg_reader_warnings(src->reader) : 0;
}

unsigned long long pgi_source_offset(const pgi_source *src)
{
    if (src->pipe != NULL)
        return pgi_pipe_offset(src->pipe);
    off_t pos = src->fp != NULL ? ftello(src->fp) : -1;
    return pos > 0 ? (unsigned long long)pos : 0;
}

void pgi_source_close(pgi_source *src)
{
    /* The producer first: it may be reading the stream. */
    if (src->pipe != NULL)
        pgi_pipe_close(src->pipe);
    src->pipe = NULL;
    pgi_pipe_free(src->own_pipe);
    src->own_pipe = NULL;
    pg_reader_free(src->reader);
    src->reader = NULL;
    if (src->own_fp != NULL)
        fclose(src->own_fp);
    src->own_fp = NULL;
    src->fp = NULL;
    pg_buf_release(&src->raw);
}
