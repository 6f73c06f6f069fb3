/*
** paper_graph.c: from the store's canonical papers to the paper graph.
**
** Papers are copied out of the walk (its strings live only during each
** callback) into the arrays pg_graph_build takes, in paper-id order, so the
** same database always gives the same graph.
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/graph.h"
#include "graph/internal.h"

typedef struct collect {
    pg_graph_paper *v;
    size_t n, cap;
    pg_err rc;
} collect;

static char *join_text(const char *title, const char *abstract)
{
    size_t a = strlen(title), b = strlen(abstract);
    char *t = malloc(a + b + 3);
    if (t == NULL)
        return NULL;
    memcpy(t, title, a);
    /* A blank line keeps a bigram from spanning title and abstract. */
    memcpy(t + a, "\n\n", 2);
    memcpy(t + a + 2, abstract, b + 1);
    return t;
}

/* Splits the newline-separated URLs into a NULL-free array of copies. */
static const char **split_urls(const char *urls, size_t *n)
{
    size_t count = 0;
    for (const char *p = urls; *p; p++)
        count += *p == '\n';
    const char **v = calloc(count + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    *n = 0;
    for (const char *p = urls; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 0 && (v[*n] = strndup(p, len)) != NULL)
            (*n)++;
        p += len + (nl != NULL);
    }
    return v;
}

static void free_paper(pg_graph_paper *p)
{
    free((char *)p->id);
    free((char *)p->title);
    free((char *)p->text);
    free((char *)p->first_day);
    free((char *)p->last_day);
    for (size_t i = 0; i < p->n_urls; i++)
        free((char *)p->urls[i]);
    free((void *)p->urls);
}

static int add_paper(void *ctx, const pg_paper *p)
{
    collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        pg_graph_paper *v = realloc(c->v, cap * sizeof *v);
        if (v == NULL)
            goto nomem;
        c->v = v;
        c->cap = cap;
    }
    pg_graph_paper *g = &c->v[c->n];
    memset(g, 0, sizeof *g);
    g->id = strdup(p->id);
    g->title = strdup(p->title);
    g->text = join_text(p->title, p->abstract);
    g->first_day = strdup(p->first_day);
    g->last_day = strdup(p->last_day);
    g->urls = split_urls(p->urls, &g->n_urls);
    g->authors = p->authors;
    g->days = p->days;
    g->occurrences = (int)(p->occurrences > 0x7fffffff ? 0x7fffffff : p->occurrences);
    c->n++;
    if (!g->id || !g->title || !g->text || !g->first_day || !g->last_day || !g->urls)
        goto nomem;
    return 0;
nomem:
    c->rc = PG_ERR_NOMEM;
    return 1;
}

pg_err pg_papers_graph(pg_store *s, const pg_graph_opts *o, pg_graph **out,
                       pg_error *err)
{
    collect c = { NULL, 0, 0, PG_OK };
    *out = NULL;
    pg_err rc = pg_papers_foreach(s, 0, PG_PAPERS_BY_ID, NULL, add_paper, &c, err);
    if (rc == PG_OK && c.rc != PG_OK)
        rc = pg_error_set(err, c.rc, "out of memory");
    if (rc == PG_OK)
        rc = pg_graph_build(c.v, c.n, o, out, err);
    for (size_t i = 0; i < c.n; i++)
        free_paper(&c.v[i]);
    free(c.v);
    return rc;
}
