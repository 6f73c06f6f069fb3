/*
** features.c: what the comparisons need of one match item, computed once:
** the abstract's shingle hashes (in text order and as a sorted set) and the
** title's words, core words, specificity and marks.  A new text is compared
** with every candidate, and a kept candidate with every new variant of its
** paper: computing these per pair was most of the cost of verification.
*/
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "dedup/internal.h"
#include "dedup/match.h"

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

/* Collects the words that tell documents of one title apart: numbers
 * ("Llama 2", "Llama 3"), part numbers and marker words. */
static size_t title_marks(const char *s, size_t len, pgd_mark *out, size_t max)
{
    size_t pos = 0, n, k = 0;
    int after_part = 0;
    pgd_span prev = { s, 0 };
    while ((n = pgd_next_word(s, len, &pos)) > 0 && k < max) {
        pgd_span w = { s + pos, n };
        pos += n;
        if (pgd_is_number(w) || pgd_in_list(w, roman_words, NELEM(roman_words))
            || pgd_in_list(w, marker_words, NELEM(marker_words)) || after_part) {
            out[k].w = w;
            out[k++].prev = prev;
        }
        after_part = n == 4 && memcmp(w.p, "part", 4) == 0;
        prev = w;
    }
    return k;
}

/* Shingles of the judged part of an abstract (a cut-off one without its
 * last word): *words and *judged_len, and room enough for them (the number
 * of words, at least one shingle's). */
static size_t judged(const char *s, size_t len, int truncated, size_t *words,
                     size_t *judged_len)
{
    len = s != NULL ? len : 0;
    if (truncated)
        len = pgd_drop_last_word(s, len);
    *judged_len = len;
    *words = pgd_count_words(s, len);
    /* A key of w words has max(w - 2, 1) shingles (one for a short one). */
    return *words > PG_SHINGLE_WORDS ? *words : PG_SHINGLE_WORDS;
}

/* The shingle hashes of s[0..len) in text order into seq (at most `most`);
 * returns how many. */
static size_t shingle_seq(const char *s, size_t len, size_t most, uint32_t *seq)
{
    size_t n = 0;
    pgd_shingler sh;
    uint64_t h;
    pgd_shingler_init(&sh, s, len);
    while (n < most && pgd_shingler_next(&sh, &h))
        seq[n++] = (uint32_t)h;
    return n;
}

/* v[0..n) sorted without repeats, in place; returns how many are left. */
static size_t set_in_place(uint32_t *v, size_t n)
{
    pg_sort_u32(v, n);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[u - 1] != v[i])
            v[u++] = v[i];
    return u;
}

/* seq[0..n) sorted without repeats into set; returns the set's size. */
static size_t make_set(const uint32_t *seq, size_t n, uint32_t *set)
{
    if (n > 0)
        memcpy(set, seq, n * sizeof *set);
    return set_in_place(set, n);
}

size_t pg_dedup_distinct(const uint64_t *h, size_t n)
{
    uint32_t small[1024];
    uint32_t *v = n <= sizeof small / sizeof *small ? small : malloc(n * sizeof *v);
    if (v == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint32_t)h[i];
    size_t d = set_in_place(v, n);
    if (v != small)
        free(v);
    return d;
}

static pg_err reserve(pgd_feat *f, size_t words)
{
    return pg_grow((void **)&f->mem, &f->cap, words, sizeof *f->mem);
}

/* The judged abstract's shingles into f->mem: the sequence, then the set. */
static pg_err abstract_feat(const pg_match_item *it, pgd_feat *f)
{
    size_t most = judged(it->abstract, it->abstract_len, it->truncated, &f->words,
                         &f->judged_len);
    if (reserve(f, 2 * most) != PG_OK)
        return PG_ERR_NOMEM;
    uint32_t *seq = f->mem, *set = f->mem + most;
    f->n_seq = shingle_seq(it->abstract, f->judged_len, most, seq);
    f->n_set = make_set(seq, f->n_seq, set);
    f->seq = seq;
    f->set = set;
    return PG_OK;
}

/* Room in arena for 2 * most 4-byte words, aligned: their offset in *at.
 * PG_ERR_NOMEM. */
static pg_err arena_words(pg_buf *arena, size_t most, size_t *at)
{
    size_t pad = (4 - arena->len % 4) % 4;
    if (pg_buf_reserve(arena, pad + 2 * most * sizeof(uint32_t)) != PG_OK)
        return PG_ERR_NOMEM;
    arena->len += pad;
    *at = arena->len;
    return PG_OK;
}

/* The sequence of n_seq hashes at arena offset at is in place: puts its set
 * right after it and closes the arena over both. */
static void arena_close(pg_buf *arena, size_t at, size_t n_seq, pg_dedup_shingles *sh)
{
    uint32_t *seq = (uint32_t *)(void *)(arena->data + at);
    sh->n_seq = n_seq;
    sh->n_set = make_set(seq, n_seq, seq + n_seq);
    arena->len += (sh->n_seq + sh->n_set) * sizeof *seq;
    arena->data[arena->len] = '\0';
    sh->seq = sh->set = NULL;
}

pg_err pg_dedup_shingles_append(const char *abstract, size_t len, int truncated,
                                pg_buf *arena, size_t *at, pg_dedup_shingles *sh)
{
    /* The abstract may lie in the arena, which may move as it grows. */
    int inside = abstract != NULL && arena->data != NULL && abstract >= arena->data
                 && abstract < arena->data + arena->len;
    size_t off = inside ? (size_t)(abstract - arena->data) : 0;
    size_t most = judged(abstract, len, truncated, &sh->words, &sh->judged_len);
    if (arena_words(arena, most, at) != PG_OK)
        return PG_ERR_NOMEM;
    if (inside)
        abstract = arena->data + off;
    uint32_t *seq = (uint32_t *)(void *)(arena->data + *at);
    arena_close(arena, *at, shingle_seq(abstract, sh->judged_len, most, seq), sh);
    return PG_OK;
}

pg_err pg_dedup_shingles_reuse(const char *abstract, size_t len, int truncated,
                               const uint64_t *full, size_t n_full, pg_buf *arena,
                               size_t *at, pg_dedup_shingles *sh)
{
    if (truncated || full == NULL)
        return pg_dedup_shingles_append(abstract, len, truncated, arena, at, sh);
    size_t most = judged(abstract, len, 0, &sh->words, &sh->judged_len);
    if (n_full > most)
        return PG_ERR_INTERNAL;     /* not the hashes of this abstract */
    if (arena_words(arena, n_full, at) != PG_OK)
        return PG_ERR_NOMEM;
    uint32_t *seq = (uint32_t *)(void *)(arena->data + *at);
    for (size_t i = 0; i < n_full; i++)
        seq[i] = (uint32_t)full[i];
    arena_close(arena, *at, n_full, sh);
    return PG_OK;
}

pg_err pgd_feat_adopt(const pg_match_item *it, const pg_dedup_shingles *sh, pgd_feat *f)
{
    pg_err e = pgd_feat_keep_shingles(sh, f);
    if (e == PG_OK)
        pgd_feat_finish(it, f);
    return e;
}

void pgd_feat_finish(const pg_match_item *it, pgd_feat *f)
{
    if (f->shingled && !f->ready) {
        pgd_feat_title(it, f);
        f->ready = 1;
    }
}

pg_err pgd_feat_keep_shingles(const pg_dedup_shingles *sh, pgd_feat *f)
{
    f->ready = f->shingled = 0;
    size_t n = sh->n_seq, u = sh->n_set;
    if (reserve(f, n + u ? n + u : 1) != PG_OK)
        return PG_ERR_NOMEM;
    if (n > 0)
        memcpy(f->mem, sh->seq, n * sizeof *f->mem);
    if (u > 0)
        memcpy(f->mem + n, sh->set, u * sizeof *f->mem);
    f->seq = f->mem;
    f->set = f->mem + n;
    f->n_seq = n;
    f->n_set = u;
    f->words = sh->words;
    f->judged_len = sh->judged_len;
    f->shingled = 1;
    return PG_OK;
}

void pgd_feat_title(const pg_match_item *it, pgd_feat *f)
{
    pgd_title_split(it->title, it->title_len, &f->split);
    pgd_title_core(&f->split, &f->core);
    f->generic = pgd_title_is_generic(&f->split);
    f->spec = pgd_title_specificity(&f->core, &f->common);
    f->n_marks = title_marks(it->title, it->title_len, f->marks, PGD_MARKS_MAX);
}

pg_err pgd_feat_make(const pg_match_item *it, pgd_feat *f)
{
    f->ready = f->shingled = 0;
    pgd_feat_title(it, f);
    pg_err e = abstract_feat(it, f);
    f->ready = f->shingled = e == PG_OK;
    return e;
}

void pgd_feat_shrink(pgd_feat *f)
{
    if (!f->shingled || f->mem == NULL || f->seq != f->mem)
        return;
    size_t n = f->n_seq + f->n_set;
    memmove(f->mem + f->n_seq, f->set, f->n_set * sizeof *f->mem);
    uint32_t *m = realloc(f->mem, (n ? n : 1) * sizeof *m);
    if (m != NULL) {
        f->mem = m;
        f->cap = n ? n : 1;
    }
    f->seq = f->mem;
    f->set = f->mem + f->n_seq;
}

void pgd_feat_release(pgd_feat *f)
{
    free(f->mem);
    memset(f, 0, sizeof *f);
}
