/*
** graph/terms.h: the inside of the term model whose interface is in
** graph/internal.h: the pg_terms object, the layout of its tables and what
** its files share.  tokens.c cuts text into words (the only file that sees
** the stemmer), terms.c holds the object, the adding phase and the look-up,
** tfidf.c finishes it into vectors, topk.c finds nearest neighbours and
** term_labels.c names groups of documents.
*/
#ifndef PG_GRAPH_TERMS_H
#define PG_GRAPH_TERMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/internal.h"

#define TOKEN_MAX 64            /* longer runs are URLs, formulas or junk */
#define NONE UINT32_MAX         /* no word / no term */
#define STOP (UINT32_MAX - 1)   /* surface form of a stop word */
#define BREAK UINT32_MAX        /* phrase end in a word sequence */
#define MAX_DOCS (UINT32_MAX - 2)
#define EMPTY_KEY UINT64_MAX    /* free bigram slot (word ids < 2^32 - 1) */

/* ---------------------------------------------------------------- helpers */

static inline uint64_t mix64(uint64_t x)        /* splitmix64 finaliser */
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* FNV-1a: tokens are short, so a byte loop is as fast as anything here. */
static inline uint64_t hash_str(const char *s, size_t n)
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
static inline void *grow_array(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 4 / elem)
            return NULL;
        c *= 2;
    }
    void *q = pg_mem_realloc(p, *cap * elem, c * elem);
    if (q != NULL)
        *cap = c;
    return q;
}

static inline pg_err nomem(pg_error *err)
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

static inline uint64_t bikey(uint32_t w1, uint32_t w2)
{
    return (uint64_t)w1 << 32 | w2;
}

static inline pg_err bitab_init(bitab *tab, size_t slots)
{
    tab->slots = pg_mem_malloc(slots * sizeof *tab->slots);
    if (tab->slots == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < slots; i++)
        tab->slots[i].key = EMPTY_KEY;
    tab->mask = slots - 1;
    tab->n = 0;
    return PG_OK;
}

static inline void bitab_release(bitab *tab)
{
    free(tab->slots);
    tab->slots = NULL;
    tab->mask = tab->n = 0;
}

static inline bislot *bitab_slot(const bitab *tab, uint64_t key)
{
    size_t i = (size_t)mix64(key) & tab->mask;
    while (tab->slots[i].key != key && tab->slots[i].key != EMPTY_KEY)
        i = (i + 1) & tab->mask;
    return &tab->slots[i];
}

/* Returns the slot of key, or NULL when absent (or the table is empty). */
static inline const bislot *bitab_find(const bitab *tab, uint64_t key)
{
    if (tab->slots == NULL)
        return NULL;
    const bislot *s = bitab_slot(tab, key);
    return s->key == key ? s : NULL;
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

    struct tok *toks;           /* the document being added, cut (scratch) */
    size_t toks_cap, n_toks;
    const char *tok_base;       /* the cut document their bytes are in */
    pg_buf cut;                 /* pg_terms_add's cut document (scratch) */
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

/* ---------------------------------------------------------------- sorting */

/* qsort that accepts NULL with no elements (qsort itself may not). */
static inline void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

static inline int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------- shared between files */

/* Called with each kept-length token (s, n) or with s NULL at a phrase
 * end, including where a dropped token was. */
typedef pg_err (*token_fn)(void *ctx, const char *s, size_t n);

/* tokens.c: cuts text into folded tokens for fn; see pg_terms_add for the
 * rules. */
pg_err pgg_scan(const char *text, size_t len, token_fn fn, void *ctx);

/* tokens.c: whether the folded token s[0..n) (n <= TOKEN_MAX) is a stop
 * word. */
int pgg_is_stop(const char *s, size_t n);

/* tokens.c: a new English stemmer for t->stemmer, NULL when out of memory;
 * pgg_stemmer_free() frees it. */
struct sb_stemmer;
struct sb_stemmer *pgg_stemmer_new(void);
void pgg_stemmer_free(struct sb_stemmer *st);

/* tokens.c: stems s[0..n) with t's stemmer (s itself when t does not stem);
 * *out points into the stemmer until its next call.  PG_ERR_NOMEM. */
pg_err pgg_stem(pg_terms *t, const char *s, size_t n, const char **out, size_t *out_n);

/* terms.c: PG_OK when t may be used in the phase asked for (finished or
 * not), else PG_ERR_USAGE with the reason in err. */
pg_err pgg_terms_usable(const pg_terms *t, int want_finished, pg_error *err);

/* terms.c: frees what only the adding phase needs. */
void pgg_terms_free_adding(pg_terms *t);

#endif
