/*
** test_graph.c: unit tests of the paper graph (graph.c, graph_export.c).
**
** Small hand-made paper sets, each built for one behaviour: link evidence
** (exact URL, GitHub owner, host, over-common keys), author counts, term
** groups and communities, PageRank, betweenness modes, layout, numbering
** and order, determinism, and GraphML/CSV that survive hostile titles.
** GraphML is checked for well-formedness with xmllint when it is installed.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "papergraph/graph.h"
#include "check.h"

#define MAXP 256

/* A paper set under construction; strings are static or owned by set. */
typedef struct pset {
    pg_graph_paper p[MAXP];
    char id[MAXP][17];
    const char *urls[MAXP][4];
    char text[MAXP][200];
    size_t n;
} pset;

static pg_graph_paper *add(pset *s, const char *title, const char *text,
                           int authors)
{
    size_t i = s->n++;
    pg_graph_paper *p = &s->p[i];
    snprintf(s->id[i], sizeof s->id[i], "%016zx", 0x1000 + i);
    snprintf(s->text[i], sizeof s->text[i], "%s", text ? text : "");
    memset(p, 0, sizeof *p);
    p->id = s->id[i];
    p->title = title;
    p->text = s->text[i];
    p->authors = authors;
    p->days = 1;
    p->occurrences = 1;
    p->first_day = "2025-05-28";
    p->last_day = "2025-06-02";
    p->urls = s->urls[i];
    return p;
}

static void url(pset *s, pg_graph_paper *p, const char *u)
{
    size_t i = (size_t)(p - s->p);
    s->urls[i][p->n_urls++] = u;
}

static pg_graph *build(const pset *s, const pg_graph_opts *o)
{
    pg_graph *g = NULL;
    pg_error err = { PG_OK, "" };
    pg_err rc = pg_graph_build(s->p, s->n, o, &g, &err);
    if (rc != PG_OK)
        fprintf(stderr, "pg_graph_build: %s\n", err.msg);
    return g;
}

static size_t node_of(const pg_graph *g, const char *id)
{
    for (size_t i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

static const pg_graph_edge *edge_of(const pg_graph *g, const char *x,
                                    const char *y)
{
    size_t a = node_of(g, x), b = node_of(g, y);
    for (size_t i = 0; i < g->n_edges; i++)
        if ((g->edges[i].a == a && g->edges[i].b == b) ||
            (g->edges[i].a == b && g->edges[i].b == a))
            return &g->edges[i];
    return NULL;
}

static char *graphml_of(const pg_graph *g, size_t *len)
{
    char *data = NULL;
    FILE *f = open_memstream(&data, len);
    pg_error err = { PG_OK, "" };
    CHECK(f != NULL);
    if (f == NULL)
        return NULL;
    CHECK_INT(pg_graph_write_graphml(g, f, &err), PG_OK);
    fclose(f);
    return data;
}

static int starts_with(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int have_xmllint(void)
{
    return system("command -v xmllint >/dev/null 2>&1") == 0;
}

/* Writes the GraphML of g to a file, checks that it is complete and, when
 * xmllint is there, well-formed. */
static void check_graphml_file(const pg_graph *g, const char *tag)
{
    char path[] = "/tmp/test_graph_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    pg_error err = { PG_OK, "" };
    CHECK_INT(pg_graph_write_graphml(g, f, &err), PG_OK);
    fclose(f);
    f = fopen(path, "rb");
    char tail[32] = "";
    if (f && fseek(f, -11, SEEK_END) == 0 && fread(tail, 1, 11, f) == 11)
        tail[11] = '\0';
    if (f)
        fclose(f);
    CHECK_STR(tail, "</graphml>\n");
    if (have_xmllint()) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
        int st = system(cmd);
        if (st != 0)
            fprintf(stderr, "%s: xmllint rejected the GraphML\n", tag);
        CHECK_INT(st, 0);
    } else {
        fprintf(stderr, "%s: xmllint not installed, well-formedness not checked\n",
                tag);
    }
    remove(path);
}

static void check_invariants(const pg_graph *g, const pg_graph_opts *o)
{
    double sum = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        sum += g->nodes[i].pagerank;
        if (i > 0)
            CHECK(strcmp(g->nodes[i - 1].id, g->nodes[i].id) < 0);
    }
    if (g->n_nodes > 0)
        CHECK(fabs(sum - 1.0) <= 1e-9);
    for (size_t i = 0; i < g->n_edges; i++) {
        const pg_graph_edge *e = &g->edges[i];
        CHECK(e->a < e->b);
        CHECK(e->b < g->n_nodes);
        CHECK(e->weight > 0);
        CHECK(fabs(e->weight - (o->w_links * e->link_score + o->w_terms * e->term_sim
                                + o->w_authors * e->authors_close)) < 1e-12);
        if (i > 0)
            CHECK(g->edges[i - 1].a < e->a ||
                  (g->edges[i - 1].a == e->a && g->edges[i - 1].b < e->b));
    }
    for (size_t c = 1; c < g->n_communities; c++)
        CHECK(g->communities[c - 1].size >= g->communities[c].size);
}

/* Two papers naming one repository are linked; a third sharing nothing is
 * present and isolated. */
static void test_shared_repo(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    url(&s, add(&s, "Alpha", "quantum annealing schedules", 5),
        "https://github.com/acme/widget");
    url(&s, add(&s, "Beta", "retinal imaging of birds", 7),
        "https://github.com/acme/widget");
    add(&s, "Gamma", "medieval tax records", 3);
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    CHECK_INT(g->n_nodes, 3);
    CHECK_INT(g->n_edges, 1);
    const pg_graph_edge *e = edge_of(g, s.id[0], s.id[1]);
    CHECK(e != NULL);
    if (e) {
        CHECK_INT(e->shared_links, 1);
        CHECK_STR(e->kind, "links");
        CHECK(e->link_score > 0);
        CHECK(e->term_sim == 0);
    }
    size_t iso = node_of(g, s.id[2]);
    CHECK(iso < 3);
    if (iso < 3) {
        CHECK_INT(g->nodes[iso].degree, 0);
        CHECK(g->nodes[iso].strength == 0);
        CHECK(g->nodes[iso].pagerank > 0);
        CHECK_INT(g->nodes[iso].component, 1);  /* after the pair */
    }
    CHECK_INT(g->n_components, 2);
    CHECK_INT(g->largest_component, 2);
    CHECK_INT(g->n_communities, 2);
    check_invariants(g, &o);
    pg_graph_free(g);
}

/* A URL that very many papers cite makes no clique, nor does a platform
 * host (arxiv.org) or a big GitHub owner. */
static void test_no_clique(void)
{
    static pset s;
    static char own[200][64];
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < 200; i++) {
        pg_graph_paper *p = add(&s, "Paper", "", -1);
        snprintf(own[i], sizeof own[i], "https://arxiv.org/abs/2505.%05zu", i);
        url(&s, p, "https://github.com/huggingface/transformers");
        url(&s, p, own[i]);
    }
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    CHECK_INT(g->n_nodes, 200);
    CHECK_INT(g->n_edges, 0);
    CHECK_INT(g->n_components, 200);
    check_invariants(g, &o);
    pg_graph_free(g);
}

/* Exact repository > same GitHub owner (also OWNER.github.io) and same
 * project host, which still link. */
static void test_link_strength(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    url(&s, add(&s, "A", "", -1), "https://github.com/lab/proj");
    url(&s, add(&s, "B", "", -1), "https://github.com/lab/proj");
    url(&s, add(&s, "C", "", -1), "https://github.com/lab2/x");
    url(&s, add(&s, "D", "", -1), "https://github.com/lab2/y");
    url(&s, add(&s, "E", "", -1), "https://lab3.github.io/page");
    url(&s, add(&s, "F", "", -1), "https://github.com/lab3/code");
    url(&s, add(&s, "G", "", -1), "https://vision.example.edu/projects/a");
    url(&s, add(&s, "H", "", -1), "https://vision.example.edu/projects/b");
    for (int i = 0; i < 12; i++)    /* a larger N, rarer keys */
        add(&s, "filler", "", -1);
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    const pg_graph_edge *ab = edge_of(g, s.id[0], s.id[1]);
    const pg_graph_edge *cd = edge_of(g, s.id[2], s.id[3]);
    const pg_graph_edge *ef = edge_of(g, s.id[4], s.id[5]);
    const pg_graph_edge *gh = edge_of(g, s.id[6], s.id[7]);
    CHECK(ab && cd && ef && gh);
    CHECK_INT(g->n_edges, 4);
    if (ab && cd && ef && gh) {
        CHECK_INT(ab->shared_links, 1);
        CHECK_INT(cd->shared_links, 0);
        CHECK_INT(ef->shared_links, 0);
        CHECK_INT(gh->shared_links, 0);
        CHECK(cd->link_score > 0);
        CHECK(ab->link_score > cd->link_score);
        CHECK(fabs(cd->link_score - ef->link_score) < 1e-12);
        CHECK(fabs(cd->link_score - gh->link_score) < 1e-12);
        CHECK_STR(cd->kind, "links");
    }
    check_invariants(g, &o);
    pg_graph_free(g);
}

/* Author counts alone make no edge; on an existing edge they set
 * authors_close (known and within max(1, 10%)) and add w_authors. */
static void test_authors(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    add(&s, "P", "", 5);
    add(&s, "Q", "", 5);
    url(&s, add(&s, "R", "", 10), "https://github.com/r/s");
    url(&s, add(&s, "S", "", 11), "https://github.com/r/s");
    url(&s, add(&s, "T", "", 3), "https://github.com/t/u");
    url(&s, add(&s, "U", "", 9), "https://github.com/t/u");
    url(&s, add(&s, "V", "", -1), "https://github.com/v/w");
    url(&s, add(&s, "W", "", -1), "https://github.com/v/w");
    url(&s, add(&s, "X", "", 40), "https://github.com/x/y");
    url(&s, add(&s, "Y", "", 44), "https://github.com/x/y");
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    CHECK(edge_of(g, s.id[0], s.id[1]) == NULL);
    CHECK_INT(g->nodes[node_of(g, s.id[0])].degree, 0);
    const pg_graph_edge *rs = edge_of(g, s.id[2], s.id[3]);
    const pg_graph_edge *tu = edge_of(g, s.id[4], s.id[5]);
    const pg_graph_edge *vw = edge_of(g, s.id[6], s.id[7]);
    const pg_graph_edge *xy = edge_of(g, s.id[8], s.id[9]);
    CHECK(rs && tu && vw && xy);
    if (rs && tu && vw && xy) {
        CHECK_INT(rs->authors_close, 1);
        CHECK_INT(tu->authors_close, 0);
        CHECK_INT(vw->authors_close, 0);
        CHECK_INT(xy->authors_close, 1);        /* 4 <= 10% of 44 */
        CHECK(fabs(rs->weight - tu->weight - o.w_authors) < 1e-12);
    }
    CHECK_INT(g->n_edges, 4);
    CHECK(!isnan(g->assortativity_authors));
    check_invariants(g, &o);
    pg_graph_free(g);
}

static const char *const topic_a[] = {
    "protein folding molecular dynamics simulation energy landscape",
    "protein folding kinetics molecular dynamics force field",
    "molecular dynamics simulation protein conformations folding",
    "energy landscape protein folding simulation free energy",
    "force field molecular dynamics protein simulation accuracy",
    "protein conformations folding kinetics energy landscape",
    "molecular dynamics protein folding free energy force field",
    "simulation protein folding molecular kinetics conformations",
};
static const char *const topic_b[] = {
    "galaxy cluster dark matter halo cosmology survey",
    "dark matter halo galaxy lensing cosmology",
    "cosmology survey galaxy cluster redshift lensing",
    "galaxy redshift survey dark matter cosmology halo",
    "lensing galaxy cluster dark matter redshift",
    "dark matter cosmology galaxy halo survey lensing",
    "redshift galaxy cluster cosmology halo dark matter",
    "galaxy cluster lensing survey dark matter redshift",
};
static const char *const loners[] = {
    "medieval tax records", "tidal pools ecology", "violin varnish chemistry",
    "railway timetable scheduling",
};

static void add_topics(pset *s)
{
    for (size_t i = 0; i < 8; i++) {
        add(s, "protein paper", topic_a[i], 4);
        add(s, "galaxy paper", topic_b[i], 6);
    }
    for (size_t i = 0; i < 4; i++)
        add(s, "loner", loners[i], 2);
}

static int label_has(const char *label, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (label && strstr(label, words[i]))
            return 1;
    return 0;
}

/* Two dense topic groups (linked by terms only) are two communities,
 * labelled with their own words; loners are their own communities. */
static void test_communities(void)
{
    static pset s;
    static const char *const words_a[] = { "protein", "fold", "molecular",
                                           "dynamic", "simulat", "energ" };
    static const char *const words_b[] = { "galax", "dark", "cosmolog", "halo",
                                           "lensing", "redshift", "survey" };
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    add_topics(&s);
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    CHECK(g->n_edges > 8);
    int ca = g->nodes[node_of(g, s.id[0])].community;
    int cb = g->nodes[node_of(g, s.id[1])].community;
    CHECK(ca != cb);
    for (size_t i = 0; i < 16; i++) {
        const pg_graph_node *nd = &g->nodes[node_of(g, s.id[i])];
        CHECK_INT(nd->community, i % 2 ? cb : ca);
        CHECK(nd->degree > 0);
    }
    for (size_t i = 0; i < g->n_edges; i++) {
        CHECK_STR(g->edges[i].kind, "terms");
        CHECK(g->edges[i].term_sim >= o.min_sim);
        CHECK_INT(g->nodes[g->edges[i].a].community,
                  g->nodes[g->edges[i].b].community);
    }
    CHECK_INT(g->n_communities, 2 + 4);
    CHECK(ca <= 1 && cb <= 1);
    if (ca >= 0 && cb >= 0 && (size_t)ca < g->n_communities
        && (size_t)cb < g->n_communities) {
        const pg_graph_community *a = &g->communities[ca];
        const pg_graph_community *b = &g->communities[cb];
        CHECK_INT(a->size, 8);
        CHECK_INT(b->size, 8);
        CHECK(label_has(a->label, words_a, 6));
        CHECK(label_has(b->label, words_b, 7));
        CHECK(!label_has(a->label, words_b, 7));
        CHECK_INT(a->n_top, 5);
        for (size_t t = 1; t < a->n_top; t++)
            CHECK(g->nodes[a->top[t - 1]].pagerank >= g->nodes[a->top[t]].pagerank);
        for (size_t i = 0; i < g->n_nodes; i++)
            if (g->nodes[i].community == ca)
                CHECK(g->nodes[i].pagerank <= g->nodes[a->top[0]].pagerank);
    }
    CHECK(g->modularity > 0.3);
    CHECK(g->betweenness_sampled == 0);
    check_invariants(g, &o);
    pg_graph_free(g);
}

/* A path a - b - c: b lies on the one a-c path.  Exact, sampled and
 * skipped modes (pg_graph_opts.betweenness and its budget). */
static void test_betweenness(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    url(&s, add(&s, "a", "", -1), "https://github.com/p/one");
    pg_graph_paper *b = add(&s, "b", "", -1);
    url(&s, b, "https://github.com/p/one");
    url(&s, b, "https://github.com/q/two");
    url(&s, add(&s, "c", "", -1), "https://github.com/q/two");
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->betweenness_sampled, 0);
        CHECK(fabs(g->nodes[node_of(g, s.id[1])].betweenness - 1.0) < 1e-12);
        CHECK(g->nodes[node_of(g, s.id[0])].betweenness == 0);
        pg_graph_free(g);
    }
    o.betweenness = PG_BETWEENNESS_OFF;
    g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->betweenness_sampled, -1);
        CHECK(g->nodes[0].betweenness == -1);
        size_t len = 0;
        char *xml = graphml_of(g, &len);
        CHECK(xml && strstr(xml, "\"betweenness\"") == NULL);
        free(xml);
        pg_graph_free(g);
    }
    memset(&s, 0, sizeof s);
    add_topics(&s);
    o.betweenness = PG_BETWEENNESS_EXACT;
    pg_graph *exact = build(&s, &o);
    o.betweenness = PG_BETWEENNESS_AUTO;
    o.betweenness_budget = 1;   /* one source's worth at most: sampled */
    g = build(&s, &o);
    CHECK(g != NULL && exact != NULL);
    if (g && exact) {
        CHECK_INT(exact->betweenness_sampled, 0);
        CHECK_INT(exact->betweenness_sources, exact->n_nodes);
        CHECK_INT(g->betweenness_sampled, 1);
        CHECK_INT(g->betweenness_sources, 1);
        double sum = 0;
        for (size_t i = 0; i < g->n_nodes; i++) {
            CHECK(g->nodes[i].betweenness >= 0);
            sum += exact->nodes[i].betweenness;
        }
        CHECK(sum > 0);
    }
    pg_graph_free(g);
    /* Sampling every source is the exact computation: a sample's
     * dependencies are linearly scaled, and the two ends of every pair
     * split its one between them. */
    o.betweenness = PG_BETWEENNESS_SAMPLED;
    o.betweenness_budget = 1e12;
    g = build(&s, &o);
    CHECK(g != NULL);
    if (g && exact) {
        CHECK_INT(g->betweenness_sources, g->n_nodes);
        for (size_t i = 0; i < g->n_nodes; i++)
            CHECK(fabs(g->nodes[i].betweenness - exact->nodes[i].betweenness) < 1e-9);
    }
    pg_graph_free(g);
    pg_graph_free(exact);
}

/* Brandes against values worked out by hand: a path a-b-c-d-e (b: 3 pairs
 * through it, c: 4, d: 3) and a square a-b-c-d (two shortest a-c paths:
 * b and d carry half each of a-c, so 0.5). */
static void test_betweenness_values(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    const char *names[] = { "a", "b", "c", "d", "e" };
    pg_graph_paper *p[5];
    for (int i = 0; i < 5; i++)
        p[i] = add(&s, names[i], "", -1);
    static char u[8][64];     /* the papers keep pointers to them */
    for (int i = 0; i < 4; i++) {
        snprintf(u[i], sizeof u[i], "https://github.com/o%d/r", i);
        url(&s, p[i], u[i]);
        url(&s, p[i + 1], u[i]);
    }
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        const double want[] = { 0, 3, 4, 3, 0 };
        CHECK_INT(g->n_edges, 4);
        for (int i = 0; i < 5; i++)
            CHECK(fabs(g->nodes[node_of(g, s.id[i])].betweenness - want[i]) < 1e-12);
        pg_graph_free(g);
    }
    memset(&s, 0, sizeof s);
    for (int i = 0; i < 4; i++)
        p[i] = add(&s, names[i], "", -1);
    for (int i = 0; i < 4; i++) {
        snprintf(u[4 + i], sizeof u[4 + i], "https://github.com/s%d/r", i);
        url(&s, p[i], u[4 + i]);
        url(&s, p[(i + 1) % 4], u[4 + i]);
    }
    g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->n_edges, 4);
        for (int i = 0; i < 4; i++)
            CHECK(fabs(g->nodes[i].betweenness - 0.5) < 1e-12);
        pg_graph_free(g);
    }
}

/* Input order does not matter: nodes by id, edges by (a, b), layout in the
 * unit square, and two builds give the same GraphML bytes. */
static void test_determinism(void)
{
    static pset s, r;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    o.layout = 1;
    memset(&s, 0, sizeof s);
    add_topics(&s);
    url(&s, &s.p[0], "https://github.com/lab/proj");
    url(&s, &s.p[1], "https://github.com/lab/proj");
    r = s;                      /* the same papers backwards */
    for (size_t i = 0; i < s.n; i++) {
        r.p[i] = s.p[s.n - 1 - i];
    }
    pg_graph *g1 = build(&s, &o), *g2 = build(&s, &o), *g3 = build(&r, &o);
    CHECK(g1 && g2 && g3);
    if (g1 && g2 && g3) {
        size_t l1 = 0, l2 = 0, l3 = 0;
        char *x1 = graphml_of(g1, &l1), *x2 = graphml_of(g2, &l2);
        char *x3 = graphml_of(g3, &l3);
        CHECK(x1 && x2 && x3 && l1 > 0);
        CHECK(l1 == l2 && x1 && x2 && memcmp(x1, x2, l1) == 0);
        CHECK(l1 == l3 && x1 && x3 && memcmp(x1, x3, l1) == 0);
        CHECK(x1 && strstr(x1, "attr.name=\"x\" attr.type=\"double\""));
        for (size_t i = 0; i < g1->n_nodes; i++) {
            CHECK(g1->nodes[i].x >= 0 && g1->nodes[i].x <= 1);
            CHECK(g1->nodes[i].y >= 0 && g1->nodes[i].y <= 1);
        }
        const pg_graph_edge *e = edge_of(g1, s.id[0], s.id[1]);
        CHECK(e && strcmp(e->kind, "links") == 0);
        check_invariants(g1, &o);
        free(x1);
        free(x2);
        free(x3);
    }
    pg_graph_free(g1);
    pg_graph_free(g2);
    pg_graph_free(g3);
}

/* Above 1,000 nodes igraph lays out on a grid; components must still stay
 * together: a mesh of 600 linked papers and 500 isolated ones, and the
 * mesh must not shrink to a dot in the unit square. */
static void test_big_layout(void)
{
    enum { MESH = 600, ALONE = 500, N = MESH + ALONE };
    pg_graph_paper *p = calloc(N, sizeof *p);
    char (*ids)[17] = calloc(N, sizeof *ids);
    char (*urls)[3][48] = calloc(N, sizeof *urls);
    const char *(*ptrs)[3] = calloc(N, sizeof *ptrs);
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    o.layout = 1;
    CHECK(p && ids && urls && ptrs);
    for (size_t i = 0; p && ids && urls && ptrs && i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "%016zx", 0x5000 + i);
        p[i].id = ids[i];
        p[i].title = "t";
        p[i].authors = -1;
        if (i >= MESH)
            continue;
        /* a chain (page i+1 shared with the next paper) and groups of 7 */
        snprintf(urls[i][0], sizeof urls[i][0], "https://a.example/%zu", i);
        snprintf(urls[i][1], sizeof urls[i][1], "https://a.example/%zu", i + 1);
        snprintf(urls[i][2], sizeof urls[i][2], "https://b.example/%zu", i / 7);
        for (size_t k = 0; k < 3; k++)
            ptrs[i][k] = urls[i][k];
        p[i].urls = ptrs[i];
        p[i].n_urls = 3;
    }
    pg_graph *g = NULL;
    pg_error err = { PG_OK, "" };
    if (p && ids && urls && ptrs)
        CHECK_INT(pg_graph_build(p, N, &o, &g, &err), PG_OK);
    if (g != NULL) {
        double lo = 1, hi = 0;
        for (size_t i = 0; i < N; i++) {
            CHECK(g->nodes[i].x >= 0 && g->nodes[i].x <= 1);
            CHECK(g->nodes[i].y >= 0 && g->nodes[i].y <= 1);
            if (g->nodes[i].degree > 0) {
                lo = fmin(lo, g->nodes[i].x);
                hi = fmax(hi, g->nodes[i].x);
            }
        }
        CHECK_INT(g->largest_component, MESH);
        CHECK_INT(g->n_components, 1 + ALONE);
        fprintf(stderr, "big layout: linked papers span %.2f of the width\n",
                hi - lo);
        CHECK(hi - lo > 0.45);     /* about 0.28 when components drift */
        pg_graph_free(g);
    }
    free(p);
    free(ids);
    free(urls);
    free(ptrs);
}

/* Titles with control characters, invalid UTF-8, markup and "]]>" still
 * give complete, well-formed GraphML and sound CSV. */
static void test_hostile(void)
{
    static pset s;
    static const char *const titles[] = {
        "ctl \x01 and \x0b vt", "bad \xff\xfe utf8 \xc3", "<tag> & \"quoted\" 'apos'",
        "cdata ]]> end", "new\nline, comma", "\x7f\xc2\x80 c1",
    };
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    o.layout = 1;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < 6; i++) {
        pg_graph_paper *p = add(&s, titles[i], titles[i], (int)i);
        url(&s, p, i % 2 ? "https://github.com/evil/<repo>" : "https://x.org/\x01&");
    }
    s.p[0].first_day = "<&>";
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    size_t len = 0;
    char *xml = graphml_of(g, &len);
    CHECK(xml != NULL);
    if (xml) {
        CHECK(strchr(xml, '\x01') == NULL);
        CHECK(strchr(xml, '\x0b') == NULL);
        CHECK(strstr(xml, "\xff") == NULL);
        CHECK(strstr(xml, "&lt;tag&gt; &amp; &quot;quoted&quot; &apos;apos&apos;"));
        CHECK(strstr(xml, "]]&gt;"));
        CHECK(len > 11 && strcmp(xml + len - 11, "</graphml>\n") == 0);
    }
    free(xml);
    check_graphml_file(g, "hostile");

    char *nodes = NULL, *edges = NULL;
    size_t nl = 0, el = 0;
    FILE *fn = open_memstream(&nodes, &nl), *fe = open_memstream(&edges, &el);
    pg_error err = { PG_OK, "" };
    CHECK_INT(pg_graph_write_csv(g, fn, fe, &err), PG_OK);
    fclose(fn);
    fclose(fe);
    CHECK(starts_with(nodes, "id,label,authors,days,occurrences,first_day,"
                      "last_day,pagerank,community,community_label,"
                      "component,degree,strength,betweenness\n"));
    CHECK(starts_with(edges, "source,target,weight,kind,shared_links,"
                      "link_score,term_sim,authors_close\n"));
    CHECK(nodes && strstr(nodes, "\"new\nline, comma\""));
    CHECK(nodes && strstr(nodes, "\"<tag> & \"\"quoted\"\" 'apos'\""));
    CHECK(nodes && strchr(nodes, '\xff') == NULL);
    size_t rows = 0;
    for (size_t i = 0; edges && i < el; i++)
        rows += edges[i] == '\n';
    CHECK_INT(rows, g->n_edges + 1);
    free(nodes);
    free(edges);

    /* A full disk is an error, not a silently short file. */
    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        CHECK_INT(pg_graph_write_graphml(g, full, &err), PG_ERR_IO);
        CHECK_INT(pg_graph_write_csv(g, full, NULL, &err), PG_ERR_IO);
        fclose(full);
    } else {
        fprintf(stderr, "hostile: no /dev/full, write errors not checked\n");
    }
    pg_graph_free(g);
}

/* The writer prints whole numbers and integers without printf: every
 * value must still come out as "%.15g" and "%lld" print it. */
static void test_number_format(void)
{
    static const double nums[] = {
        0.0, -0.0, 1.0, -3.0, 42.0, 0.5, -0.25, 0.1, 1.0 / 3.0, 123456789012345.0,
        -123456789012345.0, 999999999999999.0, 1e15, -1e15, 1e16, 4503599627370496.5,
        1e300, 1e-300, 5e-324, 7.58092406359652e-05, 2.5e14, 100000.0, 1e-5,
    };
    static const int ints[] = { 0, 1, -1, 9, 10, -10, 2147483647, -2147483647 - 1 };
    size_t nn = sizeof nums / sizeof nums[0], ni = sizeof ints / sizeof ints[0];
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    add(&s, "Only", "a single lonely paper", 3);
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g == NULL)
        return;
    for (size_t i = 0; i < nn || i < ni; i++) {
        g->nodes[0].strength = nums[i % nn];
        g->nodes[0].degree = ints[i % ni];
        char want[160], num[40];
        snprintf(num, sizeof num, "%.15g", nums[i % nn]);
        snprintf(want, sizeof want, "<data key=\"degree\">%d</data>\n"
                 "      <data key=\"strength\">%s</data>", ints[i % ni], num);
        size_t len = 0;
        char *xml = graphml_of(g, &len);
        CHECK(xml != NULL && strstr(xml, want) != NULL);
        if (xml == NULL || strstr(xml, want) == NULL)
            fprintf(stderr, "  wanted %s\n", want);
        free(xml);
    }
    pg_graph_free(g);
}

/* No papers, and one paper. */
static void test_tiny(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    o.layout = 1;
    memset(&s, 0, sizeof s);
    pg_graph *g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->n_nodes, 0);
        CHECK_INT(g->n_edges, 0);
        CHECK_INT(g->n_communities, 0);
        CHECK_INT(g->n_components, 0);
        check_graphml_file(g, "empty");
        size_t len = 0;
        char *xml = graphml_of(g, &len);
        CHECK(xml && strstr(xml, "<node") == NULL);
        free(xml);
        char *nodes = NULL, *edges = NULL;
        size_t nl = 0, el = 0;
        FILE *fn = open_memstream(&nodes, &nl), *fe = open_memstream(&edges, &el);
        pg_error err = { PG_OK, "" };
        CHECK(fn && fe);
        if (fn && fe)
            CHECK_INT(pg_graph_write_csv(g, fn, fe, &err), PG_OK);
        if (fn)
            fclose(fn);
        if (fe)
            fclose(fe);
        CHECK_STR(nodes, "id,label,authors,days,occurrences,first_day,last_day,"
                  "pagerank,community,community_label,component,degree,"
                  "strength,betweenness\n");
        CHECK_STR(edges, "source,target,weight,kind,shared_links,link_score,"
                  "term_sim,authors_close\n");
        free(nodes);
        free(edges);
        pg_graph_free(g);
    }
    url(&s, add(&s, "Only", "a single lonely paper", 3), "https://github.com/a/b");
    g = build(&s, &o);
    CHECK(g != NULL);
    if (g) {
        CHECK_INT(g->n_nodes, 1);
        CHECK_INT(g->n_edges, 0);
        CHECK(g->nodes[0].pagerank == 1.0);
        CHECK_INT(g->nodes[0].community, 0);
        CHECK_INT(g->nodes[0].component, 0);
        CHECK_INT(g->n_communities, 1);
        CHECK_INT(g->communities[0].n_top, 1);
        CHECK(g->nodes[0].x == 0.5 && g->nodes[0].y == 0.5);
        CHECK(isnan(g->modularity));
        CHECK(isnan(g->assortativity_authors));
        check_graphml_file(g, "single");
        pg_graph_free(g);
    }
    pg_graph_free(NULL);
}

static void test_bad_input(void)
{
    static pset s;
    pg_graph_opts o;
    pg_graph sentinel, *g = &sentinel;
    pg_error err = { PG_OK, "" };
    pg_graph_opts_default(&o);
    memset(&s, 0, sizeof s);
    add(&s, "one", "", 1);
    add(&s, "two", "", 1);
    s.p[1].id = s.p[0].id;
    CHECK_INT(pg_graph_build(s.p, s.n, &o, &g, &err), PG_ERR_USAGE);
    CHECK(g == NULL);
    CHECK(strstr(err.msg, "duplicate") != NULL);
    s.p[1].id = "0123456789abcdef0";    /* 17 characters */
    CHECK_INT(pg_graph_build(s.p, s.n, &o, &g, &err), PG_ERR_USAGE);
    s.p[1].id = s.id[1];
    o.w_links = -1;
    CHECK_INT(pg_graph_build(s.p, s.n, &o, &g, &err), PG_ERR_USAGE);
    pg_graph_opts_default(&o);
    o.resolution = NAN;
    CHECK_INT(pg_graph_build(s.p, s.n, &o, &g, &err), PG_ERR_USAGE);
    CHECK_INT(pg_graph_build(s.p, s.n, NULL, &g, &err), PG_OK);
    pg_graph_free(g);
    /* There is no input that makes igraph fail on purpose (every argument
     * graph.c passes is checked first), so PG_ERR_GRAPH is not forced here;
     * the conversion was checked by fault injection during development. */
    fprintf(stderr, "igraph error path: skipped (no clean way to force one)\n");
}

/* For tests/graphml_check.py: writes a sample graph (term groups, link
 * edges, hostile titles, isolated papers, layout) to path and prints its
 * counts as "nodes=N edges=M". */
static int write_sample(const char *path)
{
    static pset s;
    static const char *const titles[] = {
        "ctl \x01 and \x0b vt", "bad \xff utf8", "<tag> & \"q\" 'a' ]]>",
    };
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    o.layout = 1;
    memset(&s, 0, sizeof s);
    add_topics(&s);
    url(&s, &s.p[0], "https://github.com/lab/proj");
    url(&s, &s.p[1], "https://github.com/lab/proj");
    url(&s, &s.p[2], "https://lab.github.io/site");
    for (size_t i = 0; i < 3; i++)
        url(&s, add(&s, titles[i], titles[i], -1), "https://github.com/evil/x");
    pg_graph *g = build(&s, &o);
    FILE *f = fopen(path, "w");
    pg_error err = { PG_OK, "" };
    int ok = g && f && pg_graph_write_graphml(g, f, &err) == PG_OK;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok)
        printf("nodes=%zu edges=%zu\n", g->n_nodes, g->n_edges);
    else
        fprintf(stderr, "%s: cannot write the sample: %s\n", path, err.msg);
    pg_graph_free(g);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--graphml") == 0)
        return write_sample(argv[2]);
    test_shared_repo();
    test_no_clique();
    test_link_strength();
    test_authors();
    test_communities();
    test_betweenness();
    test_betweenness_values();
    test_determinism();
    test_big_layout();
    test_hostile();
    test_tiny();
    test_number_format();
    test_bad_input();
    CHECK_DONE();
}
