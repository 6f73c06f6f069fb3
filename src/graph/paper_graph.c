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
**
** Reading the store and cutting the texts into terms overlap: a second
** thread adds each text to the term model as soon as it is in the arena
** (where it never moves), so that the two longest sequential steps of a
** graph take the time of the longer one when there is a core to spare.
** The store gives papers in paper id order, which is node order, so the
** model is the one pg_graph_build would make (it checks, and makes its own
** when the order differs).
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/graph.h"
#include "base/internal.h"
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

/* The texts handed from the reading thread to the adding one.  Every
 * field is under mu; the texts themselves are in the arena and only read. */
typedef struct feed {
    pthread_mutex_t mu;
    pthread_cond_t more;        /* texts were added, or done was set */
    const char **text;
    size_t *len;
    size_t n, cap;
    int done;                   /* the reader has stopped */
    int waiting;                /* the adder sleeps on more until n reaches
                                   want: woken a batch at a time, not at
                                   every text */
    size_t want;
} feed;

typedef struct collect {
    block *arena;
    rec *v;
    size_t n, cap;
    const char **url_at;        /* all URLs */
    size_t n_url, url_cap;
    pg_err rc;
    feed *f;
} collect;

/* Room for n more bytes in the newest block (a new block when it is full);
 * NULL when out of memory. */
static char *room(collect *c, size_t n)
{
    block *b = c->arena;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        block *nb = pg_mem_malloc(sizeof *nb + size);
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

/* Hands one text to the adding thread; PG_ERR_NOMEM. */
static pg_err feed_put(feed *f, const char *text, size_t len)
{
    pg_err rc = PG_OK;
    pthread_mutex_lock(&f->mu);
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        const char **t = realloc(f->text, cap * sizeof *t);
        if (t != NULL)
            f->text = t;
        size_t *l = t != NULL ? realloc(f->len, cap * sizeof *l) : NULL;
        if (l != NULL) {
            f->len = l;
            f->cap = cap;
        }
        rc = l != NULL ? PG_OK : PG_ERR_NOMEM;
    }
    if (rc == PG_OK) {
        f->text[f->n] = text;
        f->len[f->n++] = len;
        if (f->waiting && f->n >= f->want)
            pthread_cond_signal(&f->more);
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static pg_err feed_init(feed *f)
{
    memset(f, 0, sizeof *f);
    if (pthread_mutex_init(&f->mu, NULL) != 0)
        return PG_ERR_NOMEM;
    if (pthread_cond_init(&f->more, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        return PG_ERR_NOMEM;
    }
    return PG_OK;
}

static void feed_release(feed *f)
{
    pthread_cond_destroy(&f->more);
    pthread_mutex_destroy(&f->mu);
    free(f->text);
    free(f->len);
}

static void feed_end(feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->done = 1;
    pthread_cond_signal(&f->more);
    pthread_mutex_unlock(&f->mu);
}

static int add_paper(void *ctx, const pg_paper *p)
{
    collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        rec *v = pg_mem_realloc(c->v, c->cap * sizeof *v, cap * sizeof *v);
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
        rc = feed_put(c->f, r->text, lens[0] + lens[1] + lens[2]);
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

/* The two sides of the overlap; pgg_run2 runs reader and adder in that
 * order when it has one thread only, and then the adder finds every text
 * waiting. */
typedef struct side {
    int adder;
    pg_store *s;
    collect *c;
    pg_terms *model;            /* the adder's */
    pg_err rc;
    pg_error err;
} side;

/* Copied out under the lock, added after it. */
#define ADD_BATCH 64

static void add_texts(side *a)
{
    feed *f = a->c->f;
    const char *text[ADD_BATCH];
    size_t len[ADD_BATCH], next = 0;
    for (;;) {
        size_t m = 0;
        pthread_mutex_lock(&f->mu);
        while (next == f->n && !f->done) {
            f->waiting = 1;
            f->want = next + ADD_BATCH;
            pthread_cond_wait(&f->more, &f->mu);
            f->waiting = 0;
        }
        for (; m < ADD_BATCH && next + m < f->n; m++) {
            text[m] = f->text[next + m];
            len[m] = f->len[next + m];
        }
        pthread_mutex_unlock(&f->mu);
        if (m == 0)
            return;             /* done, and every text added */
        for (size_t i = 0; i < m && a->rc == PG_OK; i++)
            a->rc = pg_terms_add(a->model, text[i], len[i], &a->err);
        if (a->rc != PG_OK)
            return;             /* the reader never waits for the adder */
        next += m;
    }
}

static void run_side(void *p)
{
    side *x = p;
    if (x->adder) {
        add_texts(x);
        return;
    }
    x->rc = pg_papers_foreach(x->s, 0, PG_PAPERS_BY_ID, NULL, add_paper, x->c, &x->err);
    feed_end(x->c->f);
}

pg_err pg_papers_graph(pg_store *s, const pg_graph_opts *o, pg_graph **out,
                       pg_error *err)
{
    feed f;
    collect c = { NULL, NULL, 0, 0, NULL, 0, 0, PG_OK, &f };
    side reader = { 0, s, &c, NULL, PG_OK, { PG_OK, "" } };
    side adder = { 1, s, &c, NULL, PG_OK, { PG_OK, "" } };
    pg_graph_paper *papers = NULL;
    *out = NULL;
    pg_err rc = pg_terms_new(NULL, &adder.model, err);
    if (rc == PG_OK && feed_init(&f) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc != PG_OK)
        goto out;
    pgg_run2(run_side, &reader, &adder);
    feed_release(&f);
    rc = reader.rc;
    if (rc != PG_OK)
        pg_error_set(err, rc, "%s", reader.err.msg);
    else if (c.rc != PG_OK)
        rc = pg_error_set(err, c.rc, "out of memory");
    else if ((rc = adder.rc) != PG_OK)
        pg_error_set(err, rc, "%s", adder.err.msg);
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
    rc = pgg_graph_build(papers, c.n, o, adder.model, out, err);
    adder.model = NULL;
out:
    pg_terms_free(adder.model);
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
