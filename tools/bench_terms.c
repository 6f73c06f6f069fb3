/*
** bench_terms.c: times the terms module (tokenise + TF-IDF + top-k + labels)
** on a generated corpus, or on real documents to eyeball neighbours and
** labels.  Not built by meson; build and run from the repository root:
**
**   cc -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -o /tmp/bench_terms \
**      tools/bench_terms.c src/graph/*.c src/base/buf.c src/base/error.c \
**      -lutf8proc -lstemmer -lm
**   /tmp/bench_terms 100000          # N generated abstracts of ~250 words
**   /tmp/bench_terms -f docs.txt     # documents separated by 0x1E bytes;
**                                    # the first line of each is its title
**
** Options: -m MIN_SIM (0.2), -a BIGRAM_ASSOC, -c MAX_POSTINGS, -b (no
** bigrams), -r (also run an exhaustive search and report the share of its
** edges found), -A (time adding only).  Times are CPU seconds.
**
** The generator mimics abstracts well enough for timing: about 40% stop
** words, a Zipf-distributed background vocabulary of 60,000 pseudo-words
** with English suffixes (so the stemmer has work), two topics of 150 words
** per document, punctuation and numbers.  It is deterministic.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "graph/internal.h"

#define BG_WORDS 60000
#define TOPICS 3000
#define TOPIC_WORDS 150

static const char *const stop[] = {
    "the", "of", "and", "a", "to", "in", "we", "is", "for", "that", "with", "on",
    "this", "by", "as", "are", "from", "our", "an", "be", "which", "can", "it",
    "these", "such", "both", "while", "into", "its", "their", "has", "than",
};
static const char *const syl[] = {
    "ka", "lo", "mi", "ten", "ro", "vus", "pel", "dra", "ni", "qua", "zor", "bel",
    "fi", "gan", "hu", "sto", "mar", "tri", "sen", "cor", "pla", "ver", "dis", "mon",
};
static const char *const suffix[] = { "", "", "", "s", "ing", "ed", "ation", "al" };

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* CPU seconds of this process: the machines this runs on are shared, and
 * wall time there says more about the neighbours than about this code. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A Zipf(1) rank in [0, n) by inverse transform on a harmonic table. */
typedef struct zipf {
    double *cum;
    size_t n;
} zipf;

static int zipf_init(zipf *z, size_t n)
{
    z->n = n;
    z->cum = malloc(n * sizeof *z->cum);
    if (z->cum == NULL)
        return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        z->cum[i] = s += 1.0 / (double)(i + 1);
    return 0;
}

static size_t zipf_draw(const zipf *z, uint64_t *s)
{
    double u = (double)(rng(s) >> 11) / 9007199254740992.0 * z->cum[z->n - 1];
    size_t lo = 0, hi = z->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (z->cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void put_word(pg_buf *b, size_t id, uint64_t *s)
{
    size_t n = 0, x = id;
    do {
        pg_buf_puts(b, syl[x % 24]);
        x /= 24;
        n++;
    } while (x > 0 || n < 2);
    pg_buf_puts(b, suffix[rng(s) % 8]);
}

static void gen_doc(pg_buf *b, const zipf *z, const uint32_t *topics, uint64_t *s)
{
    size_t t1 = rng(s) % TOPICS, t2 = rng(s) % TOPICS;
    size_t words = 200 + rng(s) % 100;
    pg_buf_reset(b);
    for (size_t i = 0; i < words; i++) {
        uint64_t r = rng(s) % 100;
        if (r < 40)
            pg_buf_puts(b, stop[rng(s) % (sizeof stop / sizeof stop[0])]);
        else if (r < 65)
            put_word(b, topics[(r % 2 ? t1 : t2) * TOPIC_WORDS + zipf_draw(z, s) % TOPIC_WORDS], s);
        else if (r < 67)
            pg_buf_printf(b, "%u", (unsigned)(rng(s) % 1000));
        else
            put_word(b, zipf_draw(z, s), s);
        r = rng(s) % 100;
        pg_buf_puts(b, r < 5 ? ". " : r < 12 ? ", " : r < 14 ? "-" : " ");
    }
}

static long peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* Generates all documents first, so that only pg_terms_add is timed. */
static int add_generated(pg_terms *t, size_t n, size_t *bytes, double *t0)
{
    zipf z;
    uint64_t s = 0x9E3779B97F4A7C15u;
    pg_buf b = PG_BUF_INIT, all = PG_BUF_INIT;
    pg_error err;
    size_t *ends = malloc((n + 1) * sizeof *ends);
    uint32_t *topics = malloc(TOPICS * TOPIC_WORDS * sizeof *topics);
    if (ends == NULL || topics == NULL || zipf_init(&z, BG_WORDS) != 0)
        return -1;
    for (size_t i = 0; i < TOPICS * TOPIC_WORDS; i++)
        topics[i] = (uint32_t)(1000 + rng(&s) % (BG_WORDS - 1000));
    ends[0] = 0;
    for (size_t d = 0; d < n; d++) {
        gen_doc(&b, &z, topics, &s);
        pg_buf_append(&all, b.data, b.len);
        ends[d + 1] = all.len;
    }
    *bytes = all.len;
    *t0 = now();
    for (size_t d = 0; d < n; d++) {
        if (pg_terms_add(t, all.data + ends[d], ends[d + 1] - ends[d], &err) != PG_OK) {
            fprintf(stderr, "add: %s\n", err.msg);
            return -1;
        }
    }
    pg_buf_release(&b);
    pg_buf_release(&all);
    free(ends);
    free(z.cum);
    free(topics);
    return 0;
}

/* Reads documents separated by 0x1E; *titles gets each one's first line. */
static int add_file(pg_terms *t, const char *path, char ***titles, size_t *bytes)
{
    FILE *f = fopen(path, "rb");
    pg_buf all = PG_BUF_INIT;
    char chunk[65536];
    size_t n, cap = 0, nd = 0;
    pg_error err;
    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pg_buf_append(&all, chunk, n);
    fclose(f);
    *bytes = all.len;
    *titles = NULL;
    for (char *p = all.data, *end = all.data + all.len; p < end;) {
        char *q = memchr(p, 0x1e, (size_t)(end - p));
        if (q == NULL)
            q = end;
        if (pg_terms_add(t, p, (size_t)(q - p), &err) != PG_OK)
            return -1;
        if (nd == cap) {
            cap = cap ? cap * 2 : 1024;
            *titles = realloc(*titles, cap * sizeof **titles);
        }
        char *nl = memchr(p, '\n', (size_t)(q - p));
        size_t tl = (size_t)((nl ? nl : q) - p);
        (*titles)[nd] = malloc(tl + 1);
        memcpy((*titles)[nd], p, tl);
        (*titles)[nd++][tl] = '\0';
        p = q + 1;
    }
    pg_buf_release(&all);
    return 0;
}

/* Prints how similar linked documents are and how many have a link. */
static void sim_stats(const pg_terms *t, const pg_sim_edge *e, size_t ne)
{
    size_t n = pg_terms_count(t), linked = 0, hist[10] = { 0 };
    unsigned char *has = calloc(n + 1, 1);
    for (size_t i = 0; i < ne; i++) {
        has[e[i].a] = has[e[i].b] = 1;
        hist[(int)(e[i].sim * 9.999f)]++;
    }
    for (size_t d = 0; d < n; d++)
        linked += has[d];
    printf("documents with an edge: %zu of %zu; edges by sim:", linked, n);
    for (int i = 0; i < 10; i++)
        printf(" %.1f:%zu", i / 10.0, hist[i]);
    printf("\n");
    free(has);
}

/* Compares the edges with those of a search through every postings list. */
static void measure_recall(const pg_terms *t, double min_sim,
                           const pg_sim_edge *e, size_t ne)
{
    pg_sim_edge *x = NULL;
    size_t nx = 0, hit = 0, j = 0;
    pg_error err;
    double t0 = now();
    if (pg_terms_topk(t, 10, min_sim, &x, &nx, &err) != PG_OK)
        return;
    for (size_t i = 0; i < nx; i++) {
        while (j < ne && (e[j].a < x[i].a || (e[j].a == x[i].a && e[j].b < x[i].b)))
            j++;
        hit += j < ne && e[j].a == x[i].a && e[j].b == x[i].b;
    }
    printf("exhaustive search %.2f s: %zu edges, of which the fast search found %zu (%.1f%%)\n",
           now() - t0, nx, hit, 100.0 * (double)hit / (double)(nx ? nx : 1));
    free(x);
}

/* Shows a few documents with their neighbours and the label of the group. */
static void show(const pg_terms *t, char **titles, const pg_sim_edge *e, size_t ne)
{
    size_t n = pg_terms_count(t);
    for (size_t d = 0; d < n; d += n / 8 + 1) {
        uint32_t group[64];
        size_t g = 0;
        group[g++] = (uint32_t)d;
        printf("\n%s\n", titles[d]);
        for (size_t i = 0; i < ne && g < 64; i++) {
            uint32_t o = e[i].a == d ? e[i].b : e[i].b == d ? e[i].a : UINT32_MAX;
            if (o == UINT32_MAX)
                continue;
            group[g++] = o;
            printf("  %.3f %s\n", (double)e[i].sim, titles[o]);
        }
        pg_buf b = PG_BUF_INIT;
        pg_error err;
        pg_terms_label(t, group, 1, 5, &b, &err);
        printf("  label of it: %s\n", b.data ? b.data : "");
        pg_buf_reset(&b);
        pg_terms_label(t, group, g, 5, &b, &err);
        printf("  label of it and its neighbours: %s\n", b.data ? b.data : "");
        pg_buf_release(&b);
    }
}

int main(int argc, char **argv)
{
    pg_terms *t = NULL;
    pg_error err;
    pg_sim_edge *e = NULL;
    size_t ne = 0, n = 20000, bytes = 0;
    char **titles = NULL;
    const char *file = NULL;

    pg_terms_opts o;
    double min_sim = 0.2;
    int recall = 0, add_only = 0;
    pg_terms_opts_default(&o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
            min_sim = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
            o.bigram_assoc = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            o.max_postings = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-b") == 0)
            o.bigrams = 0;
        else if (strcmp(argv[i], "-r") == 0)
            recall = 1;
        else if (strcmp(argv[i], "-A") == 0)
            add_only = 1;
        else
            n = (size_t)strtoul(argv[i], NULL, 10);
    }
    if (pg_terms_new(&o, &t, &err) != PG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double t0 = now();
    if ((file ? add_file(t, file, &titles, &bytes) : add_generated(t, n, &bytes, &t0)) != 0) {
        fprintf(stderr, "cannot read the documents\n");
        return 1;
    }
    double t1 = now();
    if (add_only) {
        printf("add %.2f s (%.1f MB/s), %zu terms seen, peak RSS %ld MB\n", t1 - t0,
               (double)bytes / 1e6 / (t1 - t0), pg_terms_vocabulary(t), peak_mb());
        pg_terms_free(t);
        return 0;
    }
    size_t seen = pg_terms_vocabulary(t);
    if (pg_terms_finish(t, &err) != PG_OK)
        return 1;
    double t2 = now();
    if (pg_terms_topk(t, 10, min_sim, &e, &ne, &err) != PG_OK)
        return 1;
    double t3 = now();
    sim_stats(t, e, ne);
    if (recall) {
        /* the same documents, every postings list searched */
        pg_terms *x = NULL;
        double t5;
        size_t b2;
        char **ti2 = NULL;
        o.max_postings = SIZE_MAX / 2;
        if (pg_terms_new(&o, &x, &err) != PG_OK
            || (file ? add_file(x, file, &ti2, &b2) : add_generated(x, n, &b2, &t5)) != 0
            || pg_terms_finish(x, &err) != PG_OK)
            return 1;
        measure_recall(x, min_sim, e, ne);
        for (size_t i = 0; ti2 != NULL && i < pg_terms_count(x); i++)
            free(ti2[i]);
        free(ti2);
        pg_terms_free(x);
    }
    pg_buf b = PG_BUF_INIT;
    uint32_t group[200];
    for (int g = 0; g < 100; g++) {
        for (uint32_t i = 0; i < 200; i++)
            group[i] = (uint32_t)((g * 7919u + i * 104729u) % pg_terms_count(t));
        pg_buf_reset(&b);
        pg_terms_label(t, group, 200, 5, &b, &err);
    }
    double t4 = now();
    printf("%zu documents: add %.2f s (%.1f MB/s of text), finish %.2f s, top-10 %.2f s, "
           "100 labels %.3f s; total %.2f s\n",
           pg_terms_count(t), t1 - t0, (double)bytes / 1e6 / (t1 - t0), t2 - t1, t3 - t2, t4 - t3, t4 - t0);
    printf("terms seen %zu, kept %zu; edges %zu (%.1f a document); peak RSS %ld MB\n",
           seen, pg_terms_vocabulary(t), ne, 2.0 * (double)ne / (double)pg_terms_count(t),
           peak_mb());
    if (titles != NULL)
        show(t, titles, e, ne);
    for (size_t i = 0; titles != NULL && i < pg_terms_count(t); i++)
        free(titles[i]);
    free(titles);
    pg_buf_release(&b);
    free(e);
    pg_terms_free(t);
    return 0;
}
