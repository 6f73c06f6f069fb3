/*
** papers.c: canonical paper records (see papers.h) from the store's
** per-paper aggregates and per-variant rows.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/internal.h"
#include "papergraph/papers.h"

typedef struct walk {
    pg_store *s;
    pg_paper_fn fn;
    void *ctx;
    pg_buf title, abstract, urls;
    pg_variant best;
    int have_best;
    pg_err rc;
    pg_error *err;
} walk;

/* "2025-09-03" as 20250903; 0 when empty or malformed. */
static int day_number(const char *d)
{
    int y, m, dd;
    if (d == NULL || sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3)
        return 0;
    return y * 10000 + m * 100 + dd;
}

/* What pg_variant_cmp knows of a text (only whether it has an abstract,
 * so the store can choose before reading any). */
static pg_variant as_variant(const pg_variant_row *v)
{
    pg_variant x = {
        v->key, (size_t)(v->has_abstract != 0), v->truncated, day_number(v->last_day),
        v->authors, v->upvotes, (long)v->occurrences,
    };
    return x;
}

static int better_variant(const pg_variant_row *a, const pg_variant_row *b)
{
    pg_variant x = as_variant(a), y = as_variant(b);
    return pg_variant_cmp(&x, &y);
}

static int keep_variant(void *ctx, const pg_variant_row *v)
{
    walk *w = ctx;
    pg_variant cand = as_variant(v);
    if (w->have_best && pg_variant_cmp(&cand, &w->best) >= 0)
        return 0;
    w->best = cand;
    w->have_best = 1;
    pg_buf_reset(&w->title);
    pg_buf_reset(&w->abstract);
    if (pg_buf_puts(&w->title, v->title) != PG_OK ||
        pg_buf_puts(&w->abstract, v->abstract) != PG_OK) {
        w->rc = pg_error_set(w->err, PG_ERR_NOMEM, "out of memory");
        return 1;
    }
    return 0;
}

/* The paper whose texts and URLs keep_variant and add_url gathered. */
static int emit_paper(walk *w, const pg_paper_row *row)
{
    if (!w->have_best)
        return 0;               /* a paper with no text: nothing to show */
    pg_paper p = {
        row->paper_id, w->best.key,
        w->title.data ? w->title.data : "", w->abstract.data ? w->abstract.data : "",
        w->best.truncated, row->authors, row->upvotes, row->pub_date,
        row->first_day, row->last_day, row->days, row->occurrences, row->variants,
        w->urls.data ? w->urls.data : "",
    };
    return w->fn(w->ctx, &p);
}

static int one_paper(void *ctx, const pg_paper_row *row)
{
    walk *w = ctx;
    w->have_best = 0;
    pg_buf_reset(&w->urls);
    w->rc = pg_store_foreach_variant(w->s, row->paper_id, keep_variant, w, w->err);
    if (w->rc == PG_OK)
        w->rc = pg_store_paper_urls(w->s, row->paper_id, &w->urls, w->err);
    if (w->rc != PG_OK)
        return 1;
    return emit_paper(w, row);
}

static int add_url(void *ctx, const char *url)
{
    walk *w = ctx;
    if (pg_buf_puts(&w->urls, url) != PG_OK || pg_buf_putc(&w->urls, '\n') != PG_OK) {
        w->rc = pg_error_set(w->err, PG_ERR_NOMEM, "out of memory");
        return 1;
    }
    return 0;
}

/* In the one-pass walk the texts and URLs come before their paper. */
static int walked_paper(void *ctx, const pg_paper_row *row)
{
    walk *w = ctx;
    int stop = emit_paper(w, row);
    w->have_best = 0;
    pg_buf_reset(&w->urls);
    return stop;
}

/* ---- first day, then title ---------------------------------------------
** The store orders papers by first day; the title is the canonical
** variant's, chosen here, so the papers of one day are held (each a copy in
** one allocation) and sorted by title when the next day begins. */

typedef struct day_batch {
    pg_paper *papers;       /* strings point into each paper's own block */
    size_t n, cap;
    pg_paper_fn fn;
    void *ctx;
    int stopped;            /* fn asked to stop */
    pg_err rc;
    pg_error *err;
} day_batch;

/* The block holding p's strings: they are copied in this order after id. */
#define HELD_BLOCK(p) ((char *)(p)->id)

static void batch_clear(day_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(HELD_BLOCK(&b->papers[i]));
    b->n = 0;
}

static int by_title(const void *x, const void *y)
{
    const pg_paper *a = x, *b = y;
    int c = strcmp(a->title, b->title);
    return c != 0 ? c : strcmp(a->id, b->id);
}

/* Hands the held papers on in title order; 1 when the walk must stop. */
static int batch_flush(day_batch *b)
{
    if (b->n > 1)
        qsort(b->papers, b->n, sizeof *b->papers, by_title);
    for (size_t i = 0; i < b->n && !b->stopped; i++)
        b->stopped = b->fn(b->ctx, &b->papers[i]) != 0;
    batch_clear(b);
    return b->stopped;
}

static int hold_paper(void *ctx, const pg_paper *p)
{
    day_batch *b = ctx;
    if (b->n > 0 && strcmp(b->papers[0].first_day, p->first_day) != 0 && batch_flush(b))
        return 1;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        pg_paper *grown = realloc(b->papers, cap * sizeof *grown);
        if (grown == NULL)
            goto nomem;
        b->papers = grown;
        b->cap = cap;
    }
    const char *src[7] = { p->id, p->title, p->abstract, p->pub_date, p->first_day,
                           p->last_day, p->urls };
    size_t len[7], total = 0;
    for (int i = 0; i < 7; i++)
        total += (len[i] = strlen(src[i])) + 1;
    char *block = malloc(total), *at = block;
    if (block == NULL)
        goto nomem;
    const char *dst[7];
    for (int i = 0; i < 7; i++) {
        memcpy(at, src[i], len[i] + 1);
        dst[i] = at;
        at += len[i] + 1;
    }
    pg_paper *h = &b->papers[b->n++];
    *h = *p;
    h->id = dst[0];
    h->title = dst[1];
    h->abstract = dst[2];
    h->pub_date = dst[3];
    h->first_day = dst[4];
    h->last_day = dst[5];
    h->urls = dst[6];
    return 0;
nomem:
    b->rc = pg_error_set(b->err, PG_ERR_NOMEM, "out of memory");
    return 1;
}

pg_err pg_papers_foreach(pg_store *s, int min_days, pg_paper_order order,
                         const char *only_id, pg_paper_fn fn, void *ctx,
                         pg_error *err)
{
    day_batch b = { NULL, 0, 0, fn, ctx, 0, PG_OK, err };
    if (order == PG_PAPERS_BY_FIRST_DAY) {
        fn = hold_paper;
        ctx = &b;
    }
    walk w = { s, fn, ctx, PG_BUF_INIT, PG_BUF_INIT, PG_BUF_INIT,
               { { 0, 0 }, 0, 0, 0, 0, 0, 0 }, 0, PG_OK, err };
    pg_err rc;
    if (only_id == NULL) {
        /* Every paper: one pass, not three statements per paper, reading
         * only each paper's canonical text. */
        pg_paper_walk pw = { walked_paper, keep_variant, add_url, &w, better_variant, order };
        rc = pg_store_walk_papers(s, min_days, &pw, err);
    } else {
        rc = pg_store_foreach_paper(s, min_days, order, only_id, one_paper, &w, err);
    }
    if (rc == PG_OK)
        rc = w.rc;
    if (rc == PG_OK)
        rc = b.rc;
    if (rc == PG_OK)
        batch_flush(&b);
    batch_clear(&b);
    free(b.papers);
    pg_buf_release(&w.title);
    pg_buf_release(&w.abstract);
    pg_buf_release(&w.urls);
    return rc;
}
