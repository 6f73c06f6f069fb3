/*
** reader.c: the part of every input reader that does not depend on the
** format (see reader.h and reader_internal.h).
**
** Input is read through one fixed 64 KiB buffer that grows only as far as
** the longest line allowed (max_line): a line that does not fit by then is
** consumed block by block without being kept, so memory never depends on the
** size of the file or of one hostile line.  Lines are handed to the backend
** in place (the newline is overwritten by the terminating NUL) and copied
** only when their UTF-8 needs repair, because that is the one pass every
** byte of input goes through.
**
** The first block is sniffed before any backend sees it: NUL bytes or a
** high share of invalid UTF-8 there mean the user gave us a binary file,
** which is better refused whole than "repaired" into garbage records.
**
** Latin-1 input is turned into UTF-8 line by line in the same place, before
** any backend sees it; the line limit and the byte count stay in input
** bytes, so a Latin-1 line may grow to twice the limit once transcoded.
**
** Formats are rows of a table; a row without a backend is a format that is
** named in the API but not implemented yet.
**
** The second half of the file is the record builder that the field-based
** formats (jsonl.c, csv.c) share: field names and their aliases, author
** lists, dates, URLs.  It lives here rather than in either backend so that
** a CSV column and a JSON key of the same name mean exactly the same thing.
*/
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "papergraph/base.h"
#include "papergraph/read.h"
#include "read/internal.h"
#include "base/internal.h"

/* Read buffer size, and how much input is sniffed for binary data. */
#define READ_BLOCK ((size_t)64 << 10)
/* More than 1 byte in BINARY_RATIO of the first block in invalid sequences
 * means binary input; real text with a stray Latin-1 byte stays far below. */
#define BINARY_RATIO 10
/* A ceiling on max_line so that buffer arithmetic cannot overflow. */
#define MAX_LINE_CEILING ((size_t)-1 / 4)

static const struct {
    const char *name;
    const pgr_backend *backend;     /* NULL: not implemented yet */
} formats[] = {
    [PG_INPUT_LISTING] = { "listing", &pgr_listing_backend },
    [PG_INPUT_JSONL] = { "jsonl", &pgr_jsonl_backend },
    [PG_INPUT_CSV] = { "csv", &pgr_csv_backend },
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

struct pg_reader {
    FILE *fp;
    char *name;
    const pgr_backend *backend;
    void *state;
    pg_warn_fn warn;
    void *warn_ctx;
    size_t max_line;
    int year;
    pg_encoding encoding;
    long warnings;
    unsigned long long bytes;   /* input handed out as lines or skipped */
    long line_no;
    /* buf[pos..end) is unread input, of which the first scan bytes are
     * known to hold no newline; buf has cap + 1 bytes so that a last line
     * without a newline can still be NUL-terminated in place. */
    char *buf;
    size_t cap, pos, end, scan;
    int eof;                    /* fp has nothing more to give */
    int read_errno;             /* with eof: the read failed (errno, or EIO) */
    pg_buf fixed;               /* the current line when it needed repair */
    int failed;                 /* an error made the reader unusable */
    pg_error fail_err;
};

const char *pgr_name(const pg_reader *r)
{
    return r->name;
}

size_t pgr_max_line(const pg_reader *r)
{
    return r->max_line;
}

int pgr_year(const pg_reader *r)
{
    return r->year;
}

void pgr_record_clear(pg_record *rec)
{
    rec->title = "";
    rec->title_len = 0;
    rec->abstract = "";
    rec->abstract_len = 0;
    rec->authors = -1;
    rec->author_names = "";
    rec->upvotes = -1;
    rec->pub_year = 0;
    rec->pub_month = 0;
    rec->pub_day = 0;
    rec->date_raw = "";
    rec->venue = "";
    rec->ext_id = "";
    rec->urls = "";
    rec->day = "";
    rec->day_label = "";
    rec->line = 0;
}

void pgr_warn(pg_reader *r, long line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    r->warnings++;
    if (r->warn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->warn(r->warn_ctx, r->name, line, msg);
}

/* Appends more input after buf[end); sets eof on a short read.  A read
 * error is only noted: the bytes read before it are still good, and the
 * error is reported when the lines they hold have been handed out. */
static void fill(pg_reader *r)
{
    size_t want = r->cap - r->end;
    size_t got;

    errno = 0;
    got = fread(r->buf + r->end, 1, want, r->fp);
    r->end += got;
    if (got < want) {
        if (ferror(r->fp))
            r->read_errno = errno ? errno : EIO;
        r->eof = 1;
    }
}

static pg_err read_failed(const pg_reader *r, pg_error *err)
{
    return pg_error_set(err, PG_ERR_IO, "%s: read error: %s", r->name,
                        strerror(r->read_errno));
}

/* Rewrites a Latin-1 line as UTF-8 in r->fixed, unless it is ASCII (the
 * common case, left in place).  Every byte is a character in Latin-1, so
 * only NUL needs a replacement. */
static pg_err from_latin1(pg_reader *r, pgr_line *line, pg_error *err)
{
    const unsigned char *s = (const unsigned char *)line->s;
    size_t n = line->len, i = 0, nuls = 0;

    while (i < n && s[i] != 0 && s[i] < 0x80)
        i++;
    if (i == n)
        return PG_OK;
    pg_buf_reset(&r->fixed);
    if (pg_buf_reserve(&r->fixed, i + 3 * (n - i)) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", r->name);
    unsigned char *out = (unsigned char *)r->fixed.data;
    memcpy(out, s, i);
    out += i;
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == 0) {
            memcpy(out, PGR_UTF8_REPLACEMENT, 3);
            out += 3;
            nuls++;
        } else if (c < 0x80) {
            *out++ = c;
        } else {
            *out++ = (unsigned char)(0xC0 | (c >> 6));
            *out++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    *out = '\0';
    r->fixed.len = (size_t)((char *)out - r->fixed.data);
    if (nuls)
        pgr_warn(r, line->no, "NUL byte replaced by U+FFFD");
    line->s = r->fixed.data;
    line->len = r->fixed.len;
    return PG_OK;
}

/* Hands out buf[pos..pos+len) as the next line; eol tells whether a newline
 * follows it. */
static pg_err deliver(pg_reader *r, pgr_line *line, size_t len, int eol,
                      pg_error *err)
{
    char *s = r->buf + r->pos;

    r->pos += len + (size_t)eol;
    r->scan = 0;
    r->bytes += len + (size_t)eol;
    r->line_no++;
    line->no = r->line_no;
    line->eol = eol;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    if (len > r->max_line) {
        line->s = "";
        line->len = 0;
        line->too_long = 1;
        return PG_OK;
    }
    s[len] = '\0';              /* the newline, the '\r', or the spare byte */
    line->too_long = 0;
    line->s = s;
    line->len = len;
    if (r->encoding == PG_ENCODING_LATIN1)
        return from_latin1(r, line, err);

    size_t ok = pgr_utf8_valid_prefix(s, len);
    if (ok == len)
        return PG_OK;

    size_t bad = 0, nuls = 0;
    pg_err rc;
    pg_buf_reset(&r->fixed);
    rc = pg_buf_append(&r->fixed, s, ok);
    if (rc == PG_OK)
        rc = pgr_utf8_repair(s + ok, len - ok, &r->fixed, &bad, &nuls);
    if (rc != PG_OK)
        return pg_error_set(err, rc, "%s: out of memory", r->name);
    pgr_warn(r, line->no, "%s replaced by U+FFFD",
             bad ? "invalid UTF-8" : "NUL byte");
    line->s = r->fixed.data;
    line->len = r->fixed.len;
    return PG_OK;
}

/* The unread input holds more than max_line bytes and no newline: drops it
 * and everything up to the next newline, one block at a time. */
static pg_err skip_long(pg_reader *r, pgr_line *line, pg_error *err)
{
    int eol = 0;

    r->line_no++;
    r->bytes += r->end - r->pos;
    r->pos = r->end = r->scan = 0;
    while (!r->eof) {
        fill(r);
        char *nl = memchr(r->buf, '\n', r->end);
        if (nl != NULL) {
            r->pos = (size_t)(nl - r->buf) + 1;
            r->bytes += r->pos;
            eol = 1;
            break;
        }
        r->bytes += r->end;
        r->end = 0;
    }
    if (!eol && r->read_errno)
        return read_failed(r, err);
    line->s = "";
    line->len = 0;
    line->no = r->line_no;
    line->too_long = 1;
    line->eol = eol;
    return PG_OK;
}

/* Doubles the buffer, but never past what the longest allowed line needs:
 * max_line bytes, a '\r' and the newline that proves the line ended. */
static pg_err grow(pg_reader *r, pg_error *err)
{
    size_t limit = r->max_line + 2;
    size_t cap = r->cap <= limit / 2 ? r->cap * 2 : limit;
    char *p;

    if (cap <= r->cap)
        return pg_error_set(err, PG_ERR_INTERNAL, "%s: line buffer cannot grow",
                            r->name);
    p = realloc(r->buf, cap + 1);
    if (p == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", r->name);
    r->buf = p;
    r->cap = cap;
    return PG_OK;
}

pg_err pgr_read_line(pg_reader *r, pgr_line *line, pg_error *err)
{
    pg_err rc;

    for (;;) {
        size_t avail = r->end - r->pos;
        char *start = r->buf + r->pos;
        char *nl = NULL;

        if (r->scan < avail)
            nl = memchr(start + r->scan, '\n', avail - r->scan);
        if (nl != NULL)
            return deliver(r, line, (size_t)(nl - start), 1, err);
        r->scan = avail;
        if (avail > r->max_line + 1)
            return skip_long(r, line, err);
        if (r->eof && r->read_errno)
            return read_failed(r, err);     /* a cut line is not a line */
        if (r->eof)
            return avail ? deliver(r, line, avail, 0, err) : PG_DONE;
        if (r->pos > 0) {
            memmove(r->buf, start, avail);
            r->pos = 0;
            r->end = avail;
        } else if (r->end == r->cap && (rc = grow(r, err)) != PG_OK) {
            return rc;
        }
        fill(r);
    }
}

/* Reads the first block and refuses binary input; skips a UTF-8 BOM.  In
 * Latin-1 every byte but NUL is a character, so only NUL gives binary
 * input away there. */
static pg_err sniff(pg_reader *r, pg_error *err)
{
    while (!r->eof && r->end < r->cap)
        fill(r);
    if (r->read_errno)
        return read_failed(r, err);

    const char *nul = memchr(r->buf, '\0', r->end);
    size_t first_bad = r->end, bad = 0;
    if (r->encoding == PG_ENCODING_UTF8)
        bad = pgr_utf8_invalid_bytes(r->buf, r->end, r->eof, &first_bad);
    if (nul != NULL || bad > r->end / BINARY_RATIO) {
        size_t at = nul != NULL && (size_t)(nul - r->buf) < first_bad
                        ? (size_t)(nul - r->buf) : first_bad;
        return pg_error_set(err, PG_ERR_NOT_TEXT,
                            "%s: not a text file (binary data at byte offset %zu)",
                            r->name, at);
    }
    if (r->encoding == PG_ENCODING_UTF8 && r->end >= 3 &&
        memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        r->pos = 3;
        r->bytes = 3;
    }
    return PG_OK;
}

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now == (time_t)-1 || localtime_r(&now, &tm) == NULL)
        return 1970;
    return tm.tm_year + 1900;
}

pg_err pg_reader_open(FILE *fp, const char *name, pg_input_format fmt,
                      const pg_read_opts *opts, pg_reader **out, pg_error *err)
{
    pg_reader *r = NULL;
    pg_err rc = PG_OK;
    int year = opts ? opts->year : 0;
    pg_encoding enc = opts ? opts->encoding : PG_ENCODING_UTF8;

    if (name == NULL)
        name = "<input>";
    if (out != NULL)
        *out = NULL;
    if (fp == NULL || out == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "%s: no stream to read", name);
    if ((unsigned)fmt >= N_FORMATS)
        return pg_error_set(err, PG_ERR_USAGE, "%s: unknown input format %d",
                            name, (int)fmt);
    if (formats[fmt].backend == NULL)
        return pg_error_set(err, PG_ERR_USAGE,
                            "%s: input format '%s' is not supported yet", name,
                            formats[fmt].name);
    if (year < 0 || year > 9999)
        return pg_error_set(err, PG_ERR_USAGE, "%s: year %d is out of range",
                            name, year);
    if (enc != PG_ENCODING_UTF8 && enc != PG_ENCODING_LATIN1)
        return pg_error_set(err, PG_ERR_USAGE, "%s: unknown input encoding %d",
                            name, (int)enc);

    r = calloc(1, sizeof *r);
    if (r == NULL || (r->name = strdup(name)) == NULL ||
        (r->buf = malloc(READ_BLOCK + 1)) == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    r->fp = fp;
    r->cap = READ_BLOCK;
    r->backend = formats[fmt].backend;
    r->max_line = opts && opts->max_line ? opts->max_line : PG_MAX_LINE_DEFAULT;
    if (r->max_line > MAX_LINE_CEILING)
        r->max_line = MAX_LINE_CEILING;
    r->year = year ? year : current_year();
    r->encoding = enc;
    r->warn = opts ? opts->warn : NULL;
    r->warn_ctx = opts ? opts->warn_ctx : NULL;
    pg_buf_init(&r->fixed);

    if ((rc = sniff(r, err)) != PG_OK)
        goto out;
    rc = r->backend->open(r, &r->state, err);
out:
    if (rc != PG_OK) {
        pg_reader_free(r);
        return rc;
    }
    *out = r;
    return PG_OK;
}

pg_err pg_reader_next(pg_reader *r, pg_record *rec, pg_error *err)
{
    pg_error e;
    pg_err rc;

    if (r == NULL || rec == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "pg_reader_next: no reader");
    if (r->failed) {
        if (err)
            *err = r->fail_err;
        return r->fail_err.code;
    }
    pg_error_clear(&e);
    pgr_record_clear(rec);
    rc = r->backend->next(r, r->state, rec, &e);
    if (rc != PG_OK && rc != PG_DONE) {
        /* Keep the first error: the stream position is lost after it. */
        if (e.code != rc)
            pg_error_set(&e, rc, "%s: %s", r->name, pg_strerror(rc));
        r->failed = 1;
        r->fail_err = e;
        if (err)
            *err = e;
    }
    return rc;
}

long pg_reader_warnings(const pg_reader *r)
{
    return r ? r->warnings : 0;
}

unsigned long long pg_reader_bytes(const pg_reader *r)
{
    return r ? r->bytes : 0;
}

void pg_reader_free(pg_reader *r)
{
    if (r == NULL)
        return;
    if (r->backend != NULL)
        r->backend->free(r->state);
    pg_buf_release(&r->fixed);
    free(r->buf);
    free(r->name);
    free(r);
}

pg_err pg_input_format_parse(const char *s, pg_input_format *fmt)
{
    if (s == NULL || fmt == NULL)
        return PG_ERR_USAGE;
    for (size_t i = 0; i < N_FORMATS; i++) {
        if (strcmp(s, formats[i].name) == 0) {
            *fmt = (pg_input_format)i;
            return PG_OK;
        }
    }
    return PG_ERR_USAGE;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether s[0..n) is word, ignoring ASCII case (locale-free, unlike
 * strncasecmp). */
static int same_word(const char *s, size_t n, const char *word)
{
    size_t i = 0;

    while (i < n && word[i] != '\0' && ascii_lower(s[i]) == word[i])
        i++;
    return i == n && word[i] == '\0';
}

pg_err pg_encoding_parse(const char *s, pg_encoding *e)
{
    static const struct {
        const char *name;
        pg_encoding enc;
    } names[] = {
        { "utf-8", PG_ENCODING_UTF8 },       { "utf8", PG_ENCODING_UTF8 },
        { "latin1", PG_ENCODING_LATIN1 },    { "latin-1", PG_ENCODING_LATIN1 },
        { "iso-8859-1", PG_ENCODING_LATIN1 }, { "iso8859-1", PG_ENCODING_LATIN1 },
    };

    if (s == NULL || e == NULL)
        return PG_ERR_USAGE;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (same_word(s, strlen(s), names[i].name)) {
            *e = names[i].enc;
            return PG_OK;
        }
    }
    return PG_ERR_USAGE;
}

/* ---- trimming ----------------------------------------------------------- */

size_t pgr_space_at(const unsigned char *s, size_t n)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8B || s[2] == 0xAF))
        return 3;
    if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
                   (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)))
        return 3;
    return 0;
}

/* Length of the white space character ending s[0..n), 0 when none. */
static size_t space_before(const unsigned char *s, size_t n)
{
    if (s[n - 1] < 0x80)
        return pgr_space_at(s + n - 1, 1);
    for (size_t k = 2; k <= 3 && k <= n; k++)
        if (pgr_space_at(s + n - k, k) == k)
            return k;
    return 0;
}

void pgr_trim(const char **sp, size_t *np)
{
    const unsigned char *s = (const unsigned char *)*sp;
    size_t n = *np, k;

    while (n > 0 && (k = pgr_space_at(s, n)) > 0) {
        s += k;
        n -= k;
    }
    while (n > 0 && (k = space_before(s, n)) > 0)
        n -= k;
    *sp = (const char *)s;
    *np = n;
}

/* ---- records made of named fields: names -------------------------------- */

static const struct {
    const char *name;
    pgr_field field;
} field_names[] = {
    { "title", PGR_F_TITLE },
    { "abstract", PGR_F_ABSTRACT },   { "summary", PGR_F_ABSTRACT },
    { "authors", PGR_F_AUTHORS },     { "author", PGR_F_AUTHORS },
    { "date", PGR_F_DATE },           { "published", PGR_F_DATE },
    { "year", PGR_F_DATE },
    { "upvotes", PGR_F_UPVOTES },
    { "venue", PGR_F_VENUE },         { "journal", PGR_F_VENUE },
    { "booktitle", PGR_F_VENUE },
    { "url", PGR_F_URL },             { "urls", PGR_F_URL },
    { "abs", PGR_F_URL },             { "pdf", PGR_F_URL },
    { "doi", PGR_F_DOI },
    { "id", PGR_F_ID },
    { "day", PGR_F_DAY },
};

pgr_field pgr_field_lookup(const char *name, size_t len)
{
    pgr_trim(&name, &len);
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
        if (same_word(name, len, field_names[i].name))
            return field_names[i].field;
    return PGR_F_UNKNOWN;
}

void pgr_fields_init(pgr_fields *f)
{
    memset(f, 0, sizeof *f);
    pgr_fields_reset(f, 0);
}

void pgr_fields_release(pgr_fields *f)
{
    if (f == NULL)
        return;
    pg_buf_release(&f->title);
    pg_buf_release(&f->abstract);
    pg_buf_release(&f->names);
    pg_buf_release(&f->date_raw);
    pg_buf_release(&f->venue);
    pg_buf_release(&f->ext_id);
    pg_buf_release(&f->urls);
    pg_buf_release(&f->day);
    pg_buf_release(&f->scratch);
}

void pgr_fields_reset(pgr_fields *f, long line)
{
    pg_buf_reset(&f->title);
    pg_buf_reset(&f->abstract);
    pg_buf_reset(&f->names);
    pg_buf_reset(&f->date_raw);
    pg_buf_reset(&f->venue);
    pg_buf_reset(&f->ext_id);
    pg_buf_reset(&f->urls);
    pg_buf_reset(&f->day);
    f->key = "";
    f->line = line;
    f->authors = f->upvotes = -1;
    f->y = f->m = f->d = 0;
}

void pgr_fields_wrong_type(pg_reader *r, const pgr_fields *f, const char *key,
                           const char *type)
{
    pgr_warn(r, f->line, "field '%s' is %s; ignored", key, type);
}

/* ---- records made of named fields: text --------------------------------- */

/* A NUL in a value (JSON's \u0000) would cut the C string short, so it
 * becomes U+FFFD, as it would anywhere else in the input; *s and *n then
 * point at the repaired copy in f->scratch. */
static pg_err without_nul(pg_reader *r, pgr_fields *f, const char **s,
                          size_t *n)
{
    pg_err rc;

    if (memchr(*s, '\0', *n) == NULL)
        return PG_OK;
    pgr_warn(r, f->line, "NUL byte in field '%s' replaced by U+FFFD", f->key);
    pg_buf_reset(&f->scratch);
    if ((rc = pgr_utf8_repair(*s, *n, &f->scratch, NULL, NULL)) != PG_OK)
        return rc;
    *s = f->scratch.data;
    *n = f->scratch.len;
    return PG_OK;
}

/* Appends s[0..n) to the last item of a one-item-a-line list, after sep;
 * line breaks and tabs in it become spaces so that it stays one line. */
static pg_err put_in_item(pg_buf *b, const char *sep, const char *s, size_t n)
{
    pg_err rc = pg_buf_puts(b, sep);
    size_t at = b->len;

    if (rc == PG_OK)
        rc = pg_buf_append(b, s, n);
    for (size_t i = at; rc == PG_OK && i < b->len; i++)
        if (b->data[i] == '\n' || b->data[i] == '\r' || b->data[i] == '\t')
            b->data[i] = ' ';
    return rc;
}

/* Appends one item (one line) to a list. */
static pg_err put_item(pg_buf *b, const char *s, size_t n)
{
    return put_in_item(b, b->len > 0 ? "\n" : "", s, n);
}

/* The first non-empty value of a field is the one kept. */
static pg_err set_once(pg_buf *b, const char *s, size_t n)
{
    return b->len > 0 ? PG_OK : pg_buf_append(b, s, n);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A count written as digits only, at most 9 of them; -1 otherwise. */
static int parse_count(const char *s, size_t n)
{
    int v = 0;

    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* ---- records made of named fields: authors ------------------------------ */

/* A piece of a comma-separated author list that cannot be a name of its
 * own: initials ("J.", "J. K.", "J.-P.", "A") or a suffix ("Jr."). */
static int is_initials(const char *s, size_t n)
{
    static const char *const suffixes[] = { "Jr", "Jr.", "Sr", "Sr.", "II",
                                            "III", "IV" };
    size_t i = 0;

    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
        if (strlen(suffixes[k]) == n && memcmp(suffixes[k], s, n) == 0)
            return 1;
    while (i < n) {
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
        i++;
        if (i < n && s[i] == '.')
            i++;
        else if (i < n && s[i] != ' ' && s[i] != '-')
            return 0;   /* a second letter: a word, not an initial */
        while (i < n && (s[i] == ' ' || s[i] == '-'))
            i++;
    }
    return n > 0;
}

/* 1 when the ';' at s[i] ends an HTML entity ("D&#252;llmann",
 * "M&uuml;ller"): exported bibliographies are full of them, and splitting
 * there would cut one author in two. */
static int ends_entity(const char *s, size_t i)
{
    size_t j = i;
    while (j > 0 && (isalnum((unsigned char)s[j - 1]) || s[j - 1] == '#') && i - j < 10)
        j--;
    return j > 0 && j < i && s[j - 1] == '&';
}

/* 1 when s[0..n) has a ';' that separates names rather than ends an entity. */
static int has_semicolons(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ';' && !ends_entity(s, i))
            return 1;
    return 0;
}

/* Length of the author separator at s[i..n): 1 for ',' or ';' (only the
 * one asked for), 5 for the word "and" between blanks; 0 for none. */
static size_t separator_at(const char *s, size_t n, size_t i, int semicolons)
{
    if (semicolons)
        return s[i] == ';' && !ends_entity(s, i);
    if (s[i] == ',')
        return 1;
    if ((s[i] == ' ' || s[i] == '\t') && i + 4 < n &&
        same_word(s + i + 1, 3, "and") && (s[i + 4] == ' ' || s[i + 4] == '\t'))
        return 5;
    return 0;
}

/* Adds one piece of a split author list; initials after a comma belong to
 * the name before them ("Smith, J."). */
static pg_err add_piece(pgr_fields *f, const char *s, size_t n, int after_comma)
{
    pgr_trim(&s, &n);
    if (n == 0)
        return PG_OK;
    if (after_comma && f->authors > 0 && is_initials(s, n))
        return put_in_item(&f->names, ", ", s, n);
    f->authors = f->authors < 0 ? 1 : f->authors + 1;
    return put_item(&f->names, s, n);
}

/* Authors given as one text: a count, or names split on ';' when there is
 * one (then commas are inside names: "Smith, J.; Doe, A."), else on ','
 * and "and" ("A. Smith, B. Jones and C. Lee"). */
static pg_err set_authors_text(pgr_fields *f, const char *s, size_t n)
{
    int semicolons = has_semicolons(s, n);
    int count = parse_count(s, n);
    int after_comma = 0;
    size_t start = 0;
    pg_err rc = PG_OK;

    if (count >= 0) {
        f->authors = count;
        return PG_OK;
    }
    for (size_t i = 0; i <= n && rc == PG_OK; i++) {
        size_t sep = i < n ? separator_at(s, n, i, semicolons) : 1;
        if (sep == 0)
            continue;
        rc = add_piece(f, s + start, i - start, after_comma);
        after_comma = !semicolons && sep == 1;
        start = i + sep;
        i += sep - 1;
    }
    return rc;
}

/* ---- records made of named fields: dates -------------------------------- */

static int valid_date(int y, int m, int d)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || y > 9999 || m < 0 || m > 12 || d < 0 || (m == 0 && d > 0))
        return 0;
    if (m == 0 || d == 0)
        return 1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Exactly `digits` digits at s[*i]; -1 otherwise. */
static int read_fixed(const char *s, size_t n, size_t *i, int digits)
{
    int v = 0;

    for (int k = 0; k < digits; k++, (*i)++) {
        if (*i >= n || !is_digit(s[*i]))
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

/* 1 or 2 digits at s[*i]; -1 otherwise. */
static int read_day(const char *s, size_t n, size_t *i)
{
    int v = read_fixed(s, n, i, 1);
    if (v >= 0 && *i < n && is_digit(s[*i]))
        v = v * 10 + (s[(*i)++] - '0');
    return v;
}

/* "2023", "2023-10", "2023-10-09", the last perhaps followed by a time
 * ("2023-10-09T12:00:00Z", "2023-10-09 12:00"). */
static int parse_iso(const char *s, size_t n, int *y, int *m, int *d)
{
    size_t i = 0;

    *m = *d = 0;
    if ((*y = read_fixed(s, n, &i, 4)) < 0)
        return 0;
    if (i == n)
        return 1;
    if (s[i++] != '-' || (*m = read_fixed(s, n, &i, 2)) < 0)
        return 0;
    if (i == n)
        return 1;
    if (s[i++] != '-' || (*d = read_fixed(s, n, &i, 2)) < 0)
        return 0;
    return i == n || s[i] == 'T' || s[i] == ' ';
}

int pgr_month_of(const char *s, size_t n)
{
    static const char *const names[] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    };
    for (int k = 0; k < 12; k++) {
        size_t len = strlen(names[k]);
        if (n != 3 && n != len && !(k == 8 && n == 4))
            continue;
        size_t i = 0;
        while (i < n && ascii_lower(s[i]) == names[k][i])
            i++;
        if (i == n)
            return k + 1;
    }
    return 0;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static size_t read_letters(const char *s, size_t n, size_t i)
{
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    return i;
}

/* "Oct 9, 2023", "Oct 9" (the year is year), "October 2023",
 * "9 Oct 2023". */
static int parse_named(const char *s, size_t n, int year, int *y, int *m, int *d)
{
    size_t i = 0, j;

    *d = 0;
    if (is_digit(s[0])) {
        *d = read_day(s, n, &i);
        i = skip_blanks(s, n, i);
    }
    j = read_letters(s, n, i);
    if (j - i < 3 || (*m = pgr_month_of(s + i, j - i)) == 0)
        return 0;
    if (j < n && s[j] == '.')
        j++;            /* "Oct. 9" */
    i = skip_blanks(s, n, j);
    if (*d == 0 && i + 4 == n && (*y = read_fixed(s, n, &i, 4)) >= 0)
        return 1;       /* "October 2023" */
    if (*d == 0 && (i == j || (*d = read_day(s, n, &i)) < 0))
        return 0;
    if (i == n && *d > 0 && !is_digit(s[0])) {
        *y = year;      /* "Oct 9" */
        return 1;
    }
    if (i < n && s[i] == ',')
        i++;
    i = skip_blanks(s, n, i);
    return (*y = read_fixed(s, n, &i, 4)) >= 0 && i == n;
}

/* Keeps the date when it says more than the one already kept (a "year"
 * column next to a full "published" date). */
static pg_err keep_date(pgr_fields *f, int y, int m, int d, const char *raw,
                        size_t n)
{
    int parts = (m > 0) + (d > 0);
    int had = f->y == 0 ? -1 : (f->m > 0) + (f->d > 0);

    if (parts <= had)
        return PG_OK;
    f->y = y;
    f->m = m;
    f->d = d;
    pg_buf_reset(&f->date_raw);
    return pg_buf_append(&f->date_raw, raw, n);
}

static pg_err set_date_text(pg_reader *r, pgr_fields *f, const char *s,
                            size_t n)
{
    int y, m, d;

    if ((parse_iso(s, n, &y, &m, &d) ||
         parse_named(s, n, pgr_year(r), &y, &m, &d)) && valid_date(y, m, d))
        return keep_date(f, y, m, d, s, n);
    pgr_warn(r, f->line, "invalid date '%.*s' in field '%s'; ignored",
             (int)(n > 64 ? 64 : n), s, f->key);
    return PG_OK;
}

/* A listing day: YYYY-MM-DD and nothing else. */
static pg_err set_day(pg_reader *r, pgr_fields *f, const char *s, size_t n)
{
    int y, m, d;

    if (f->day.len > 0)
        return PG_OK;
    if (n == 10 && parse_iso(s, n, &y, &m, &d) && d > 0 && valid_date(y, m, d))
        return pg_buf_append(&f->day, s, n);
    pgr_warn(r, f->line, "invalid day '%.*s' in field '%s' (want YYYY-MM-DD); "
             "ignored", (int)(n > 64 ? 64 : n), s, f->key);
    return PG_OK;
}

/* ---- records made of named fields: URLs --------------------------------- */

/* URLs cannot hold white space, so a text of several is split there. */
static pg_err add_urls(pgr_fields *f, const char *s, size_t n)
{
    size_t i = 0;
    pg_err rc = PG_OK;

    while (i < n && rc == PG_OK) {
        size_t k, start;
        while (i < n && (k = pgr_space_at((const unsigned char *)s + i, n - i)) > 0)
            i += k;
        start = i;
        while (i < n && pgr_space_at((const unsigned char *)s + i, n - i) == 0)
            i++;
        if (i > start)
            rc = put_item(&f->urls, s + start, i - start);
    }
    return rc;
}

/* A DOI as a link the URL extractor recognises: a bare "10.1145/x" or
 * "doi:10.1145/x" becomes "https://doi.org/10.1145/x"; links pass. */
static pg_err add_doi(pg_reader *r, pgr_fields *f, const char *s, size_t n)
{
    pg_err rc;

    if (n > 4 && same_word(s, 4, "http"))
        return add_urls(f, s, n);
    if (n > 4 && same_word(s, 4, "doi:")) {
        s += 4;
        n -= 4;
        pgr_trim(&s, &n);
    }
    if (n < 4 || memcmp(s, "10.", 3) != 0) {
        pgr_warn(r, f->line, "'%.*s' in field '%s' is not a DOI; ignored",
                 (int)(n > 64 ? 64 : n), s, f->key);
        return PG_OK;
    }
    if ((rc = put_item(&f->urls, "https://doi.org/", 16)) != PG_OK)
        return rc;
    return put_in_item(&f->urls, "", s, n);
}

/* ---- records made of named fields: setters ------------------------------ */

static pg_err set_text(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *s, size_t n)
{
    switch (k) {
    case PGR_F_UNKNOWN:
        return PG_OK;
    case PGR_F_TITLE:
        return set_once(&f->title, s, n);
    case PGR_F_ABSTRACT:
        return set_once(&f->abstract, s, n);
    case PGR_F_VENUE:
        return set_once(&f->venue, s, n);
    case PGR_F_ID:
        return set_once(&f->ext_id, s, n);
    case PGR_F_AUTHORS:
        return f->authors >= 0 ? PG_OK : set_authors_text(f, s, n);
    case PGR_F_DATE:
        return set_date_text(r, f, s, n);
    case PGR_F_DAY:
        return set_day(r, f, s, n);
    case PGR_F_URL:
        return add_urls(f, s, n);
    case PGR_F_DOI:
        return add_doi(r, f, s, n);
    case PGR_F_UPVOTES:
        if (f->upvotes < 0 && (f->upvotes = parse_count(s, n)) < 0)
            pgr_warn(r, f->line, "field '%s' is not a count: '%.*s'; ignored",
                     f->key, (int)(n > 64 ? 64 : n), s);
        return PG_OK;
    }
    return PG_ERR_INTERNAL;
}

pg_err pgr_fields_text(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *key, const char *s, size_t n, pg_error *err)
{
    pg_err rc;

    f->key = key;
    pgr_trim(&s, &n);
    if (n == 0)
        return PG_OK;
    if ((rc = without_nul(r, f, &s, &n)) == PG_OK)
        rc = set_text(r, f, k, s, n);
    if (rc != PG_OK)
        return pg_error_set(err, rc, "%s:%ld: %s", pgr_name(r), f->line,
                            rc == PG_ERR_NOMEM ? "out of memory"
                                               : "unknown record field");
    return PG_OK;
}

/* A count from a number: non-negative and an int. */
static int count_of(pg_reader *r, const pgr_fields *f, long long v)
{
    if (v >= 0 && v <= INT_MAX)
        return (int)v;
    pgr_warn(r, f->line, "field '%s' is out of range (%lld); ignored", f->key, v);
    return -1;
}

pg_err pgr_fields_number(pg_reader *r, pgr_fields *f, pgr_field k,
                         const char *key, long long v, pg_error *err)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%lld", v);

    f->key = key;
    switch (k) {
    case PGR_F_UNKNOWN:
        return PG_OK;
    case PGR_F_AUTHORS:
        if (f->authors < 0)
            f->authors = count_of(r, f, v);
        return PG_OK;
    case PGR_F_UPVOTES:
        if (f->upvotes < 0)
            f->upvotes = count_of(r, f, v);
        return PG_OK;
    case PGR_F_DATE:    /* a year */
    case PGR_F_ID:
        return pgr_fields_text(r, f, k, key, text, (size_t)len, err);
    case PGR_F_TITLE:
    case PGR_F_ABSTRACT:
    case PGR_F_VENUE:
    case PGR_F_DAY:
    case PGR_F_URL:
    case PGR_F_DOI:
        break;
    }
    pgr_fields_wrong_type(r, f, key, "a number");
    return PG_OK;
}

pg_err pgr_fields_item(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *key, const char *s, size_t n, pg_error *err)
{
    pg_err rc = PG_OK;

    f->key = key;
    pgr_trim(&s, &n);
    if (k != PGR_F_AUTHORS && k != PGR_F_URL && k != PGR_F_UNKNOWN) {
        pgr_fields_wrong_type(r, f, key, "a list");
        return PG_OK;
    }
    if (n == 0 || k == PGR_F_UNKNOWN)
        return PG_OK;
    rc = without_nul(r, f, &s, &n);
    if (rc == PG_OK && k == PGR_F_URL) {
        rc = add_urls(f, s, n);
    } else if (rc == PG_OK) {
        f->authors = f->authors < 0 ? 1 : f->authors + 1;
        rc = put_item(&f->names, s, n);
    }
    if (rc != PG_OK)
        return pg_error_set(err, rc, "%s:%ld: out of memory", pgr_name(r),
                            f->line);
    return PG_OK;
}

void pgr_fields_list_done(pgr_fields *f, pgr_field k)
{
    if (k == PGR_F_AUTHORS && f->authors < 0)
        f->authors = 0;
}

static const char *buf_str(const pg_buf *b)
{
    return b->len ? b->data : "";
}

int pgr_fields_finish(pg_reader *r, pgr_fields *f, pg_record *rec)
{
    if (f->title.len == 0) {
        pgr_warn(r, f->line, "record has no title; skipped");
        return 0;
    }
    rec->title = f->title.data;
    rec->title_len = f->title.len;
    rec->abstract = buf_str(&f->abstract);
    rec->abstract_len = f->abstract.len;
    rec->authors = f->authors;
    rec->author_names = buf_str(&f->names);
    rec->upvotes = f->upvotes;
    rec->pub_year = f->y;
    rec->pub_month = f->m;
    rec->pub_day = f->d;
    rec->date_raw = buf_str(&f->date_raw);
    rec->venue = buf_str(&f->venue);
    rec->ext_id = buf_str(&f->ext_id);
    rec->urls = buf_str(&f->urls);
    rec->day = buf_str(&f->day);
    rec->day_label = rec->day;
    rec->line = f->line;
    return 1;
}
