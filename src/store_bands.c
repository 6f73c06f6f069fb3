/*
** store_bands.c: the band index, through which a new text finds the stored
** texts that share one of its LSH band or blocking keys (its near-duplicate
** candidates).
**
** Band keys are hashes: a b-tree of (band, text) rows is written at random
** places, and a file's worth of new texts (30 keys each) dirties nearly every
** leaf page of it, so that each file's commit would rewrite the whole index
** into the WAL.  The index is therefore kept in two levels, as a log-
** structured merge tree would:
**
**   band_sets  one row per text (text_id, its band keys as one BLOB of
**              little-endian 64-bit words), appended when the text is
**              stored, in the text's own file transaction;
**   bands      the b-tree of (band, text_id) rows, written in large sorted
**              batches.
**
** Settings key "bands.indexed" holds the largest text id whose keys are in
** `bands`; the band_sets rows above it are "pending".  A connection holds
** every pending row in an in-memory hash table (loaded at the start of each
** write transaction, so rows appended by other connections are seen too),
** and a lookup asks both levels.  When the pending rows reach
** the merge size (pg_store_set_merge_keys), the transaction that is being committed also
** moves them into `bands`, sorted, and advances "bands.indexed" — in the
** same transaction, so a crash leaves either the old or the new state.  A
** new text thus costs one appended row; a merge costs one sorted pass per
** that many keys; memory is bounded by it; a new connection reads at most
** that many keys back; and a
** lookup costs a few probes whatever the size of the database.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/store.h"
#include "store_internal.h"

/* Keys held before they are merged into `bands`, by default: 512K keys are
 * about 16,000 texts and 12 MB in memory (pairs, hash heads, texts), and a
 * new connection reads them back in about 0.1 s.  Larger batches make bulk
 * ingests cheaper (fewer merges) and the first ingest of a session dearer. */
#define MERGE_KEYS_DEFAULT ((size_t)1 << 19)
/* A lookup reads at most this many texts per key: a key shared by very
 * many texts (a boilerplate opening, a generic title) says little about any
 * of them, and verification cost stays bounded. */
#define BAND_FANOUT_MAX 1024

#define NONE UINT32_MAX

typedef struct pend_pair {
    uint64_t band;
    uint32_t text;      /* index into pend.texts */
    uint32_t next;      /* older pair in the same hash chain, or NONE */
} pend_pair;

typedef struct pend_text {
    long long id;
    pg_key key;
} pend_text;

struct pgs_pending {
    pend_pair *pairs;
    size_t n_pairs, cap_pairs;
    pend_text *texts;
    size_t n_texts, cap_texts;
    uint32_t *heads;            /* n_heads chain heads, a power of two */
    size_t n_heads;
    long long seen;             /* largest band_sets.text_id held */
    int loaded;                 /* seen has been read from the settings */
    int merged;                 /* the open transaction merged into `bands` */
};

static const char *const sql_bandset_add =
    "INSERT OR REPLACE INTO band_sets (text_id, keys, sketch) VALUES (?1, ?2, ?3)";
static const char *const sql_sketch =
    "SELECT b.sketch FROM texts AS t JOIN band_sets AS b ON b.text_id = t.id"
    " WHERE t.key = ?1";
static const char *const sql_bandset_since =
    "SELECT b.text_id, t.key, b.keys FROM band_sets AS b JOIN texts AS t"
    " ON t.id = b.text_id WHERE b.text_id > ?1 ORDER BY b.text_id";
static const char *const sql_text_id = "SELECT id FROM texts WHERE key = ?1";

static size_t hash_slot(const struct pgs_pending *p, uint64_t band)
{
    /* Band keys are already hashes: the low bits will do, mixed once so a
     * caller's structured keys cannot make chains long. */
    band ^= band >> 29;
    band *= 0xbf58476d1ce4e5b9ULL;
    return (size_t)(band >> 17) & (p->n_heads - 1);
}

static void link_pair(struct pgs_pending *p, uint32_t i)
{
    size_t slot = hash_slot(p, p->pairs[i].band);
    p->pairs[i].next = p->heads[slot];
    p->heads[slot] = i;
}

static pg_err grow_heads(struct pgs_pending *p, size_t want)
{
    size_t n = p->n_heads ? p->n_heads : 1024;
    while (n < want * 2)
        n *= 2;
    if (n == p->n_heads)
        return PG_OK;
    uint32_t *h = malloc(n * sizeof *h);
    if (h == NULL)
        return PG_ERR_NOMEM;
    free(p->heads);
    p->heads = h;
    p->n_heads = n;
    memset(h, 0xff, n * sizeof *h);
    for (size_t i = 0; i < p->n_pairs; i++)
        link_pair(p, (uint32_t)i);
    return PG_OK;
}

static pg_err reserve(void **v, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return PG_OK;
    size_t c = *cap ? *cap : 256;
    while (c < want)
        c *= 2;
    void *n = realloc(*v, c * size);
    if (n == NULL)
        return PG_ERR_NOMEM;
    *v = n;
    *cap = c;
    return PG_OK;
}

/* Adds one text's keys to the in-memory level. */
static pg_err pend_add(struct pgs_pending *p, long long id, pg_key key,
                       const uint64_t *bands, size_t n)
{
    if (p->n_texts >= NONE || p->n_pairs + n >= NONE)
        return PG_ERR_NOMEM;
    pg_err e = reserve((void **)&p->texts, &p->cap_texts, p->n_texts + 1,
                       sizeof *p->texts);
    if (e == PG_OK)
        e = reserve((void **)&p->pairs, &p->cap_pairs, p->n_pairs + n,
                    sizeof *p->pairs);
    if (e == PG_OK && p->n_heads < (p->n_pairs + n) * 2)
        e = grow_heads(p, p->n_pairs + n);
    if (e != PG_OK)
        return e;
    uint32_t t = (uint32_t)p->n_texts++;
    p->texts[t].id = id;
    p->texts[t].key = key;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = (uint32_t)p->n_pairs++;
        p->pairs[j].band = bands[i];
        p->pairs[j].text = t;
        link_pair(p, j);
    }
    if (id > p->seen)
        p->seen = id;
    return PG_OK;
}

static void pend_clear(struct pgs_pending *p)
{
    p->n_pairs = p->n_texts = 0;
    if (p->heads != NULL)
        memset(p->heads, 0xff, p->n_heads * sizeof *p->heads);
}

void pgs_bands_free(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    if (p == NULL)
        return;
    free(p->pairs);
    free(p->texts);
    free(p->heads);
    free(p);
    s->pend = NULL;
}

static void put_le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static pg_err indexed_upto(pg_store *s, long long *upto, pg_error *err)
{
    pg_buf v = PG_BUF_INIT;
    int found = 0;
    pg_err e = pg_store_get_setting(s, "bands.indexed", &v, &found, err);
    *upto = e == PG_OK && found ? strtoll(v.data, NULL, 10) : 0;
    pg_buf_release(&v);
    return e;
}

/* Loads the pending rows this connection does not hold yet. */
static pg_err load_pending(pg_store *s, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    pg_err e = PG_OK;
    if (!p->loaded) {
        e = indexed_upto(s, &p->seen, err);
        if (e != PG_OK)
            return e;
        p->loaded = 1;
    }
    sqlite3_stmt *st = pgs_stmt(s, DS_BANDSET_SINCE, sql_bandset_since, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, p->seen, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        uint64_t bands[PGS_BANDS_MAX];
        const unsigned char *b = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2) / 8;
        pg_key k;
        if (n > PGS_BANDS_MAX || !pgs_col_key(st, 1, &k))
            continue;
        for (size_t i = 0; i < n; i++)
            bands[i] = get_le64(b + 8 * i);
        if (pend_add(p, sqlite3_column_int64(st, 0), k, bands, n) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    if (e == PG_OK && rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read pending band keys", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pgs_bands_begin(pg_store *s, pg_error *err)
{
    if (s->pend == NULL && (s->pend = calloc(1, sizeof *s->pend)) == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    s->pend->merged = 0;
    return load_pending(s, err);
}

/* What a rolled-back transaction added is gone from the database (and its
 * text ids may be given again): rather than undo it piece by piece, forget
 * the whole level and read it again at the next transaction.  Rollbacks are
 * rare (an error, a file committed meanwhile by another process). */
void pgs_bands_rollback(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    if (p == NULL)
        return;
    pend_clear(p);
    p->seen = 0;
    p->loaded = 0;
    p->merged = 0;
}

void pgs_bands_committed(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    if (p != NULL && p->merged)
        pend_clear(p);
    if (p != NULL)
        p->merged = 0;
}

static int pair_order(const void *a, const void *b)
{
    const pend_pair *x = a, *y = b;
    return x->band < y->band ? -1 : x->band > y->band;
}

/* Writes every pending pair into `bands`, in key order (sorted inserts fill
 * pages one after another instead of touching them all). */
static pg_err merge_pending(pg_store *s, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    pend_pair *sorted = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *sorted);
    if (sorted == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    memcpy(sorted, p->pairs, p->n_pairs * sizeof *sorted);
    qsort(sorted, p->n_pairs, sizeof *sorted, pair_order);
    pg_err e = PG_OK;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO bands (band, text_id)"
                                " VALUES (?1, ?2)", -1, &st, NULL);
    for (size_t i = 0; i < p->n_pairs && rc == SQLITE_OK; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)sorted[i].band);
        sqlite3_bind_int64(st, 2, p->texts[sorted[i].text].id);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
    }
    if (rc != SQLITE_OK)
        e = pgs_db_fail(s, rc, "cannot merge band keys", err);
    sqlite3_finalize(st);
    free(sorted);
    if (e == PG_OK) {
        char v[32];
        snprintf(v, sizeof v, "%lld", p->seen);
        e = pg_store_set_setting(s, "bands.indexed", v, err);
    }
    p->merged = e == PG_OK;
    return e;
}

pg_err pgs_bands_precommit(pg_store *s, int force, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    size_t max = s->merge_keys ? s->merge_keys : MERGE_KEYS_DEFAULT;
    if (p == NULL || p->n_pairs == 0 || (!force && p->n_pairs < max))
        return PG_OK;
    return merge_pending(s, err);
}

void pg_store_set_merge_keys(pg_store *s, size_t keys)
{
    s->merge_keys = keys;
}

pg_err pg_store_merge_bands(pg_store *s, pg_error *err)
{
    pg_err e = pg_store_tx_begin(s, err);
    if (e == PG_OK)
        e = pgs_bands_precommit(s, 1, err);
    if (e == PG_OK)
        return pg_store_tx_commit(s, err);
    pg_store_tx_rollback(s);
    return e;
}

/* The id of a stored text: the one just added, or looked up. */
static pg_err text_id(pg_store *s, pg_key text, long long *id, pg_error *err)
{
    if (s->last_text_id > 0 && pg_key_cmp(s->last_text_key, text) == 0) {
        *id = s->last_text_id;
        return PG_OK;
    }
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    sqlite3_stmt *st = pgs_key_step(s, DS_TEXT_ID, sql_text_id, text, kb, &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such text", s->path);
    else
        e = pgs_db_fail(s, rc, "cannot find a text", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_add_bands(pg_store *s, pg_key text, const uint64_t *bands,
                          size_t n, const void *sketch, size_t sketch_len,
                          pg_error *err)
{
    long long id = 0;
    unsigned char blob[8 * PGS_BANDS_MAX];
    if (n > PGS_BANDS_MAX)
        return pg_error_set(err, PG_ERR_USAGE, "%s: too many band keys", s->path);
    if ((!s->in_file && !s->in_tx) || s->pend == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "%s: band keys written outside "
                            "a transaction", s->path);
    pg_err e = text_id(s, text, &id, err);
    sqlite3_stmt *st = NULL;
    if (e == PG_OK && (st = pgs_stmt(s, DS_BANDSET_ADD, sql_bandset_add, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    for (size_t i = 0; i < n; i++)
        put_le64(blob + 8 * i, bands[i]);
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, id, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 2, blob, (int)(8 * n), SQLITE_STATIC);
    if (rc == SQLITE_OK && sketch != NULL && sketch_len > 0)
        rc = sqlite3_bind_blob(st, 3, sketch, (int)sketch_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, "cannot store band keys", err);
    pgs_stmt_done(st);
    if (e == PG_OK && pend_add(s->pend, id, text, bands, n) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return e;
}

pg_err pg_store_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err)
{
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    *found = 0;
    sqlite3_stmt *st = pgs_key_step(s, DS_SKETCH, sql_sketch, text, kb, &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        const void *b = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        pg_buf_reset(out);
        if (pg_buf_append(out, b, n) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        *found = e == PG_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read a text's sketch", err);
    }
    pgs_stmt_done(st);
    return e;
}

/* The statement selecting the texts in `bands` under any of n keys. */
static sqlite3_stmt *find_stmt(pg_store *s, size_t n, pg_error *err)
{
    sqlite3_stmt **slot = &s->band_find[n];
    if (*slot != NULL)
        return *slot;
    pg_buf sql = PG_BUF_INIT;
    pg_err e = pg_buf_puts(&sql, "SELECT t.key FROM bands AS b JOIN texts AS t"
                                 " ON t.id = b.text_id WHERE b.band IN (");
    for (size_t i = 1; i <= n && e == PG_OK; i++)
        e = pg_buf_printf(&sql, "%s?%zu", i > 1 ? ", " : "", i);
    if (e == PG_OK)
        e = pg_buf_printf(&sql, ") LIMIT %d", BAND_FANOUT_MAX);
    if (e != PG_OK) {
        pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else {
        int rc = sqlite3_prepare_v3(s->db, sql.data, -1, SQLITE_PREPARE_PERSISTENT,
                                    slot, NULL);
        if (rc != SQLITE_OK) {
            pgs_db_fail(s, rc, "cannot prepare a band statement", err);
            sqlite3_finalize(*slot);
            *slot = NULL;
        }
    }
    pg_buf_release(&sql);
    return *slot;
}

/* Appends the key column of every row of a bound statement to out. */
static pg_err collect_keys(pg_store *s, sqlite3_stmt *st, int rc, pg_keyvec *out,
                           pg_error *err)
{
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        pg_key k;
        if (pgs_col_key(st, 0, &k) && pg_keyvec_push(out, k) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    if (e == PG_OK && rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot look up candidates", err);
    pgs_stmt_done(st);
    return e;
}

/* The pending texts under any of the keys. */
static pg_err pending_candidates(const struct pgs_pending *p, const uint64_t *bands,
                                 size_t n, pg_keyvec *out)
{
    if (p == NULL || p->n_pairs == 0)
        return PG_OK;
    for (size_t i = 0; i < n; i++) {
        size_t taken = 0;
        for (uint32_t j = p->heads[hash_slot(p, bands[i])];
             j != NONE && taken < BAND_FANOUT_MAX; j = p->pairs[j].next) {
            if (p->pairs[j].band != bands[i])
                continue;
            taken++;
            if (pg_keyvec_push(out, p->texts[p->pairs[j].text].key) != PG_OK)
                return PG_ERR_NOMEM;
        }
    }
    return PG_OK;
}

static int key_order(const void *a, const void *b)
{
    return pg_key_cmp(*(const pg_key *)a, *(const pg_key *)b);
}

/* Sorts kv from `from` on and drops repeats and self. */
static void unique_keys(pg_keyvec *kv, size_t from, pg_key self)
{
    qsort(kv->v + from, kv->n - from, sizeof *kv->v, key_order);
    size_t w = from;
    for (size_t r = from; r < kv->n; r++) {
        if (pg_key_cmp(kv->v[r], self) == 0)
            continue;
        if (w > from && pg_key_cmp(kv->v[w - 1], kv->v[r]) == 0)
            continue;
        kv->v[w++] = kv->v[r];
    }
    kv->n = w;
}

pg_err pg_store_candidates(pg_store *s, pg_key self, pg_key norm_key,
                           const uint64_t *bands, size_t n, pg_keyvec *out,
                           pg_error *err)
{
    unsigned char kb[16];
    size_t from = out->n;
    sqlite3_stmt *st = pgs_stmt(s, DS_NORM_TEXTS, "SELECT key FROM texts WHERE"
                                " norm_key = ?1 LIMIT 1024", err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, norm_key, kb, &rc);
    pg_err e = collect_keys(s, st, rc, out, err);
    if (n > PGS_BANDS_MAX)
        n = PGS_BANDS_MAX;
    if (e == PG_OK && n > 0 && (st = find_stmt(s, n, err)) == NULL)
        e = PG_ERR_DB;
    if (e == PG_OK && n > 0) {
        rc = SQLITE_OK;
        for (size_t i = 0; i < n; i++)
            pgs_bind_int(st, (int)i + 1, (long long)bands[i], &rc);
        e = collect_keys(s, st, rc, out, err);
    }
    if (e == PG_OK && pending_candidates(s->pend, bands, n, out) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        unique_keys(out, from, self);
    return e;
}

pg_err pgs_bands_clear(pg_store *s, pg_error *err)
{
    pg_err e = pgs_run_sql(s, "DELETE FROM bands", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM band_sets", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pg_store_set_setting(s, "bands.indexed", "0", err);
    if (e == PG_OK && s->pend != NULL) {
        pend_clear(s->pend);
        s->pend->seen = 0;
    }
    return e;
}
