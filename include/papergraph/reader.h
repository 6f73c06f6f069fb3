/*
** reader.h: streaming readers that turn an input file into pg_records.
**
** One reader per input format (the "Daily Papers" listing page, and later JSON
** lines and CSV), all behind the same three calls.  Readers stream: memory is
** bounded by the longest entry, never by the size of the file.  Problems that
** spoil one entry (an over-long line, a title with no abstract) are reported
** through the warning callback with file and line, and reading goes on;
** problems that spoil the whole input (binary data, an unreadable file) are
** returned as errors.
*/
#ifndef PAPERGRAPH_READER_H
#define PAPERGRAPH_READER_H

#include <stdio.h>
#include "papergraph/error.h"
#include "papergraph/record.h"

/* The longest line a reader accepts by default: 1 MiB.  A longer line spoils
 * its entry (a warning) but never the file, and is never held in memory whole. */
#define PG_MAX_LINE_DEFAULT ((size_t)1 << 20)

typedef enum pg_input_format {
    PG_INPUT_LISTING = 0,   /* the "Daily Papers" page format (shared/FORMAT.md) */
    PG_INPUT_JSONL,         /* one JSON object per line */
    PG_INPUT_CSV            /* RFC 4180 CSV with a header row */
} pg_input_format;

typedef struct pg_read_opts {
    int year;               /* year of the page for dates written without one;
                               0 means the current year */
    size_t max_line;        /* 0 means PG_MAX_LINE_DEFAULT */
    pg_warn_fn warn;        /* may be NULL: warnings are then only counted */
    void *warn_ctx;
} pg_read_opts;

typedef struct pg_reader pg_reader;

/* Opens a reader over fp, which stays the caller's (it is neither closed nor
 * rewound).  name is used in messages and copied.  Inspects the first block of
 * input: returns PG_ERR_NOT_TEXT (message "NAME: ...") for binary data.
 * On success *out is a reader to free with pg_reader_free(). */
pg_err pg_reader_open(FILE *fp, const char *name, pg_input_format fmt,
                      const pg_read_opts *opts, pg_reader **out, pg_error *err);

/* Reads the next record into *rec (see record.h for how long it stays valid).
 * Returns PG_OK with a record, PG_DONE at the end of input, or an error
 * (PG_ERR_IO for a read error; the reader is then unusable). */
pg_err pg_reader_next(pg_reader *r, pg_record *rec, pg_error *err);

/* Warnings issued so far (repaired bytes, skipped entries, odd lines). */
long pg_reader_warnings(const pg_reader *r);

/* Bytes consumed so far, for progress reports. */
unsigned long long pg_reader_bytes(const pg_reader *r);

/* NULL is a no-op. */
void pg_reader_free(pg_reader *r);

/* Parses "jsonl", "csv", "listing" into *fmt; PG_ERR_USAGE otherwise. */
pg_err pg_input_format_parse(const char *s, pg_input_format *fmt);

#endif
