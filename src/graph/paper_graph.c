/*
** paper_graph.c: from the store's canonical papers to the paper graph.
**
** The papers come from one pass over the store (pg_papers_foreach in id
** order, whose strings live only during each callback) and are copied once,
** into an arena of large blocks that never move (a buffer grown by realloc
** would copy tens of megabytes of abstracts again and again), and handed to
** pg_graph_build as the records it takes, whose strings point into those
** blocks: no string is allocated on its own.  The same database always
** gives the same graph.
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/graph.h"
#include "graph/internal.h"

/* One paper's strings, in the arena. */
typedef struct rec {
    const char *id, *title, *text, *first, *last;
    size_t url0, n_urls;        /* its URLs: url_at[url0 .. url0 + n_urls) */
    int authors, days, occurrences;
} rec;

/* A block of the arena; blocks are chained, newest first. */
typedef struct block {
    struct block *prev;
    size_t used, size;
    char data[];
} block;

#define BLOCK_SIZE ((size_t)4 << 20)

typedef struct collect {
    block *arena;
    rec *v;
    size_t n, cap;
    const char **url_at;        /* all URLs */
    size_t n_url, url_cap;
    pg_err rc;
} collect;

/* Room for n more bytes in the newest block (a new block when it is full);
 * NULL when out of memory. */
static char *room(collect *c, size_t n)
{
    block *b = c->arena;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        block *nb = malloc(sizeof *nb + size);
        if (nb == NULL)
            return NULL;
        nb->prev = b;
        nb->used = 0;
        nb->size = size;
        c->arena = b = nb;
    }
    return b->data + b->used;
}

/* Copies the n strings s[i] (len[i] bytes) one after the other into one
 * NUL-terminated string; *at = where it starts. */
static pg_err put_joined(collect *c, const char *const *s, const size_t *len, int n,
                         const char **at)
{
    size_t total = 1;
    for (int i = 0; i < n; i++)
        total += len[i];
    char *p = room(c, total);
    if (p == NULL)
        return PG_ERR_NOMEM;
    *at = p;
    for (int i = 0; i < n; i++) {
        memcpy(p, s[i], len[i]);
        p += len[i];
    }
    *p = '\0';
    c->arena->used += total;
    return PG_OK;
}

static pg_err put(collect *c, const char *s, size_t len, const char **at)
{
    return put_joined(c, &s, &len, 1, at);
}

static pg_err put_url(collect *c, const char *s, size_t len)
{
    if (c->n_url == c->url_cap) {
        size_t cap = c->url_cap ? 2 * c->url_cap : 1024;
        const char **v = realloc(c->url_at, cap * sizeof *v);
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
    const char *parts[3] = { p->title, "\n\n", p->abstract };
    size_t lens[3] = { tl, 2, strlen(p->abstract) };
    if (rc == PG_OK)
        rc = put_joined(c, parts, lens, 3, &r->text);
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
    collect c = { NULL, NULL, 0, 0, NULL, 0, 0, PG_OK };
    pg_graph_paper *papers = NULL;
    *out = NULL;
    pg_err rc = pg_papers_foreach(s, 0, PG_PAPERS_BY_ID, NULL, add_paper, &c, err);
    if (rc == PG_OK && c.rc != PG_OK)
        rc = pg_error_set(err, c.rc, "out of memory");
    if (rc != PG_OK)
        goto out;
    papers = calloc(c.n ? c.n : 1, sizeof *papers);
    if (papers == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.n; i++) {
        const rec *r = &c.v[i];
        papers[i] = (pg_graph_paper){
            r->id, r->title, r->text, r->authors, r->days, r->occurrences,
            r->first, r->last, c.url_at + r->url0, r->n_urls,
        };
    }
    rc = pg_graph_build(papers, c.n, o, out, err);
out:
    free(papers);
    free(c.v);
    free(c.url_at);
    while (c.arena != NULL) {
        block *prev = c.arena->prev;
        free(c.arena);
        c.arena = prev;
    }
    return rc;
}
