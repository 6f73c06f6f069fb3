/*
** paper_graph.c: from the store's canonical papers to the paper graph.
**
** The papers come from one pass over the store (pg_papers_foreach in id
** order, whose strings live only during each callback) and are copied once,
** all of them into one arena, and handed to pg_graph_build as the records it
** takes, whose strings point into that arena: no string is allocated on its
** own.  The same database always gives the same graph.
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/graph.h"
#include "graph/internal.h"

/* Where one paper's strings start in the arena (offsets: the arena moves
 * while it grows). */
typedef struct rec {
    size_t id, title, text, first, last;
    size_t url0, n_urls;        /* its URLs: url_at[url0 .. url0 + n_urls) */
    int authors, days, occurrences;
} rec;

typedef struct collect {
    pg_buf arena;
    rec *v;
    size_t n, cap;
    size_t *url_at;             /* arena offsets of all URLs */
    size_t n_url, url_cap;
    pg_err rc;
} collect;

/* Appends len bytes and a NUL; *at = where they start. */
static pg_err put(collect *c, const char *s, size_t len, size_t *at)
{
    *at = c->arena.len;
    pg_err rc = pg_buf_append(&c->arena, s, len);
    return rc == PG_OK ? pg_buf_putc(&c->arena, '\0') : rc;
}

static pg_err put_url(collect *c, const char *s, size_t len)
{
    if (c->n_url == c->url_cap) {
        size_t cap = c->url_cap ? 2 * c->url_cap : 1024;
        size_t *v = realloc(c->url_at, cap * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        c->url_at = v;
        c->url_cap = cap;
    }
    return put(c, s, len, &c->url_at[c->n_url++]);
}

static int add_paper(void *ctx, const pg_paper *p)
{
    collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        rec *v = realloc(c->v, cap * sizeof *v);
        if (v == NULL)
            goto nomem;
        c->v = v;
        c->cap = cap;
    }
    rec *r = &c->v[c->n];
    size_t tl = strlen(p->title);
    pg_err rc = put(c, p->id, strlen(p->id), &r->id);
    if (rc == PG_OK)
        rc = put(c, p->title, tl, &r->title);
    /* The text is title and abstract with a blank line between them, which
     * keeps a bigram from spanning the two. */
    if (rc == PG_OK && (rc = put(c, p->title, tl, &r->text)) == PG_OK) {
        c->arena.len--;                     /* continue after the title */
        rc = pg_buf_append(&c->arena, "\n\n", 2);
        if (rc == PG_OK)
            rc = pg_buf_append(&c->arena, p->abstract, strlen(p->abstract) + 1);
    }
    if (rc == PG_OK)
        rc = put(c, p->first_day, strlen(p->first_day), &r->first);
    if (rc == PG_OK)
        rc = put(c, p->last_day, strlen(p->last_day), &r->last);
    r->url0 = c->n_url;
    for (const char *u = p->urls; rc == PG_OK && *u;) {
        const char *nl = strchr(u, '\n');
        size_t len = nl ? (size_t)(nl - u) : strlen(u);
        if (len > 0)
            rc = put_url(c, u, len);
        u += len + (nl != NULL);
    }
    if (rc != PG_OK)
        goto nomem;
    r->n_urls = c->n_url - r->url0;
    r->authors = p->authors;
    r->days = p->days;
    r->occurrences = (int)(p->occurrences > 0x7fffffff ? 0x7fffffff : p->occurrences);
    c->n++;
    return 0;
nomem:
    c->rc = PG_ERR_NOMEM;
    return 1;
}

pg_err pg_papers_graph(pg_store *s, const pg_graph_opts *o, pg_graph **out,
                       pg_error *err)
{
    collect c = { PG_BUF_INIT, NULL, 0, 0, NULL, 0, 0, PG_OK };
    pg_graph_paper *papers = NULL;
    const char **urls = NULL;
    *out = NULL;
    pg_err rc = pg_papers_foreach(s, 0, PG_PAPERS_BY_ID, NULL, add_paper, &c, err);
    if (rc == PG_OK && c.rc != PG_OK)
        rc = pg_error_set(err, c.rc, "out of memory");
    if (rc != PG_OK)
        goto out;
    /* The arena has stopped moving: offsets become pointers. */
    papers = calloc(c.n ? c.n : 1, sizeof *papers);
    urls = malloc((c.n_url ? c.n_url : 1) * sizeof *urls);
    if (papers == NULL || urls == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    const char *a = c.arena.data;
    for (size_t i = 0; i < c.n_url; i++)
        urls[i] = a + c.url_at[i];
    for (size_t i = 0; i < c.n; i++) {
        const rec *r = &c.v[i];
        papers[i] = (pg_graph_paper){
            a + r->id, a + r->title, a + r->text, r->authors, r->days, r->occurrences,
            a + r->first, a + r->last, urls + r->url0, r->n_urls,
        };
    }
    rc = pg_graph_build(papers, c.n, o, out, err);
out:
    free(papers);
    free(urls);
    free(c.v);
    free(c.url_at);
    pg_buf_release(&c.arena);
    return rc;
}
