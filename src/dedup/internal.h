/*
** dedup/internal.h: what the files of the near-duplicate stage share with
** each other and with ingest: signatures and band keys, the match rules, the
** union-find, the canonical choice, the band index, and the stage's calls
** for new texts.
*/
#ifndef PG_DEDUP_INTERNAL_H
#define PG_DEDUP_INTERNAL_H

#include "papergraph/dedup.h"
#include "store/internal.h"

/*
** cluster.h: deciding which entry texts are the same paper.
**
** The same paper is seen many times, seldom byte-identical: the store keeps
** one row per distinct text and must merge the texts of one paper into one
** canonical paper without ever merging two distinct papers.  This module is
** the pure part of that job (no SQLite, no global state):
**
**   1. Candidates.  pg_minhash_compute() turns a normalised abstract key into
**      a MinHash signature (3-word shingles, one-permutation hashing) and
**      pg_minhash_bands() into LSH band keys plus a "lead" key (the opening
**      words, shared by a truncated abstract and its full text).
**      pg_title_bands() gives blocking keys for a normalised title key, for
**      records without an abstract.  The store indexes every key of every
**      text; a new text's candidates are the stored texts sharing any key,
**      so ingesting costs time proportional to the new text.
**   2. Verification.  pg_match_decide() compares two candidates exactly
**      (shingle-set Jaccard and containment of the abstracts, title
**      similarity, metadata) and names the rule that decided, e.g.
**      "truncated-prefix" or "generic-title-different-abstract", so that
**      `papergraph why` can explain any merge or refusal.
**   3. Clusters.  A union-find whose representative is always the smallest
**      element, and a helper that picks the smallest key of each cluster,
**      so that clusters and their names do not depend on ingest order.
**   4. Canonical text.  pg_canonical_pick() chooses the text that stands for
**      a cluster by a total order (complete, latest, most frequent, smallest
**      key), so that the choice does not depend on input order either.
**
** Keys are what pg_normalize_key() produces: lower-case words separated by
** single spaces.  Band keys depend on every constant below: a change of any
** of them bumps PG_MINHASH_VERSION, and a store holding band keys of another
** version must recompute them.
*/

#include <stddef.h>
#include <stdint.h>

/* ---- signatures and band keys ------------------------------------------ */

#define PG_MINHASH_VERSION 3
#define PG_SHINGLE_WORDS 3      /* words per abstract shingle */
#define PG_MINHASH_K 96
#define PG_MINHASH_ROWS 3
#define PG_MINHASH_BANDS (PG_MINHASH_K / PG_MINHASH_ROWS)
#define PG_LEAD_WORDS 12        /* words hashed into the lead key */
/* Band keys of one abstract: the bands and the lead key. */
#define PG_ABSTRACT_BANDS_MAX (PG_MINHASH_BANDS + 1)
/* Title keys: whole title, whole core title (heading words dropped), one
 * per deleted word (titles are cut at PG_TITLE_WORDS_MAX content words),
 * prefix, suffix and MinHash bands. */
#define PG_TITLE_WORDS_MAX 48
#define PG_TITLE_K 48
#define PG_TITLE_ROWS 6
#define PG_TITLE_BANDS_MAX (2 + PG_TITLE_WORDS_MAX + 4 + PG_TITLE_K / PG_TITLE_ROWS)

/* The signature of one abstract key.  Plain data: the store may keep it as
 * a blob (pg_minhash_to_bytes) or recompute it from the key. */
typedef struct pg_minhash {
    uint32_t shingles;      /* shingles hashed; 0 for an empty key (no bands) */
    uint32_t words;         /* words in the key */
    uint64_t lead;          /* hash of the first PG_LEAD_WORDS words; 0 when
                             * the key has no more words than that */
    uint64_t v[PG_MINHASH_K];
} pg_minhash;

#define PG_MINHASH_BYTES (16 + 8 * PG_MINHASH_K)

/* Computes the signature of key[0..len).  Cannot fail and does not
 * allocate (tests/unit/dedup/test_cluster.c measures its throughput).
 * A key of fewer than PG_SHINGLE_WORDS words is one shingle. */
void pg_minhash_compute(const char *key, size_t len, pg_minhash *out);
/* The same, also keeping the shingle hashes in text order: the first cap
 * of them in seq, their number in *n_seq. */
void pg_minhash_compute_seq(const char *key, size_t len, pg_minhash *out,
                            uint64_t *seq, size_t cap, size_t *n_seq);

/* Writes the band keys of m to bands (room for PG_ABSTRACT_BANDS_MAX) and
 * returns how many: PG_MINHASH_BANDS band keys, then the lead key when m has
 * one; 0 for an empty text.  The band's index is mixed into its key, so keys
 * of different bands (and title keys) never meet. */
size_t pg_minhash_bands(const pg_minhash *m, uint64_t *bands);

/* The fraction of equal signature values: an estimate of the Jaccard
 * similarity of the two shingle sets (0 when either text is empty). */
double pg_minhash_estimate(const pg_minhash *a, const pg_minhash *b);

/* Serialises m in a fixed (little-endian) layout, and back.  from_bytes
 * returns PG_ERR_FORMAT when n is not PG_MINHASH_BYTES. */
void pg_minhash_to_bytes(const pg_minhash *m, unsigned char out[PG_MINHASH_BYTES]);
pg_err pg_minhash_from_bytes(const unsigned char *in, size_t n, pg_minhash *m);

/* Writes the blocking keys of a normalised title key to bands (room for
 * PG_TITLE_BANDS_MAX) and returns how many.  Titles that differ by one
 * word, by spaces inside a word, by an added or cut subtitle of 5+ content
 * words, or share most content words share a key.  A heading made of
 * generic words only ("Editorial") has no key (0), a title of at most 3
 * content words only its whole-title key and, when it has heading words,
 * the whole key of the rest ("X (panel)" meets "X"): those merge on their
 * abstract or on an identical core title, never on a similar one.  The store should index
 * title keys for every text (records without abstract find the others by
 * them). */
size_t pg_title_bands(const char *key, size_t len, uint64_t *bands);

/* ---- verification ------------------------------------------------------ */

/* One side of a comparison.  Strings are normalised keys and need not be
 * NUL-terminated; NULL with length 0 means absent. */
typedef struct pg_match_item {
    const char *title;
    size_t title_len;
    const char *abstract;       /* NULL/0 when the record has none */
    size_t abstract_len;
    int truncated;              /* 1: the abstract was cut off ("...", "…"):
                                 * its last word may be partial */
    int authors;                /* authors count; -1 when unknown */
    int year;                   /* publication year; 0 when unknown */
    const char *const *names;   /* normalised author names ("jane q smith"),
                                 * NUL-terminated, any order; NULL when unknown */
    size_t n_names;
    const char *venue;          /* normalised venue key; NULL when unknown.
                                 * Not used by the rules yet: sources spell
                                 * venues apart ("VLDB", "Very Large Data
                                 * Bases") */
    size_t venue_len;
    const char *const *urls;    /* canonical URLs (pg_url_normalize), NUL-
                                 * terminated; NULL when none */
    size_t n_urls;
    const char *title_names;    /* the raw title's coined names (see
                                 * pgd_title_names): normalised, each ended by
                                 * '\n'; NULL/0 when none or unknown */
    size_t title_names_len;
    int has_head;               /* the first name is the title's head
                                 * ("Name: ...") */
    int strong_name;            /* a name of the title mixes case or digits
                                 * ("BEDTime", "EHR2Path") */
    const uint64_t *vocab;      /* pgd_vocabulary of the abstract when the
                                 * caller has it; NULL: the matcher computes
                                 * it when a rule needs it */
    size_t n_vocab;
    const struct pgd_feat *feat;    /* the item's features computed once
                                     * (dedup/match.h), or NULL: the
                                     * comparison then computes them */
} pg_match_item;

/* Decides whether a and b are the same paper.  Symmetric: swapping a and b
 * gives the same decision, rule and scores.  o may be NULL for the defaults.
 * Returns PG_OK, or PG_ERR_NOMEM (r then says "not the same").
 * Does not allocate for abstracts of typical length (under ~500 words).
 *
 * Rules, when both have an abstract (Jaccard over 3-word shingles):
 *   exact-text, same-abstract      identical abstracts (title equal / similar)
 *   truncated-prefix               one abstract is the other's opening
 *   truncated-revised              a cut abstract mostly found in the other
 *   revised-version, revised-title high Jaccard, similar titles
 *   revised-abstract               same non-generic title words, moderate Jaccard
 *   same-specific-title            an identical title of 4+ content words,
 *                                  scored with its coined names and the
 *                                  abstracts' containment (match.c)
 *   retitled-same-abstract, retitled-shared-name
 *                                  a new title over most of the abstract, or
 *                                  a coined name both texts keep
 *   same-identifier, identifier-conflict   one arXiv id or DOI, or two
 *   name-conflict                  different title heads ("Foo", "Foo-VL")
 *   year-conflict, authors-conflict, title-marker-conflict
 *                                  a merge refused on metadata ("Llama 2" vs
 *                                  "Llama 3") unless Jaccard >= overwhelming
 *   similar-abstract-different-title, generic-title-different-abstract,
 *   same-title-different-abstract, related-paper-shared-sentences,
 *   shared-link-only, different-abstract   the refusals
 * When either has none (or too short a one to judge):
 *   title+metadata, short-title+metadata   merges
 *   generic-title-no-abstract, title-marker-conflict, year-conflict,
 *   authors-conflict, short-title-no-metadata, different-title, no-title */
pg_err pg_match_decide(const pg_match_item *a, const pg_match_item *b,
                       const pg_match_opts *o, pg_match_result *r);

/* Every rule name pg_match_decide can report, NULL-terminated (for docs and
 * for `papergraph why`). */
extern const char *const pg_match_rules[];

/* ---- clusters ---------------------------------------------------------- */

/* A union-find over elements 0..n-1 whose representative is always the
 * smallest element of the set, whatever the order of the unions.  Number
 * the elements in key order and the representative is the smallest key. */
typedef struct pg_uf pg_uf;

pg_err pg_uf_new(size_t n, pg_uf **out);        /* PG_ERR_NOMEM */
/* Adds singletons so that the structure holds n elements (no-op when it
 * holds as many already).  PG_ERR_NOMEM leaves u unchanged. */
pg_err pg_uf_grow(pg_uf *u, size_t n);
size_t pg_uf_count(const pg_uf *u);             /* elements held */
/* The smallest element of x's set.  x must be < pg_uf_count(u). */
size_t pg_uf_find(pg_uf *u, size_t x);
/* Joins the sets of a and b; returns the representative of the union. */
size_t pg_uf_union(pg_uf *u, size_t a, size_t b);
void pg_uf_free(pg_uf *u);                      /* NULL is a no-op */

/* For elements numbered in any order: sets rep[x] to the element of x's set
 * with the smallest keys[] (keys has pg_uf_count(u) entries), so that
 * cluster names depend on content only.  PG_ERR_NOMEM. */
pg_err pg_uf_min_keys(pg_uf *u, const pg_key *keys, size_t *rep);

/* ---- canonical text ---------------------------------------------------- */

/* What the canonical choice looks at in one text of a cluster. */
typedef struct pg_variant {
    pg_key key;                 /* the text's key: the final tie-break */
    size_t abstract_len;        /* 0 when the text has no abstract */
    int truncated;              /* abstract cut off */
    int date;                   /* latest day the text was seen, YYYYMMDD;
                                 * 0 when unknown */
    int authors;                /* -1 when unknown */
    int upvotes;                /* highest seen; -1 when unknown */
    long occurrences;           /* times the text was seen */
} pg_variant;

/* <0 when a is the better canonical text, >0 when b is, 0 only for equal
 * keys.  A total order: with an abstract before without, full before
 * truncated, later date before earlier or unknown, more occurrences, more
 * upvotes, metadata present, then the smaller key. */
int pg_variant_cmp(const pg_variant *a, const pg_variant *b);

/* Index of the canonical text among v[0..n) (n >= 1; 0 when n is 0): the
 * first by pg_variant_cmp, hence independent of the order of v. */
size_t pg_canonical_pick(const pg_variant *v, size_t n);

/* ---- the band index (band_index.c, band_lookup.c) ---------------------- */

/* The most band keys one text may have (abstract bands plus title keys). */
#define PG_BANDS_MAX 128

/* A growable array of keys; caller-owned, released with pg_keyvec_release. */
typedef struct pg_keyvec {
    pg_key *v;
    size_t n, cap;
} pg_keyvec;

#define PG_KEYVEC_INIT { NULL, 0, 0 }
pg_err pg_keyvec_push(pg_keyvec *kv, pg_key k);
void pg_keyvec_release(pg_keyvec *kv);

/* A growable array of text ids; caller-owned, released with
 * pg_idvec_release. */
typedef struct pg_idvec {
    long long *v;
    size_t n, cap;
} pg_idvec;

#define PG_IDVEC_INIT { NULL, 0, 0 }
pg_err pg_idvec_push(pg_idvec *iv, long long id);
void pg_idvec_release(pg_idvec *iv);

/* The index lives in the store's tables band_pending, band_buckets and
 * band_sets and, for each connection, in memory kept in step with its
 * transactions (made on first use).  Records the band keys of a stored
 * text, and with them an opaque sketch of it (NULL/0 for none) that
 * pg_bands_sketch reads back.  Inside a write transaction; once per text
 * (pg_bands_clear forgets them all): a second call for the same text fails
 * with PG_ERR_DB. */
pg_err pg_bands_add(pg_store *s, pg_key text, const uint64_t *keys, size_t n,
                    const void *sketch, size_t sketch_len, pg_error *err);
/* Replaces out with the sketch stored with a text's band keys, the text
 * named by its key or by its id (texts.id); *found is 0 when there is
 * none. */
pg_err pg_bands_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err);
pg_err pg_bands_sketch_id(pg_store *s, long long text, pg_buf *out, int *found,
                          pg_error *err);
/* Appends to out the ids (texts.id) of every stored text other than text
 * id self (0: none) that has the normalised key norm_key, shares one of
 * keys[n_lsh..n), or shares two or more of keys[0..n_lsh) (an abstract's
 * LSH bands, pg_dedup_keys.n_lsh): sorted, each once.  A key shared by
 * more than 1024 texts gives 1024 of them.  With n_lsh > 0, inside a write
 * transaction: outside one, the held level may be stale, and a text another
 * connection has merged since would count twice under one band. */
pg_err pg_bands_candidates(pg_store *s, long long self, pg_key norm_key,
                           const uint64_t *keys, size_t n, size_t n_lsh,
                           pg_idvec *out, pg_error *err);
/* Moves the band keys still held in the index's in-memory level into its
 * buckets now, in one transaction (this happens by itself at a commit
 * whenever that level is full; tests and tools call it to reach the merged
 * state). */
pg_err pg_bands_merge(pg_store *s, pg_error *err);
/* At the end of a run of writes (outside a transaction): merges the held
 * keys as pg_bands_merge does when this connection placed at least an
 * eighth of the merge size of them since its last merge, so that the next
 * connection (a day's ingest) neither reads them back nor pays for their
 * merge; a no-op otherwise. */
pg_err pg_bands_settle(pg_store *s, pg_error *err);
/* How many held keys make a commit merge them (0: the default, 512K keys,
 * about 16,000 texts and 12 MB of memory). */
pg_err pg_bands_set_merge_keys(pg_store *s, size_t keys, pg_error *err);
/* The size set (0: the default). */
pg_err pg_bands_merge_keys(pg_store *s, size_t *keys, pg_error *err);
/* Whether the buckets a merge writes are kept in memory (the default):
 * the lookups of a bulk run that follow a merge read them, but after the
 * run's last merge nobody does, and keeping a bucket is a copy and a walk
 * of it. */
pg_err pg_bands_keep_merged(pg_store *s, int keep, pg_error *err);
/* Forgets all band keys (inside pg_store_tx_begin), before `dedup`
 * recomputes them. */
pg_err pg_bands_clear(pg_store *s, pg_error *err);

/* ---- the stage --------------------------------------------------------- */

/* The dedup stage of ingests into s (with the saved options): made on first
 * use and kept with the connection (through tx hooks) so that its cache of
 * candidates outlives one file; made again after any rollback or a
 * rebuild.  The store frees it; do not pg_dedup_free() it. */
pg_err pg_dedup_attached(pg_store *s, pg_dedup **out, pg_error *err);

/* Forgets the cached form of text: call when an occurrence of it is added,
 * since its metadata (authors, year, venue) may have changed. */
void pg_dedup_forget(pg_dedup *d, pg_key text);

/* Places a newly stored text in its paper, reading it back from the store.
 * A text is placed once (its band keys are written then; see
 * pg_bands_add). */
pg_err pg_dedup_add_text(pg_dedup *d, pg_key text, pg_error *err);

/* The index keys of one text: its band and blocking keys and its sketch
 * (a digest of its abstract's signature, stored with the keys to rule out
 * candidates without reading them).  Plain data, computed from the text
 * alone, so an ingester may compute it on another thread. */
#define PG_DEDUP_BANDS_MAX (PG_ABSTRACT_BANDS_MAX + PG_TITLE_BANDS_MAX)
/* sketch.c's layout: header, MinHash values, prefix hashes, title words. */
#define PG_DEDUP_SKETCH_PREFIXES 4
#define PG_DEDUP_SKETCH_TITLE_WORDS 20
#define PG_DEDUP_SKETCH_BYTES (16 + 2 * PG_MINHASH_K + 4 * PG_DEDUP_SKETCH_PREFIXES \
                               + 2 + 2 * PG_DEDUP_SKETCH_TITLE_WORDS)
typedef struct pg_dedup_keys {
    uint64_t bands[PG_DEDUP_BANDS_MAX];
    size_t n_bands;
    /* bands[0..n_lsh) are the abstract's LSH bands, of which a candidate
     * must share two (pg_bands_candidates); the rest (the abstract's
     * opening, the title's keys) make a candidate each. */
    size_t n_lsh;
    int has_sketch;             /* 0: the text has no abstract to sketch */
    unsigned char sketch[PG_DEDUP_SKETCH_BYTES];
} pg_dedup_keys;

/* The keys of a text from its normalised title and abstract (pg_normalize_key;
 * abstract_len 0 when it has none) and its truncated flag. */
void pg_dedup_keys_of(const char *title, size_t title_len, const char *abstract,
                      size_t abstract_len, int truncated, pg_dedup_keys *out);
/* The same, also keeping the abstract's shingle hashes in text order (see
 * pg_minhash_compute_seq) for pg_dedup_shingles_reuse.  The caller then
 * gives the sketch its count of distinct hashes (pg_dedup_keys_set_distinct
 * with pg_dedup_distinct of them, or the set of a text judged whole, which
 * is the same count); until then the sketch has none, which rules out
 * fewer candidates. */
void pg_dedup_keys_seq(const char *title, size_t title_len, const char *abstract,
                       size_t abstract_len, int truncated, pg_dedup_keys *out,
                       uint64_t *seq, size_t cap, size_t *n_seq);

/* A newly stored text as its ingester already has it, so that placing it
 * needs no read-back, decompression or second normalisation.  The fields
 * are what pg_store_text_info() would give for a text seen once. */
/* A new text's abstract shingles as verification uses them (dedup/match.h's
 * pgd_feat), made where the text is prepared, off the writing thread (the
 * bottleneck of an ingest), from the shingling the keys need anyway: the
 * judged part's words and bytes, its shingle hashes (low 32 bits) in text
 * order and sorted without repeats. */
typedef struct pg_dedup_shingles {
    size_t words, judged_len;
    size_t n_seq, n_set;
    const uint32_t *seq, *set;
} pg_dedup_shingles;

/* Appends the shingles of a normalised abstract (which may lie in arena) to
 * arena, 4-byte aligned: the sequence at *at, the set after it.  Fills *sh,
 * whose seq and set are left NULL: the arena may move; point them at
 * arena->data + *at once it is done.  PG_ERR_NOMEM. */
pg_err pg_dedup_shingles_append(const char *abstract, size_t len, int truncated,
                                pg_buf *arena, size_t *at, pg_dedup_shingles *sh);
/* The distinct values of the low 32 bits of h[0..n): no more than the
 * distinct hashes, so no more than the distinct shingles they came from;
 * 0 when there is no memory to sort a copy. */
size_t pg_dedup_distinct(const uint64_t *h, size_t n);
/* Gives out's sketch the count of its abstract's distinct shingle hashes. */
void pg_dedup_keys_set_distinct(pg_dedup_keys *out, size_t distinct);
/* The same from the whole abstract's shingle hashes full[0..n_full) (as
 * pg_dedup_keys_seq gives them): a text not cut off is judged whole, so
 * its shingles are those; a cut-off one is shingled again without its last
 * word. */
pg_err pg_dedup_shingles_reuse(const char *abstract, size_t len, int truncated,
                               const uint64_t *full, size_t n_full, pg_buf *arena,
                               size_t *at, pg_dedup_shingles *sh);

typedef struct pg_dedup_text {
    pg_key key, norm_key;
    const char *title;          /* normalised (pg_normalize_key) */
    size_t title_len;
    const char *abstract;       /* normalised; "" when the text has none */
    size_t abstract_len;
    int truncated;
    int authors;                /* -1 when unknown */
    int year;                   /* publication year; 0 when unknown */
    const char *author_names;   /* as given, one per line; "" when unknown */
    const char *venue;          /* as given; "" when unknown */
    const char *const *urls;    /* canonical URLs, sorted, each once */
    size_t n_urls;
    const pg_dedup_keys *keys;  /* pg_dedup_keys_of() of the fields above
                                   when the caller has it; NULL: computed */
    const char *raw_title;      /* the title as given (its case tells coined
                                   names); NULL: the normalised title */
    size_t raw_title_len;
    const pg_dedup_shingles *shingles;  /* of the abstract, when the caller
                                           has them; NULL: computed */
    const char *raw_abstract;   /* the abstract as given (stored); NULL:
                                   not at hand */
    size_t raw_abstract_len;
    const void *packed_abstract;    /* the zstd frame of raw_abstract that
                                       pg_abstract_pack made for the store;
                                       NULL: none made */
    size_t packed_len;
    const void *record;         /* pg_dedup_record_make() of the fields
                                   above, made ahead; NULL: made here */
    size_t record_len;
} pg_dedup_text;

/* Appends to out the record the stage keeps of t (src/dedup/dedup.c): the
 * normalising it needs is work of the thread that prepares texts, not of
 * the one that places them, which then reads the record back instead (t's
 * own record, shingles and keys are not read).  PG_ERR_NOMEM. */
pg_err pg_dedup_record_make(const pg_dedup_text *t, pg_buf *out);

/* pg_dedup_add_text for a text described by t (copied; the caller keeps
 * ownership of t's strings), stored by pg_store_add_text in this
 * transaction and not placed since: this writes its cluster row, whether
 * pg_store_add_text wrote one (its own paper) or not (pg_text.unplaced). */
pg_err pg_dedup_add_new(pg_dedup *d, const pg_dedup_text *t, pg_error *err);

#endif
