/*
** sketch.h: a text's sketch (sketch.c), private to the dedup stage: what is
** kept of a text with its band keys so that a candidate can be ruled out
** without reading it.
*/
#ifndef PG_DEDUP_SKETCH_H
#define PG_DEDUP_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "papergraph/dedup.h"
#include "dedup/internal.h"

#define SKETCH_PREFIXES PG_DEDUP_SKETCH_PREFIXES  /* prefix hashes at 16 << i words */
#define SKETCH_TITLE_WORDS PG_DEDUP_SKETCH_TITLE_WORDS  /* title word keys kept, at most */
#define SKETCH_TW_MANY 0xff     /* n_tw: the title has more words than kept */

typedef struct sketch {
    int valid;                  /* 0: none (no abstract, or not stored) */
    int truncated;
    /* Distinct shingles as a share of the words, in 127ths, rounded down
     * (a lower bound); 0 unknown (a sketch made before it was kept). */
    uint8_t distinct;
    uint16_t title;             /* the title's mark (sketch.c) */
    uint32_t words;
    uint64_t opening;
    uint16_t v[PG_MINHASH_K];
    int has_prefixes;           /* 0: a version 1 sketch */
    uint32_t prefix[SKETCH_PREFIXES];
    /* Version 3: the title's words as keys of their first three bytes
     * (sketch.c), the low bit set on those a rule may look for in the
     * other title; n_tw 0 for an older sketch, SKETCH_TW_MANY for a title
     * of more words than kept.  n_core: distinct core words (0: unknown). */
    uint8_t n_tw, n_core;
    uint16_t tw[SKETCH_TITLE_WORDS];
} sketch;

/* The sketch of a text from its abstract's MinHash m (m->shingles 0: no
 * sketch) and its normalised title; mark is the title's mark, distinct the
 * abstract's distinct shingles or fewer (0: unknown). */
void pgd_sketch_make(const pg_minhash *m, const char *title, size_t title_len,
                     uint16_t mark, const char *abstract, size_t len, int truncated,
                     size_t distinct, sketch *out);
/* Marks the sketch written at b as of a short title with a coined name
 * (its mark 2 becomes 4; sketch.c says why). */
void pgd_sketch_bytes_mark_named(unsigned char *b);
/* Sets the distinct shingles of the sketch written at b (its count of
 * words is read there). */
void pgd_sketch_bytes_set_distinct(unsigned char *b, size_t distinct);
/* Writes k as PG_DEDUP_SKETCH_BYTES bytes. */
void pgd_sketch_to_bytes(const sketch *k, unsigned char *b);
/* Reads a sketch of any version from b[0..n); k->valid 0 when b is none. */
void pgd_sketch_from_bytes(const unsigned char *b, size_t n, sketch *k);
/* 1 when no rule of pg_match_decide under o can find the texts of a and b
 * the same (sketch.c says why each condition suffices). */
int pgd_sketch_rules_out(const sketch *a, const sketch *b, const pg_match_opts *o);

#endif
