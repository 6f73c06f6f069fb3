/*
** read/internal.h: what a format backend sees of a pg_reader (internal).
**
** reader.c owns everything formats have in common: the stream, a fixed read
** buffer, splitting into lines with the max-line limit, UTF-8 repair, the
** binary-input sniff, warning and byte counting.  A backend is three
** functions in a const table (in the spirit of dav1d's muxer vtables) that
** turn lines into records.  To add a format:
**
**   1. write src/read/FORMAT.c defining `const pgr_backend pgr_FORMAT_backend`,
**      reading input only through pgr_read_line() and warning only through
**      pgr_warn();
**   2. declare it below;
**   3. point its row of the format table in reader.c at it.
**
** Formats whose records are sets of named fields (JSON lines, CSV) share
** the pgr_fields builder below, so that a field means the same thing, with
** the same aliases, checks and warnings, whatever the syntax around it.
*/
#ifndef PG_READER_INTERNAL_H
#define PG_READER_INTERNAL_H

#include <stddef.h>
#include "papergraph/base.h"
#include "papergraph/read.h"

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
extern const pgr_backend pgr_jsonl_backend;
extern const pgr_backend pgr_csv_backend;

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

/* ---- dates (dates.c) -------------------------------------------------- */

/* The month (1..12) named by s[0..n): "Oct", "Sept", "October", in any
 * case; 0 when none.  Shared by every backend's date parsing. */
int pgr_month_of(const char *s, size_t n);

/* 1 when year y (1..9999), month m and day d exist; m and d may be 0 for a
 * date known to the year or the month only (not a day without a month). */
int pgr_valid_date(int y, int m, int d);

/* "2023", "2023-10", "2023-10-09", the last perhaps followed by a time
 * ("T12:00:00Z", " 12:00"): 1 with *y, *m, *d set (0 for a missing part),
 * else 0.  The values are not checked (see pgr_valid_date). */
int pgr_parse_iso(const char *s, size_t n, int *y, int *m, int *d);

/* "Oct 9, 2023", "Oct. 9 2023", "Oct 9" (in year), "October 2023",
 * "9 Oct 2023": 1 with *y, *m, *d set, else 0; not checked either. */
int pgr_parse_named(const char *s, size_t n, int year, int *y, int *m, int *d);

/* Sets every field of rec to its "absent" value: "" strings, -1 counts,
 * 0 dates and line. */
void pgr_record_clear(pg_record *rec);

/* Length of the white space character at s[0..n) (n >= 1), 0 when there
 * is none: ASCII white space, NBSP, the U+2000 spaces, narrow NBSP,
 * ideographic space and BOM. */
size_t pgr_space_at(const unsigned char *s, size_t n);

/* Narrows s[0..*n) to its text without surrounding white space: ASCII
 * white space, NBSP, the U+2000 spaces, narrow NBSP, ideographic space and
 * BOM (pasted text carries them all). */
void pgr_trim(const char **s, size_t *n);

/* Whether s[0..n) is word (written in lower case), ignoring ASCII case:
 * locale-free, unlike strncasecmp, so that a name means the same under
 * every locale.  One compare for field names, encodings and URL schemes. */
int pgr_same_word(const char *s, size_t n, const char *word);

/* ---- records made of named fields (jsonl, csv; fields.c) ------------- */

/* What a field name means (see the table in reader.h). */
typedef enum pgr_field {
    PGR_F_UNKNOWN = 0,  /* ignored */
    PGR_F_TITLE,
    PGR_F_ABSTRACT,
    PGR_F_AUTHORS,
    PGR_F_DATE,
    PGR_F_UPVOTES,
    PGR_F_VENUE,
    PGR_F_URL,
    PGR_F_DOI,
    PGR_F_ID,
    PGR_F_DAY
} pgr_field;

/* The field a name stands for, ignoring case and surrounding white space. */
pgr_field pgr_field_lookup(const char *name, size_t len);

/* One record under construction.  Text is copied in, so values may come
 * from buffers that change between calls; the record filled by
 * pgr_fields_finish() points into these buffers. */
typedef struct pgr_fields {
    const char *key;    /* the name of the field being set, for warnings */
    long line;          /* the record's line, for warnings */
    pg_buf title, abstract, names, date_raw, venue, ext_id, urls, day;
    pg_buf scratch;     /* a value repaired before use */
    int authors, upvotes, y, m, d;
} pgr_fields;

void pgr_fields_init(pgr_fields *f);
void pgr_fields_release(pgr_fields *f);
/* Empties f for a record starting at line. */
void pgr_fields_reset(pgr_fields *f, long line);

/* Sets field k from text s[0..n) (any NUL bytes become U+FFFD) given under
 * the name key.  A value that does not fit the field is warned about and
 * ignored; empty text is an absent value.  PG_ERR_NOMEM is the only error. */
pg_err pgr_fields_text(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *key, const char *s, size_t n, pg_error *err);
/* Sets field k from a number (JSON).  Same contract. */
pg_err pgr_fields_number(pg_reader *r, pgr_fields *f, pgr_field k,
                         const char *key, long long v, pg_error *err);
/* Adds one element of a list (JSON array) to authors or URLs: a list of
 * authors holds one name an element, never split.  Other fields warn. */
pg_err pgr_fields_item(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *key, const char *s, size_t n, pg_error *err);
/* Warns that the value given under key is of the wrong type, a short noun
 * phrase ("an object"), and so ignored. */
void pgr_fields_wrong_type(pg_reader *r, const pgr_fields *f, const char *key,
                           const char *type);
/* Ends a list of authors: an empty list is a count of zero.  (A list of
 * authors after another authors field is not to be added at all: the
 * caller skips it when f->authors >= 0.) */
void pgr_fields_list_done(pgr_fields *f, pgr_field k);

/* Points rec at the record and returns 1, or warns "record has no title;
 * skipped" and returns 0. */
int pgr_fields_finish(pg_reader *r, pgr_fields *f, pg_record *rec);

#endif
