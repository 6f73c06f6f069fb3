/*
** reader.c: the part of every input reader that does not depend on the
** format: the stream, lines, encodings, the binary sniff, trimming and
** names compared without regard to ASCII case (see read.h and
** read/internal.h).
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
** The record builder that the field-based formats share is in fields.c,
** the dates they accept in dates.c.
*/
#include <errno.h>
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
    [PG_INPUT_AUTO] = { "auto", NULL },     /* resolved by name first */
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
    fmt = pg_input_format_for(name, fmt);
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

const char *pg_input_format_name(pg_input_format fmt)
{
    return (unsigned)fmt < N_FORMATS ? formats[fmt].name : formats[PG_INPUT_LISTING].name;
}

/* Whether name ends in suffix, in any ASCII case. */
static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && pgr_same_word(name + n - k, k, suffix);
}

pg_input_format pg_input_format_for(const char *name, pg_input_format fmt)
{
    if (fmt != PG_INPUT_AUTO)
        return fmt;
    if (name != NULL && (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")))
        return PG_INPUT_JSONL;
    if (name != NULL && ends_with(name, ".csv"))
        return PG_INPUT_CSV;
    return PG_INPUT_LISTING;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int pgr_same_word(const char *s, size_t n, const char *word)
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
        if (pgr_same_word(s, strlen(s), names[i].name)) {
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
