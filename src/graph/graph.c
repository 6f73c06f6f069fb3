/*
** graph.c: builds and analyses the paper graph (see graph.h).
**
** It works in two halves.
**
** 1. Evidence to edges, in plain C and near-linear time.
**    Links: each canonical URL of a paper yields up to two keys: the exact
**    URL (strong), and its GitHub owner ("github.com/OWNER/..." and
**    "OWNER.github.io" are the same owner) or, for other sites, its host
**    (weaker).  The keys of all papers are hashed (XXH3-128: a collision
**    is too unlikely to matter, and no key strings are kept), sorted with
**    their paper index (an inverted index) and pairs are made only inside
**    one key's posting list.  A key held by more than link_df_cap(N) papers
**    is skipped and the rest are weighted by rarity, so a URL or organisation
**    that hundreds of papers cite never makes a clique.  Terms: pg_terms_topk
**    gives symmetric top-k cosine neighbours.  All contributions are sorted
**    by pair and merged into one edge per pair.
**
** 2. Analysis with igraph: components, Leiden communities (modularity),
**    assortativity by author count; PageRank and betweenness (centrality.c)
**    and, when asked, the layout (layout.c) with the handlers below held.
**
** igraph keeps its error handler, warning handler and default random number
** generator in process-global variables (Debian's 0.10.2 is built without
** thread-local storage: IGRAPH_THREAD_SAFE is 0).  analyse() installs the
** non-aborting handlers before its first igraph call and puts the caller's
** handlers back afterwards, and seeds the RNG before every random step.
** That is acceptable because no other papergraph module calls igraph and
** pg_graph_build is documented as not thread-safe; it is the only global
** state this file touches.
*/
#include <igraph.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "papergraph/base.h"
#include "papergraph/graph.h"
#include "graph/internal.h"

/* Damping of PageRank, the usual value. */
#define PAGERANK_DAMPING 0.85
/* Leiden randomness and iterations (negative: until the partition is
 * stable, which takes a handful of passes). */
#define LEIDEN_BETA 0.01
#define LEIDEN_ITERATIONS (-1)



void pg_graph_opts_default(pg_graph_opts *o)
{
    o->w_links = 1.0;
    o->w_terms = 1.0;
    o->w_authors = 0.1;
    o->top_k = 10;
    o->min_sim = 0.15;          /* measured on the seed listings: 0.2 isolates 55%, 0.12 merges all */
    o->resolution = 1.0;
    o->seed = 42;
    o->layout = 0;
    o->betweenness = PG_BETWEENNESS_AUTO;
    o->betweenness_budget = 2e7;
    o->weak_links = 1;
    o->weak_min_sim = 0.13;
}

void pg_graph_free(pg_graph *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].label != g->nodes[i].title)
            free(g->nodes[i].label);
        free(g->nodes[i].title);
    }
    for (size_t i = 0; i < g->n_communities; i++)
        free(g->communities[i].label);
    free(g->nodes);
    free(g->edges);
    free(g->communities);
    free(g);
}

/* ------------------------------------------------------------------ */
/* Options and nodes                                                  */

static int weight_ok(double w)
{
    return isfinite(w) && w >= 0 && w <= 1e6;
}

static pg_err check_opts(const pg_graph_opts *o, pg_error *err)
{
    if (!weight_ok(o->w_links) || !weight_ok(o->w_terms) || !weight_ok(o->w_authors))
        return pg_error_set(err, PG_ERR_USAGE,
                            "graph weights must be between 0 and 1e6");
    if (!isfinite(o->min_sim) || o->min_sim < 0 || o->min_sim > 1)
        return pg_error_set(err, PG_ERR_USAGE,
                            "graph min_sim must be between 0 and 1");
    if (!isfinite(o->resolution) || o->resolution <= 0 || o->resolution > 1e6)
        return pg_error_set(err, PG_ERR_USAGE,
                            "graph resolution must be positive");
    if (o->betweenness < PG_BETWEENNESS_AUTO || o->betweenness > PG_BETWEENNESS_OFF
        || !isfinite(o->betweenness_budget) || o->betweenness_budget < 0)
        return pg_error_set(err, PG_ERR_USAGE, "bad graph betweenness option");
    if (!isfinite(o->weak_min_sim) || o->weak_min_sim <= 0 || o->weak_min_sim > 1)
        return pg_error_set(err, PG_ERR_USAGE,
                            "graph weak_min_sim must be in (0, 1]");
    return PG_OK;
}

typedef struct id_ref {
    const char *id;
    size_t i;
} id_ref;

static int cmp_id_ref(const void *x, const void *y)
{
    const id_ref *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Copies a YYYY-MM-DD day ("" when absent). */
static pg_err copy_day(char dst[11], const char *src, const char *id,
                       pg_error *err)
{
    if (src == NULL)
        src = "";
    size_t len = strlen(src);
    if (len > 10)
        return pg_error_set(err, PG_ERR_USAGE, "paper %s: bad day \"%.20s\"",
                            id, src);
    memcpy(dst, src, len + 1);
    return PG_OK;
}

static pg_err copy_node(pg_graph_node *nd, const pg_graph_paper *p,
                        pg_error *err)
{
    size_t len = strlen(p->id);
    if (len == 0 || len >= PG_ID_HEX)
        return pg_error_set(err, PG_ERR_USAGE, "bad paper id \"%.40s\"", p->id);
    memcpy(nd->id, p->id, len + 1);
    pg_err rc = copy_day(nd->first_day, p->first_day, nd->id, err);
    if (rc == PG_OK)
        rc = copy_day(nd->last_day, p->last_day, nd->id, err);
    if (rc != PG_OK)
        return rc;
    nd->title = strdup(p->title ? p->title : "");
    if (nd->title == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    nd->authors = p->authors < 0 ? -1 : p->authors;
    nd->days = p->days;
    nd->occurrences = p->occurrences;
    nd->n_urls = p->urls ? p->n_urls : 0;
    nd->betweenness = -1;
    nd->x = nd->y = NAN;
    return PG_OK;
}

/* Fills g->nodes in paper id order; order[i] is the input index of node i.
 * Two papers with one id are a caller bug (ids are canonical). */
static pg_err make_nodes(pg_graph *g, const pg_graph_paper *papers, size_t n,
                         size_t *order, pg_error *err)
{
    pg_err rc = PG_OK;
    id_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    g->nodes = calloc(n ? n : 1, sizeof *g->nodes);
    if (refs == NULL || g->nodes == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (papers[i].id == NULL) {
            rc = pg_error_set(err, PG_ERR_USAGE, "paper %zu has no id", i);
            goto out;
        }
        refs[i].id = papers[i].id;
        refs[i].i = i;
    }
    qsort(refs, n, sizeof *refs, cmp_id_ref);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(refs[i - 1].id, refs[i].id) == 0) {
            rc = pg_error_set(err, PG_ERR_USAGE, "duplicate paper id \"%.40s\"",
                              refs[i].id);
            goto out;
        }
        order[i] = refs[i].i;
        rc = copy_node(&g->nodes[i], &papers[refs[i].i], err);
        g->n_nodes = i + 1;     /* so pg_graph_free frees the title */
        if (rc != PG_OK)
            goto out;
    }
out:
    free(refs);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Terms (the pg_terms module)                                        */

/* Builds the TF-IDF model over the papers' texts in node order, so that
 * document i is node i.  The model is kept for the community labels. */
static pg_err term_model(const pg_graph_paper *papers, const size_t *order,
                         size_t n, pg_terms **model, pg_error *err)
{
    if (*model != NULL) {
        /* Added by the caller in array order: the same documents in the
         * same order when node order is array order. */
        size_t i = 0;
        while (i < n && order[i] == i)
            i++;
        if (i == n)
            return pg_terms_finish(*model, err);
        pg_terms_free(*model);
        *model = NULL;
    }
    pg_err rc = pg_terms_new(NULL, model, err);
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        const char *t = papers[order[i]].text;
        rc = pg_terms_add(*model, t ? t : "", t ? strlen(t) : 0, err);
    }
    return rc == PG_OK ? pg_terms_finish(*model, err) : rc;
}

/* Adds the top-k cosine neighbours (symmetric, cosine >= min_sim) as
 * evidence.  With weak links on, the search goes down to weak_min_sim and
 * each paper's best neighbour below min_sim is kept in best[] (best[i].b
 * UINT32_MAX: none) for add_weak_links. */
static pg_err term_evidence(const pg_terms *model, size_t n,
                            const pg_graph_opts *o, ev_vec *ev,
                            pg_sim_edge *best, pg_error *err)
{
    pg_sim_edge *sim = NULL;
    size_t n_sim = 0;
    double floor = o->min_sim;
    if (best != NULL && o->weak_min_sim < floor)
        floor = o->weak_min_sim;
    pg_err rc = pg_terms_topk(model, o->top_k, floor, &sim, &n_sim, err);
    for (size_t i = 0; i < n_sim && rc == PG_OK; i++) {
        uint32_t a = sim[i].a, b = sim[i].b;
        if (a == b || a >= n || b >= n || !(sim[i].sim > 0))
            continue;   /* the contract says never; an edge must be sound */
        if (sim[i].sim < o->min_sim) {
            /* Below min_sim: only a candidate for a weak link of either
             * end; the higher similarity wins, ties to the lower index. */
            uint32_t end[2] = { a, b };
            for (int k = 0; k < 2 && best != NULL; k++) {
                pg_sim_edge *x = &best[end[k]];
                uint32_t other = end[1 - k];
                if (x->b == UINT32_MAX || sim[i].sim > x->sim
                    || (sim[i].sim == x->sim && other < x->b)) {
                    x->b = other;
                    x->sim = sim[i].sim;
                }
            }
            continue;
        }
        evidence e = { a < b ? a : b, a < b ? b : a, 0, sim[i].sim, 0.0 };
        if (pgg_ev_push(ev, &e) != PG_OK)
            rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    free(sim);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Merging evidence into edges                                        */

static int cmp_evidence(const void *x, const void *y)
{
    const evidence *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

/* Both author counts known and within max(1, 10% of the larger). */
static int authors_close(int x, int y)
{
    if (x < 0 || y < 0)
        return 0;
    int d = x > y ? x - y : y - x;
    int big = x > y ? x : y;
    return d <= 1 || 10 * (double)d <= big;
}

/* Turns the merged evidence of one pair into an edge; 0 when it has no
 * positive weight (cannot happen with the checked options, kept as the
 * guarantee that every emitted edge has weight > 0). */
static int finish_edge(pg_graph_edge *e, const pg_graph *g, const pg_graph_opts *o)
{
    e->authors_close = authors_close(g->nodes[e->a].authors, g->nodes[e->b].authors);
    e->weight = o->w_links * e->link_score + o->w_terms * e->term_sim
                + o->w_authors * e->authors_close;
    if (e->link_score > 0 && e->term_sim > 0)
        e->kind = "links+terms";
    else if (e->link_score > 0)
        e->kind = "links";
    else if (e->term_sim > 0)
        e->kind = "terms";
    else
        return 0;
    return isfinite(e->weight) && e->weight > 0;
}

/* Sorts the evidence by pair and sums it into g->edges, ordered (a, b). */
static pg_err merge_edges(pg_graph *g, ev_vec *ev, const pg_graph_opts *o,
                          pg_error *err)
{
    if (ev->n > 0)
        qsort(ev->v, ev->n, sizeof *ev->v, cmp_evidence);
    g->edges = malloc((ev->n ? ev->n : 1) * sizeof *g->edges);
    if (g->edges == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0, j; i < ev->n; i = j) {
        pg_graph_edge e = { ev->v[i].a, ev->v[i].b, 0, 0, 0, 0, 0, NULL };
        for (j = i; j < ev->n && cmp_evidence(&ev->v[i], &ev->v[j]) == 0; j++) {
            e.link_score += ev->v[j].link;
            e.shared_links += (int)ev->v[j].shared;
            if (ev->v[j].term > e.term_sim)
                e.term_sim = ev->v[j].term;
        }
        if (finish_edge(&e, g, o))
            g->edges[m++] = e;
    }
    g->n_edges = m;
    pg_graph_edge *shrunk = realloc(g->edges, (m ? m : 1) * sizeof *shrunk);
    if (shrunk != NULL)
        g->edges = shrunk;
    return PG_OK;
}

static int cmp_edge(const void *x, const void *y)
{
    const pg_graph_edge *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

/* A paper left with no edge keeps one link, of kind "weak", to its best
 * term neighbour when that one is above the noise floor (best[], from
 * term_evidence): so that the papers left alone are those with really
 * nothing in common with the others.  Two such papers that chose each
 * other make one edge.  Keeps the edges in (a, b) order. */
static pg_err add_weak_links(pg_graph *g, const pg_sim_edge *best,
                             const pg_graph_opts *o, pg_error *err)
{
    size_t n = g->n_nodes, extra = 0;
    unsigned char *linked = calloc(n ? n : 1, 1);
    if (linked == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_edges; i++)
        linked[g->edges[i].a] = linked[g->edges[i].b] = 1;
    for (size_t i = 0; i < n; i++)
        extra += !linked[i] && best[i].b != UINT32_MAX;
    pg_graph_edge *v = extra ? realloc(g->edges, (g->n_edges + extra) * sizeof *v) : g->edges;
    if (v == NULL) {
        free(linked);
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    g->edges = v;
    size_t m = g->n_edges;
    for (size_t i = 0; i < n; i++) {
        if (linked[i] || best[i].b == UINT32_MAX)
            continue;
        size_t j = best[i].b;
        pg_graph_edge e = { i < j ? i : j, i < j ? j : i, 0, 0, 0, best[i].sim, 0, "weak" };
        if (linked[j] == 2 && best[j].b == i)
            continue;                   /* j already made this one */
        e.authors_close = authors_close(g->nodes[e.a].authors, g->nodes[e.b].authors);
        e.weight = o->w_terms * e.term_sim + o->w_authors * e.authors_close;
        if (!(isfinite(e.weight) && e.weight > 0))
            continue;
        linked[i] = 2;
        v[m++] = e;
    }
    free(linked);
    g->n_weak = m - g->n_edges;
    if (m > g->n_edges)
        qsort(g->edges, m, sizeof *g->edges, cmp_edge);
    g->n_edges = m;
    return PG_OK;
}

static void degree_strength(pg_graph *g)
{
    for (size_t i = 0; i < g->n_edges; i++) {
        pg_graph_edge *e = &g->edges[i];
        g->nodes[e->a].degree++;
        g->nodes[e->b].degree++;
        g->nodes[e->a].strength += e->weight;
        g->nodes[e->b].strength += e->weight;
    }
}

/* ------------------------------------------------------------------ */
/* Numbering classes (components, communities)                        */

typedef struct class_info {
    size_t size, first, raw;
} class_info;

static int cmp_class(const void *x, const void *y)
{
    const class_info *a = x, *b = y;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

/* Renumbers raw[0..n) (labels 0..k-1) so that class 0 is the largest, ties
 * going to the class with the smallest node index.  Writes the new labels
 * to lab and, when sizes is not NULL, a malloc'd array of class sizes. */
static pg_err renumber(const igraph_vector_int_t *raw, size_t n, size_t k,
                       int *lab, size_t **sizes)
{
    class_info *c = calloc(k ? k : 1, sizeof *c);
    size_t *map = malloc((k ? k : 1) * sizeof *map);
    if (c == NULL || map == NULL) {
        free(c);
        free(map);
        return PG_ERR_NOMEM;
    }
    for (size_t r = 0; r < k; r++)
        c[r].raw = r;
    for (size_t i = n; i-- > 0;) {     /* backwards: first ends smallest */
        size_t r = (size_t)VECTOR(*raw)[i];
        c[r].size++;
        c[r].first = i;
    }
    qsort(c, k, sizeof *c, cmp_class);
    for (size_t i = 0; i < k; i++)
        map[c[i].raw] = i;
    for (size_t i = 0; i < n; i++)
        lab[i] = (int)map[(size_t)VECTOR(*raw)[i]];
    if (sizes != NULL)
        for (size_t i = 0; i < k; i++)
            map[i] = c[i].size;     /* reuse map as the sizes */
    free(c);
    if (sizes != NULL)
        *sizes = map;
    else
        free(map);
    return PG_OK;
}

/* ------------------------------------------------------------------ */
/* Analysis with igraph                                               */

static pg_err ig_fail(pg_error *err, const char *what, igraph_error_t e)
{
    if (e == IGRAPH_ENOMEM)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", what);
    return pg_error_set(err, PG_ERR_GRAPH, "%s failed: %s", what,
                        igraph_strerror(e));
}

pg_err pgg_fr_layout(size_t n, const int64_t *ev, const double *w, size_t m, int iters,
                     uint64_t seed, double *xy, pg_error *err)
{
    igraph_t ig;
    igraph_vector_int_t e;
    igraph_vector_t wv;
    igraph_matrix_t pos;
    pg_err out = PG_OK;
    igraph_error_t rc = igraph_vector_int_init(&e, (igraph_integer_t)(2 * m));
    if (rc != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_int_init", rc);
    for (size_t i = 0; i < 2 * m; i++)
        VECTOR(e)[i] = (igraph_integer_t)ev[i];
    rc = igraph_vector_init(&wv, (igraph_integer_t)m);
    if (rc != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&e);
        return ig_fail(err, "igraph_vector_init", rc);
    }
    for (size_t i = 0; i < m; i++)
        VECTOR(wv)[i] = w[i];
    rc = igraph_matrix_init(&pos, 0, 0);
    if (rc != IGRAPH_SUCCESS) {
        out = ig_fail(err, "igraph_matrix_init", rc);
        goto free_vectors;
    }
    rc = igraph_create(&ig, &e, (igraph_integer_t)n, IGRAPH_UNDIRECTED);
    if (rc == IGRAPH_SUCCESS) {
        rc = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
        if (rc == IGRAPH_SUCCESS)
            rc = igraph_layout_fruchterman_reingold(&ig, &pos, 0, iters,
                                                   sqrt((double)n) / 10.0 + 1,
                                                   IGRAPH_LAYOUT_AUTOGRID,
                                                   m ? &wv : NULL, NULL, NULL,
                                                   NULL, NULL);
        igraph_destroy(&ig);
    }
    if (rc != IGRAPH_SUCCESS) {
        out = ig_fail(err, "igraph_layout_fruchterman_reingold", rc);
    } else {
        for (size_t i = 0; i < n; i++) {
            xy[2 * i] = MATRIX(pos, i, 0);
            xy[2 * i + 1] = MATRIX(pos, i, 1);
        }
    }
    igraph_matrix_destroy(&pos);
free_vectors:
    igraph_vector_destroy(&wv);
    igraph_vector_int_destroy(&e);
    return out;
}

/* The igraph twin of g with its edge weights. */
static pg_err ig_make(const pg_graph *g, igraph_t *ig, igraph_vector_t *w,
                      pg_error *err)
{
    igraph_vector_int_t ev;
    igraph_error_t e = igraph_vector_int_init(&ev, (igraph_integer_t)(2 * g->n_edges));
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_int_init", e);
    for (size_t i = 0; i < g->n_edges; i++) {
        VECTOR(ev)[2 * i] = (igraph_integer_t)g->edges[i].a;
        VECTOR(ev)[2 * i + 1] = (igraph_integer_t)g->edges[i].b;
    }
    e = igraph_create(ig, &ev, (igraph_integer_t)g->n_nodes, IGRAPH_UNDIRECTED);
    igraph_vector_int_destroy(&ev);
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_create", e);
    e = igraph_vector_init(w, (igraph_integer_t)g->n_edges);
    if (e != IGRAPH_SUCCESS) {
        igraph_destroy(ig);
        return ig_fail(err, "igraph_vector_init", e);
    }
    for (size_t i = 0; i < g->n_edges; i++)
        VECTOR(*w)[i] = g->edges[i].weight;
    return PG_OK;
}

static pg_err ig_components(pg_graph *g, const igraph_t *ig, int *lab,
                            pg_error *err)
{
    pg_err rc = PG_OK;
    size_t *sizes = NULL;
    igraph_integer_t k = 0;
    igraph_vector_int_t memb;
    igraph_error_t e = igraph_vector_int_init(&memb, 0);
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_int_init", e);
    e = igraph_connected_components(ig, &memb, NULL, &k, IGRAPH_WEAK);
    if (e != IGRAPH_SUCCESS) {
        rc = ig_fail(err, "igraph_connected_components", e);
        goto out;
    }
    if (renumber(&memb, g->n_nodes, (size_t)k, lab, &sizes) != PG_OK) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        g->nodes[i].component = lab[i];
    g->n_components = (size_t)k;
    g->largest_component = k > 0 ? sizes[0] : 0;
out:
    free(sizes);
    igraph_vector_int_destroy(&memb);
    return rc;
}

/* Leiden with the modularity objective: igraph 0.10.2 has no objective
 * argument, so modularity is CPM with node weights = strength and
 * resolution gamma / (2 m) (shared/DEPS.md).  No edges: every node alone. */
static pg_err ig_leiden(const pg_graph *g, const igraph_t *ig,
                        const igraph_vector_t *w, const pg_graph_opts *o,
                        igraph_vector_int_t *memb, igraph_integer_t *k,
                        pg_error *err)
{
    pg_err rc = PG_OK;
    double total = 0;
    for (size_t i = 0; i < g->n_edges; i++)
        total += g->edges[i].weight;
    if (g->n_edges == 0 || !(total > 0)) {
        for (size_t i = 0; i < g->n_nodes; i++)
            VECTOR(*memb)[i] = (igraph_integer_t)i;
        *k = (igraph_integer_t)g->n_nodes;
        return PG_OK;
    }
    igraph_vector_t nw;
    igraph_real_t quality;
    igraph_error_t e = igraph_vector_init(&nw, (igraph_integer_t)g->n_nodes);
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_init", e);
    for (size_t i = 0; i < g->n_nodes; i++)
        VECTOR(nw)[i] = g->nodes[i].strength;
    e = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)o->seed);
    if (e == IGRAPH_SUCCESS)
        e = igraph_community_leiden(ig, w, &nw, o->resolution / (2 * total),
                                    LEIDEN_BETA, 0, LEIDEN_ITERATIONS, memb, k,
                                    &quality);
    if (e != IGRAPH_SUCCESS)
        rc = ig_fail(err, "igraph_community_leiden", e);
    igraph_vector_destroy(&nw);
    return rc;
}

static pg_err ig_communities(pg_graph *g, const igraph_t *ig,
                             const igraph_vector_t *w, const pg_graph_opts *o,
                             int *lab, pg_error *err)
{
    pg_err rc = PG_OK;
    size_t *sizes = NULL;
    igraph_integer_t k = 0;
    igraph_vector_int_t memb;
    igraph_error_t e = igraph_vector_int_init(&memb, (igraph_integer_t)g->n_nodes);
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_int_init", e);
    rc = ig_leiden(g, ig, w, o, &memb, &k, err);
    if (rc != PG_OK)
        goto out;
    g->modularity = NAN;    /* undefined without edges */
    if (g->n_edges > 0) {
        e = igraph_modularity(ig, &memb, w, 1.0, 0, &g->modularity);
        if (e != IGRAPH_SUCCESS) {
            rc = ig_fail(err, "igraph_modularity", e);
            goto out;
        }
    }
    if (renumber(&memb, g->n_nodes, (size_t)k, lab, &sizes) != PG_OK) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    g->communities = calloc(k ? (size_t)k : 1, sizeof *g->communities);
    if (g->communities == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    g->n_communities = (size_t)k;
    for (size_t i = 0; i < (size_t)k; i++)
        g->communities[i].size = sizes[i];
    while (g->n_groups < g->n_communities
           && g->communities[g->n_groups].size >= PG_GROUP_MIN)
        g->n_groups++;
    for (size_t i = 0; i < g->n_nodes; i++)
        g->nodes[i].community = lab[i];
out:
    free(sizes);
    igraph_vector_int_destroy(&memb);
    return rc;
}

/* Newman's assortativity of the author count over the edges whose two
 * papers have a known count (a graph of only those edges; papers with an
 * unknown count stay isolated there and do not count).  NaN when no such
 * edge exists or all counts are equal. */
static pg_err ig_assortativity(pg_graph *g, pg_error *err)
{
    pg_err rc = PG_OK;
    size_t m = 0;
    igraph_t sub;
    igraph_vector_int_t ev;
    igraph_vector_t val;
    g->assortativity_authors = NAN;
    igraph_error_t e = igraph_vector_int_init(&ev, 0);
    if (e != IGRAPH_SUCCESS)
        return ig_fail(err, "igraph_vector_int_init", e);
    e = igraph_vector_init(&val, (igraph_integer_t)g->n_nodes);
    if (e != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&ev);
        return ig_fail(err, "igraph_vector_init", e);
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        VECTOR(val)[i] = g->nodes[i].authors;
    for (size_t i = 0; i < g->n_edges && e == IGRAPH_SUCCESS; i++) {
        const pg_graph_edge *x = &g->edges[i];
        if (g->nodes[x->a].authors < 0 || g->nodes[x->b].authors < 0)
            continue;
        e = igraph_vector_int_push_back(&ev, (igraph_integer_t)x->a);
        if (e == IGRAPH_SUCCESS)
            e = igraph_vector_int_push_back(&ev, (igraph_integer_t)x->b);
        m++;
    }
    if (e != IGRAPH_SUCCESS) {
        rc = ig_fail(err, "igraph_vector_int_push_back", e);
        goto out;
    }
    if (m == 0)
        goto out;
    e = igraph_create(&sub, &ev, (igraph_integer_t)g->n_nodes, IGRAPH_UNDIRECTED);
    if (e != IGRAPH_SUCCESS) {
        rc = ig_fail(err, "igraph_create", e);
        goto out;
    }
    e = igraph_assortativity(&sub, &val, NULL, &g->assortativity_authors, 0, 1);
    igraph_destroy(&sub);
    if (e != IGRAPH_SUCCESS)
        rc = ig_fail(err, "igraph_assortativity", e);
    if (!isfinite(g->assortativity_authors))
        g->assortativity_authors = NAN;
out:
    igraph_vector_destroy(&val);
    igraph_vector_int_destroy(&ev);
    return rc;
}

/* Scales the layout into [0,1] x [0,1] with one factor for both axes (the
 * picture keeps its proportions) and centres it. */
static void normalise_layout(pg_graph *g)
{
    double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
    for (size_t i = 0; i < g->n_nodes; i++) {
        double v[2] = { g->nodes[i].x, g->nodes[i].y };
        for (int d = 0; d < 2; d++) {
            lo[d] = v[d] < lo[d] ? v[d] : lo[d];
            hi[d] = v[d] > hi[d] ? v[d] : hi[d];
        }
    }
    double span = fmax(hi[0] - lo[0], hi[1] - lo[1]);
    for (size_t i = 0; i < g->n_nodes; i++) {
        double x = g->nodes[i].x, y = g->nodes[i].y;
        g->nodes[i].x = span > 0 ? 0.5 + (x - (lo[0] + hi[0]) / 2) / span : 0.5;
        g->nodes[i].y = span > 0 ? 0.5 + (y - (lo[1] + hi[1]) / 2) / span : 0.5;
    }
}

/* Runs every igraph step on g (n > 0).  lab is scratch for n labels. */
static pg_err ig_steps(pg_graph *g, const igraph_t *ig, const igraph_vector_t *w,
                       const pg_graph_opts *o, int *lab, pg_error *err)
{
    pg_err rc = ig_components(g, ig, lab, err);
    if (rc == PG_OK)
        rc = ig_communities(g, ig, w, o, lab, err);
    if (rc == PG_OK)
        rc = pgg_pagerank(g, PAGERANK_DAMPING, err);
    if (rc == PG_OK)
        rc = ig_assortativity(g, err);
    if (rc == PG_OK && o->layout && (rc = pgg_layout(g, o->seed, err)) == PG_OK)
        normalise_layout(g);
    return rc;
}

static pg_err analyse(pg_graph *g, const pg_graph_opts *o, pg_error *err)
{
    pg_err rc = PG_OK;
    igraph_t ig;
    igraph_vector_t w;
    int have_ig = 0;
    int *lab = malloc(g->n_nodes * sizeof *lab);
    igraph_error_handler_t *old_error =
        igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_warning_handler_t *old_warning =
        igraph_set_warning_handler(igraph_warning_handler_ignore);
    if (lab == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = ig_make(g, &ig, &w, err);
    if (rc != PG_OK)
        goto out;
    have_ig = 1;
    rc = ig_steps(g, &ig, &w, o, lab, err);
out:
    if (have_ig) {
        igraph_vector_destroy(&w);
        igraph_destroy(&ig);
    }
    igraph_set_warning_handler(old_warning);
    igraph_set_error_handler(old_error);
    free(lab);
    return rc;
}

/* ------------------------------------------------------------------ */

pg_err pg_graph_build(const pg_graph_paper *papers, size_t n,
                      const pg_graph_opts *o, pg_graph **out, pg_error *err)
{
    return pgg_graph_build(papers, n, o, NULL, out, err);
}

pg_err pgg_graph_build(const pg_graph_paper *papers, size_t n,
                       const pg_graph_opts *o, pg_terms *added,
                       pg_graph **out, pg_error *err)
{
    pg_err rc = PG_OK;
    pg_graph_opts defaults;
    pg_graph *g = NULL;
    size_t *order = NULL;
    ev_vec ev = { NULL, 0, 0 };
    pg_terms *model = added;
    pg_sim_edge *best = NULL;
    if (out == NULL || (papers == NULL && n > 0)) {
        rc = pg_error_set(err, PG_ERR_USAGE, "pg_graph_build: NULL argument");
        goto out;
    }
    *out = NULL;
    if (n > (size_t)INT32_MAX) {
        rc = pg_error_set(err, PG_ERR_USAGE, "too many papers: %zu", n);
        goto out;
    }
    if (o == NULL) {
        pg_graph_opts_default(&defaults);
        o = &defaults;
    }
    rc = check_opts(o, err);
    if (rc != PG_OK)
        goto out;
    g = calloc(1, sizeof *g);
    order = malloc((n ? n : 1) * sizeof *order);
    if (g == NULL || order == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    g->modularity = NAN;
    g->assortativity_authors = NAN;
    rc = make_nodes(g, papers, n, order, err);
    if (rc == PG_OK && o->w_links > 0)
        rc = pgg_link_evidence(papers, order, n, &ev, err);
    if (rc == PG_OK)
        rc = term_model(papers, order, n, &model, err);
    if (rc == PG_OK && o->w_terms > 0 && o->top_k > 0) {
        if (o->weak_links && (best = malloc((n ? n : 1) * sizeof *best)) == NULL)
            rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; best != NULL && i < n; i++)
            best[i].b = UINT32_MAX;
        if (rc == PG_OK)
            rc = term_evidence(model, n, o, &ev, best, err);
    }
    if (rc == PG_OK)
        rc = merge_edges(g, &ev, o, err);
    if (rc == PG_OK && best != NULL)
        rc = add_weak_links(g, best, o, err);
    if (rc == PG_OK)
        rc = pgg_node_labels(g, err);
    if (rc != PG_OK || n == 0)
        goto out;
    degree_strength(g);
    /* Betweenness needs the edges only: it runs beside the rest. */
    pgg_background bg;
    pgg_betweenness_start(&bg, g, o);
    rc = analyse(g, o, err);
    if (rc == PG_OK) {
        pgg_community_tops(g);
        rc = pgg_community_labels(g, model, err);
    }
    pg_err brc = pgg_betweenness_join(&bg, rc == PG_OK ? err : NULL);
    if (rc == PG_OK)
        rc = brc;
out:
    pg_terms_free(model);
    free(best);
    free(ev.v);
    free(order);
    if (rc != PG_OK)
        pg_graph_free(g);
    else
        *out = g;
    return rc;
}
