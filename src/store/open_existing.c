/*
** open_existing.c: opening a database that must already exist, for the
** callers that only read it: a missing path is an error, never a new
** empty database left behind.
*/
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "papergraph/store.h"

pg_err pg_store_open_existing(const char *path, pg_store **out, pg_error *err)
{
    struct stat sb;
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return pg_error_set(err, PG_ERR_USAGE, "no database path given");
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such database", path);
        return pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
    }
    /* pg_store_open takes an empty file for a new database and would write
     * the schema into it; a reader finds nothing there to read. */
    if (S_ISREG(sb.st_mode) && sb.st_size == 0)
        return pg_error_set(err, PG_ERR_NOT_FOUND, "%s: empty file, not a papergraph "
                            "database", path);
    /* The file may vanish between the stat and the open; pg_store_open would
     * then create it, a window too narrow to be worth a second open path. */
    return pg_store_open(path, out, err);
}
