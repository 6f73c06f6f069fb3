/*
** candidates.c: which stored texts a text being placed is compared with:
** their ids from the band index, their keys (by which they are verified,
** in an order that does not depend on the order texts were stored), and
** the sketches that rule most of them out without reading them.
**
** In a large store most candidates are band collisions of unrelated
** texts, and in a new connection (a day's ingest) each costs reads at
** random places in the file: its sketch, its key, its paper.  The sketch
** is read first, by id, and a candidate it rules out costs nothing more.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/stage.h"

#define PREFETCH_AHEAD 8

static int cand_order(const void *a, const void *b)
{
    return pg_key_cmp(((const candidate *)a)->key, ((const candidate *)b)->key);
}

/* The sketch of candidate id, narrowed (sketches.c): held, or read from
 * the store and held from then on.  k->valid 0 when it has none. */
static pg_err candidate_sketch(pg_dedup *d, long long id, sketch *k, pg_error *err)
{
    if (pgd_sketches_get(&d->sketches, id, k))
        return PG_OK;
    int found = 0;
    memset(k, 0, sizeof *k);
    pg_err e = pg_bands_sketch_id(d->s, id, &d->sk_buf, &found, err);
    if (e == PG_OK && found)
        pgd_sketch_from_bytes((const unsigned char *)d->sk_buf.data, d->sk_buf.len, k);
    if (e == PG_OK && found) {
        pgd_sketches_put(&d->sketches, id, k);
        pgd_sketch_narrow(k);
    }
    return e;
}

int pgd_id_room(void **v, size_t *cap, long long id, size_t size)
{
    if (id <= 0 || (size_t)id >= KEY_OF_MAX)
        return 0;
    if ((size_t)id < *cap)
        return 1;
    size_t n = *cap ? *cap : 4096;
    while (n <= (size_t)id)
        n *= 2;
    /* The first array of a connection comes zeroed from calloc, which
     * touches no page: a day's ingest into a large store starts at its
     * highest ids and uses few entries. */
    unsigned char *a = *v == NULL ? calloc(n, size) : realloc(*v, n * size);
    if (a == NULL)
        return 0;
    if (*cap > 0)
        memset(a + *cap * size, 0, (n - *cap) * size);
    *v = a;
    *cap = n;
    return 1;
}

/* Remembers that text id has key (no-op above KEY_OF_MAX, or when the map
 * cannot grow: it is only a shortcut). */
void pgd_remember_key(pg_dedup *d, long long id, pg_key key)
{
    if (pgd_id_room((void **)&d->key_of, &d->key_cap, id, sizeof *d->key_of))
        d->key_of[id] = key;
}

/* Whether text id's key is in the map. */
static int key_known(const pg_dedup *d, long long id)
{
    static const pg_key zero;
    return id > 0 && (size_t)id < d->key_cap && pg_key_cmp(d->key_of[id], zero) != 0;
}

/* The key of text id, from the map or the store (then kept in the map);
 * *found 0 when no such text is stored. */
static pg_err key_of_id(pg_dedup *d, long long id, pg_key *key, int *found, pg_error *err)
{
    *found = 0;
    if (key_known(d, id)) {
        *key = d->key_of[id];
        *found = 1;
        return PG_OK;
    }
    pg_stmt *st = pg_store_stmt(d->s, "SELECT key FROM texts WHERE id = ?1", err);
    int rc = 0, row = 0;
    if (st == NULL)
        return PG_ERR_DB;
    pg_stmt_bind_int(st, 1, id, &rc);
    pg_err e = pg_stmt_step(d->s, st, rc, &row, "cannot look up candidates", err);
    if (e == PG_OK && row && pg_stmt_key(st, 0, key))
        *found = 1;
    pg_stmt_done(st);
    if (e == PG_OK && *found)
        pgd_remember_key(d, id, *key);
    return e;
}

/* The candidates of the text being placed (self_id, 0 when not stored) into
 * d->cands, in key order, less those their sketches rule out: their ids
 * from the band index, keys from the map or the store.  The sketch is
 * tested before the key is read from the store (a read of the texts
 * table at a random place, which a ruled-out candidate does not need) and
 * before verify looks up the candidate's paper. */
pg_err pgd_find_candidates(pg_dedup *d, long long self_id, const pg_dedup_keys *keys,
                           size_t *n, pg_error *err)
{
    d->ids.n = 0;
    *n = 0;
    pg_err e = pg_bands_candidates(d->s, self_id, d->self->info.norm_key, keys->bands,
                                   keys->n_bands, keys->n_lsh, &d->ids, err);
    if (e == PG_OK && pg_grow((void **)&d->cands, &d->cap_cands, d->ids.n,
                              sizeof *d->cands) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    /* Held sketches are narrowed: so is the one they meet. */
    sketch self = d->self->sk;
    pgd_sketch_narrow(&self);
    /* In a large store the held sketches are read at random: each is
     * asked for PREFETCH_AHEAD candidates before it is tested. */
    for (size_t i = 0; i < d->ids.n && i < 2 * PREFETCH_AHEAD; i++)
        pgd_sketches_prefetch(&d->sketches, d->ids.v[i], 0);
    for (size_t i = 0; i < PREFETCH_AHEAD && i < d->ids.n; i++)
        pgd_sketches_prefetch(&d->sketches, d->ids.v[i], 1);
    for (size_t i = 0; i < d->ids.n && e == PG_OK; i++) {
        candidate *c = &d->cands[*n];
        int found = 1;
        sketch k;
        c->id = d->ids.v[i];
        if (i + 2 * PREFETCH_AHEAD < d->ids.n)
            pgd_sketches_prefetch(&d->sketches, d->ids.v[i + 2 * PREFETCH_AHEAD], 0);
        if (i + PREFETCH_AHEAD < d->ids.n)
            pgd_sketches_prefetch(&d->sketches, d->ids.v[i + PREFETCH_AHEAD], 1);
        if (self.valid) {
            e = candidate_sketch(d, c->id, &k, err);
            if (e == PG_OK && k.valid && pgd_sketch_rules_out(&self, &k, &d->o)) {
                d->st.ruled_out++;
                continue;
            }
        }
        /* The key map is asked only now: in a day's ingest into a large
         * store each id asked touches a page of it for the first time. */
        if (e == PG_OK)
            e = key_of_id(d, c->id, &c->key, &found, err);
        if (e == PG_OK && found)
            (*n)++;
    }
    if (e == PG_OK && *n > 1)
        qsort(d->cands, *n, sizeof *d->cands, cand_order);
    return e;
}
