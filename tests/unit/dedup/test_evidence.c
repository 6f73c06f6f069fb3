/*
** test_evidence.c: the evidence behind revised versions (dedup/match.c,
** compare.c, words.c): title specificity, coined names, identifiers, and
** the scored rules built on them, on invented titles and abstracts.  Every
** decision is checked both ways round.
*/
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "papergraph/base.h"
#include "text/internal.h"
#include "dedup/internal.h"
#include "dedup/match.h"

/* A match item over a raw title and abstract, normalised as the ingest
 * does, with the title's coined names.  Owns its buffers. */
typedef struct titem {
    pg_buf title, abstract, names;
    int has_head, strong;
    pg_match_item it;
} titem;

static void titem_make(titem *t, const char *title, const char *abstract)
{
    memset(t, 0, sizeof *t);
    CHECK_INT(pg_normalize_key(title, strlen(title), &t->title), PG_OK);
    if (abstract)
        CHECK_INT(pg_normalize_key(abstract, strlen(abstract), &t->abstract), PG_OK);
    CHECK_INT(pgd_title_names(title, strlen(title), &t->names, &t->has_head, &t->strong), PG_OK);
    t->it.title = t->title.data ? t->title.data : "";
    t->it.title_len = t->title.len;
    t->it.abstract = t->abstract.len ? t->abstract.data : NULL;
    t->it.abstract_len = t->abstract.len;
    t->it.authors = -1;
    t->it.title_names = t->names.len ? t->names.data : NULL;
    t->it.title_names_len = t->names.len;
    t->it.has_head = t->has_head;
    t->it.strong_name = t->strong;
}

static void titem_free(titem *t)
{
    pg_buf_release(&t->title);
    pg_buf_release(&t->abstract);
    pg_buf_release(&t->names);
}

/* Decides a and b both ways; checks the verdict and rule, and symmetry. */
static void expect(const char *name, const pg_match_item *a, const pg_match_item *b,
                   int same, const char *rule)
{
    pg_match_result r1, r2;
    CHECK_INT(pg_match_decide(a, b, NULL, &r1), PG_OK);
    CHECK_INT(pg_match_decide(b, a, NULL, &r2), PG_OK);
    if (r1.same != same || strcmp(r1.rule, rule) != 0)
        fprintf(stderr, "case %s: %s (%s)\n", name, r1.rule, r1.why);
    CHECK_INT(r1.same, same);
    CHECK_STR(r1.rule, rule);
    CHECK_INT(r2.same, r1.same);
    CHECK_STR(r2.rule, r1.rule);
    CHECK(r2.abstract_jaccard == r1.abstract_jaccard);
    /* An ingest decides without the explanation: the same verdict, rule
     * and figures, and no sentence. */
    pg_match_result q;
    CHECK_INT(pgd_match_decide(a, b, NULL, 0, &q), PG_OK);
    CHECK_INT(q.same, r1.same);
    CHECK_STR(q.rule, r1.rule);
    CHECK(q.abstract_jaccard == r1.abstract_jaccard && q.containment == r1.containment
          && q.title_sim == r1.title_sim && q.prefix_words == r1.prefix_words);
    CHECK_STR(q.why, "");
    CHECK(r1.why[0] != '\0');
    int known = 0;
    for (size_t i = 0; pg_match_rules[i]; i++)
        known |= strcmp(pg_match_rules[i], rule) == 0;
    CHECK(known);
}

/* Names as pgd_title_names writes them, joined by '|'. */
static void check_names(const char *title, const char *want, int head, int strong)
{
    pg_buf b = PG_BUF_INIT;
    int h = -1, s = -1;
    CHECK_INT(pgd_title_names(title, strlen(title), &b, &h, &s), PG_OK);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n')
            b.data[i] = '|';
    if (strcmp(b.len ? b.data : "", want) != 0)
        fprintf(stderr, "names of '%s': '%s'\n", title, b.len ? b.data : "");
    CHECK_STR(b.len ? b.data : "", want);
    CHECK_INT(h, head);
    CHECK_INT(s, strong);
    pg_buf_release(&b);
}

static void test_names(void)
{
    check_names("EHR2Path: Pathway Modeling from Health Records", "ehr2path|ehr2path|", 1, 1);
    check_names("Retrieval with TS-Haystack for Long Series", "ts haystack|", 0, 0);
    check_names("BEDTime: A Benchmark", "bedtime|bedtime|", 1, 1);
    check_names("MAESTRO: Adaptive Ensembles", "maestro|maestro|", 1, 0);
    /* Plural acronyms and capitalised words are not names; a head needs a
     * colon after one or two words. */
    check_names("LLMs and GNNs for Graph Reasoning", "", 0, 0);
    check_names("From Health Records to Patient Pathways: A Study", "", 0, 0);
    /* A title in capitals tells no names by case, only its head. */
    check_names("QUILL: DRAFTING SURVEYS WITH CITATION GRAPHS", "quill|", 1, 0);
    CHECK(pgd_phrase_in("dpanet", 6, "we validate dpanets key parts", 29));
    CHECK(pgd_phrase_in("ts haystack", 11, "on ts haystack we", 17));
    CHECK(!pgd_phrase_in("haystack", 8, "haystacks2 here", 15));
    CHECK(!pgd_phrase_in("net", 3, "dpanet here", 11));
}

static void test_specificity(void)
{
    pgd_title_words t;
    size_t common = 0;
    const char *s1 = "deep learning for time series forecasting";
    pgd_title_split(s1, strlen(s1), &t);
    CHECK_INT(pgd_title_specificity(&t, &common), 0);
    CHECK_INT(common, 5);
    const char *s2 = "spectral lattice priors for coronal loop reconstruction";
    pgd_title_split(s2, strlen(s2), &t);
    CHECK_INT(pgd_title_specificity(&t, &common), 5);
    CHECK_INT(common, 1);       /* "priors" */
}

/* Two versions of one invented paper: the abstract rewritten around a
 * few kept phrases, and another paper under the same title. */
static const char *v1 =
    "Reconstructing coronal loops from sparse magnetograms is ill posed because line of sight "
    "measurements leave most of the volume unconstrained. We present HelioWeave, which places a "
    "spectral lattice prior on the magnetic potential and fits it with a differentiable force free "
    "solver. On simulated active regions HelioWeave recovers loop footpoints with a median error "
    "of two megameters, and its loops agree with ultraviolet imagery in most archival cases.";
static const char *v2 =
    "Magnetograms measure the solar field only at the photosphere, so the corona above must be "
    "inferred. HelioWeave infers it with a lattice of spectral basis functions fitted jointly with a "
    "force free field model, and in this version samples the posterior to give every field line an "
    "uncertainty. Against potential field extrapolation and two neural baselines it halves the "
    "median footpoint error on simulated active regions.";
static const char *other =
    "We measure how quickly tidal energy dissipates over a continental shelf using repeated glider "
    "transects with microstructure probes, and find that mixing peaks where the internal tide "
    "breaks at the shelf edge and weakens toward the coast, following stratification rather than "
    "tidal amplitude through the seasons of three consecutive years.";

/* A sibling: v2's opening sentences, then its own work. */
static const char *sibling =
    "Magnetograms measure the solar field only at the photosphere, so the corona above must be "
    "inferred. HelioWeave infers it with a lattice of spectral basis functions fitted jointly with a "
    "force free field model, and in this version samples the posterior to give every field line an "
    "uncertainty. The VL variant adds extreme ultraviolet images read by a vision language encoder "
    "and answers questions about named active regions in plain text, citing the loops it used.";

static void test_scored(void)
{
    const char *title = "HelioWeave: Spectral Lattice Priors for Coronal Loop Reconstruction";
    titem a, b, c, g1, g2, s1, s2;
    titem_make(&a, title, v1);
    titem_make(&b, title, v2);
    expect("same title, rewritten abstract, name in both", &a.it, &b.it, 1, "same-specific-title");
    /* The same title over another paper's abstract. */
    titem_make(&c, title, other);
    expect("same title, unrelated abstract", &a.it, &c.it, 0, "same-title-different-abstract");
    /* The rewritten version, but dated years apart. */
    b.it.year = 2025;
    a.it.year = 2019;
    expect("same title, rewritten, years apart", &a.it, &b.it, 0, "year-conflict");
    a.it.year = b.it.year = 0;
    /* A title of common words names no paper by itself. */
    titem_make(&g1, "Deep Learning for Time Series Forecasting", v1);
    titem_make(&g2, "Deep Learning for Time Series Forecasting", v2);
    expect("common-word title, rewritten abstract", &g1.it, &g2.it, 0,
           "same-title-different-abstract");
    /* A re-titled version keeping its abstract and coined name. */
    titem_make(&s1, "HelioWeave: Coronal Loops from Sparse Magnetograms", v1);
    expect("re-titled, same abstract", &a.it, &s1.it, 1, "retitled-same-abstract");
    titem_make(&s2, "Sparse Magnetograms and Coronal Loop Geometry with HelioWeave Priors", v2);
    expect("re-titled, name kept, abstract rewritten", &a.it, &s2.it, 0,
           "different-abstract");
    titem_free(&s2);
    /* A sibling: the same abstract under a -VL variant of the name. */
    titem_make(&s2, "HelioWeave-VL: Spectral Lattice Priors for Coronal Loop Reconstruction", sibling);
    expect("-VL sibling", &b.it, &s2.it, 0, "name-conflict");
    titem_free(&a); titem_free(&b); titem_free(&c); titem_free(&g1); titem_free(&g2);
    titem_free(&s1); titem_free(&s2);
}

static void test_identifiers(void)
{
    titem a, b;
    const char *u1[] = { "https://arxiv.org/abs/2509.01234" };
    const char *u2[] = { "https://arxiv.org/abs/2509.05678" };
    const char *gh[] = { "https://github.com/lab/helioweave" };
    titem_make(&a, "Coronal Loop Reconstruction from Magnetograms", v1);
    titem_make(&b, "Coronal Loop Reconstruction from Sparse Magnetograms", other);
    a.it.urls = u1; a.it.n_urls = 1;
    b.it.urls = u1; b.it.n_urls = 1;
    expect("one arXiv id, similar titles", &a.it, &b.it, 1, "same-identifier");
    titem_free(&b);
    /* Two papers citing one DOI or arXiv id: the link alone decides nothing. */
    titem_make(&b, "Tidal Mixing over Shelves", other);
    b.it.urls = u1; b.it.n_urls = 1;
    expect("a cited id", &a.it, &b.it, 0, "shared-link-only");
    titem_free(&b);
    titem_make(&b, "Coronal Loop Reconstruction", v1);
    a.it.urls = u1;
    b.it.urls = u2; b.it.n_urls = 1;
    expect("two arXiv ids, one text", &a.it, &b.it, 0, "identifier-conflict");
    /* A shared repository is not an identifier. */
    b.it.urls = gh;
    expect("a link and an id", &a.it, &b.it, 1, "same-abstract");
    titem_free(&a); titem_free(&b);
}

/* Two versions of one abstract rewritten sentence by sentence: few
 * shingles in common, most words. */
static const char *const g1 =
    "Predicting where meltwater travels beneath a glacier matters for forecasting outburst "
    "floods, yet the drainage network cannot be observed directly. We infer the subglacial "
    "routing from tracer injections in boreholes, treating arrival times at the glacier snout "
    "as noisy observations of travel paths through conduits and cavities. A Bayesian sampler "
    "proposes conduit geometries scored by a hydraulic model calibrated on discharge records.";
static const char *const g2 =
    "Glacier outburst floods remain difficult to anticipate since meltwater drains through "
    "channels hidden beneath the ice. Our approach reconstructs this hidden drainage from "
    "borehole tracer arrivals: each arrival at the snout is read as a noisy travel time along "
    "conduits and cavities. Candidate conduit geometries are drawn by Bayesian sampling, and a "
    "hydraulic model fitted to discharge records supplies their likelihood.";

static void test_vocabulary(void)
{
    uint64_t va[64], vb[64];
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT;
    CHECK_INT(pg_normalize_key(g1, strlen(g1), &a), PG_OK);
    CHECK_INT(pg_normalize_key(g2, strlen(g2), &b), PG_OK);
    size_t na = pgd_vocabulary(a.data, a.len, va, 64);
    size_t nb = pgd_vocabulary(b.data, b.len, vb, 64);
    CHECK(na > 20 && nb > 20);
    for (size_t i = 1; i < na; i++)
        CHECK(va[i - 1] < va[i]);           /* sorted, each once */
    double ab = pgd_vocabulary_share(va, na, vb, nb);
    CHECK(ab == pgd_vocabulary_share(vb, nb, va, na));
    CHECK(ab > 0.4 && ab < 0.9);
    CHECK(pgd_vocabulary_share(va, na, va, na) == 1.0);
    CHECK(pgd_vocabulary_share(va, 0, vb, nb) == 0.0);
    /* A cap keeps the first words only, and never overruns. */
    CHECK_INT(pgd_vocabulary(a.data, a.len, va, 3), 3);
    pg_buf_release(&a);
    pg_buf_release(&b);

    /* The same specific title: the words kept tip the score. */
    titem x, y;
    titem_make(&x, "Glacier Meltwater Routing Inferred from Borehole Tracer Chronologies", g1);
    titem_make(&y, "Glacier Meltwater Routing Inferred from Borehole Tracer Chronologies", g2);
    expect("same title, rewritten, words kept", &x.it, &y.it, 1, "same-specific-title");
    titem_free(&x);
    titem_free(&y);
}

static void test_reworded(void)
{
    pgd_span im = { "image", 5 }, img = { "imaging", 7 }, fin = { "finance", 7 },
             fil = { "financial", 9 }, dat = { "data", 4 }, dte = { "date", 4 };
    CHECK(pgd_stem_eq(im, img) && pgd_stem_eq(img, im));
    CHECK(pgd_stem_eq(fin, fil));
    CHECK(!pgd_stem_eq(dat, dte));          /* too short to say */
    size_t sp, co;
    titem t1, t2, t3;
    titem_make(&t1, "tidal sediment transport meets graph kernels with applications to "
                    "estuary mapping and harbour dredging", NULL);
    titem_make(&t2, "tidal sediment transport meets graph kernels with applications to "
                    "estuaries and harbours", NULL);
    titem_make(&t3, "tidal sediment transport meets graph wavelets with applications to "
                    "estuaries and harbours", NULL);
    CHECK(pgd_items_reworded(&t1.it, &t2.it, &sp, &co));
    size_t sp2, co2;
    CHECK(pgd_items_reworded(&t2.it, &t1.it, &sp2, &co2));
    CHECK(sp == sp2 && co == co2 && sp >= 5);
    /* A word replaced is a sibling's title, not a rewording. */
    CHECK(!pgd_items_reworded(&t1.it, &t3.it, &sp, &co));
    CHECK(!pgd_items_reworded(&t2.it, &t3.it, &sp, &co));
    titem_free(&t1);
    titem_free(&t2);
    titem_free(&t3);
}

/* A record without abstract: title, author names, venue, year. */
static void record(titem *t, const char *title, const char *const *names, size_t n,
                   const char *venue, int year)
{
    titem_make(t, title, NULL);
    t->it.names = names;
    t->it.n_names = n;
    t->it.venue = venue;
    t->it.venue_len = venue ? strlen(venue) : 0;
    t->it.year = year;
}

static void test_title_only(void)
{
    static const char *const team3[] = { "ivo tarrant", "uma vell", "wes yorke" };
    static const char *const team3b[] = { "uma vell", "wes yorke", "ivo tarrant" };
    static const char *const pair[] = { "ivy nu", "jon oak" };
    static const char *const trio[] = { "ivy nu", "jon oak", "ruth sallow" };
    static const char *const typo_a[] = { "rob goldring" };
    static const char *const typo_b[] = { "rob golding" };
    static const char *const stranger[] = { "rob gelding" };
    titem a, b;

    record(&a, "LedgerDB: a relational interface for sparse ledger grids", team3, 3,
           "invented data conference", 2005);
    record(&b, "LedgerDB: a database interface for sparse ledger grids", team3b, 3,
           "proc invented data conf", 2005);
    expect("a team, a word replaced", &a.it, &b.it, 1, "title+team");
    /* Two co-authors are no team: their two papers a word apart. */
    a.it.names = b.it.names = pair;
    a.it.n_names = b.it.n_names = 2;
    expect("two co-authors, a word replaced", &a.it, &b.it, 0, "different-title");
    titem_free(&a); titem_free(&b);

    record(&a, "Tutorial: Designing Sparse Ledger Indexes", pair, 2, "invented data conference", 2004);
    record(&b, "Designing Sparse Ledger Indexes", trio, 3, "invented systems symposium", 2004);
    expect("a tutorial and the paper", &a.it, &b.it, 0, "other-work");
    b.it.names = pair;
    b.it.n_names = 2;
    expect("a tutorial's two records", &a.it, &b.it, 1, "title+metadata");
    titem_free(&a); titem_free(&b);

    record(&a, "Prospector: a content-based ledger server for parallel machines", trio, 3,
           "invented data conference", 2004);
    record(&b, "A content-based ledger server for parallel machines", pair, 2,
           "invented data conference", 2004);
    expect("a name in one title only, other authors", &a.it, &b.it, 0, "other-work");
    titem_free(&a); titem_free(&b);

    record(&a, "Sparse ledger indexes: the challenges and results", pair, 2,
           "very large data bases", 1996);
    record(&b, "Sparse ledger indexes: the challenges and results", pair, 2, "vldb", 1996);
    expect("one venue spelt two ways", &a.it, &b.it, 1, "title+metadata");
    titem_free(&b);
    record(&b, "Sparse ledger indexes: the challenges and results", pair, 2, "sigmod record", 1996);
    expect("one text in two venues", &a.it, &b.it, 0, "venue-conflict");
    titem_free(&b);
    record(&b, "Sparse ledger indexes: the challenges and results", pair, 2, "arxiv", 1996);
    expect("a preprint and its venue", &a.it, &b.it, 1, "title+metadata");
    titem_free(&a); titem_free(&b);

    record(&a, "Things every ledger operator should know", typo_a, 1, NULL, 2006);
    record(&b, "Things every ledger operator should know", typo_b, 1, NULL, 2006);
    expect("a surname misspelt", &a.it, &b.it, 1, "title+metadata");
    b.it.names = stranger;
    expect("another surname", &a.it, &b.it, 0, "authors-conflict");
    titem_free(&a); titem_free(&b);

    record(&a, "Keynote address", typo_a, 1, "invented data conference", 2006);
    record(&b, "Keynote Address", typo_a, 1, "proc invented data conf", 2006);
    expect("one speaker at a yearly meeting", &a.it, &b.it, 1, "generic-title+speaker");
    titem_free(&a); titem_free(&b);
    record(&a, "Book review column", typo_a, 1, "invented record", 2006);
    record(&b, "Book Review Column", typo_a, 1, "invented record", 2006);
    expect("a column in a periodical", &a.it, &b.it, 0, "generic-title-no-abstract");
    a.it.names = b.it.names = team3;
    a.it.n_names = b.it.n_names = 3;
    expect("a team's heading", &a.it, &b.it, 1, "generic-title+team");
    titem_free(&a); titem_free(&b);
}

int main(void)
{
    test_names();
    test_specificity();
    test_scored();
    test_identifiers();
    test_vocabulary();
    test_reworded();
    test_title_only();
    CHECK_DONE();
}
