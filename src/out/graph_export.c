/*
** graph_export.c: the GraphML and CSV writers over a built pg_graph.
**
** Written by hand, not with igraph_write_graph_graphml, which names nodes
** n0..nN, types every number as double, writes "Inf" that Java tools cannot
** parse, and stops half-way through a file on a control character
** (shared/DEPS.md).  Here:
**   - every <key> is declared with attr.name and its real attr.type, so
**     Gephi, Cytoscape, networkx and igraph read ints as ints and the
**     authors_close flag as a boolean;
**   - node ids are the paper ids; "label" holds the title and "interaction"
**     repeats the edge kind, which is where Cytoscape looks for them;
**   - every string goes through pg_xml_escape / pg_csv_escape (the only
**     escaping allowed), which drop control characters and repair invalid
**     UTF-8, so a hostile title cannot break the file;
**   - a number that is not finite is left out (GraphML) or left empty
**     (CSV) instead of being written as inf or nan;
**   - numbers are printed with "%.15g" and a '.' decimal point whatever the
**     locale, and the graph is walked in its stored order (nodes by paper
**     id, edges by (a, b)), so one graph always gives the same bytes.
** Output is assembled in a buffer and written in large blocks; the first
** failure stops the writing and is reported.  Whole-or-nothing files are the
** caller's business (pg_outfile).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "papergraph/base.h"
#include "papergraph/export.h"
#include "papergraph/graph.h"
#include "out/internal.h"

#define FLUSH_AT (64 * 1024)

typedef struct writer {
    FILE *out;
    pg_buf b;
    pg_err rc;      /* first failure; every later call does nothing */
} writer;

static void w_flush(writer *w)
{
    if (w->rc == PG_OK && w->b.len > 0 &&
        fwrite(w->b.data, 1, w->b.len, w->out) != w->b.len)
        w->rc = PG_ERR_IO;
    pg_buf_reset(&w->b);
}

static void w_check(writer *w, pg_err rc)
{
    if (w->rc == PG_OK && rc != PG_OK)
        w->rc = rc;
    if (w->b.len >= FLUSH_AT)
        w_flush(w);
}

static void w_put(writer *w, const char *s, size_t n)
{
    if (w->rc == PG_OK)
        w_check(w, pg_buf_append(&w->b, s, n));
}

static void w_puts(writer *w, const char *s)
{
    w_put(w, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define W_LIT(w, lit) w_put((w), (lit), sizeof(lit) - 1)

static void w_xml(writer *w, const char *s)
{
    if (w->rc == PG_OK)
        w_check(w, pg_xml_escape(s, strlen(s), &w->b));
}

static void w_csv(writer *w, const char *s)
{
    if (w->rc == PG_OK)
        w_check(w, pg_csv_escape(s, strlen(s), &w->b));
}

/* The digits "%lld" prints, without a format string to parse: a large
 * graph writes millions of them. */
static void w_int(writer *w, long long v)
{
    char s[24], *p = s + sizeof s;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    w_put(w, p, (size_t)(s + sizeof s - p));
}

/* A finite double, locale-proof: %g never prints a comma of its own, so
 * any comma is a locale's decimal point.  A whole number below 1e15 (0,
 * most often) is what "%.15g" prints for it: its digits, no point, no
 * exponent; -0 is not (it prints "-0"). */
static void w_num(writer *w, double v)
{
    if (v == trunc(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
        w_int(w, (long long)v);
        return;
    }
    char s[40];
    snprintf(s, sizeof s, "%.15g", v);
    for (char *p = s; *p; p++)
        if (*p == ',')
            *p = '.';
    w_puts(w, s);
}

/* Flushes what is left and turns the writer's state into a result. */
static pg_err w_finish(writer *w, const char *what, pg_error *err)
{
    w_flush(w);
    if (w->rc == PG_OK && fflush(w->out) != 0)
        w->rc = PG_ERR_IO;
    if (w->rc == PG_OK && ferror(w->out))
        w->rc = PG_ERR_IO;
    pg_buf_release(&w->b);
    if (w->rc == PG_ERR_NOMEM)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", what);
    if (w->rc != PG_OK)
        return pg_error_set(err, PG_ERR_IO, "%s: write failed", what);
    return PG_OK;
}

/* ------------------------------------------------------------------ */
/* GraphML                                                            */

typedef struct key_def {
    const char *name;       /* also the key id: names are unique */
    const char *domain;     /* node, edge, graph */
    const char *type;
} key_def;

static const key_def graph_keys[] = {
    { "modularity", "graph", "double" },
    { "assortativity_authors", "graph", "double" },
    { "components", "graph", "int" },
    { "communities", "graph", "int" },
    { "betweenness_mode", "graph", "string" },
};

static const key_def node_keys[] = {
    { "label", "node", "string" },
    { "authors", "node", "int" },
    { "days", "node", "int" },
    { "occurrences", "node", "int" },
    { "first_day", "node", "string" },
    { "last_day", "node", "string" },
    { "pagerank", "node", "double" },
    { "community", "node", "int" },
    { "community_label", "node", "string" },
    { "component", "node", "int" },
    { "degree", "node", "int" },
    { "strength", "node", "double" },
};

/* Declared only when the graph has them. */
static const key_def betweenness_key = { "betweenness", "node", "double" };
static const key_def layout_keys[] = {
    { "x", "node", "double" },
    { "y", "node", "double" },
};

static const key_def edge_keys[] = {
    { "weight", "edge", "double" },
    { "shared_links", "edge", "int" },
    { "link_score", "edge", "double" },
    { "term_sim", "edge", "double" },
    { "authors_close", "edge", "boolean" },
    { "kind", "edge", "string" },
    { "interaction", "edge", "string" },
};

static int has_betweenness(const pg_graph *g)
{
    return g->n_nodes > 0 && g->betweenness_sampled != -1;
}

static int has_layout(const pg_graph *g)
{
    return g->n_nodes > 0 && isfinite(g->nodes[0].x) && isfinite(g->nodes[0].y);
}

static void put_keys(writer *w, const key_def *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        w_puts(w, "  <key id=\"");
        w_puts(w, k[i].name);
        w_puts(w, "\" for=\"");
        w_puts(w, k[i].domain);
        w_puts(w, "\" attr.name=\"");
        w_puts(w, k[i].name);
        w_puts(w, "\" attr.type=\"");
        w_puts(w, k[i].type);
        w_puts(w, "\"/>\n");
    }
}

static void data_open(writer *w, const char *indent, const char *key)
{
    w_puts(w, indent);
    W_LIT(w, "<data key=\"");
    w_puts(w, key);
    W_LIT(w, "\">");
}

static void data_str(writer *w, const char *indent, const char *key,
                     const char *v)
{
    data_open(w, indent, key);
    w_xml(w, v);
    W_LIT(w, "</data>\n");
}

static void data_int(writer *w, const char *indent, const char *key,
                     long long v)
{
    data_open(w, indent, key);
    w_int(w, v);
    W_LIT(w, "</data>\n");
}

/* Leaves out a value that is not a finite number. */
static void data_num(writer *w, const char *indent, const char *key, double v)
{
    if (!isfinite(v))
        return;
    data_open(w, indent, key);
    w_num(w, v);
    W_LIT(w, "</data>\n");
}

static void put_header(writer *w, const pg_graph *g)
{
    w_puts(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
              "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
              "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
              "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    put_keys(w, graph_keys, sizeof graph_keys / sizeof graph_keys[0]);
    put_keys(w, node_keys, sizeof node_keys / sizeof node_keys[0]);
    if (has_betweenness(g))
        put_keys(w, &betweenness_key, 1);
    if (has_layout(g))
        put_keys(w, layout_keys, 2);
    put_keys(w, edge_keys, sizeof edge_keys / sizeof edge_keys[0]);
    w_puts(w, "  <graph id=\"papergraph\" edgedefault=\"undirected\">\n");
    const char *in = "    ";
    data_num(w, in, "modularity", g->modularity);
    data_num(w, in, "assortativity_authors", g->assortativity_authors);
    data_int(w, in, "components", (long long)g->n_components);
    data_int(w, in, "communities", (long long)g->n_communities);
    data_str(w, in, "betweenness_mode", g->betweenness_sampled == 0 ? "exact"
             : g->betweenness_sampled == 1 ? "sampled" : "skipped");
}

static const char *community_label(const pg_graph *g, const pg_graph_node *nd)
{
    if (nd->community < 0 || (size_t)nd->community >= g->n_communities)
        return NULL;
    return g->communities[nd->community].label;
}

static void put_node(writer *w, const pg_graph *g, const pg_graph_node *nd)
{
    const char *in = "      ";
    const char *clabel = community_label(g, nd);
    w_puts(w, "    <node id=\"");
    w_xml(w, nd->id);
    w_puts(w, "\">\n");
    data_str(w, in, "label", nd->label ? nd->label : nd->title ? nd->title : "");
    if (nd->authors >= 0)
        data_int(w, in, "authors", nd->authors);
    data_int(w, in, "days", nd->days);
    data_int(w, in, "occurrences", nd->occurrences);
    if (nd->first_day[0])
        data_str(w, in, "first_day", nd->first_day);
    if (nd->last_day[0])
        data_str(w, in, "last_day", nd->last_day);
    data_num(w, in, "pagerank", nd->pagerank);
    data_int(w, in, "community", nd->community);
    if (clabel && clabel[0])
        data_str(w, in, "community_label", clabel);
    data_int(w, in, "component", nd->component);
    data_int(w, in, "degree", nd->degree);
    data_num(w, in, "strength", nd->strength);
    if (has_betweenness(g) && nd->betweenness >= 0)
        data_num(w, in, "betweenness", nd->betweenness);
    if (has_layout(g)) {
        data_num(w, in, "x", nd->x);
        data_num(w, in, "y", nd->y);
    }
    w_puts(w, "    </node>\n");
}

static void put_edge(writer *w, const pg_graph *g, const pg_graph_edge *e)
{
    const char *in = "      ";
    const char *kind = e->kind ? e->kind : "";
    w_puts(w, "    <edge source=\"");
    w_xml(w, g->nodes[e->a].id);
    w_puts(w, "\" target=\"");
    w_xml(w, g->nodes[e->b].id);
    w_puts(w, "\">\n");
    data_num(w, in, "weight", e->weight);
    data_int(w, in, "shared_links", e->shared_links);
    data_num(w, in, "link_score", e->link_score);
    data_num(w, in, "term_sim", e->term_sim);
    data_str(w, in, "authors_close", e->authors_close ? "true" : "false");
    data_str(w, in, "kind", kind);
    data_str(w, in, "interaction", kind);
    w_puts(w, "    </edge>\n");
}

static int edge_ok(const pg_graph *g, const pg_graph_edge *e)
{
    return e->a < g->n_nodes && e->b < g->n_nodes;
}

pg_err pg_graph_write_graphml(const pg_graph *g, FILE *out, pg_error *err)
{
    if (g == NULL || out == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "graphml: NULL argument");
    for (size_t i = 0; i < g->n_edges; i++)
        if (!edge_ok(g, &g->edges[i]))
            return pg_error_set(err, PG_ERR_INTERNAL,
                                "graphml: edge %zu has no node", i);
    writer w = { out, PG_BUF_INIT, PG_OK };
    put_header(&w, g);
    for (size_t i = 0; i < g->n_nodes && w.rc == PG_OK; i++)
        put_node(&w, g, &g->nodes[i]);
    for (size_t i = 0; i < g->n_edges && w.rc == PG_OK; i++)
        put_edge(&w, g, &g->edges[i]);
    w_puts(&w, "  </graph>\n</graphml>\n");
    return w_finish(&w, "graphml", err);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                */

/* A number field; empty when not finite. */
static void csv_num(writer *w, double v)
{
    if (isfinite(v))
        w_num(w, v);
}

static void csv_node(writer *w, const pg_graph *g, const pg_graph_node *nd)
{
    const char *clabel = community_label(g, nd);
    w_csv(w, nd->id);
    w_puts(w, ",");
    w_csv(w, nd->label ? nd->label : nd->title ? nd->title : "");
    w_puts(w, ",");
    if (nd->authors >= 0)
        w_int(w, nd->authors);
    w_puts(w, ",");
    w_int(w, nd->days);
    w_puts(w, ",");
    w_int(w, nd->occurrences);
    w_puts(w, ",");
    w_csv(w, nd->first_day);
    w_puts(w, ",");
    w_csv(w, nd->last_day);
    w_puts(w, ",");
    csv_num(w, nd->pagerank);
    w_puts(w, ",");
    w_int(w, nd->community);
    w_puts(w, ",");
    w_csv(w, clabel ? clabel : "");
    w_puts(w, ",");
    w_int(w, nd->component);
    w_puts(w, ",");
    w_int(w, nd->degree);
    w_puts(w, ",");
    csv_num(w, nd->strength);
    w_puts(w, ",");
    if (has_betweenness(g) && nd->betweenness >= 0)
        csv_num(w, nd->betweenness);
    w_puts(w, "\n");
}

static void csv_edge(writer *w, const pg_graph *g, const pg_graph_edge *e)
{
    w_csv(w, g->nodes[e->a].id);
    w_puts(w, ",");
    w_csv(w, g->nodes[e->b].id);
    w_puts(w, ",");
    csv_num(w, e->weight);
    w_puts(w, ",");
    w_csv(w, e->kind ? e->kind : "");
    w_puts(w, ",");
    w_int(w, e->shared_links);
    w_puts(w, ",");
    csv_num(w, e->link_score);
    w_puts(w, ",");
    csv_num(w, e->term_sim);
    w_puts(w, ",");
    w_puts(w, e->authors_close ? "true\n" : "false\n");
}

static pg_err write_nodes_csv(const pg_graph *g, FILE *f, pg_error *err)
{
    writer w = { f, PG_BUF_INIT, PG_OK };
    w_puts(&w, "id,label,authors,days,occurrences,first_day,last_day,"
               "pagerank,community,community_label,component,degree,"
               "strength,betweenness\n");
    for (size_t i = 0; i < g->n_nodes && w.rc == PG_OK; i++)
        csv_node(&w, g, &g->nodes[i]);
    return w_finish(&w, "nodes csv", err);
}

static pg_err write_edges_csv(const pg_graph *g, FILE *f, pg_error *err)
{
    writer w = { f, PG_BUF_INIT, PG_OK };
    w_puts(&w, "source,target,weight,kind,shared_links,link_score,term_sim,"
               "authors_close\n");
    for (size_t i = 0; i < g->n_edges && w.rc == PG_OK; i++)
        csv_edge(&w, g, &g->edges[i]);
    return w_finish(&w, "edges csv", err);
}

pg_err pg_graph_write_csv(const pg_graph *g, FILE *nodes, FILE *edges,
                          pg_error *err)
{
    if (g == NULL || (nodes == NULL && edges == NULL))
        return pg_error_set(err, PG_ERR_USAGE, "csv: NULL argument");
    for (size_t i = 0; i < g->n_edges; i++)
        if (!edge_ok(g, &g->edges[i]))
            return pg_error_set(err, PG_ERR_INTERNAL,
                                "csv: edge %zu has no node", i);
    pg_err rc = nodes ? write_nodes_csv(g, nodes, err) : PG_OK;
    if (rc == PG_OK && edges)
        rc = write_edges_csv(g, edges, err);
    return rc;
}
