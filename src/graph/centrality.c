/*
** centrality.c: betweenness of the paper graph by hop count (Brandes), exact
** or estimated from a sample of sources within a work budget, on two
** threads; weighted PageRank; and the helper that runs two halves of a job
** on two threads.
**
** Why not igraph's: igraph_betweenness_subset spends most of its time in
** out-of-line vector calls per visited edge; a plain breadth-first search
** over a compressed adjacency does the same work several times faster, and
** lets the two halves of the sources run at once.  Why not igraph's
** PageRank: PRPACK runs its iterations in OpenMP parallel loops, whose
** threads spin at every barrier, which on a shared or busy machine costs
** twenty times the work of the plain power iteration below (same ranks to
** about eleven significant digits).
**
** An estimate scales each source's dependencies linearly (Geisberger,
** Sanders and Schultes, "Better approximation of betweenness centrality",
** ALENEX 2008): the pair (s, t) counts for v on a shortest s-t path with
** weight dist(s, v) / dist(s, t), and (t, s) with the rest, so that all
** sources still sum to the exact value, while a vertex next to a sampled
** source is no longer credited with every path that leaves it.  Against
** exact betweenness this estimate is as good with a fraction of the
** sources (README, PERFORMANCE.md); the exact computation keeps the plain
** dependencies.
**
** Determinism: the sources are split into two fixed halves (even and odd
** positions of the source list) whatever the number of threads, each half
** sums into its own array, and the halves are added in that order, so the
** result does not depend on scheduling or on the machine's cores.
*/
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph/internal.h"

typedef struct half_job {
    void (*fn)(void *);
    void *ctx;
} half_job;

static void *run_half(void *p)
{
    half_job *j = p;
    j->fn(j->ctx);
    return NULL;
}

int pgg_cores(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 1 ? (cpus > 64 ? 64 : (int)cpus) : 1;
}

void pgg_run2(void (*fn)(void *), void *a, void *b)
{
    pthread_t th;
    half_job j = { fn, b };
    if (pgg_cores() > 1 && pthread_create(&th, NULL, run_half, &j) == 0) {
        fn(a);
        pthread_join(th, NULL);
        return;
    }
    fn(a);      /* one core, or no thread to be had: one after the other */
    fn(b);
}

/* Compressed adjacency: the neighbours of v are adj[start[v] .. start[v+1]). */
typedef struct csr {
    size_t n;
    size_t *start;
    uint32_t *adj;
    double *w;                  /* weight of each adj entry, when asked for */
} csr;

static int csr_make(const pg_graph *g, csr *c, int weighted)
{
    size_t n = g->n_nodes;
    c->n = n;
    c->start = calloc(n + 2, sizeof *c->start);
    c->adj = malloc((2 * g->n_edges + 1) * sizeof *c->adj);
    c->w = weighted ? malloc((2 * g->n_edges + 1) * sizeof *c->w) : NULL;
    if (c->start == NULL || c->adj == NULL || (weighted && c->w == NULL))
        return -1;
    for (size_t i = 0; i < g->n_edges; i++) {
        c->start[g->edges[i].a + 2]++;
        c->start[g->edges[i].b + 2]++;
    }
    for (size_t v = 0; v < n; v++)
        c->start[v + 2] += c->start[v + 1];
    for (size_t i = 0; i < g->n_edges; i++) {   /* start[v + 1] is v's fill point */
        size_t ia = c->start[g->edges[i].a + 1]++, ib = c->start[g->edges[i].b + 1]++;
        c->adj[ia] = (uint32_t)g->edges[i].b;
        c->adj[ib] = (uint32_t)g->edges[i].a;
        if (weighted)
            c->w[ia] = c->w[ib] = g->edges[i].weight;
    }
    return 0;
}

/* A vertex's state in one source's search: one place, so that looking at a
 * neighbour costs one cache miss, not three. */
typedef struct bnode {
    double sigma;               /* shortest paths from the source */
    double delta;               /* dependency of the source on it */
    int32_t dist;               /* hops from the source, -1 unseen */
} bnode;

/* One half of the sources and its scratch space. */
typedef struct brandes {
    const csr *c;
    const uint32_t *src;
    size_t n_src, first;        /* sources src[first], src[first + 2], ... */
    double *sum;                /* dependencies summed over the half */
    bnode *node;
    uint32_t *order;            /* vertices in order of discovery */
    int linear;                 /* linearly scaled dependencies */
    int failed;
} brandes;

static void brandes_one(brandes *b, uint32_t s)
{
    const csr *c = b->c;
    bnode *nd = b->node;
    size_t head = 0, tail = 0;
    b->order[tail++] = s;
    nd[s].dist = 0;
    nd[s].sigma = 1;
    while (head < tail) {
        uint32_t v = b->order[head++];
        int32_t dv = nd[v].dist + 1;
        double sv = nd[v].sigma;
        for (size_t i = c->start[v]; i < c->start[v + 1]; i++) {
            bnode *w = &nd[c->adj[i]];
            if (w->dist < 0) {
                w->dist = dv;
                b->order[tail++] = c->adj[i];
            }
            if (w->dist == dv)
                w->sigma += sv;
        }
    }
    /* Back in reverse order of discovery: each vertex passes its share to
     * the predecessors it was reached through (one hop closer).  Linear:
     * delta sums sigma_sv / sigma_st / dist(s, t) over the targets t, the
     * plain recurrence with 1 / dist(s, w) for 1, and v's dependency is
     * that times dist(s, v). */
    for (size_t k = tail; k-- > 0;) {
        uint32_t w = b->order[k];
        int32_t dw = nd[w].dist - 1;
        double sw = nd[w].sigma, share = nd[w].delta;
        if (!b->linear)
            share += 1;
        else if (w != s)
            share += 1.0 / nd[w].dist;
        for (size_t i = c->start[w]; i < c->start[w + 1]; i++) {
            bnode *v = &nd[c->adj[i]];
            if (v->dist == dw)
                v->delta += v->sigma / sw * share;
        }
        if (w != s)
            b->sum[w] += b->linear ? nd[w].delta * nd[w].dist : nd[w].delta;
    }
    for (size_t k = 0; k < tail; k++) {
        bnode *w = &nd[b->order[k]];
        w->dist = -1;
        w->sigma = 0;
        w->delta = 0;
    }
}

static void brandes_half(void *p)
{
    brandes *b = p;
    size_t n = b->c->n;
    b->sum = calloc(n ? n : 1, sizeof *b->sum);
    b->node = malloc((n ? n : 1) * sizeof *b->node);
    b->order = malloc((n ? n : 1) * sizeof *b->order);
    if (!b->sum || !b->node || !b->order) {
        b->failed = 1;
        return;
    }
    for (size_t v = 0; v < n; v++)
        b->node[v] = (bnode){ 0, 0, -1 };
    for (size_t i = b->first; i < b->n_src; i += 2)
        brandes_one(b, b->src[i]);
}

static void brandes_release(brandes *b)
{
    free(b->sum);
    free(b->node);
    free(b->order);
}

/* k distinct sources out of n, chosen by a seeded partial Fisher-Yates
 * shuffle (splitmix64), then sorted so that memory is walked in order. */
static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void pick_sources(uint32_t *src, size_t n, size_t k, uint64_t seed)
{
    uint64_t st = seed;
    for (size_t i = 0; i < n; i++)
        src[i] = (uint32_t)i;
    if (k >= n)
        return;
    for (size_t i = 0; i < k; i++) {
        size_t j = i + (size_t)(splitmix(&st) % (n - i));
        uint32_t t = src[i];
        src[i] = src[j];
        src[j] = t;
    }
    qsort(src, k, sizeof *src, cmp_u32);
}

size_t pgg_betweenness_sources(const pg_graph *g, const pg_graph_opts *o)
{
    size_t n = g->n_nodes;
    double per_source = (double)n + 2.0 * (double)g->n_edges;
    switch (o->betweenness) {
    case PG_BETWEENNESS_OFF:
        return 0;
    case PG_BETWEENNESS_EXACT:
        return n;
    default:
        break;
    }
    double k = floor(o->betweenness_budget / (per_source > 0 ? per_source : 1));
    if (o->betweenness == PG_BETWEENNESS_AUTO && k >= (double)n)
        return n;
    if (k < 1)
        k = 1;
    return k >= (double)n ? n : (size_t)k;
}

/*
** Renumbers the vertices of c in breadth-first order (each component from
** its smallest vertex), into r; inv[v] is v's new number.  Neighbours then
** have close numbers, so a search's look-ups fall on fewer cache lines.
** Each adjacency list keeps its order, so every search visits the same
** vertices in the same order and sums the same numbers in the same order
** as on c: only the addresses change.  -1 when out of memory.
*/
static int csr_bfs_renumber(const csr *c, csr *r, uint32_t *inv)
{
    size_t n = c->n, tail = 0;
    uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
    r->n = n;
    r->start = malloc((n + 2) * sizeof *r->start);
    r->adj = malloc((c->start[n] + 1) * sizeof *r->adj);
    r->w = NULL;
    if (perm == NULL || r->start == NULL || r->adj == NULL) {
        free(perm);
        return -1;
    }
    for (size_t v = 0; v < n; v++)
        inv[v] = UINT32_MAX;
    for (size_t root = 0; root < n; root++) {
        if (inv[root] != UINT32_MAX)
            continue;
        size_t head = tail;
        inv[root] = (uint32_t)tail;
        perm[tail++] = (uint32_t)root;
        while (head < tail) {
            uint32_t v = perm[head++];
            for (size_t i = c->start[v]; i < c->start[v + 1]; i++)
                if (inv[c->adj[i]] == UINT32_MAX) {
                    inv[c->adj[i]] = (uint32_t)tail;
                    perm[tail++] = c->adj[i];
                }
        }
    }
    r->start[0] = 0;
    for (size_t u = 0; u < n; u++) {
        uint32_t v = perm[u];
        size_t at = r->start[u];
        for (size_t i = c->start[v]; i < c->start[v + 1]; i++)
            r->adj[at++] = inv[c->adj[i]];
        r->start[u + 1] = at;
    }
    free(perm);
    return 0;
}

pg_err pgg_betweenness(pg_graph *g, const pg_graph_opts *o, pg_error *err)
{
    size_t n = g->n_nodes, k = pgg_betweenness_sources(g, o);
    g->betweenness_sources = k;
    if (k == 0 || n == 0) {
        g->betweenness_sampled = -1;
        for (size_t i = 0; i < n; i++)
            g->nodes[i].betweenness = -1;
        return PG_OK;
    }
    pg_err rc = PG_OK;
    csr c = { 0, NULL, NULL, NULL }, r = { 0, NULL, NULL, NULL };
    brandes h[2];
    memset(h, 0, sizeof h);
    uint32_t *src = malloc(n * sizeof *src), *inv = malloc(n * sizeof *inv);
    if (src == NULL || inv == NULL || csr_make(g, &c, 0) != 0
        || csr_bfs_renumber(&c, &r, inv) != 0) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    int linear = k < n || o->betweenness == PG_BETWEENNESS_SAMPLED;
    pick_sources(src, n, k, o->seed);
    for (size_t i = 0; i < k; i++)
        src[i] = inv[src[i]];
    for (int i = 0; i < 2; i++) {
        h[i].c = &r;
        h[i].src = src;
        h[i].n_src = k;
        h[i].first = (size_t)i;
        h[i].linear = linear;
    }
    pgg_run2(brandes_half, &h[0], &h[1]);
    if (h[0].failed || h[1].failed) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Plain dependencies count each pair from both ends in an undirected
     * graph: halve; linear ones split the pair's one between its ends.  A
     * sample of k sources stands for all n. */
    double scale = (linear ? 1.0 : 0.5) * (double)n / (double)k;
    g->betweenness_sampled = k < n;
    for (size_t v = 0; v < n; v++)
        g->nodes[v].betweenness = (h[0].sum[inv[v]] + h[1].sum[inv[v]]) * scale;
out:
    brandes_release(&h[0]);
    brandes_release(&h[1]);
    free(src);
    free(inv);
    free(c.start);
    free(c.adj);
    free(r.start);
    free(r.adj);
    return rc;
}

static void *betweenness_thread(void *p)
{
    pgg_background *b = p;
    b->rc = pgg_betweenness(b->g, b->o, &b->err);
    return NULL;
}

void pgg_betweenness_start(pgg_background *b, pg_graph *g, const pg_graph_opts *o)
{
    memset(b, 0, sizeof *b);
    b->g = g;
    b->o = o;
    b->started = pthread_create(&b->th, NULL, betweenness_thread, b) == 0;
}

pg_err pgg_betweenness_join(pgg_background *b, pg_error *err)
{
    if (b->started)
        pthread_join(b->th, NULL);
    else
        b->rc = pgg_betweenness(b->g, b->o, &b->err);
    b->started = 0;
    if (b->rc != PG_OK)
        pg_error_set(err, b->rc, "%s", b->err.msg);
    return b->rc;
}

/* Power iteration until the ranks move by less than this in total (L1):
 * each step shrinks the error by the damping factor, so a few hundred steps
 * at most. */
#define PAGERANK_EPS 1e-15
#define PAGERANK_MAX_STEPS 10000

pg_err pgg_pagerank(pg_graph *g, double damping, pg_error *err)
{
    size_t n = g->n_nodes;
    pg_err rc = PG_OK;
    csr c = { 0, NULL, NULL, NULL };
    double *p = malloc((n ? n : 1) * sizeof *p), *q = malloc((n ? n : 1) * sizeof *q);
    if (p == NULL || q == NULL || csr_make(g, &c, 1) != 0) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t v = 0; v < n; v++)
        p[v] = 1.0 / (double)n;
    for (int step = 0; step < PAGERANK_MAX_STEPS; step++) {
        /* q[v]: the share of its rank v hands along each unit of weight; a
         * paper without edges (strength 0) spreads its rank over all. */
        double lost = 0;
        for (size_t v = 0; v < n; v++) {
            double s = g->nodes[v].strength;
            if (s > 0) {
                q[v] = p[v] / s;
            } else {
                q[v] = 0;
                lost += p[v];
            }
        }
        double base = (1 - damping) / (double)n + damping * lost / (double)n, moved = 0;
        for (size_t v = 0; v < n; v++) {
            double x = 0;
            for (size_t i = c.start[v]; i < c.start[v + 1]; i++)
                x += c.w[i] * q[c.adj[i]];
            x = base + damping * x;
            moved += fabs(x - p[v]);
            p[v] = x;           /* q holds what the step reads */
        }
        if (moved < PAGERANK_EPS)
            break;
    }
    double sum = 0;
    for (size_t v = 0; v < n; v++)
        sum += p[v];
    for (size_t v = 0; v < n; v++)
        g->nodes[v].pagerank = sum > 0 ? p[v] / sum : 1.0 / (double)n;
out:
    free(p);
    free(q);
    free(c.start);
    free(c.adj);
    free(c.w);
    return rc;
}
