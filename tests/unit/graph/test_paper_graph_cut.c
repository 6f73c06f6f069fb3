/*
** test_paper_graph_cut.c: the graph of a store is the same whichever road
** its texts take to the term model (paper_graph.c): added whole by the
** adding thread, cut by the reading thread into blocks of cut texts that
** the adder hands back and the reader fills again, or as pg_papers_graph
** chooses.  pgg_papers_graph_with forces each road, with blocks small and
** few enough that most of them must come back and be reused while the
** adder still reads the ones after them: a block handed back too early is
** overwritten before it is read, and the graph (or ASan) tells.
**
** The store is made from a synthetic listing of a few hundred papers in
** eight topics, some sharing GitHub owners, some listed on two days.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/papergraph.h"
#include "graph/internal.h"
#include "check.h"

#define N_PAPERS 360
#define TOPICS 8

static char dir[] = "/tmp/pg_cut_XXXXXX";

static const char *const topic_words[TOPICS][12] = {
    { "spiking", "neuron", "membrane", "synaptic", "neuromorphic", "plasticity",
      "event", "camera", "surrogate", "gradient", "spike", "cortex" },
    { "protein", "folding", "residue", "binding", "ligand", "molecule",
      "docking", "enzyme", "sequence", "structure", "amino", "antibody" },
    { "retrieval", "augmented", "passage", "question", "answering", "reranker",
      "corpus", "query", "document", "citation", "grounding", "index" },
    { "diffusion", "denoising", "image", "sampler", "latent", "guidance",
      "pixel", "texture", "upsampling", "noise", "schedule", "generation" },
    { "robot", "manipulation", "grasping", "policy", "gripper", "tactile",
      "trajectory", "locomotion", "simulator", "controller", "arm", "teleoperation" },
    { "speech", "acoustic", "phoneme", "vocoder", "speaker", "prosody",
      "waveform", "transcription", "accent", "utterance", "spectrogram", "voice" },
    { "graph", "message", "passing", "node", "edge", "heterophily",
      "oversmoothing", "subgraph", "pooling", "spectral", "laplacian", "walk" },
    { "quantization", "pruning", "sparsity", "kernel", "throughput", "memory",
      "accelerator", "bitwidth", "distillation", "latency", "cache", "compiler" },
};

static const char *const common_words[] = {
    "model", "method", "training", "benchmark", "accuracy", "dataset", "approach",
    "baseline", "evaluation", "learning", "network", "performance", "large",
    "efficient", "robust", "scalable", "analysis", "framework", "task", "data",
};

static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static const char *pick(uint64_t *rng, int topic)
{
    uint64_t r = next_rand(rng);
    if (r % 3 == 0)
        return common_words[(r >> 8) % (sizeof common_words / sizeof *common_words)];
    return topic_words[topic][(r >> 8) % 12];
}

/* One listing entry for paper i: a title, an abstract of about a hundred
 * words (one line, as real abstracts are), and its metadata. */
static pg_err put_entry(pg_buf *b, uint64_t *rng, size_t i)
{
    int topic = (int)(i % TOPICS);
    pg_err rc = pg_buf_puts(b, "Paper");
    for (int w = 0; rc == PG_OK && w < 6; w++)
        rc = pg_buf_printf(b, " %s", pick(rng, topic));
    if (rc == PG_OK)
        rc = pg_buf_printf(b, " number %zu\n\nWe study", i);
    size_t words = 80 + next_rand(rng) % 60;
    for (size_t w = 0; rc == PG_OK && w < words; w++)
        rc = pg_buf_printf(b, " %s%s", pick(rng, topic), w % 17 == 16 ? ". Our" : "");
    /* link evidence: every fifth paper of a topic names its lab's GitHub */
    if (rc == PG_OK && i % 5 == 0)
        rc = pg_buf_printf(b, ". Code: https://github.com/lab%d/tool%zu", topic, i);
    if (rc == PG_OK)
        rc = pg_buf_printf(b, ".\n\n  \xe2\x80\xa2 %zu authors\n\xc2\xb7\nAug %zu %zu\n\n",
                           1 + i % 9, 1 + i % 28, i % 50);
    return rc;
}

static const char header[] =
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n";

/* Two days of listings: every paper on the first, every seventh again on
 * the second (same text, so one paper with two occurrences). */
static pg_err make_listing(pg_buf *b)
{
    pg_buf entry = PG_BUF_INIT;
    pg_err rc = pg_buf_printf(b, "%sSep 3\n\n", header);
    for (int day = 0; rc == PG_OK && day < 2; day++) {
        uint64_t rng = 0x9e3779b97f4a7c15u;
        if (day == 1)
            rc = pg_buf_printf(b, "%sSep 4\n\n", header);
        for (size_t i = 0; rc == PG_OK && i < N_PAPERS; i++) {
            pg_buf_reset(&entry);
            rc = put_entry(&entry, &rng, i);
            if (rc == PG_OK && (day == 0 || i % 7 == 0))
                rc = pg_buf_append(b, entry.data, entry.len);
        }
    }
    pg_buf_release(&entry);
    return rc;
}

static pg_store *make_store(void)
{
    char path[600];
    pg_store *s = NULL;
    pg_buf list = PG_BUF_INIT;
    pg_error err;
    pg_ingest_result r;
    pg_ingest_opts o = { .format = PG_INPUT_LISTING, .year = 2025, .threads = 1 };
    FILE *fp = NULL;
    snprintf(path, sizeof path, "%s/cut.db", dir);
    CHECK_INT(make_listing(&list), PG_OK);
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    if (s == NULL || list.len == 0)
        goto out;
    fp = fmemopen(list.data, list.len, "r");
    CHECK(fp != NULL);
    if (fp == NULL)
        goto out;
    CHECK_INT(pg_ingest_stream(s, fp, "synthetic", &o, &r, &err), PG_OK);
    CHECK_INT(r.warnings, 0);
    CHECK_INT(r.entries, N_PAPERS + (N_PAPERS + 6) / 7);
out:
    if (fp != NULL)
        fclose(fp);
    pg_buf_release(&list);
    return s;
}

static char *graphml(const pg_graph *g, size_t *len)
{
    char *data = NULL;
    pg_error err;
    FILE *fp = open_memstream(&data, len);
    if (fp == NULL)
        return NULL;
    CHECK_INT(pg_graph_write_graphml(g, fp, &err), PG_OK);
    fclose(fp);
    return data;
}

/* Doubles compare by their bits: equal inputs give equal floats, and NaN
 * (x and y without a layout, undefined assortativity) equals itself. */
static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Every field of two graphs, then their GraphML byte for byte. */
static void check_same(const pg_graph *a, const pg_graph *b, const char *what)
{
    int same = a->n_nodes == b->n_nodes && a->n_edges == b->n_edges
        && a->n_communities == b->n_communities && a->n_groups == b->n_groups
        && a->n_components == b->n_components && a->largest_component == b->largest_component
        && same_double(a->modularity, b->modularity)
        && same_double(a->assortativity_authors, b->assortativity_authors)
        && a->betweenness_sampled == b->betweenness_sampled
        && a->betweenness_sources == b->betweenness_sources && a->n_weak == b->n_weak;
    for (size_t i = 0; same && i < a->n_nodes; i++) {
        const pg_graph_node *x = &a->nodes[i], *y = &b->nodes[i];
        same = strcmp(x->id, y->id) == 0 && strcmp(x->title, y->title) == 0
            && strcmp(x->label, y->label) == 0 && x->authors == y->authors
            && x->days == y->days && x->occurrences == y->occurrences
            && strcmp(x->first_day, y->first_day) == 0
            && strcmp(x->last_day, y->last_day) == 0 && x->n_urls == y->n_urls
            && x->component == y->component && x->community == y->community
            && same_double(x->pagerank, y->pagerank)
            && same_double(x->betweenness, y->betweenness) && x->degree == y->degree
            && same_double(x->strength, y->strength) && same_double(x->x, y->x)
            && same_double(x->y, y->y);
        if (!same)
            fprintf(stderr, "%s: node %zu differs\n", what, i);
    }
    for (size_t i = 0; same && i < a->n_edges; i++) {
        const pg_graph_edge *x = &a->edges[i], *y = &b->edges[i];
        same = x->a == y->a && x->b == y->b && same_double(x->weight, y->weight)
            && same_double(x->link_score, y->link_score)
            && x->shared_links == y->shared_links && same_double(x->term_sim, y->term_sim)
            && x->authors_close == y->authors_close && strcmp(x->kind, y->kind) == 0;
        if (!same)
            fprintf(stderr, "%s: edge %zu differs\n", what, i);
    }
    for (size_t i = 0; same && i < a->n_communities; i++) {
        const pg_graph_community *x = &a->communities[i], *y = &b->communities[i];
        same = x->size == y->size && strcmp(x->label, y->label) == 0
            && x->n_top == y->n_top && memcmp(x->top, y->top, x->n_top * sizeof *x->top) == 0;
        if (!same)
            fprintf(stderr, "%s: community %zu differs: \"%s\" / \"%s\"\n", what, i,
                    x->label, y->label);
    }
    CHECK(same);
    size_t la = 0, lb = 0;
    char *ga = graphml(a, &la), *gb = graphml(b, &lb);
    CHECK(ga != NULL && gb != NULL && la > 0);
    if (ga != NULL && gb != NULL && (la != lb || memcmp(ga, gb, la) != 0)) {
        fprintf(stderr, "%s: GraphML differs\n", what);
        CHECK(0);
    }
    free(ga);
    free(gb);
}

static pg_graph *build_with(pg_store *s, const pg_graph_opts *o, pgg_feed_tuning *t,
                            const char *what)
{
    pg_graph *g = NULL;
    pg_error err = { PG_OK, "" };
    pg_err rc = pgg_papers_graph_with(s, o, t, &g, &err);
    if (rc != PG_OK)
        fprintf(stderr, "%s: %s\n", what, err.msg);
    CHECK_INT(rc, PG_OK);
    fprintf(stderr, "%s: %zu blocks made, %zu reused\n", what, t->made, t->reused);
    return g;
}

static void test_roads(void)
{
    pg_store *s = make_store();
    pg_graph *plain = NULL, *bounded = NULL, *free_run = NULL, *tiny = NULL, *prod = NULL;
    pg_graph_opts o;
    pg_error err;
    pg_graph_opts_default(&o);
    o.layout = 1;
    if (s == NULL)
        goto out;

    /* (a) the adder cuts every text: no block at all */
    pgg_feed_tuning whole = { .cut = 0, .block_size = 4096 };
    plain = build_with(s, &o, &whole, "whole");
    CHECK_INT(whole.made, 0);
    CHECK_INT(whole.reused, 0);
    if (plain == NULL)
        goto out;
    CHECK_INT(plain->n_nodes, N_PAPERS);
    CHECK(plain->n_edges > N_PAPERS);
    CHECK(plain->n_groups >= TOPICS / 2);
    size_t links = 0;
    for (size_t i = 0; i < plain->n_edges; i++)
        links += plain->edges[i].shared_links > 0 || plain->edges[i].link_score > 0;
    CHECK(links > 0);

    /* (b) the reader cuts every text into 4 KiB blocks (a few texts each)
     * and may hold three: the rest must come back from the adder */
    pgg_feed_tuning few = { .cut = 1, .block_size = 4096, .max_blocks = 3 };
    bounded = build_with(s, &o, &few, "three 4 KiB blocks");
    if (bounded != NULL)
        check_same(plain, bounded, "three 4 KiB blocks");
    size_t taken = few.made + few.reused;
    CHECK(taken > N_PAPERS / 8);
    if (pgg_cores() > 1) {
        /* the reader waits for the adder's thread to start, so the bound
         * holds however late the thread is scheduled */
        CHECK(few.reused > 0);
        CHECK(few.made * 8 < taken);
    } else {
        fprintf(stderr, "one core: the adder runs after the reader, nothing to reuse\n");
    }

    /* the same unbounded: blocks come back when the timing has them */
    pgg_feed_tuning any = { .cut = 1, .block_size = 4096 };
    free_run = build_with(s, &o, &any, "4 KiB blocks");
    if (free_run != NULL)
        check_same(plain, free_run, "4 KiB blocks");
    CHECK_INT(any.made + any.reused, taken);

    /* blocks smaller than any cut text: each gets one of its own size, and
     * a spare one too small for the next text is left for a later one */
    pgg_feed_tuning small = { .cut = 1, .block_size = 16, .max_blocks = 2 };
    tiny = build_with(s, &o, &small, "16-byte blocks");
    if (tiny != NULL)
        check_same(plain, tiny, "16-byte blocks");
    CHECK(small.made + small.reused >= N_PAPERS);

    /* both roads mixed, as the timing has them */
    pgg_feed_tuning mixed = { .cut = 1, .cut_when_behind = 2, .block_size = 4096,
                              .max_blocks = 2 };
    pg_graph *g = build_with(s, &o, &mixed, "cut when 2 behind");
    if (g != NULL)
        check_same(plain, g, "cut when 2 behind");
    pg_graph_free(g);
    g = NULL;

    /* (c) what pg_papers_graph does */
    CHECK_INT(pg_papers_graph(s, &o, &prod, &err), PG_OK);
    if (prod != NULL)
        check_same(plain, prod, "pg_papers_graph");

    /* one block could never come back while it is being filled */
    pgg_feed_tuning one = { .cut = 1, .block_size = 4096, .max_blocks = 1 };
    CHECK_INT(pgg_papers_graph_with(s, &o, &one, &g, &err), PG_ERR_USAGE);
    CHECK(g == NULL);
out:
    pg_graph_free(plain);
    pg_graph_free(bounded);
    pg_graph_free(free_run);
    pg_graph_free(tiny);
    pg_graph_free(prod);
    pg_store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "cannot make %s\n", dir);
        return 99;
    }
    test_roads();
    check_cleanup(dir);
    CHECK_DONE();
}
