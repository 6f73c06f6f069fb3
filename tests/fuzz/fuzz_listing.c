/*
** fuzz_listing.c: libFuzzer target for the readers: the listing reader by
** default; built with -DFUZZ_FORMAT=PG_INPUT_JSONL or PG_INPUT_CSV it fuzzes
** those backends (also in Latin-1 mode) with the same checks.
**
** Each input is read twice, once with the default limits and once with a
** tiny max_line so that the over-long-line path (skipping, dropping the
** entry, resynchronising on the next one) is exercised by short inputs too.
** Besides the sanitizers, the target checks the promises record.h makes to
** every caller and abort()s when one is broken: non-empty titles, lengths
** that match, valid UTF-8 without NUL, trimmed text, increasing lines, sane
** metadata, and all of the input consumed.  The UTF-8 check is written here
** again on purpose, so that a bug in src/utf8.c cannot hide itself.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/read.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT PG_INPUT_LISTING
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
    if (!cond)
        abort();
}

/* Plain, slow, obviously right: strict UTF-8 without NUL. */
static int valid_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned long cp;
        size_t k;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void check_string(const char *s, size_t len)
{
    require(s != NULL);
    require(strlen(s) == len);
    require(valid_utf8(s, len));
    if (len > 0)
        require(!is_ascii_space(s[0]) && !is_ascii_space(s[len - 1]));
}

/* What the warning callback saw. */
typedef struct warned {
    long count;
    long no_abstract_line;  /* the last "title has no abstract" warning's */
} warned;

static void check_record(const pg_record *rec, long prev_line, const warned *w)
{
    check_string(rec->title, rec->title_len);
    require(rec->title_len > 0);
    check_string(rec->abstract, rec->abstract_len);
    /* A listing entry without an abstract has been warned about at its
     * title's line. */
    require(rec->abstract_len > 0 || FUZZ_FORMAT != PG_INPUT_LISTING
            || w->no_abstract_line == rec->line);
    check_string(rec->author_names, strlen(rec->author_names));
    check_string(rec->date_raw, strlen(rec->date_raw));
    check_string(rec->venue, strlen(rec->venue));
    check_string(rec->ext_id, strlen(rec->ext_id));
    check_string(rec->urls, strlen(rec->urls));
    check_string(rec->day, strlen(rec->day));
    check_string(rec->day_label, strlen(rec->day_label));
    require(rec->line >= 1 && rec->line > prev_line);
    require(rec->authors >= -1 && rec->upvotes >= -1);
    require(strlen(rec->day) == 0 || strlen(rec->day) == 10);
    if (rec->pub_year != 0 && FUZZ_FORMAT != PG_INPUT_LISTING) {
        /* Bibliographic dates may stop at the year or the month. */
        require(rec->pub_month >= 0 && rec->pub_month <= 12);
        require(rec->pub_day >= 0 && rec->pub_day <= 31);
        require(rec->pub_month != 0 || rec->pub_day == 0);
    } else if (rec->pub_year != 0) {
        require(rec->pub_month >= 1 && rec->pub_month <= 12);
        require(rec->pub_day >= 1 && rec->pub_day <= 31);
        require(rec->date_raw[0] != '\0');
    } else {
        require(rec->pub_month == 0 && rec->pub_day == 0);
        require(rec->date_raw[0] == '\0');
    }
}

static void count_warning(void *ctx, const char *file, long line, const char *msg)
{
    warned *w = ctx;
    require(file != NULL && msg != NULL && msg[0] != '\0' && line >= 0);
    if (strncmp(msg, "title has no abstract", 21) == 0)
        w->no_abstract_line = line;
    w->count++;
}

static void read_once(const uint8_t *data, size_t size, size_t max_line, int year,
                      pg_encoding encoding)
{
    /* fmemopen() may refuse a zero size: an empty file stands in. */
    FILE *fp = size ? fmemopen((void *)(uintptr_t)data, size, "r")
                    : fopen("/dev/null", "r");
    warned w = { 0, 0 };
    pg_read_opts o = { .year = year, .max_line = max_line, .warn = count_warning,
                       .warn_ctx = &w };
    pg_reader *r = NULL;
    pg_error err;
    pg_record rec;
    pg_err rc;
    long prev = 0, n = 0;

    if (fp == NULL)
        abort();
    o.encoding = encoding;
    rc = pg_reader_open(fp, "fuzz", FUZZ_FORMAT, &o, &r, &err);
    if (rc == PG_ERR_NOT_TEXT || (rc == PG_ERR_FORMAT && FUZZ_FORMAT == PG_INPUT_CSV)) {
        /* "NAME: ..." or "NAME:LINE: ...": always the input's name first. */
        require(r == NULL && strncmp(err.msg, "fuzz:", 5) == 0);
        fclose(fp);
        return;
    }
    require(rc == PG_OK && r != NULL);
    while ((rc = pg_reader_next(r, &rec, &err)) == PG_OK) {
        check_record(&rec, prev, &w);
        prev = rec.line;
        n++;
    }
    require(rc == PG_DONE);
    require(pg_reader_next(r, &rec, &err) == PG_DONE);
    require(pg_reader_bytes(r) == size);
    require(pg_reader_warnings(r) == w.count);
    require(n <= (long)size);
    pg_reader_free(r);
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_once(data, size, 0, 2025, PG_ENCODING_UTF8);
    read_once(data, size, 64, 0, PG_ENCODING_UTF8);
    if (FUZZ_FORMAT != PG_INPUT_LISTING)
        read_once(data, size, 0, 2025, PG_ENCODING_LATIN1);
    return 0;
}
