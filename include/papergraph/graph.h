/*
** graph.h: the paper graph: nodes are canonical papers, edges come from
** evidence (shared links, shared terms, author counts); analysed with igraph
** (components, Leiden communities, the layout's steps) and plain C
** (PageRank, degree, betweenness).  Only src/graph/ includes igraph.h.
**
** pg_graph is a plain result structure so that exporters (GraphML, CSV), the
** drawing and the report read it directly; it is built and freed only by this
** module.
**
** Edges.  A pair of papers gets an edge only from link or term evidence:
**   - links: every canonical URL gives keys: the exact URL; its GitHub owner
**     ("https://github.com/OWNER/..." and "https://OWNER.github.io/...");
**     for other sites its host.  Sites such as arxiv.org, doi.org or
**     huggingface.co give only the exact URL.  A key shared by df papers
**     adds factor * ln(1 + N/df) / ln(1 + N/2) to link_score (factor 1 for
**     an exact URL, 0.5 for an owner or host; so a URL only two papers share
**     adds 1).  A key held by more than min(50, max(5, N/20)) papers is
**     skipped: too common to say anything, and it would make a clique.
**   - terms: pg_terms_topk over the texts: each paper's top_k most similar
**     papers with cosine >= min_sim, kept when either end chose the other.
** Author counts never make an edge.  On an edge:
**     weight = w_links * link_score + w_terms * term_sim
**              + w_authors * authors_close
** and every emitted edge has weight > 0 (a weight of 0 switches that kind
** of evidence off).
**
** Threads: igraph keeps its error handler and random number generator in
** process-global state, so pg_graph_build must not run in two threads at
** once.  It installs a non-aborting igraph handler for the duration of the
** call and restores the previous one.
*/
#ifndef PAPERGRAPH_GRAPH_H
#define PAPERGRAPH_GRAPH_H

#include <stdio.h>
#include "papergraph/papers.h"

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
                                   are close (default 0.1); 0..1e6 like the
                                   other two weights */
    size_t top_k;               /* term neighbours kept per paper (default 10) */
    double min_sim;             /* least cosine similarity for a term edge (0.15) */
    double resolution;          /* Leiden resolution, 1.0 = modularity (default 1.0);
                                   higher gives more, smaller communities */
    uint64_t seed;              /* RNG seed for communities and layout (default 42) */
    int layout;                 /* 1: compute x,y for drawing */
    int betweenness;            /* pg_betweenness (default AUTO) */
    double betweenness_budget;  /* work allowed for betweenness, in edge
                                   visits: one source costs n + 2m.  AUTO is
                                   exact when all n sources fit, else samples
                                   as many sources as fit; SAMPLED always
                                   samples that many (at least one).  A
                                   sample's dependencies are linearly
                                   scaled (centrality.c).  Default 2e7:
                                   exact up to about two thousand papers,
                                   a quarter of a second of one core */
    int weak_links;             /* 1: a paper with no edge keeps a "weak"
                                   link to its best term neighbour when that
                                   similarity is at least weak_min_sim
                                   (default 1) */
    double weak_min_sim;        /* the noise floor of that link (default
                                   0.13; how it was measured: README, Graph) */
} pg_graph_opts;

/* Least papers of a community that counts as a group (n_groups). */
#define PG_GROUP_MIN 3

/* How betweenness is computed (pg_graph_opts.betweenness). */
enum pg_betweenness {
    PG_BETWEENNESS_AUTO = 0,    /* exact within the budget, else sampled */
    PG_BETWEENNESS_EXACT,       /* every source, whatever it costs */
    PG_BETWEENNESS_SAMPLED,     /* sources sampled within the budget */
    PG_BETWEENNESS_OFF          /* not computed */
};

/* Fills o with the documented defaults. */
void pg_graph_opts_default(pg_graph_opts *o);

typedef struct pg_graph_node {
    char id[PG_ID_HEX];
    char *title;
    char *label;                /* what labels and tables show: the title,
                                   followed by " (first day)" when another
                                   paper has the same title or the title has
                                   at most two words ("Editorial"); may be
                                   the title itself */
    int authors, days, occurrences;     /* authors -1: unknown */
    char first_day[11], last_day[11];
    size_t n_urls;
    /* analysis */
    int component;              /* 0-based, largest first */
    int community;              /* 0-based, largest first */
    double pagerank;            /* sums to 1 over all nodes */
    double betweenness;         /* -1 when not computed (betweenness_sampled -1) */
    int degree;
    double strength;            /* weighted degree */
    double x, y;                /* layout in [0,1] x [0,1] when asked for
                                   (both axes scaled alike); NaN otherwise */
} pg_graph_node;

typedef struct pg_graph_edge {
    size_t a, b;                /* node indexes, a < b */
    double weight;              /* > 0 */
    double link_score;          /* rarity-weighted shared-link evidence (see the
                                   top of this file), 0 when none */
    int shared_links;           /* exact canonical URLs in common */
    double term_sim;            /* cosine of TF-IDF vectors, 0 when not a term edge */
    int authors_close;          /* 1 when both counts are known and differ by at
                                   most max(1, 10% of the larger) */
    const char *kind;           /* "links", "terms", "links+terms" or "weak"
                                   (a paper's one link to its best term
                                   neighbour below min_sim, see weak_links;
                                   static) */
} pg_graph_edge;

typedef struct pg_graph_community {
    size_t size;
    char *label;                /* most distinctive terms, comma-separated;
                                   "" when the papers have no kept term */
    size_t top[5];              /* node indexes by PageRank (highest first,
                                   ties to the lower index), n_top of them */
    size_t n_top;
} pg_graph_community;

typedef struct pg_graph {
    pg_graph_node *nodes;
    size_t n_nodes;
    pg_graph_edge *edges;
    size_t n_edges;
    pg_graph_community *communities;
    size_t n_communities;
    size_t n_groups;                /* communities of PG_GROUP_MIN or more
                                       papers (the first n_groups): the count
                                       the report, the pictures and run give */
    size_t n_components;            /* numbered largest first, ties by lowest
                                       node index; likewise communities */
    size_t largest_component;       /* its number of nodes */
    double modularity;              /* Newman modularity (resolution 1) of the
                                       communities; NaN without edges */
    double assortativity_authors;   /* NaN when undefined */
    int betweenness_sampled;        /* 1 sampled, 0 exact, -1 skipped */
    size_t betweenness_sources;     /* breadth-first searches it took: n when
                                       exact, 0 when skipped */
    size_t n_weak;                  /* edges of kind "weak" */
} pg_graph;

/* Builds and analyses the graph of n papers (o NULL: the defaults).  Nodes
 * are in paper id order, edges in (a, b) order; the same papers in any
 * order and the same options give the same graph.  On success *out is a
 * graph to free with pg_graph_free().  Errors (*out NULL): PG_ERR_USAGE for
 * a NULL argument, an option out of range, an empty, over-long (> 16) or
 * repeated paper id or a day longer than 10 characters; PG_ERR_NOMEM;
 * PG_ERR_GRAPH when igraph fails (never an abort); errors of pg_terms. */
pg_err pg_graph_build(const pg_graph_paper *papers, size_t n,
                      const pg_graph_opts *o, pg_graph **out, pg_error *err);
void pg_graph_free(pg_graph *g);     /* NULL is a no-op */

/* GraphML for Gephi, Cytoscape, networkx: typed keys, paper ids as node
 * ids, strings through pg_xml_escape, non-finite numbers left out.  The
 * betweenness and x/y keys appear only when computed.  Returns PG_OK,
 * PG_ERR_USAGE, PG_ERR_NOMEM or PG_ERR_IO (a write failed). */
pg_err pg_graph_write_graphml(const pg_graph *g, FILE *out, pg_error *err);
/* Two CSV files: nodes and edges (header rows); either stream may be NULL
 * to skip that file.  Unknown or uncomputed values are empty fields. */
pg_err pg_graph_write_csv(const pg_graph *g, FILE *nodes, FILE *edges,
                          pg_error *err);
/* graph.html: one self-contained page (no network) to explore g in a
 * browser: pan, zoom, hover, click, search, legend (see src/out/html.c).
 * Needs the layout (pg_graph_opts.layout); title names the page.  Returns
 * PG_OK, PG_ERR_USAGE (no layout), PG_ERR_NOMEM or PG_ERR_IO. */
pg_err pg_graph_write_html(const pg_graph *g, const char *title, FILE *out,
                           pg_error *err);

/* Builds and analyses the graph of every paper in the store (graph.h):
 * nodes are canonical papers with their title + abstract as text, their URLs,
 * authors count, days and occurrences.  o NULL means the defaults.  Free the
 * result with pg_graph_free(). */
pg_err pg_papers_graph(pg_store *s, const pg_graph_opts *o, pg_graph **out,
                       pg_error *err);

#endif
