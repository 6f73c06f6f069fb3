/*
** labels.c: what the graph's communities and papers are called: each
** community's top papers by PageRank and its most distinctive terms, and
** each paper's label (its title, with its first day when the title alone
** does not tell it apart).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "papergraph/base.h"
#include "papergraph/graph.h"
#include "graph/internal.h"

/* Number of terms in a community label. */
#define LABEL_TERMS 4

/* ------------------------------------------------------------------ */
/* Community descriptions                                             */

/* Keeps the (up to) five nodes of highest PageRank of each community,
 * ties to the smaller index. */
void pgg_community_tops(pg_graph *g)
{
    for (size_t i = 0; i < g->n_nodes; i++) {
        pg_graph_community *c = &g->communities[g->nodes[i].community];
        double pr = g->nodes[i].pagerank;
        size_t at = c->n_top;
        while (at > 0 && g->nodes[c->top[at - 1]].pagerank < pr)
            at--;
        if (at >= 5)
            continue;
        size_t last = c->n_top < 5 ? c->n_top : 4;
        memmove(&c->top[at + 1], &c->top[at], (last - at) * sizeof c->top[0]);
        c->top[at] = i;
        if (c->n_top < 5)
            c->n_top++;
    }
}

/* Groups the node indexes by community: members[start[c] .. start[c+1])
 * are the nodes of community c in ascending order. */
static pg_err community_members(const pg_graph *g, uint32_t **members,
                                 size_t **start)
{
    size_t k = g->n_communities, n = g->n_nodes;
    size_t *s = calloc(k + 1, sizeof *s);
    uint32_t *m = malloc((n ? n : 1) * sizeof *m);
    if (s == NULL || m == NULL) {
        free(s);
        free(m);
        return PG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        s[g->nodes[i].community + 1]++;
    for (size_t c = 0; c < k; c++)
        s[c + 1] += s[c];
    for (size_t i = 0; i < n; i++)      /* advances s[c] to the end of c */
        m[s[g->nodes[i].community]++] = (uint32_t)i;
    for (size_t c = k; c-- > 0;)        /* and back */
        s[c + 1] = s[c];
    s[0] = 0;
    *members = m;
    *start = s;
    return PG_OK;
}

/* Labels every community with its most distinctive terms. */
pg_err pgg_community_labels(pg_graph *g, const pg_terms *model,
                               pg_error *err)
{
    uint32_t *members = NULL;
    size_t *start = NULL;
    pg_buf b = PG_BUF_INIT;
    pg_err rc = community_members(g, &members, &start);
    if (rc != PG_OK) {
        rc = pg_error_set(err, rc, "out of memory");
        goto out;
    }
    for (size_t c = 0; c < g->n_communities && rc == PG_OK; c++) {
        pg_buf_reset(&b);
        rc = pg_terms_label(model, members + start[c], start[c + 1] - start[c],
                            LABEL_TERMS, &b, err);
        if (rc == PG_OK && (g->communities[c].label = pg_buf_detach(&b)) == NULL)
            rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
out:
    pg_buf_release(&b);
    free(members);
    free(start);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Labels that tell papers apart                                       */

typedef struct title_ref {
    const char *title;
    size_t node;
} title_ref;

static int cmp_title_ref(const void *x, const void *y)
{
    const title_ref *a = x, *b = y;
    int c = strcasecmp(a->title, b->title);
    return c ? c : (a->node > b->node) - (a->node < b->node);
}

static int few_words(const char *t)
{
    int words = 0, in = 0;
    for (; *t; t++) {
        int sp = *t == ' ' || *t == '\t' || *t == '\n';
        words += !sp && !in;
        in = !sp;
    }
    return words <= 2;
}

/* Sets every node's label: its title, plus its first day when the title
 * alone does not tell it apart (see pg_graph_node.label). */
pg_err pgg_node_labels(pg_graph *g, pg_error *err)
{
    size_t n = g->n_nodes;
    title_ref *r = malloc((n ? n : 1) * sizeof *r);
    unsigned char *generic = calloc(n ? n : 1, 1);
    pg_err rc = PG_OK;
    if (r == NULL || generic == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (title_ref){ g->nodes[i].title, i };
    qsort(r, n, sizeof *r, cmp_title_ref);
    for (size_t i = 0; i + 1 < n; i++)
        if (strcasecmp(r[i].title, r[i + 1].title) == 0)
            generic[r[i].node] = generic[r[i + 1].node] = 1;
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        pg_graph_node *nd = &g->nodes[i];
        nd->label = nd->title;
        if ((generic[i] || few_words(nd->title)) && nd->first_day[0]) {
            size_t len = strlen(nd->title) + strlen(nd->first_day) + 4;
            char *l = malloc(len);
            if (l == NULL) {
                rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
                break;
            }
            snprintf(l, len, "%s (%s)", nd->title, nd->first_day);
            nd->label = l;
        }
    }
out:
    free(r);
    free(generic);
    return rc;
}

