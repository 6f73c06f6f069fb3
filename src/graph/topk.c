/*
** topk.c: pg_terms_topk(), every document's most similar others.  It
** accumulates dot products over the posting lists of a document's rarest
** terms (the classic inverted-index method) within a work budget, then
** completes the best candidates' scores with the document's remaining,
** commoner terms, which gives their exact cosine.  The documents are
** searched on two threads when there are two cores, each taking the next
** block of documents as it finishes one: on a shared machine one core is
** often slower than the other, and fixed halves would wait for the slower.
** A document's top k does not depend on which thread searched it.
*/
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph/terms.h"

typedef struct cand {
    float score;
    uint32_t id;
} cand;

/* Higher score first, then lower id: a total order, hence determinism. */
static inline int cand_better(cand a, cand b)
{
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

/* Keeps the cap best candidates offered; v[0] is the worst kept. */
typedef struct heap {
    cand *v;
    size_t n, cap;
} heap;

static void heap_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && cand_better(h->v[w], h->v[l]))
            w = l;
        if (r < h->n && cand_better(h->v[w], h->v[r]))
            w = r;
        if (w == i)
            return;
        cand tmp = h->v[i];
        h->v[i] = h->v[w];
        h->v[w] = tmp;
        i = w;
    }
}

static inline void heap_offer(heap *h, cand c)
{
    if (h->n == h->cap && !(h->cap > 0 && cand_better(c, h->v[0])))
        return;                 /* the common case once full: one compare */
    if (h->n < h->cap) {
        size_t i = h->n++;
        while (i > 0 && cand_better(h->v[(i - 1) / 2], c)) {
            h->v[i] = h->v[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->v[i] = c;
    } else {                    /* full, and c beats the worst kept */
        h->v[0] = c;
        heap_down(h, 0);
    }
}

/* Scratch space for one pg_terms_topk call. */
typedef struct searcher {
    const pg_terms *t;
    float *acc;                 /* partial dot product by document; all 0
                                   between documents */
    uint32_t *touched;          /* documents with acc > 0 */
    size_t budget;              /* postings read per document */
    size_t rest;                /* position in d's vector of the first term
                                   not searched through */
    float *dense;               /* by term: d's weights from rest on, else 0 */
    double *prod;               /* a cosine's products, longest vector's room */
    uint64_t *keys;             /* sort_best_first's, room for every candidate */
    heap cands, top;
    pg_sim_edge *edges;
    size_t n_edges, edges_cap;
} searcher;

/* Cache lines of the next posting list fetched ahead (16: 128 postings). */
#define LIST_AHEAD_LINES 16

/*
** Offers to s->cands the documents that share with d one of its rarest
** terms, scored by the dot product over those terms.  d's vector lists its
** terms rarest first; they are searched through while the postings read
** stay within the budget (the first always is), and s->rest notes where the
** others start.  Skipping a product that is not > 0 keeps "acc[e] == 0"
** meaning "e not touched yet" (a term with idf 0 has weight 0).
*/
static void gather(searcher *s, uint32_t d)
{
    const pg_terms *t = s->t;
    size_t nt = 0, work = 0, i = t->vec_start[d];
    for (; i < t->vec_start[d + 1]; i++) {
        size_t p0 = t->post_start[t->vec[i].id], p1 = t->post_start[t->vec[i].id + 1];
        if (work > 0 && work + (p1 - p0) > s->budget)
            break;
        /* The lists are scattered: the next one's head is asked for while
         * this one is read, so its first misses overlap this one's work. */
        if (i + 1 < t->vec_start[d + 1]) {
            uint32_t nx = t->vec[i + 1].id;
            const char *q = (const char *)(t->post + t->post_start[nx]);
            const char *q1 = (const char *)(t->post + t->post_start[nx + 1]);
            for (int l = 0; l < LIST_AHEAD_LINES && q + 64 * l < q1; l++)
                __builtin_prefetch(q + 64 * l);
        }
        work += p1 - p0;
        float w = t->vec[i].w;
        /* Branch-free: whether e is new is a coin toss for the predictor.
         * A product left out adds +0, which changes no sum. */
        for (size_t p = p0; p < p1; p++) {
            uint32_t e = t->post[p].id;
            float x = w * t->post[p].w;
            int ok = (e != d) & (x > 0);
            s->touched[nt] = e;
            nt += ok & (s->acc[e] == 0);
            s->acc[e] += ok ? x : 0.0f;
        }
    }
    s->rest = i;
    s->cands.n = 0;
    for (size_t j = 0; j < nt; j++) {
        cand c = { s->acc[s->touched[j]], s->touched[j] };
        heap_offer(&s->cands, c);
        s->acc[s->touched[j]] = 0;
    }
}

/* The exact cosine of d and candidate c: its partial score plus the
 * products over d's terms from s->rest on, whose weights s->dense holds.
 * Only c's terms at least as common as the first of those can match, and
 * vectors are sorted by term id, that is by df.  They are found by a
 * forward scan: one pass the prefetcher can follow costs less than a
 * binary search whose every step is a cache miss. */
static double cosine(const searcher *s, uint32_t d, cand c)
{
    const pg_terms *t = s->t;
    double x = c.score;
    if (s->rest == t->vec_start[d + 1])
        return x;
    uint32_t first = t->vec[s->rest].id;
    const posting *v = t->vec + t->vec_start[c.id], *end = t->vec + t->vec_start[c.id + 1];
    while (v < end && v->id < first)
        v++;
    /* The products that are not 0 (terms d has too) first, without a
     * branch, then their sum in the same order: the sum is the one the
     * plain loop gives (adding +0 changes nothing), without a chain of
     * dependent additions as long as the vector.  A product of two floats
     * is exact in a double. */
    size_t m = 0;
    for (; v < end; v++) {
        float dw = s->dense[v->id];
        s->prod[m] = (double)dw * v->w;
        m += dw != 0;
    }
    for (size_t i = 0; i < m; i++)
        x += s->prod[i];
    return x;
}

/* Sorts h's candidates best first, in place, through key (room for h->n).
 * Each becomes one 64-bit key, its score's bits then the complement of its
 * id: scores are positive floats, whose bits order as the floats do, so the
 * keys order as cand_better does, and an insertion sort of a few dozen
 * integers costs less than a heapsort's unpredictable branches. */
static void sort_best_first(heap *h, uint64_t *key)
{
    size_t n = h->n;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &h->v[i].score, sizeof bits);
        uint64_t k = (uint64_t)bits << 32 | (UINT32_MAX - h->v[i].id);
        size_t j = i;
        for (; j > 0 && key[j - 1] < k; j--)
            key[j] = key[j - 1];
        key[j] = k;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)(key[i] >> 32);
        memcpy(&h->v[i].score, &bits, sizeof bits);
        h->v[i].id = UINT32_MAX - (uint32_t)key[i];
    }
}

static pg_err push_edge(searcher *s, uint32_t a, uint32_t b, float sim)
{
    if (s->n_edges == s->edges_cap) {
        pg_sim_edge *e = grow_array(s->edges, &s->edges_cap, s->n_edges + 1, sizeof *e);
        if (e == NULL)
            return PG_ERR_NOMEM;
        s->edges = e;
    }
    pg_sim_edge e = { a < b ? a : b, a < b ? b : a, sim };
    s->edges[s->n_edges++] = e;
    return PG_OK;
}

/* Candidates whose vectors are fetched ahead of the one being scored. */
#define PREFETCH_AHEAD 3

static void prefetch_vector(const pg_terms *t, uint32_t c)
{
    const char *p = (const char *)(t->vec + t->vec_start[c]);
    const char *end = (const char *)(t->vec + t->vec_start[c + 1]);
    for (; p < end; p += 64)
        __builtin_prefetch(p);
}

/* Finds d's top k and appends them as edges. */
static pg_err search_doc(searcher *s, uint32_t d, double min_sim)
{
    const pg_terms *t = s->t;
    pg_err rc = PG_OK;
    gather(s, d);
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        s->dense[t->vec[i].id] = t->vec[i].w;
    s->top.n = 0;
    /* Best partial score first: a candidate's cosine is at most its partial
     * score plus the norm of d's unsearched part (Cauchy-Schwarz, vectors of
     * norm 1), so once that bound falls below min_sim or below the k-th best
     * found, no later candidate can enter the top k and the search stops.
     * The margin covers float rounding, so the result is what the full loop
     * gives. */
    double rest2 = 0;
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        rest2 += (double)t->vec[i].w * t->vec[i].w;
    double rest_norm = sqrt(rest2) + 1e-5;
    sort_best_first(&s->cands, s->keys);
    /* The candidates' vectors are scattered over the whole index: ask for
     * them a few candidates ahead, whole, so that their misses overlap. */
    for (size_t j = 0; j < s->cands.n && j < PREFETCH_AHEAD; j++)
        prefetch_vector(t, s->cands.v[j].id);
    for (size_t j = 0; j < s->cands.n; j++) {
        if (j + PREFETCH_AHEAD < s->cands.n)
            prefetch_vector(t, s->cands.v[j + PREFETCH_AHEAD].id);
        double bound = s->cands.v[j].score + rest_norm;
        if (bound < min_sim
            || (s->top.n == s->top.cap && bound < s->top.v[0].score))
            break;
        double sim = cosine(s, d, s->cands.v[j]);
        float f = sim > 1.0 ? 1.0f : (float)sim;    /* rounding can pass 1 */
        cand c = { f, s->cands.v[j].id };
        if (f > 0 && f >= min_sim)
            heap_offer(&s->top, c);
    }
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        s->dense[t->vec[i].id] = 0;
    for (size_t j = 0; j < s->top.n && rc == PG_OK; j++)
        rc = push_edge(s, d, s->top.v[j].id, s->top.v[j].score);
    return rc;
}

static int edge_cmp(const void *a, const void *b)
{
    const pg_sim_edge *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return (x->sim < y->sim) - (x->sim > y->sim);   /* higher sim first */
}

/* Sorts and keeps one edge per pair: both ends may have found it, with sims
 * that differ in the last bit (summation order); the higher wins. */
static void dedup_edges(searcher *s)
{
    size_t n = 0;
    sort_n(s->edges, s->n_edges, sizeof *s->edges, edge_cmp);
    for (size_t i = 0; i < s->n_edges; i++)
        if (n == 0 || s->edges[n - 1].a != s->edges[i].a || s->edges[n - 1].b != s->edges[i].b)
            s->edges[n++] = s->edges[i];
    s->n_edges = n;
}

/* Postings a document's candidate search reads by default. */
#define DEFAULT_BUDGET 5000

/* How many candidates get an exact cosine: enough that the top k rarely
 * differs from an exhaustive search, few enough to stay cheap. */
static size_t n_candidates(size_t k)
{
    return k > SIZE_MAX / 8 ? SIZE_MAX / 2 : 4 * k + 32;
}

/* Documents a thread takes at a time: enough that taking one is rare,
 * few enough that the threads end close together. */
#define BLOCK_DOCS 64

/* One thread's share of the search: the blocks of documents it takes from
 * *next (shared by both), searched with its own scratch space. */
typedef struct topk_half {
    searcher s;
    atomic_size_t *next;
    size_t longest;             /* terms in the longest vector */
    double min_sim;
    pg_err rc;
} topk_half;

static void searcher_release(searcher *s)
{
    free(s->acc);
    free(s->touched);
    free(s->dense);
    free(s->prod);
    free(s->keys);
    free(s->cands.v);
    free(s->top.v);
    free(s->edges);
}

static void topk_run(void *p)
{
    topk_half *h = p;
    searcher *s = &h->s;
    const pg_terms *t = s->t;
    size_t n = t->n_docs;
    h->rc = PG_ERR_NOMEM;
    if ((s->acc = pg_mem_calloc(n, sizeof *s->acc)) == NULL
        || (s->touched = pg_mem_malloc(n * sizeof *s->touched)) == NULL
        || (s->dense = pg_mem_calloc(t->n_terms + 1, sizeof *s->dense)) == NULL
        || (s->prod = malloc((h->longest + 1) * sizeof *s->prod)) == NULL
        || (s->cands.v = malloc(s->cands.cap * sizeof *s->cands.v)) == NULL
        || (s->keys = malloc(s->cands.cap * sizeof *s->keys)) == NULL
        || (s->top.v = malloc(s->top.cap * sizeof *s->top.v)) == NULL)
        return;
    for (;;) {
        size_t d0 = atomic_fetch_add(h->next, BLOCK_DOCS);
        if (d0 >= n)
            break;
        size_t d1 = n - d0 > BLOCK_DOCS ? d0 + BLOCK_DOCS : n;
        for (size_t d = d0; d < d1; d++)
            if (search_doc(s, (uint32_t)d, h->min_sim) != PG_OK)
                return;
    }
    h->rc = PG_OK;
}

pg_err pg_terms_topk(const pg_terms *t, size_t k, double min_sim,
                     pg_sim_edge **edges, size_t *n_edges, pg_error *err)
{
    pg_err rc;
    topk_half h[2];
    size_t n = t->n_docs;
    atomic_size_t next;

    memset(h, 0, sizeof h);
    if ((rc = pgg_terms_usable(t, 1, err)) != PG_OK)
        return rc;
    *edges = NULL;
    *n_edges = 0;
    if (n < 2 || k == 0)
        return PG_OK;
    size_t longest = 0;
    for (size_t d = 0; d < n; d++)
        if (t->vec_start[d + 1] - t->vec_start[d] > longest)
            longest = t->vec_start[d + 1] - t->vec_start[d];
    atomic_init(&next, 0);
    for (int i = 0; i < 2; i++) {
        searcher *s = &h[i].s;
        h[i].longest = longest;
        s->t = t;
        s->budget = t->o.max_postings ? t->o.max_postings : DEFAULT_BUDGET;
        s->cands.cap = n_candidates(k) < n ? n_candidates(k) : n;
        s->top.cap = k < n ? k : n;
        h[i].next = &next;
        h[i].min_sim = min_sim;
    }
    /* The threads find their edges independently; the sort in dedup_edges
     * puts them in one order whichever thread found which. */
    pgg_run2(topk_run, &h[0], &h[1]);
    rc = PG_ERR_NOMEM;
    if (h[0].rc != PG_OK || h[1].rc != PG_OK)
        goto out;
    searcher *s = &h[0].s;
    if (h[1].s.n_edges > 0) {
        pg_sim_edge *e = grow_array(s->edges, &s->edges_cap,
                                    s->n_edges + h[1].s.n_edges, sizeof *e);
        if (e == NULL)
            goto out;
        s->edges = e;
        memcpy(s->edges + s->n_edges, h[1].s.edges, h[1].s.n_edges * sizeof *e);
        s->n_edges += h[1].s.n_edges;
    }
    dedup_edges(s);
    *edges = s->edges;
    *n_edges = s->n_edges;
    s->edges = NULL;
    rc = PG_OK;
out:
    searcher_release(&h[0].s);
    searcher_release(&h[1].s);
    return rc == PG_OK ? PG_OK : nomem(err);
}
