/*
** compare.c: what two match items have in common, measured for the
** decision (match.c): shingle overlap of the abstracts, title similarity and
** the words that tell documents of one title apart, author and link
** overlap.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/internal.h"
#include "dedup/match.h"

/* 1 when s[0..n) is a word-aligned prefix of t[0..m). */
static int word_prefix(const char *s, size_t n, const char *t, size_t m)
{
    return n > 0 && n <= m && memcmp(s, t, n) == 0 && (n == m || t[n] == ' ');
}

static void abs_prefix(const char *a, size_t la, const char *b, size_t lb,
                       abs_cmp *c)
{
    /* Either may be the cut one: a missing "..." marker must not hide it. */
    if (la <= lb && word_prefix(a, la, b, lb))
        c->prefix_words = c->words_a;
    else if (lb < la && word_prefix(b, lb, a, la))
        c->prefix_words = c->words_b;
}

/* Shared elements of two sorted sets.  Without branches on the values:
 * which side advances is random for hashes, and a mispredicted branch per
 * step cost more than the comparisons. */
static size_t set_inter(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
    size_t i = 0, j = 0, n = 0;
    while (i < nx && j < ny) {
        uint32_t u = x[i], v = y[j];
        n += u == v;
        i += u <= v;
        j += v <= u;
    }
    return n;
}

static int set_has(const uint32_t *set, size_t n, uint32_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && set[lo] == h;
}

/* The longest run of consecutive shingles of b's text found in a. */
static size_t longest_run(const pgd_feat *a, const pgd_feat *b)
{
    size_t run = 0, best = 0;
    for (size_t i = 0; i < b->n_seq; i++) {
        run = set_has(a->set, a->n_set, b->seq[i]) ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* The features of x: its own when computed, else made in *tmp. */
static pg_err feat_of(const pg_match_item *x, pgd_feat *tmp, const pgd_feat **out)
{
    if (x->feat != NULL && x->feat->ready) {
        *out = x->feat;
        return PG_OK;
    }
    memset(tmp, 0, sizeof *tmp);
    *out = tmp;
    return pgd_feat_make(x, tmp);
}

pg_err pgd_compare_abstracts(const pg_match_item *a, const pg_match_item *b,
                             int want_run, abs_cmp *c)
{
    pgd_feat ta, tb;
    const pgd_feat *fa = NULL, *fb = NULL;
    memset(c, 0, sizeof *c);
    memset(&ta, 0, sizeof ta);
    memset(&tb, 0, sizeof tb);
    pg_err e = feat_of(a, &ta, &fa);
    if (e == PG_OK)
        e = feat_of(b, &tb, &fb);
    if (e == PG_OK) {
        c->equal = a->abstract_len == b->abstract_len
                   && memcmp(a->abstract, b->abstract, a->abstract_len) == 0;
        c->words_a = fa->words;
        c->words_b = fb->words;
        abs_prefix(a->abstract, fa->judged_len, b->abstract, fb->judged_len, c);
        c->na = fa->n_set;
        c->nb = fb->n_set;
        c->inter = set_inter(fa->set, fa->n_set, fb->set, fb->n_set);
        c->run = want_run && c->inter > 0 ? longest_run(fa, fb) : 0;
    }
    pgd_feat_release(&ta);
    pgd_feat_release(&tb);
    return e;
}

/* ---- title similarity --------------------------------------------------- */

/* Distinct words of t that also occur in u, and distinct words of t. */
static void word_overlap(const pgd_title_words *t, const pgd_title_words *u,
                         size_t *common, size_t *distinct)
{
    *common = 0;
    *distinct = 0;
    for (size_t i = 0; i < t->n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = pgd_word_eq(t->w[i], t->w[j]);
        if (dup)
            continue;
        (*distinct)++;
        for (size_t j = 0; j < u->n; j++)
            if (pgd_word_eq(t->w[i], u->w[j])) {
                (*common)++;
                break;
            }
    }
}

/* 1 when the words of s are the first or the last words of t: a subtitle
 * added or cut ("X" and "X: a tutorial"). */
static int words_affix(const pgd_title_words *s, const pgd_title_words *t)
{
    int pre = s->n <= t->n, suf = s->n <= t->n;
    for (size_t i = 0; i < s->n && (pre || suf); i++) {
        pre = pre && pgd_word_eq(s->w[i], t->w[i]);
        suf = suf && pgd_word_eq(s->w[i], t->w[t->n - s->n + i]);
    }
    return pre || suf;
}

#define EDIT_MAX 300

/* 1 - Levenshtein distance / longer length, over bytes; -1 when a title is
 * too long to bother (token Jaccard then decides alone). */
static double edit_similarity(const char *a, size_t la, const char *b, size_t lb)
{
    unsigned row[EDIT_MAX + 1];
    if (la > EDIT_MAX || lb > EDIT_MAX)
        return -1.0;
    if (la == 0 && lb == 0)
        return 1.0;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return 1.0 - (double)row[lb] / (double)(la > lb ? la : lb);
}

/* 1 when the title s has the word m.prev + m.w written as one: "sql3" in
 * one title is "sql 3" in the other, the same number. */
static int glued_in(const char *s, size_t len, const pgd_mark *m)
{
    size_t pos = 0, n;
    if (m->prev.n == 0 || !pgd_is_number(m->w))
        return 0;
    while ((n = pgd_next_word(s, len, &pos)) > 0) {
        if (n == m->prev.n + m->w.n && memcmp(s + pos, m->prev.p, m->prev.n) == 0
            && memcmp(s + pos + m->prev.n, m->w.p, m->w.n) == 0)
            return 1;
        pos += n;
    }
    return 0;
}

/* A year ("1994", "2000"): in a title it dates an event or a report. */
static int is_year(pgd_span w)
{
    return w.n == 4 && pgd_is_number(w) && (memcmp(w.p, "19", 2) == 0 || memcmp(w.p, "20", 2) == 0);
}

static int has_year(const pgd_mark *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_year(m[i].w))
            return 1;
    return 0;
}

static int marks_differ(const pg_match_item *a, const pgd_mark *x, size_t nx,
                        const pg_match_item *b, const pgd_mark *y, size_t ny)
{
    for (int pass = 0; pass < 2; pass++) {
        const pgd_mark *p = pass ? y : x, *q = pass ? x : y;
        const pg_match_item *other = pass ? a : b;
        size_t np = pass ? ny : nx, nq = pass ? nx : ny;
        for (size_t i = 0; i < np; i++) {
            int found = 0;
            for (size_t j = 0; j < nq && !found; j++)
                found = pgd_span_eq(p[i].w, q[j].w);
            /* One source adds the year of a workshop or a letter
             * ("(PAWS-2000)", "the March 1994 commentary"), the other
             * leaves it out; two different years still conflict. */
            if (!found && is_year(p[i].w) && !has_year(q, nq))
                continue;
            if (!found && !glued_in(other->title, other->title_len, &p[i]))
                return 1;
        }
    }
    return 0;
}

int pgd_items_reworded(const pg_match_item *a, const pg_match_item *b, size_t *spec,
                       size_t *common)
{
    pgd_feat tfa, tfb;
    const pgd_feat *fa = NULL, *fb = NULL;
    /* As in pgd_compare_titles: the title part is made even when the
     * abstract part cannot be. */
    memset(&tfa, 0, sizeof tfa);
    memset(&tfb, 0, sizeof tfb);
    (void)feat_of(a, &tfa, &fa);
    (void)feat_of(b, &tfb, &fb);
    int r = pgd_cores_reworded(&fa->core, fa->spec, fa->common, &fb->core, fb->spec,
                               fb->common, spec, common);
    pgd_feat_release(&tfa);
    pgd_feat_release(&tfb);
    return r;
}

void pgd_compare_titles(const pg_match_item *a, const pg_match_item *b,
                           size_t short_words, title_cmp *c)
{
    pgd_feat tfa, tfb;
    const pgd_feat *fa = NULL, *fb = NULL;
    size_t ca, da, cb, db;

    /* Titles need no allocation: when a temporary feature's abstract part
     * cannot be allocated, its title part is made all the same. */
    memset(&tfa, 0, sizeof tfa);
    memset(&tfb, 0, sizeof tfb);
    (void)feat_of(a, &tfa, &fa);
    (void)feat_of(b, &tfb, &fb);
    const pgd_title_words *ta = &fa->split, *tb = &fb->split;
    const pgd_title_words *ca_ = &fa->core, *cb_ = &fb->core;
    word_overlap(ca_, cb_, &ca, &da);
    word_overlap(cb_, ca_, &cb, &db);
    /* ca == cb unless a word repeats; min keeps the measure symmetric. */
    size_t common = ca < cb ? ca : cb;
    size_t uni = da + db - common;
    double jac = uni ? (double)common / (double)uni : 0.0;
    /* The quadratic edit distance is for typos and joined words; titles of
     * three or more words sharing under a quarter of them are not that.
     * Below 0.8 it mostly measures a shared phrase ("... for optical
     * flow"), which the word Jaccard already counts. */
    size_t fewest = da < db ? da : db;
    c->equal = a->title_len == b->title_len
               && (a->title_len == 0 || memcmp(a->title, b->title, a->title_len) == 0);
    double ed = !c->equal && (jac >= 0.25 || fewest <= 2)
                ? edit_similarity(a->title, a->title_len, b->title, b->title_len) : -1.0;
    if (ed < 0.8)
        ed = -1.0;

    c->sim = c->equal ? 1.0 : (ed > jac ? ed : jac);
    c->words_min = fewest;
    c->words_max = da < db ? db : da;
    c->affix = ca_->n <= cb_->n ? words_affix(ca_, cb_) : words_affix(cb_, ca_);
    c->subset = (da > 0 && ca == da) || (db > 0 && cb == db);
    c->generic = fa->generic || fb->generic;
    /* A coined name ("Oracle8i", "InfoSleuth") makes a short title
     * specific. */
    c->is_short = (ta->n <= short_words || tb->n <= short_words)
                  && !(a->strong_name && b->strong_name);
    c->marks_conflict = !c->equal && marks_differ(a, fa->marks, fa->n_marks,
                                                  b, fb->marks, fb->n_marks);
    c->same_words = c->equal || (da > 0 && ca == da && cb == db && da == db);
    c->spec = fa->spec < fb->spec ? fa->spec : fb->spec;
    c->common = fa->spec < fb->spec ? fa->common : fb->common;
    c->strong_name = a->strong_name && b->strong_name;
    pgd_feat_release(&tfa);
    pgd_feat_release(&tfb);
}

/* ---- metadata ----------------------------------------------------------- */

/* A surname: the last word of a name that is longer than an initial. */
static pgd_span surname(const char *name)
{
    pgd_span best = { name, 0 }, last = { name, 0 };
    size_t len = strlen(name), pos = 0, n;
    while ((n = pgd_next_word(name, len, &pos)) > 0) {
        pgd_span w = { name + pos, n };
        last = w;
        if (n > 1)
            best = w;
        pos += n;
    }
    return best.n ? best : last;
}

/* 1 when two surnames of 6+ letters are one edit apart (a letter added,
 * dropped, changed, or two swapped): "Goldring" and "Golding",
 * "Rosenblatt" and "Rosneblatt" are one author misspelt by a catalogue. */
static int surname_typo(pgd_span x, pgd_span y)
{
    if (x.n < 6 || y.n < 6 || (x.n > y.n ? x.n - y.n : y.n - x.n) > 1)
        return 0;
    size_t i = 0, j = 0;
    while (i < x.n && j < y.n && x.p[i] == y.p[j]) {
        i++;
        j++;
    }
    if (i == x.n && j == y.n)
        return 1;
    if (x.n == y.n) {
        if (i + 1 < x.n && x.p[i] == y.p[i + 1] && x.p[i + 1] == y.p[i]
            && memcmp(x.p + i + 2, y.p + i + 2, x.n - i - 2) == 0)
            return 1;
        return memcmp(x.p + i + 1, y.p + i + 1, x.n - i - 1) == 0;
    }
    /* One letter more in the longer. */
    pgd_span l = x.n > y.n ? x : y, sh = x.n > y.n ? y : x;
    return memcmp(l.p + i + 1, sh.p + i, sh.n - i) == 0;
}

static int name_has_near_word(const char *name, pgd_span w)
{
    size_t len = strlen(name), pos = 0, n;
    while ((n = pgd_next_word(name, len, &pos)) > 0) {
        pgd_span x = { name + pos, n };
        if (pgd_span_eq(x, w) || surname_typo(x, w))
            return 1;
        pos += n;
    }
    return 0;
}

/* Author and URL lists are compared pairwise: long ones are cut. */
#define LIST_MAX 64

/* Share of x's surnames found among any word of y's names: word order in
 * names ("Zhang Wei", "Wei Zhang") does not matter. */
static double surnames_found(const char *const *x, size_t nx,
                             const char *const *y, size_t ny)
{
    size_t found = 0, used = 0;
    for (size_t i = 0; i < nx && i < LIST_MAX; i++) {
        pgd_span s = surname(x[i]);
        if (s.n == 0)
            continue;
        used++;
        for (size_t j = 0; j < ny && j < LIST_MAX; j++)
            if (name_has_near_word(y[j], s)) {
                found++;
                break;
            }
    }
    return used ? (double)found / (double)used : -1.0;
}

double pgd_author_overlap(const pg_match_item *a, const pg_match_item *b)
{
    if (a->names == NULL || b->names == NULL || a->n_names == 0 || b->n_names == 0)
        return -1.0;
    double ab = surnames_found(a->names, a->n_names, b->names, b->n_names);
    double ba = surnames_found(b->names, b->n_names, a->names, a->n_names);
    return ab > ba ? ab : ba;
}

int pgd_author_count(const pg_match_item *x)
{
    if (x->authors >= 1)
        return x->authors;
    return x->names && x->n_names ? (int)x->n_names : -1;
}

/* Counts that cannot be one author list: off by 3 or more and by half. */
int pgd_authors_conflict(const pg_match_item *a, const pg_match_item *b)
{
    int x = pgd_author_count(a), y = pgd_author_count(b);
    if (x < 1 || y < 1)
        return 0;
    int lo = x < y ? x : y, hi = x < y ? y : x;
    return hi - lo >= 3 && 2 * hi >= 3 * lo;
}

/* ---- venues ---------------------------------------------------------------- */

#define VENUE_WORDS 24

/* The words of a normalised venue, stop words and numbers aside. */
static size_t venue_words(const char *v, size_t len, pgd_span *w)
{
    size_t pos = 0, n, k = 0;
    while (v && (n = pgd_next_word(v, len, &pos)) > 0 && k < VENUE_WORDS) {
        pgd_span x = { v + pos, n };
        pos += n;
        if (!pgd_is_stop(x) && !pgd_is_number(x))
            w[k++] = x;
    }
    return k;
}

static int span_in(pgd_span needle, pgd_span hay)
{
    if (needle.n == 0 || needle.n > hay.n)
        return 0;
    for (size_t i = 0; i + needle.n <= hay.n; i++)
        if (memcmp(hay.p + i, needle.p, needle.n) == 0)
            return 1;
    return 0;
}

/* One venue word stands for another: equal, an abbreviation ("trans",
 * "transactions"), or inside it ("vldb", "pvldb"). */
static int venue_word_match(pgd_span x, pgd_span y)
{
    pgd_span s = x.n <= y.n ? x : y, l = x.n <= y.n ? y : x;
    if (pgd_span_eq(x, y))
        return 1;
    if (s.n >= 3 && memcmp(s.p, l.p, s.n) == 0)
        return 1;
    return s.n >= 4 && span_in(s, l);
}

/* The initials of 3 or more venue words ("very large data bases": "vldb")
 * found inside a word of the other venue. */
static int acronym_in(const pgd_span *w, size_t n, const pgd_span *o, size_t no)
{
    char acr[VENUE_WORDS];
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        acr[i] = w[i].p[0];
    pgd_span a = { acr, n };
    for (size_t j = 0; j < no; j++)
        if (span_in(a, o[j]))
            return 1;
    return 0;
}

/* Venues where any paper appears before its publication. */
static int is_preprint_venue(const pgd_span *w, size_t n)
{
    static const char *const pre[] = { "arxiv", "biorxiv", "chemrxiv", "corr", "medrxiv",
                                       "preprint", "preprints", "ssrn" };
    for (size_t i = 0; i < n; i++)
        if (pgd_in_list(w[i], pre, NELEM(pre)))
            return 1;
    return 0;
}

int pgd_venues_differ(const pg_match_item *a, const pg_match_item *b)
{
    pgd_span wa[VENUE_WORDS], wb[VENUE_WORDS];
    size_t na = venue_words(a->venue, a->venue_len, wa);
    size_t nb = venue_words(b->venue, b->venue_len, wb);
    if (na == 0 || nb == 0 || is_preprint_venue(wa, na) || is_preprint_venue(wb, nb))
        return 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (venue_word_match(wa[i], wb[j]))
                return 0;
    return !acronym_in(wa, na, wb, nb) && !acronym_in(wb, nb, wa, na);
}

size_t pgd_shared_urls(const pg_match_item *a, const pg_match_item *b)
{
    size_t n = 0;
    if (a->urls == NULL || b->urls == NULL)
        return 0;
    for (size_t i = 0; i < a->n_urls && i < LIST_MAX; i++)
        for (size_t j = 0; j < b->n_urls && j < LIST_MAX; j++)
            if (a->urls[i] && b->urls[j] && strcmp(a->urls[i], b->urls[j]) == 0) {
                n++;
                break;
            }
    return n;
}


/* ---- names and identifiers ---------------------------------------------- */

/* Whether name (normalised, n bytes) is in item x's title or abstract. */
static int name_in(const pg_match_item *x, const char *name, size_t n, int abstract)
{
    if (abstract)
        return pgd_phrase_in(name, n, x->abstract, x->abstract_len);
    return pgd_phrase_in(name, n, x->title, x->title_len);
}

/* Looks for a title name of x (each '\n'-ended in x->title_names) in y. */
static void names_found(const pg_match_item *x, const pg_match_item *y, name_cmp *c)
{
    const char *s = x->title_names, *end = s ? s + x->title_names_len : NULL;
    while (s != NULL && s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (n > 0 && name_in(y, s, n, 0)) {
            c->in_titles = 1;
            if (x->abstract && y->abstract && name_in(x, s, n, 1) && name_in(y, s, n, 1))
                c->in_texts = 1;
        }
        s += n + 1;
    }
}

/* The length of the first name of x (its head when x->has_head). */
static size_t head_len(const pg_match_item *x)
{
    const char *nl = x->title_names ? memchr(x->title_names, '\n', x->title_names_len) : NULL;
    return nl ? (size_t)(nl - x->title_names) : 0;
}

/* Equal once spaces are dropped: "foo vl" and "foovl" are one name. */
static int same_name(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < na && a[i] == ' ')
            i++;
        while (j < nb && b[j] == ' ')
            j++;
        if (i == na || j == nb)
            return i == na && j == nb;
        if (a[i++] != b[j++])
            return 0;
    }
}

/* An identifier among canonical URLs: an arXiv abstract page or a DOI. */
static int is_identifier(const char *url)
{
    return strncmp(url, "https://arxiv.org/abs/", 22) == 0
           || strncmp(url, "https://doi.org/", 16) == 0;
}

/* 1 when the words h[0..n) occur in key at a word start, spaces aside in
 * both ("video anywhere" is in "videoanywhere a system ..."). */
static int glued_phrase_in(const char *h, size_t n, const char *key, size_t len)
{
    for (size_t i = 0; key && i < len; i++) {
        if (i > 0 && key[i - 1] != ' ')
            continue;
        size_t j = i, k = 0;
        while (k < n && j < len) {
            if (h[k] == ' ')
                k++;
            else if (key[j] == ' ')
                j++;
            else if (h[k] == key[j]) {
                k++;
                j++;
            } else
                break;
        }
        if (k == n && (j == len || key[j] == ' '))
            return 1;
    }
    return 0;
}

void pgd_compare_names(const pg_match_item *a, const pg_match_item *b, name_cmp *c)
{
    memset(c, 0, sizeof *c);
    names_found(a, b, c);
    names_found(b, a, c);
    size_t ha = a->has_head ? head_len(a) : 0, hb = b->has_head ? head_len(b) : 0;
    c->head_missing = (ha > 0 && !glued_phrase_in(a->title_names, ha, b->title, b->title_len))
                      || (hb > 0 && !glued_phrase_in(b->title_names, hb, a->title, a->title_len));
    c->head_conflict = ha > 0 && hb > 0
                       && !same_name(a->title_names, ha, b->title_names, hb);
    for (size_t i = 0; a->urls && i < a->n_urls && i < LIST_MAX; i++) {
        if (!a->urls[i] || !is_identifier(a->urls[i]))
            continue;
        c->ids_a++;
        for (size_t j = 0; b->urls && j < b->n_urls && j < LIST_MAX; j++)
            if (b->urls[j] && strcmp(a->urls[i], b->urls[j]) == 0) {
                c->ids_shared++;
                break;
            }
    }
    for (size_t j = 0; b->urls && j < b->n_urls && j < LIST_MAX; j++)
        c->ids_b += b->urls[j] && is_identifier(b->urls[j]);
}
