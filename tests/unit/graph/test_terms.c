/*
** test_terms.c: unit tests of the terms module: tokens, stop words, stems,
** bigrams, the df window, cosine top-k on hand-made and generated corpora
** (checked against an exhaustive run), labels, hostile input, determinism.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/internal.h"
#include "check.h"

/* The tokens of text, as a string the caller frees. */
static char *tokens_of(pg_terms *t, const char *text)
{
    pg_buf b = PG_BUF_INIT;
    pg_error err;
    if (pg_terms_tokens(t, text, strlen(text), &b, &err) != PG_OK) {
        pg_buf_release(&b);
        return NULL;
    }
    return pg_buf_detach(&b);
}

static void check_tokens(pg_terms *t, const char *text, const char *want)
{
    char *got = tokens_of(t, text);
    CHECK_STR(got, want);
    free(got);
}

static void test_tokens(void)
{
    pg_terms *t = NULL;
    pg_error err;
    CHECK_INT(pg_terms_new(NULL, &t, &err), PG_OK);
    if (t == NULL)
        return;
    /* stems, lower case, a phrase ends at a stop word and at punctuation */
    check_tokens(t, "Spiking neural networks in the brain.", "spike neural network | brain");
    check_tokens(t, "network NETWORKS Networks", "network network network");
    /* stop words and boilerplate vanish entirely */
    check_tokens(t, "We propose a novel method based on the results of this paper", "");
    /* numbers and one-letter words are dropped, and they end a phrase */
    check_tokens(t, "In 2023 we trained 3d models on 100 GPUs", "train 3d model | gpus");
    check_tokens(t, "x y z 42 3.14", "");
    /* accents stripped, case folded, compatibility ligature split */
    check_tokens(t, "Schrödinger ÉQUATIONS \xef\xac\x81nite", "schroding equat finit");
    /* invalid UTF-8 is punctuation */
    check_tokens(t, "neural\xff\xfenetworks \xc3", "neural | network");
    /* LaTeX commands dropped; possessive suffix dropped without a break */
    check_tokens(t, "the \\emph{graph} $\\alpha$ values", "graph | valu");
    check_tokens(t, "the model's output", "model output");
    check_tokens(t, "the model\xe2\x80\x99s output", "model output");
    /* hyphens and single newlines join, a blank line separates */
    check_tokens(t, "large-scale pre-training", "larg scale pre train");
    check_tokens(t, "Title words\n\nAbstract text\nwraps", "titl word | abstract text wrap");
    /* a soft hyphen is invisible; a 70-letter run is junk */
    check_tokens(t, "exam\xc2\xadple", "exampl");
    check_tokens(t, "graph aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa theory",
                 "graph | theori");
    check_tokens(t, "", "");
    /* 64 bytes is the longest word kept, 65 is junk */
    char w[80];
    memset(w, 'q', 64);
    strcpy(w + 64, " end");
    char *got = tokens_of(t, w);
    CHECK(got != NULL && strlen(got) == 68 && strcmp(got + 64, " end") == 0);
    free(got);
    memset(w, 'q', 65);
    strcpy(w + 65, " end");
    check_tokens(t, w, "end");
    pg_terms_free(t);

    /* without stemming words stay whole */
    pg_terms_opts o;
    pg_terms_opts_default(&o);
    o.stem = 0;
    CHECK_INT(pg_terms_new(&o, &t, &err), PG_OK);
    if (t != NULL)
        check_tokens(t, "Spiking neural networks", "spiking neural networks");
    pg_terms_free(t);
}

static void test_opts(void)
{
    pg_terms_opts o;
    pg_terms *t = (pg_terms *)&o;
    pg_error err;

    pg_terms_opts_default(&o);
    CHECK_INT(o.stem, 1);
    CHECK_INT(o.bigrams, 1);
    CHECK(o.max_df_ratio == 0.5);
    CHECK_INT(o.min_df, 2);
    o.max_df_ratio = 0;
    CHECK_INT(pg_terms_new(&o, &t, &err), PG_ERR_USAGE);
    CHECK(t == NULL);
    o.max_df_ratio = 1.5;
    CHECK_INT(pg_terms_new(&o, &t, &err), PG_ERR_USAGE);
    o.max_df_ratio = 0.5;
    o.min_df = 0;
    CHECK_INT(pg_terms_new(&o, &t, &err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "min_df") != NULL);
    pg_terms_free(NULL);
}

static pg_terms *corpus(const pg_terms_opts *o, const char *const *docs, size_t n)
{
    pg_terms *t = NULL;
    pg_error err;
    if (pg_terms_new(o, &t, &err) != PG_OK)
        return NULL;
    for (size_t i = 0; i < n; i++)
        CHECK_INT(pg_terms_add(t, docs[i], strlen(docs[i]), &err), PG_OK);
    return t;
}

/* Every document says "zebra"; "unicorn" appears once; "graph theory" in
 * two documents. */
static const char *const df_docs[] = {
    "Zebra stripes and graph theory.",
    "Zebra herds follow graph theory rules.",
    "A zebra meets a unicorn.",
    "Zebra crossing design.",
    "Zebra finches sing.",
    "The zebra genome.",
};

static void test_df_window(void)
{
    pg_terms *t = corpus(NULL, df_docs, 6);
    pg_term_info info;
    pg_error err;
    if (t == NULL)
        return;
    CHECK_INT(pg_terms_count(t), 6);
    /* before finish everything seen is known, with its df */
    CHECK_INT(pg_terms_lookup(t, "zebras", &info, &err), PG_OK);
    CHECK_INT(info.df, 6);
    CHECK_INT(info.kept, 0);
    CHECK_INT(pg_terms_lookup(t, "unicorn", &info, &err), PG_OK);
    CHECK_INT(info.df, 1);
    CHECK_INT(pg_terms_lookup(t, "Graph Theories", &info, &err), PG_OK);
    CHECK_INT(info.df, 2);
    CHECK_INT(pg_terms_lookup(t, "(Graph).", &info, &err), PG_OK);
    CHECK_INT(info.df, 2);
    CHECK_INT(pg_terms_lookup(t, "graph results", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "the", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "walrus", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "graph and theory", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "zebra graph theory", &info, &err), PG_ERR_NOT_FOUND);
    CHECK(pg_terms_vocabulary(t) > 10);

    pg_sim_edge *e = NULL;
    size_t ne = 0;
    CHECK_INT(pg_terms_topk(t, 5, 0, &e, &ne, &err), PG_ERR_USAGE);
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);
    CHECK_INT(pg_terms_finish(t, &err), PG_ERR_USAGE);
    CHECK_INT(pg_terms_add(t, "more", 4, &err), PG_ERR_USAGE);
    /* in every document: dropped; in one: dropped; in two of six: kept */
    CHECK_INT(pg_terms_lookup(t, "zebra", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "unicorn", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_lookup(t, "graph", &info, &err), PG_OK);
    CHECK_INT(info.df, 2);
    CHECK_INT(info.kept, 1);
    CHECK(fabs(info.idf - log(3.0)) < 1e-6);
    CHECK_INT(pg_terms_lookup(t, "graph theory", &info, &err), PG_OK);
    CHECK_INT(info.df, 2);
    /* kept: graph, theori, graph theori */
    CHECK_INT(pg_terms_vocabulary(t), 3);

    CHECK_INT(pg_terms_topk(t, 5, 0, &e, &ne, &err), PG_OK);
    CHECK_INT(ne, 1);
    if (ne == 1) {
        CHECK_INT(e[0].a, 0);
        CHECK_INT(e[0].b, 1);
        CHECK(fabsf(e[0].sim - 1.0f) < 1e-5f);   /* same three terms, once each */
    }
    free(e);
    pg_terms_free(t);

    /* a wider window keeps zebra; no bigrams when they are off */
    pg_terms_opts o;
    pg_terms_opts_default(&o);
    o.max_df_ratio = 1.0;
    o.bigrams = 0;
    t = corpus(&o, df_docs, 6);
    if (t == NULL)
        return;
    CHECK_INT(pg_terms_lookup(t, "graph theory", &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);
    CHECK_INT(pg_terms_lookup(t, "zebra", &info, &err), PG_OK);
    CHECK(info.idf == 0.0);
    CHECK_INT(pg_terms_vocabulary(t), 3);     /* zebra, graph, theori */
    pg_terms_free(t);
}

/* "alpha" and "beta" are everywhere but meet only twice: not a phrase;
 * "gamma ray" always comes together. */
static const char *const assoc_docs[] = {
    "alpha beta gamma ray", "alpha beta. gamma ray", "alpha. beta omega",
    "alpha. beta delta", "alpha. beta kappa", "zeta eta",
    "beta theta", "gamma ray", "sigma", "sigma",
};

static void test_collocations(void)
{
    pg_terms_opts o;
    pg_term_info info;
    pg_error err;
    pg_terms_opts_default(&o);
    for (int pass = 0; pass < 2; pass++) {
        o.bigram_assoc = pass ? 0.0 : 4.0;
        pg_terms *t = corpus(&o, assoc_docs, 10);
        if (t == NULL)
            return;
        CHECK_INT(pg_terms_lookup(t, "alpha beta", &info, &err), PG_OK);
        CHECK_INT(info.df, 2);
        CHECK_INT(pg_terms_finish(t, &err), PG_OK);
        CHECK_INT(pg_terms_lookup(t, "alpha", &info, &err), PG_OK);
        CHECK_INT(pg_terms_lookup(t, "gamma ray", &info, &err), PG_OK);
        CHECK_INT(info.df, 3);
        /* 2 * 25 words / (5 alpha * 6 beta) = 1.7 < 4: chance (gamma ray:
         * 3 * 25 / (3 * 3) = 8.3), unless assoc is 0 */
        CHECK_INT(pg_terms_lookup(t, "alpha beta", &info, &err), pass ? PG_OK : PG_ERR_NOT_FOUND);
        pg_terms_free(t);
    }
    o.bigram_assoc = -1;
    pg_terms *t = NULL;
    CHECK_INT(pg_terms_new(&o, &t, &err), PG_ERR_USAGE);
}

/* Three papers on spiking networks, three on protein folding, one on
 * something else. */
static const char *const topic_docs[] = {
    "Spiking neural networks mimic the brain: spiking neurons communicate with "
    "spikes, and we train spiking neural networks with surrogate gradients.",
    "Energy efficient spiking neural networks on neuromorphic hardware: spiking "
    "neurons and synaptic plasticity in the brain.",
    "Spiking neurons in the brain: a neuromorphic chip runs spiking neural "
    "networks with synaptic plasticity and surrogate gradients.",
    "Protein folding prediction: we predict protein structure from amino acid "
    "sequences with deep learning.",
    "Protein structure prediction with attention over amino acid residues "
    "improves protein folding accuracy.",
    "Folding of protein chains: molecular dynamics of amino acid residues and "
    "protein structure stability.",
    "A survey of tax policy in medieval European towns and their trade guilds.",
};

static int topic_of(uint32_t d)
{
    return d < 3 ? 0 : d < 6 ? 1 : 2;
}

/* Edges are a < b, sorted, unique, with sims in (0, 1]. */
static void check_edge_list(const pg_sim_edge *e, size_t n, size_t n_docs)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(e[i].a < e[i].b);
        CHECK(e[i].b < n_docs);
        CHECK(e[i].sim > 0.0f && e[i].sim <= 1.0f);
        if (i > 0)
            CHECK(e[i - 1].a < e[i].a || (e[i - 1].a == e[i].a && e[i - 1].b < e[i].b));
    }
}

static void test_topk_topics(void)
{
    pg_terms *t = corpus(NULL, topic_docs, 7);
    pg_sim_edge *e = NULL, *e1 = NULL, *em = NULL;
    size_t ne = 0, ne1 = 0, nem = 0;
    pg_error err;
    if (t == NULL)
        return;
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);

    CHECK_INT(pg_terms_topk(t, 10, 0.0, &e, &ne, &err), PG_OK);
    check_edge_list(e, ne, 7);
    CHECK_INT(ne, 6);               /* two triangles */
    for (size_t i = 0; i < ne; i++) {
        CHECK_INT(topic_of(e[i].a), topic_of(e[i].b));
        CHECK(e[i].a != 6 && e[i].b != 6);
    }

    /* k = 1: each document keeps at least its best neighbour */
    CHECK_INT(pg_terms_topk(t, 1, 0.0, &e1, &ne1, &err), PG_OK);
    check_edge_list(e1, ne1, 7);
    CHECK(ne1 >= 3 && ne1 <= 6);
    for (uint32_t d = 0; d < 6; d++) {
        float best = 0;
        uint32_t arg = 0;
        for (size_t i = 0; i < ne; i++) {
            uint32_t o = e[i].a == d ? e[i].b : e[i].b == d ? e[i].a : UINT32_MAX;
            if (o != UINT32_MAX && e[i].sim > best) {
                best = e[i].sim;
                arg = o;
            }
        }
        int found = 0;
        for (size_t i = 0; i < ne1; i++)
            found |= (e1[i].a == d && e1[i].b == arg) || (e1[i].b == d && e1[i].a == arg);
        CHECK(found);
    }

    /* min_sim: exactly the edges at or above it survive */
    float cut = 0;
    for (size_t i = 0; i < ne; i++)
        cut += e[i].sim / (float)ne;
    CHECK_INT(pg_terms_topk(t, 10, cut, &em, &nem, &err), PG_OK);
    size_t want = 0;
    for (size_t i = 0; i < ne; i++)
        want += e[i].sim >= cut;
    CHECK_INT(nem, want);
    CHECK(nem > 0 && nem < ne);
    for (size_t i = 0; i < nem; i++)
        CHECK(em[i].sim >= cut);
    free(em);
    CHECK_INT(pg_terms_topk(t, 10, 1.01, &em, &nem, &err), PG_OK);
    CHECK_INT(nem, 0);
    CHECK(em == NULL);
    CHECK_INT(pg_terms_topk(t, 0, 0.0, &em, &nem, &err), PG_OK);
    CHECK_INT(nem, 0);

    free(e);
    free(e1);
    pg_terms_free(t);
}

static char *label_of(const pg_terms *t, const uint32_t *docs, size_t n, size_t max)
{
    pg_buf b = PG_BUF_INIT;
    pg_error err;
    pg_err rc = pg_terms_label(t, docs, n, max, &b, &err);
    CHECK_INT(rc, PG_OK);
    if (rc != PG_OK) {
        pg_buf_release(&b);
        return NULL;
    }
    return pg_buf_detach(&b);
}

static void test_labels(void)
{
    pg_terms *t = corpus(NULL, topic_docs, 7);
    pg_error err;
    pg_buf b = PG_BUF_INIT;
    if (t == NULL)
        return;
    static const uint32_t spiking[] = { 0, 1, 2 }, protein[] = { 5, 4, 3, 4 },
                          unrelated[] = { 6 }, bad[] = { 0, 7 };
    CHECK_INT(pg_terms_label(t, spiking, 3, 3, &b, &err), PG_ERR_USAGE);
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);

    /* surface forms, not stems: "spiking" (stem "spike"), "networks"; the
     * bigrams "spiking neural" and "neural networks" chain into one phrase,
     * and absorb the words "spiking", "neural", "networks" */
    char *s = label_of(t, spiking, 3, 3);
    CHECK_STR(s, "spiking neural networks, spiking neurons");
    free(s);
    s = label_of(t, spiking, 3, 1);
    CHECK_STR(s, "spiking neural");
    free(s);
    s = label_of(t, protein, 4, 3);
    CHECK_STR(s, "protein structure, protein folding, amino acid");
    free(s);
    s = label_of(t, protein, 4, 4);
    CHECK_STR(s, "protein structure, protein folding, amino acid, prediction");
    free(s);
    s = label_of(t, unrelated, 1, 3);   /* nothing it says is kept */
    CHECK_STR(s, "");
    free(s);
    s = label_of(t, spiking, 0, 3);
    CHECK_STR(s, "");
    free(s);
    CHECK_INT(pg_terms_label(t, bad, 2, 3, &b, &err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "7") != NULL);
    pg_buf_release(&b);
    pg_terms_free(t);
}

/* A deterministic generator (xorshift) of topical documents. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void make_word(char *w, unsigned id)
{
    static const char *const syl[] = { "ka", "lo", "mi", "ten", "ro", "vus", "pel", "dra",
                                       "ni", "qua", "zor", "bel", "fi", "gan", "hu", "sto" };
    size_t n = 0;
    w[n++] = 'w';
    do {
        const char *p = syl[id % 16];
        memcpy(w + n, p, strlen(p));
        n += strlen(p);
        id /= 16;
    } while (id > 0);
    w[n] = '\0';
}

/* Document d: 40 words, half from its topic's 30 words, half from 2,000
 * background words, some punctuation. */
static char *gen_doc(uint64_t *rng, unsigned topic)
{
    pg_buf b = PG_BUF_INIT;
    char w[64];
    for (int i = 0; i < 40; i++) {
        uint64_t r = rng_next(rng);
        unsigned id = r % 2 ? 2000 + topic * 30 + (unsigned)(r >> 8) % 30
                            : (unsigned)((r >> 8) % 2000);
        make_word(w, id);
        pg_buf_puts(&b, w);
        pg_buf_puts(&b, r % 7 == 0 ? ". " : " ");
    }
    return pg_buf_detach(&b);
}

static pg_terms *gen_corpus(size_t n, size_t max_postings)
{
    pg_terms_opts o;
    pg_terms *t = NULL;
    pg_error err;
    uint64_t rng = 88172645463325252u;
    pg_terms_opts_default(&o);
    o.max_postings = max_postings;
    if (pg_terms_new(&o, &t, &err) != PG_OK)
        return NULL;
    for (size_t d = 0; d < n; d++) {
        char *text = gen_doc(&rng, (unsigned)(d % 12));
        CHECK_INT(pg_terms_add(t, text, strlen(text), &err), PG_OK);
        free(text);
    }
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);
    return t;
}

static const pg_sim_edge *find_edge(const pg_sim_edge *e, size_t n, uint32_t a, uint32_t b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid].a < a || (e[mid].a == a && e[mid].b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && e[lo].a == a && e[lo].b == b ? &e[lo] : NULL;
}

/* Adding a text cut beforehand (pgg_terms_cut + pgg_terms_add_cut, as the
 * reading thread of pg_papers_graph does) gives the model pg_terms_add
 * gives, mixed with plain adds in any proportion; a buffer that is not a
 * cut text is refused without adding a document. */
static void test_cut(void)
{
    const size_t n = 200;
    pg_terms *a = NULL, *b = NULL;
    pg_sim_edge *ea = NULL, *eb = NULL;
    size_t na = 0, nb = 0;
    pg_buf cut = PG_BUF_INIT, la = PG_BUF_INIT, lb = PG_BUF_INIT;
    pg_error err;
    uint64_t rng = 88172645463325252u;
    CHECK_INT(pg_terms_new(NULL, &a, &err), PG_OK);
    CHECK_INT(pg_terms_new(NULL, &b, &err), PG_OK);
    if (a == NULL || b == NULL)
        goto out;
    for (size_t d = 0; d < n; d++) {
        char *text = gen_doc(&rng, (unsigned)(d % 12));
        /* accents, a ligature and a LaTeX command go through the cut too */
        if (d % 10 == 3) {
            free(text);
            text = strdup("Caf\xc3\xa9 \xef\xac\x81ne-tuning of \\emph{large} models' "
                          "r\xc3\xa9sum\xc3\xa9s.\n\nLarge models");
        }
        if (text == NULL)
            goto out;
        size_t len = strlen(text);
        CHECK_INT(pg_terms_add(a, text, len, &err), PG_OK);
        if (d % 3 == 0) {
            CHECK_INT(pg_terms_add(b, text, len, &err), PG_OK);
        } else {
            pg_buf_reset(&cut);
            CHECK_INT(pgg_terms_cut(text, len, &cut), PG_OK);
            CHECK(cut.len > len);       /* a hash per word */
            CHECK_INT(pgg_terms_add_cut(b, cut.data, cut.len, &err), PG_OK);
        }
        free(text);
    }
    CHECK_INT(pgg_terms_add_cut(b, NULL, 0, &err), PG_OK);    /* empty */
    CHECK_INT(pg_terms_add(a, NULL, 0, &err), PG_OK);

    /* not what pgg_terms_cut writes: a word longer than any token, a hash
     * cut short, a word cut short */
    static const char too_long[] = { 65, 0 };
    char short_hash[5] = { 4, 1, 2, 3, 4 };
    char short_word[12] = { 5, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c' };
    CHECK_INT(pgg_terms_add_cut(b, too_long, sizeof too_long, &err), PG_ERR_USAGE);
    CHECK_INT(pgg_terms_add_cut(b, short_hash, sizeof short_hash, &err), PG_ERR_USAGE);
    CHECK_INT(pgg_terms_add_cut(b, short_word, sizeof short_word, &err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "not a cut document") != NULL);
    CHECK_INT(pg_terms_count(b), n + 1);
    CHECK_INT(pg_terms_count(a), n + 1);
    CHECK_INT(pg_terms_vocabulary(b), pg_terms_vocabulary(a));

    CHECK_INT(pg_terms_finish(a, &err), PG_OK);
    CHECK_INT(pg_terms_finish(b, &err), PG_OK);
    CHECK_INT(pg_terms_topk(a, 5, 0.05, &ea, &na, &err), PG_OK);
    CHECK_INT(pg_terms_topk(b, 5, 0.05, &eb, &nb, &err), PG_OK);
    CHECK(na > n / 2);
    CHECK(na == nb && memcmp(ea, eb, na * sizeof *ea) == 0);
    static const uint32_t group[] = { 3, 13, 23, 33 };
    CHECK_INT(pg_terms_label(a, group, 4, 4, &la, &err), PG_OK);
    CHECK_INT(pg_terms_label(b, group, 4, 4, &lb, &err), PG_OK);
    CHECK(la.len > 0 && la.len == lb.len && memcmp(la.data, lb.data, la.len) == 0);
    CHECK(la.len > 0 && strstr(la.data, "large") != NULL);
out:
    free(ea);
    free(eb);
    pg_buf_release(&cut);
    pg_buf_release(&la);
    pg_buf_release(&lb);
    pg_terms_free(a);
    pg_terms_free(b);
}

/* Top-k against an exhaustive run (k = N, every postings list searched). */
static void test_topk_generated(void)
{
    const size_t n = 300, k = 3;
    pg_terms *t = gen_corpus(n, 0), *t2 = gen_corpus(n, 0), *tc = gen_corpus(n, 5);
    pg_sim_edge *all = NULL, *e = NULL, *e2 = NULL, *ec = NULL;
    size_t nall = 0, ne = 0, ne2 = 0, nec = 0;
    pg_error err;
    if (t == NULL || t2 == NULL || tc == NULL)
        goto out;
    CHECK_INT(pg_terms_count(t), n);
    CHECK_INT(pg_terms_topk(t, n, 0.0, &all, &nall, &err), PG_OK);
    CHECK_INT(pg_terms_topk(t, k, 0.05, &e, &ne, &err), PG_OK);
    check_edge_list(all, nall, n);
    check_edge_list(e, ne, n);
    CHECK(ne > n / 2 && ne <= n * k);

    /* each edge is a true pair with its exact cosine, above min_sim */
    size_t same_topic = 0;
    for (size_t i = 0; i < ne; i++) {
        const pg_sim_edge *x = find_edge(all, nall, e[i].a, e[i].b);
        CHECK(x != NULL && fabsf(x->sim - e[i].sim) < 1e-5f);
        CHECK(e[i].sim >= 0.05f);
        same_topic += e[i].a % 12 == e[i].b % 12;
    }
    CHECK(same_topic * 10 >= ne * 9);   /* the topics are what links */

    /* the k limit: an edge is in the top k of one of its ends */
    for (size_t i = 0; i < ne; i++) {
        size_t better_a = 0, better_b = 0;
        for (size_t j = 0; j < nall; j++) {
            int at_a = all[j].a == e[i].a || all[j].b == e[i].a;
            int at_b = all[j].a == e[i].b || all[j].b == e[i].b;
            better_a += at_a && all[j].sim > e[i].sim + 1e-6f;
            better_b += at_b && all[j].sim > e[i].sim + 1e-6f;
        }
        CHECK(better_a < k || better_b < k);
    }

    /* each document has min(k, its neighbours) edges at least, and its best
     * neighbour among them */
    for (uint32_t d = 0; d < n; d++) {
        size_t have = 0, avail = 0;
        float best = 0;
        uint32_t arg = UINT32_MAX;
        for (size_t i = 0; i < nall; i++) {
            if (all[i].a != d && all[i].b != d)
                continue;
            avail += all[i].sim >= 0.05f;
            if (all[i].sim > best) {
                best = all[i].sim;
                arg = all[i].a == d ? all[i].b : all[i].a;
            }
        }
        for (size_t i = 0; i < ne; i++)
            have += e[i].a == d || e[i].b == d;
        CHECK(have >= (avail < k ? avail : k));
        if (arg != UINT32_MAX && best >= 0.05f)
            CHECK(find_edge(e, ne, d < arg ? d : arg, d < arg ? arg : d) != NULL);
    }

    /* determinism: a second object on the same input gives the same bytes */
    CHECK_INT(pg_terms_topk(t2, k, 0.05, &e2, &ne2, &err), PG_OK);
    CHECK_INT(ne2, ne);
    CHECK(ne2 == ne && memcmp(e, e2, ne * sizeof *e) == 0);
    static const uint32_t group[] = { 0, 12, 24, 36, 48 };
    char *l1 = label_of(t, group, 5, 4), *l2 = label_of(t2, group, 5, 4);
    CHECK(l1 != NULL && l2 != NULL && strcmp(l1, l2) == 0 && strlen(l1) > 0);
    free(l1);
    free(l2);

    /* a tiny posting cap still gives true pairs with exact cosines */
    CHECK_INT(pg_terms_topk(tc, k, 0.05, &ec, &nec, &err), PG_OK);
    check_edge_list(ec, nec, n);
    for (size_t i = 0; i < nec; i++) {
        const pg_sim_edge *x = find_edge(all, nall, ec[i].a, ec[i].b);
        CHECK(x != NULL && fabsf(x->sim - ec[i].sim) < 1e-5f);
    }
out:
    free(all);
    free(e);
    free(e2);
    free(ec);
    pg_terms_free(t);
    pg_terms_free(t2);
    pg_terms_free(tc);
}

static void test_hostile(void)
{
    pg_terms *t = NULL;
    pg_error err;
    pg_sim_edge *e = NULL;
    size_t ne = 1;
    pg_buf b = PG_BUF_INIT;

    /* an empty corpus */
    CHECK_INT(pg_terms_new(NULL, &t, &err), PG_OK);
    if (t == NULL)
        return;
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);
    CHECK_INT(pg_terms_count(t), 0);
    CHECK_INT(pg_terms_vocabulary(t), 0);
    CHECK_INT(pg_terms_topk(t, 10, 0.0, &e, &ne, &err), PG_OK);
    CHECK_INT(ne, 0);
    CHECK_INT(pg_terms_label(t, NULL, 0, 5, &b, &err), PG_OK);
    CHECK_INT(b.len, 0);
    pg_terms_free(t);

    /* empty documents, binary junk, a 1 MB document */
    CHECK_INT(pg_terms_new(NULL, &t, &err), PG_OK);
    if (t == NULL)
        return;
    CHECK_INT(pg_terms_add(t, NULL, 0, &err), PG_OK);
    CHECK_INT(pg_terms_add(t, NULL, 5, &err), PG_ERR_USAGE);
    CHECK_INT(pg_terms_add(t, "", 0, &err), PG_OK);
    CHECK_INT(pg_terms_add(t, "the of and 123 , .", 18, &err), PG_OK);
    size_t big = 1 << 20;
    char *junk = malloc(big);
    uint64_t rng = 12345;
    if (junk == NULL)
        goto out;
    for (size_t i = 0; i < big; i++)
        junk[i] = (char)(rng_next(&rng) & 0xff);
    CHECK_INT(pg_terms_add(t, junk, big, &err), PG_OK);
    CHECK_INT(pg_terms_add(t, junk, 4096, &err), PG_OK);
    for (size_t i = 0; i < big; i++) {       /* 1 MB of real-looking words */
        static const char text[] = "neural networks learn protein folding ";
        junk[i] = text[i % (sizeof text - 1)];
    }
    CHECK_INT(pg_terms_add(t, junk, big, &err), PG_OK);
    CHECK_INT(pg_terms_add(t, junk, 1000, &err), PG_OK);
    CHECK_INT(pg_terms_count(t), 7);
    CHECK_INT(pg_terms_finish(t, &err), PG_OK);
    CHECK_INT(pg_terms_topk(t, 10, 0.0, &e, &ne, &err), PG_OK);
    check_edge_list(e, ne, 7);
    for (size_t i = 0; i < ne; i++)     /* empty documents link to nothing */
        CHECK(e[i].a >= 3);
    CHECK(find_edge(e, ne, 5, 6) != NULL);
    static const uint32_t empties[] = { 0, 1, 2 };
    CHECK_INT(pg_terms_label(t, empties, 3, 5, &b, &err), PG_OK);
    CHECK_INT(b.len, 0);
out:
    free(junk);
    free(e);
    pg_buf_release(&b);
    pg_terms_free(t);
}

int main(void)
{
    test_tokens();
    test_opts();
    test_df_window();
    test_collocations();
    test_topk_topics();
    test_labels();
    test_topk_generated();
    test_cut();
    test_hostile();
    CHECK_DONE();
}
