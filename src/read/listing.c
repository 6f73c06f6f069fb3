/*
** listing.c: the reader backend for "Daily Papers" listing pages (the format
** described in shared/FORMAT.md).
**
** A page is a header of fixed boilerplate lines, a day label ("Sep 3"), then
** entries: a title paragraph, an abstract paragraph, and optionally a
** metadata block ("  • 5 authors", "·", "Oct 9, 2023 2").  Real captures
** bend this in every way (CRLF, stray blank lines, metadata glued to the
** abstract, abstracts wrapped over several lines, pages pasted one after
** another), so the parser is a small state machine over classified lines
** rather than a fixed layout: each line is blank, header boilerplate, one
** of the three metadata shapes, or text, and only the state decides what a
** text line means.
**
** An entry is known to be complete only when the line after it arrives
** (unless its metadata date closes it), so that line is kept as "pending"
** and handled again on the next call; its bytes stay valid because the line
** reader is not called in between.  Entries that cannot be trusted (an
** over-long line) run through the same states with a "dropped" mark, so the
** lines after them still land in the right place.
**
** A title whose abstract is missing (a truncated scrape leaves "title,
** blank, blank") is kept with an empty abstract and a warning; the line
** after it must then not be taken for its abstract.  In real pages titles
** stay under 250 bytes and abstracts are one line of over 1,000, so a line
** shorter than ABSTRACT_LIKE looks like a title, and it is read as the next
** title rather than the abstract when it follows the title after two or
** more blank lines (the empty abstract's line and the blank after it), or
** when it stands alone in its paragraph and the next paragraph starts with
** a line as long as an abstract (its own).  Pages whose abstracts are all
** long never meet either rule.
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "base/internal.h"
#include "read/internal.h"

/* A line at least this long inside a title paragraph is taken for the
 * abstract that lost its blank line: titles in real pages stay under
 * 250 bytes, abstracts above 1,000. */
#define ABSTRACT_LIKE 400
/* A line at least this long where a title is expected is an abstract whose
 * title was lost; taking it for a title would shift every later entry. */
#define ORPHAN_ABSTRACT 1000
/* Metadata lines are short; longer lines are not even tried as such. */
#define META_MAX 64

static const char *const header_lines[] = {
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
};

enum lstate {
    L_NONE,             /* between entries */
    L_TITLE,            /* inside the title paragraph */
    L_WANT_ABSTRACT,    /* blank line(s) after the title */
    L_ABSTRACT,         /* inside the abstract paragraph */
    L_AFTER_ABSTRACT,   /* blank line(s) after the abstract */
    L_META,             /* inside the metadata block */
    L_SKIP              /* skipping what belongs to a rejected entry */
};

enum lkind { K_BLANK, K_HEADER, K_AUTHORS, K_SEP, K_DATE, K_TEXT, K_LONG };

/* A date line as written: y is 0 when no year was written. */
typedef struct ldate {
    int y, m, d;
    int upvotes;        /* -1 when absent */
    size_t raw_len;     /* length of the date text, upvotes excluded */
} ldate;

typedef struct lentry {
    pg_buf title, abstract, date_raw;
    long line;
    int title_lines;
    int dropped;        /* already warned about; not to be returned */
    int authors, upvotes, y, m, d;
} lentry;

typedef struct listing {
    enum lstate st;
    int blanks;         /* with L_WANT_ABSTRACT: blank lines after the title */
    int maybe_title;    /* the abstract so far is one short line that came
                           after a single blank: it may be the next title */
    long abstract_line; /* the abstract's first line */
    pg_buf carry;       /* a title read as the abstract of the entry before,
                           to start the next entry with; empty when none */
    long carry_line;
    int skip_para;      /* with L_SKIP: text lines are skipped until a blank */
    int want_label;     /* at a page start, a date line is the day label */
    pg_buf label;
    char day[11];       /* YYYY-MM-DD or "" */
    int day_y, day_m, day_d;
    lentry e;
    pgr_line cur;
    int have_line;      /* cur is pending: handle it before reading on */
    int at_eof;
} listing;

/* ---- line shapes ----------------------------------------------------- */

static int is_header(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof header_lines / sizeof header_lines[0]; i++)
        if (strlen(header_lines[i]) == n && memcmp(header_lines[i], s, n) == 0)
            return 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Reads 1..max digits at s[*i]; returns -1 when there are none or more. */
static int read_number(const char *s, size_t n, size_t *i, int max)
{
    int v = 0, k = 0;
    while (*i < n && is_digit(s[*i])) {
        if (++k > max)
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return k ? v : -1;
}

/* "Mon D", "Mon D, YYYY", either followed by an upvote count. */
static int parse_date(const char *s, size_t n, ldate *out)
{
    size_t i = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    if (i < 3 || (out->m = pgr_month_of(s, i)) == 0)
        return 0;
    size_t j = skip_blanks(s, n, i);
    if (j == i || (out->d = read_number(s, n, &j, 2)) < 0)
        return 0;
    out->y = 0;
    out->raw_len = j;
    if (j < n && s[j] == ',') {
        j = skip_blanks(s, n, j + 1);
        size_t at = j;
        out->y = read_number(s, n, &j, 4);
        if (j - at != 4)
            return 0;
        out->raw_len = j;
    }
    out->upvotes = -1;
    if (j < n) {
        size_t k = skip_blanks(s, n, j);
        if (k == j || (out->upvotes = read_number(s, n, &k, 9)) < 0)
            return 0;
        j = k;
    }
    return j == n;
}

/* "• 5 authors", "• 1 author" (the bullet may be missing). */
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int parse_authors(const char *s, size_t n, int *out)
{
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xE2\x80\xA2", 3) == 0)
        i = skip_blanks(s, n, 3);
    if ((*out = read_number(s, n, &i, 9)) < 0)
        return 0;
    size_t j = skip_blanks(s, n, i);
    if (j == i)
        return 0;
    static const char word[] = "author";
    for (size_t k = 0; k < sizeof word - 1; k++, j++)
        if (j >= n || lower(s[j]) != word[k])
            return 0;
    if (j < n && lower(s[j]) == 's')
        j++;
    return j == n;
}

static enum lkind classify_meta(const char *s, size_t n, ldate *date,
                               int *authors)
{
    if (n == 2 && memcmp(s, "\xC2\xB7", 2) == 0)
        return K_SEP;
    if (parse_authors(s, n, authors))
        return K_AUTHORS;
    if (parse_date(s, n, date))
        return K_DATE;
    return K_TEXT;
}

/* Pages joined with cat(1) when the first lacks its final newline glue the
 * next page's "new" to the last line.  After a metadata line that is
 * unmistakable ("Oct 6, 2024new"): the line is taken without it and
 * *glued is set so that the caller replays the header line. */
static enum lkind classify(const pgr_line *ln, const char **s, size_t *n,
                           ldate *date, int *authors, int *glued)
{
    static const char glue[] = "new";
    const size_t gl = sizeof glue - 1;

    *glued = 0;
    if (ln->too_long)
        return K_LONG;
    if (*n == 0)
        return K_BLANK;
    if (is_header(*s, *n))
        return K_HEADER;
    if (*n > META_MAX + gl)
        return K_TEXT;
    enum lkind k = classify_meta(*s, *n, date, authors);
    if (k != K_TEXT || *n <= gl || memcmp(*s + *n - gl, glue, gl) != 0)
        return k;
    const char *p = *s;
    size_t m = *n - gl;
    pgr_trim(&p, &m);
    if (m == 0 || (k = classify_meta(p, m, date, authors)) == K_TEXT)
        return K_TEXT;
    *s = p;
    *n = m;
    *glued = 1;
    return k;
}

/* ---- dates ------------------------------------------------------------- */

static void start_page(listing *ls)
{
    pg_buf_reset(&ls->label);
    ls->day[0] = '\0';
    ls->day_y = ls->day_m = ls->day_d = 0;
    ls->want_label = 1;
}

static pg_err set_day(pg_reader *r, listing *ls, const pgr_line *ln,
                      const char *s, size_t n, const ldate *dt, pg_error *err)
{
    int y = dt->y ? dt->y : pgr_year(r);

    pg_buf_reset(&ls->label);
    if (pg_buf_append(&ls->label, s, n) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    if (dt->d < 1 || !pgr_valid_date(y, dt->m, dt->d)) {
        pgr_warn(r, ln->no, "invalid day label '%.*s'", (int)n, s);
        ls->day[0] = '\0';
        ls->day_y = ls->day_m = ls->day_d = 0;
        return PG_OK;
    }
    pg_date_format(ls->day, y, dt->m, dt->d);
    ls->day_y = y;
    ls->day_m = dt->m;
    ls->day_d = dt->d;
    return PG_OK;
}

/* A date without a year is in the page's year, unless that would put it
 * after the page's own day: a listing cannot show a paper from its future,
 * so the date is from the year before. */
static pg_err set_date(pg_reader *r, listing *ls, const pgr_line *ln,
                       const char *s, const ldate *dt, pg_error *err)
{
    lentry *e = &ls->e;
    int y = dt->y;

    e->upvotes = dt->upvotes;
    if (y == 0 && ls->day_y != 0) {
        y = ls->day_y;
        if (dt->m > ls->day_m || (dt->m == ls->day_m && dt->d > ls->day_d))
            y--;
    } else if (y == 0) {
        y = pgr_year(r);
    }
    if (dt->d < 1 || !pgr_valid_date(y, dt->m, dt->d)) {
        pgr_warn(r, ln->no, "invalid date '%.*s' ignored", (int)dt->raw_len, s);
        return PG_OK;
    }
    e->y = y;
    e->m = dt->m;
    e->d = dt->d;
    pg_buf_reset(&e->date_raw);
    if (pg_buf_append(&e->date_raw, s, dt->raw_len) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    return PG_OK;
}

/* ---- entries ----------------------------------------------------------- */

static void drop_long(pg_reader *r, listing *ls, const pgr_line *ln)
{
    pgr_warn(r, ln->no, "line %ld is longer than %zu bytes; entry skipped",
             ln->no, pgr_max_line(r));
    ls->e.dropped = 1;
}

/* The entry ends without an abstract: it is kept, with an empty one. */
static void no_abstract(pg_reader *r, listing *ls)
{
    if (!ls->e.dropped)
        pgr_warn(r, ls->e.line, "title has no abstract; kept without one");
}

/* Appends a line to a title or abstract, a space between lines.  A field
 * that outgrows max_line drops its entry, which keeps memory bounded by the
 * limit even for a paragraph of a million short lines. */
static pg_err append(pg_reader *r, listing *ls, pg_buf *field, const char *s,
                     size_t n, pg_error *err)
{
    lentry *e = &ls->e;
    pg_err rc = PG_OK;

    if (e->dropped)
        return PG_OK;
    if (field->len + (field->len > 0) + n > pgr_max_line(r)) {
        pgr_warn(r, e->line, "entry is longer than %zu bytes; entry skipped",
                 pgr_max_line(r));
        e->dropped = 1;
        return PG_OK;
    }
    if (field->len > 0)
        rc = pg_buf_putc(field, ' ');
    if (rc == PG_OK)
        rc = pg_buf_append(field, s, n);
    if (rc != PG_OK)
        return pg_error_set(err, rc, "%s: out of memory", pgr_name(r));
    return PG_OK;
}

static pg_err begin_entry(pg_reader *r, listing *ls, const pgr_line *ln,
                          const char *s, size_t n, pg_error *err)
{
    lentry *e = &ls->e;

    pg_buf_reset(&e->title);
    pg_buf_reset(&e->abstract);
    pg_buf_reset(&e->date_raw);
    e->line = ln->no;
    e->title_lines = 1;
    e->dropped = 0;
    e->authors = e->upvotes = -1;
    e->y = e->m = e->d = 0;
    ls->want_label = 0;
    ls->st = L_TITLE;
    ls->blanks = 0;
    ls->maybe_title = 0;
    if (ln->too_long) {
        drop_long(r, ls, ln);
        return PG_OK;
    }
    return append(r, ls, &e->title, s, n, err);
}

/* Starts the entry whose title was first read as the abstract of the one
 * before (see take_back_title()); its blank line has been read. */
static pg_err begin_carried(pg_reader *r, listing *ls, pg_error *err)
{
    pgr_line ln;
    pg_err rc;

    memset(&ln, 0, sizeof ln);
    ln.no = ls->carry_line;
    rc = begin_entry(r, ls, &ln, ls->carry.data, ls->carry.len, err);
    pg_buf_reset(&ls->carry);
    ls->st = L_WANT_ABSTRACT;
    ls->blanks = 1;
    return rc;
}

static const char *buf_str(const pg_buf *b)
{
    return b->len ? b->data : "";
}

static void fill_record(const listing *ls, pg_record *rec)
{
    const lentry *e = &ls->e;

    rec->title = buf_str(&e->title);
    rec->title_len = e->title.len;
    rec->abstract = buf_str(&e->abstract);
    rec->abstract_len = e->abstract.len;
    rec->authors = e->authors;
    rec->upvotes = e->upvotes;
    rec->pub_year = e->y;
    rec->pub_month = e->m;
    rec->pub_day = e->d;
    rec->date_raw = buf_str(&e->date_raw);
    rec->day = ls->day;
    rec->day_label = buf_str(&ls->label);
    rec->line = e->line;
}

/* ---- the state machine ------------------------------------------------- */

/* One classified line, as the state handlers see it. */
typedef struct lline {
    const pgr_line *ln;
    const char *s;      /* trimmed */
    size_t n;
    enum lkind k;
    ldate dt;           /* with K_DATE */
    int authors;        /* with K_AUTHORS */
    int glued;          /* a header's "new" was glued to the line's end */
} lline;

/* The entry is complete; the line that showed it either belonged to it (a
 * metadata date) or is kept to be handled again. */
static void complete(listing *ls, int keep_line, int *done)
{
    *done = 1;
    ls->st = L_NONE;
    ls->have_line = keep_line;
}

/* Leaves the line for another state to handle. */
static pg_err hand_over(listing *ls, enum lstate st)
{
    ls->st = st;
    ls->have_line = 1;
    return PG_OK;
}

/* A line that is a JSON object: a file of JSON lines read as a listing
 * page (the default format) would otherwise give titles of raw JSON, or,
 * with long lines, one "abstract without a title" and nothing else. */
static int is_json_object(const char *s, size_t n)
{
    return n >= 2 && s[0] == '{' && s[n - 1] == '}'
           && (s[1] == '"' || s[1] == ' ' || s[1] == '}');
}

static pg_err in_none(pg_reader *r, listing *ls, const lline *l, pg_error *err)
{
    switch (l->k) {
    case K_BLANK:
        return PG_OK;
    case K_HEADER:
        start_page(ls);
        return PG_OK;
    case K_DATE:
    case K_AUTHORS:
    case K_SEP:
        if (l->k == K_DATE && ls->want_label && l->dt.upvotes < 0)
            return set_day(r, ls, l->ln, l->s, l->n, &l->dt, err);
        pgr_warn(r, l->ln->no, "metadata line without an entry ignored");
        return PG_OK;
    case K_TEXT:
    case K_LONG:
        if (is_json_object(l->s, l->n)) {
            pgr_warn(r, l->ln->no, "a JSON object, not a listing entry: skipped "
                     "with the lines after it up to a blank line "
                     "(JSON lines are read with --format jsonl)");
            ls->st = L_SKIP;
            ls->skip_para = 1;
            return PG_OK;
        }
        if (l->k == K_TEXT && l->n >= ORPHAN_ABSTRACT) {
            pgr_warn(r, l->ln->no, "abstract without a title skipped");
            ls->st = L_SKIP;
            ls->skip_para = 1;
            return PG_OK;
        }
        return begin_entry(r, ls, l->ln, l->s, l->n, err);
    }
    return PG_ERR_INTERNAL;
}

/* In the title paragraph or the blank lines after it. */
static pg_err in_title(pg_reader *r, listing *ls, const lline *l, int *done,
                       pg_error *err)
{
    lentry *e = &ls->e;

    switch (l->k) {
    case K_BLANK:
        if (ls->st == L_TITLE)
            ls->blanks = 0;
        ls->st = L_WANT_ABSTRACT;
        ls->blanks++;
        return PG_OK;
    case K_HEADER:
        no_abstract(r, ls);
        complete(ls, 1, done);
        return PG_OK;
    case K_DATE:
    case K_AUTHORS:
    case K_SEP:
        /* The metadata is the entry's own. */
        no_abstract(r, ls);
        return hand_over(ls, L_META);
    case K_TEXT:
        if (ls->st == L_TITLE && l->n < ABSTRACT_LIKE) {
            if (++e->title_lines == 2)
                pgr_warn(r, e->line, "title spans several lines; joined");
            return append(r, ls, &e->title, l->s, l->n, err);
        }
        if (ls->st == L_WANT_ABSTRACT && ls->blanks >= 2 && l->n < ABSTRACT_LIKE) {
            /* The abstract's line was empty: this is the next title. */
            no_abstract(r, ls);
            complete(ls, 1, done);
            return PG_OK;
        }
        if (ls->st == L_TITLE)
            pgr_warn(r, l->ln->no, "no blank line between title and abstract");
        ls->maybe_title = ls->st == L_WANT_ABSTRACT && l->n < ABSTRACT_LIKE;
        ls->abstract_line = l->ln->no;
        ls->st = L_ABSTRACT;
        return append(r, ls, &e->abstract, l->s, l->n, err);
    case K_LONG:
        drop_long(r, ls, l->ln);
        ls->st = L_ABSTRACT;
        return PG_OK;
    }
    return PG_ERR_INTERNAL;
}

/* The other face of classify()'s glue repair: a page that ends in its
 * abstract glues "new" to the abstract ("...prompts.new"), and the header's
 * second line then arrives while the entry is still open, which a whole
 * header never allows.  The "new" goes when it cannot end a word (after
 * punctuation or a digit), so "...is new" and "renew" stay. */
static void unglue_abstract(lentry *e, const lline *l)
{
    static const char second[] = "Get trending papers in your email inbox!";
    pg_buf *a = &e->abstract;

    if (l->n != sizeof second - 1 || memcmp(l->s, second, l->n) != 0 ||
        a->len <= 3 || memcmp(a->data + a->len - 3, "new", 3) != 0)
        return;
    unsigned char c = (unsigned char)a->data[a->len - 4];
    if ((lower((char)c) >= 'a' && lower((char)c) <= 'z') ||
        pgr_space_at(&c, 1) > 0)
        return;
    a->len -= 3;
    a->data[a->len] = '\0';
}

/* The entry's one-line abstract stands alone and a line as long as an
 * abstract follows it: it was the next entry's title.  It is kept to start
 * that entry with, and this one ends without an abstract. */
static pg_err take_back_title(pg_reader *r, listing *ls, int *done,
                              pg_error *err)
{
    lentry *e = &ls->e;

    pg_buf_reset(&ls->carry);
    if (pg_buf_append(&ls->carry, e->abstract.data, e->abstract.len) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    ls->carry_line = ls->abstract_line;
    pg_buf_reset(&e->abstract);
    no_abstract(r, ls);
    complete(ls, 1, done);
    return PG_OK;
}

/* In the abstract paragraph, the blank lines after it or the metadata. */
static pg_err in_body(pg_reader *r, listing *ls, const lline *l, int *done,
                      pg_error *err)
{
    lentry *e = &ls->e;
    int in_abstract = ls->st == L_ABSTRACT;

    switch (l->k) {
    case K_BLANK:
        if (in_abstract)
            ls->st = L_AFTER_ABSTRACT;
        return PG_OK;
    case K_AUTHORS:
        e->authors = l->authors;
        ls->st = L_META;
        return PG_OK;
    case K_SEP:
        ls->st = L_META;
        return PG_OK;
    case K_DATE:
        complete(ls, 0, done);
        return set_date(r, ls, l->ln, l->s, &l->dt, err);
    case K_TEXT:
        if (in_abstract) {
            ls->maybe_title = 0;
            return append(r, ls, &e->abstract, l->s, l->n, err);
        }
        if (ls->st == L_AFTER_ABSTRACT && ls->maybe_title && l->n >= ABSTRACT_LIKE
            && !e->dropped)
            return take_back_title(r, ls, done, err);
        complete(ls, 1, done);
        return PG_OK;
    case K_LONG:
        if (in_abstract) {
            ls->maybe_title = 0;
            drop_long(r, ls, l->ln);
        } else if (ls->st == L_AFTER_ABSTRACT && ls->maybe_title && !e->dropped) {
            return take_back_title(r, ls, done, err);
        } else {
            complete(ls, 1, done);
        }
        return PG_OK;
    case K_HEADER:
        if (ls->st != L_META)
            unglue_abstract(e, l);
        complete(ls, 1, done);
        return PG_OK;
    }
    return PG_ERR_INTERNAL;
}

/* Skipping the rest of a rejected entry: its paragraph when asked, and any
 * metadata. */
static pg_err in_skip(listing *ls, const lline *l)
{
    switch (l->k) {
    case K_BLANK:
        ls->skip_para = 0;
        return PG_OK;
    case K_AUTHORS:
    case K_SEP:
        return PG_OK;
    case K_DATE:
        ls->st = L_NONE;
        return PG_OK;
    case K_TEXT:
    case K_HEADER:
    case K_LONG:
        if (l->k == K_TEXT && ls->skip_para)
            return PG_OK;
        return hand_over(ls, L_NONE);
    }
    return PG_ERR_INTERNAL;
}

/* Handles ls->cur; sets *done when that completed the current entry. */
static pg_err step(pg_reader *r, listing *ls, int *done, pg_error *err)
{
    lline l;
    pg_err rc = PG_ERR_INTERNAL;

    memset(&l, 0, sizeof l);
    l.ln = &ls->cur;
    l.s = ls->cur.s;
    l.n = ls->cur.len;
    l.authors = -1;
    pgr_trim(&l.s, &l.n);
    l.k = classify(l.ln, &l.s, &l.n, &l.dt, &l.authors, &l.glued);

    switch (ls->st) {
    case L_NONE:
        rc = in_none(r, ls, &l, err);
        break;
    case L_TITLE:
    case L_WANT_ABSTRACT:
        rc = in_title(r, ls, &l, done, err);
        break;
    case L_ABSTRACT:
    case L_AFTER_ABSTRACT:
    case L_META:
        rc = in_body(r, ls, &l, done, err);
        break;
    case L_SKIP:
        rc = in_skip(ls, &l);
        break;
    }
    if (rc == PG_ERR_INTERNAL)
        return pg_error_set(err, rc, "%s:%ld: listing parser lost its state",
                            pgr_name(r), l.ln->no);
    if (rc == PG_OK && l.glued && !ls->have_line) {
        /* Replay the glued "new" as a line of its own, same number. */
        ls->cur.s = "new";
        ls->cur.len = 3;
        ls->have_line = 1;
    }
    return rc;
}

/* The end of input completes or rejects the entry in progress. */
static void finish(pg_reader *r, listing *ls, int *done)
{
    switch (ls->st) {
    case L_TITLE:
    case L_WANT_ABSTRACT:
        no_abstract(r, ls);
        *done = 1;
        break;
    case L_ABSTRACT:
    case L_AFTER_ABSTRACT:
    case L_META:
        *done = 1;
        break;
    case L_NONE:
    case L_SKIP:
        break;
    }
    ls->st = L_NONE;
    ls->at_eof = 1;
}

static pg_err listing_next(pg_reader *r, void *state, pg_record *rec,
                           pg_error *err)
{
    listing *ls = state;
    pg_err rc;

    while (!ls->at_eof) {
        int done = 0;
        if (ls->carry.len > 0) {
            rc = begin_carried(r, ls, err);
        } else if (ls->have_line) {
            ls->have_line = 0;
            rc = step(r, ls, &done, err);
        } else {
            rc = pgr_read_line(r, &ls->cur, err);
            if (rc == PG_DONE) {
                finish(r, ls, &done);
                rc = PG_OK;
            } else if (rc == PG_OK) {
                rc = step(r, ls, &done, err);
            }
        }
        if (rc != PG_OK)
            return rc;
        if (done && !ls->e.dropped && ls->e.title.len > 0) {
            fill_record(ls, rec);
            return PG_OK;
        }
    }
    return PG_DONE;
}

static pg_err listing_open(pg_reader *r, void **state, pg_error *err)
{
    listing *ls = calloc(1, sizeof *ls);

    if (ls == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    pg_buf_init(&ls->label);
    pg_buf_init(&ls->carry);
    pg_buf_init(&ls->e.title);
    pg_buf_init(&ls->e.abstract);
    pg_buf_init(&ls->e.date_raw);
    ls->st = L_NONE;
    ls->want_label = 1;
    *state = ls;
    return PG_OK;
}

static void listing_free(void *state)
{
    listing *ls = state;

    if (ls == NULL)
        return;
    pg_buf_release(&ls->label);
    pg_buf_release(&ls->carry);
    pg_buf_release(&ls->e.title);
    pg_buf_release(&ls->e.abstract);
    pg_buf_release(&ls->e.date_raw);
    free(ls);
}

const pgr_backend pgr_listing_backend = {
    listing_open,
    listing_next,
    listing_free,
};
