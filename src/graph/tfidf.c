/*
** tfidf.c: pg_terms_finish(): keeps the terms inside the df window (a
** bigram only when its words are a collocation), numbers them rarest first,
** gives each word its most frequent surface form, builds the L2-normalised
** TF-IDF vector of every document from its word sequence and the inverted
** index, and frees what only the adding phase needed.
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph/terms.h"

/* The df window: [lo, hi] documents. */
static void df_window(const pg_terms *t, size_t *lo, size_t *hi)
{
    *lo = t->o.min_df;
    /* the epsilon keeps 0.29 * 100 from flooring to 28 */
    *hi = (size_t)floor(t->o.max_df_ratio * (double)t->n_docs + 1e-9);
}

static float idf_of(const pg_terms *t, uint32_t df)
{
    return (float)log((double)t->n_docs / (double)df);
}

/* A bigram is a term only when its words follow each other at least
 * bigram_assoc times more often than chance would make them: df(ab) * T >=
 * assoc * cf(a) * cf(b), T the number of word occurrences (df stands in for
 * the bigram's occurrences: it is a lower bound).  This is the collocation
 * test of phrase finders (a pointwise mutual information cut); it keeps
 * "neural network", "language model", "amino acid" and drops the pairs that
 * meet by chance ("data characterized", "model performance"), which would
 * only dilute the vectors. */
static int is_collocation(const pg_terms *t, const bislot *s)
{
    const word *a = &t->words[s->key >> 32], *b = &t->words[(uint32_t)s->key];
    return (double)s->df * (double)t->n_tokens
           >= t->o.bigram_assoc * (double)a->cf * (double)b->cf;
}

/* Rarest first, then by words: a total order, so ids do not depend on
 * hash table layout. */
static int term_cmp(const void *a, const void *b)
{
    const term *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    if (x->w1 != y->w1)
        return x->w1 < y->w1 ? -1 : 1;
    return (x->w2 > y->w2) - (x->w2 < y->w2);
}

/* Collects the terms in the df window into t->terms (bigrams that pass the
 * collocation test too). */
static pg_err collect_terms(pg_terms *t)
{
    size_t lo, hi, n = 0, cap = 0;
    df_window(t, &lo, &hi);
    for (size_t i = 0; i < t->word_tab.n + t->bigrams.mask + 1; i++) {
        term tm;
        if (i < t->word_tab.n) {
            const word *w = &t->words[i];
            if (w->df < lo || w->df > hi)
                continue;
            tm.w1 = (uint32_t)i;
            tm.w2 = NONE;
            tm.df = w->df;
        } else {
            const bislot *s = &t->bigrams.slots[i - t->word_tab.n];
            if (s->key == EMPTY_KEY || s->df < lo || s->df > hi || !is_collocation(t, s))
                continue;
            tm.w1 = (uint32_t)(s->key >> 32);
            tm.w2 = (uint32_t)s->key;
            tm.df = s->df;
        }
        tm.idf = idf_of(t, tm.df);
        if (n == cap) {
            term *nt = grow_array(t->terms, &cap, n + 1, sizeof *nt);
            if (nt == NULL)
                return PG_ERR_NOMEM;
            t->terms = nt;
        }
        t->terms[n++] = tm;
    }
    t->n_terms = n;
    return PG_OK;
}

/*
** Numbers the kept terms rarest first (so a document's vector, sorted by
** term id, lists its most specific terms first: the similarity search
** relies on it) and replaces the bigram table by one of the kept bigrams,
** whose df field holds the term id.
*/
static pg_err number_terms(pg_terms *t)
{
    bitab kept;
    size_t slots = 16, nb = 0;
    if (collect_terms(t) != PG_OK)
        return PG_ERR_NOMEM;
    sort_n(t->terms, t->n_terms, sizeof *t->terms, term_cmp);
    for (size_t j = 0; j < t->n_terms; j++)
        nb += t->terms[j].w2 != NONE;
    while (slots < nb * 2)
        slots *= 2;
    if (bitab_init(&kept, slots) != PG_OK)
        return PG_ERR_NOMEM;
    for (uint32_t j = 0; j < t->n_terms; j++) {
        const term *tm = &t->terms[j];
        if (tm->w2 == NONE) {
            t->words[tm->w1].term = j;
            continue;
        }
        bislot *k = bitab_slot(&kept, bikey(tm->w1, tm->w2));
        k->key = bikey(tm->w1, tm->w2);
        k->df = j;
        k->last = NONE;
        kept.n++;
    }
    bitab_release(&t->bigrams);
    t->bigrams = kept;
    return PG_OK;
}

/* Gives each word its most frequent surface form (ties: the smaller bytes,
 * so the choice does not depend on the order of documents). */
static pg_err pick_surfaces(pg_terms *t)
{
    uint32_t *best = calloc(t->word_tab.n + 1, sizeof *best);
    if (best == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i <= t->forms.mask; i++) {
        const fslot *f = &t->forms.slots[i];
        if (f->len == 0 || f->word == STOP)
            continue;
        word *w = &t->words[f->word];
        int better = f->count > best[f->word];
        if (f->count == best[f->word]) {
            size_t n = f->len < w->surf_len ? f->len : w->surf_len;
            int c = memcmp(t->arena.data + f->off, t->arena.data + w->surf_off, n);
            better = c < 0 || (c == 0 && f->len < w->surf_len);
        }
        if (better) {
            best[f->word] = f->count;
            w->surf_off = f->off;
            w->surf_len = f->len;
        }
    }
    free(best);
    return PG_OK;
}

/*
** Vectors and postings are built in two halves of the documents, on two
** threads when there are two cores (pgg_run2).  Each document's vector
** depends on it alone, and the halves' postings go to disjoint places
** fixed before either starts (the first half's documents before the
** second's in each list), so the result is the one a single pass gives.
*/

typedef struct vec_builder {
    const pg_terms *t;
    size_t d0, d1;              /* its documents: [d0, d1) */
    uint32_t *tf;               /* by term id, zero between documents */
    uint32_t *touched;          /* term ids with tf > 0 */
    size_t n_touched;
    posting *vec;               /* its documents' vectors, one after another */
    size_t cap, len;
    size_t *end;                /* end[d - d0]: where d's vector ends in vec */
    float *norm;                /* the norm of d is norm[d - d0] */
    pg_err rc;
} vec_builder;

static void count_term(vec_builder *vb, uint32_t tid)
{
    if (vb->tf[tid]++ == 0)
        vb->touched[vb->n_touched++] = tid;
}

/* Counts the kept terms of document d into vb. */
static void count_doc(const pg_terms *t, size_t d, vec_builder *vb)
{
    uint32_t prev = NONE;
    for (size_t i = t->doc_seq[d]; i < t->doc_seq[d + 1]; i++) {
        uint32_t w = t->seq[i];
        if (w == BREAK) {
            prev = NONE;
            continue;
        }
        if (t->words[w].term != NONE)
            count_term(vb, t->words[w].term);
        if (prev != NONE && t->bigrams.n > 0) {
            const bislot *s = bitab_find(&t->bigrams, bikey(prev, w));
            if (s != NULL)
                count_term(vb, s->df);
        }
        prev = w;
    }
}

/* Appends document d's normalised vector to vb's. */
static pg_err build_vector(vec_builder *vb, size_t d)
{
    const pg_terms *t = vb->t;
    vb->n_touched = 0;
    count_doc(t, d, vb);
    size_t n = vb->n_touched;
    if (vb->len + n > vb->cap) {
        posting *v = grow_array(vb->vec, &vb->cap, vb->len + n, sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        vb->vec = v;
    }
    pg_sort_u32(vb->touched, n);
    posting *out = vb->vec + vb->len;
    double norm = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t tid = vb->touched[i];
        double w = (1.0 + log((double)vb->tf[tid])) * t->terms[tid].idf;
        vb->tf[tid] = 0;
        out[i].id = tid;
        out[i].w = (float)w;
        norm += w * w;
    }
    norm = sqrt(norm);
    vb->norm[d - vb->d0] = (float)norm;
    for (size_t i = 0; i < n && norm > 0; i++)     /* 0 when every idf is 0 */
        out[i].w = (float)(out[i].w / norm);
    vb->len += n;
    vb->end[d - vb->d0] = vb->len;
    return PG_OK;
}

static void build_half(void *p)
{
    vec_builder *vb = p;
    size_t nt = vb->t->n_terms + 1, nd = vb->d1 - vb->d0;
    vb->rc = PG_ERR_NOMEM;
    if ((vb->tf = pg_mem_calloc(nt, sizeof *vb->tf)) == NULL
        || (vb->touched = pg_mem_malloc(nt * sizeof *vb->touched)) == NULL
        || (vb->end = malloc((nd + 1) * sizeof *vb->end)) == NULL
        || (vb->norm = malloc((nd + 1) * sizeof *vb->norm)) == NULL)
        return;
    for (size_t d = vb->d0; d < vb->d1; d++)
        if (build_vector(vb, d) != PG_OK)
            return;
    vb->rc = PG_OK;
}

/* Fills t->vec, t->vec_start and t->doc_norm from the two halves; the
 * first half's array becomes t->vec. */
static pg_err join_vectors(pg_terms *t, vec_builder *h)
{
    size_t total = h[0].len + h[1].len, cap = h[0].cap;
    posting *v = h[0].vec;
    if (total > cap && (v = grow_array(v, &cap, total, sizeof *v)) == NULL)
        return PG_ERR_NOMEM;
    h[0].vec = NULL;
    t->vec = v;
    if (h[1].len > 0)
        memcpy(v + h[0].len, h[1].vec, h[1].len * sizeof *v);
    for (int i = 0; i < 2; i++) {
        size_t base = i == 0 ? 0 : h[0].len;
        for (size_t d = h[i].d0; d < h[i].d1; d++) {
            t->vec_start[d + 1] = base + h[i].end[d - h[i].d0];
            t->doc_norm[d] = h[i].norm[d - h[i].d0];
        }
    }
    return PG_OK;
}

/* Documents [*d0, *d1) are half i (0 or 1) of n: the split of both
 * two-thread builds, so that their halves agree. */
static void half_of(size_t n, int i, size_t *d0, size_t *d1)
{
    *d0 = i == 0 ? 0 : n / 2;
    *d1 = i == 0 ? n / 2 : n;
}

static pg_err build_vectors(pg_terms *t)
{
    pg_err rc = PG_ERR_NOMEM;
    vec_builder h[2];
    memset(h, 0, sizeof h);
    if ((t->vec_start = calloc(t->n_docs + 1, sizeof *t->vec_start)) == NULL
        || (t->doc_norm = calloc(t->n_docs + 1, sizeof *t->doc_norm)) == NULL)
        return PG_ERR_NOMEM;
    for (int i = 0; i < 2; i++) {
        h[i].t = t;
        half_of(t->n_docs, i, &h[i].d0, &h[i].d1);
    }
    pgg_run2(build_half, &h[0], &h[1]);
    if (h[0].rc == PG_OK && h[1].rc == PG_OK)
        rc = join_vectors(t, h);
    for (int i = 0; i < 2; i++) {
        free(h[i].tf);
        free(h[i].touched);
        free(h[i].vec);
        free(h[i].end);
        free(h[i].norm);
    }
    return rc;
}

/* One half of the documents' postings: counted, then placed from fill. */
typedef struct post_half {
    pg_terms *t;
    size_t d0, d1;
    size_t *count;              /* by term: its documents in the half */
    int filling;                /* 0: count, 1: place */
} post_half;

static void post_run(void *p)
{
    post_half *h = p;
    pg_terms *t = h->t;
    size_t *c = h->count;
    if (!h->filling) {
        for (size_t i = t->vec_start[h->d0]; i < t->vec_start[h->d1]; i++)
            c[t->vec[i].id]++;
        return;
    }
    /* count now holds each term's next place for the half */
    for (size_t d = h->d0; d < h->d1; d++) {
        for (size_t i = t->vec_start[d]; i < t->vec_start[d + 1]; i++) {
            size_t at = c[t->vec[i].id]++;
            t->post[at].id = (uint32_t)d;
            t->post[at].w = t->vec[i].w;
        }
    }
}

/* The inverted index: for each term, its documents in ascending order. */
static pg_err build_postings(pg_terms *t)
{
    size_t nnz = t->vec_start[t->n_docs], nt = t->n_terms;
    post_half h[2];
    memset(h, 0, sizeof h);
    pg_err rc = PG_ERR_NOMEM;
    if ((t->post_start = pg_mem_calloc(nt + 1, sizeof *t->post_start)) == NULL
        || (t->post = pg_mem_malloc((nnz + 1) * sizeof *t->post)) == NULL
        || (h[0].count = calloc(nt + 1, sizeof *h[0].count)) == NULL
        || (h[1].count = calloc(nt + 1, sizeof *h[1].count)) == NULL)
        goto out;
    for (int i = 0; i < 2; i++) {
        h[i].t = t;
        half_of(t->n_docs, i, &h[i].d0, &h[i].d1);
    }
    pgg_run2(post_run, &h[0], &h[1]);
    for (size_t j = 0; j < nt; j++) {
        size_t c0 = h[0].count[j], c1 = h[1].count[j];
        t->post_start[j + 1] = t->post_start[j] + c0 + c1;
        h[0].count[j] = t->post_start[j];
        h[1].count[j] = t->post_start[j] + c0;
    }
    h[0].filling = h[1].filling = 1;
    pgg_run2(post_run, &h[0], &h[1]);
    rc = PG_OK;
out:
    free(h[0].count);
    free(h[1].count);
    return rc;
}

pg_err pg_terms_finish(pg_terms *t, pg_error *err)
{
    pg_err rc = pgg_terms_usable(t, 0, err);
    if (rc != PG_OK)
        return rc;
    t->finished = 1;
    if ((rc = pick_surfaces(t)) != PG_OK || (rc = number_terms(t)) != PG_OK
        || (rc = build_vectors(t)) != PG_OK || (rc = build_postings(t)) != PG_OK) {
        t->failed = 1;
        return nomem(err);
    }
    pgg_terms_free_adding(t);
    return PG_OK;
}
