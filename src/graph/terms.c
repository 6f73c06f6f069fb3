/*
** terms.c: the term model object and its adding phase: the tables of
** surface forms, stems and bigrams, the documents kept as word sequences
** with the counts of their words and bigrams, and pg_terms_lookup() (the
** model is described in graph/internal.h, its layout in graph/terms.h).
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
** pg_terms_finish() (tfidf.c) then builds the vectors from the word
** sequences and frees the sequences, the surface-form table and the big
** bigram table.
**
** Hash tables use open addressing with linear probing and 64-bit hashes;
** strings are compared only on a full hash match.  No global mutable state:
** the stemmer belongs to the object.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph/terms.h"

/* ------------------------------------------------------- string tables */

static pg_err strtab_init(strtab *tab, size_t slots)
{
    tab->slots = pg_mem_calloc(slots, sizeof *tab->slots);
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
    uint32_t *ns = pg_mem_calloc(slots * 2, sizeof *ns);
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

static pg_err formtab_init(formtab *tab, size_t slots)
{
    tab->slots = pg_mem_calloc(slots, sizeof *tab->slots);
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
    pg_buf_init(&t->cut);
    if (formtab_init(&t->forms, 1024) != PG_OK
        || strtab_init(&t->word_tab, 1024) != PG_OK
        || bitab_init(&t->bigrams, 1024) != PG_OK
        || (t->doc_seq = calloc(16, sizeof *t->doc_seq)) == NULL) {
        rc = nomem(err);
        goto out;
    }
    t->doc_cap = 16;
    if (o->stem && (t->stemmer = pgg_stemmer_new()) == NULL) {
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
void pgg_terms_free_adding(pg_terms *t)
{
    formtab_release(&t->forms);
    free(t->toks);
    t->toks = NULL;
    t->toks_cap = t->n_toks = 0;
    pg_buf_release(&t->cut);
    t->tok_base = NULL;
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
        pgg_stemmer_free(t->stemmer);
    pgg_terms_free_adding(t);
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

/* ------------------------------------------------------------ interning */

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
    if (!pgg_is_stop(s, n)) {
        const char *st;
        size_t sn;
        pg_err rc = pgg_stem(t, s, n, &st, &sn);
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

/* The word id of token s (whose hash_str is h), or STOP. */
static pg_err form_word(pg_terms *t, const char *s, size_t n, uint64_t h, uint32_t *wid)
{
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

/* Counts word w (or a phrase end: STOP) of document a->doc. */
static pg_err add_word(adder *a, uint32_t w)
{
    pg_terms *t = a->t;
    pg_err rc;

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

/* One token of the document being added: its bytes at t->tok_base + off. */
typedef struct tok {
    uint64_t hash;
    uint32_t off;
    uint32_t len;               /* 0: a phrase end */
    uint32_t word;              /* once resolved: its word id, or STOP */
} tok;

/*
** A document cut into tokens, as pgg_terms_cut() writes it and
** pgg_terms_add_cut() reads it: per token one length byte (0: a phrase
** end), then for a word its hash_str (8 bytes, host order) and its folded
** bytes.  Cutting is a pure function of the text and the larger half of
** what adding costs, so it can be done on another thread than the counting,
** which must see the documents one after the other.
*/
typedef struct cutter {
    pg_buf *out;
} cutter;

static pg_err cut_token(void *ctx, const char *s, size_t n)
{
    cutter *c = ctx;
    unsigned char len = (unsigned char)(s != NULL ? n : 0);   /* n <= TOKEN_MAX */
    pg_err rc = pg_buf_append(c->out, (const char *)&len, 1);
    if (rc == PG_OK && s != NULL) {
        uint64_t h = hash_str(s, n);
        rc = pg_buf_append(c->out, (const char *)&h, sizeof h);
        if (rc == PG_OK)
            rc = pg_buf_append(c->out, s, n);
    }
    return rc;
}

pg_err pgg_terms_cut(const char *text, size_t len, pg_buf *out)
{
    cutter c = { out };
    if (text == NULL && len > 0)
        return PG_ERR_USAGE;
    return pgg_scan(text ? text : "", len, cut_token, &c);
}

/* Reads the cut document cut[0..n) into t->toks; PG_ERR_USAGE when it is
 * not one pgg_terms_cut wrote. */
static pg_err read_cut(pg_terms *t, const char *cut, size_t n)
{
    size_t i = 0, m = 0;
    if (n > UINT32_MAX)
        return PG_ERR_NOMEM;
    while (i < n) {
        if (m == t->toks_cap) {
            tok *k = grow_array(t->toks, &t->toks_cap, m + 1, sizeof *k);
            if (k == NULL)
                return PG_ERR_NOMEM;
            t->toks = k;
        }
        tok *k = &t->toks[m++];
        size_t len = (unsigned char)cut[i++];
        k->len = (uint32_t)len;
        if (len == 0)
            continue;
        if (len > TOKEN_MAX || n - i < sizeof k->hash + len)
            return PG_ERR_USAGE;
        memcpy(&k->hash, cut + i, sizeof k->hash);
        k->off = (uint32_t)(i + sizeof k->hash);
        i += sizeof k->hash + len;
    }
    t->n_toks = m;
    t->tok_base = cut;
    return PG_OK;
}

/*
** How far ahead of the token being counted the tables are asked for.  Most
** tokens cost a cache miss in the surface-form table and another in the
** bigram table, both far larger than the caches; the document is cut into
** tokens first so that those lines can be fetched several tokens ahead and
** their misses overlap.  The order of every look-up and count stays the
** token order, so the tables end up exactly as one token at a time leaves
** them.
*/
#define FORM_AHEAD 8
#define BIGRAM_AHEAD 4

/* Resolves token i to its word and fetches what later tokens will need. */
static pg_err resolve(pg_terms *t, size_t i)
{
    tok *k = t->toks;
    size_t j = i + FORM_AHEAD;
    if (j < t->n_toks && k[j].len > 0)
        __builtin_prefetch(&t->forms.slots[(size_t)k[j].hash & t->forms.mask]);
    k[i].word = STOP;
    if (k[i].len > 0) {
        pg_err rc = form_word(t, t->tok_base + k[i].off, k[i].len, k[i].hash,
                              &k[i].word);
        if (rc != PG_OK)
            return rc;
    }
    if (t->o.bigrams && i > 0 && k[i].word != STOP && k[i - 1].word != STOP)
        __builtin_prefetch(&t->bigrams.slots[(size_t)mix64(bikey(k[i - 1].word, k[i].word))
                                             & t->bigrams.mask]);
    return PG_OK;
}

/* Counts the words of the document cut into t->toks. */
static pg_err add_tokens(pg_terms *t, adder *a)
{
    pg_err rc = PG_OK;
    size_t n = t->n_toks, r = 0;
    for (size_t j = 0; j < n && j < FORM_AHEAD; j++)
        if (t->toks[j].len > 0)
            __builtin_prefetch(&t->forms.slots[(size_t)t->toks[j].hash & t->forms.mask]);
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        for (; r < n && r <= i + BIGRAM_AHEAD && rc == PG_OK; r++)
            rc = resolve(t, r);
        if (rc == PG_OK)
            rc = add_word(a, t->toks[i].word);
    }
    return rc;
}

pg_err pgg_terms_usable(const pg_terms *t, int want_finished, pg_error *err)
{
    if (t->failed)
        return pg_error_set(err, PG_ERR_USAGE, "terms: unusable after an earlier error");
    if (want_finished && !t->finished)
        return pg_error_set(err, PG_ERR_USAGE, "terms: pg_terms_finish not called yet");
    if (!want_finished && t->finished)
        return pg_error_set(err, PG_ERR_USAGE, "terms: already finished");
    return PG_OK;
}

pg_err pgg_terms_add_cut(pg_terms *t, const char *cut, size_t n, pg_error *err)
{
    pg_err rc = pgg_terms_usable(t, 0, err);
    if (rc != PG_OK)
        return rc;
    if (cut == NULL && n > 0)
        return pg_error_set(err, PG_ERR_USAGE, "terms: NULL text");
    if (t->n_docs >= MAX_DOCS)
        return pg_error_set(err, PG_ERR_USAGE, "terms: too many documents");
    if ((rc = read_cut(t, cut, n)) == PG_ERR_USAGE)
        return pg_error_set(err, rc, "terms: not a cut document");
    if (rc == PG_OK && t->n_docs + 1 >= t->doc_cap) {
        size_t *d = grow_array(t->doc_seq, &t->doc_cap, t->n_docs + 2, sizeof *d);
        if (d == NULL)
            rc = PG_ERR_NOMEM;
        else
            t->doc_seq = d;
    }
    if (rc != PG_OK)
        return nomem(err);
    adder a = { t, (uint32_t)t->n_docs, NONE };
    if ((rc = add_tokens(t, &a)) != PG_OK) {
        t->failed = 1;          /* df counts already include part of it */
        return nomem(err);
    }
    if (t->seq_len > t->doc_seq[t->n_docs] && t->seq[t->seq_len - 1] == BREAK)
        t->seq_len--;
    t->doc_seq[++t->n_docs] = t->seq_len;
    return PG_OK;
}

pg_err pg_terms_add(pg_terms *t, const char *text, size_t len, pg_error *err)
{
    pg_err rc = pgg_terms_usable(t, 0, err);
    if (rc != PG_OK)
        return rc;
    if (text == NULL && len > 0)
        return pg_error_set(err, PG_ERR_USAGE, "terms: NULL text");
    pg_buf_reset(&t->cut);
    if (pgg_terms_cut(text, len, &t->cut) != PG_OK)
        return nomem(err);
    return pgg_terms_add_cut(t, t->cut.data, t->cut.len, err);
}

/* ---------------------------------------------------------------- lookup */

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
    if (pgg_is_stop(s, n)) {        /* "experimental results" is no term */
        f->bad = 1;
        return PG_OK;
    }
    if (f->gap || f->n == 2) {
        f->bad = 1;
        return PG_OK;
    }
    pg_err rc = pgg_stem(f->t, s, n, &st, &sn);
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
    if (pgg_scan(phrase, strlen(phrase), find_token, &f) != PG_OK)
        return nomem(err);
    if (f.bad || f.n == 0 || describe(t, &f, info) != PG_OK)
        return pg_error_set(err, PG_ERR_NOT_FOUND, "terms: \"%s\" is not a known term", phrase);
    return PG_OK;
}
