/*
** sketch.c: a text's sketch, kept with its band keys, and the test that
** rules a candidate out by sketches alone (both texts' sketches say that
** no rule of pg_match_decide can find them the same).
*/
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "dedup/internal.h"
#include "dedup/match.h"
#include "dedup/sketch.h"

/* A text's sketch, kept with its band keys: enough to rule out a candidate
 * whose abstract shares too little with ours for any rule, without reading
 * and normalising it (most candidates are such, and a read
 * costs far more than a sketch).  Stored as SKETCH_BYTES: version, flags
 * (bit 0: truncated; bits 1-7: the distinct shingles' share of the words in
 * 127ths, rounded down, 0 in sketches made before it was kept), the
 * title's mark (LE16: 0 unknown, written before the
 * mark was kept; odd: 16 bits of the whole-title key of a title of 4 or more
 * content words; 2: a shorter title, or none; 4: a shorter title with a
 * coined name, which older builds read as 2), words (LE32), hash of the
 * opening
 * SKETCH_OPENING_WORDS words (LE64), then the low 16 bits of each MinHash
 * value (LE16; the top bits of a value name its bin), then (version 2) 32
 * bits of the hash of the first 16, 32, 64 and 128 words (LE32 each, 0 when
 * the text is shorter): two texts that open alike may still be told apart
 * as no prefix of each other without reading them, which matters where
 * abstracts open with boilerplate.  Version 1 sketches (without those
 * hashes) are still read.  Version 3 adds the title's words (below). */
#define SKETCH_VERSION 3
#define SKETCH_V1_BYTES (16 + 2 * PG_MINHASH_K)
#define SKETCH_V2_BYTES (SKETCH_V1_BYTES + 4 * SKETCH_PREFIXES)
#define SKETCH_OPENING_WORDS 8
#define SKETCH_BYTES PG_DEDUP_SKETCH_BYTES
#define SKETCH_SEED 0x736b65746368ULL
/* Title marks other than the odd ones (a long title's key). */
#define MARK_SHORT 2
#define MARK_NAMED 4

/* Hash of the first n words of a normalised key (words split by spaces). */
static uint64_t opening_hash(const char *key, size_t len, size_t n)
{
    size_t i = 0, words = 0;
    while (i < len && words < n) {
        while (i < len && key[i] != ' ')
            i++;
        words++;
        if (i < len && words < n)
            i++;
    }
    return pg_hash64(key, i, SKETCH_SEED);
}

/* The hashes of the first 16 << i words of key, 0 past its end. */
static void prefix_hashes(const char *key, size_t len, uint32_t *out)
{
    size_t i = 0, words = 0, next = 0;
    memset(out, 0, SKETCH_PREFIXES * sizeof *out);
    while (i < len && next < SKETCH_PREFIXES) {
        while (i < len && key[i] == ' ')
            i++;
        if (i == len)
            break;
        while (i < len && key[i] != ' ')
            i++;
        if (++words == (size_t)16 << next) {
            uint32_t h = (uint32_t)pg_hash64(key, i, SKETCH_SEED + 1 + next);
            out[next++] = h ? h : 1;
        }
    }
}

/* distinct shingles of `words` words in 127ths, rounded down: a text has
 * fewer shingles than words. */
static uint8_t distinct_share(size_t distinct, size_t words)
{
    if (words == 0)
        return 0;
    return (uint8_t)(distinct >= words ? 127 : distinct * 127 / words);
}

static void sketch_from(const pg_minhash *m, const char *abstract, size_t len,
                        int truncated, size_t distinct, sketch *out)
{
    memset(out, 0, sizeof *out);
    if (m->shingles == 0)
        return;
    out->valid = 1;
    out->truncated = truncated != 0;
    out->words = m->words;
    out->distinct = distinct_share(distinct, m->words);
    out->opening = opening_hash(abstract, len, SKETCH_OPENING_WORDS);
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        out->v[i] = (uint16_t)m->v[i];
    out->has_prefixes = 1;
    prefix_hashes(abstract, len, out->prefix);
}

/* The stored flags byte: bit 0 truncated, bits 1-7 the distinct share. */
static unsigned char flags_byte(int truncated, uint8_t distinct)
{
    return (unsigned char)((truncated ? 1 : 0) | (distinct & 0x7f) << 1);
}

/* The stored count of words (LE32 at byte 4). */
static uint32_t stored_words(const unsigned char *b)
{
    uint32_t words = 0;
    for (int i = 3; i >= 0; i--)
        words = words << 8 | b[4 + i];
    return words;
}

void pgd_sketch_to_bytes(const sketch *k, unsigned char *b)
{
    memset(b, 0, SKETCH_BYTES);
    b[0] = SKETCH_VERSION;
    b[1] = flags_byte(k->truncated, k->distinct);
    b[2] = (unsigned char)k->title;
    b[3] = (unsigned char)(k->title >> 8);
    for (int i = 0; i < 4; i++)
        b[4 + i] = (unsigned char)(k->words >> (8 * i));
    for (int i = 0; i < 8; i++)
        b[8 + i] = (unsigned char)(k->opening >> (8 * i));
    for (size_t i = 0; i < PG_MINHASH_K; i++) {
        b[16 + 2 * i] = (unsigned char)k->v[i];
        b[17 + 2 * i] = (unsigned char)(k->v[i] >> 8);
    }
    for (size_t i = 0; i < SKETCH_PREFIXES; i++)
        for (int j = 0; j < 4; j++)
            b[SKETCH_V1_BYTES + 4 * i + j] = (unsigned char)(k->prefix[i] >> (8 * j));
    b[SKETCH_V2_BYTES] = k->n_tw;
    b[SKETCH_V2_BYTES + 1] = k->n_core;
    for (size_t i = 0; i < SKETCH_TITLE_WORDS; i++) {
        b[SKETCH_V2_BYTES + 2 + 2 * i] = (unsigned char)k->tw[i];
        b[SKETCH_V2_BYTES + 3 + 2 * i] = (unsigned char)(k->tw[i] >> 8);
    }
}

void pgd_sketch_bytes_mark_named(unsigned char *b)
{
    if (b[2] == MARK_SHORT && b[3] == 0)
        b[2] = MARK_NAMED;
}

void pgd_sketch_bytes_set_distinct(unsigned char *b, size_t distinct)
{
    b[1] = flags_byte(b[1] & 1, distinct_share(distinct, stored_words(b)));
}

void pgd_sketch_from_bytes(const unsigned char *b, size_t n, sketch *k)
{
    memset(k, 0, sizeof *k);
    if (!(n == SKETCH_BYTES && b[0] == SKETCH_VERSION) && !(n == SKETCH_V2_BYTES && b[0] == 2)
        && !(n == SKETCH_V1_BYTES && b[0] == 1))
        return;
    k->valid = 1;
    k->truncated = b[1] & 1;
    k->distinct = (uint8_t)(b[1] >> 1);
    k->title = (uint16_t)(b[2] | b[3] << 8);
    k->words = stored_words(b);
    for (int i = 7; i >= 0; i--)
        k->opening = k->opening << 8 | b[8 + i];
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        k->v[i] = (uint16_t)(b[16 + 2 * i] | b[17 + 2 * i] << 8);
    if (n >= SKETCH_V2_BYTES) {
        k->has_prefixes = 1;
        for (size_t i = 0; i < SKETCH_PREFIXES; i++)
            for (int j = 3; j >= 0; j--)
                k->prefix[i] = k->prefix[i] << 8 | b[SKETCH_V1_BYTES + 4 * i + j];
    }
    if (n == SKETCH_BYTES) {
        k->n_tw = b[SKETCH_V2_BYTES];
        k->n_core = b[SKETCH_V2_BYTES + 1];
        if (k->n_tw > SKETCH_TITLE_WORDS && k->n_tw != SKETCH_TW_MANY)
            k->n_tw = 0;            /* not ours: no title evidence */
        for (size_t i = 0; i < SKETCH_TITLE_WORDS; i++)
            k->tw[i] = (uint16_t)(b[SKETCH_V2_BYTES + 2 + 2 * i]
                                  | b[SKETCH_V2_BYTES + 3 + 2 * i] << 8);
    }
}

/* The words of k's abstract that are judged: a cut-off one without its
 * last word, which may be cut too. */
static size_t judged_words(const sketch *k)
{
    return k->truncated && k->words > 0 ? k->words - 1 : k->words;
}

/* 1 when neither abstract can be a word prefix of the other: they differ in
 * their first 16 << i words for the largest such count both have in what
 * is judged. */
static int no_prefix(const sketch *a, const sketch *b)
{
    if (!a->has_prefixes || !b->has_prefixes)
        return 0;
    size_t wa = judged_words(a), wb = judged_words(b);
    size_t k = wa < wb ? wa : wb;
    for (int i = SKETCH_PREFIXES - 1; i >= 0; i--)
        if (((size_t)16 << i) <= k)
            return a->prefix[i] != b->prefix[i];
    return 0;
}

/* 1 when the MinHash estimate of a's and b's Jaccard is far below floor.
 * "Far": 0.15 under it, about 3.4 standard deviations of the estimate at
 * K = 96, so a pair at the threshold is ruled out about 3 times in 10,000. */
static int jaccard_below(const sketch *a, const sketch *b, double floor)
{
    floor -= 0.15;
    if (floor <= 0.0)
        return 0;
    unsigned eq = 0;
    for (size_t i = 0; i < PG_MINHASH_K; i++)
        eq += a->v[i] == b->v[i];
    return (double)eq / PG_MINHASH_K < floor;
}

/* The fewest distinct shingles k's abstract is judged by: its share of
 * the words, less the one a cut-off text loses with its last word; 0 when
 * the share is unknown. */
static double distinct_least(const sketch *k)
{
    double n = (double)k->distinct * (double)k->words / 127.0 - 1.0;
    return k->distinct == 0 || n < 0.0 ? 0.0 : n;
}

/* The least Jaccard of two shingle sets of which the smaller has a share c
 * in the other.  With x shared, the smaller set's size s (at least the
 * smaller least distinct count) and the sizes summing to at most the two
 * word counts (a text has fewer shingles than words):
 * J = x / (n_a + n_b - x) >= c s / (words_a + words_b - c s).
 * 0 when a count is unknown. */
static double containment_floor(const sketch *a, const sketch *b, double c)
{
    double sa = distinct_least(a), sb = distinct_least(b);
    double s = sa < sb ? sa : sb;
    if (s <= 0.0)
        return 0.0;
    return c * s / ((double)a->words + (double)b->words - c * s);
}

static int title_scored(const sketch *a, const sketch *b);

/* 1 when no rule of pg_match_decide can find a and b the same: both have
 * abstracts long enough that the abstracts decide, their titles differ,
 * neither is a prefix of the other (no prefix rule: they open differently,
 * or differ later on), and the MinHash estimate of their Jaccard is far
 * below the lowest Jaccard any rule accepts.  Rules on containment
 * (truncated-revised, retitled-shared-name) accept a smaller text mostly
 * held in a larger one, whose Jaccard is low: their lowest Jaccard comes
 * from the least containment and the two lengths (containment_floor).  A
 * cut-off abstract, usually shorter than its full version, is thus ruled
 * out only when it shares too little even of that. */
static int same_text_rules_out(const sketch *a, const sketch *b, const pg_match_opts *o)
{
    int cut = a->truncated || b->truncated;
    /* An identical title is evidence whatever the abstracts share
     * (same-specific-title); a mark of 0 may hide one. */
    if (a->title == 0 || b->title == 0 || ((a->title & 1) && a->title == b->title))
        return 0;
    /* So is a title the same words in another order, or reworded. */
    if (title_scored(a, b))
        return 0;
    /* A cut-off text is judged without its last word. */
    size_t min_words = (o->min_abstract_words > 20 ? o->min_abstract_words : 20) + (cut ? 1 : 0);
    if (a->words < min_words || b->words < min_words
        || o->min_prefix_words < SKETCH_OPENING_WORDS
        || (a->opening == b->opening && !no_prefix(a, b)))
        return 0;
    double floor = o->same_title_abstract;
    if (o->revised_abstract < floor)
        floor = o->revised_abstract;
    if (o->same_abstract < floor)
        floor = o->same_abstract;
    /* The rules on containment accept a Jaccard the lower, the more the
     * lengths differ.  Without the shares (sketches made before they were
     * kept) a cut-off text is never ruled out. */
    double c = containment_floor(a, b, pgd_match_least_containment(o, cut));
    if (c <= 0.0 && cut)
        return 0;
    if (c > 0.0 && c < floor)
        floor = c;
    return jaccard_below(a, b, floor);
}


/* ---- the title's words (version 3) ---------------------------------------
**
** A candidate whose title shares no word with ours can be the same paper
** only by a rule that asks nothing of the titles, and those need a high
** Jaccard; where abstracts share sentences (boilerplate, a group's common
** paragraph), most candidates are such.  Every rule that looks at two
** titles needs a word of one in the other:
**   - word overlap, a subset, an affix, the same words (pgd_word_eq: equal
**     once a plural "s" is dropped from a word of 4 or more bytes);
**   - a reworded title (pgd_stem_eq: the shorter, 5 or more bytes, less its
**     last byte, starts the other);
**   - a name in both titles (pgd_phrase_in: its words in the other's title,
**     the last one perhaps with an "s"): a coined token, never a stop word,
**     or the title's head, its first one or two words;
**   - the edit similarity, computed only for titles of 2 or fewer core
**     words, or word Jaccard 0.25 or more.
** Each such pair of words starts with the same three bytes (or is the same
** shorter word, or, for a name, that word with an "s").  So the sketch keeps
** a 15-bit key of each title word's first three bytes (and of a short word
** without its "s"), marked when a rule may look for it in the other title:
** the words that are not stop words, and the first two.  Two titles share
** no word a rule can use when no marked key of either is among the other's
** keys; colliding keys only keep a candidate. */

static uint16_t word_key(const char *w, size_t n, int marked)
{
    uint64_t h = pg_hash64(w, n < 3 ? n : 3, SKETCH_SEED + 7);
    return (uint16_t)((h & 0x7fff) << 1 | (marked ? 1u : 0u));
}

static void title_words(const char *title, size_t len, sketch *out)
{
    size_t pos = 0, n, at = 0;
    pgd_title_words split, core;
    split.n = 0;
    out->n_tw = 0;
    out->n_core = 0;
    while (title != NULL && (n = pgd_next_word(title, len, &pos)) > 0) {
        pgd_span w = { title + pos, n };
        pos += n;
        int stop = pgd_is_stop(w);
        /* pgd_title_split's words, without looking each up again */
        if (!stop && split.n < PG_TITLE_WORDS_MAX)
            split.w[split.n++] = w;
        int marked = !stop || at < 2;
        int extra = n <= 3 && n >= 2 && w.p[n - 1] == 's';
        if (out->n_tw + 1 + extra > SKETCH_TITLE_WORDS) {
            out->n_tw = SKETCH_TW_MANY;
            return;
        }
        out->tw[out->n_tw++] = word_key(w.p, n, marked);
        if (extra)
            out->tw[out->n_tw++] = word_key(w.p, n - 1, marked);
        at++;
    }
    /* With no word but stop words, pgd_title_split keeps them all as its
     * words, and they are not marked here: no core count, no title test. */
    if (split.n == 0)
        return;
    pgd_title_core(&split, &core);
    size_t distinct = 0;
    for (size_t i = 0; i < core.n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = pgd_word_eq(core.w[i], core.w[j]);
        distinct += !dup;
    }
    out->n_core = (uint8_t)(distinct < 255 ? distinct : 255);
}

/* Marked word keys of a found among b's keys, counted with repeats; the
 * count stops at most. */
static size_t marked_found(const sketch *a, const sketch *b, size_t most)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_tw && n < most; i++) {
        int found = 0;
        for (size_t j = 0; (a->tw[i] & 1) && j < b->n_tw && !found; j++)
            found = (a->tw[i] >> 1) == (b->tw[j] >> 1);
        n += found;
    }
    return n;
}

/* 1 when a scored title rule may judge a and b: same-specific-title (the
 * same words) and reworded-title (every core word of one title has a
 * stem-mate in the other) merge on titles, names and vocabulary whatever
 * the abstracts share.  Both need every core word of one title to be
 * among the other's words by its first three bytes (as a stem-mate is,
 * and a plural), so a title with fewer marked words found in the other
 * than distinct core words is neither.  A heading is never scored, nor a
 * short title unless both carry a coined name ("Llama 2"): mark 2 is one
 * without, mark 4 (or odd, a long title) may be either.  A sketch without
 * title words may be scored. */
static int title_scored(const sketch *a, const sketch *b)
{
    if (a->title == MARK_SHORT || b->title == MARK_SHORT)
        return 0;
    if (a->n_tw == 0 || b->n_tw == 0 || a->n_tw == SKETCH_TW_MANY
        || b->n_tw == SKETCH_TW_MANY || a->n_core == 0 || b->n_core == 0)
        return 1;
    return marked_found(a, b, a->n_core) >= a->n_core
           || marked_found(b, a, b->n_core) >= b->n_core;
}

/* 1 when a and b have full title words, 3 or more core words each, and no
 * word a rule comparing titles could use (above): their title similarity
 * is then 0, and every rule that needs similar titles, an equal title, a
 * reworded one or a shared name fails under any positive threshold. */
static int titles_apart(const sketch *a, const sketch *b, const pg_match_opts *o)
{
    if (a->n_tw == 0 || b->n_tw == 0 || a->n_tw == SKETCH_TW_MANY
        || b->n_tw == SKETCH_TW_MANY || a->n_core < 3 || b->n_core < 3)
        return 0;
    if (!(o->revised_title > 0.0 && o->renamed_title > 0.0 && o->title_only > 0.0))
        return 0;
    return marked_found(a, b, 1) == 0 && marked_found(b, a, 1) == 0;
}

/* 1 when a and b, titles apart, both with abstracts long enough to be
 * judged (one word more, as a cut-off one is judged without its last), can
 * only be the same by a rule that asks nothing of titles: same-identifier
 * (Jaccard revised_abstract) and the near-identical abstracts of
 * revised-title (same_abstract); the prefix and truncation rules all need
 * similar titles. */
static int other_title_rules_out(const sketch *a, const sketch *b, const pg_match_opts *o)
{
    size_t min_words = (o->min_abstract_words > 20 ? o->min_abstract_words : 20) + 1;
    if (a->words < min_words || b->words < min_words || !titles_apart(a, b, o))
        return 0;
    double floor = o->revised_abstract < o->same_abstract ? o->revised_abstract
                                                           : o->same_abstract;
    return jaccard_below(a, b, floor);
}

int pgd_sketch_rules_out(const sketch *a, const sketch *b, const pg_match_opts *o)
{
    if (!a->valid || !b->valid)
        return 0;
    return same_text_rules_out(a, b, o) || other_title_rules_out(a, b, o);
}

void pgd_sketch_make(const pg_minhash *m, const char *title, size_t title_len,
                     uint16_t mark, const char *abstract, size_t len, int truncated,
                     size_t distinct, sketch *out)
{
    sketch_from(m, abstract, len, truncated, distinct, out);
    if (!out->valid)
        return;
    out->title = mark;
    title_words(title, title_len, out);
}
