/*
** term_labels.c: pg_terms_label(), the terms most distinctive of a group
** of documents (one paper or a community), written as a readable label:
** surface forms, a phrase in place of the word it mostly carries, chained
** bigrams as one phrase.
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph/terms.h"

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

/* The sublinear tf (1 + ln tf) of entry j of document d's vector,
 * recovered from its weight. */
static float sublinear_tf(const pg_terms *t, uint32_t d, size_t j)
{
    float idf = t->terms[t->vec[j].id].idf;
    return idf > 0 ? t->vec[j].w * t->doc_norm[d] / idf : 0;
}

/* Collects the terms of the group's distinct documents (*g of them): one
 * entry per term, sorted by term, with the group df and the sum of the
 * sublinear tf.  Each term's sum is taken in document order whichever road
 * is taken (the merge sort of the small road is stable), so both give the
 * same floats.  A group whose entries number more than a 64th of the
 * vocabulary sums into an array by term id instead of sorting its entries:
 * clearing the array costs less than the sort's comparisons from there on
 * (communities of a few dozen papers, hundreds of them in a large graph). */
static pg_err collect_group(const pg_terms *t, uint32_t *docs, size_t nd,
                            scored **out, size_t *n, size_t *g)
{
    size_t total = 0, m = 0, k = 0;
    pg_sort_u32(docs, nd);
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
    if (total >= 512 && total * 64 >= t->n_terms) {
        scored *by_term = calloc(t->n_terms + 1, sizeof *by_term);
        uint32_t *seen = malloc((total + 1) * sizeof *seen);
        if (by_term == NULL || seen == NULL) {
            free(by_term);
            free(seen);
            free(v);
            return PG_ERR_NOMEM;
        }
        for (size_t i = 0; i < nd; i++) {
            if (i > 0 && docs[i] == docs[i - 1])
                continue;
            for (size_t j = t->vec_start[docs[i]]; j < t->vec_start[docs[i] + 1]; j++) {
                scored *x = &by_term[t->vec[j].id];
                if (x->df++ == 0)
                    seen[m++] = t->vec[j].id;
                x->w += sublinear_tf(t, docs[i], j);
            }
        }
        pg_sort_u32(seen, m);
        for (size_t i = 0; i < m; i++) {
            scored x = { seen[i], by_term[seen[i]].df, by_term[seen[i]].w, 0 };
            v[k++] = x;
        }
        free(by_term);
        free(seen);
        *out = v;
        *n = k;
        return PG_OK;
    }
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && docs[i] == docs[i - 1])
            continue;
        for (size_t j = t->vec_start[docs[i]]; j < t->vec_start[docs[i] + 1]; j++) {
            scored s = { t->vec[j].id, 1, sublinear_tf(t, docs[i], j), 0 };
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

/* Index in v (sorted by term) of term tid, or -1: from pos (pos[tid] is
 * the index + 1, 0 for none) when there is one, else by binary search. */
static ptrdiff_t find_scored(const scored *v, size_t n, const uint32_t *pos, uint32_t tid)
{
    if (pos != NULL)
        return (ptrdiff_t)pos[tid] - 1;
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
** the entries does not matter.  by[u] is scratch space, one per entry;
** pos, when not NULL, maps every term id to its index in v (find_scored).
*/
static void absorb_words(const pg_terms *t, scored *v, size_t n, size_t *by,
                         const uint32_t *pos)
{
    for (size_t i = 0; i < n; i++)
        by[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const term *tm = &t->terms[v[i].term];
        uint32_t ws[2] = { tm->w1, tm->w2 };
        for (int j = 0; j < 2 && tm->w2 != NONE; j++) {
            uint32_t ut = t->words[ws[j]].term;
            ptrdiff_t u = ut == NONE ? -1 : find_scored(v, n, pos, ut);
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
    uint32_t *pos = NULL;
    if (collect_group(t, docs, nd, &v, &k, &g) != PG_OK)
        return PG_ERR_NOMEM;
    /* A large group looks its words up in an array by term id: two binary
     * searches per bigram cost more once the array is cheap to clear. */
    int indexed = k >= 256 && k * 64 >= t->n_terms && k < UINT32_MAX;
    if ((by = malloc((k + 1) * sizeof *by)) == NULL
        || (indexed && (pos = calloc(t->n_terms + 1, sizeof *pos)) == NULL)) {
        free(by);
        free(v);
        return PG_ERR_NOMEM;
    }
    for (size_t i = 0; pos != NULL && i < k; i++)
        pos[v[i].term] = (uint32_t)(i + 1);
    for (size_t i = 0; i < k; i++) {
        double lift = (double)v[i].df * (double)t->n_docs
                      / ((double)g * (double)t->terms[v[i].term].df);
        v[i].w = lift > 1.0 ? (float)(v[i].w * log(lift)) : 0.0f;
        v[i].base = v[i].w;
    }
    absorb_words(t, v, k, by, pos);
    free(by);
    free(pos);
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
    pg_err rc = pgg_terms_usable(t, 1, err);
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
