/*
** terms.c: words, stems, bigrams, TF-IDF vectors, top-k similar documents
** and group labels (see terms.h).  The only file that includes libstemmer.h.
**
** Memory and cache misses are the constraints at 100,000 abstracts, so the
** adding phase keeps as little as it can and touches few cache lines a token:
**
**   - every distinct folded word ("surface form") is interned once in a hash
**     table that also remembers whether it is a stop word and which stem it
**     has: each document token then costs one look-up, and the stemmer and
**     the stop list run once per distinct form, not once per token;
**   - stems are interned in a second table (word ids); a document is kept as
**     the sequence of its word ids with a BREAK marker where a phrase ends
**     (4 bytes a token), not as term vectors;
**   - bigrams are counted in a table keyed by the two word ids (16 bytes a
**     slot, no string), since most bigrams occur once and will be dropped.
**
** pg_terms_finish() then numbers the kept terms rarest first, builds the
** vectors from the word sequences and frees the sequences, the surface-form
** table and the big bigram table.  The similarity search accumulates dot
** products over the posting lists of a document's rarest terms (the classic
** inverted-index method) within a work budget, then completes the best
** candidates' scores with the document's remaining, commoner terms, which
** gives their exact cosine.
**
** Hash tables use open addressing with linear probing and 64-bit hashes;
** strings are compared only on a full hash match.  No global mutable state:
** the stemmer belongs to the object.
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "graph/internal.h"

#define TOKEN_MAX 64            /* longer runs are URLs, formulas or junk */
#define NONE UINT32_MAX         /* no word / no term */
#define STOP (UINT32_MAX - 1)   /* surface form of a stop word */
#define BREAK UINT32_MAX        /* phrase end in a word sequence */
#define MAX_DOCS (UINT32_MAX - 2)
#define EMPTY_KEY UINT64_MAX    /* free bigram slot (word ids < 2^32 - 1) */

/* English function words and abstract boilerplate, folded, sorted for
 * bsearch.  Only words that never help as half of a bigram belong here: a
 * stop word ends a phrase, so "model", "task", "data", "learning" are NOT in
 * the list ("language model" is a good term); when such a word is in too many
 * documents the df window drops it alone.  The boilerplate part ("propose",
 * "novel", "outperform", "github", ...) is what nearly every abstract says
 * about itself rather than about its subject. */
static const char *const stop_words[] = {
    "about", "above", "achieve", "achieved", "achieves", "achieving",
    "across", "additionally", "after", "afterwards", "again", "against", "al",
    "all", "almost", "alone", "along", "already", "also", "although",
    "always", "am", "among", "amongst", "an", "and", "another", "any",
    "anyhow", "anyone", "anything", "anyway", "anywhere", "approach",
    "approaches", "are", "aren", "around", "as", "at", "available", "based",
    "be", "became", "because", "become", "becomes", "becoming", "been",
    "before", "beforehand", "behind", "being", "below", "beside", "besides",
    "between", "beyond", "both", "but", "by", "can", "cannot", "com", "could",
    "couldn", "demonstrate", "demonstrated", "demonstrates", "demonstrating",
    "did", "didn", "different", "do", "does", "doesn", "doing", "don", "done",
    "down", "due", "during", "each", "effective", "effectively", "eg",
    "eight", "either", "else", "elsewhere", "enable", "enabled", "enables",
    "enabling", "enough", "especially", "et", "etc", "even", "ever", "every",
    "everyone", "everything", "everywhere", "except", "existing", "extensive",
    "extensively", "few", "finally", "five", "for", "four", "from", "further",
    "furthermore", "github", "had", "hadn", "has", "hasn", "have", "haven",
    "having", "he", "hence", "her", "here", "hereby", "herein", "hers",
    "herself", "him", "himself", "his", "how", "however", "html", "http",
    "https", "ie", "if", "in", "include", "includes", "including", "indeed",
    "into", "introduce", "introduced", "introduces", "introducing", "is",
    "isn", "it", "its", "itself", "just", "least", "less", "let", "leverage",
    "leverages", "leveraging", "many", "may", "me", "meanwhile", "method",
    "methods", "might", "more", "moreover", "most", "mostly", "much", "must",
    "my", "myself", "namely", "neither", "never", "nevertheless", "new",
    "nine", "no", "nor", "not", "nothing", "novel", "now", "of", "off",
    "often", "on", "once", "one", "only", "onto", "or", "org", "other",
    "others", "otherwise", "our", "ours", "ourselves", "out", "outperform",
    "outperformed", "outperforming", "outperforms", "over", "own", "paper",
    "papers", "particularly", "per", "perhaps", "present", "presented",
    "presenting", "presents", "propose", "proposed", "proposes", "proposing",
    "provide", "provided", "provides", "providing", "rather", "recent",
    "recently", "respectively", "result", "results", "same", "seven",
    "several", "she", "should", "shouldn", "show", "showed", "showing",
    "shown", "shows", "significantly", "since", "six", "so", "some",
    "somehow", "something", "sometimes", "somewhat", "sota", "specifically",
    "still", "such", "ten", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "thence", "there", "thereby", "therefore",
    "therein", "thereof", "these", "they", "this", "those", "though", "three",
    "through", "throughout", "thus", "to", "together", "too", "toward",
    "towards", "two", "typically", "under", "unless", "until", "up", "upon",
    "us", "use", "used", "uses", "using", "utilize", "utilized", "utilizes",
    "utilizing", "various", "very", "via", "was", "wasn", "we", "well",
    "were", "weren", "what", "whatever", "when", "whenever", "where",
    "whereas", "whereby", "wherein", "whether", "which", "while", "who",
    "whoever", "whole", "whom", "whose", "why", "will", "with", "within",
    "without", "won", "work", "works", "would", "wouldn", "www", "yet", "you",
    "your", "yours", "yourself", "yourselves",
};

static int stop_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* s[0..n) is a folded token, n <= TOKEN_MAX. */
static int is_stop(const char *s, size_t n)
{
    char z[TOKEN_MAX + 1];
    memcpy(z, s, n);
    z[n] = '\0';
    return bsearch(z, stop_words, sizeof stop_words / sizeof stop_words[0],
                   sizeof stop_words[0], stop_cmp) != NULL;
}

/* ---------------------------------------------------------------- helpers */

static uint64_t mix64(uint64_t x)        /* splitmix64 finaliser */
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* FNV-1a: tokens are short, so a byte loop is as fast as anything here. */
static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return mix64(h);
}

/* Returns p reallocated to hold at least need elements of elem bytes,
 * updating *cap, or NULL (p untouched) when out of memory. */
static void *grow_array(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 4 / elem)
            return NULL;
        c *= 2;
    }
    void *q = realloc(p, c * elem);
    if (q != NULL)
        *cap = c;
    return q;
}

static pg_err nomem(pg_error *err)
{
    return pg_error_set(err, PG_ERR_NOMEM, "terms: out of memory");
}

/* ------------------------------------------------------- string tables */

/* The general string table (stems): slots hold an entry index + 1, 0 free;
 * entries start with a struct skey. */

struct skey {                   /* first member of every string entry */
    uint64_t hash;
    uint32_t off, len;          /* bytes in the arena */
};

typedef struct word {           /* a stem */
    struct skey k;
    uint32_t df;                /* documents containing it */
    uint32_t cf;                /* occurrences (saturates) */
    uint32_t last;              /* last document counted in df, or NONE */
    uint32_t term;              /* kept term id after finish, or NONE */
    uint32_t surf_off, surf_len;    /* most frequent surface form */
} word;

typedef struct strtab {
    uint32_t *slots;            /* entry id + 1; 0 is free */
    size_t mask;                /* slot count - 1 */
    size_t n;                   /* entries */
} strtab;

static pg_err strtab_init(strtab *tab, size_t slots)
{
    tab->slots = calloc(slots, sizeof *tab->slots);
    tab->mask = slots - 1;
    tab->n = 0;
    return tab->slots ? PG_OK : PG_ERR_NOMEM;
}

static const struct skey *entry_key(const void *ents, size_t stride, uint32_t id)
{
    return (const struct skey *)(const void *)((const char *)ents + (size_t)id * stride);
}

/* Returns the slot holding s[0..n) or the free slot where it belongs. */
static size_t strtab_slot(const strtab *tab, const void *ents, size_t stride,
                          const char *arena, uint64_t h, const char *s, size_t n)
{
    size_t i = (size_t)h & tab->mask;
    for (;;) {
        uint32_t v = tab->slots[i];
        if (v == 0)
            return i;
        const struct skey *k = entry_key(ents, stride, v - 1);
        if (k->hash == h && k->len == n && memcmp(arena + k->off, s, n) == 0)
            return i;
        i = (i + 1) & tab->mask;
    }
}

/* Doubles the slots when the table is half full (linear probing degrades
 * fast above that). */
static pg_err strtab_reserve(strtab *tab, const void *ents, size_t stride)
{
    size_t slots = tab->mask + 1;
    if ((tab->n + 1) * 2 <= slots)
        return PG_OK;
    if (slots > SIZE_MAX / 2 / sizeof *tab->slots)
        return PG_ERR_NOMEM;
    uint32_t *ns = calloc(slots * 2, sizeof *ns);
    if (ns == NULL)
        return PG_ERR_NOMEM;
    size_t mask = slots * 2 - 1;
    for (uint32_t id = 0; id < tab->n; id++) {
        size_t i = (size_t)entry_key(ents, stride, id)->hash & mask;
        while (ns[i] != 0)
            i = (i + 1) & mask;
        ns[i] = id + 1;
    }
    free(tab->slots);
    tab->slots = ns;
    tab->mask = mask;
    return PG_OK;
}

/* ------------------------------------------------- surface-form table */

/*
** Every document token is looked up here, so the entries live in the slots
** themselves, 32 bytes each, with the first bytes of the string: a look-up
** of a word of up to 11 bytes reads one cache line (the general string
** table above costs a slot, an entry and the arena, three misses).
*/
#define HEAD 11

typedef struct fslot {
    uint64_t hash;
    uint32_t word;              /* its stem's word id, or STOP */
    uint32_t count;             /* occurrences in all documents */
    uint32_t off;               /* all its bytes in the arena */
    uint8_t len;                /* 0: free slot (tokens have >= 2 bytes) */
    char head[HEAD];            /* its first bytes */
} fslot;

typedef struct formtab {
    fslot *slots;
    size_t mask, n;
} formtab;

static pg_err formtab_init(formtab *tab, size_t slots)
{
    tab->slots = calloc(slots, sizeof *tab->slots);
    tab->mask = slots - 1;
    tab->n = 0;
    return tab->slots ? PG_OK : PG_ERR_NOMEM;
}

static void formtab_release(formtab *tab)
{
    free(tab->slots);
    memset(tab, 0, sizeof *tab);
}

/* The slot of s[0..n) (n <= TOKEN_MAX), or the free slot where it belongs. */
static fslot *formtab_slot(const formtab *tab, const char *arena, uint64_t h,
                           const char *s, size_t n)
{
    size_t i = (size_t)h & tab->mask, nh = n < HEAD ? n : HEAD;
    for (;; i = (i + 1) & tab->mask) {
        fslot *f = &tab->slots[i];
        if (f->len == 0)
            return f;
        if (f->hash == h && f->len == n && memcmp(f->head, s, nh) == 0
            && (n <= HEAD || memcmp(arena + f->off + HEAD, s + HEAD, n - HEAD) == 0))
            return f;
    }
}

/* Doubles the slots when half full. */
static pg_err formtab_reserve(formtab *tab)
{
    size_t slots = tab->mask + 1;
    if ((tab->n + 1) * 2 <= slots)
        return PG_OK;
    if (slots > SIZE_MAX / 2 / sizeof(fslot))
        return PG_ERR_NOMEM;
    formtab nt;
    if (formtab_init(&nt, slots * 2) != PG_OK)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < slots; i++) {
        const fslot *f = &tab->slots[i];
        if (f->len == 0)
            continue;
        size_t j = (size_t)f->hash & nt.mask;
        while (nt.slots[j].len != 0)
            j = (j + 1) & nt.mask;
        nt.slots[j] = *f;
    }
    nt.n = tab->n;
    free(tab->slots);
    *tab = nt;
    return PG_OK;
}

/* ------------------------------------------------------- bigram table */

typedef struct bislot {
    uint64_t key;               /* word1 << 32 | word2, or EMPTY_KEY */
    uint32_t df;                /* while adding: documents; kept table: term id */
    uint32_t last;              /* last document counted, or NONE */
} bislot;

typedef struct bitab {
    bislot *slots;
    size_t mask, n;
} bitab;

static uint64_t bikey(uint32_t w1, uint32_t w2)
{
    return (uint64_t)w1 << 32 | w2;
}

static pg_err bitab_init(bitab *tab, size_t slots)
{
    tab->slots = malloc(slots * sizeof *tab->slots);
    if (tab->slots == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < slots; i++)
        tab->slots[i].key = EMPTY_KEY;
    tab->mask = slots - 1;
    tab->n = 0;
    return PG_OK;
}

static void bitab_release(bitab *tab)
{
    free(tab->slots);
    tab->slots = NULL;
    tab->mask = tab->n = 0;
}

static bislot *bitab_slot(const bitab *tab, uint64_t key)
{
    size_t i = (size_t)mix64(key) & tab->mask;
    while (tab->slots[i].key != key && tab->slots[i].key != EMPTY_KEY)
        i = (i + 1) & tab->mask;
    return &tab->slots[i];
}

/* Returns the slot of key, or NULL when absent (or the table is empty). */
static const bislot *bitab_find(const bitab *tab, uint64_t key)
{
    if (tab->slots == NULL)
        return NULL;
    const bislot *s = bitab_slot(tab, key);
    return s->key == key ? s : NULL;
}

/* Grows at 70% full: slots are 16 bytes and most hold one-off bigrams, so
 * memory matters more here than a slightly longer probe. */
static pg_err bitab_reserve(bitab *tab)
{
    size_t slots = tab->mask + 1;
    if ((tab->n + 1) * 10 <= slots * 7)
        return PG_OK;
    if (slots > SIZE_MAX / 2 / sizeof(bislot))
        return PG_ERR_NOMEM;
    bitab nt;
    if (bitab_init(&nt, slots * 2) != PG_OK)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < slots; i++)
        if (tab->slots[i].key != EMPTY_KEY)
            *bitab_slot(&nt, tab->slots[i].key) = tab->slots[i];
    nt.n = tab->n;
    free(tab->slots);
    *tab = nt;
    return PG_OK;
}

/* ------------------------------------------------------------ the object */

typedef struct posting {        /* one (id, weight) of a vector or a list */
    uint32_t id;                /* term in a vector, document in a list */
    float w;                    /* together: one cache miss, not two */
} posting;

typedef struct term {           /* a kept term */
    uint32_t w1, w2;            /* word ids; w2 NONE for a single word */
    uint32_t df;
    float idf;
} term;

struct pg_terms {
    pg_terms_opts o;
    struct sb_stemmer *stemmer; /* NULL when not stemming */
    int finished;
    int failed;                 /* an allocation failed half-way */
    pg_buf arena;               /* every key and surface form, unterminated */

    formtab forms;              /* surface forms (freed by finish) */
    word *words;                /* stems */
    size_t words_cap;
    strtab word_tab;
    bitab bigrams;              /* while adding: all; after: the kept ones */

    uint32_t *seq;              /* word ids of all documents (freed by finish) */
    size_t seq_len, seq_cap;
    size_t *doc_seq;            /* document i is seq[doc_seq[i] .. doc_seq[i+1]) */
    size_t doc_cap;
    size_t n_docs;
    uint64_t n_tokens;          /* word occurrences in all documents */

    term *terms;                /* after finish */
    size_t n_terms;
    size_t *vec_start;          /* document i: vec[vec_start[i] .. [i + 1]) */
    posting *vec;               /* (term, L2-normalised TF-IDF weight),
                                   ascending terms in each document */
    float *doc_norm;            /* the norm each vector was divided by */
    size_t *post_start;         /* term j: post[post_start[j] .. [j + 1]) */
    posting *post;              /* (document, weight), ascending documents */
};

void pg_terms_opts_default(pg_terms_opts *o)
{
    o->stem = 1;
    o->bigrams = 1;
    o->max_df_ratio = 0.5;
    o->min_df = 2;
    o->bigram_assoc = 4.0;
    o->max_postings = 0;
}

static pg_err check_opts(const pg_terms_opts *o, pg_error *err)
{
    if (!(o->max_df_ratio > 0.0 && o->max_df_ratio <= 1.0))
        return pg_error_set(err, PG_ERR_USAGE,
                            "terms: max_df_ratio %g is not in (0, 1]", o->max_df_ratio);
    if (!(o->bigram_assoc >= 0.0))
        return pg_error_set(err, PG_ERR_USAGE, "terms: bigram_assoc must be >= 0");
    if (o->min_df < 1)
        return pg_error_set(err, PG_ERR_USAGE, "terms: min_df must be at least 1");
    return PG_OK;
}

pg_err pg_terms_new(const pg_terms_opts *o, pg_terms **out, pg_error *err)
{
    pg_err rc = PG_OK;
    pg_terms *t = NULL;
    pg_terms_opts def;

    *out = NULL;
    if (o == NULL) {
        pg_terms_opts_default(&def);
        o = &def;
    }
    if ((rc = check_opts(o, err)) != PG_OK)
        goto out;
    if ((t = calloc(1, sizeof *t)) == NULL) {
        rc = nomem(err);
        goto out;
    }
    t->o = *o;
    pg_buf_init(&t->arena);
    if (formtab_init(&t->forms, 1024) != PG_OK
        || strtab_init(&t->word_tab, 1024) != PG_OK
        || bitab_init(&t->bigrams, 1024) != PG_OK
        || (t->doc_seq = calloc(16, sizeof *t->doc_seq)) == NULL) {
        rc = nomem(err);
        goto out;
    }
    t->doc_cap = 16;
    if (o->stem && (t->stemmer = sb_stemmer_new("english", NULL)) == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "terms: cannot create the English stemmer");
        goto out;
    }
    *out = t;
    t = NULL;
out:
    pg_terms_free(t);
    return rc;
}

/* Frees what only the adding phase needs. */
static void free_adding(pg_terms *t)
{
    formtab_release(&t->forms);
    free(t->seq);
    t->seq = NULL;
    t->seq_len = t->seq_cap = 0;
    free(t->doc_seq);
    t->doc_seq = NULL;
    t->doc_cap = 0;
}

void pg_terms_free(pg_terms *t)
{
    if (t == NULL)
        return;
    if (t->stemmer)
        sb_stemmer_delete(t->stemmer);
    free_adding(t);
    pg_buf_release(&t->arena);
    free(t->words);
    free(t->word_tab.slots);
    bitab_release(&t->bigrams);
    free(t->terms);
    free(t->vec_start);
    free(t->vec);
    free(t->doc_norm);
    free(t->post_start);
    free(t->post);
    free(t);
}

size_t pg_terms_count(const pg_terms *t)
{
    return t->n_docs;
}

size_t pg_terms_vocabulary(const pg_terms *t)
{
    return t->finished ? t->n_terms : t->word_tab.n + t->bigrams.n;
}

/* -------------------------------------------------------------- scanning */

/* What one character does to the token being read. */
enum cls {
    C_ALNUM,        /* part of a word */
    C_SPACE,        /* ends a word */
    C_NEWLINE,      /* ends a word; two in one gap end a phrase */
    C_JOIN,         /* ends a word, not a phrase: - / _ " and dashes */
    C_BREAK,        /* ends a word and a phrase: . , ; ( ) symbols ... */
    C_APOS,         /* ends a word and drops what follows: "model's" */
    C_LATEX,        /* a backslash: ends a phrase, drops the next word */
    C_IGNORE        /* nothing: soft hyphen, leftover combining mark */
};

/* Called with each kept-length token (s, n) or with s NULL at a phrase
 * end, including where a dropped token was. */
typedef pg_err (*token_fn)(void *ctx, const char *s, size_t n);

typedef struct scanner {
    char tok[TOKEN_MAX];
    size_t len;                 /* bytes in tok */
    size_t ncp;                 /* code points in tok */
    int letters;                /* tok has a letter, not only digits */
    int overflow;               /* tok was longer than TOKEN_MAX */
    int skip;                   /* dropping a word's rest after ' or \ */
    int newlines;               /* newlines since the last word character */
    token_fn fn;
    void *ctx;
} scanner;

/* Hands over the token being read: dropped ones (too long, one character,
 * digits only) become phrase ends so no bigram spans them. */
static pg_err end_token(scanner *sc)
{
    if (sc->len == 0 && !sc->overflow)
        return PG_OK;
    int keep = !sc->overflow && sc->ncp >= 2 && sc->letters;
    pg_err rc = keep ? sc->fn(sc->ctx, sc->tok, sc->len) : sc->fn(sc->ctx, NULL, 0);
    sc->len = sc->ncp = 0;
    sc->letters = sc->overflow = 0;
    return rc;
}

static void add_char(scanner *sc, const char *b, size_t n, int letter)
{
    sc->newlines = 0;
    if (sc->skip)
        return;
    if (sc->overflow || sc->len + n > TOKEN_MAX) {
        sc->overflow = 1;
        return;
    }
    memcpy(sc->tok + sc->len, b, n);
    sc->len += n;
    sc->ncp++;
    sc->letters |= letter;
}

static pg_err feed(scanner *sc, enum cls c, const char *b, size_t n, int letter)
{
    pg_err rc;
    if (c == C_ALNUM) {
        add_char(sc, b, n, letter);
        return PG_OK;
    }
    if (c == C_IGNORE)
        return PG_OK;
    if (c == C_APOS) {
        int in_word = sc->len > 0 || sc->overflow;
        rc = end_token(sc);
        sc->skip = in_word;
        return rc;
    }
    if ((rc = end_token(sc)) != PG_OK)
        return rc;
    sc->skip = c == C_LATEX;
    if (c == C_BREAK || c == C_LATEX || (c == C_NEWLINE && ++sc->newlines == 2))
        return sc->fn(sc->ctx, NULL, 0);
    return PG_OK;
}

static enum cls ascii_class(unsigned c)
{
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
        return C_ALNUM;
    switch (c) {
    case ' ': case '\t': case '\r': case '\v': case '\f':
        return C_SPACE;
    case '\n':
        return C_NEWLINE;
    case '-': case '/': case '_': case '"': case '`':
        return C_JOIN;
    case '\'':
        return C_APOS;
    case '\\':
        return C_LATEX;
    default:
        return C_BREAK;
    }
}

static pg_err feed_ascii(scanner *sc, unsigned c)
{
    char ch = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return feed(sc, ascii_class(c), &ch, 1, letter);
}

/* One code point after folding (cp >= 0x80). */
static pg_err feed_cp(scanner *sc, utf8proc_int32_t cp)
{
    utf8proc_uint8_t b[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, b);
    enum cls c;
    int letter = 0;

    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        c = C_ALNUM;
        letter = 1;
        break;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        c = C_ALNUM;
        break;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        c = C_IGNORE;
        break;
    case UTF8PROC_CATEGORY_ZS:
        c = C_SPACE;
        break;
    case UTF8PROC_CATEGORY_ZL:
        c = C_NEWLINE;
        break;
    case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PI:
        c = C_JOIN;
        break;
    case UTF8PROC_CATEGORY_PF:
        c = cp == 0x2019 ? C_APOS : C_JOIN;     /* right single quote */
        break;
    default:
        c = C_BREAK;
        break;
    }
    return feed(sc, c, (const char *)b, (size_t)n, letter);
}

/* Folding: case fold, compatibility forms ("ﬁ" -> "fi"), accents off.
 * Hangul syllables are left whole: decomposing them into jamo would only
 * make labels unreadable. */
#define FOLD_OPTS (UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE \
                   | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

static pg_err feed_utf8(scanner *sc, const unsigned char **pp, const unsigned char *end)
{
    utf8proc_int32_t cp, out[32];
    utf8proc_ssize_t n = utf8proc_iterate(*pp, end - *pp, &cp);
    int bound = 0;

    if (n <= 0) {               /* invalid byte: punctuation, resync next byte */
        (*pp)++;
        return feed(sc, C_BREAK, NULL, 0, 0);
    }
    *pp += n;
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return feed_cp(sc, cp);
    utf8proc_ssize_t m = utf8proc_decompose_char(cp, out, 32, FOLD_OPTS, &bound);
    if (m < 0 || m > 32)
        return feed(sc, C_BREAK, NULL, 0, 0);
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        pg_err rc = out[i] < 0x80 ? feed_ascii(sc, (unsigned)out[i]) : feed_cp(sc, out[i]);
        if (rc != PG_OK)
            return rc;
    }
    return PG_OK;
}

/* Cuts text into folded tokens for fn; see pg_terms_add for the rules. */
static pg_err scan(const char *text, size_t len, token_fn fn, void *ctx)
{
    scanner sc;
    memset(&sc, 0, sizeof sc);
    sc.fn = fn;
    sc.ctx = ctx;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        pg_err rc = *p < 0x80 ? feed_ascii(&sc, *p++) : feed_utf8(&sc, &p, end);
        if (rc != PG_OK)
            return rc;
    }
    return end_token(&sc);
}

/* ------------------------------------------------------------ interning */

/* Stems s[0..n); *out points into the stemmer until its next call. */
static pg_err stem(pg_terms *t, const char *s, size_t n, const char **out, size_t *out_n)
{
    if (t->stemmer == NULL) {
        *out = s;
        *out_n = n;
        return PG_OK;
    }
    const sb_symbol *r = sb_stemmer_stem(t->stemmer, (const sb_symbol *)s, (int)n);
    if (r == NULL)
        return PG_ERR_NOMEM;
    *out = (const char *)r;
    *out_n = (size_t)sb_stemmer_length(t->stemmer);
    return PG_OK;
}

/* Copies s into the arena; *off is where. */
static pg_err arena_put(pg_terms *t, const char *s, size_t n, uint32_t *off)
{
    if (t->arena.len > UINT32_MAX - n)
        return PG_ERR_NOMEM;
    *off = (uint32_t)t->arena.len;
    return pg_buf_append(&t->arena, s, n);
}

/* Finds or adds the word of stem s; returns its id in *id. */
static pg_err intern_word(pg_terms *t, const char *s, size_t n, uint32_t *id)
{
    uint64_t h = hash_str(s, n);
    if (strtab_reserve(&t->word_tab, t->words, sizeof *t->words) != PG_OK)
        return PG_ERR_NOMEM;
    size_t i = strtab_slot(&t->word_tab, t->words, sizeof *t->words, t->arena.data, h, s, n);
    if (t->word_tab.slots[i] != 0) {
        *id = t->word_tab.slots[i] - 1;
        return PG_OK;
    }
    if (t->word_tab.n >= STOP - 1)
        return PG_ERR_NOMEM;
    if (t->word_tab.n == t->words_cap) {
        word *w = grow_array(t->words, &t->words_cap, t->word_tab.n + 1, sizeof *w);
        if (w == NULL)
            return PG_ERR_NOMEM;
        t->words = w;
    }
    word *w = &t->words[t->word_tab.n];
    memset(w, 0, sizeof *w);
    w->k.hash = h;
    w->k.len = (uint32_t)n;
    w->last = w->term = NONE;
    if (arena_put(t, s, n, &w->k.off) != PG_OK)
        return PG_ERR_NOMEM;
    *id = (uint32_t)t->word_tab.n++;
    t->word_tab.slots[i] = *id + 1;
    return PG_OK;
}

/* Fills the free slot f with the surface form s: its stem, or STOP. */
static pg_err new_form(pg_terms *t, fslot *f, uint64_t h, const char *s, size_t n)
{
    uint32_t wid = STOP, off;
    if (!is_stop(s, n)) {
        const char *st;
        size_t sn;
        pg_err rc = stem(t, s, n, &st, &sn);
        if (rc == PG_OK)
            rc = intern_word(t, st, sn, &wid);
        if (rc != PG_OK)
            return rc;
    }
    if (arena_put(t, s, n, &off) != PG_OK)
        return PG_ERR_NOMEM;
    f->hash = h;
    f->word = wid;
    f->count = 0;
    f->off = off;
    f->len = (uint8_t)n;
    memcpy(f->head, s, n < HEAD ? n : HEAD);
    t->forms.n++;
    return PG_OK;
}

/* The word id of token s, or STOP. */
static pg_err form_word(pg_terms *t, const char *s, size_t n, uint32_t *wid)
{
    uint64_t h = hash_str(s, n);
    if (formtab_reserve(&t->forms) != PG_OK)
        return PG_ERR_NOMEM;
    fslot *f = formtab_slot(&t->forms, t->arena.data, h, s, n);
    if (f->len == 0) {
        pg_err rc = new_form(t, f, h, s, n);
        if (rc != PG_OK)
            return rc;
    }
    if (f->count < UINT32_MAX)
        f->count++;
    *wid = f->word;
    return PG_OK;
}

/* ---------------------------------------------------------------- adding */

typedef struct adder {
    pg_terms *t;
    uint32_t doc;
    uint32_t prev;              /* previous word in the phrase, or NONE */
} adder;

static pg_err seq_push(pg_terms *t, uint32_t v)
{
    if (t->seq_len == t->seq_cap) {
        uint32_t *s = grow_array(t->seq, &t->seq_cap, t->seq_len + 1, sizeof *s);
        if (s == NULL)
            return PG_ERR_NOMEM;
        t->seq = s;
    }
    t->seq[t->seq_len++] = v;
    return PG_OK;
}

static pg_err count_bigram(pg_terms *t, uint32_t w1, uint32_t w2, uint32_t doc)
{
    if (bitab_reserve(&t->bigrams) != PG_OK)
        return PG_ERR_NOMEM;
    uint64_t key = bikey(w1, w2);
    bislot *s = bitab_slot(&t->bigrams, key);
    if (s->key != key) {
        s->key = key;
        s->df = 0;
        s->last = NONE;
        t->bigrams.n++;
    }
    if (s->last != doc) {
        s->last = doc;
        s->df++;
    }
    return PG_OK;
}

static pg_err add_token(void *ctx, const char *s, size_t n)
{
    adder *a = ctx;
    pg_terms *t = a->t;
    uint32_t w = STOP;
    pg_err rc;

    if (s != NULL && (rc = form_word(t, s, n, &w)) != PG_OK)
        return rc;
    if (w == STOP) {            /* phrase end: one marker is enough */
        if (a->prev != NONE && (rc = seq_push(t, BREAK)) != PG_OK)
            return rc;
        a->prev = NONE;
        return PG_OK;
    }
    if ((rc = seq_push(t, w)) != PG_OK)
        return rc;
    word *wd = &t->words[w];
    t->n_tokens++;
    if (wd->cf < UINT32_MAX)
        wd->cf++;
    if (wd->last != a->doc) {
        wd->last = a->doc;
        wd->df++;
    }
    if (t->o.bigrams && a->prev != NONE && (rc = count_bigram(t, a->prev, w, a->doc)) != PG_OK)
        return rc;
    a->prev = w;
    return PG_OK;
}

static pg_err usable(const pg_terms *t, int want_finished, pg_error *err)
{
    if (t->failed)
        return pg_error_set(err, PG_ERR_USAGE, "terms: unusable after an earlier error");
    if (want_finished && !t->finished)
        return pg_error_set(err, PG_ERR_USAGE, "terms: pg_terms_finish not called yet");
    if (!want_finished && t->finished)
        return pg_error_set(err, PG_ERR_USAGE, "terms: already finished");
    return PG_OK;
}

pg_err pg_terms_add(pg_terms *t, const char *text, size_t len, pg_error *err)
{
    pg_err rc = usable(t, 0, err);
    if (rc != PG_OK)
        return rc;
    if (text == NULL && len > 0)
        return pg_error_set(err, PG_ERR_USAGE, "terms: NULL text");
    if (t->n_docs >= MAX_DOCS)
        return pg_error_set(err, PG_ERR_USAGE, "terms: too many documents");
    if (t->n_docs + 1 >= t->doc_cap) {
        size_t *d = grow_array(t->doc_seq, &t->doc_cap, t->n_docs + 2, sizeof *d);
        if (d == NULL)
            return nomem(err);
        t->doc_seq = d;
    }
    adder a = { t, (uint32_t)t->n_docs, NONE };
    if ((rc = scan(text, len, add_token, &a)) != PG_OK) {
        t->failed = 1;          /* df counts already include part of it */
        return nomem(err);
    }
    if (t->seq_len > t->doc_seq[t->n_docs] && t->seq[t->seq_len - 1] == BREAK)
        t->seq_len--;
    t->doc_seq[++t->n_docs] = t->seq_len;
    return PG_OK;
}

/* ------------------------------------------------------------- finishing */

/* qsort that accepts NULL with no elements (qsort itself may not). */
static void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The df window: [lo, hi] documents. */
static void df_window(const pg_terms *t, size_t *lo, size_t *hi)
{
    *lo = t->o.min_df;
    /* the epsilon keeps 0.29 * 100 from flooring to 28 */
    *hi = (size_t)floor(t->o.max_df_ratio * (double)t->n_docs + 1e-9);
}

static float idf_of(const pg_terms *t, uint32_t df)
{
    return (float)log((double)t->n_docs / (double)df);
}

/* A bigram is a term only when its words follow each other at least
 * bigram_assoc times more often than chance would make them: df(ab) * T >=
 * assoc * cf(a) * cf(b), T the number of word occurrences (df stands in for
 * the bigram's occurrences: it is a lower bound).  This is the collocation
 * test of phrase finders (a pointwise mutual information cut); it keeps
 * "neural network", "language model", "amino acid" and drops the pairs that
 * meet by chance ("data characterized", "model performance"), which would
 * only dilute the vectors. */
static int is_collocation(const pg_terms *t, const bislot *s)
{
    const word *a = &t->words[s->key >> 32], *b = &t->words[(uint32_t)s->key];
    return (double)s->df * (double)t->n_tokens
           >= t->o.bigram_assoc * (double)a->cf * (double)b->cf;
}

/* Rarest first, then by words: a total order, so ids do not depend on
 * hash table layout. */
static int term_cmp(const void *a, const void *b)
{
    const term *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    if (x->w1 != y->w1)
        return x->w1 < y->w1 ? -1 : 1;
    return (x->w2 > y->w2) - (x->w2 < y->w2);
}

/* Collects the terms in the df window into t->terms (bigrams that pass the
 * collocation test too). */
static pg_err collect_terms(pg_terms *t)
{
    size_t lo, hi, n = 0, cap = 0;
    df_window(t, &lo, &hi);
    for (size_t i = 0; i < t->word_tab.n + t->bigrams.mask + 1; i++) {
        term tm;
        if (i < t->word_tab.n) {
            const word *w = &t->words[i];
            if (w->df < lo || w->df > hi)
                continue;
            tm.w1 = (uint32_t)i;
            tm.w2 = NONE;
            tm.df = w->df;
        } else {
            const bislot *s = &t->bigrams.slots[i - t->word_tab.n];
            if (s->key == EMPTY_KEY || s->df < lo || s->df > hi || !is_collocation(t, s))
                continue;
            tm.w1 = (uint32_t)(s->key >> 32);
            tm.w2 = (uint32_t)s->key;
            tm.df = s->df;
        }
        tm.idf = idf_of(t, tm.df);
        if (n == cap) {
            term *nt = grow_array(t->terms, &cap, n + 1, sizeof *nt);
            if (nt == NULL)
                return PG_ERR_NOMEM;
            t->terms = nt;
        }
        t->terms[n++] = tm;
    }
    t->n_terms = n;
    return PG_OK;
}

/*
** Numbers the kept terms rarest first (so a document's vector, sorted by
** term id, lists its most specific terms first: the similarity search
** relies on it) and replaces the bigram table by one of the kept bigrams,
** whose df field holds the term id.
*/
static pg_err number_terms(pg_terms *t)
{
    bitab kept;
    size_t slots = 16, nb = 0;
    if (collect_terms(t) != PG_OK)
        return PG_ERR_NOMEM;
    sort_n(t->terms, t->n_terms, sizeof *t->terms, term_cmp);
    for (size_t j = 0; j < t->n_terms; j++)
        nb += t->terms[j].w2 != NONE;
    while (slots < nb * 2)
        slots *= 2;
    if (bitab_init(&kept, slots) != PG_OK)
        return PG_ERR_NOMEM;
    for (uint32_t j = 0; j < t->n_terms; j++) {
        const term *tm = &t->terms[j];
        if (tm->w2 == NONE) {
            t->words[tm->w1].term = j;
            continue;
        }
        bislot *k = bitab_slot(&kept, bikey(tm->w1, tm->w2));
        k->key = bikey(tm->w1, tm->w2);
        k->df = j;
        k->last = NONE;
        kept.n++;
    }
    bitab_release(&t->bigrams);
    t->bigrams = kept;
    return PG_OK;
}

/* Gives each word its most frequent surface form (ties: the smaller bytes,
 * so the choice does not depend on the order of documents). */
static pg_err pick_surfaces(pg_terms *t)
{
    uint32_t *best = calloc(t->word_tab.n + 1, sizeof *best);
    if (best == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i <= t->forms.mask; i++) {
        const fslot *f = &t->forms.slots[i];
        if (f->len == 0 || f->word == STOP)
            continue;
        word *w = &t->words[f->word];
        int better = f->count > best[f->word];
        if (f->count == best[f->word]) {
            size_t n = f->len < w->surf_len ? f->len : w->surf_len;
            int c = memcmp(t->arena.data + f->off, t->arena.data + w->surf_off, n);
            better = c < 0 || (c == 0 && f->len < w->surf_len);
        }
        if (better) {
            best[f->word] = f->count;
            w->surf_off = f->off;
            w->surf_len = f->len;
        }
    }
    free(best);
    return PG_OK;
}

typedef struct vec_builder {
    uint32_t *tf;               /* by term id, zero between documents */
    uint32_t *touched;          /* term ids with tf > 0 */
    size_t n_touched;
    size_t cap;                 /* of t->vec */
    size_t len;
} vec_builder;

static void count_term(vec_builder *vb, uint32_t tid)
{
    if (vb->tf[tid]++ == 0)
        vb->touched[vb->n_touched++] = tid;
}

/* Counts the kept terms of document d into vb. */
static void count_doc(const pg_terms *t, size_t d, vec_builder *vb)
{
    uint32_t prev = NONE;
    for (size_t i = t->doc_seq[d]; i < t->doc_seq[d + 1]; i++) {
        uint32_t w = t->seq[i];
        if (w == BREAK) {
            prev = NONE;
            continue;
        }
        if (t->words[w].term != NONE)
            count_term(vb, t->words[w].term);
        if (prev != NONE && t->bigrams.n > 0) {
            const bislot *s = bitab_find(&t->bigrams, bikey(prev, w));
            if (s != NULL)
                count_term(vb, s->df);
        }
        prev = w;
    }
}

/* Appends document d's normalised vector. */
static pg_err build_vector(pg_terms *t, size_t d, vec_builder *vb)
{
    vb->n_touched = 0;
    count_doc(t, d, vb);
    size_t n = vb->n_touched;
    if (vb->len + n > vb->cap) {
        posting *v = grow_array(t->vec, &vb->cap, vb->len + n, sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        t->vec = v;
    }
    sort_n(vb->touched, n, sizeof *vb->touched, u32_cmp);
    double norm = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t tid = vb->touched[i];
        double w = (1.0 + log((double)vb->tf[tid])) * t->terms[tid].idf;
        vb->tf[tid] = 0;
        t->vec[vb->len + i].id = tid;
        t->vec[vb->len + i].w = (float)w;
        norm += w * w;
    }
    norm = sqrt(norm);
    t->doc_norm[d] = (float)norm;
    for (size_t i = 0; i < n && norm > 0; i++)     /* 0 when every idf is 0 */
        t->vec[vb->len + i].w = (float)(t->vec[vb->len + i].w / norm);
    vb->len += n;
    t->vec_start[d + 1] = vb->len;
    return PG_OK;
}

static pg_err build_vectors(pg_terms *t)
{
    pg_err rc = PG_ERR_NOMEM;
    vec_builder vb;
    memset(&vb, 0, sizeof vb);
    if ((t->vec_start = calloc(t->n_docs + 1, sizeof *t->vec_start)) == NULL
        || (t->doc_norm = calloc(t->n_docs + 1, sizeof *t->doc_norm)) == NULL
        || (vb.tf = calloc(t->n_terms + 1, sizeof *vb.tf)) == NULL
        || (vb.touched = malloc((t->n_terms + 1) * sizeof *vb.touched)) == NULL)
        goto out;
    for (size_t d = 0; d < t->n_docs; d++)
        if ((rc = build_vector(t, d, &vb)) != PG_OK)
            goto out;
    rc = PG_OK;
out:
    free(vb.tf);
    free(vb.touched);
    return rc;
}

/* The inverted index: for each term, its documents in ascending order. */
static pg_err build_postings(pg_terms *t)
{
    size_t nnz = t->vec_start[t->n_docs];
    if ((t->post_start = calloc(t->n_terms + 1, sizeof *t->post_start)) == NULL
        || (t->post = malloc((nnz + 1) * sizeof *t->post)) == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < nnz; i++)
        t->post_start[t->vec[i].id + 1]++;
    for (size_t j = 0; j < t->n_terms; j++)
        t->post_start[j + 1] += t->post_start[j];
    for (uint32_t d = 0; d < t->n_docs; d++) {
        for (size_t i = t->vec_start[d]; i < t->vec_start[d + 1]; i++) {
            size_t p = t->post_start[t->vec[i].id]++;
            t->post[p].id = d;
            t->post[p].w = t->vec[i].w;
        }
    }
    for (size_t j = t->n_terms; j > 0; j--)     /* undo the fill's shift */
        t->post_start[j] = t->post_start[j - 1];
    t->post_start[0] = 0;
    return PG_OK;
}

pg_err pg_terms_finish(pg_terms *t, pg_error *err)
{
    pg_err rc = usable(t, 0, err);
    if (rc != PG_OK)
        return rc;
    t->finished = 1;
    if ((rc = pick_surfaces(t)) != PG_OK || (rc = number_terms(t)) != PG_OK
        || (rc = build_vectors(t)) != PG_OK || (rc = build_postings(t)) != PG_OK) {
        t->failed = 1;
        return nomem(err);
    }
    free_adding(t);
    return PG_OK;
}

/* ------------------------------------------------------------ similarity */

typedef struct cand {
    float score;
    uint32_t id;
} cand;

/* Higher score first, then lower id: a total order, hence determinism. */
static int cand_better(cand a, cand b)
{
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

/* Keeps the cap best candidates offered; v[0] is the worst kept. */
typedef struct heap {
    cand *v;
    size_t n, cap;
} heap;

/* qsort order: better candidates first (see cand_better). */
static int cand_cmp(const void *x, const void *y)
{
    cand a = *(const cand *)x, b = *(const cand *)y;
    return cand_better(a, b) ? -1 : cand_better(b, a) ? 1 : 0;
}

static void heap_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && cand_better(h->v[w], h->v[l]))
            w = l;
        if (r < h->n && cand_better(h->v[w], h->v[r]))
            w = r;
        if (w == i)
            return;
        cand tmp = h->v[i];
        h->v[i] = h->v[w];
        h->v[w] = tmp;
        i = w;
    }
}

static void heap_offer(heap *h, cand c)
{
    if (h->n < h->cap) {
        size_t i = h->n++;
        while (i > 0 && cand_better(h->v[(i - 1) / 2], c)) {
            h->v[i] = h->v[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->v[i] = c;
    } else if (h->cap > 0 && cand_better(c, h->v[0])) {
        h->v[0] = c;
        heap_down(h, 0);
    }
}

/* Scratch space for one pg_terms_topk call. */
typedef struct searcher {
    const pg_terms *t;
    float *acc;                 /* partial dot product by document; all 0
                                   between documents */
    uint32_t *touched;          /* documents with acc > 0 */
    size_t budget;              /* postings read per document */
    size_t rest;                /* position in d's vector of the first term
                                   not searched through */
    float *dense;               /* by term: d's weights from rest on, else 0 */
    heap cands, top;
    pg_sim_edge *edges;
    size_t n_edges, edges_cap;
} searcher;

/*
** Offers to s->cands the documents that share with d one of its rarest
** terms, scored by the dot product over those terms.  d's vector lists its
** terms rarest first; they are searched through while the postings read
** stay within the budget (the first always is), and s->rest notes where the
** others start.  Skipping a product that is not > 0 keeps "acc[e] == 0"
** meaning "e not touched yet" (a term with idf 0 has weight 0).
*/
static void gather(searcher *s, uint32_t d)
{
    const pg_terms *t = s->t;
    size_t nt = 0, work = 0, i = t->vec_start[d];
    for (; i < t->vec_start[d + 1]; i++) {
        size_t p0 = t->post_start[t->vec[i].id], p1 = t->post_start[t->vec[i].id + 1];
        if (work > 0 && work + (p1 - p0) > s->budget)
            break;
        work += p1 - p0;
        float w = t->vec[i].w;
        for (size_t p = p0; p < p1; p++) {
            uint32_t e = t->post[p].id;
            float x = w * t->post[p].w;
            if (e == d || !(x > 0))
                continue;
            if (s->acc[e] == 0)
                s->touched[nt++] = e;
            s->acc[e] += x;
        }
    }
    s->rest = i;
    s->cands.n = 0;
    for (size_t j = 0; j < nt; j++) {
        cand c = { s->acc[s->touched[j]], s->touched[j] };
        heap_offer(&s->cands, c);
        s->acc[s->touched[j]] = 0;
    }
}

/* The exact cosine of d and candidate c: its partial score plus the
 * products over d's terms from s->rest on, whose weights s->dense holds.
 * Only c's terms at least as common as the first of those can match, and
 * vectors are sorted by term id, that is by df. */
static double cosine(const searcher *s, uint32_t d, cand c)
{
    const pg_terms *t = s->t;
    size_t lo = t->vec_start[c.id], hi = t->vec_start[c.id + 1], end = hi;
    double x = c.score;
    if (s->rest == t->vec_start[d + 1])
        return x;
    uint32_t first = t->vec[s->rest].id;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->vec[mid].id < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t j = lo; j < end; j++)
        x += (double)s->dense[t->vec[j].id] * t->vec[j].w;
    return x;
}

static pg_err push_edge(searcher *s, uint32_t a, uint32_t b, float sim)
{
    if (s->n_edges == s->edges_cap) {
        pg_sim_edge *e = grow_array(s->edges, &s->edges_cap, s->n_edges + 1, sizeof *e);
        if (e == NULL)
            return PG_ERR_NOMEM;
        s->edges = e;
    }
    pg_sim_edge e = { a < b ? a : b, a < b ? b : a, sim };
    s->edges[s->n_edges++] = e;
    return PG_OK;
}

/* Finds d's top k and appends them as edges. */
static pg_err search_doc(searcher *s, uint32_t d, double min_sim)
{
    const pg_terms *t = s->t;
    pg_err rc = PG_OK;
    gather(s, d);
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        s->dense[t->vec[i].id] = t->vec[i].w;
    s->top.n = 0;
    /* Best partial score first: a candidate's cosine is at most its partial
     * score plus the norm of d's unsearched part (Cauchy-Schwarz, vectors of
     * norm 1), so once that bound falls below min_sim or below the k-th best
     * found, no later candidate can enter the top k and the search stops.
     * The margin covers float rounding, so the result is what the full loop
     * gives. */
    double rest2 = 0;
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        rest2 += (double)t->vec[i].w * t->vec[i].w;
    double rest_norm = sqrt(rest2) + 1e-5;
    sort_n(s->cands.v, s->cands.n, sizeof *s->cands.v, cand_cmp);
    for (size_t j = 0; j < s->cands.n; j++) {
        double bound = s->cands.v[j].score + rest_norm;
        if (bound < min_sim
            || (s->top.n == s->top.cap && bound < s->top.v[0].score))
            break;
        double sim = cosine(s, d, s->cands.v[j]);
        float f = sim > 1.0 ? 1.0f : (float)sim;    /* rounding can pass 1 */
        cand c = { f, s->cands.v[j].id };
        if (f > 0 && f >= min_sim)
            heap_offer(&s->top, c);
    }
    for (size_t i = s->rest; i < t->vec_start[d + 1]; i++)
        s->dense[t->vec[i].id] = 0;
    for (size_t j = 0; j < s->top.n && rc == PG_OK; j++)
        rc = push_edge(s, d, s->top.v[j].id, s->top.v[j].score);
    return rc;
}

static int edge_cmp(const void *a, const void *b)
{
    const pg_sim_edge *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return (x->sim < y->sim) - (x->sim > y->sim);   /* higher sim first */
}

/* Sorts and keeps one edge per pair: both ends may have found it, with sims
 * that differ in the last bit (summation order); the higher wins. */
static void dedup_edges(searcher *s)
{
    size_t n = 0;
    sort_n(s->edges, s->n_edges, sizeof *s->edges, edge_cmp);
    for (size_t i = 0; i < s->n_edges; i++)
        if (n == 0 || s->edges[n - 1].a != s->edges[i].a || s->edges[n - 1].b != s->edges[i].b)
            s->edges[n++] = s->edges[i];
    s->n_edges = n;
}

/* Postings a document's candidate search reads by default. */
#define DEFAULT_BUDGET 5000

/* How many candidates get an exact cosine: enough that the top k rarely
 * differs from an exhaustive search, few enough to stay cheap. */
static size_t n_candidates(size_t k)
{
    return k > SIZE_MAX / 8 ? SIZE_MAX / 2 : 4 * k + 32;
}

/* One half of the documents (d = first, first + 2, ...) searched with its
 * own scratch space. */
typedef struct topk_half {
    searcher s;
    uint32_t first;
    size_t k;
    double min_sim;
    pg_err rc;
} topk_half;

static void searcher_release(searcher *s)
{
    free(s->acc);
    free(s->touched);
    free(s->dense);
    free(s->cands.v);
    free(s->top.v);
    free(s->edges);
}

static void topk_run(void *p)
{
    topk_half *h = p;
    searcher *s = &h->s;
    const pg_terms *t = s->t;
    size_t n = t->n_docs;
    h->rc = PG_ERR_NOMEM;
    if ((s->acc = calloc(n, sizeof *s->acc)) == NULL
        || (s->touched = malloc(n * sizeof *s->touched)) == NULL
        || (s->dense = calloc(t->n_terms + 1, sizeof *s->dense)) == NULL
        || (s->cands.v = malloc(s->cands.cap * sizeof *s->cands.v)) == NULL
        || (s->top.v = malloc(s->top.cap * sizeof *s->top.v)) == NULL)
        return;
    for (size_t d = h->first; d < n; d += 2)
        if (search_doc(s, (uint32_t)d, h->min_sim) != PG_OK)
            return;
    h->rc = PG_OK;
}

pg_err pg_terms_topk(const pg_terms *t, size_t k, double min_sim,
                     pg_sim_edge **edges, size_t *n_edges, pg_error *err)
{
    pg_err rc;
    topk_half h[2];
    size_t n = t->n_docs;

    memset(h, 0, sizeof h);
    if ((rc = usable(t, 1, err)) != PG_OK)
        return rc;
    *edges = NULL;
    *n_edges = 0;
    if (n < 2 || k == 0)
        return PG_OK;
    for (int i = 0; i < 2; i++) {
        searcher *s = &h[i].s;
        s->t = t;
        s->budget = t->o.max_postings ? t->o.max_postings : DEFAULT_BUDGET;
        s->cands.cap = n_candidates(k) < n ? n_candidates(k) : n;
        s->top.cap = k < n ? k : n;
        h[i].first = (uint32_t)i;
        h[i].k = k;
        h[i].min_sim = min_sim;
    }
    /* The halves find their edges independently; the sort in dedup_edges
     * puts them in one order whichever thread found which. */
    pgg_run2(topk_run, &h[0], &h[1]);
    rc = PG_ERR_NOMEM;
    if (h[0].rc != PG_OK || h[1].rc != PG_OK)
        goto out;
    searcher *s = &h[0].s;
    if (h[1].s.n_edges > 0) {
        pg_sim_edge *e = grow_array(s->edges, &s->edges_cap,
                                    s->n_edges + h[1].s.n_edges, sizeof *e);
        if (e == NULL)
            goto out;
        s->edges = e;
        memcpy(s->edges + s->n_edges, h[1].s.edges, h[1].s.n_edges * sizeof *e);
        s->n_edges += h[1].s.n_edges;
    }
    dedup_edges(s);
    *edges = s->edges;
    *n_edges = s->n_edges;
    s->edges = NULL;
    rc = PG_OK;
out:
    searcher_release(&h[0].s);
    searcher_release(&h[1].s);
    return rc == PG_OK ? PG_OK : nomem(err);
}

/* ----------------------------------------------------------------- labels */

typedef struct scored {
    uint32_t term;
    uint32_t df;                /* documents of the group with the term */
    float w;                    /* sum of 1 + ln tf, then the score */
    float base;                 /* the score before absorption */
} scored;

static int scored_by_term(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return (x->term > y->term) - (x->term < y->term);
}

static int scored_by_score(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->term > y->term) - (x->term < y->term);
}

/* Collects the terms of the group's distinct documents (*g of them): one
 * entry per term, sorted by term, with the group df and the sum of the
 * sublinear tf (1 + ln tf, recovered from the weight). */
static pg_err collect_group(const pg_terms *t, uint32_t *docs, size_t nd,
                            scored **out, size_t *n, size_t *g)
{
    size_t total = 0, m = 0, k = 0;
    sort_n(docs, nd, sizeof *docs, u32_cmp);
    *g = 0;
    for (size_t i = 0; i < nd; i++) {
        if (i == 0 || docs[i] != docs[i - 1]) {
            total += t->vec_start[docs[i] + 1] - t->vec_start[docs[i]];
            ++*g;
        }
    }
    scored *v = malloc((total + 1) * sizeof *v);
    if (v == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && docs[i] == docs[i - 1])
            continue;
        for (size_t j = t->vec_start[docs[i]]; j < t->vec_start[docs[i] + 1]; j++) {
            float idf = t->terms[t->vec[j].id].idf;
            scored s = { t->vec[j].id, 1, idf > 0 ? t->vec[j].w * t->doc_norm[docs[i]] / idf : 0, 0 };
            v[m++] = s;
        }
    }
    sort_n(v, m, sizeof *v, scored_by_term);
    for (size_t i = 0; i < m; i++) {
        if (k > 0 && v[k - 1].term == v[i].term) {
            v[k - 1].w += v[i].w;
            v[k - 1].df++;
        } else {
            v[k++] = v[i];
        }
    }
    *out = v;
    *n = k;
    return PG_OK;
}

/* Index in v (sorted by term) of term tid, or -1. */
static ptrdiff_t find_scored(const scored *v, size_t n, uint32_t tid)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].term < tid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].term == tid ? (ptrdiff_t)lo : -1;
}

/*
** A bigram scoring at least half of one of its words may absorb it: the word
** is mostly used in that phrase, so the label shows the phrase ("spiking
** neural") in the word's place, with the word's score.  Of several such
** bigrams the best scoring absorbs the word ("amino acid" rather than "acid
** residues" takes "acid"); scores before absorption decide, so the order of
** the entries does not matter.  by[u] is scratch space, one per entry.
*/
static void absorb_words(const pg_terms *t, scored *v, size_t n, size_t *by)
{
    for (size_t i = 0; i < n; i++)
        by[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const term *tm = &t->terms[v[i].term];
        uint32_t ws[2] = { tm->w1, tm->w2 };
        for (int j = 0; j < 2 && tm->w2 != NONE; j++) {
            uint32_t ut = t->words[ws[j]].term;
            ptrdiff_t u = ut == NONE ? -1 : find_scored(v, n, ut);
            if (u < 0 || v[i].base < 0.5f * v[u].base)
                continue;
            if (by[u] == SIZE_MAX || v[i].base > v[by[u]].base)
                by[u] = i;      /* ties: the first, the rarer term */
        }
    }
    for (size_t u = 0; u < n; u++) {
        if (by[u] == SIZE_MAX)
            continue;
        if (v[by[u]].w < v[u].base)
            v[by[u]].w = v[u].base;
        v[u].w = 0;             /* dropped by the caller */
    }
}

/*
** The group's distinctive terms, best first, in *out (*n of them).  A term
** scores its summed sublinear tf in the group times the log of its lift, how
** much more often group documents have it than documents at large:
** ln((df_G / |G|) / (df / N)).  For one document that is plain TF-IDF; for a
** community it favours terms most members share and few others have, so a
** pair that two members share by chance loses to the community's subject.
** Terms no more frequent in the group than elsewhere score 0 and are left
** out.
*/
static pg_err score_group(const pg_terms *t, uint32_t *docs, size_t nd,
                          scored **out, size_t *n)
{
    scored *v;
    size_t k, g, live = 0, *by;
    if (collect_group(t, docs, nd, &v, &k, &g) != PG_OK)
        return PG_ERR_NOMEM;
    if ((by = malloc((k + 1) * sizeof *by)) == NULL) {
        free(v);
        return PG_ERR_NOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        double lift = (double)v[i].df * (double)t->n_docs
                      / ((double)g * (double)t->terms[v[i].term].df);
        v[i].w = lift > 1.0 ? (float)(v[i].w * log(lift)) : 0.0f;
        v[i].base = v[i].w;
    }
    absorb_words(t, v, k, by);
    free(by);
    for (size_t i = 0; i < k; i++)
        if (v[i].w > 0)
            v[live++] = v[i];
    sort_n(v, live, sizeof *v, scored_by_score);
    *out = v;
    *n = live;
    return PG_OK;
}

static int has_word(const uint32_t *ws, size_t n, uint32_t w)
{
    for (size_t i = 0; i < n; i++)
        if (ws[i] == w)
            return 1;
    return 0;
}

/* Picks up to max terms from the ranked list into pick[] (term ids, in
 * rank order).  A word already inside a chosen bigram is not shown alone,
 * and a bigram replaces the chosen single words it contains. */
static size_t pick_terms(const pg_terms *t, const scored *v, size_t n, size_t max,
                         uint32_t *pick, uint32_t *shown)
{
    size_t np = 0, ns = 0;      /* shown: words of chosen terms */
    for (size_t i = 0; i < n && np < max; i++) {
        const term *tm = &t->terms[v[i].term];
        if (tm->w2 == NONE) {
            if (has_word(shown, ns, tm->w1))
                continue;
        } else {
            if (has_word(shown, ns, tm->w1) && has_word(shown, ns, tm->w2))
                continue;
            size_t keep = 0;
            for (size_t j = 0; j < np; j++) {
                const term *o = &t->terms[pick[j]];
                if (!(o->w2 == NONE && (o->w1 == tm->w1 || o->w1 == tm->w2)))
                    pick[keep++] = pick[j];
            }
            np = keep;
            shown[ns++] = tm->w2;
        }
        shown[ns++] = tm->w1;
        pick[np++] = v[i].term;
    }
    return np;
}

static pg_err put_word(pg_buf *out, const pg_terms *t, uint32_t w)
{
    return pg_buf_append(out, t->arena.data + t->words[w].surf_off, t->words[w].surf_len);
}

static pg_err put_term(pg_buf *out, const pg_terms *t, uint32_t tid)
{
    const term *tm = &t->terms[tid];
    pg_err rc = put_word(out, t, tm->w1);
    if (rc == PG_OK && tm->w2 != NONE && (rc = pg_buf_putc(out, ' ')) == PG_OK)
        rc = put_word(out, t, tm->w2);
    return rc;
}

/* Index > i in pick of a bigram that chains with bigram pick[i] (its first
 * word is pick[i]'s last, or the reverse), or 0 when none. */
static size_t chained(const pg_terms *t, const uint32_t *pick, size_t np, size_t i,
                      int *after)
{
    const term *a = &t->terms[pick[i]];
    for (size_t j = i + 1; j < np && a->w2 != NONE; j++) {
        const term *b = pick[j] == NONE ? NULL : &t->terms[pick[j]];
        if (b == NULL || b->w2 == NONE)
            continue;
        if (b->w1 == a->w2 || b->w2 == a->w1) {
            *after = b->w1 == a->w2;
            return j;
        }
    }
    return 0;
}

/* Writes the picked terms; two bigrams that chain are written as one
 * three-word phrase ("spiking neural" + "neural networks"), in the place of
 * the better ranked.  Consumes pick. */
static pg_err write_label(const pg_terms *t, uint32_t *pick, size_t np, pg_buf *out)
{
    pg_err rc = PG_OK;
    int first = 1;
    for (size_t i = 0; i < np && rc == PG_OK; i++) {
        if (pick[i] == NONE)
            continue;
        int after = 0;
        size_t j = chained(t, pick, np, i, &after);
        if (!first)
            rc = pg_buf_puts(out, ", ");
        first = 0;
        if (rc == PG_OK && j > 0 && !after)
            rc = put_word(out, t, t->terms[pick[j]].w1);
        if (rc == PG_OK && j > 0 && !after)
            rc = pg_buf_putc(out, ' ');
        if (rc == PG_OK)
            rc = put_term(out, t, pick[i]);
        if (rc == PG_OK && j > 0 && after && (rc = pg_buf_putc(out, ' ')) == PG_OK)
            rc = put_word(out, t, t->terms[pick[j]].w2);
        if (j > 0)
            pick[j] = NONE;
    }
    return rc;
}

pg_err pg_terms_label(const pg_terms *t, const uint32_t *docs, size_t n,
                      size_t max_terms, pg_buf *out, pg_error *err)
{
    pg_err rc = usable(t, 1, err);
    uint32_t *ds = NULL, *pick = NULL, *shown = NULL;
    scored *v = NULL;
    size_t nv = 0;

    if (rc != PG_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (docs[i] >= t->n_docs)
            return pg_error_set(err, PG_ERR_USAGE, "terms: document %lu out of range",
                                (unsigned long)docs[i]);
    if (n == 0 || max_terms == 0)
        return PG_OK;
    if (max_terms > t->n_terms)
        max_terms = t->n_terms;
    rc = PG_ERR_NOMEM;
    if ((ds = malloc(n * sizeof *ds)) == NULL
        || (pick = malloc((max_terms + 1) * sizeof *pick)) == NULL
        || (shown = malloc((4 * max_terms + 2) * sizeof *shown)) == NULL)
        goto out;
    memcpy(ds, docs, n * sizeof *ds);
    if (score_group(t, ds, n, &v, &nv) != PG_OK)
        goto out;
    size_t np = pick_terms(t, v, nv, max_terms, pick, shown);
    rc = write_label(t, pick, np, out);
out:
    free(ds);
    free(pick);
    free(shown);
    free(v);
    return rc == PG_OK ? PG_OK : nomem(err);
}

/* ----------------------------------------------------- tokens and lookup */

typedef struct lister {
    pg_terms *t;
    pg_buf *out;
    int any;                    /* a word was written */
    int pending;                /* a phrase ended since it */
} lister;

static pg_err list_token(void *ctx, const char *s, size_t n)
{
    lister *l = ctx;
    const char *st;
    size_t sn;
    pg_err rc;

    if (s == NULL || is_stop(s, n)) {
        l->pending = l->any;
        return PG_OK;
    }
    if ((rc = stem(l->t, s, n, &st, &sn)) != PG_OK)
        return rc;
    if (l->any && (rc = pg_buf_puts(l->out, l->pending ? " | " : " ")) != PG_OK)
        return rc;
    l->any = 1;
    l->pending = 0;
    return pg_buf_append(l->out, st, sn);
}

pg_err pg_terms_tokens(pg_terms *t, const char *text, size_t len,
                       pg_buf *out, pg_error *err)
{
    if (text == NULL && len > 0)
        return pg_error_set(err, PG_ERR_USAGE, "terms: NULL text");
    lister l = { t, out, 0, 0 };
    /* appending nothing still makes out a string when no word is written */
    if (pg_buf_append(out, "", 0) != PG_OK || scan(text, len, list_token, &l) != PG_OK)
        return nomem(err);
    return PG_OK;
}

typedef struct finder {
    pg_terms *t;
    uint32_t w[2];
    size_t n;
    int gap;                    /* a phrase ended after a word */
    int bad;                    /* not one term */
} finder;

static pg_err find_token(void *ctx, const char *s, size_t n)
{
    finder *f = ctx;
    const char *st;
    size_t sn;

    if (s == NULL) {            /* punctuation around the words is fine */
        f->gap = f->n > 0;
        return PG_OK;
    }
    if (is_stop(s, n)) {        /* "experimental results" is no term */
        f->bad = 1;
        return PG_OK;
    }
    if (f->gap || f->n == 2) {
        f->bad = 1;
        return PG_OK;
    }
    pg_err rc = stem(f->t, s, n, &st, &sn);
    if (rc != PG_OK)
        return rc;
    const pg_terms *t = f->t;
    size_t i = strtab_slot(&t->word_tab, t->words, sizeof *t->words, t->arena.data,
                           hash_str(st, sn), st, sn);
    if (t->word_tab.slots[i] == 0)
        f->bad = 1;
    else
        f->w[f->n++] = t->word_tab.slots[i] - 1;
    return PG_OK;
}

/* Fills info for the words f found; PG_ERR_NOT_FOUND when not a term. */
static pg_err describe(const pg_terms *t, const finder *f, pg_term_info *info)
{
    uint32_t df, tid = NONE;
    if (f->n == 1) {
        df = t->words[f->w[0]].df;
        tid = t->words[f->w[0]].term;
    } else {
        const bislot *s = bitab_find(&t->bigrams, bikey(f->w[0], f->w[1]));
        if (s == NULL)
            return PG_ERR_NOT_FOUND;
        df = t->finished ? t->terms[s->df].df : s->df;
        tid = t->finished ? s->df : NONE;
    }
    if (t->finished && tid == NONE)
        return PG_ERR_NOT_FOUND;
    info->df = df;
    info->kept = t->finished;
    info->idf = t->finished ? t->terms[tid].idf : 0.0;
    return PG_OK;
}

pg_err pg_terms_lookup(pg_terms *t, const char *phrase, pg_term_info *info,
                       pg_error *err)
{
    finder f = { t, { NONE, NONE }, 0, 0, 0 };

    if (t->failed)
        return pg_error_set(err, PG_ERR_USAGE, "terms: unusable after an earlier error");
    if (scan(phrase, strlen(phrase), find_token, &f) != PG_OK)
        return nomem(err);
    if (f.bad || f.n == 0 || describe(t, &f, info) != PG_OK)
        return pg_error_set(err, PG_ERR_NOT_FOUND, "terms: \"%s\" is not a known term", phrase);
    return PG_OK;
}
