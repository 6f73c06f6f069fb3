/*
** records.c: byte records by text key, appended to an arena, for the dedup
** stage's compact copies of the texts it has prepared (dedup.c writes and
** reads them; this file only keeps them).
**
** Why: a candidate is verified against its prepared form.  The stage's
** cache of prepared texts holds the last few tens of thousands, each with
** its features (several KB); in a large store most candidates are older
** than that, and reading one back is an SQL query over its text, its
** occurrences and its URLs.  A record is the same prepared text in about
** a KB, so every text the connection has met can be kept.
**
** An open-addressing table (linear probing, at most half full) maps a key
** to its record's place in the arena, chunks of CHUNK bytes that never
** move.  A record is dropped when its text's metadata may have changed
** (pg_dedup_forget): its slot keeps the key with DROPPED, so that probing
** goes on past it, and a later put for the key takes the slot again.  The
** arena's bytes are not reused: the records stop growing at max_bytes,
** dropped ones included.  A zero key marks an empty
** slot (no text hashes to it; such a key is simply never kept).
*/
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS, MAP_POPULATE: beyond POSIX */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dedup/stage.h"

/* Chunks are mapped with their pages populated: a chunk is written once,
 * in order, by the thread the ingest waits on, and fresh pages faulted in
 * one by one cost that thread more than the records save it where few
 * candidates are read back.  Populated in one call they cost less. */
#if !defined(MAP_POPULATE)
#define MAP_POPULATE 0
#endif
#define CHUNK_BITS 20
#define CHUNK ((size_t)1 << CHUNK_BITS)
#define DROPPED UINT64_MAX

static int key_zero(pg_key k)
{
    return k.hi == 0 && k.lo == 0;
}

static int key_eq(pg_key a, pg_key b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

/* The slot of key, or of the empty slot where it would go. */
static size_t slot_of(const pgd_records *m, pg_key key)
{
    size_t mask = m->cap - 1, i = (size_t)(key.lo ^ key.hi >> 17) & mask;
    while (!key_zero(m->keys[i]) && !key_eq(m->keys[i], key))
        i = (i + 1) & mask;
    return i;
}

/* Doubles the table (PG_ERR_NOMEM, the table unchanged). */
static pg_err grow(pgd_records *m)
{
    size_t cap = m->cap ? m->cap * 2 : 4096;
    pg_key *keys = calloc(cap, sizeof *keys);
    uint64_t *at = calloc(cap, sizeof *at);
    if (keys == NULL || at == NULL) {
        free(keys);
        free(at);
        return PG_ERR_NOMEM;
    }
    pgd_records old = *m;
    m->keys = keys;
    m->at = at;
    m->cap = cap;
    m->used = 0;
    for (size_t i = 0; i < old.cap; i++) {
        if (key_zero(old.keys[i]) || old.at[i] == DROPPED)
            continue;
        size_t j = slot_of(m, old.keys[i]);
        m->keys[j] = old.keys[i];
        m->at[j] = old.at[i];
        m->used++;
    }
    free(old.keys);
    free(old.at);
    return PG_OK;
}

size_t pgd_records_max(const pgd_records *m)
{
    return m->max_bytes ? m->max_bytes : PGD_RECORDS_MAX;
}

/* Room for len bytes in the arena: their place + 1, or 0 when there is
 * none. */
static uint64_t arena_take(pgd_records *m, size_t len)
{
    if (len > CHUNK || m->bytes + len > pgd_records_max(m))
        return 0;
    if (m->n_chunks == 0 || m->tail + len > CHUNK) {
        if (pg_grow((void **)&m->chunks, &m->cap_chunks, m->n_chunks + 1,
                    sizeof *m->chunks) != PG_OK)
            return 0;
        void *c = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (c == MAP_FAILED)
            return 0;
        m->chunks[m->n_chunks] = c;
        m->n_chunks++;
        m->tail = 0;
    }
    uint64_t place = ((uint64_t)(m->n_chunks - 1) << CHUNK_BITS | m->tail) + 1;
    m->tail += len;
    m->bytes += len;
    return place;
}

void pgd_records_put(pgd_records *m, pg_key key, const void *rec, size_t len)
{
    if (key_zero(key) || len == 0)
        return;
    if ((m->used + 1) * 2 > m->cap && grow(m) != PG_OK)
        return;
    size_t i = slot_of(m, key);
    if (!key_zero(m->keys[i]) && m->at[i] != DROPPED)
        return;                 /* kept already: a text never changes */
    uint64_t place = arena_take(m, len + sizeof(uint32_t));
    if (place == 0)
        return;
    unsigned char *p = m->chunks[(place - 1) >> CHUNK_BITS] + ((place - 1) & (CHUNK - 1));
    uint32_t n = (uint32_t)len;
    memcpy(p, &n, sizeof n);
    memcpy(p + sizeof n, rec, len);
    if (key_zero(m->keys[i]))
        m->used++;
    m->keys[i] = key;
    m->at[i] = place;
}

int pgd_records_get(const pgd_records *m, pg_key key, const unsigned char **rec, size_t *len)
{
    if (m->cap == 0 || key_zero(key))
        return 0;
    size_t i = slot_of(m, key);
    if (key_zero(m->keys[i]) || m->at[i] == DROPPED)
        return 0;
    uint64_t place = m->at[i] - 1;
    const unsigned char *p = m->chunks[place >> CHUNK_BITS] + (place & (CHUNK - 1));
    uint32_t n;
    memcpy(&n, p, sizeof n);
    *rec = p + sizeof n;
    *len = n;
    return 1;
}

void pgd_records_drop(pgd_records *m, pg_key key)
{
    if (m->cap == 0 || key_zero(key))
        return;
    size_t i = slot_of(m, key);
    if (!key_zero(m->keys[i]))
        m->at[i] = DROPPED;
}

void pgd_records_release(pgd_records *m)
{
    for (size_t c = 0; c < m->n_chunks; c++)
        munmap(m->chunks[c], CHUNK);
    free(m->chunks);
    free(m->keys);
    free(m->at);
    size_t max = m->max_bytes;
    memset(m, 0, sizeof *m);
    m->max_bytes = max;
}
