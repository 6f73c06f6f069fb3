/*
** sketches.c: the sketches of the texts a connection's dedup stage has met,
** by text id, in a compact form, so that a candidate met before is ruled
** out without a read of the store.
**
** In a bulk ingest most candidates are band collisions with texts placed
** long before (a million-entry ingest meets each old text again dozens of
** times), and a cache of a fixed number of slots misses most of them: each
** miss is a b-tree read at a random place in the file.  Every text's
** sketch is kept instead, and kept small: the MinHash values by their low
** byte only (96 bytes instead of 192).  Two texts whose values agree agree
** in the low byte too, so a narrowed pair counts at least as many equal
** values as the full pair: pgd_sketch_rules_out, given two narrowed
** sketches, rules out a subset of what it would rule out given the full
** ones, never more (verification decides the rest, exactly).
**
** Ids are dense row ids: an array maps an id to its record (0: not held),
** and records are appended to chunks that never move.  The stage lives with
** the connection and is made again after a rollback (pg_dedup_attached), so
** a held id always names the text it named when it was held.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/stage.h"

/* A record: what pgd_sketch_rules_out reads of a sketch. */
struct pgd_csketch {
    uint64_t opening;
    uint32_t words;
    uint32_t prefix[SKETCH_PREFIXES];
    uint16_t title;
    uint16_t tw[SKETCH_TITLE_WORDS];
    uint8_t v[PG_MINHASH_K];    /* the low byte of each MinHash value */
    uint8_t truncated, has_prefixes, n_tw, n_core, distinct;
};

#define CHUNK_BITS 12
#define CHUNK ((size_t)1 << CHUNK_BITS)
/* at[id]: a record's number + 1, or NO_SKETCH for a text known to have
 * none. */
#define NO_SKETCH UINT32_MAX

void pgd_sketch_narrow(sketch *k)
{
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        k->v[i] &= 0xff;
}

/* A new record, or NULL when there is no memory for it. */
static pgd_csketch *record_new(pgd_sketches *m, uint32_t *number)
{
    if (m->n >= (size_t)NO_SKETCH - 1)
        return NULL;
    size_t c = m->n >> CHUNK_BITS;
    if (c >= m->n_chunks) {
        if (pg_grow((void **)&m->chunks, &m->cap_chunks, c + 1, sizeof *m->chunks) != PG_OK)
            return NULL;
        if ((m->chunks[c] = malloc(CHUNK * sizeof **m->chunks)) == NULL)
            return NULL;
        m->n_chunks = c + 1;
    }
    *number = (uint32_t)m->n;
    return &m->chunks[c][m->n++ & (CHUNK - 1)];
}

void pgd_sketches_put(pgd_sketches *m, long long id, const sketch *k)
{
    if (!pgd_id_room((void **)&m->at, &m->cap_at, id, sizeof *m->at) || m->at[id] != 0)
        return;
    if (!k->valid) {
        m->at[id] = NO_SKETCH;
        return;
    }
    uint32_t number = 0;
    pgd_csketch *r = record_new(m, &number);
    if (r == NULL)
        return;
    r->opening = k->opening;
    r->words = k->words;
    memcpy(r->prefix, k->prefix, sizeof r->prefix);
    r->title = k->title;
    memcpy(r->tw, k->tw, sizeof r->tw);
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        r->v[i] = (uint8_t)k->v[i];
    r->truncated = (uint8_t)(k->truncated != 0);
    r->has_prefixes = (uint8_t)(k->has_prefixes != 0);
    r->n_tw = k->n_tw;
    r->n_core = k->n_core;
    r->distinct = k->distinct;
    m->at[id] = number + 1;
}

int pgd_sketches_get(const pgd_sketches *m, long long id, sketch *k)
{
    if (id <= 0 || (size_t)id >= m->cap_at || m->at[id] == 0)
        return 0;
    memset(k, 0, sizeof *k);
    if (m->at[id] == NO_SKETCH)
        return 1;
    size_t number = (size_t)m->at[id] - 1;
    const pgd_csketch *r = &m->chunks[number >> CHUNK_BITS][number & (CHUNK - 1)];
    k->valid = 1;
    k->truncated = r->truncated;
    k->title = r->title;
    k->words = r->words;
    k->opening = r->opening;
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        k->v[i] = r->v[i];
    k->has_prefixes = r->has_prefixes;
    memcpy(k->prefix, r->prefix, sizeof k->prefix);
    k->n_tw = r->n_tw;
    k->n_core = r->n_core;
    k->distinct = r->distinct;
    memcpy(k->tw, r->tw, sizeof k->tw);
    return 1;
}

void pgd_sketches_prefetch(const pgd_sketches *m, long long id, int step)
{
#if defined(__GNUC__)
    if (id <= 0 || (size_t)id >= m->cap_at)
        return;
    if (step == 0) {
        __builtin_prefetch(&m->at[id]);
        return;
    }
    uint32_t at = m->at[id];
    if (at == 0 || at == NO_SKETCH)
        return;
    size_t number = (size_t)at - 1;
    const char *r = (const char *)&m->chunks[number >> CHUNK_BITS][number & (CHUNK - 1)];
    for (size_t b = 0; b < sizeof(pgd_csketch); b += 64)
        __builtin_prefetch(r + b);
#else
    (void)m, (void)id, (void)step;
#endif
}

void pgd_sketches_release(pgd_sketches *m)
{
    for (size_t c = 0; c < m->n_chunks; c++)
        free(m->chunks[c]);
    free(m->chunks);
    free(m->at);
    memset(m, 0, sizeof *m);
}
