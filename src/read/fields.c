/*
** fields.c: the record builder that the field-based formats (jsonl.c,
** csv.c) share: field names and their aliases, counts, author lists, dates,
** URLs and DOIs, and the checks and warnings that go with each (see
** read/internal.h).  It is one module rather than a part of either backend
** so that a CSV column and a JSON key of the same name mean exactly the
** same thing.
*/
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "papergraph/read.h"
#include "read/internal.h"
#include "base/internal.h"

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
        if (pgr_same_word(name, len, field_names[i].name))
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
        pgr_same_word(s + i + 1, 3, "and") && (s[i + 4] == ' ' || s[i + 4] == '\t'))
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

    if ((pgr_parse_iso(s, n, &y, &m, &d) ||
         pgr_parse_named(s, n, pgr_year(r), &y, &m, &d)) && pgr_valid_date(y, m, d))
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
    if (n == 10 && pgr_parse_iso(s, n, &y, &m, &d) && d > 0 && pgr_valid_date(y, m, d))
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

    if (n > 4 && pgr_same_word(s, 4, "http"))
        return add_urls(f, s, n);
    if (n > 4 && pgr_same_word(s, 4, "doi:")) {
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
