/*
** error.h: the one error enum of papergraph and the message buffer that goes
** with it.
**
** Every library function that can fail returns a pg_err and, when given a
** non-NULL pg_error, fills it with a one-line message that names the file and
** line where that makes sense ("day.txt:12: ...").  The library never prints
** and never exits: only the command-line front turns codes into messages and
** exit statuses.
*/
#ifndef PAPERGRAPH_ERROR_H
#define PAPERGRAPH_ERROR_H

#include <stddef.h>

typedef enum pg_err {
    PG_OK = 0,
    PG_DONE,            /* an iterator has no more items: not a failure */
    PG_ERR_NOMEM,       /* allocation failed */
    PG_ERR_IO,          /* open, read or write failed (missing file, directory...) */
    PG_ERR_NOT_TEXT,    /* input is binary, not UTF-8 text */
    PG_ERR_FORMAT,      /* input is text but cannot be used as the format asked for */
    PG_ERR_TOO_LONG,    /* a line or field is longer than the documented limit */
    PG_ERR_DB,          /* the database engine failed */
    PG_ERR_NOT_PG_DB,   /* the file exists but is not a papergraph database */
    PG_ERR_DB_VERSION,  /* the database was written by a newer papergraph */
    PG_ERR_USAGE,       /* an argument is out of range or malformed */
    PG_ERR_NOT_FOUND,   /* the thing asked for does not exist */
    PG_ERR_GRAPH,       /* the graph library failed */
    PG_ERR_INTERNAL     /* a bug: an invariant did not hold */
} pg_err;

/* Caller-owned; no cleanup needed.  msg is always NUL-terminated. */
typedef struct pg_error {
    pg_err code;
    char msg[512];
} pg_error;

/* Static English description of a code; never NULL. */
const char *pg_strerror(pg_err code);

/* Sets e (if non-NULL) to code with a printf-style message and returns code,
 * so that callers can write `return pg_error_set(err, PG_ERR_IO, ...)`.
 * A message longer than the buffer is cut at a UTF-8 boundary. */
pg_err pg_error_set(pg_error *e, pg_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Resets e to PG_OK with an empty message.  NULL is a no-op. */
void pg_error_clear(pg_error *e);

/* A warning about input that was used anyway (repaired bytes, a skipped
 * entry).  file is the name given when the input was opened, line is 1-based
 * (0 when no line applies), msg is one line without the location. */
typedef void (*pg_warn_fn)(void *ctx, const char *file, long line, const char *msg);

#endif
