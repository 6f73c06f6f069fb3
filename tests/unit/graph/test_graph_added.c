/*
** test_graph_added.c: unit tests of pgg_graph_build given a term model its
** caller filled while reading (as pg_papers_graph does): the graph must be
** the one pg_graph_build makes, whether the papers came in node order (the
** model is used) or not (it is dropped and rebuilt), and a model handed
** over is freed on every path.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/internal.h"
#include "check.h"

#define N 12

static const char *topic[3] = {
    "spiking neural networks on neuromorphic hardware with sparse spike coding",
    "protein structure prediction with amino acid language models",
    "retrieval augmented generation for question answering over documents",
};

typedef struct pset {
    pg_graph_paper p[N];
    char id[N][17], title[N][32], text[N][200];
} pset;

/* Papers of three topics, in id order when backwards is 0. */
static void make(pset *s, int backwards)
{
    memset(s, 0, sizeof *s);
    for (int k = 0; k < N; k++) {
        int i = backwards ? N - 1 - k : k;
        snprintf(s->id[k], sizeof s->id[k], "%016x", 0x2000 + i);
        snprintf(s->title[k], sizeof s->title[k], "paper %d", i);
        snprintf(s->text[k], sizeof s->text[k], "%s, variant %d of study %d",
                 topic[i % 3], i, i % 5);
        s->p[k] = (pg_graph_paper){ .id = s->id[k], .title = s->title[k],
                                    .text = s->text[k], .authors = 2, .days = 1,
                                    .occurrences = 1, .first_day = "2025-06-01",
                                    .last_day = "2025-06-02" };
    }
}

/* The texts added in array order, then pgg_graph_build; NULL on error. */
static pg_graph *build_added(const pset *s, size_t n, const pg_graph_opts *o)
{
    pg_graph *g = NULL;
    pg_terms *t = NULL;
    pg_error err = { PG_OK, "" };
    pg_err rc = pg_terms_new(NULL, &t, &err);
    for (size_t i = 0; i < n && rc == PG_OK; i++)
        rc = pg_terms_add(t, s->p[i].text, strlen(s->p[i].text), &err);
    if (rc == PG_OK)
        rc = pgg_graph_build(s->p, n, o, t, &g, &err);
    else
        pg_terms_free(t);
    if (rc != PG_OK)
        fprintf(stderr, "pgg_graph_build: %s\n", err.msg);
    return rc == PG_OK ? g : NULL;
}

/* Same nodes, edges and numbers, bit for bit. */
static void check_same(const pg_graph *a, const pg_graph *b)
{
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL)
        return;
    CHECK_INT(a->n_nodes, b->n_nodes);
    CHECK_INT(a->n_edges, b->n_edges);
    CHECK_INT(a->n_communities, b->n_communities);
    for (size_t i = 0; i < a->n_nodes && i < b->n_nodes; i++) {
        CHECK(strcmp(a->nodes[i].id, b->nodes[i].id) == 0);
        CHECK(a->nodes[i].pagerank == b->nodes[i].pagerank);
        CHECK(a->nodes[i].betweenness == b->nodes[i].betweenness);
        CHECK_INT(a->nodes[i].community, b->nodes[i].community);
    }
    for (size_t i = 0; i < a->n_edges && i < b->n_edges; i++) {
        CHECK_INT(a->edges[i].a, b->edges[i].a);
        CHECK_INT(a->edges[i].b, b->edges[i].b);
        CHECK(a->edges[i].term_sim == b->edges[i].term_sim);
        CHECK(a->edges[i].weight == b->edges[i].weight);
    }
}

static void test_same_graph(void)
{
    static pset in_order, backwards;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    make(&in_order, 0);
    make(&backwards, 1);
    pg_graph *plain = NULL;
    pg_error err = { PG_OK, "" };
    CHECK_INT(pg_graph_build(in_order.p, N, &o, &plain, &err), PG_OK);
    CHECK(plain != NULL && plain->n_edges > 0);
    pg_graph *used = build_added(&in_order, N, &o);
    pg_graph *rebuilt = build_added(&backwards, N, &o);
    check_same(plain, used);
    check_same(plain, rebuilt);
    pg_graph_free(plain);
    pg_graph_free(used);
    pg_graph_free(rebuilt);
}

/* A model handed over with a failing call is freed (the sanitizer build
 * finds a leak otherwise), and the error is the call's. */
static void test_errors_free_model(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    make(&s, 0);
    s.p[1].id = s.p[0].id;              /* a repeated id */
    pg_graph *g = build_added(&s, N, &o);
    CHECK(g == NULL);
    make(&s, 0);
    o.min_sim = NAN;                    /* an option out of range */
    g = build_added(&s, N, &o);
    CHECK(g == NULL);
    pg_graph_free(g);
}

int main(void)
{
    test_same_graph();
    test_errors_free_model();
    CHECK_DONE();
}
