/*
** report.c: the readable report (see report.h), as text for people and as
** JSON for programs.  Both forms are built from one gathered summary, so they
** always say the same thing; JSON strings go through pg_json_escape only.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/papers.h"
#include "papergraph/export.h"
#include "out/internal.h"

typedef struct repeat {
    char id[PG_ID_HEX];
    char *title;
    int days;
    long long occurrences;
} repeat;

typedef struct summary {
    pg_stats st;
    long long repeated;             /* papers on 2+ days */
    repeat top[PG_REPORT_TOP];
    size_t n_top;
    size_t edges_links, edges_terms, edges_both, edges_weak, isolated;
    size_t *by_rank;                /* node indexes by PageRank, best first */
} summary;

static int count_repeat(void *ctx, const pg_paper *p)
{
    summary *s = ctx;
    if (s->n_top < PG_REPORT_TOP) {
        repeat *r = &s->top[s->n_top];
        memcpy(r->id, p->id, PG_ID_HEX);
        r->title = strdup(p->title);
        r->days = p->days;
        r->occurrences = p->occurrences;
        if (r->title == NULL)
            return 1;
        s->n_top++;
    }
    s->repeated++;
    return 0;
}

/* A node's sort key carried with it: qsort has no context argument. */
typedef struct ranked {
    double pagerank;
    const char *id;
    size_t node;
} ranked;

static int by_pagerank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->pagerank != y->pagerank)
        return x->pagerank > y->pagerank ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Fills sum->by_rank with node indexes, highest PageRank first. */
static pg_err rank_nodes(const pg_graph *g, summary *sum)
{
    ranked *r = malloc((g->n_nodes + 1) * sizeof *r);
    sum->by_rank = malloc((g->n_nodes + 1) * sizeof *sum->by_rank);
    if (r == NULL || sum->by_rank == NULL) {
        free(r);
        return PG_ERR_NOMEM;
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        r[i] = (ranked){ g->nodes[i].pagerank, g->nodes[i].id, i };
    qsort(r, g->n_nodes, sizeof *r, by_pagerank);
    for (size_t i = 0; i < g->n_nodes; i++)
        sum->by_rank[i] = r[i].node;
    free(r);
    return PG_OK;
}

static pg_err gather(pg_store *s, const pg_graph *g, summary *sum, pg_error *err)
{
    pg_err rc = pg_store_stats(s, &sum->st, err);
    if (rc == PG_OK)
        rc = pg_papers_foreach(s, 2, PG_PAPERS_BY_REPEATS, NULL, count_repeat, sum, err);
    if (rc == PG_OK && sum->repeated < (long long)sum->n_top)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_edges; i++) {
        const char *k = g->edges[i].kind;
        sum->edges_links += strcmp(k, "links") == 0;
        sum->edges_terms += strcmp(k, "terms") == 0;
        sum->edges_both += strcmp(k, "links+terms") == 0;
        sum->edges_weak += strcmp(k, "weak") == 0;
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        sum->isolated += g->nodes[i].degree == 0;
    if (rc == PG_OK && rank_nodes(g, sum) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

static void release(summary *sum)
{
    for (size_t i = 0; i < sum->n_top; i++)
        free(sum->top[i].title);
    free(sum->by_rank);
}

/* ---- text ---------------------------------------------------------------- */

/* Which betweenness the graph carries, in words. */
static const char *betweenness_said(const pg_graph *g, char buf[96])
{
    if (g->betweenness_sampled < 0)
        return "not computed";
    if (g->betweenness_sampled == 0)
        return "exact";
    snprintf(buf, 96, "estimated from %zu of %zu sources",
             g->betweenness_sources, g->n_nodes);
    return buf;
}

static void text_number(FILE *out, const char *name, double v)
{
    if (isnan(v))
        fprintf(out, "  %-30s undefined\n", name);
    else
        fprintf(out, "  %-30s %.3f\n", name, v);
}

/* A repeated paper's title as the graph labels it (with its first day when
 * the title alone does not tell it apart). */
static const char *shown_title(const pg_graph *g, const repeat *r)
{
    size_t lo = 0, hi = g->n_nodes;
    while (lo < hi) {       /* nodes are in id order */
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->nodes[mid].id, r->id);
        if (c == 0)
            return g->nodes[mid].label ? g->nodes[mid].label : r->title;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return r->title;
}

static void write_text(const summary *sum, const pg_graph *g, FILE *out)
{
    const pg_stats *st = &sum->st;
    fprintf(out, "papergraph report\n\nCollection\n"
            "  %lld files, %lld entries read, %lld distinct texts, %lld papers, %lld days\n"
            "  %lld papers seen on two or more days\n\n", st->files, st->occurrences,
            st->texts, st->papers, st->days, sum->repeated);
    fprintf(out, "Graph\n  %zu papers, %zu links (%zu shared links, %zu shared terms, "
            "%zu both, %zu weak)\n  %zu components, the largest with %zu papers; unlinked "
            "papers: %zu\n  %zu communit%s of %d or more papers (%zu with single "
            "papers and pairs)\n", g->n_nodes, g->n_edges,
            sum->edges_links, sum->edges_terms, sum->edges_both, sum->edges_weak,
            g->n_components, g->largest_component, sum->isolated, g->n_groups,
            g->n_groups == 1 ? "y" : "ies", PG_GROUP_MIN, g->n_communities);
    char said[96];
    fprintf(out, "  betweenness                    %s\n", betweenness_said(g, said));
    text_number(out, "modularity", g->modularity);
    text_number(out, "assortativity by authors count", g->assortativity_authors);
    fprintf(out, "\nCommunities (largest first, %d or more papers)\n", PG_GROUP_MIN);
    for (size_t c = 0; c < g->n_groups && c < PG_REPORT_TOP; c++) {
        const pg_graph_community *cm = &g->communities[c];
        fprintf(out, "  %zu. %s (%zu papers)\n", c + 1,
                cm->label && cm->label[0] ? cm->label : "(no distinctive terms)", cm->size);
        for (size_t t = 0; t < cm->n_top; t++)
            fprintf(out, "       %s  %s\n", g->nodes[cm->top[t]].id,
                    g->nodes[cm->top[t]].label);
    }
    fprintf(out, "\nMost central papers (PageRank)\n");
    for (size_t i = 0; i < g->n_nodes && i < PG_REPORT_TOP; i++) {
        const pg_graph_node *n = &g->nodes[sum->by_rank[i]];
        fprintf(out, "  %2zu. %.4f  %s  %s\n", i + 1, n->pagerank, n->id, n->label);
    }
    fprintf(out, "\nMost repeated papers\n");
    for (size_t i = 0; i < sum->n_top; i++)
        fprintf(out, "  %2zu. %d days, %lld times  %s  %s\n", i + 1, sum->top[i].days,
                sum->top[i].occurrences, sum->top[i].id, shown_title(g, &sum->top[i]));
}

/* ---- JSON ---------------------------------------------------------------- */

static pg_err json_str(pg_buf *b, const char *s)
{
    return pg_json_escape(s ? s : "", s ? strlen(s) : 0, b);
}

static pg_err json_num(pg_buf *b, double v)
{
    return isfinite(v) ? pg_buf_printf(b, "%.6g", v) : pg_buf_puts(b, "null");
}

static pg_err json_node(pg_buf *b, const pg_graph_node *n)
{
    pg_err rc = pg_buf_puts(b, "{\"id\":");
    if (rc == PG_OK) rc = json_str(b, n->id);
    if (rc == PG_OK) rc = pg_buf_puts(b, ",\"title\":");
    if (rc == PG_OK) rc = json_str(b, n->title);
    if (rc == PG_OK) rc = pg_buf_puts(b, ",\"label\":");
    if (rc == PG_OK) rc = json_str(b, n->label);
    if (rc == PG_OK) rc = pg_buf_puts(b, ",\"pagerank\":");
    if (rc == PG_OK) rc = json_num(b, n->pagerank);
    if (rc == PG_OK) rc = pg_buf_printf(b, ",\"degree\":%d,\"community\":%d}",
                                        n->degree, n->community);
    return rc;
}

static pg_err json_communities(pg_buf *b, const pg_graph *g)
{
    pg_err rc = pg_buf_puts(b, ",\"communities\":[");
    for (size_t c = 0; c < g->n_groups && c < PG_REPORT_TOP && rc == PG_OK; c++) {
        const pg_graph_community *cm = &g->communities[c];
        rc = pg_buf_printf(b, "%s{\"rank\":%zu,\"size\":%zu,\"label\":", c ? "," : "",
                           c + 1, cm->size);
        if (rc == PG_OK) rc = json_str(b, cm->label);
        if (rc == PG_OK) rc = pg_buf_puts(b, ",\"top\":[");
        for (size_t t = 0; t < cm->n_top && rc == PG_OK; t++) {
            rc = t ? pg_buf_putc(b, ',') : PG_OK;
            if (rc == PG_OK) rc = json_node(b, &g->nodes[cm->top[t]]);
        }
        if (rc == PG_OK) rc = pg_buf_puts(b, "]}");
    }
    return rc == PG_OK ? pg_buf_putc(b, ']') : rc;
}

static pg_err json_lists(pg_buf *b, const summary *sum, const pg_graph *g)
{
    pg_err rc = pg_buf_puts(b, ",\"central\":[");
    for (size_t i = 0; i < g->n_nodes && i < PG_REPORT_TOP && rc == PG_OK; i++) {
        rc = i ? pg_buf_putc(b, ',') : PG_OK;
        if (rc == PG_OK) rc = json_node(b, &g->nodes[sum->by_rank[i]]);
    }
    if (rc == PG_OK) rc = pg_buf_puts(b, "],\"repeated\":[");
    for (size_t i = 0; i < sum->n_top && rc == PG_OK; i++) {
        rc = pg_buf_printf(b, "%s{\"id\":\"%s\",\"days\":%d,\"occurrences\":%lld,\"title\":",
                           i ? "," : "", sum->top[i].id, sum->top[i].days,
                           sum->top[i].occurrences);
        if (rc == PG_OK) rc = json_str(b, shown_title(g, &sum->top[i]));
        if (rc == PG_OK) rc = pg_buf_putc(b, '}');
    }
    return rc == PG_OK ? pg_buf_putc(b, ']') : rc;
}

static pg_err build_json(pg_buf *b, const summary *sum, const pg_graph *g)
{
    const pg_stats *st = &sum->st;
    pg_err rc = pg_buf_printf(b, "{\"files\":%lld,\"occurrences\":%lld,\"texts\":%lld,"
        "\"papers\":%lld,\"days\":%lld,\"repeated_papers\":%lld,\"graph\":{\"nodes\":%zu,"
        "\"edges\":%zu,\"edges_links\":%zu,\"edges_terms\":%zu,\"edges_both\":%zu,"
        "\"components\":%zu,\"largest_component\":%zu,\"isolated\":%zu,"
        "\"edges_weak\":%zu,\"communities\":%zu,\"communities_all\":%zu,"
        "\"community_min_size\":%d,\"betweenness\":\"%s\",\"betweenness_sources\":%zu,"
        "\"modularity\":", st->files, st->occurrences, st->texts,
        st->papers, st->days, sum->repeated, g->n_nodes, g->n_edges, sum->edges_links,
        sum->edges_terms, sum->edges_both, g->n_components, g->largest_component,
        sum->isolated, sum->edges_weak, g->n_groups, g->n_communities, PG_GROUP_MIN,
        g->betweenness_sampled == 0 ? "exact" : g->betweenness_sampled == 1 ? "sampled" : "off",
        g->betweenness_sources);
    if (rc == PG_OK) rc = json_num(b, g->modularity);
    if (rc == PG_OK) rc = pg_buf_puts(b, ",\"assortativity_authors\":");
    if (rc == PG_OK) rc = json_num(b, g->assortativity_authors);
    if (rc == PG_OK) rc = pg_buf_putc(b, '}');
    if (rc == PG_OK) rc = json_communities(b, g);
    if (rc == PG_OK) rc = json_lists(b, sum, g);
    return rc == PG_OK ? pg_buf_puts(b, "}\n") : rc;
}

pg_err pg_report_write(pg_store *s, const pg_graph *g, pg_out_format fmt,
                       FILE *out, pg_error *err)
{
    if (fmt != PG_OUT_TEXT && fmt != PG_OUT_JSON)
        return pg_error_set(err, PG_ERR_USAGE, "the report is written as text or "
                            "json, not %s", pg_out_format_name(fmt));
    summary sum;
    memset(&sum, 0, sizeof sum);
    pg_buf b = PG_BUF_INIT;
    pg_err rc = gather(s, g, &sum, err);
    if (rc == PG_OK && fmt == PG_OUT_TEXT) {
        write_text(&sum, g, out);
    } else if (rc == PG_OK) {
        rc = build_json(&b, &sum, g);
        if (rc != PG_OK)
            pg_error_set(err, rc, "out of memory");
        else if (fwrite(b.data, 1, b.len, out) != b.len)
            rc = pg_error_set(err, PG_ERR_IO, "write error");
    }
    if (rc == PG_OK && ferror(out))
        rc = pg_error_set(err, PG_ERR_IO, "write error");
    release(&sum);
    pg_buf_release(&b);
    return rc;
}
