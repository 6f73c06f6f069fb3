/*
** cluster.c: candidate keys, the same-paper decision, union-find and the
** canonical choice (see cluster.h for the contract).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/internal.h"

/* Seeds: fixed forever for one PG_MINHASH_VERSION (band keys are stored). */
#define SEED_SHINGLE   0x70675f7368696e67ULL  /* "pg_shing" */
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
#define SHINGLE_STACK 2048      /* hash slots on the stack for verification */
/* A title whose core words are all in the other's, without abstracts:
 * least title similarity and author overlap to merge (see subtitle_ok). */
#define SUBSET_TITLE_SIM 0.80
#define SUBSET_AUTHORS 0.80

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

/* Advances *pos past spaces and returns the length of the word there (0 at
 * the end).  Keys use single spaces, but runs are tolerated. */
static size_t next_word(const char *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    while (i < len && s[i] == ' ')
        i++;
    *pos = i;
    const char *sp = i < len ? memchr(s + i, ' ', len - i) : NULL;
    return sp ? (size_t)(sp - (s + i)) : len - i;
}

static size_t count_words(const char *s, size_t len)
{
    size_t n = 0, pos = 0, w;
    while ((w = next_word(s, len, &pos)) > 0) {
        n++;
        pos += w;
    }
    return n;
}

/* The length of s without its last word (and the spaces before it): what a
 * truncated abstract is sure to contain. */
static size_t drop_last_word(const char *s, size_t len)
{
    while (len > 0 && s[len - 1] == ' ')
        len--;
    while (len > 0 && s[len - 1] != ' ')
        len--;
    while (len > 0 && s[len - 1] == ' ')
        len--;
    return len;
}

/* ---- shingles ----------------------------------------------------------- */

/* Walks the PG_SHINGLE_WORDS-word windows of a key.  A key with fewer words
 * yields one shingle, the whole key, so that short texts still compare. */
typedef struct shingler {
    const char *s;
    size_t len;
    size_t pos;
    size_t words;
    size_t start[PG_SHINGLE_WORDS];     /* ring of word starts */
    int done;
} shingler;

static void shingler_init(shingler *it, const char *s, size_t len)
{
    memset(it, 0, sizeof *it);
    it->s = s;
    it->len = s ? len : 0;
}

static int shingler_next(shingler *it, uint64_t *h)
{
    size_t w;
    while (!it->done && (w = next_word(it->s, it->len, &it->pos)) > 0) {
        it->start[it->words % PG_SHINGLE_WORDS] = it->pos;
        it->pos += w;
        it->words++;
        if (it->words >= PG_SHINGLE_WORDS) {
            size_t first = it->start[(it->words - PG_SHINGLE_WORDS) % PG_SHINGLE_WORDS];
            *h = pg_hash64(it->s + first, it->pos - first, SEED_SHINGLE);
            return 1;
        }
    }
    if (!it->done && it->words > 0 && it->words < PG_SHINGLE_WORDS) {
        it->done = 1;
        *h = pg_hash64(it->s + it->start[0], it->pos - it->start[0], SEED_SHINGLE);
        return 1;
    }
    it->done = 1;
    return 0;
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
    while ((w = next_word(key, len, &pos)) > 0) {
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
    unsigned char filled[PG_MINHASH_K];
    shingler it;
    uint64_t h;

    memset(out, 0, sizeof *out);
    memset(filled, 0, sizeof filled);
    for (uint32_t i = 0; i < PG_MINHASH_K; i++)
        out->v[i] = UINT64_MAX;
    shingler_init(&it, key, len);
    while (shingler_next(&it, &h)) {
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
    out->words = (uint32_t)count_words(key, len);
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

/* ---- title words -------------------------------------------------------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

static int span_cmp_str(span w, const char *s)
{
    size_t sl = strlen(s);
    int c = memcmp(w.p, s, w.n < sl ? w.n : sl);
    return c ? c : (w.n < sl ? -1 : w.n > sl);
}

static int in_list(span w, const char *const *list, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = span_cmp_str(w, list[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Function words that carry nothing about which paper a title names.
 * Sorted (binary search). */
static const char *const stop_words[] = {
    "a", "about", "after", "against", "all", "among", "an", "and", "any",
    "are", "as", "at", "be", "before", "between", "beyond", "both", "but",
    "by", "can", "do", "does", "during", "each", "for", "from", "how", "in",
    "into", "is", "it", "its", "more", "most", "no", "not", "of", "on",
    "or", "our", "over", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "towards", "under", "upon", "using", "via", "vs", "was", "we",
    "were", "what", "when", "which", "while", "who", "why", "will", "with",
    "within", "without", "you", "your",
};

/* Words of section headings and recurring columns: a title made only of
 * these ("Editor's notes", "Guest editorial", "Book review column") names a
 * kind of text, not a paper.  Sorted. */
static const char *const generic_words[] = {
    "abstract", "abstracts", "acknowledgement", "acknowledgements",
    "acknowledgment", "acknowledgments", "addendum", "address",
    "announcement", "announcements", "answer", "articles", "award",
    "awards", "back", "biographies", "biography", "book", "books", "call",
    "calls", "chair", "chairman", "chairs", "closing", "column", "columns",
    "comment", "comments", "committee", "conclusion", "conclusions",
    "contents", "contributors", "correction", "corrections",
    "correspondence", "corrigendum", "cover", "dedication", "director",
    "discussion", "editor", "editorial", "editorials", "editors", "errata",
    "erratum", "foreword", "forum", "front", "guest", "index", "interview",
    "introduction", "invited", "issue", "keynote", "letter", "letters",
    "matter", "memoriam", "message", "messages", "minutes", "miscellaneous",
    "news", "note", "notes", "obituary", "opening", "overview", "panel",
    "paper", "papers", "preface", "press", "proceedings", "program",
    "referees", "remarks", "reply", "report", "reports", "response",
    "retraction", "review", "reviewers", "reviews", "secretary", "section",
    "session", "special", "summary", "surveys", "table", "talk", "title",
    "trade", "treasurer", "tribute", "tutorial", "vice", "volume",
    "welcome",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int is_stop(span w)
{
    /* Single letters are possessive "s", initials, list markers; single
     * digits are kept: "GPT 3" and "GPT 4" are different papers. */
    if (w.n == 1 && !(w.p[0] >= '0' && w.p[0] <= '9'))
        return 1;
    return in_list(w, stop_words, NELEM(stop_words));
}

/* The content words of a title (at most max); all its words when every word
 * is a stop word, so that "What is it" still has words. */
typedef struct title_words {
    span w[PG_TITLE_WORDS_MAX];
    size_t n;
} title_words;

static void title_split(const char *s, size_t len, title_words *t)
{
    size_t pos = 0, n;
    t->n = 0;
    while ((n = next_word(s, len, &pos)) > 0) {
        span w = { s + pos, n };
        pos += n;
        if (!is_stop(w) && t->n < PG_TITLE_WORDS_MAX)
            t->w[t->n++] = w;
    }
    if (t->n > 0)
        return;
    pos = 0;
    while ((n = next_word(s, len, &pos)) > 0 && t->n < PG_TITLE_WORDS_MAX) {
        t->w[t->n].p = s + pos;
        t->w[t->n++].n = n;
        pos += n;
    }
}

static int title_is_generic(const title_words *t)
{
    if (t->n == 0)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (!in_list(t->w[i], generic_words, NELEM(generic_words)))
            return 0;
    return 1;
}

/* ---- title keys --------------------------------------------------------- */

/* Hashes words [from, to) except skip (pass (size_t)-1 for none), joined
 * without separators: "mentor lite" and "mentorlite" give the same key.
 * Streaming the words through a small buffer keeps this allocation-free. */
static uint64_t words_key(const title_words *t, size_t from, size_t to,
                          size_t skip, uint64_t kind)
{
    char buf[512];
    size_t n = 0;
    uint64_t h = SEED_TITLE ^ kind;
    for (size_t i = from; i < to; i++) {
        if (i == skip)
            continue;
        const span *w = &t->w[i];
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
static size_t title_minhash_bands(const title_words *t, uint64_t *bands)
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

static void title_core(const title_words *t, title_words *core);

/* The whole-title key of the core words when heading words were dropped:
 * "Information visualization" meets "Information Visualization, Guest
 * Editors' Foreword", two heading words away, which deletion keys (one
 * word) miss.  Of the whole kind, so it meets the plain title's key.
 * Writes 0 or 1 key. */
static size_t title_core_key(const title_words *t, uint64_t *bands)
{
    title_words core;
    title_core(t, &core);
    if (core.n == t->n)
        return 0;
    bands[0] = words_key(&core, 0, core.n, (size_t)-1, (uint64_t)TK_WHOLE << 32);
    return 1;
}

size_t pg_title_bands(const char *key, size_t len, uint64_t *bands)
{
    title_words t;
    size_t n = 0;
    const size_t none = (size_t)-1;

    title_split(key, len, &t);
    /* A heading ("Editorial") never merges on its title: its keys would
     * only pile up candidates that the abstracts then tell apart. */
    if (t.n == 0 || title_is_generic(&t))
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
    }
    n += title_minhash_bands(&t, bands + n);
    return n;
}

/* ---- shingle sets for verification -------------------------------------- */

/* An open-addressing set of 64-bit hashes (0 marks an empty slot; a zero
 * hash is stored as 1).  Hashes are already uniform, so the low bits index. */
typedef struct hset {
    uint64_t *slot;
    size_t mask;
    size_t n;
} hset;

static size_t hset_slots(size_t items)
{
    size_t s = 16;
    while (s < 2 * items)
        s *= 2;
    return s;
}

static void hset_init(hset *s, uint64_t *mem, size_t slots)
{
    memset(mem, 0, slots * sizeof *mem);
    s->slot = mem;
    s->mask = slots - 1;
    s->n = 0;
}

/* Returns 1 when h was not in the set. */
static int hset_add(hset *s, uint64_t h)
{
    h = h ? h : 1;
    for (size_t i = (size_t)h & s->mask;; i = (i + 1) & s->mask) {
        if (s->slot[i] == h)
            return 0;
        if (s->slot[i] == 0) {
            s->slot[i] = h;
            s->n++;
            return 1;
        }
    }
}

static int hset_has(const hset *s, uint64_t h)
{
    h = h ? h : 1;
    for (size_t i = (size_t)h & s->mask;; i = (i + 1) & s->mask) {
        if (s->slot[i] == h)
            return 1;
        if (s->slot[i] == 0)
            return 0;
    }
}

/* What two abstracts share. */
typedef struct abs_cmp {
    size_t words_a, words_b;    /* words judged (after dropping a partial one) */
    size_t na, nb, inter;       /* distinct shingles and common ones */
    size_t prefix_words;        /* see pg_match_result */
    int equal;                  /* byte-identical keys */
} abs_cmp;

/* 1 when s[0..n) is a word-aligned prefix of t[0..m). */
static int word_prefix(const char *s, size_t n, const char *t, size_t m)
{
    return n > 0 && n <= m && memcmp(s, t, n) == 0 && (n == m || t[n] == ' ');
}

static void abs_prefix(const char *a, size_t la, const char *b, size_t lb,
                       abs_cmp *c)
{
    /* Either may be the cut one: a missing "..." marker must not hide it. */
    if (la <= lb && word_prefix(a, la, b, lb))
        c->prefix_words = c->words_a;
    else if (lb < la && word_prefix(b, lb, a, la))
        c->prefix_words = c->words_b;
}

static void abs_count(const char *a, size_t la, const char *b, size_t lb,
                      uint64_t *mem, size_t slots_a, abs_cmp *c)
{
    hset sa, sb;
    shingler it;
    uint64_t h;
    size_t slots_b = hset_slots(c->words_b + 1);

    hset_init(&sa, mem, slots_a);
    hset_init(&sb, mem + slots_a, slots_b);
    shingler_init(&it, a, la);
    while (shingler_next(&it, &h))
        hset_add(&sa, h);
    shingler_init(&it, b, lb);
    while (shingler_next(&it, &h))
        if (hset_add(&sb, h) && hset_has(&sa, h))
            c->inter++;
    c->na = sa.n;
    c->nb = sb.n;
}

static pg_err compare_abstracts(const pg_match_item *a, const pg_match_item *b,
                                abs_cmp *c)
{
    uint64_t stack[SHINGLE_STACK];
    uint64_t *mem = stack;
    size_t la = a->truncated ? drop_last_word(a->abstract, a->abstract_len)
                             : a->abstract_len;
    size_t lb = b->truncated ? drop_last_word(b->abstract, b->abstract_len)
                             : b->abstract_len;

    memset(c, 0, sizeof *c);
    c->equal = a->abstract_len == b->abstract_len
               && memcmp(a->abstract, b->abstract, a->abstract_len) == 0;
    c->words_a = count_words(a->abstract, la);
    c->words_b = count_words(b->abstract, lb);
    abs_prefix(a->abstract, la, b->abstract, lb, c);

    size_t slots_a = hset_slots(c->words_a + 1);
    size_t slots = slots_a + hset_slots(c->words_b + 1);
    if (slots > SHINGLE_STACK) {
        mem = malloc(slots * sizeof *mem);
        if (mem == NULL)
            return PG_ERR_NOMEM;
    }
    abs_count(a->abstract, la, b->abstract, lb, mem, slots_a, c);
    if (mem != stack)
        free(mem);
    return PG_OK;
}

/* ---- title similarity --------------------------------------------------- */

static int span_eq(span x, span y)
{
    return x.n == y.n && memcmp(x.p, y.p, x.n) == 0;
}

/* Title words compare without a plural "s" ("cube", "cubes"). */
static int word_eq(span x, span y)
{
    if (x.n > 3 && x.p[x.n - 1] == 's')
        x.n--;
    if (y.n > 3 && y.p[y.n - 1] == 's')
        y.n--;
    return span_eq(x, y);
}

/* Distinct words of t that also occur in u, and distinct words of t. */
static void word_overlap(const title_words *t, const title_words *u,
                         size_t *common, size_t *distinct)
{
    *common = 0;
    *distinct = 0;
    for (size_t i = 0; i < t->n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = word_eq(t->w[i], t->w[j]);
        if (dup)
            continue;
        (*distinct)++;
        for (size_t j = 0; j < u->n; j++)
            if (word_eq(t->w[i], u->w[j])) {
                (*common)++;
                break;
            }
    }
}

/* 1 when the words of s are the first or the last words of t: a subtitle
 * added or cut ("X" and "X: a tutorial"). */
static int words_affix(const title_words *s, const title_words *t)
{
    int pre = s->n <= t->n, suf = s->n <= t->n;
    for (size_t i = 0; i < s->n && (pre || suf); i++) {
        pre = pre && word_eq(s->w[i], t->w[i]);
        suf = suf && word_eq(s->w[i], t->w[t->n - s->n + i]);
    }
    return pre || suf;
}

#define EDIT_MAX 300

/* 1 - Levenshtein distance / longer length, over bytes; -1 when a title is
 * too long to bother (token Jaccard then decides alone). */
static double edit_similarity(const char *a, size_t la, const char *b, size_t lb)
{
    unsigned row[EDIT_MAX + 1];
    if (la > EDIT_MAX || lb > EDIT_MAX)
        return -1.0;
    if (la == 0 && lb == 0)
        return 1.0;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return 1.0 - (double)row[lb] / (double)(la > lb ? la : lb);
}

/* Words that make a different document of the same title: "Erratum: X",
 * "Reply to X".  Sorted. */
static const char *const marker_words[] = {
    "addendum", "comment", "comments", "correction", "corrections",
    "corrigendum", "errata", "erratum", "rejoinder", "reply", "response",
    "retraction", "supplement", "supplementary",
};

/* Roman numerals of parts and volumes; "i", "v" and "x" only after
 * "part" (alone they are words or initials). */
static const char *const roman_words[] = {
    "ii", "iii", "iv", "ix", "vi", "vii", "viii", "xi", "xii",
};

static int is_number(span w)
{
    for (size_t i = 0; i < w.n; i++)
        if (w.p[i] < '0' || w.p[i] > '9')
            return 0;
    return w.n > 0;
}

/* A word that tells documents of one title apart, and the word before it. */
typedef struct mark {
    span w;
    span prev;          /* n == 0 at the start of the title */
} mark;

/* Collects the words that tell documents of one title apart: numbers
 * ("Llama 2", "Llama 3"), part numbers and marker words. */
static size_t title_marks(const char *s, size_t len, mark *out, size_t max)
{
    size_t pos = 0, n, k = 0;
    int after_part = 0;
    span prev = { s, 0 };
    while ((n = next_word(s, len, &pos)) > 0 && k < max) {
        span w = { s + pos, n };
        pos += n;
        if (is_number(w) || in_list(w, roman_words, NELEM(roman_words))
            || in_list(w, marker_words, NELEM(marker_words)) || after_part) {
            out[k].w = w;
            out[k++].prev = prev;
        }
        after_part = n == 4 && memcmp(w.p, "part", 4) == 0;
        prev = w;
    }
    return k;
}

/* 1 when the title s has the word m.prev + m.w written as one: "sql3" in
 * one title is "sql 3" in the other, the same number. */
static int glued_in(const char *s, size_t len, const mark *m)
{
    size_t pos = 0, n;
    if (m->prev.n == 0 || !is_number(m->w))
        return 0;
    while ((n = next_word(s, len, &pos)) > 0) {
        if (n == m->prev.n + m->w.n && memcmp(s + pos, m->prev.p, m->prev.n) == 0
            && memcmp(s + pos + m->prev.n, m->w.p, m->w.n) == 0)
            return 1;
        pos += n;
    }
    return 0;
}

static int marks_differ(const pg_match_item *a, const mark *x, size_t nx,
                        const pg_match_item *b, const mark *y, size_t ny)
{
    for (int pass = 0; pass < 2; pass++) {
        const mark *p = pass ? y : x, *q = pass ? x : y;
        const pg_match_item *other = pass ? a : b;
        size_t np = pass ? ny : nx, nq = pass ? nx : ny;
        for (size_t i = 0; i < np; i++) {
            int found = 0;
            for (size_t j = 0; j < nq && !found; j++)
                found = span_eq(p[i].w, q[j].w);
            if (!found && !glued_in(other->title, other->title_len, &p[i]))
                return 1;
        }
    }
    return 0;
}

static int title_marks_conflict(const pg_match_item *a, const pg_match_item *b)
{
    mark ma[16], mb[16];
    size_t na = title_marks(a->title, a->title_len, ma, 16);
    size_t nb = title_marks(b->title, b->title_len, mb, 16);
    return marks_differ(a, ma, na, b, mb, nb);
}

/* The core of a title: its content words without heading words, so that
 * "X (panel abstract)" and "X: panel session" compare as "X".  A title made
 * of heading words only keeps them. */
static void title_core(const title_words *t, title_words *core)
{
    core->n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!in_list(t->w[i], generic_words, NELEM(generic_words)))
            core->w[core->n++] = t->w[i];
    if (core->n == 0)
        *core = *t;
}

typedef struct title_cmp {
    double sim;             /* core word Jaccard, or edit similarity when 0.8+ */
    size_t words_min;       /* distinct core words of the shorter title */
    size_t words_max;       /* ... of the longer one */
    int affix;              /* one core is the start or end of the other */
    int subset;             /* every core word of one title is in the other */
    int equal;              /* byte-identical keys */
    int generic;            /* either title is a heading ("Editorial") */
    int is_short;           /* either title has few content words */
    int marks_conflict;     /* numbers, parts or erratum/reply words differ */
} title_cmp;

static void compare_titles(const pg_match_item *a, const pg_match_item *b,
                           size_t short_words, title_cmp *c)
{
    title_words ta, tb, ca_, cb_;
    size_t ca, da, cb, db;

    title_split(a->title, a->title_len, &ta);
    title_split(b->title, b->title_len, &tb);
    title_core(&ta, &ca_);
    title_core(&tb, &cb_);
    word_overlap(&ca_, &cb_, &ca, &da);
    word_overlap(&cb_, &ca_, &cb, &db);
    /* ca == cb unless a word repeats; min keeps the measure symmetric. */
    size_t common = ca < cb ? ca : cb;
    size_t uni = da + db - common;
    double jac = uni ? (double)common / (double)uni : 0.0;
    /* The quadratic edit distance is for typos and joined words; titles of
     * three or more words sharing under a quarter of them are not that.
     * Below 0.8 it mostly measures a shared phrase ("... for optical
     * flow"), which the word Jaccard already counts. */
    size_t fewest = da < db ? da : db;
    double ed = jac >= 0.25 || fewest <= 2
                ? edit_similarity(a->title, a->title_len, b->title, b->title_len) : -1.0;
    if (ed < 0.8)
        ed = -1.0;

    c->equal = a->title_len == b->title_len
               && (a->title_len == 0 || memcmp(a->title, b->title, a->title_len) == 0);
    c->sim = c->equal ? 1.0 : (ed > jac ? ed : jac);
    c->words_min = fewest;
    c->words_max = da < db ? db : da;
    c->affix = ca_.n <= cb_.n ? words_affix(&ca_, &cb_) : words_affix(&cb_, &ca_);
    c->subset = (da > 0 && ca == da) || (db > 0 && cb == db);
    c->generic = title_is_generic(&ta) || title_is_generic(&tb);
    c->is_short = ta.n <= short_words || tb.n <= short_words;
    c->marks_conflict = !c->equal && title_marks_conflict(a, b);
}

/* ---- metadata ----------------------------------------------------------- */

/* A surname: the last word of a name that is longer than an initial. */
static span surname(const char *name)
{
    span best = { name, 0 }, last = { name, 0 };
    size_t len = strlen(name), pos = 0, n;
    while ((n = next_word(name, len, &pos)) > 0) {
        span w = { name + pos, n };
        last = w;
        if (n > 1)
            best = w;
        pos += n;
    }
    return best.n ? best : last;
}

static int name_has_word(const char *name, span w)
{
    size_t len = strlen(name), pos = 0, n;
    while ((n = next_word(name, len, &pos)) > 0) {
        span x = { name + pos, n };
        if (span_eq(x, w))
            return 1;
        pos += n;
    }
    return 0;
}

/* Author and URL lists are compared pairwise: long ones are cut. */
#define LIST_MAX 64

/* Share of x's surnames found among any word of y's names: word order in
 * names ("Zhang Wei", "Wei Zhang") does not matter. */
static double surnames_found(const char *const *x, size_t nx,
                             const char *const *y, size_t ny)
{
    size_t found = 0, used = 0;
    for (size_t i = 0; i < nx && i < LIST_MAX; i++) {
        span s = surname(x[i]);
        if (s.n == 0)
            continue;
        used++;
        for (size_t j = 0; j < ny && j < LIST_MAX; j++)
            if (name_has_word(y[j], s)) {
                found++;
                break;
            }
    }
    return used ? (double)found / (double)used : -1.0;
}

static double author_overlap(const pg_match_item *a, const pg_match_item *b)
{
    if (a->names == NULL || b->names == NULL || a->n_names == 0 || b->n_names == 0)
        return -1.0;
    double ab = surnames_found(a->names, a->n_names, b->names, b->n_names);
    double ba = surnames_found(b->names, b->n_names, a->names, a->n_names);
    return ab > ba ? ab : ba;
}

static int author_count(const pg_match_item *x)
{
    if (x->authors >= 1)
        return x->authors;
    return x->names && x->n_names ? (int)x->n_names : -1;
}

/* Counts that cannot be one author list: off by 3 or more and by half. */
static int authors_conflict(const pg_match_item *a, const pg_match_item *b)
{
    int x = author_count(a), y = author_count(b);
    if (x < 1 || y < 1)
        return 0;
    int lo = x < y ? x : y, hi = x < y ? y : x;
    return hi - lo >= 3 && 2 * hi >= 3 * lo;
}

static size_t shared_urls(const pg_match_item *a, const pg_match_item *b)
{
    size_t n = 0;
    if (a->urls == NULL || b->urls == NULL)
        return 0;
    for (size_t i = 0; i < a->n_urls && i < LIST_MAX; i++)
        for (size_t j = 0; j < b->n_urls && j < LIST_MAX; j++)
            if (a->urls[i] && b->urls[j] && strcmp(a->urls[i], b->urls[j]) == 0) {
                n++;
                break;
            }
    return n;
}

/* ---- the decision ------------------------------------------------------- */

const char *const pg_match_rules[] = {
    "exact-text",
    "same-abstract",
    "truncated-prefix",
    "truncated-revised",
    "revised-title",
    "revised-version",
    "revised-abstract",
    "year-conflict",
    "authors-conflict",
    "generic-title-different-abstract",
    "same-title-different-abstract",
    "similar-abstract-different-title",
    "related-paper-shared-sentences",
    "shared-link-only",
    "different-abstract",
    "title+metadata",
    "short-title+metadata",
    "short-title-no-metadata",
    "generic-title-no-abstract",
    "title-marker-conflict",
    "different-title",
    "no-title",
    NULL
};

void pg_match_opts_default(pg_match_opts *o)
{
    o->min_abstract_words = 20;     /* "No abstract available." is not text evidence */
    o->min_prefix_words = 8;        /* a cut-off abstract this long and a near-equal title */
    o->long_prefix_words = 40;      /* about two sentences: enough with a revised title */
    o->same_abstract = 0.80;        /* a rewritten title; shared paragraphs stay below 0.5 */
    o->revised_abstract = 0.45;     /* about half the sentences rewritten */
    o->revised_title = 0.50;
    o->renamed_title = 0.50;        /* lower it to merge retitled versions;
                                     * companion papers score 0.1-0.4 */
    o->same_title_abstract = 0.25;  /* unrelated abstracts share under 0.05 */
    o->truncated_containment = 0.80;
    o->truncated_same_title = 0.60;  /* a cut text with a sentence rewritten */
    o->overwhelming = 0.90;
    o->title_only = 0.90;           /* typos and punctuation, not a different word */
    o->author_overlap = 0.50;
    o->year_slack = 1;              /* listing dates without a year are inferred */
    o->title_only_year_slack = 0;   /* 2224/2224 DBLP-ACM matches agree on the year;
                                     * conference and journal versions differ by 1-2 */
    o->short_title_words = 3;
}

/* Everything a rule looks at. */
typedef struct evidence {
    const pg_match_opts *o;
    const pg_match_item *a, *b;
    title_cmp t;
    abs_cmp ab;
    int have_abs;           /* both have an abstract */
    int abs_ok;             /* both abstracts long enough to judge */
    double jac, cont;
    int year_gap;           /* -1 when a year is unknown */
    double names;           /* author overlap, -1 unknown */
    int count_conflict;
} evidence;

static pg_err gather(evidence *e, const pg_match_item *a, const pg_match_item *b,
                     const pg_match_opts *o)
{
    pg_err rc = PG_OK;
    memset(e, 0, sizeof *e);
    e->o = o;
    e->a = a;
    e->b = b;
    e->jac = e->cont = -1.0;
    compare_titles(a, b, o->short_title_words, &e->t);
    e->year_gap = a->year > 0 && b->year > 0 ? abs(a->year - b->year) : -1;
    e->names = author_overlap(a, b);
    e->count_conflict = authors_conflict(a, b);
    e->have_abs = a->abstract && a->abstract_len && b->abstract && b->abstract_len;
    if (!e->have_abs)
        return PG_OK;
    rc = compare_abstracts(a, b, &e->ab);
    if (rc != PG_OK)
        return rc;
    size_t uni = e->ab.na + e->ab.nb - e->ab.inter;
    size_t small = e->ab.na < e->ab.nb ? e->ab.na : e->ab.nb;
    e->jac = uni ? (double)e->ab.inter / (double)uni : 0.0;
    e->cont = small ? (double)e->ab.inter / (double)small : 0.0;
    e->abs_ok = e->ab.words_a >= o->min_abstract_words
                && e->ab.words_b >= o->min_abstract_words;
    return PG_OK;
}

static void verdict(pg_match_result *r, int same, const char *rule)
{
    r->same = same;
    r->rule = rule;
}

static const char *metadata_conflict(const evidence *e, int slack)
{
    if (e->year_gap > slack)
        return "year-conflict";
    /* Names beat counts: bibliographies cut long author lists. */
    if (e->names >= 0.0)
        return e->names < e->o->author_overlap ? "authors-conflict" : NULL;
    if (e->count_conflict)
        return "authors-conflict";
    return NULL;
}

/* The positive rules for two abstracts, strongest first; NULL when none. */
static const char *abstract_positive(const evidence *e)
{
    const pg_match_opts *o = e->o;
    const title_cmp *t = &e->t;
    int truncated = e->a->truncated || e->b->truncated;
    size_t need_long = t->generic || t->is_short ? o->long_prefix_words : o->min_prefix_words;

    if (e->ab.prefix_words >= need_long
        && (t->sim >= o->title_only
            || (t->sim >= o->revised_title && e->ab.prefix_words >= o->long_prefix_words)))
        return "truncated-prefix";
    /* A cut-off old version against a full new one: what the cut text has
     * left is mostly in the other, less so when sentences were rewritten. */
    if (truncated && e->ab.inter >= o->min_prefix_words
        && ((e->cont >= o->truncated_containment && t->sim >= o->revised_title)
            || (e->cont >= o->truncated_same_title && t->sim >= o->title_only
                && !t->generic && !t->is_short)))
        return "truncated-revised";
    if (!e->abs_ok)
        return NULL;
    /* Near-identical abstracts under unrelated titles are a group's two
     * papers (a workshop version, a companion paper), not a new version:
     * seen on arXiv, 93% of shingles in common, titles 12% similar. */
    if (e->jac >= o->same_abstract && t->sim >= o->renamed_title)
        return t->sim >= o->revised_title ? "revised-version" : "revised-title";
    if (e->jac >= o->revised_abstract && t->sim >= o->revised_title)
        return "revised-version";
    if (e->jac >= o->same_title_abstract && t->sim >= o->title_only
        && !t->generic && !t->is_short)
        return "revised-abstract";
    return NULL;
}

static const char *abstract_negative(const evidence *e, const pg_match_result *r)
{
    if (e->jac >= e->o->revised_abstract && e->t.sim < e->o->revised_title)
        return "similar-abstract-different-title";
    if (e->t.sim >= e->o->title_only)
        return e->t.generic || e->t.is_short ? "generic-title-different-abstract"
                                             : "same-title-different-abstract";
    if (e->ab.inter > 0 && (e->cont >= 0.05 || e->ab.inter >= 8))
        return "related-paper-shared-sentences";
    if (r->shared_urls > 0)
        return "shared-link-only";
    return "different-abstract";
}

/* Both texts have an abstract.  Returns 0 when the abstracts are too short
 * to say anything and the title rules must decide. */
static int decide_abstracts(const evidence *e, pg_match_result *r)
{
    const char *pos;

    if (e->ab.equal && e->abs_ok && e->t.sim >= e->o->renamed_title) {
        verdict(r, 1, e->t.equal ? "exact-text" : "same-abstract");
        return 1;
    }
    pos = abstract_positive(e);
    if (pos) {
        const char *conflict = metadata_conflict(e, e->o->year_slack);
        /* "Llama 2" and "Llama 3" reports may share much of an abstract. */
        if (conflict == NULL && e->t.marks_conflict)
            conflict = "title-marker-conflict";
        if (conflict && e->jac < e->o->overwhelming)
            verdict(r, 0, conflict);
        else
            verdict(r, 1, pos);
        return 1;
    }
    if (!e->abs_ok) {
        /* Two real openings without a phrase in common are two papers,
         * whatever the titles say. */
        if (e->ab.words_a >= e->o->min_prefix_words && e->ab.words_b >= e->o->min_prefix_words
            && e->ab.inter == 0 && e->ab.prefix_words == 0) {
            verdict(r, 0, "different-abstract");
            return 1;
        }
        return 0;
    }
    verdict(r, 0, abstract_negative(e, r));
    return 1;
}

/* Titles that differ by more than typos may still be one paper's when one
 * has words the other lacks and the metadata says so. */
static int subtitle_ok(const evidence *e)
{
    const title_cmp *t = &e->t;
    /* A cut or added subtitle is fine when the authors say so too, and
     * what is left is most of the title. */
    if (t->affix && t->words_min >= 4 && 2 * t->words_min >= t->words_max
        && e->names >= e->o->author_overlap)
        return 1;
    /* A word or two dropped inside the title ("bulk incremental updates",
     * "bulk updates"; "workflow management systems", "workflow systems"):
     * DBLP and ACM shorten titles so.  Nothing may be added, the authors
     * must be nearly the same and the year equal; short titles are left to
     * their stricter rule. */
    return t->subset && t->sim >= SUBSET_TITLE_SIM && !t->is_short
           && e->names >= SUBSET_AUTHORS && e->year_gap == 0;
}

/* At least one record has no usable abstract: title and metadata only. */
static void decide_title(const evidence *e, pg_match_result *r)
{
    const pg_match_opts *o = e->o;
    const title_cmp *t = &e->t;
    int agree_names = e->names >= o->author_overlap;
    const char *conflict;

    if (e->a->title_len == 0 || e->b->title_len == 0) {
        verdict(r, 0, "no-title");
        return;
    }
    if (t->generic) {
        verdict(r, 0, "generic-title-no-abstract");
        return;
    }
    if (t->marks_conflict) {
        verdict(r, 0, "title-marker-conflict");
        return;
    }
    int title_ok = t->sim >= o->title_only || subtitle_ok(e);
    if (!title_ok) {
        verdict(r, 0, "different-title");
        return;
    }
    conflict = metadata_conflict(e, o->title_only_year_slack);
    if (conflict) {
        verdict(r, 0, conflict);
        return;
    }
    if (t->is_short) {
        /* Recurring columns ("Database principles") share title, year and
         * author: ask for every piece of metadata to agree.  The same core
         * words are enough of a title: "Indexing multimedia databases" and
         * "... (Tutorial)" differ by a heading word only. */
        int counts_equal = author_count(e->a) >= 1
                           && author_count(e->a) == author_count(e->b);
        int names_ok = e->names < 0.0 || agree_names;
        int ok = t->sim >= 1.0 && e->year_gap == 0 && counts_equal && names_ok;
        verdict(r, ok, ok ? "short-title+metadata" : "short-title-no-metadata");
        return;
    }
    verdict(r, 1, "title+metadata");
}

static void explain(const evidence *e, pg_match_result *r)
{
    char abs[96] = "", meta[96] = "";

    if (e->have_abs && e->ab.equal)
        snprintf(abs, sizeof abs, "identical abstracts (%zu words)", e->ab.words_a);
    else if (e->have_abs && e->ab.prefix_words)
        snprintf(abs, sizeof abs, "a cut-off abstract is the other's first %zu words",
                 e->ab.prefix_words);
    else if (e->have_abs)
        snprintf(abs, sizeof abs, "abstracts share %.0f%% of 3-word shingles"
                 " (%.0f%% of the smaller)", 100.0 * e->jac, 100.0 * e->cont);
    else
        snprintf(abs, sizeof abs, "no abstract on %s",
                 e->a->abstract_len || e->b->abstract_len ? "one side" : "either side");
    if (e->year_gap > 0)
        snprintf(meta, sizeof meta, ", years %d and %d", e->a->year, e->b->year);
    if (e->names >= 0.0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta),
                 ", %.0f%% common authors", 100.0 * e->names);
    else if (e->count_conflict)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta),
                 ", %d vs %d authors", author_count(e->a), author_count(e->b));
    snprintf(r->why, sizeof r->why, "%s: %s; titles %s (%.0f%% similar)%s%s",
             r->same ? "same paper" : "different papers", abs,
             e->t.equal ? "identical" : "differ", 100.0 * e->t.sim, meta,
             e->t.generic ? ", generic title" : "");
}

pg_err pg_match_decide(const pg_match_item *a, const pg_match_item *b,
                       const pg_match_opts *o, pg_match_result *r)
{
    pg_match_opts def;
    evidence e;
    pg_err rc;

    memset(r, 0, sizeof *r);
    if (o == NULL) {
        pg_match_opts_default(&def);
        o = &def;
    }
    rc = gather(&e, a, b, o);
    if (rc != PG_OK) {
        verdict(r, 0, "different-abstract");
        snprintf(r->why, sizeof r->why, "out of memory while comparing");
        return rc;
    }
    r->abstract_jaccard = e.jac;
    r->containment = e.cont;
    r->prefix_words = e.ab.prefix_words;
    r->title_sim = e.t.sim;
    r->author_overlap = e.names;
    r->shared_urls = shared_urls(a, b);
    if (!e.have_abs || !decide_abstracts(&e, r))
        decide_title(&e, r);
    explain(&e, r);
    return PG_OK;
}

/* ---- union-find --------------------------------------------------------- */

struct pg_uf {
    size_t *parent;
    size_t n;
    size_t cap;
};

pg_err pg_uf_new(size_t n, pg_uf **out)
{
    pg_uf *u = calloc(1, sizeof *u);
    *out = NULL;
    if (u == NULL)
        return PG_ERR_NOMEM;
    if (pg_uf_grow(u, n) != PG_OK) {
        free(u);
        return PG_ERR_NOMEM;
    }
    *out = u;
    return PG_OK;
}

pg_err pg_uf_grow(pg_uf *u, size_t n)
{
    if (n <= u->n)
        return PG_OK;
    if (n > u->cap) {
        size_t cap = u->cap ? u->cap : 16;
        while (cap < n) {
            if (cap > (size_t)-1 / 2 / sizeof(size_t))
                return PG_ERR_NOMEM;
            cap *= 2;
        }
        size_t *p = realloc(u->parent, cap * sizeof *p);
        if (p == NULL)
            return PG_ERR_NOMEM;
        u->parent = p;
        u->cap = cap;
    }
    for (size_t i = u->n; i < n; i++)
        u->parent[i] = i;
    u->n = n;
    return PG_OK;
}

size_t pg_uf_count(const pg_uf *u)
{
    return u->n;
}

size_t pg_uf_find(pg_uf *u, size_t x)
{
    /* Path halving: every other node on the way points to its grandparent. */
    while (u->parent[x] != x) {
        u->parent[x] = u->parent[u->parent[x]];
        x = u->parent[x];
    }
    return x;
}

size_t pg_uf_union(pg_uf *u, size_t a, size_t b)
{
    size_t ra = pg_uf_find(u, a), rb = pg_uf_find(u, b);
    /* The smaller root wins, so the representative is the set's minimum
     * whatever the order of unions (at the price of union by rank; path
     * halving keeps finds short in practice). */
    if (ra < rb) {
        u->parent[rb] = ra;
        return ra;
    }
    u->parent[ra] = rb;
    return rb;
}

void pg_uf_free(pg_uf *u)
{
    if (u == NULL)
        return;
    free(u->parent);
    free(u);
}

pg_err pg_uf_min_keys(pg_uf *u, const pg_key *keys, size_t *rep)
{
    size_t *best = malloc((u->n ? u->n : 1) * sizeof *best);
    if (best == NULL)
        return PG_ERR_NOMEM;
    for (size_t x = 0; x < u->n; x++)
        best[x] = (size_t)-1;
    for (size_t x = 0; x < u->n; x++) {
        size_t r = pg_uf_find(u, x);
        if (best[r] == (size_t)-1 || pg_key_cmp(keys[x], keys[best[r]]) < 0)
            best[r] = x;
    }
    for (size_t x = 0; x < u->n; x++)
        rep[x] = best[pg_uf_find(u, x)];
    free(best);
    return PG_OK;
}

/* ---- canonical text ----------------------------------------------------- */

/* Larger is better for each criterion; the first that differs decides. */
static int cmp_desc(long long x, long long y)
{
    return x > y ? -1 : x < y;
}

int pg_variant_cmp(const pg_variant *a, const pg_variant *b)
{
    int c;
    if ((c = cmp_desc(a->abstract_len > 0, b->abstract_len > 0)) != 0)
        return c;
    if ((c = cmp_desc(!a->truncated, !b->truncated)) != 0)
        return c;
    /* Unknown dates (0) sort as the oldest: a dated version is the newer. */
    if ((c = cmp_desc(a->date, b->date)) != 0)
        return c;
    if ((c = cmp_desc(a->occurrences, b->occurrences)) != 0)
        return c;
    if ((c = cmp_desc(a->upvotes, b->upvotes)) != 0)
        return c;
    if ((c = cmp_desc(a->authors >= 0, b->authors >= 0)) != 0)
        return c;
    return pg_key_cmp(a->key, b->key);
}

size_t pg_canonical_pick(const pg_variant *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (pg_variant_cmp(&v[i], &v[best]) < 0)
            best = i;
    return best;
}
