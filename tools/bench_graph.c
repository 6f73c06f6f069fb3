/*
** bench_graph.c: times pg_graph_build and the GraphML writer on a synthetic
** paper set, to check the speed target of issue 14 at sizes no store of
** ours reaches (100,000 papers: build + analysis + GraphML under 15 s and
** 2 GiB).
**
** Built by meson as tools/bench_graph (tools/bench_graph.sh runs it):
**   bench_graph [N [OUT.graphml [all]]]   (N default 20000)
** prints the default build and the GraphML writer; with "all", also builds
** with parts switched off and with the layout, whose differences give the
** split.
**
** The papers are generated from a fixed seed so runs compare: each belongs
** to one of N/50 topics and its text mixes words of its topic with common
** words; about half cite a GitHub repository (owners per topic, some repos
** shared by a few papers), a fifth a project page OWNER.github.io, every one
** its own arXiv page, and 5% one very popular repository.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "papergraph/graph.h"

#define URLS_MAX 4

typedef struct bench_paper {
    char id[17];
    char title[64];
    char *text;
    char *urls[URLS_MAX];
    const char *url_ptrs[URLS_MAX];
} bench_paper;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static size_t below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* A pronounceable letters-only word for number k (no digits: the terms
 * module drops numbers). */
static void word(char *out, size_t k)
{
    static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
    size_t i = 0;
    do {
        out[i++] = cons[k % 16];
        k /= 16;
        out[i++] = vow[k % 5];
        k /= 5;
    } while (k > 0 && i < 14);
    out[i++] = 'x';     /* keeps stems apart */
    out[i] = '\0';
}

static char *make_text(size_t topic)
{
    size_t cap = 512, len = 0;
    char *t = malloc(cap), w[20];
    if (t == NULL)
        return NULL;
    for (int i = 0; i < 40; i++) {
        if (i % 3 != 2)
            word(w, 10000 + topic * 40 + below(40));       /* topic words */
        else
            word(w, below(below(3000) + 1));               /* common, Zipf-ish */
        size_t n = strlen(w);
        if (len + n + 2 > cap) {
            char *p = realloc(t, cap *= 2);
            if (p == NULL) {
                free(t);
                return NULL;
            }
            t = p;
        }
        memcpy(t + len, w, n);
        len += n;
        t[len++] = ' ';
    }
    t[len] = '\0';
    return t;
}

static int make_paper(bench_paper *b, pg_graph_paper *p, size_t i, size_t n)
{
    size_t topics = n / 50 ? n / 50 : 1, topic = below(topics), u = 0;
    size_t owner = topic * 3 + below(3);
    char buf[128];
    snprintf(b->id, sizeof b->id, "%016llx",
             (unsigned long long)(rnd() & 0xffffffffffffull) << 16 | i);
    snprintf(b->title, sizeof b->title, "Paper %zu on topic %zu", i, topic);
    b->text = make_text(topic);
    snprintf(buf, sizeof buf, "https://arxiv.org/abs/25%02zu.%05zu", i / 100000 % 100,
             i % 100000);
    b->urls[u++] = strdup(buf);
    if (below(2) == 0) {
        snprintf(buf, sizeof buf, "https://github.com/own%zu/repo%zu", owner,
                 below(n / 3 + 1));
        b->urls[u++] = strdup(buf);
    }
    if (below(5) == 0) {
        snprintf(buf, sizeof buf, "https://own%zu.github.io/proj%zu", owner, i);
        b->urls[u++] = strdup(buf);
    }
    if (below(20) == 0)
        b->urls[u++] = strdup("https://github.com/huggingface/transformers");
    for (size_t k = 0; k < u; k++) {
        if (b->urls[k] == NULL)
            return -1;
        b->url_ptrs[k] = b->urls[k];
    }
    memset(p, 0, sizeof *p);
    p->id = b->id;
    p->title = b->title;
    p->text = b->text;
    p->authors = below(10) == 0 ? -1 : (int)(1 + below(15));
    p->days = 1;
    p->occurrences = 1;
    p->first_day = p->last_day = "2025-06-02";
    p->urls = b->url_ptrs;
    p->n_urls = u;
    return b->text ? 0 : -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: on a shared machine a fairer clock than
 * the wall, which waits for other processes too. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One timed build; prints its line and returns the graph (or NULL). */
static pg_graph *timed_build(const char *what, const pg_graph_paper *p,
                             size_t n, const pg_graph_opts *o)
{
    pg_graph *g = NULL;
    pg_error err = { PG_OK, "" };
    double t0 = now(), c0 = cpu();
    pg_err rc = pg_graph_build(p, n, o, &g, &err);
    double t = now() - t0, c = cpu() - c0;
    if (rc != PG_OK) {
        fprintf(stderr, "%s: %s\n", what, err.msg);
        return NULL;
    }
    printf("%-32s %7.2f s wall %7.2f s cpu  edges %zu  communities %zu"
           "  components %zu\n", what, t, c, g->n_edges, g->n_communities,
           g->n_components);
    return g;
}

static void run(const pg_graph_paper *p, size_t n, const char *out_path, int all)
{
    pg_graph_opts o;
    pg_graph_opts_default(&o);
    pg_graph *g = timed_build("build (defaults)", p, n, &o);
    if (g != NULL) {
        pg_error err = { PG_OK, "" };
        FILE *f = fopen(out_path ? out_path : "/dev/null", "w");
        double t0 = now(), c0 = cpu();
        pg_err rc = f ? pg_graph_write_graphml(g, f, &err) : PG_ERR_IO;
        if (f && fclose(f) != 0)
            rc = PG_ERR_IO;
        printf("%-32s %7.2f s wall %7.2f s cpu  %s\n", "graphml", now() - t0,
               cpu() - c0, rc == PG_OK ? "ok" : err.msg);
        pg_graph_free(g);
    }
    if (!all)
        return;
    o.betweenness = PG_BETWEENNESS_OFF;
    pg_graph_free(timed_build("build, no betweenness", p, n, &o));
    o.w_terms = 0;
    pg_graph_free(timed_build("build, no betweenness, no terms", p, n, &o));
    pg_graph_opts_default(&o);
    o.layout = 1;
    pg_graph_free(timed_build("build + layout", p, n, &o));
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 20000;
    bench_paper *b = calloc(n ? n : 1, sizeof *b);
    pg_graph_paper *p = calloc(n ? n : 1, sizeof *p);
    int status = 1;
    if (b == NULL || p == NULL)
        goto out;
    double t0 = now();
    for (size_t i = 0; i < n; i++)
        if (make_paper(&b[i], &p[i], i, n) != 0)
            goto out;
    printf("%zu papers generated in %.2f s\n", n, now() - t0);
    run(p, n, argc > 2 ? argv[2] : NULL, argc > 3 && strcmp(argv[3], "all") == 0);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("peak RSS %.0f MiB\n", ru.ru_maxrss / 1024.0);
    status = 0;
out:
    for (size_t i = 0; b && i < n; i++) {
        free(b[i].text);
        for (size_t k = 0; k < URLS_MAX; k++)
            free(b[i].urls[k]);
    }
    free(b);
    free(p);
    return status;
}
