/*
** dedup/stage.h: the near-duplicate stage's state, shared by the files
** that make it up (dedup.c places texts and keeps the candidate cache;
** candidates.c finds a text's candidates and rules them out unread).
** Private to src/dedup.
*/
#ifndef PG_DEDUP_STAGE_H
#define PG_DEDUP_STAGE_H

#include "papergraph/dedup.h"
#include "base/internal.h"
#include "text/internal.h"
#include "dedup/internal.h"
#include "dedup/match.h"
#include "dedup/sketch.h"

/* A text made ready for pg_match_decide: normalised keys and lists. */
typedef struct prepared {
    pg_text_info info;
    pg_buf title, abstract, venue, names_buf;
    pg_buf title_names;         /* pgd_title_names of the raw title */
    int has_head, strong_name;
    const char **names;
    size_t n_names;
    pg_match_item item;         /* item.feat is set by item_of */
    pgd_feat *feat;             /* made when the text is first compared
                                 * (most texts never are), then kept with
                                 * the struct, its buffer across texts */
    const pg_dedup_shingles *sh;    /* the abstract's shingles from the
                                     * producer, while they live */
    const pg_dedup_text *from;      /* the text p was made from by
                                     * pg_dedup_add_new, while it lives
                                     * (its abstract as stored) */
    sketch sk;
    int stale;                  /* an occurrence was added since info's
                                 * authors, year and venue were read
                                 * (pg_dedup_forget) */
} prepared;

/* Candidates recur (every variant of a paper is a candidate of the next
 * one), and loading one means a query, a decompression and normalising it
 * again: a cache keeps the last ones prepared.  Texts never
 * change; their occurrence metadata can grow, so an ingester marks a
 * text's slot when it adds an occurrence of it (pg_dedup_forget), and the
 * slot's metadata is read again when it is next asked for.  The
 * ingest's dedup lives as long as the connection (pg_dedup_attached), so
 * the variants of earlier files stay cached.  A slot keeps the normalised
 * text (and its features once compared), not the raw text.  Where
 * abstracts share sentences every text has dozens of candidates, and a
 * cache of a quarter the size read a third more of them back.  Where
 * candidates are few (repeats exact, a day's ingest) the larger cache only
 * holds more texts no one asks for, each a fresh allocation: it starts at
 * CACHE_SLOTS_FIRST and grows to CACHE_SLOTS once that many candidates
 * have been read from the store.  Slots go by twos: a text may sit in
 * either slot of the pair its key names, and a new one takes the empty
 * or the least recently used of the two, so two texts asked for in turn
 * whose keys name the same slot no longer push each other out. */
/* A slot holds a text's normalised form and its features (several KB for
 * a long abstract): the count is as many as the 1M-entry benchmark's peak
 * memory leaves room for under its 2 GiB, where abstracts share sentences
 * more slots read fewer candidates back (docs/PERFORMANCE.md). */
#define CACHE_SLOTS 32768
#define CACHE_SLOTS_FIRST 8192

/* A candidate: its text id, from the band index, and its key, by which the
 * candidates are verified in an order that does not depend on the order in
 * which texts were stored (ids do). */
typedef struct candidate {
    pg_key key;
    long long id;
} candidate;

/* Text ids are dense row ids: a map from id to key is an array, up to this
 * many ids (about 256 MB); ids above it are looked up each time. */
#define KEY_OF_MAX ((size_t)1 << 24)

/* The sketches of the texts met, by id (sketches.c). */
typedef struct pgd_csketch pgd_csketch;
typedef struct pgd_sketches {
    uint32_t *at;               /* id -> record number + 1; cap_at ids */
    size_t cap_at;
    pgd_csketch **chunks;       /* n_chunks of records, room for cap_chunks */
    size_t n_chunks, cap_chunks;
    size_t n;                   /* records */
} pgd_sketches;

/* The compact records of the texts prepared, by key (records.c).  The
 * records stop growing at max_bytes (0: PGD_RECORDS_MAX, about 600,000
 * texts, which keeps a million-entry ingest under 2 GiB). */
#define PGD_RECORDS_MAX ((size_t)640 << 20)
typedef struct pgd_records {
    size_t max_bytes;
    pg_key *keys;               /* cap slots (a power of two); zero: empty */
    uint64_t *at;               /* the record's place in the arena + 1 */
    size_t cap, used;           /* slots, slots holding a key */
    unsigned char **chunks;     /* the arena: n_chunks, room for cap_chunks */
    size_t n_chunks, cap_chunks;
    size_t tail;                /* bytes taken of the last chunk */
    size_t bytes;               /* bytes taken of the arena */
} pgd_records;

struct pg_dedup {
    pg_store *s;
    pg_match_opts o;
    pg_dedup_stats st;
    prepared *self, *other;     /* allocated with the stage */
    size_t cache_mask;          /* slots in use - 1 (CACHE_SLOTS_FIRST or
                                 * CACHE_SLOTS) */
    size_t loads;               /* candidates read from the store */
    prepared **cache;           /* CACHE_SLOTS slots, each NULL until first
                                 * used; info.key says which text */
    unsigned char *cached;      /* 1 when the slot holds a text */
    pg_key *cache_key;          /* the key of the slot's text: a lookup
                                 * reads this array, not the text */
    uint32_t *cache_used;       /* when each slot was last asked for or
                                 * filled, in ticks */
    uint32_t tick;
    pgd_sketches sketches;      /* of every text met, by id */
    pgd_records records;        /* of every text prepared, by key */
    pg_packer *packer;          /* unpacks their abstracts; NULL
                                 * until first needed */
    pg_buf rec_buf, raw_buf;    /* a record being made, an abstract unpacked */
    size_t record_loads;        /* candidates made from a record */
    size_t refreshes;           /* cached candidates whose metadata was read
                                 * again (pg_dedup_forget) */
    candidate *cands;                /* the text being placed's candidates */
    size_t cap_cands;
    pg_idvec ids;
    pg_key *key_of;             /* text id -> key, for the ids seen (a zero
                                 * key: not seen); key_cap entries */
    size_t key_cap;
    pg_buf sk_buf;              /* a candidate's stored sketch */
};

/* dedup.c: the cached prepared text of key, or NULL. */
prepared *pgd_cache_hit(pg_dedup *d, pg_key key);
/* Empties the cache of prepared texts (the records stay), so that every
 * candidate is made again: the tests compare candidates made from records
 * with candidates read from the store. */
void pgd_cache_drop(pg_dedup *d);
/* *same 1 when key's record makes the text prepare() makes of it from the
 * store, field by field; 0 when it does not, or key has no record.  For
 * the tests (PG_ERR_NOMEM, or the store's error). */
pg_err pgd_record_check(pg_dedup *d, pg_key key, int *same, pg_error *err);
/* For the tests: loads text id as a candidate (refreshing it when stale)
 * and sets *same to 1 when it is then what prepare() makes of it from the
 * store, field by field. */
pg_err pgd_candidate_check(pg_dedup *d, pg_key key, long long id, int *same, pg_error *err);

/* sketches.c */
/* Keeps text id's sketch k (k->valid 0: it has none) unless id is held
 * already, or out of the map's range, or memory is short. */
void pgd_sketches_put(pgd_sketches *m, long long id, const sketch *k);
/* 1 and *k when id is held: its MinHash values narrowed to their low byte
 * (compare it only with a sketch narrowed by pgd_sketch_narrow). */
int pgd_sketches_get(const pgd_sketches *m, long long id, sketch *k);
/* Asks the memory early for what pgd_sketches_get(m, id) will read: step
 * 0 the map's entry, step 1 the record it names (the entry read by then). */
void pgd_sketches_prefetch(const pgd_sketches *m, long long id, int step);
void pgd_sketches_release(pgd_sketches *m);
/* Keeps the low byte of each of k's MinHash values, as held sketches do. */
void pgd_sketch_narrow(sketch *k);

/* records.c */
/* Keeps rec[0..len) as key's record unless one is kept (a text never
 * changes), the records are full, or memory is short: a record is only a
 * shortcut.  A dropped record's key may be kept again. */
void pgd_records_put(pgd_records *m, pg_key key, const void *rec, size_t len);
/* 1 and the record of key in *rec, *len (valid until the records are
 * released); 0 when there is none. */
int pgd_records_get(const pgd_records *m, pg_key key, const unsigned char **rec, size_t *len);
/* Forgets the record of key, if any. */
void pgd_records_drop(pgd_records *m, pg_key key);
/* The bytes the records stop growing at (max_bytes, or its default). */
size_t pgd_records_max(const pgd_records *m);
/* Frees the records; max_bytes stays. */
void pgd_records_release(pgd_records *m);

/* candidates.c */
/* Makes *v, an array of *cap zeroed elements of size bytes indexed by text
 * id, hold index id (growing by doubling, new elements zeroed); 0 when it
 * cannot: id <= 0, id >= KEY_OF_MAX, or no memory (*v, *cap unchanged). */
int pgd_id_room(void **v, size_t *cap, long long id, size_t size);
/* Remembers that text id has key (only a shortcut: may do nothing). */
void pgd_remember_key(pg_dedup *d, long long id, pg_key key);
/* The candidates of d->self (stored as self_id, 0 when not stored) into
 * d->cands[0..*n), in key order, less those ruled out unread. */
pg_err pgd_find_candidates(pg_dedup *d, long long self_id, const pg_dedup_keys *keys,
                           size_t *n, pg_error *err);

#endif
