/*
** keys.c: the candidate keys of a text: MinHash signatures and band keys
** of abstracts, blocking keys of titles (contract in dedup/internal.h).
**
** Why the pieces look as they do.  Numbers were measured on the arXiv JSONL
** cut (7,420 real abstracts and titles), DBLP-ACM, DBLP-Scholar and Cora
** (titles), and tools/gen_corpus.py corpora (100,000 entries); the unit
** test pins the behaviour on hand-written pairs.
**
** Abstract signatures.  Shingles are 3-word windows of the key, each hashed
** with pg_hash64: a changed sentence of ~20 words removes ~22 of ~250
** shingles, while unrelated real abstracts share 0.2% of them on average.
** The K = 96 MinHash values come from one permutation: the top 32 bits of a
** shingle hash pick a bin, the bin keeps its smallest hash, and an empty bin
** borrows the value of a bin chosen by a probe sequence fixed per bin
** (Shrivastava's optimal densification), so two texts borrow alike.  One
** hash and one compare per shingle: about 190 MB/s of key text with the
** bands, against 60 MB/s for 96 multiply-shift permutations.
**
** Bands.  32 bands of 3 rows: a pair of Jaccard J is a candidate with
** probability 1 - (1 - J^3)^32: 0.999 at 0.6, 0.99 at 0.5, 0.88 at 0.4,
** 0.03 at 0.1 (related papers sharing sentences).  Two rows flooded: phrases
** like "large language models" own their bins in thousands of abstracts, so
** 64 x 2 gave 6,750 candidate pairs among the arXiv abstracts (one bucket of
** 57); 96 x 3 gives 21.  The lead key (first 12 words) makes a truncated
** abstract a candidate of its full text at any length; title keys cover
** revisions that the bands miss.
**
** Title keys.  Titles are short, so MinHash alone misses typos or floods on
** formulaic titles.  Keys: the content words (stop words dropped) joined
** without spaces; the same with each word deleted in turn (one-word edits,
** typos, "mentor lite" / "mentorlite"); the first and last 5 content words
** (added or cut subtitles: 4 words gave 7x the candidates for 5 more DBLP-ACM
** matches); 8 MinHash bands of 6 rows over the content words (48 x 6: 67
** arXiv candidate pairs; 32 x 4 gave 2,703).  Headings ("Editorial") get no
** key and short titles only the whole one: they merge on the abstract or an
** identical title.  All told, 130 candidate pairs among the 7,420 arXiv
** titles, and 2,172 of DBLP-ACM's 2,224 matches share a key.
**
** Verification is exact: shingle sets go into open-addressing tables (no
** sort, no allocation for abstracts under ~500 words), a truncated abstract
** loses its last, possibly partial, word, and every rule is symmetric, so
** the components of the "same" graph do not depend on arrival order.  The
** rules refuse what the benchmarks showed to be distinct: a group's
** companion paper with the same abstract under another title (arXiv
** 2506.07002 / 2506.09417: 93% of shingles, titles 12% similar), recurring
** columns ("Database principles", same author and year), conference and
** journal versions a year apart, "Part I" / "Part II" and errata.
*/
#include <string.h>

#include "dedup/internal.h"
#include "dedup/match.h"

/* Seeds: fixed forever for one PG_MINHASH_VERSION (band keys are stored). */
#define SEED_LEAD      0x70675f6c65616421ULL
#define SEED_BAND      0x70675f62616e6421ULL
#define SEED_DENSE     0x70675f64656e7365ULL
#define SEED_TITLE     0x70675f7469746c65ULL
#define SEED_TWORD     0x70675f74776f7264ULL

/* Title key kinds, mixed into the seed so that kinds never meet.  Deletion
 * keys are of the whole kind: a title with one word more then meets the
 * shorter title's whole key. */
enum { TK_WHOLE = 1, TK_PREFIX, TK_SUFFIX, TK_BAND };

#define TITLE_AFFIX_WORDS 5
#define TITLE_SHORT_WORDS 3     /* the default short_title_words */

/* ---- small helpers ------------------------------------------------------ */

/* splitmix64's finaliser: a cheap, well-mixing bijection on 64 bits. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}
/* ---- MinHash signatures ------------------------------------------------- */

/* The bin of a hash: its top 32 bits scaled to [0, K), so K need not be a
 * power of two and bins are contiguous ranges of hash values. */
static uint32_t bin_of(uint64_t h)
{
    return (uint32_t)(((h >> 32) * PG_MINHASH_K) >> 32);
}

/* Fills empty bins from non-empty ones.  Bin i probes bins in a sequence
 * that depends on i only, so two texts fill bin i from the same bin and the
 * estimate stays unbiased (Shrivastava, ICML 2017). */
static void densify(uint64_t *v, const unsigned char *filled)
{
    uint64_t src[PG_MINHASH_K];
    memcpy(src, v, sizeof src);
    for (uint32_t i = 0; i < PG_MINHASH_K; i++) {
        if (filled[i])
            continue;
        uint32_t j = i;
        for (uint64_t t = 1; t <= 64 * PG_MINHASH_K; t++) {
            j = bin_of(mix64(SEED_DENSE ^ ((uint64_t)i << 32) ^ t));
            if (filled[j])
                break;
        }
        /* Practically never: a fixed scan keeps the loop bounded. */
        while (!filled[j])
            j = (j + 1) % PG_MINHASH_K;
        v[i] = src[j];
    }
}

static uint64_t lead_key(const char *key, size_t len)
{
    size_t pos = 0, w, n = 0, first = 0, end = 0;
    while ((w = pgd_next_word(key, len, &pos)) > 0) {
        if (n == 0)
            first = pos;
        pos += w;
        if (++n == PG_LEAD_WORDS)
            end = pos;
        if (n > PG_LEAD_WORDS)
            break;
    }
    /* More words than hashed: a truncated text's partial last word is then
     * never part of its lead key. */
    if (n <= PG_LEAD_WORDS)
        return 0;
    uint64_t h = pg_hash64(key + first, end - first, SEED_LEAD);
    return h ? h : 1;
}

void pg_minhash_compute(const char *key, size_t len, pg_minhash *out)
{
    pg_minhash_compute_seq(key, len, out, NULL, 0, NULL);
}

void pg_minhash_compute_seq(const char *key, size_t len, pg_minhash *out,
                            uint64_t *seq, size_t cap, size_t *n_seq)
{
    unsigned char filled[PG_MINHASH_K];
    pgd_shingler it;
    uint64_t h;

    memset(out, 0, sizeof *out);
    memset(filled, 0, sizeof filled);
    for (uint32_t i = 0; i < PG_MINHASH_K; i++)
        out->v[i] = UINT64_MAX;
    if (n_seq != NULL)
        *n_seq = 0;
    pgd_shingler_init(&it, key, len);
    while (pgd_shingler_next(&it, &h)) {
        if (n_seq != NULL && *n_seq < cap)
            seq[(*n_seq)++] = h;
        /* The top bits choose the bin; within a bin the smallest hash wins,
         * which is a min over the remaining (independent) bits. */
        uint32_t bin = bin_of(h);
        if (!filled[bin] || h < out->v[bin])
            out->v[bin] = h;
        filled[bin] = 1;
        out->shingles++;
    }
    if (out->shingles == 0)
        return;
    densify(out->v, filled);
    out->lead = lead_key(key, len);
    out->words = (uint32_t)pgd_count_words(key, len);
}

size_t pg_minhash_bands(const pg_minhash *m, uint64_t *bands)
{
    unsigned char row[8 * PG_MINHASH_ROWS];
    size_t n = 0;

    if (m->shingles == 0)
        return 0;
    for (uint32_t b = 0; b < PG_MINHASH_BANDS; b++) {
        for (uint32_t r = 0; r < PG_MINHASH_ROWS; r++)
            put_le64(row + 8 * r, m->v[b * PG_MINHASH_ROWS + r]);
        bands[n++] = pg_hash64(row, sizeof row, SEED_BAND + b);
    }
    if (m->lead)
        bands[n++] = m->lead;
    return n;
}

double pg_minhash_estimate(const pg_minhash *a, const pg_minhash *b)
{
    unsigned eq = 0;
    if (a->shingles == 0 || b->shingles == 0)
        return 0.0;
    for (uint32_t i = 0; i < PG_MINHASH_K; i++)
        eq += a->v[i] == b->v[i];
    return (double)eq / PG_MINHASH_K;
}

void pg_minhash_to_bytes(const pg_minhash *m, unsigned char out[PG_MINHASH_BYTES])
{
    put_le64(out, (uint64_t)m->shingles | (uint64_t)m->words << 32);
    put_le64(out + 8, m->lead);
    for (uint32_t i = 0; i < PG_MINHASH_K; i++)
        put_le64(out + 16 + 8 * i, m->v[i]);
}

pg_err pg_minhash_from_bytes(const unsigned char *in, size_t n, pg_minhash *m)
{
    if (n != PG_MINHASH_BYTES)
        return PG_ERR_FORMAT;
    uint64_t counts = get_le64(in);
    m->shingles = (uint32_t)counts;
    m->words = (uint32_t)(counts >> 32);
    m->lead = get_le64(in + 8);
    for (uint32_t i = 0; i < PG_MINHASH_K; i++)
        m->v[i] = get_le64(in + 16 + 8 * i);
    return PG_OK;
}

/* ---- title keys --------------------------------------------------------- */

/* Hashes words [from, to) except skip (pass (size_t)-1 for none), joined
 * without separators: "mentor lite" and "mentorlite" give the same key.
 * Streaming the words through a small buffer keeps this allocation-free. */
static uint64_t words_key(const pgd_title_words *t, size_t from, size_t to,
                          size_t skip, uint64_t kind)
{
    char buf[512];
    size_t n = 0;
    uint64_t h = SEED_TITLE ^ kind;
    for (size_t i = from; i < to; i++) {
        if (i == skip)
            continue;
        const pgd_span *w = &t->w[i];
        if (n + w->n > sizeof buf) {    /* flush: long titles chain hashes */
            h = pg_hash64(buf, n, h);
            n = 0;
        }
        size_t take = w->n < sizeof buf ? w->n : sizeof buf;
        memcpy(buf + n, w->p, take);
        n += take;
    }
    return pg_hash64(buf, n, h);
}

/* Classic MinHash over the content words (titles have few, so K hashes per
 * word cost nothing), cut into bands of PG_TITLE_ROWS. */
static size_t title_minhash_bands(const pgd_title_words *t, uint64_t *bands)
{
    uint64_t v[PG_TITLE_K];
    unsigned char row[8 * PG_TITLE_ROWS];
    size_t n = 0;

    for (size_t k = 0; k < PG_TITLE_K; k++)
        v[k] = UINT64_MAX;
    for (size_t i = 0; i < t->n; i++) {
        uint64_t h = pg_hash64(t->w[i].p, t->w[i].n, SEED_TWORD);
        for (size_t k = 0; k < PG_TITLE_K; k++) {
            uint64_t x = mix64(h + 0x9e3779b97f4a7c15ULL * (k + 1));
            if (x < v[k])
                v[k] = x;
        }
    }
    for (size_t b = 0; b < PG_TITLE_K / PG_TITLE_ROWS; b++) {
        for (size_t r = 0; r < PG_TITLE_ROWS; r++)
            put_le64(row + 8 * r, v[b * PG_TITLE_ROWS + r]);
        bands[n++] = pg_hash64(row, sizeof row, SEED_TITLE ^ ((uint64_t)TK_BAND << 32) ^ b);
    }
    return n;
}

/* The whole-title key of the core words when heading words were dropped:
 * "Information visualization" meets "Information Visualization, Guest
 * Editors' Foreword", two heading words away, which deletion keys (one
 * word) miss.  Of the whole kind, so it meets the plain title's key.
 * Writes 0 or 1 key. */
static size_t title_core_key(const pgd_title_words *t, uint64_t *bands)
{
    pgd_title_words core;
    pgd_title_core(t, &core);
    if (core.n == t->n)
        return 0;
    bands[0] = words_key(&core, 0, core.n, (size_t)-1, (uint64_t)TK_WHOLE << 32);
    return 1;
}

size_t pg_title_bands(const char *key, size_t len, uint64_t *bands)
{
    pgd_title_words t;
    size_t n = 0;
    const size_t none = (size_t)-1;

    pgd_title_split(key, len, &t);
    /* A heading ("Editorial") never merges on its title: its keys would
     * only pile up candidates that the abstracts then tell apart. */
    if (t.n == 0 || pgd_title_is_generic(&t))
        return 0;
    bands[n++] = words_key(&t, 0, t.n, none, (uint64_t)TK_WHOLE << 32);
    n += title_core_key(&t, bands + n);
    /* A short title merges on an identical title only; deleting a word
     * from it would leave keys as common as "language models". */
    if (t.n <= TITLE_SHORT_WORDS)
        return n;
    for (size_t i = 0; i < t.n; i++)
        bands[n++] = words_key(&t, 0, t.n, i, (uint64_t)TK_WHOLE << 32);
    if (t.n >= TITLE_AFFIX_WORDS) {
        bands[n++] = words_key(&t, 0, TITLE_AFFIX_WORDS, none, (uint64_t)TK_PREFIX << 32);
        bands[n++] = words_key(&t, t.n - TITLE_AFFIX_WORDS, t.n, none,
                               (uint64_t)TK_SUFFIX << 32);
        /* The first and last 4 words as whole titles: a title of 4 words
         * meets its version with a subtitle added ("Observations on the
         * ODMG-93 Proposal" and "... for an object-oriented database
         * language"), and two long titles that open alike meet. */
        bands[n++] = words_key(&t, 0, TITLE_AFFIX_WORDS - 1, none, (uint64_t)TK_WHOLE << 32);
        bands[n++] = words_key(&t, t.n - (TITLE_AFFIX_WORDS - 1), t.n, none,
                               (uint64_t)TK_WHOLE << 32);
    }
    n += title_minhash_bands(&t, bands + n);
    return n;
}

