/*
** noise_floor.c: measures the term-similarity noise floor that weak links
** use (pg_graph_opts.weak_min_sim): each paper's best term neighbour
** (cosine) in a store's papers, against the same papers with their words
** shuffled across all papers (each paper keeps its length and the corpus
** its word frequencies, but which words meet in a paper is chance).  The
** shuffled corpus's best-neighbour similarities are what chance alone
** gives; a similarity above their 95th or 99th percentile is unlikely to be
** chance.
**
**   ninja -C BUILD tools/noise_floor
**   BUILD/tools/noise_floor DB [SEED]
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/internal.h"
#include "papergraph/papers.h"

typedef struct corpus {
    pg_buf *docs;
    size_t n, cap;
} corpus;

static int add_paper(void *ctx, const pg_paper *p)
{
    corpus *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->docs = realloc(c->docs, c->cap * sizeof *c->docs);
        if (c->docs == NULL)
            return 1;
    }
    pg_buf *b = &c->docs[c->n++];
    *b = (pg_buf)PG_BUF_INIT;
    pg_buf_puts(b, p->title);
    pg_buf_puts(b, "\n\n");
    pg_buf_puts(b, p->abstract);
    return 0;
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

/* Best-neighbour cosine of every document of texts[0..n) into best[]. */
static int best_sims(char **texts, size_t n, int stem, float *best)
{
    pg_terms_opts o;
    pg_terms *t = NULL;
    pg_error err = { PG_OK, "" };
    pg_terms_opts_default(&o);
    o.stem = stem;
    if (pg_terms_new(&o, &t, &err) != PG_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        pg_terms_add(t, texts[i], strlen(texts[i]), &err);
    pg_sim_edge *e = NULL;
    size_t ne = 0;
    if (pg_terms_finish(t, &err) != PG_OK
        || pg_terms_topk(t, 1, 1e-6, &e, &ne, &err) != PG_OK) {
        fprintf(stderr, "terms: %s\n", err.msg);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        best[i] = 0;
    for (size_t i = 0; i < ne; i++) {
        if (e[i].sim > best[e[i].a])
            best[e[i].a] = e[i].sim;
        if (e[i].sim > best[e[i].b])
            best[e[i].b] = e[i].sim;
    }
    free(e);
    pg_terms_free(t);
    return 0;
}

static void report(const char *what, float *v, size_t n)
{
    static const double q[] = { 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99 };
    qsort(v, n, sizeof *v, cmp_float);
    printf("%-10s", what);
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        printf("  p%02d %.3f", (int)(q[i] * 100 + 0.5), v[(size_t)(q[i] * (double)(n - 1))]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: noise_floor DB [SEED]\n");
        return 2;
    }
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    pg_store *s = NULL;
    pg_error err = { PG_OK, "" };
    corpus c = { NULL, 0, 0 };
    if (pg_store_open(argv[1], &s, &err) != PG_OK
        || pg_papers_foreach(s, 0, PG_PAPERS_BY_ID, NULL, add_paper, &c, &err) != PG_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg);
        return 1;
    }
    size_t n = c.n;
    char **real = malloc(n * sizeof *real), **shuf = malloc(n * sizeof *shuf);
    float *best = malloc(n * sizeof *best);
    /* The words each paper makes (stems), then all of them shuffled. */
    pg_terms *tok = NULL;
    pg_terms_new(NULL, &tok, &err);
    pg_buf all = PG_BUF_INIT;
    size_t *count = calloc(n, sizeof *count), n_words = 0;
    char **words = NULL;
    for (size_t i = 0; i < n; i++) {
        real[i] = c.docs[i].data ? c.docs[i].data : "";
        pg_buf b = PG_BUF_INIT;
        pg_terms_tokens(tok, real[i], strlen(real[i]), &b, &err);
        for (char *w = strtok(b.data ? b.data : "", " "); w; w = strtok(NULL, " ")) {
            if (strcmp(w, "|") == 0)
                continue;
            words = realloc(words, (n_words + 1) * sizeof *words);
            words[n_words++] = strdup(w);
            count[i]++;
        }
        pg_buf_release(&b);
    }
    uint64_t st = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = n_words; i > 1; i--) {
        st ^= st << 13, st ^= st >> 7, st ^= st << 17;
        size_t j = (size_t)(st % i);
        char *t = words[i - 1];
        words[i - 1] = words[j];
        words[j] = t;
    }
    for (size_t i = 0, at = 0; i < n; i++) {
        pg_buf_reset(&all);
        for (size_t k = 0; k < count[i]; k++, at++) {
            pg_buf_puts(&all, words[at]);
            pg_buf_putc(&all, ' ');
        }
        shuf[i] = strdup(all.data ? all.data : "");
    }
    printf("%zu papers, %zu words\n", n, n_words);
    if (best_sims(real, n, 1, best) == 0)
        report("papers", best, n);
    if (best_sims(shuf, n, 0, best) == 0)
        report("shuffled", best, n);
    pg_store_close(s);
    return 0;
}
