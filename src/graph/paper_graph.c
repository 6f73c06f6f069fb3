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
** Reading the store and adding the texts to the term model overlap: a
** second thread adds each text as soon as it is read, so that the two
** longest sequential steps of a graph take the time of the longer one when
** there is a core to spare.  Adding is the longer, so the reading thread
** also cuts each text into its tokens (pgg_terms_cut) and the adding thread
** only counts them.  The cut texts go through blocks that the adder hands
** back once it has read them, so what they take is the adder's lag, not
** every text.
** The store gives papers in paper id order, which is node order, so the
** model is the one pg_graph_build would make (it checks, and makes its own
** when the order differs).
**
** Whether a text is cut, and whether a block comes back in time to be
** reused, depends on how the threads run; pgg_papers_graph_with lets a test
** choose when to cut, how large a block is and how many there may be, so
** that every road is taken whatever the timing.
*/
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* A block of cut texts, filled by the reader, read by the adder, handed
 * back to the reader through the feed's spare list. */
typedef struct cblock {
    struct cblock *all;         /* every block, for freeing (the reader's) */
    struct cblock *spare;       /* the next spare block (under the feed's lock) */
    size_t used, size;
    char data[];
} cblock;

#define CBLOCK_SIZE ((size_t)1 << 20)

/* One text handed to the adder: cut (blk, the block it is in) or, when
 * the reader does not cut, the text itself (blk NULL). */
typedef struct item {
    const char *p;
    size_t len;
    cblock *blk;
} item;

/* Texts the adder copies out under the lock and adds after it. */
#define ADD_BATCH 64

/* The texts handed from the reading thread to the adding one.  Every
 * field is under mu; the texts themselves are only read. */
typedef struct feed {
    pthread_mutex_t mu;
    pthread_cond_t more;        /* texts were added, or done was set */
    pthread_cond_t back;        /* a block was handed back, or the adder
                                   stopped (signalled only while starved) */
    item *v;
    size_t n, cap;
    cblock *spare;              /* blocks the adder has read */
    int adder;                  /* ADDER_NOT_YET, ADDER_RUNS (it will hand
                                   blocks back) or ADDER_DONE */
    int starved;                /* the reader waits on back */
    size_t taken;               /* texts the adder has taken */
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
    int cut;                    /* cut texts for the adder when it is behind */
    size_t cut_when_behind;     /* by this many texts */
    size_t cblock_size;
    size_t max_cblocks;         /* 0, or blocks made past which the reader
                                   waits for one to come back */
    int adder_thread;           /* the adder is to run on a thread of its own */
    size_t behind;              /* texts waiting for it at the last feed_put */
    pg_buf cutbuf;              /* scratch: the text being cut */
    cblock *cblocks;            /* every block of cut texts */
    cblock *cur;                /* the one being filled */
    size_t made, reused;        /* blocks malloc'd, spare blocks taken */
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

/* Hands one text to the adding thread; PG_ERR_NOMEM.  *behind is set to
 * the texts waiting for the adder. */
static pg_err feed_put(feed *f, item it, size_t *behind)
{
    pg_err rc = PG_OK;
    pthread_mutex_lock(&f->mu);
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        item *v = realloc(f->v, cap * sizeof *v);
        if (v != NULL) {
            f->v = v;
            f->cap = cap;
        }
        rc = v != NULL ? PG_OK : PG_ERR_NOMEM;
    }
    if (rc == PG_OK) {
        f->v[f->n++] = it;
        if (f->waiting && f->n >= f->want)
            pthread_cond_signal(&f->more);
    }
    *behind = f->n - f->taken;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

enum { ADDER_NOT_YET, ADDER_RUNS, ADDER_DONE };

/* How long a bounded reader waits for the adder's thread to start: on a
 * loaded machine a new thread can wait to be scheduled for a while, and
 * one that could not be made never starts (the adder then runs after the
 * reader, on its thread). */
#define ADDER_START_WAIT_S 10

/* With max_cblocks made, waits (f->mu held) until the adder hands a block
 * back, stops, or has taken every text.  With no spare block, every block
 * but the current one holds texts the adder has still to pass, and it
 * hands each back on reaching the next block, so one comes as long as it
 * runs.  An adder expected on a thread of its own that has not started
 * yet is given ADDER_START_WAIT_S to start, so that the bound holds
 * whatever the scheduling; one that runs only after the reader is not
 * waited for, nor one that has taken every text with no block handed
 * back, which only a broken hand-back leaves: the reader then makes a
 * block, and a test sees the bound passed, rather than wait for ever. */
static void wait_spare(collect *c)
{
    feed *f = c->f;
    if (c->max_cblocks == 0 || c->made < c->max_cblocks)
        return;
    if (c->adder_thread && f->adder == ADDER_NOT_YET) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ADDER_START_WAIT_S;
        f->starved = 1;
        while (f->adder == ADDER_NOT_YET
               && pthread_cond_timedwait(&f->back, &f->mu, &until) != ETIMEDOUT)
            ;
        f->starved = 0;
    }
    while (f->spare == NULL && f->adder == ADDER_RUNS && !(f->waiting && f->taken == f->n)) {
        f->starved = 1;
        pthread_cond_signal(&f->more);  /* it may sleep until a full batch */
        pthread_cond_wait(&f->back, &f->mu);
        f->starved = 0;
    }
}

/* Where the reader puts a cut text of n bytes: the current block, a spare
 * one the adder has read, or a new one; NULL when out of memory. */
static char *cut_room(collect *c, size_t n)
{
    cblock *b = c->cur;
    if (b != NULL && b->size - b->used >= n)
        return b->data + b->used;
    pthread_mutex_lock(&c->f->mu);
    wait_spare(c);
    b = c->f->spare;
    if (b != NULL && b->size >= n)
        c->f->spare = b->spare;
    else
        b = NULL;
    pthread_mutex_unlock(&c->f->mu);
    if (b != NULL) {
        c->reused++;
    } else {
        size_t size = n > c->cblock_size ? n : c->cblock_size;
        if ((b = malloc(sizeof *b + size)) == NULL)
            return NULL;
        b->size = size;
        b->all = c->cblocks;
        c->cblocks = b;
        c->made++;
    }
    b->used = 0;
    c->cur = b;
    return b->data;
}

/* Texts waiting for the adder above which the reader cuts the next text
 * itself: the adder then has work for a while, and the two threads share
 * the cutting in whatever proportion keeps both busy. */
#define CUT_WHEN_BEHIND (2 * ADD_BATCH)

/* Hands text[0..len) to the adder, cut when the adder is behind. */
static pg_err feed_text(collect *c, const char *text, size_t len)
{
    if (!c->cut || c->behind < c->cut_when_behind)
        return feed_put(c->f, (item){ text, len, NULL }, &c->behind);
    pg_buf_reset(&c->cutbuf);
    if (pgg_terms_cut(text, len, &c->cutbuf) != PG_OK)
        return PG_ERR_NOMEM;
    size_t n = c->cutbuf.len;
    char *p = cut_room(c, n ? n : 1);
    if (p == NULL)
        return PG_ERR_NOMEM;
    if (n > 0)
        memcpy(p, c->cutbuf.data, n);
    c->cur->used += n;
    return feed_put(c->f, (item){ p, n, c->cur }, &c->behind);
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
    if (pthread_cond_init(&f->back, NULL) != 0) {
        pthread_cond_destroy(&f->more);
        pthread_mutex_destroy(&f->mu);
        return PG_ERR_NOMEM;
    }
    return PG_OK;
}

static void feed_release(feed *f)
{
    pthread_cond_destroy(&f->back);
    pthread_cond_destroy(&f->more);
    pthread_mutex_destroy(&f->mu);
    free(f->v);
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
        rc = feed_text(c, r->text, lens[0] + lens[1] + lens[2]);
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


static void add_texts(side *a)
{
    feed *f = a->c->f;
    item v[ADD_BATCH];
    cblock *reading = NULL;     /* the block of the last cut text read */
    size_t next = 0;
    for (;;) {
        size_t m = 0;
        pthread_mutex_lock(&f->mu);
        while (next == f->n && !f->done) {
            f->waiting = 1;
            f->want = next + ADD_BATCH;
            if (f->starved)
                pthread_cond_signal(&f->back);  /* nothing will come back */
            pthread_cond_wait(&f->more, &f->mu);
            f->waiting = 0;
        }
        for (; m < ADD_BATCH && next + m < f->n; m++)
            v[m] = f->v[next + m];
        f->taken = next + m;
        pthread_mutex_unlock(&f->mu);
        if (m == 0)
            return;             /* done, and every text added */
        for (size_t i = 0; i < m && a->rc == PG_OK; i++) {
            /* Texts come in the order the reader cut them: a text in
             * another block means the reader has left the previous one,
             * and every text in it has been read. */
            if (v[i].blk != NULL) {
                if (reading != NULL && v[i].blk != reading) {
                    pthread_mutex_lock(&f->mu);
                    reading->spare = f->spare;
                    f->spare = reading;
                    if (f->starved)
                        pthread_cond_signal(&f->back);
                    pthread_mutex_unlock(&f->mu);
                }
                reading = v[i].blk;
            }
            a->rc = v[i].blk != NULL ? pgg_terms_add_cut(a->model, v[i].p, v[i].len, &a->err)
                                     : pg_terms_add(a->model, v[i].p, v[i].len, &a->err);
        }
        if (a->rc != PG_OK)
            return;             /* run_side wakes a reader waiting for a block */
        next += m;
    }
}

static void run_side(void *p)
{
    side *x = p;
    if (x->adder) {
        feed *f = x->c->f;
        pthread_mutex_lock(&f->mu);
        f->adder = ADDER_RUNS;
        if (f->starved)
            pthread_cond_signal(&f->back);
        pthread_mutex_unlock(&f->mu);
        add_texts(x);
        /* it hands no more blocks back: a starved reader makes its own */
        pthread_mutex_lock(&f->mu);
        f->adder = ADDER_DONE;
        pthread_cond_signal(&f->back);
        pthread_mutex_unlock(&f->mu);
        return;
    }
    x->rc = pg_papers_foreach(x->s, 0, PG_PAPERS_BY_ID, NULL, add_paper, x->c, &x->err);
    feed_end(x->c->f);
}

pg_err pg_papers_graph(pg_store *s, const pg_graph_opts *o, pg_graph **out,
                       pg_error *err)
{
    /* With one core the adder runs after the reader and would find every
     * cut text waiting: it cuts them itself. */
    pgg_feed_tuning tune = { pgg_cores() > 1, CUT_WHEN_BEHIND, CBLOCK_SIZE, 0, 0, 0 };
    return pgg_papers_graph_with(s, o, &tune, out, err);
}

pg_err pgg_papers_graph_with(pg_store *s, const pg_graph_opts *o, pgg_feed_tuning *tune,
                             pg_graph **out, pg_error *err)
{
    feed f;
    collect c;
    memset(&c, 0, sizeof c);
    c.rc = PG_OK;
    c.f = &f;
    pg_buf_init(&c.cutbuf);
    c.cut = tune->cut;
    c.cut_when_behind = tune->cut_when_behind;
    c.cblock_size = tune->block_size;
    c.max_cblocks = tune->max_blocks;
    c.adder_thread = pgg_cores() > 1;   /* as pgg_run2 decides */
    side reader = { 0, s, &c, NULL, PG_OK, { PG_OK, "" } };
    side adder = { 1, s, &c, NULL, PG_OK, { PG_OK, "" } };
    pg_graph_paper *papers = NULL;
    *out = NULL;
    tune->made = tune->reused = 0;
    pg_err rc = PG_OK;
    if (tune->max_blocks == 1)
        rc = pg_error_set(err, PG_ERR_USAGE, "a bound of one block of cut texts never "
                          "frees one: 0 or at least 2");
    if (rc == PG_OK)
        rc = pg_terms_new(NULL, &adder.model, err);
    if (rc == PG_OK && feed_init(&f) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc != PG_OK)
        goto out;
    pgg_run2(run_side, &reader, &adder);
    feed_release(&f);
    tune->made = c.made;
    tune->reused = c.reused;
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
    while (c.cblocks != NULL) {
        cblock *next = c.cblocks->all;
        free(c.cblocks);
        c.cblocks = next;
    }
    pg_buf_release(&c.cutbuf);
    return rc;
}
