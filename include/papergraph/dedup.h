/*
** dedup.h: the near-duplicate stage: which stored texts are the same paper.
**
** Each new text is fingerprinted (MinHash bands of its normalised abstract,
** blocking keys of its title), its candidates are the stored texts sharing a
** key, each candidate is verified by pg_match_decide(), and the text joins
** the paper of every candidate found the same (merging those papers).  A
** paper's id is the smallest normalised-text id among its texts, so the
** clusters and their ids do not depend on the order of ingestion.
**
** Runs inside the caller's store transaction (a file's, or `dedup`'s own).
*/
#ifndef PAPERGRAPH_DEDUP_H
#define PAPERGRAPH_DEDUP_H

#include "papergraph/cluster.h"
#include "papergraph/error.h"
#include "papergraph/store.h"

typedef struct pg_dedup pg_dedup;

typedef struct pg_dedup_stats {
    long long texts;        /* texts placed */
    long long candidates;   /* candidate pairs verified */
    long long ruled_out;    /* candidate pairs ruled out by their sketches,
                               unread: abstracts too different for any rule */
    long long same_paper;   /* candidates not verified: their paper was
                               matched already through another text */
    long long matches;      /* pairs found the same */
    long long merges;       /* papers merged into another */
} pg_dedup_stats;

/* A matcher over s with options o (NULL: the options saved in the store by
 * the last `dedup`, else the defaults).  Free with pg_dedup_free(). */
pg_err pg_dedup_new(pg_store *s, const pg_match_opts *o, pg_dedup **out,
                    pg_error *err);
void pg_dedup_free(pg_dedup *d);            /* NULL is a no-op */

/* The dedup stage of ingests into s (with the saved options): made on first
 * use and kept by the store (pg_store_attach) so that its cache of
 * candidates outlives one file; made again after any rollback or a
 * rebuild.  The store frees it; do not pg_dedup_free() it. */
pg_err pg_dedup_attached(pg_store *s, pg_dedup **out, pg_error *err);

/* Forgets the cached form of text: call when an occurrence of it is added,
 * since its metadata (authors, year, venue) may have changed. */
void pg_dedup_forget(pg_dedup *d, pg_key text);
const pg_match_opts *pg_dedup_opts(const pg_dedup *d);
const pg_dedup_stats *pg_dedup_stats_get(const pg_dedup *d);

/* Whether the store's band keys were made by this version of the key
 * functions (PG_MINHASH_VERSION, saved in the store).  Inside a write
 * transaction, a store without band keys yet is marked current.  Keys of
 * another version still work but miss some candidates: `papergraph dedup`
 * (pg_dedup_rebuild) recomputes them all. */
pg_err pg_dedup_keys_current(pg_dedup *d, int *current, pg_error *err);

/* Places a newly stored text in its paper, reading it back from the store.
 * A text is placed once (its band keys are written then; see
 * pg_store_add_bands). */
pg_err pg_dedup_add_text(pg_dedup *d, pg_key text, pg_error *err);

/* The index keys of one text: its band and blocking keys and its sketch
 * (a digest of its abstract's signature, stored with the keys to rule out
 * candidates without reading them).  Plain data, computed from the text
 * alone, so an ingester may compute it on another thread. */
#define PG_DEDUP_BANDS_MAX (PG_ABSTRACT_BANDS_MAX + PG_TITLE_BANDS_MAX)
#define PG_DEDUP_SKETCH_BYTES (16 + 2 * PG_MINHASH_K)
typedef struct pg_dedup_keys {
    uint64_t bands[PG_DEDUP_BANDS_MAX];
    size_t n_bands;
    int has_sketch;             /* 0: the text has no abstract to sketch */
    unsigned char sketch[PG_DEDUP_SKETCH_BYTES];
} pg_dedup_keys;

/* The keys of a text from its normalised title and abstract (pg_normalize_key;
 * abstract_len 0 when it has none) and its truncated flag. */
void pg_dedup_keys_of(const char *title, size_t title_len, const char *abstract,
                      size_t abstract_len, int truncated, pg_dedup_keys *out);

/* A newly stored text as its ingester already has it, so that placing it
 * needs no read-back, decompression or second normalisation.  The fields
 * are what pg_store_text_info() would give for a text seen once. */
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
} pg_dedup_text;

/* pg_dedup_add_text for a text described by t (copied; the caller keeps
 * ownership of t's strings), stored by pg_store_add_text in this
 * transaction and not placed since: its cluster is still its own paper. */
pg_err pg_dedup_add_new(pg_dedup *d, const pg_dedup_text *t, pg_error *err);

/* Recomputes every cluster with options o in one transaction and saves o as
 * the options of later ingests.  *st receives the counts. */
pg_err pg_dedup_rebuild(pg_store *s, const pg_match_opts *o,
                        pg_dedup_stats *st, pg_error *err);

/* Compares two stored texts as pg_dedup_add_text would. */
pg_err pg_dedup_compare(pg_dedup *d, pg_key a, pg_key b, pg_match_result *r,
                        pg_error *err);

#endif
