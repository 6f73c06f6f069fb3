/*
** uf.c: clusters and their names: a union-find whose representative is the
** smallest element, and the total order that picks a cluster's canonical
** text, both independent of the order of ingestion.
*/
#include <stdlib.h>

#include "dedup/internal.h"

/* ---- union-find --------------------------------------------------------- */

struct pg_uf {
    size_t *parent;
    size_t n;
    size_t cap;
};

pg_err pg_uf_new(size_t n, pg_uf **out)
{
    pg_uf *u = calloc(1, sizeof *u);
    *out = NULL;
    if (u == NULL)
        return PG_ERR_NOMEM;
    if (pg_uf_grow(u, n) != PG_OK) {
        free(u);
        return PG_ERR_NOMEM;
    }
    *out = u;
    return PG_OK;
}

pg_err pg_uf_grow(pg_uf *u, size_t n)
{
    if (n <= u->n)
        return PG_OK;
    if (n > u->cap) {
        size_t cap = u->cap ? u->cap : 16;
        while (cap < n) {
            if (cap > (size_t)-1 / 2 / sizeof(size_t))
                return PG_ERR_NOMEM;
            cap *= 2;
        }
        size_t *p = realloc(u->parent, cap * sizeof *p);
        if (p == NULL)
            return PG_ERR_NOMEM;
        u->parent = p;
        u->cap = cap;
    }
    for (size_t i = u->n; i < n; i++)
        u->parent[i] = i;
    u->n = n;
    return PG_OK;
}

size_t pg_uf_count(const pg_uf *u)
{
    return u->n;
}

size_t pg_uf_find(pg_uf *u, size_t x)
{
    /* Path halving: every other node on the way points to its grandparent. */
    while (u->parent[x] != x) {
        u->parent[x] = u->parent[u->parent[x]];
        x = u->parent[x];
    }
    return x;
}

size_t pg_uf_union(pg_uf *u, size_t a, size_t b)
{
    size_t ra = pg_uf_find(u, a), rb = pg_uf_find(u, b);
    /* The smaller root wins, so the representative is the set's minimum
     * whatever the order of unions (at the price of union by rank; path
     * halving keeps finds short in practice). */
    if (ra < rb) {
        u->parent[rb] = ra;
        return ra;
    }
    u->parent[ra] = rb;
    return rb;
}

void pg_uf_free(pg_uf *u)
{
    if (u == NULL)
        return;
    free(u->parent);
    free(u);
}

pg_err pg_uf_min_keys(pg_uf *u, const pg_key *keys, size_t *rep)
{
    size_t *best = malloc((u->n ? u->n : 1) * sizeof *best);
    if (best == NULL)
        return PG_ERR_NOMEM;
    for (size_t x = 0; x < u->n; x++)
        best[x] = (size_t)-1;
    for (size_t x = 0; x < u->n; x++) {
        size_t r = pg_uf_find(u, x);
        if (best[r] == (size_t)-1 || pg_key_cmp(keys[x], keys[best[r]]) < 0)
            best[r] = x;
    }
    for (size_t x = 0; x < u->n; x++)
        rep[x] = best[pg_uf_find(u, x)];
    free(best);
    return PG_OK;
}

/* ---- canonical text ----------------------------------------------------- */

/* Larger is better for each criterion; the first that differs decides. */
static int cmp_desc(long long x, long long y)
{
    return x > y ? -1 : x < y;
}

int pg_variant_cmp(const pg_variant *a, const pg_variant *b)
{
    int c;
    if ((c = cmp_desc(a->abstract_len > 0, b->abstract_len > 0)) != 0)
        return c;
    if ((c = cmp_desc(!a->truncated, !b->truncated)) != 0)
        return c;
    /* Unknown dates (0) sort as the oldest: a dated version is the newer. */
    if ((c = cmp_desc(a->date, b->date)) != 0)
        return c;
    if ((c = cmp_desc(a->occurrences, b->occurrences)) != 0)
        return c;
    if ((c = cmp_desc(a->upvotes, b->upvotes)) != 0)
        return c;
    if ((c = cmp_desc(a->authors >= 0, b->authors >= 0)) != 0)
        return c;
    return pg_key_cmp(a->key, b->key);
}

size_t pg_canonical_pick(const pg_variant *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (pg_variant_cmp(&v[i], &v[best]) < 0)
            best = i;
    return best;
}

