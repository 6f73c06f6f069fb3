/*
** digest.c: composing the daily digest (`papergraph new`): which papers of
** a day are new, which came back changed in substance and what changed, in
** the order export.h documents.  Writing it in each format is digest_write.c.
**
** The store hands over the texts of the day's papers with each text's first
** day and latest day before the day (store_digest.c, through an index);
** only the texts that may be a change are read whole (pg_store_text_info),
** so the cost follows the day, not the store.
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/export.h"
#include "out/internal.h"
#include "store/internal.h"
#include "text/internal.h"

/* ---- days -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

int pgx_day_parse(const char *s, long *days)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    long y = strtol(s, NULL, 10);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

void pgx_day_format(long days, char out[11])
{
    long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) { /* beyond what a window can reach from a day */
        memcpy(out, y < 1 ? "0001-01-01" : "9999-12-31", 11);
        return;
    }
    pg_date_format(out, (int)y, (int)m, (int)d);
}

/* ---- what changed between two texts ------------------------------------ */

/* Appends abstract[0..n) without its URLs (white-space separated words
 * holding "://" or starting with "www."): links are compared as canonical
 * URL sets, so "http://GitHub.com/A/B.git" for "https://github.com/a/b" is
 * no change of words. */
static pg_err strip_urls(const char *s, pg_buf *out)
{
    pg_err rc = PG_OK;
    while (*s && rc == PG_OK) {
        size_t sp = strspn(s, " \t\r\n");
        size_t w = strcspn(s + sp, " \t\r\n");
        const char *word = s + sp;
        int url = strncmp(word, "www.", 4) == 0;
        for (size_t i = 0; !url && i + 3 <= w; i++)
            url = memcmp(word + i, "://", 3) == 0;
        if (!url && w > 0) {
            rc = pg_buf_putc(out, ' ');
            if (rc == PG_OK)
                rc = pg_buf_append(out, word, w);
        }
        s = word + w;
    }
    return rc;
}

/* The normalised key of s (src/text); "" for NULL. */
static pg_err norm(const char *s, pg_buf *out)
{
    pg_buf_reset(out);
    pg_err rc = s != NULL ? pg_normalize_key(s, strlen(s), out) : PG_OK;
    return rc == PG_OK ? pg_buf_putc(out, '\0') : rc;
}

typedef struct word {
    const char *p;
    size_t n;
} word;

static int word_cmp(const void *a, const void *b)
{
    const word *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, n);
    return c != 0 ? c : (x->n > y->n) - (x->n < y->n);
}

/* Splits a normalised key (words separated by single spaces) into words,
 * sorted; *out is malloc'ed (NULL when there are none). */
static pg_err split_words(const char *key, word **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = key; *p; p++)
        cap += *p == ' ';
    *n = 0;
    *out = NULL;
    if (*key == '\0')
        return PG_OK;
    word *w = malloc(cap * sizeof *w);
    if (w == NULL)
        return PG_ERR_NOMEM;
    for (const char *p = key; *p;) {
        size_t len = strcspn(p, " ");
        if (len > 0)
            w[(*n)++] = (word){ p, len };
        p += len + (p[len] == ' ');
    }
    qsort(w, *n, sizeof *w, word_cmp);
    *out = w;
    return PG_OK;
}

/* The share of words changed between two normalised abstracts, in percent
 * rounded up (a change of one word in a thousand is 1, never 0): one minus
 * the words they have in common (as multisets) over the longer one. */
static pg_err words_changed(const char *a, const char *b, int *pct)
{
    word *wa = NULL, *wb = NULL;
    size_t na, nb, common = 0;
    pg_err rc = split_words(a, &wa, &na);
    if (rc == PG_OK)
        rc = split_words(b, &wb, &nb);
    if (rc != PG_OK)
        goto out;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        int c = word_cmp(&wa[i], &wb[j]);
        if (c == 0) {
            common++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    size_t longest = na > nb ? na : nb;
    *pct = longest == 0 ? 0 : (int)((100 * (longest - common) + longest - 1) / longest);
out:
    free(wa);
    free(wb);
    return rc;
}

/* 1 when every URL of a (sorted) is among those of b (sorted). */
static int urls_within(const pg_text_info *a, const pg_text_info *b)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n_urls; i++) {
        while (j < b->n_urls && strcmp(b->urls[j], a->urls[i]) < 0)
            j++;
        if (j == b->n_urls || strcmp(b->urls[j], a->urls[i]) != 0)
            return 0;
    }
    return 1;
}

/* Links changed: a URL added, or one dropped by a full text (a cut-off
 * abstract loses the links after the cut without dropping them). */
static int links_changed(const pg_text_info *nu, const pg_text_info *old)
{
    return !urls_within(nu, old) || (!nu->truncated && !urls_within(old, nu));
}

/* Compares a text new on the day (nu) with the latest one seen before
 * (old): sets *changed to PG_CHANGED_* and *pct to the abstract's share of
 * words changed (-1 when the abstract did not change). */
static pg_err compare_texts(const pg_text_info *nu, const pg_text_info *old,
                            unsigned *changed, int *pct)
{
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT, sa = PG_BUF_INIT, sb = PG_BUF_INIT;
    pg_err rc;
    *changed = 0;
    *pct = -1;
    if ((rc = norm(nu->title, &a)) != PG_OK || (rc = norm(old->title, &b)) != PG_OK)
        goto out;
    if (strcmp(a.data, b.data) != 0)
        *changed |= PG_CHANGED_TITLE;
    if ((rc = strip_urls(nu->abstract, &sa)) != PG_OK ||
        (rc = strip_urls(old->abstract, &sb)) != PG_OK ||
        (rc = pg_buf_putc(&sa, '\0')) != PG_OK || (rc = pg_buf_putc(&sb, '\0')) != PG_OK ||
        (rc = norm(sa.data, &a)) != PG_OK || (rc = norm(sb.data, &b)) != PG_OK)
        goto out;
    /* A cut-off abstract is a prefix of its full text's key (src/text). */
    int cut = nu->truncated && strncmp(b.data, a.data, a.len - 1) == 0;
    if (strcmp(a.data, b.data) != 0 && !cut) {
        *changed |= PG_CHANGED_ABSTRACT;
        if ((rc = words_changed(a.data, b.data, pct)) != PG_OK)
            goto out;
        if (*pct < 1)
            *pct = 1; /* the same words reordered */
    }
    if (links_changed(nu, old))
        *changed |= PG_CHANGED_LINKS;
    if ((rc = norm(nu->author_names, &a)) != PG_OK ||
        (rc = norm(old->author_names, &b)) != PG_OK)
        goto out;
    if ((a.len > 1 && b.len > 1 && strcmp(a.data, b.data) != 0) ||
        (nu->authors >= 0 && old->authors >= 0 && nu->authors != old->authors))
        *changed |= PG_CHANGED_AUTHORS;
out:
    pg_buf_release(&a);
    pg_buf_release(&b);
    pg_buf_release(&sa);
    pg_buf_release(&sb);
    return rc;
}

/* ---- collecting the day's texts ----------------------------------------- */

typedef struct dtext {
    char paper_id[PG_ID_HEX];
    long long id;
    char last_before[11];   /* "" when not seen before the day */
    long long on_day;
    int upvotes;
    pg_key key, norm_key;   /* read with title, when needed */
    char *title;            /* NULL until read (read_brief) */
} dtext;

/* A paper of the day: its texts are v[start .. start + n). */
typedef struct dpaper {
    size_t start, n;
    int status;             /* 0: not listed; 1: new; 2: updated if changed */
    size_t shown, ref;      /* indexes into v: the day's text, the latest seen */
    char first_day[11];
    int upvotes;
} dpaper;

typedef struct collect {
    dtext *v;
    size_t n, cap;
    int nomem;
} collect;

static void copy_day(char out[11], const char *s)
{
    size_t n = strlen(s);
    if (n > 10)
        n = 0; /* not a YYYY-MM-DD day: taken as none */
    memcpy(out, s, n);
    out[n] = '\0';
}

static int collect_text(void *ctx, const pg_day_text *t)
{
    collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        dtext *v = realloc(c->v, cap * sizeof *v);
        if (v == NULL) {
            c->nomem = 1;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    dtext *d = &c->v[c->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->paper_id, sizeof d->paper_id, "%s", t->paper_id);
    d->id = t->text_id;
    copy_day(d->last_before, t->last_before);
    d->on_day = t->on_day;
    d->upvotes = t->upvotes;
    return 0;
}

static int dtext_cmp(const void *a, const void *b)
{
    const dtext *x = a, *y = b;
    int c = strcmp(x->paper_id, y->paper_id);
    return c != 0 ? c : (x->id > y->id) - (x->id < y->id);
}

/* Reads the keys and title of t (once). */
static pg_err read_brief(pg_day_reader *r, dtext *t, pg_buf *scratch, pg_error *err)
{
    if (t->title != NULL)
        return PG_OK;
    pg_buf_reset(scratch);
    pg_err rc = pg_day_text_brief(r, t->id, &t->key, &t->norm_key, scratch, err);
    if (rc == PG_OK && (t->title = strdup(scratch->data ? scratch->data : "")) == NULL)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

/* ---- deciding each paper ------------------------------------------------ */

/* First pass over a paper's texts t[0..n) (v + p->start): its upvotes on
 * the day, the text to show, the latest seen before (and so its first day
 * when that is the day itself); new, a candidate for updated, or not
 * listed.  Reads nothing from the store. */
static void triage(const pg_digest *d, dtext *v, dpaper *p)
{
    dtext *t = v + p->start;
    const dtext *shown = NULL, *ref = NULL;
    p->upvotes = -1;
    for (size_t i = 0; i < p->n; i++) {
        if (t[i].on_day > 0) {
            if (t[i].upvotes > p->upvotes)
                p->upvotes = t[i].upvotes;
            if (shown == NULL || t[i].on_day > shown->on_day)
                shown = &t[i];
        }
        if (t[i].last_before[0] &&
            (ref == NULL || strcmp(t[i].last_before, ref->last_before) > 0))
            ref = &t[i];
    }
    p->shown = shown ? (size_t)(shown - v) : p->start;
    p->ref = ref ? (size_t)(ref - v) : p->start;
    /* Never seen before: first seen today; else read when listed. */
    if (ref == NULL)
        memcpy(p->first_day, d->day, 11);
    else
        p->first_day[0] = '\0';
    if (ref == NULL || strcmp(ref->last_before, d->from) < 0) {
        p->status = 1;
        return;
    }
    /* Seen in the window: listed only through a text first seen today. */
    int candidates = 0;
    for (size_t i = 0; i < p->n; i++)
        candidates += t[i].on_day > 0 && t[i].last_before[0] == '\0';
    if (candidates == 0)
        return;
    p->status = 2;
}

static pg_err add_entry(pg_digest *d, size_t *cap, const dpaper *p, const dtext *shown,
                        pg_digest_entry **e)
{
    if (d->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        pg_digest_entry *v = realloc(d->entries, nc * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        d->entries = v;
        *cap = nc;
    }
    *e = &d->entries[d->n];
    memset(*e, 0, sizeof **e);
    memcpy((*e)->paper_id, shown->paper_id, PG_ID_HEX);
    memcpy((*e)->first_day, p->first_day, 11);
    (*e)->upvotes = p->upvotes;
    (*e)->abstract_pct = -1;
    if (((*e)->title = strdup(shown->title ? shown->title : "")) == NULL)
        return PG_ERR_NOMEM;
    d->n++;
    return PG_OK;
}

/* The changes of a paper seen in the window: each text first seen on the
 * day that is not a cosmetic variant of a text seen before (one with an
 * equal normalised key occurs before the day) is compared with the latest
 * text seen before (ref).  *changed is 0 when nothing changed in substance;
 * *shown becomes the first text that changed. */
static pg_err changes_of(pg_store *s, pg_day_reader *r, dtext *t, size_t n, dtext *ref,
                         const char *day, unsigned *changed, int *pct,
                         const dtext **shown, pg_buf *scratch, pg_error *err)
{
    pg_text_info old, nu;
    memset(&old, 0, sizeof old);
    int have_old = 0;
    pg_err rc = PG_OK;
    *changed = 0;
    *pct = -1;
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        if (t[i].on_day == 0 || t[i].last_before[0] != '\0')
            continue; /* not on the day, or seen before it */
        int cosmetic = 0;
        if ((rc = read_brief(r, &t[i], scratch, err)) != PG_OK ||
            (rc = pg_day_norm_seen(r, t[i].norm_key, day, &cosmetic, err)) != PG_OK)
            break;
        if (cosmetic)
            continue;
        if (!have_old) {
            if ((rc = read_brief(r, ref, scratch, err)) != PG_OK ||
                (rc = pg_store_text_info(s, ref->key, &old, err)) != PG_OK)
                break;
            have_old = 1;
        }
        if ((rc = pg_store_text_info(s, t[i].key, &nu, err)) != PG_OK)
            break;
        unsigned c;
        int p;
        rc = compare_texts(&nu, &old, &c, &p);
        pg_text_info_release(&nu);
        if (rc == PG_OK && c != 0) {
            if (*changed == 0)
                *shown = &t[i];
            *changed |= c;
            if (p > *pct)
                *pct = p;
        }
    }
    if (have_old)
        pg_text_info_release(&old);
    if (rc == PG_ERR_NOMEM)
        pg_error_set(err, rc, "out of memory");
    return rc;
}

/* Second pass: the entry of a paper triage() listed or may list. */
static pg_err decide(pg_store *s, pg_day_reader *r, pg_digest *d, size_t *cap,
                     dtext *v, dpaper *p, pg_buf *scratch, pg_error *err)
{
    pg_digest_entry *e;
    const dtext *shown = &v[p->shown];
    pg_err rc;
    if (p->status == 1) {
        if ((rc = read_brief(r, &v[p->shown], scratch, err)) != PG_OK)
            return rc;
        if (p->first_day[0] == '\0' &&
            (rc = pg_day_paper_first_day(r, v[p->start].paper_id, p->first_day, err)) != PG_OK)
            return rc;
        if ((rc = add_entry(d, cap, p, shown, &e)) != PG_OK)
            return pg_error_set(err, rc, "out of memory");
        d->n_new++;
        return PG_OK;
    }
    unsigned changed;
    int pct;
    rc = changes_of(s, r, v + p->start, p->n, &v[p->ref], d->day, &changed, &pct,
                    &shown, scratch, err);
    if (rc != PG_OK || changed == 0)
        return rc;
    if ((rc = pg_day_paper_first_day(r, v[p->start].paper_id, p->first_day, err)) != PG_OK)
        return rc;
    if ((rc = add_entry(d, cap, p, shown, &e)) != PG_OK)
        return pg_error_set(err, rc, "out of memory");
    e->updated = 1;
    e->changed = changed;
    e->abstract_pct = (changed & PG_CHANGED_ABSTRACT) ? pct : -1;
    d->n_updated++;
    return PG_OK;
}

/* New before updated, most upvotes first (unknown last), title, id. */
static int entry_cmp(const void *a, const void *b)
{
    const pg_digest_entry *x = a, *y = b;
    if (x->updated != y->updated)
        return x->updated - y->updated;
    if (x->upvotes != y->upvotes)
        return x->upvotes > y->upvotes ? -1 : 1;
    int c = strcmp(x->title, y->title);
    return c != 0 ? c : strcmp(x->paper_id, y->paper_id);
}

/* Checks day and window and fills d's days; *dn is the day reported. */
static pg_err set_days(pg_store *s, pg_digest *d, const char *day, int window,
                       pg_error *err)
{
    long dn = 0, first_n, last_n;
    if (window < 1 || window > 36500)
        return pg_error_set(err, PG_ERR_USAGE, "the window must be 1 to 36500 days");
    if (day != NULL && pgx_day_parse(day, &dn) != 0)
        return pg_error_set(err, PG_ERR_USAGE, "'%s' is not a day (YYYY-MM-DD)", day);
    d->window = window;
    pg_err rc = pg_store_day_range(s, d->first, d->last, err);
    if (rc != PG_OK)
        return rc;
    if (d->first[0] == '\0')
        return pg_error_set(err, PG_ERR_NOT_FOUND, "the database has no listing days");
    if (pgx_day_parse(d->first, &first_n) != 0 || pgx_day_parse(d->last, &last_n) != 0)
        return pg_error_set(err, PG_ERR_DB, "the database holds a day that is not "
                            "YYYY-MM-DD (%s or %s)", d->first, d->last);
    if (day == NULL)
        dn = last_n;
    if (dn < first_n || dn > last_n)
        return pg_error_set(err, PG_ERR_NOT_FOUND, "%s is outside the days of the "
                            "database (%s to %s)", day, d->first, d->last);
    pgx_day_format(dn, d->day);
    pgx_day_format(dn - window, d->from);
    return PG_OK;
}

pg_err pg_digest_build(pg_store *s, const char *day, int window,
                       pg_digest **out, pg_error *err)
{
    collect c = { NULL, 0, 0, 0 };
    pg_buf urls = PG_BUF_INIT;
    pg_day_reader *r = NULL;
    dpaper *papers = NULL;
    size_t cap = 0, np = 0;
    pg_err rc;
    *out = NULL;
    pg_digest *d = calloc(1, sizeof *d);
    if (d == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if ((rc = pg_day_reader_open(s, &r, err)) != PG_OK ||
        (rc = set_days(s, d, day, window, err)) != PG_OK)
        goto out;
    rc = pg_store_foreach_day_text(s, d->day, collect_text, &c, err);
    if (rc == PG_OK && c.nomem)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc != PG_OK)
        goto out;
    if (c.n > 1)
        qsort(c.v, c.n, sizeof *c.v, dtext_cmp);
    if ((papers = malloc((c.n ? c.n : 1) * sizeof *papers)) == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.n;) {
        size_t j = i + 1;
        while (j < c.n && strcmp(c.v[j].paper_id, c.v[i].paper_id) == 0)
            j++;
        dpaper *p = &papers[np++];
        memset(p, 0, sizeof *p);
        p->start = i;
        p->n = j - i;
        triage(d, c.v, p);
        i = j;
    }
    d->papers_on_day = (long long)np;
    d->texts_on_day = (long long)c.n;
    for (size_t i = 0; i < np && rc == PG_OK; i++)
        if (papers[i].status != 0)
            rc = decide(s, r, d, &cap, c.v, &papers[i], &urls, err);
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        pg_buf_reset(&urls);
        rc = pg_day_paper_urls(r, d->entries[i].paper_id, &urls, err);
        if (rc == PG_OK && urls.len > 0)
            urls.data[--urls.len] = '\0'; /* the last newline */
        if (rc == PG_OK && (d->entries[i].urls = strdup(urls.data ? urls.data : "")) == NULL)
            rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    if (rc == PG_OK && d->n > 1)
        qsort(d->entries, d->n, sizeof *d->entries, entry_cmp);
out:
    for (size_t i = 0; i < c.n; i++)
        free(c.v[i].title);
    free(c.v);
    free(papers);
    pg_buf_release(&urls);
    pg_day_reader_close(r);
    if (rc != PG_OK)
        pg_digest_free(d);
    else
        *out = d;
    return rc;
}

void pg_digest_free(pg_digest *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->entries[i].title);
        free(d->entries[i].urls);
    }
    free(d->entries);
    free(d);
}
