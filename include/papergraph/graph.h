/*
** graph.h: the paper graph: nodes are canonical papers, edges come from
** evidence (shared links, shared terms, author counts); analysed with igraph
** (components, Leiden communities, PageRank, degree, sampled betweenness,
** layout).  Only src/graph.c includes igraph.h.
**
** pg_graph is a plain result structure so that exporters (GraphML, CSV), the
** drawing and the report read it directly; it is built and freed only by this
** module.
*/
#ifndef PAPERGRAPH_GRAPH_H
#define PAPERGRAPH_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "papergraph/error.h"
#include "papergraph/fingerprint.h"

/* What the builder is given for one paper.  Strings are copied by
 * pg_graph_build; urls are canonical (see pg_url_normalize). */
typedef struct pg_graph_paper {
    const char *id;             /* paper id (16 hex digits) */
    const char *title;          /* display title */
    const char *text;           /* title + abstract, for terms */
    int authors;                /* -1 unknown */
    int days;                   /* distinct days seen */
    int occurrences;
    const char *first_day;      /* YYYY-MM-DD or "" */
    const char *last_day;
    const char *const *urls;
    size_t n_urls;
} pg_graph_paper;

typedef struct pg_graph_opts {
    double w_links;             /* weight of link evidence (default 1.0) */
    double w_terms;             /* weight of term similarity (default 1.0) */
    double w_authors;           /* bonus on an existing edge whose author counts
                                   are equal/close (default 0.1) */
    size_t top_k;               /* term neighbours kept per paper (default 10) */
    double min_sim;             /* least cosine similarity for a term edge (0.2) */
    double resolution;          /* Leiden resolution, 1.0 = modularity (default 1.0) */
    uint64_t seed;              /* RNG seed for communities and layout (default 42) */
    int layout;                 /* 1: compute x,y for drawing */
    size_t betweenness_max;     /* exact betweenness up to this many nodes,
                                   sampled above, skipped above 10x (default 5000) */
} pg_graph_opts;

/* Fills o with the documented defaults. */
void pg_graph_opts_default(pg_graph_opts *o);

typedef struct pg_graph_node {
    char id[PG_ID_HEX];
    char *title;
    int authors, days, occurrences;
    char first_day[11], last_day[11];
    size_t n_urls;
    /* analysis */
    int component;              /* 0-based, largest first */
    int community;              /* 0-based, largest first */
    double pagerank;            /* sums to 1 over all nodes */
    double betweenness;         /* -1 when not computed */
    int degree;
    double strength;            /* weighted degree */
    double x, y;                /* layout, when asked for */
} pg_graph_node;

typedef struct pg_graph_edge {
    size_t a, b;                /* node indexes, a < b */
    double weight;              /* > 0 */
    double link_score;          /* idf-weighted shared-link evidence, 0 when none */
    int shared_links;           /* exact canonical URLs in common */
    double term_sim;            /* cosine of TF-IDF vectors, 0 when not a term edge */
    int authors_close;          /* 1 when both counts known and equal/close */
    const char *kind;           /* "links", "terms" or "links+terms" (static) */
} pg_graph_edge;

typedef struct pg_graph_community {
    size_t size;
    char *label;                /* most distinctive terms, comma-separated */
    size_t top[5];              /* node indexes by PageRank, n_top of them */
    size_t n_top;
} pg_graph_community;

typedef struct pg_graph {
    pg_graph_node *nodes;
    size_t n_nodes;
    pg_graph_edge *edges;
    size_t n_edges;
    pg_graph_community *communities;
    size_t n_communities;
    size_t n_components;
    size_t largest_component;
    double modularity;
    double assortativity_authors;   /* NaN when undefined */
    int betweenness_sampled;        /* 1 sampled, 0 exact, -1 skipped */
} pg_graph;

/* Builds and analyses the graph of n papers.  On success *out is a graph to
 * free with pg_graph_free(); igraph errors become PG_ERR_GRAPH, never an
 * abort. */
pg_err pg_graph_build(const pg_graph_paper *papers, size_t n,
                      const pg_graph_opts *o, pg_graph **out, pg_error *err);
void pg_graph_free(pg_graph *g);

/* GraphML for Gephi, Cytoscape, networkx: typed keys, paper ids as node
 * ids, strings through pg_xml_escape. */
pg_err pg_graph_write_graphml(const pg_graph *g, FILE *out, pg_error *err);
/* Two CSV files: nodes and edges (header rows). */
pg_err pg_graph_write_csv(const pg_graph *g, FILE *nodes, FILE *edges,
                          pg_error *err);

#endif
