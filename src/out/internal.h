/*
** export_internal.h: the row writer the exporters share (internal).
*/
#ifndef PG_EXPORT_INTERNAL_H
#define PG_EXPORT_INTERNAL_H

#include <stdio.h>
#include "papergraph/base.h"
#include "papergraph/export.h"

/* A column of a row: a string or an integer (-1 meaning absent). */
typedef struct col {
    const char *name;
    const char *s;      /* used when non-NULL */
    long long n;        /* used when s is NULL; -1 is absent */
    int list;           /* s is a list, one item per line: a JSON array, or
                           a CSV field with the items separated by spaces */
} col;

/* Appends one row in fmt (PG_OUT_CSV or PG_OUT_JSONL) to b, newline included. */
pg_err pgx_put_row(pg_buf *b, pg_out_format fmt, const col *cols, size_t n);
/* Appends a CSV header row of the names. */
pg_err pgx_put_header(pg_buf *b, const char *const *names, size_t n);
/* Writes row to out and empties it; PG_ERR_IO on a short write. */
pg_err pgx_flush(pg_buf *row, FILE *out, pg_error *err);

/* Days as YYYY-MM-DD (digest.c): parse gives the days since 1970-01-01 and
 * returns 0, or -1 when s is not a valid date of years 1..9999; format
 * writes one (clamped to that range). */
int pgx_day_parse(const char *s, long *days);
void pgx_day_format(long days, char out[11]);

#endif
