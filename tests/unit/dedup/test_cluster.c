/*
** test_cluster.c: the matching core on hand-written pairs of normalised keys.
**
** A table of pairs with the decision and the rule each must get (variants
** that must merge, hard negatives that must not), symmetry of every
** decision, MinHash estimates against exact Jaccard, band and title keys of
** near-duplicates and unrelated texts, union-find and canonical choice
** independent of input order.  Set PG_CLUSTER_BENCH=1 to also print the
** signing throughput (meaningful in a build without sanitizers).
*/
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "papergraph/base.h"
#include "dedup/internal.h"
#include "dedup/match.h"

/* ---- texts: already-normalised keys, one sentence per string ------------ */

/* Paper A: twelve sentences. */
static const char *const A_SENT[] = {
    "graph neural networks have made rapid progress yet link prediction remains difficult when the graph is heterophilous",
    "existing message passing models often fail to separate structural roles from node attributes under label noise",
    "in this work we present travoric a spectral framework that decomposes link prediction through optimal transport",
    "travoric couples a calibrated positional encoder with a sparse relational decoder to align neighbourhood statistics",
    "at its core travoric learns a latent manifold over node pairs and refines it with curriculum learning",
    "we further derive a hierarchical regularizer that captures higher order interactions between distant communities",
    "theoretically we prove that travoric preserves the expressive power of the encoder under mild assumptions",
    "extensive experiments on nine benchmarks including ogbl collab and citation2 show that travoric improves hits by 7 4 percent",
    "on the heterophilous suite travoric reaches 61 2 percent mrr while reducing memory by 3 1 times",
    "ablation studies confirm that both the positional encoder and the relational decoder are essential",
    "these results suggest that spectral transport is a practical recipe for link prediction in sparse graphs",
    "finally we discuss failure modes of travoric regarding temporal drift and outline directions for future work",
};

/* Replacements for two of A's sentences: a revised version. */
static const char *const A_REVISED[] = {
    "we additionally introduce a lightweight sampling scheme that keeps training linear in the number of edges",
    "on the heterophilous suite travoric now reaches 64 8 percent mrr and halves training time on a single gpu",
};

/* Paper B: unrelated. */
static const char *const B_SENT[] = {
    "speech foundation models have shown impressive gains but recognition of overlapping speakers is still brittle",
    "current separation front ends rely on permutation invariant training which ignores speaker turn taking",
    "we introduce dialomix a streaming recognizer that jointly segments and transcribes conversational audio",
    "dialomix maintains a memory of active speakers and updates it with a learned turn taking prior",
    "a closer look reveals that attention heads specialise in voice identity after a few thousand updates",
    "on three meeting corpora dialomix lowers word error rate by 18 percent relative to cascaded systems",
    "a user study with 24 listeners confirms that transcripts are easier to follow",
    "moreover the model adapts to new microphones with only ten minutes of untranscribed audio",
    "we release code and a benchmark of 40 hours of annotated multi party conversations",
    "the resulting recognizer is causal compact and easy to deploy on edge devices",
    "we conclude by examining errors on code switched speech and on very short backchannels",
    "together these findings highlight turn taking as a missing inductive bias for meeting transcription",
};

/* Paper C: related to A (same group): other sentences but A's sixth. */
static const char *const C_SENT[] = {
    "temporal graphs evolve continuously yet most link predictors are trained on frozen snapshots",
    "snapshot training discards the order of interactions and overfits to recent bursts of activity",
    "we present chronoric an event based model that forecasts future links from streams of timestamped edges",
    "chronoric encodes each node with a decaying memory and scores candidate pairs with a temporal attention head",
    "we further derive a hierarchical regularizer that captures higher order interactions between distant communities",
    "on five temporal benchmarks chronoric improves average precision by 4 1 points over the best baseline",
    "it processes one million events per second on commodity hardware",
    "our analysis shows that the memory decay rate controls a trade off between stability and plasticity",
    "we also study the transfer of chronoric to unseen graphs with only a handful of labelled events",
    "code is released together with preprocessing scripts for all datasets",
    "the approach is simple to implement and compatible with existing graph libraries",
    "future work will address continuous time attributes and multi relational edges",
};

/* Paper D: a different editorial. */
static const char *const D_SENT[] = {
    "this issue collects eight contributions on the reproducibility of machine learning research",
    "the papers were selected from fifty two submissions after two rounds of double blind review",
    "three articles examine how random seeds and hardware influence reported benchmark numbers",
    "two further articles propose checklists for reporting compute budgets and hyperparameter searches",
    "the remaining contributions describe tooling for packaging experiments as executable artefacts",
    "we thank the reviewers who volunteered their time during an unusually busy season",
    "we hope the issue encourages authors to share code data and negative results alike",
};

/* Paper E: another editorial of another journal. */
static const char *const E_SENT[] = {
    "welcome to the first issue of the new volume which marks ten years of the journal",
    "over the decade the number of submissions has grown fivefold and the editorial board has doubled",
    "this issue features a survey of causal representation learning and four regular articles",
    "we also introduce a new track for software papers with its own review criteria",
    "readers will notice a refreshed layout and faster publication of accepted manuscripts",
    "we are grateful to the outgoing associate editors for their years of service",
    "we look forward to your submissions and feedback in the coming year",
};

#define NS(a) (sizeof(a) / sizeof((a)[0]))

/* Joins sentences into one key (single spaces); replace[i] (if non-NULL)
 * stands for sentence i. */
static char *join(const char *const *s, size_t n, const char *const *replace)
{
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i && pg_buf_putc(&b, ' ') != PG_OK)
            abort();
        if (pg_buf_puts(&b, replace && replace[i] ? replace[i] : s[i]) != PG_OK)
            abort();
    }
    return pg_buf_detach(&b);
}

/* The first nbytes of key, as a truncated abstract ending inside a word. */
static char *cut(const char *key, size_t nbytes)
{
    char *p = malloc(nbytes + 1);
    if (p == NULL)
        abort();
    memcpy(p, key, nbytes);
    p[nbytes] = '\0';
    return p;
}

/* The first nwords words of key and extra bytes of the next one. */
static char *cut_words(const char *key, size_t nwords, size_t extra)
{
    const char *p = key;
    for (size_t i = 0; i < nwords && p; i++) {
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    return cut(key, p ? (size_t)(p - key) + extra : strlen(key));
}

static pg_match_item item(const char *title, const char *abstract)
{
    pg_match_item it;
    memset(&it, 0, sizeof it);
    it.title = title;
    it.title_len = strlen(title);
    it.abstract = abstract;
    it.abstract_len = abstract ? strlen(abstract) : 0;
    it.authors = -1;
    return it;
}

/* ---- the decision table --------------------------------------------------- */

typedef struct pair_case {
    const char *name;
    pg_match_item a, b;
    int same;
    const char *rule;
} pair_case;

static void check_case(const pair_case *c)
{
    pg_match_result r1, r2;
    CHECK_INT(pg_match_decide(&c->a, &c->b, NULL, &r1), PG_OK);
    CHECK_INT(pg_match_decide(&c->b, &c->a, NULL, &r2), PG_OK);
    if (r1.same != c->same || strcmp(r1.rule, c->rule) != 0)
        fprintf(stderr, "case %s: %s\n", c->name, r1.why);
    CHECK_INT(r1.same, c->same);
    CHECK_STR(r1.rule, c->rule);
    /* Symmetric: same decision, rule and scores either way round. */
    CHECK_INT(r2.same, r1.same);
    CHECK_STR(r2.rule, r1.rule);
    CHECK(r2.abstract_jaccard == r1.abstract_jaccard);
    CHECK(r2.containment == r1.containment);
    CHECK(r2.title_sim == r1.title_sim);
    CHECK_INT(r2.prefix_words, r1.prefix_words);
    CHECK(r1.why[0] != '\0');
    CHECK(strncmp(r1.why, c->same ? "same paper" : "different papers",
                  c->same ? 10 : 16) == 0);
    /* Features computed once (as the dedup stage keeps them) decide
     * exactly as features computed for the pair. */
    pgd_feat fa, fb;
    pg_match_result r3;
    pg_match_item a = c->a, b = c->b;
    memset(&fa, 0, sizeof fa);
    memset(&fb, 0, sizeof fb);
    CHECK_INT(pgd_feat_make(&a, &fa), PG_OK);
    CHECK_INT(pgd_feat_make(&b, &fb), PG_OK);
    a.feat = &fa;
    b.feat = &fb;
    CHECK_INT(pg_match_decide(&a, &b, NULL, &r3), PG_OK);
    CHECK_INT(r3.same, r1.same);
    CHECK_STR(r3.rule, r1.rule);
    CHECK_STR(r3.why, r1.why);
    CHECK(r3.abstract_jaccard == r1.abstract_jaccard);
    /* A feature buffer is reused for the next item. */
    CHECK_INT(pgd_feat_make(&a, &fb), PG_OK);
    CHECK_INT(pgd_feat_make(&b, &fa), PG_OK);
    a.feat = &fb;
    b.feat = &fa;
    CHECK_INT(pg_match_decide(&b, &a, NULL, &r3), PG_OK);
    CHECK_INT(r3.same, r2.same);
    CHECK_STR(r3.rule, r2.rule);
    pgd_feat_release(&fa);
    pgd_feat_release(&fb);
}

static int rule_known(const char *rule)
{
    for (size_t i = 0; pg_match_rules[i]; i++)
        if (strcmp(pg_match_rules[i], rule) == 0)
            return 1;
    return 0;
}

static void test_decisions(void)
{
    const char *ta = "travoric spectral transport for link prediction in heterophilous graphs";
    const char *ta_rev = "travoric scalable spectral transport for link prediction in heterophilous graphs";
    const char *tb = "dialomix streaming recognition of overlapping speakers in meetings";
    const char *tc = "chronoric event based link forecasting on temporal graphs";
    const char *editorial = "editorial";
    const char *repo = "https://github.com/graph-lab/travoric";
    static const char *urls[1];
    static const char *const n1[] = { "kenneth a ross", "jim gray" };
    static const char *const n2[] = { "k ross", "j gray" };
    static const char *const n3[] = { "maria lopez" };
    static const char *const hh[] = { "peter haas", "joseph hellerstein" };

    char *a = join(A_SENT, NS(A_SENT), NULL);
    const char *rep[NS(A_SENT)] = { NULL };
    rep[5] = A_REVISED[0];
    rep[8] = A_REVISED[1];
    char *a_rev = join(A_SENT, NS(A_SENT), rep);
    char *a_cut = cut(a, strlen(a) / 2 + 3);          /* ends inside a word */
    char *a_cut_short = cut_words(a, 10, 2);           /* ten words and a bit */
    char *b = join(B_SENT, NS(B_SENT), NULL);
    char *c = join(C_SENT, NS(C_SENT), NULL);
    char *d = join(D_SENT, NS(D_SENT), NULL);
    char *e = join(E_SENT, NS(E_SENT), NULL);
    /* A's URL, spelled as a key ("https github com graph lab travoric"),
     * differs between two listings only in its spelling. */
    char *a_url1 = join((const char *const[]){ a, "code https github com graph lab travoric" }, 2, NULL);
    char *a_url2 = join((const char *const[]){ a, "code http github com graph lab travoric git" }, 2, NULL);

    static pair_case cases[64];
    size_t n = 0;

#define CASE(nm, ia, ib, s, rl) do { \
        if (n == sizeof cases / sizeof cases[0]) abort(); \
        cases[n].name = nm; cases[n].a = ia; cases[n].b = ib; \
        cases[n].same = s; cases[n].rule = rl; n++; } while (0)

    CASE("identical", item(ta, a), item(ta, a), 1, "exact-text");
    {
        pg_match_item t = item(ta, a_cut);
        t.truncated = 1;
        CASE("truncated prefix", item(ta, a), t, 1, "truncated-prefix");
    }
    {
        /* Cut twice at different places: the shorter is the other's start. */
        pg_match_item t1 = item(ta, a_cut), t2 = item(ta, a_cut);
        t1.truncated = t2.truncated = 1;
        t2.abstract_len = strlen(a_cut) - 25;
        CASE("two truncations", t1, t2, 1, "truncated-prefix");
    }
    CASE("revised abstract", item(ta, a), item(ta, a_rev), 1, "revised-version");
    CASE("revised title", item(ta, a), item(ta_rev, a), 1, "same-abstract");
    CASE("revised title and abstract", item(ta, a), item(ta_rev, a_rev), 1, "revised-version");
    CASE("url spelling", item(ta, a_url1), item(ta, a_url2), 1, "revised-version");
    CASE("unrelated", item(ta, a), item(tb, b), 0, "different-abstract");
    /* A group's workshop version: the same abstract under another title
     * (seen on arXiv: 2506.07002 and 2506.09417). */
    CASE("same abstract, unrelated title", item(ta, a), item(tb, a),
         0, "similar-abstract-different-title");
    CASE("near-same abstract, unrelated title", item(ta, a), item(tb, a_rev),
         0, "similar-abstract-different-title");
    CASE("generic title, different abstracts", item(editorial, d), item(editorial, e),
         0, "generic-title-different-abstract");
    CASE("same long title, different abstracts", item(ta, a), item(ta, b),
         0, "same-title-different-abstract");
    CASE("related paper shares a sentence", item(ta, a), item(tc, c),
         0, "related-paper-shared-sentences");
    {
        pg_match_item x = item(ta, a), y = item(tb, b);
        urls[0] = repo;
        x.urls = y.urls = urls;
        x.n_urls = y.n_urls = 1;
        CASE("shared link only", x, y, 0, "shared-link-only");
    }
    {
        pg_match_item x = item(ta, a), y = item(ta, a_rev);
        x.year = 2019;
        y.year = 2024;
        CASE("revision but years apart", x, y, 0, "year-conflict");
        x.year = 2024;
        y.year = 2025;
        CASE("revision a year apart", x, y, 1, "revised-version");
    }
    {
        /* A series: same title but for its number, much of the abstract. */
        static char t2[128], t3[128];
        snprintf(t2, sizeof t2, "%s 2", ta);
        snprintf(t3, sizeof t3, "%s 3", ta);
        CASE("numbered series", item(t2, a), item(t3, a_rev), 0, "title-marker-conflict");
    }
    {
        pg_match_item x = item(ta, a), y = item(ta, a_rev);
        x.authors = 2;
        y.authors = 9;
        CASE("revision with other authors", x, y, 0, "authors-conflict");
        x.year = 2019;      /* identical text outweighs metadata */
        y = item(ta, a);
        y.year = 2024;
        CASE("identical text, years apart", x, y, 1, "exact-text");
    }
    {
        /* Too little of the abstract is left: the title decides. */
        pg_match_item t = item(ta, a_cut_short);
        t.truncated = 1;
        t.year = 2025;
        pg_match_item f = item(ta, a);
        f.year = 2025;
        CASE("ten words cut off", f, t, 1, "truncated-prefix");
        t.abstract_len = 40;            /* six words: too few to say */
        CASE("short truncation falls back to title", f, t, 1, "title+metadata");
        t.truncated = 0;
        t.abstract_len = 12;            /* "graph neural" */
        CASE("tiny abstract falls back to title", f, t, 1, "title+metadata");
        pg_match_item u = item(ta, b);
        u.abstract_len = 60;            /* ten words of another opening */
        u.truncated = 1;
        pg_match_item t10 = item(ta, a_cut_short);
        t10.truncated = 1;
        CASE("short openings that differ", t10, u, 0, "different-abstract");
        CASE("title only against a full text", item(ta, NULL), f, 1, "title+metadata");
        CASE("no titles", item("", a), item("", NULL), 0, "no-title");
    }

    /* Records without abstract. */
    {
        const char *t1 = "partitioned garbage collection of large object store";
        const char *t2 = "partitioned garbage collection of a large object store";
        pg_match_item x = item(t1, NULL), y = item(t1, NULL);
        x.year = y.year = 1997;
        CASE("title only, same title same year", x, y, 1, "title+metadata");
        y = item(t2, NULL);
        y.year = 1997;
        CASE("title only, article dropped", x, y, 1, "title+metadata");
        y.year = 1999;
        CASE("title only, other year", x, y, 0, "year-conflict");
    }
    {
        pg_match_item x = item("a goal driven auto configuration tool for the distributed "
                               "workflow management system mentor lite", NULL);
        pg_match_item y = item("a goal driven auto configuration tool for the distributed "
                               "workflow management system mentorlite", NULL);
        x.year = y.year = 2000;
        CASE("title only, joined word", x, y, 1, "title+metadata");
    }
    {
        pg_match_item x = item("editorial", NULL), y = item("editorial", NULL);
        x.year = 2001;
        y.year = 2003;
        CASE("editorial, other years", x, y, 0, "generic-title-no-abstract");
        y.year = 2001;
        CASE("editorial, same year", x, y, 0, "generic-title-no-abstract");
    }
    {
        pg_match_item x = item("continual learning", NULL), y = item("continual learning", NULL);
        x.year = y.year = 2024;
        CASE("short title, no metadata", x, y, 0, "short-title-no-metadata");
        x.names = n1;
        x.n_names = 2;
        y.names = n2;
        y.n_names = 2;
        CASE("short title, same authors and year", x, y, 1, "short-title+metadata");
        y.names = n3;
        y.n_names = 1;
        CASE("short title, other authors", x, y, 0, "authors-conflict");
    }
    {
        /* DBLP-ACM: a heading word added to a short title leaves its core
         * words equal; every piece of metadata must still agree. */
        pg_match_item x = item("indexing multimedia databases", NULL);
        pg_match_item y = item("indexing multimedia databases tutorial", NULL);
        x.year = y.year = 1996;
        x.names = y.names = hh;
        x.n_names = y.n_names = 2;
        CASE("short title, heading word added", x, y, 1, "short-title+metadata");
        y.authors = 3;      /* a talk's paper, or a column's other issue:
                             * another author count */
        CASE("short title, heading word, other author count", x, y, 0, "other-work");
    }
    {
        pg_match_item x = item("llama 2 open foundation and fine tuned chat models", NULL);
        pg_match_item y = item("llama 3 open foundation and fine tuned chat models", NULL);
        x.year = y.year = 2024;
        CASE("title numbers differ", x, y, 0, "title-marker-conflict");
        x = item("database tuning principles experiments and troubleshooting techniques part i", NULL);
        y = item("database tuning principles experiments and troubleshooting techniques part ii", NULL);
        CASE("parts differ", x, y, 0, "title-marker-conflict");
        x = item("erratum a database model for object dynamics", NULL);
        y = item("a database model for object dynamics", NULL);
        CASE("erratum", x, y, 0, "title-marker-conflict");
        /* DBLP-ACM: one number, written glued or apart. */
        x = item("sql 1999 formerly known as sql3", NULL);
        y = item("sql 1999 formerly known as sql 3", NULL);
        x.year = y.year = 1999;
        CASE("number glued or apart", x, y, 1, "title+metadata");
        y = item("sql 1999 formerly known as sql 4", NULL);
        y.year = 1999;
        CASE("glued number differs", x, y, 0, "title-marker-conflict");
    }
    {
        pg_match_item x = item("online query processing for interactive data analysis", NULL);
        pg_match_item y = item("online query processing for interactive data analysis a tutorial", NULL);
        x.names = y.names = hh;
        x.n_names = y.n_names = 2;
        CASE("subtitle added, same authors", x, y, 1, "title+metadata");
    }
    {
        /* DBLP-ACM: a word dropped inside the title (86% similar). */
        static const char *const half[] = { "peter haas", "maria lopez" };
        pg_match_item x = item("cubetree organization of and bulk incremental updates on "
                               "the data cube", NULL);
        pg_match_item y = item("cubetree organization of and bulk updates on the data cube",
                               NULL);
        x.year = y.year = 1997;
        x.names = y.names = hh;
        x.n_names = y.n_names = 2;
        CASE("word dropped, same authors and year", x, y, 1, "title+metadata");
        y.names = half;     /* half the authors: another paper of the group */
        CASE("word dropped, half the authors", x, y, 0, "different-title");
        y.names = hh;
        y.year = 1998;
        CASE("word dropped, another year", x, y, 0, "different-title");
    }
#undef CASE

    for (size_t i = 0; i < n; i++) {
        CHECK(rule_known(cases[i].rule));
        check_case(&cases[i]);
    }

    /* Scores: the revision keeps most shingles, the related paper few. */
    pg_match_result r;
    pg_match_item x = item(ta, a), y = item(ta, a_rev);
    CHECK_INT(pg_match_decide(&x, &y, NULL, &r), PG_OK);
    CHECK(r.abstract_jaccard > 0.6 && r.abstract_jaccard < 0.9);
    y = item(tc, c);
    CHECK_INT(pg_match_decide(&x, &y, NULL, &r), PG_OK);
    CHECK(r.abstract_jaccard > 0.0 && r.abstract_jaccard < 0.1);
    /* Options are honoured: a stricter revision threshold refuses. */
    pg_match_opts o;
    pg_match_opts_default(&o);
    o.revised_abstract = 0.95;
    o.same_abstract = 0.95;
    o.same_title_abstract = 0.95;
    y = item(ta, a_rev);
    CHECK_INT(pg_match_decide(&x, &y, &o, &r), PG_OK);
    /* ... and the identical, specific title with most of the abstract
     * still makes a revision: its score is not one of those options. */
    CHECK_INT(r.same, 1);
    CHECK_STR(r.rule, "same-specific-title");
    y = item(tc, a_rev);
    CHECK_INT(pg_match_decide(&x, &y, &o, &r), PG_OK);
    CHECK_INT(r.same, 0);

    free(a); free(a_rev); free(a_cut); free(a_cut_short); free(b); free(c);
    free(d); free(e); free(a_url1); free(a_url2);
}

/* ---- MinHash ------------------------------------------------------------ */

/* Exact Jaccard of the 3-word shingle sets, the slow and obvious way. */
static size_t shingles(const char *s, const char **start, size_t *len, size_t max)
{
    const char *w[1024];
    size_t nw = 0, n = 0;
    for (const char *p = s; *p && nw < 1024;) {
        w[nw++] = p;
        p = strchr(p, ' ');
        if (p == NULL)
            break;
        p++;
    }
    for (size_t i = 0; i + 3 <= nw && n < max; i++) {
        const char *end = i + 3 < nw ? w[i + 3] - 1 : s + strlen(s);
        start[n] = w[i];
        len[n++] = (size_t)(end - w[i]);
    }
    return n;
}

static double exact_jaccard(const char *x, const char *y)
{
    static const char *sx[1024], *sy[1024];
    static size_t lx[1024], ly[1024];
    size_t nx = shingles(x, sx, lx, 1024), ny = shingles(y, sy, ly, 1024);
    size_t ux = 0, inter = 0;
    for (size_t i = 0; i < nx; i++) {
        int dup = 0, found = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = lx[j] == lx[i] && memcmp(sx[j], sx[i], lx[i]) == 0;
        if (dup)
            continue;
        ux++;
        for (size_t j = 0; j < ny && !found; j++)
            found = ly[j] == lx[i] && memcmp(sy[j], sx[i], lx[i]) == 0;
        inter += found;
    }
    size_t uy = 0;
    for (size_t i = 0; i < ny; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = ly[j] == ly[i] && memcmp(sy[j], sy[i], ly[i]) == 0;
        uy += !dup;
    }
    return (double)inter / (double)(ux + uy - inter);
}

static size_t common_keys(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
    size_t n = 0;
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            if (x[i] == y[j]) {
                n++;
                break;
            }
    return n;
}

static void check_estimate(const char *x, const char *y)
{
    pg_minhash mx, my;
    pg_match_result r;
    pg_match_item ix = item("t", x), iy = item("t", y);
    pg_minhash_compute(x, strlen(x), &mx);
    pg_minhash_compute(y, strlen(y), &my);
    double exact = exact_jaccard(x, y), est = pg_minhash_estimate(&mx, &my);
    CHECK_INT(pg_match_decide(&ix, &iy, NULL, &r), PG_OK);
    /* The verifier's exact Jaccard is the slow one's. */
    CHECK(r.abstract_jaccard > exact - 1e-9 && r.abstract_jaccard < exact + 1e-9);
    if (!(est > exact - 0.1 && est < exact + 0.1))
        fprintf(stderr, "estimate %.3f, exact %.3f\n", est, exact);
    CHECK(est > exact - 0.1 && est < exact + 0.1);
}

static void test_minhash(void)
{
    char *a = join(A_SENT, NS(A_SENT), NULL);
    const char *rep[NS(A_SENT)] = { NULL };
    rep[5] = A_REVISED[0];
    rep[8] = A_REVISED[1];
    char *a_rev = join(A_SENT, NS(A_SENT), rep);
    const char *rep4[NS(A_SENT)] = { NULL };
    rep4[1] = B_SENT[1];
    rep4[3] = B_SENT[3];
    rep4[6] = B_SENT[6];
    rep4[9] = B_SENT[9];
    rep4[10] = B_SENT[10];
    char *a_half = join(A_SENT, NS(A_SENT), rep4);      /* five of twelve replaced */
    char *a_cut = cut(a, strlen(a) * 2 / 5);
    char *b = join(B_SENT, NS(B_SENT), NULL);
    char *c = join(C_SENT, NS(C_SENT), NULL);
    pg_minhash ma, mr, mh, mt, mb, mc, again, back;
    uint64_t ba[PG_ABSTRACT_BANDS_MAX], br[PG_ABSTRACT_BANDS_MAX], bh[PG_ABSTRACT_BANDS_MAX];
    uint64_t bt[PG_ABSTRACT_BANDS_MAX], bb[PG_ABSTRACT_BANDS_MAX], bc[PG_ABSTRACT_BANDS_MAX];
    uint64_t bx[PG_ABSTRACT_BANDS_MAX];
    unsigned char bytes[PG_MINHASH_BYTES];

    check_estimate(a, a);
    check_estimate(a, a_rev);
    check_estimate(a, a_half);
    check_estimate(a, b);
    check_estimate(a, c);

    pg_minhash_compute(a, strlen(a), &ma);
    pg_minhash_compute(a_rev, strlen(a_rev), &mr);
    pg_minhash_compute(a_half, strlen(a_half), &mh);
    pg_minhash_compute(a_cut, strlen(a_cut), &mt);
    pg_minhash_compute(b, strlen(b), &mb);
    pg_minhash_compute(c, strlen(c), &mc);
    size_t na = pg_minhash_bands(&ma, ba), nr = pg_minhash_bands(&mr, br);
    size_t nh = pg_minhash_bands(&mh, bh), nt = pg_minhash_bands(&mt, bt);
    size_t nb = pg_minhash_bands(&mb, bb), nc = pg_minhash_bands(&mc, bc);
    CHECK_INT(na, PG_ABSTRACT_BANDS_MAX);
    CHECK(ma.lead != 0 && ma.lead == mt.lead);          /* truncated: same opening */
    CHECK(ma.lead != mb.lead);
    CHECK(common_keys(ba, na, br, nr) >= 2);            /* a revision */
    CHECK(common_keys(ba, na, bh, nh) >= 1);            /* half rewritten */
    CHECK(common_keys(ba, na, bt, nt) >= 1);            /* truncated */
    CHECK_INT(common_keys(ba, na, bb, nb), 0);          /* unrelated */
    CHECK_INT(common_keys(ba, na, bc, nc), 0);          /* one sentence shared */
    CHECK_INT(common_keys(bb, nb, bc, nc), 0);
    /* Band index is part of the key: no two bands of one text agree. */
    CHECK_INT(common_keys(ba, 1, ba + 1, na - 1), 0);

    /* Deterministic, and the blob round-trips. */
    pg_minhash_compute(a, strlen(a), &again);
    CHECK(memcmp(&again, &ma, sizeof ma) == 0);
    CHECK_INT(pg_minhash_bands(&again, bx), na);
    CHECK(memcmp(bx, ba, na * sizeof bx[0]) == 0);
    pg_minhash_to_bytes(&ma, bytes);
    CHECK_INT(pg_minhash_from_bytes(bytes, sizeof bytes, &back), PG_OK);
    CHECK(memcmp(&back, &ma, sizeof ma) == 0);
    CHECK_INT(pg_minhash_from_bytes(bytes, sizeof bytes - 1, &back), PG_ERR_FORMAT);

    /* Empty and tiny texts. */
    pg_minhash m0, m1;
    pg_minhash_compute("", 0, &m0);
    CHECK_INT(m0.shingles, 0);
    CHECK_INT(pg_minhash_bands(&m0, bx), 0);
    CHECK(pg_minhash_estimate(&m0, &ma) == 0.0);
    pg_minhash_compute("two words", 9, &m1);
    CHECK_INT(m1.shingles, 1);
    CHECK_INT(m1.lead, 0);
    CHECK_INT(pg_minhash_bands(&m1, bx), PG_MINHASH_BANDS);
    CHECK(pg_minhash_estimate(&m1, &m1) == 1.0);

    free(a); free(a_rev); free(a_half); free(a_cut); free(b); free(c);
}

static size_t title_common(const char *x, const char *y)
{
    uint64_t kx[PG_TITLE_BANDS_MAX], ky[PG_TITLE_BANDS_MAX];
    size_t nx = pg_title_bands(x, strlen(x), kx), ny = pg_title_bands(y, strlen(y), ky);
    return common_keys(kx, nx, ky, ny);
}

static void test_title_bands(void)
{
    uint64_t k[PG_TITLE_BANDS_MAX];
    const char *long_title = "a goal driven auto configuration tool for the distributed "
                             "workflow management system mentor lite";
    CHECK(title_common(long_title, long_title) >= 10);
    CHECK(title_common(long_title, "a goal driven auto configuration tool for the distributed "
                                   "workflow management system mentorlite") >= 1);
    CHECK(title_common("efficient and tunable similar set retrieval",
                       "efficient and tumble similar set retrieval") >= 1);
    CHECK(title_common("research and practice in federated information systems report of "
                       "the efis 2000 international workshop",
                       "research and practice in federated information systems") >= 1);
    CHECK(title_common("tutorial on storage technology raid and beyond",
                       "storage technology raid and beyond") >= 1);
    CHECK(title_common("tutorial ldap directory services just another database application",
                       "ldap directory services just another database application tutorial session") >= 1);
    /* Two heading words away (DBLP-ACM): the core title's whole key. */
    CHECK(title_common("information visualization",
                       "information visualization guest editors foreword") >= 1);
    CHECK_INT(title_common("information retrieval",
                           "information visualization guest editors foreword"), 0);
    CHECK_INT(title_common(long_title, "dialomix streaming recognition of overlapping speakers in meetings"), 0);
    CHECK_INT(title_common("large language models can self improve",
                           "large language models are zero shot reasoners"), 0);
    /* Headings give no key; short titles only their whole one. */
    CHECK_INT(pg_title_bands("editorial", 9, k), 0);
    CHECK_INT(pg_title_bands("guest editor s introduction", 27, k), 0);
    CHECK_INT(pg_title_bands("continual learning", 18, k), 1);
    CHECK_INT(pg_title_bands("", 0, k), 0);
    CHECK(pg_title_bands(long_title, strlen(long_title), k) <= PG_TITLE_BANDS_MAX);
    /* A 60-word title is cut at PG_TITLE_WORDS_MAX content words. */
    pg_buf b = PG_BUF_INIT;
    for (int i = 0; i < 60; i++)
        CHECK_INT(pg_buf_printf(&b, "%sword%d", i ? " " : "", i), PG_OK);
    CHECK(pg_title_bands(b.data, b.len, k) <= PG_TITLE_BANDS_MAX);
    pg_buf_release(&b);
}

/* ---- union-find ----------------------------------------------------------- */

static void shuffle(size_t (*pairs)[2], size_t n, unsigned seed)
{
    for (size_t i = n; i > 1; i--) {
        seed = seed * 1103515245u + 12345u;
        size_t j = (seed >> 8) % i;
        size_t t0 = pairs[i - 1][0], t1 = pairs[i - 1][1];
        pairs[i - 1][0] = pairs[j][0];
        pairs[i - 1][1] = pairs[j][1];
        pairs[j][0] = t0;
        pairs[j][1] = t1;
    }
}

static void test_union_find(void)
{
    size_t unions[][2] = { { 7, 3 }, { 3, 9 }, { 12, 5 }, { 5, 1 }, { 9, 14 },
                           { 2, 11 }, { 11, 0 }, { 14, 7 }, { 6, 13 } };
    const size_t nu = sizeof unions / sizeof unions[0], n = 16;
    size_t first[16], rep[16];
    pg_key keys[16];

    for (unsigned round = 0; round < 8; round++) {
        pg_uf *u = NULL;
        CHECK_INT(pg_uf_new(n, &u), PG_OK);
        if (u == NULL)
            return;
        shuffle(unions, nu, round + 1);
        for (size_t i = 0; i < nu; i++) {
            /* Either argument order. */
            size_t x = unions[i][round & 1], y = unions[i][!(round & 1)];
            pg_uf_union(u, x, y);
        }
        for (size_t x = 0; x < n; x++) {
            size_t r = pg_uf_find(u, x);
            CHECK(r <= x);                      /* the set's smallest */
            if (round == 0)
                first[x] = r;
            else
                CHECK_INT(r, first[x]);
        }
        pg_uf_free(u);
    }
    CHECK_INT(first[9], 3);
    CHECK_INT(first[12], 1);
    CHECK_INT(first[0], 0);
    CHECK_INT(first[4], 4);

    /* Representatives by key, whatever the numbering. */
    pg_uf *u = NULL;
    CHECK_INT(pg_uf_new(4, &u), PG_OK);
    CHECK_INT(pg_uf_grow(u, 6), PG_OK);
    CHECK_INT(pg_uf_count(u), 6);
    for (size_t i = 0; i < 6; i++) {
        keys[i].hi = 100 - i * 10;      /* element 5 has the smallest key */
        keys[i].lo = 0;
    }
    pg_uf_union(u, 0, 5);
    pg_uf_union(u, 1, 2);
    CHECK_INT(pg_uf_min_keys(u, keys, rep), PG_OK);
    CHECK_INT(rep[0], 5);
    CHECK_INT(rep[5], 5);
    CHECK_INT(rep[1], 2);
    CHECK_INT(rep[3], 3);
    pg_uf_free(u);
    pg_uf_free(NULL);
}

/* ---- canonical choice ------------------------------------------------------- */

static pg_variant variant(uint64_t key, size_t alen, int trunc, int date, long occ)
{
    pg_variant v;
    memset(&v, 0, sizeof v);
    v.key.hi = key;
    v.abstract_len = alen;
    v.truncated = trunc;
    v.date = date;
    v.authors = -1;
    v.upvotes = -1;
    v.occurrences = occ;
    return v;
}

static void test_canonical(void)
{
    pg_variant v[5], w[5];
    /* A frequent truncated text, an old full one, the latest full one, a
     * title-only record and a full one seen on the same day as the latest. */
    v[0] = variant(10, 800, 1, 20250910, 9);
    v[1] = variant(20, 1700, 0, 20250901, 4);
    v[2] = variant(30, 1750, 0, 20250912, 2);
    v[3] = variant(5, 0, 0, 20250915, 20);
    v[4] = variant(40, 1750, 0, 20250912, 1);
    CHECK_INT(pg_canonical_pick(v, 5), 2);
    /* Every one of the 120 orders picks the same text (Heap's algorithm). */
    size_t c[5] = { 0 }, perms = 1, agree = 0;
    memcpy(w, v, sizeof w);
    agree += w[pg_canonical_pick(w, 5)].key.hi == 30;
    for (size_t i = 1; i < 5;) {
        if (c[i] < i) {
            size_t j = i % 2 ? c[i] : 0;
            pg_variant tmp = w[j];
            w[j] = w[i];
            w[i] = tmp;
            perms++;
            agree += w[pg_canonical_pick(w, 5)].key.hi == 30;
            c[i]++;
            i = 1;
        } else {
            c[i++] = 0;
        }
    }
    CHECK_INT(perms, 120);
    CHECK_INT(agree, 120);
    /* Ties down to the key: the smaller wins. */
    v[2].occurrences = v[4].occurrences;
    CHECK_INT(pg_canonical_pick(v, 5), 2);
    CHECK(pg_variant_cmp(&v[2], &v[4]) < 0 && pg_variant_cmp(&v[4], &v[2]) > 0);
    CHECK_INT(pg_variant_cmp(&v[2], &v[2]), 0);
    /* Unknown dates count as oldest; more occurrences then decide. */
    v[1].date = 0;
    v[2].date = 0;
    v[4].date = 0;
    v[1].occurrences = 7;
    CHECK_INT(pg_canonical_pick(v, 5), 1);
    CHECK_INT(pg_canonical_pick(v, 1), 0);
}

/* ---- throughput (opt-in) ---------------------------------------------------- */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void bench(void)
{
    char *a = join(A_SENT, NS(A_SENT), NULL), *b = join(B_SENT, NS(B_SENT), NULL);
    size_t la = strlen(a), lb = strlen(b), bytes = 0;
    uint64_t bands[PG_ABSTRACT_BANDS_MAX], sink = 0;
    pg_minhash m;
    double t0 = seconds();
    for (int i = 0; i < 20000; i++) {
        pg_minhash_compute(i & 1 ? a : b, i & 1 ? la : lb, &m);
        sink += pg_minhash_bands(&m, bands) + bands[0];
        bytes += i & 1 ? la : lb;
    }
    double t = seconds() - t0;
    fprintf(stderr, "signatures + bands: %.1f MB/s (%zu bytes, %.3f s CPU, sink %u)\n",
            (double)bytes / 1e6 / t, bytes, t, (unsigned)(sink & 1));
    free(a);
    free(b);
}

int main(void)
{
    test_decisions();
    test_minhash();
    test_title_bands();
    test_union_find();
    test_canonical();
    if (getenv("PG_CLUSTER_BENCH"))
        bench();
    CHECK_DONE();
}
