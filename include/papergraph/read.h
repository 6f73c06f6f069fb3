/*
** read.h: reading input files (listing pages, JSON lines, CSV) into records.
*/
#ifndef PAPERGRAPH_READ_H
#define PAPERGRAPH_READ_H

#include "papergraph/base.h"

/*
** Records: one entry as read from an input file, whatever its format.
**
** A record is a view: every pointer in it belongs to the reader that filled it
** and stays valid only until the next call to that reader or until the reader
** is freed.  Text is valid UTF-8 (invalid bytes were replaced by U+FFFD, with a
** warning), with no NUL bytes, trimmed of surrounding white space.
*/

#include <stddef.h>

typedef struct pg_record {
    const char *title;      /* never NULL, never empty */
    size_t title_len;
    const char *abstract;   /* "" when the input had none (jsonl/csv records) */
    size_t abstract_len;
    int authors;            /* authors count; -1 when absent */
    const char *author_names; /* author names as given, one per line; "" when
                               the input gives only a count or nothing */
    int upvotes;            /* -1 when absent */
    int pub_year;           /* publication date; 0 when absent */
    int pub_month;          /* 1..12; 0 when absent */
    int pub_day;            /* 1..31; 0 when absent */
    const char *date_raw;   /* the date text as written; "" when absent or
                               when the date was invalid */
    const char *venue;      /* "" when absent */
    const char *ext_id;     /* an identifier given by the input (jsonl/csv "id"); "" when absent */
    const char *urls;       /* extra URLs given by the input, one per line; "" when none */
    const char *day;        /* the listing's day as YYYY-MM-DD; "" when the page had no day label */
    const char *day_label;  /* the day label as written ("Sep 3"); "" when none */
    long line;              /* 1-based line of the title (listing) or of the record (jsonl/csv) */
} pg_record;

/*
** Readers: streaming readers that turn an input file into pg_records.
**
** One reader per input format (the "Daily Papers" listing page, JSON lines
** and CSV), all behind the same three calls.  Readers stream: memory is
** bounded by the longest entry, never by the size of the file.  Problems that
** spoil one entry (an over-long line) or look odd (a title with no
** abstract, kept with an empty one) are reported through the warning
** callback with file and line, and reading goes on;
** problems that spoil the whole input (binary data, an unreadable file) are
** returned as errors.
**
** Input is UTF-8 unless the options say Latin-1 (ISO-8859-1), as older
** bibliographic exports are: every byte from 0x80 up is then taken for the
** Latin-1 character it stands for and turned into UTF-8 before any format
** sees it, so records are UTF-8 whatever the input encoding.
*/

#include <stdio.h>

/* The longest line a reader accepts by default: 1 MiB.  A longer line spoils
 * its entry (a warning) but never the file, and is never held in memory whole. */
#define PG_MAX_LINE_DEFAULT ((size_t)1 << 20)

typedef enum pg_input_format {
    PG_INPUT_LISTING = 0,   /* the "Daily Papers" page format (shared/FORMAT.md) */
    PG_INPUT_JSONL,         /* one JSON object per line */
    PG_INPUT_CSV,           /* RFC 4180 CSV with a header row */
    PG_INPUT_AUTO           /* by the input's name: pg_input_format_for */
} pg_input_format;

/*
** JSONL keys and CSV header names are matched in any case, and these are
** understood (others are ignored):
**
**   title                      required: a record without one is skipped
**   abstract, summary          text
**   authors, author            a count (a number, or digits only), a list of
**                              names (JSON array), or names in one text:
**                              split on ';' when there is one, else on ','
**                              and on the word "and"; a piece that is only
**                              initials or a suffix ("J.", "J.-P.", "Jr.")
**                              stays with the name before it ("Smith, J.")
**   date, published, year      "2023", "2023-10", "2023-10-09" (a time may
**                              follow), "Oct 9, 2023", "October 2023", or
**                              a number (a year); the most precise one wins
**   upvotes                    a number
**   venue, journal, booktitle  text
**   url, urls, abs, pdf        URLs: text (split at white space) or a list
**   doi                        a DOI, bare ("10.1145/x") or as a link
**   id                         text or number, the record's ext_id
**   day                        YYYY-MM-DD: the day the record was listed
**
** A field given twice (through aliases) keeps its first non-empty value;
** URLs accumulate.  JSON null is an absent field.
*/

/* The encoding of the input bytes. */
typedef enum pg_encoding {
    PG_ENCODING_UTF8 = 0,   /* invalid sequences become U+FFFD, with a
                               warning; a UTF-8 BOM at the start is skipped */
    PG_ENCODING_LATIN1      /* ISO-8859-1: each byte >= 0x80 is the code point
                               of the same value (0xC7 is U+00C7 'Ç'); no
                               byte is invalid, so the binary-input check
                               refuses only NUL bytes, and there is no BOM */
} pg_encoding;

typedef struct pg_read_opts {
    int year;               /* year of the page for dates written without one;
                               0 means the current year */
    size_t max_line;        /* 0 means PG_MAX_LINE_DEFAULT; counted in input
                               bytes, before any Latin-1 transcoding */
    pg_warn_fn warn;        /* may be NULL: warnings are then only counted */
    void *warn_ctx;
    pg_encoding encoding;   /* zero (PG_ENCODING_UTF8) unless set */
} pg_read_opts;

typedef struct pg_reader pg_reader;

/* Opens a reader over fp, which stays the caller's (it is neither closed nor
 * rewound).  name is used in messages and copied.  opts may be NULL (all
 * defaults).  Inspects the first block of input: returns PG_ERR_NOT_TEXT
 * (message "NAME: ...") for binary data, PG_ERR_USAGE for options out of
 * range.  A CSV input is refused with PG_ERR_FORMAT when its header row has
 * no "title" column.  On success *out is a reader to free with
 * pg_reader_free(). */
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

/* Told that opening path is waiting: a FIFO that no writer has opened yet
 * (a second without one).  Called at most once per open, on the thread
 * that opens. */
typedef void (*pg_wait_fn)(void *ctx, const char *path);

/* Opens path for reading ("rb").  A FIFO is waited on until a writer opens
 * it, as open(2) would, and waiting (may be NULL) is called when that has
 * taken a second.  On success *out is the stream to fclose(); PG_ERR_IO
 * ("PATH: cannot open: ...") otherwise, with *out NULL. */
pg_err pg_input_open(const char *path, pg_wait_fn waiting, void *ctx, FILE **out,
                     pg_error *err);

/* Parses "listing", "jsonl", "csv" or "auto" into *fmt; PG_ERR_USAGE
 * otherwise. */
pg_err pg_input_format_parse(const char *s, pg_input_format *fmt);

/* The format an input called name is read in: fmt itself, unless it is
 * PG_INPUT_AUTO, which reads a name ending in ".jsonl" or ".ndjson" (in any
 * case) as JSON lines, one ending in ".csv" as CSV, and anything else
 * (standard input too) as a listing page.  pg_reader_open does this. */
pg_input_format pg_input_format_for(const char *name, pg_input_format fmt);

/* The name pg_input_format_parse takes for fmt ("listing", "jsonl", "csv",
 * "auto"); "listing" for a value out of range. */
const char *pg_input_format_name(pg_input_format fmt);

/* Parses an encoding name, in any case: "utf-8" or "utf8"; "latin1",
 * "latin-1", "iso-8859-1" or "iso8859-1".  PG_ERR_USAGE otherwise, leaving
 * *e untouched. */
pg_err pg_encoding_parse(const char *s, pg_encoding *e);

#endif
