/*
** reader_internal.h: what a format backend sees of a pg_reader (internal).
**
** reader.c owns everything formats have in common: the stream, a fixed read
** buffer, splitting into lines with the max-line limit, UTF-8 repair, the
** binary-input sniff, warning and byte counting.  A backend is three
** functions in a const table (in the spirit of dav1d's muxer vtables) that
** turn lines into records.  To add a format:
**
**   1. write src/FORMAT.c defining `const pgr_backend pgr_FORMAT_backend`,
**      reading input only through pgr_read_line() and warning only through
**      pgr_warn();
**   2. declare it below;
**   3. point its row of the format table in reader.c at it.
*/
#ifndef PG_READER_INTERNAL_H
#define PG_READER_INTERNAL_H

#include <stddef.h>
#include "papergraph/error.h"
#include "papergraph/reader.h"
#include "papergraph/record.h"

/* One line of input as a backend receives it. */
typedef struct pgr_line {
    const char *s;      /* NUL-terminated, valid UTF-8 without NUL, without
                           its "\n" or "\r\n"; valid until the next
                           pgr_read_line() call */
    size_t len;
    long no;            /* 1-based line number */
    int too_long;       /* longer than the max-line limit: its bytes were
                           skipped unseen and s is ""; the backend warns,
                           since only it knows what the line spoils */
    int eol;            /* 1: ended by a newline; 0: last line, unterminated */
} pgr_line;

typedef struct pgr_backend {
    /* Sets *state to the backend's per-reader state (may be NULL). */
    pg_err (*open)(pg_reader *r, void **state, pg_error *err);
    /* Fills *rec (see pg_reader_next): PG_OK, PG_DONE or an error. */
    pg_err (*next)(pg_reader *r, void *state, pg_record *rec, pg_error *err);
    /* Releases state; must accept NULL. */
    void (*free)(void *state);
} pgr_backend;

extern const pgr_backend pgr_listing_backend;

/* Reads the next line: PG_OK, PG_DONE at the end of input (again on every
 * later call), PG_ERR_IO ("NAME: read error: ...") or PG_ERR_NOMEM.  A line
 * with invalid UTF-8 or NUL bytes has them replaced by U+FFFD and is warned
 * about once. */
pg_err pgr_read_line(pg_reader *r, pgr_line *line, pg_error *err);

/* Counts a warning and hands it to the caller's callback with the reader's
 * name; line is 1-based, 0 when no line applies. */
void pgr_warn(pg_reader *r, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

const char *pgr_name(const pg_reader *r);
/* The effective max-line limit (opts->max_line or the default). */
size_t pgr_max_line(const pg_reader *r);
/* The effective year for dates written without one (opts->year or the
 * current year). */
int pgr_year(const pg_reader *r);

/* Sets every field of rec to its "absent" value: "" strings, -1 counts,
 * 0 dates and line. */
void pgr_record_clear(pg_record *rec);

#endif
