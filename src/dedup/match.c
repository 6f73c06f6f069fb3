/*
** match.c: the same-paper decision: gathers the evidence of two match items
** (compare.c) and applies the named rules (contract in dedup/internal.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/internal.h"
#include "dedup/match.h"

/* ---- every threshold of the rules added for revised versions, and the
** measurement that set it ------------------------------------------------
**
** Measured on dailyarxiv-dev (30 real listings, arXiv ids as truth: 14
** papers split before), DBLP-ACM as JSON lines with author names, the
** arXiv JSONL cut, and tools/gen_corpus.py corpora (seeds 1-3) with their
** hard negatives: one title in another year (with the year unknown on one
** side when a text was only seen without metadata), companion papers on one
** abstract, related papers sharing sentences and links, siblings whose
** titles differ by a word, a part number or a "-VL" name.
**
** An identical title (same-specific-title), scored:
**   title     SCORE_SAME_TITLE + 1 a specific word (a core word that is not
**             a common title word, pgd_title_specificity) + SCORE_COMMON_WORD
**             a common one, at most SCORE_TITLE_MAX; + SCORE_STRONG_NAME when
**             both titles carry a name mixing case or digits ("BEDTime").
**             The cap: gen_corpus's same-title-other-year pairs have titles
**             of up to 7 specific words over abstracts sharing up to 9% of
**             the smaller's shingles (template phrases); capped, they score
**             at most 8.8.
**   names     SCORE_NAME_TEXTS when a coined name of the title is in both
**             abstracts (dailyarxiv-dev: "DPANet", "AR-KAN", "Poutine" in
**             both versions; gen_corpus's other-year paper never names the
**             title's method).
**   abstract  SCORE_PER_CONTAINMENT a unit of containment, at most
**             SCORE_ABSTRACT_MAX.  Rewritten real versions keep 1-43% of the
**             smaller's shingles; unrelated real abstracts share under 5%.
**   vocabulary  SCORE_PER_VOCAB a unit of the abstracts' vocabulary share
**             (pgd_vocabulary: distinct content words, over the smaller)
**             above VOCAB_BASE, at most SCORE_VOCAB_MAX.  A version
**             rewritten sentence by sentence keeps its words where it loses
**             its shingles: dailyarxiv-dev's scored versions share
**             0.31-0.82 of their words (0.50 at 11% of shingles), real
**             papers of one topic with similar titles 0.18-0.38, and
**             gen_corpus's same-title-other-year pairs at most 0.30 (so
**             they gain nothing); the base sits at that maximum.
**   merge at SCORE_MERGE.  dailyarxiv-dev's rewritten versions score
**   11.1-19.5; the lowest, "The Limits of Inference in Complex Systems
**   ..." (4 specific words, containment 0.11, no name), scored 9.1 and was
**   split before the vocabulary (+2.0).
**
** A reworded subtitle (reworded-title), scored as an identical title
** without SCORE_SAME_TITLE: every core word of one title has a stem-mate in
** the other (pgd_stem_eq: "image"/"imaging", "finance"/"financial"), so
** words were only dropped or respelt, never replaced ("Diffusion Generative
** Models Meet Compressed Sensing, with Applications to Image Data and
** Financial Time Series" and "..., with Applications to Imaging and
** Finance": 18.0).  gen_corpus's siblings replace a word, part number or
** name, so they never reach this rule.
**   Headings and short titles are never scored; a year gap, other authors,
**   part numbers or different head names refuse as for every positive rule.
**
** A new title.  A re-titled version keeps its abstract (dailyarxiv-dev:
** Jaccard 0.69-1.0, titles 29-42% similar) where a group's companion paper
** keeps the abstract and changes the title wholly (arXiv 2506.07002 and
** 2506.09417: Jaccard 0.93, titles 12% similar, heads "BePo" and "ODG"),
** and siblings share about a third of their sentences (Jaccard 0.2-0.35):
**   retitled-same-abstract  Jaccard >= RETITLED_JACCARD and titles
**                           RETITLED_TITLE_SIM similar or sharing a name;
**   retitled-shared-name    a coined name in both titles and abstracts and
**                           containment >= NAMED_CONTAINMENT (dailyarxiv-dev:
**                           "MAESTRO", 0.48; gen_corpus siblings with a
**                           shared name differ in their heads).
**
** Records without abstracts (DBLP-ACM).  One title a subtitle-cut of the
** other, 3 or more words left, merges with SUBSET_AUTHORS common surnames
** and the same year ("Hector Garcia-Molina speaks out: regarding startups,
** ..."); titles a word apart do not, even with the same authors and year:
** "Approximate Top-k Queries over Probabilistic Streams" and "... Data"
** are two papers (fixtures/formats), as are gen_corpus's siblings.
**   title+team   a word respelt or replaced is one paper when a team of
**                TEAM_AUTHORS or more agrees whole (counts at most one
**                apart, SUBSET_AUTHORS surnames, same year) and the titles
**                are TEAM_TITLE_SIM similar: DBLP-ACM's "Semantic B2B
**                integration: issues in ontology-based approaches" /
**                "... applications" (3 authors), "The Cornell Jaguar
**                project / system" (12).  At 0.55 two of one team's papers
**                of a year merged ("STRUDEL: a Web site management system",
**                "A query language for a Web-site management system", 0.57;
**                "FACT: ...", "Toward learning based Web query processing",
**                0.63); two co-authors are no team (the fixture above).
**   generic-title+team, generic-title+speaker   a heading ("Editorial",
**                "Keynote address") recurs in every issue of a periodical
**                under one author (DBLP-ACM: "Book review column" by one
**                editor four times in 2002), but not under one team of
**                guest editors, nor for one speaker at a meeting held once a
**                year (pgd_is_meeting_venue).
**   other-work   a talk word ("tutorial", "panel", "demo") or a head name
**                in one title only, with author lists of other lengths:
**                DBLP-ACM's 9 true pairs with a talk word on one side and 7
**                with a head name on one side all keep the list's length;
**                "Designing an ultra highly available DBMS (tutorial)" (2)
**                and "An ultra highly available DBMS" (3) are two works.
**   venue-conflict  venues that share no word, abbreviation or acronym
**                (pgd_venues_differ): "TPC-D: the challenges, issues and
**                results" in VLDB and in SIGMOD Record are two records; no
**                true DBLP-ACM pair has such venues.
** Surnames one edit apart (6+ letters) agree: "Goldring", "Golding". */
#define SUBSET_TITLE_SIM 0.80
#define SUBSET_AUTHORS 0.80
#define TEAM_AUTHORS 3
#define TEAM_TITLE_SIM 0.70
#define SCORE_MERGE 10.0
#define SCORE_SAME_TITLE 2.0
#define SCORE_COMMON_WORD 0.5
#define SCORE_TITLE_MAX 7.0
#define SCORE_STRONG_NAME 2.0
#define SCORE_NAME_TITLES 2.0   /* shown by `why` for a new title only */
#define SCORE_NAME_TEXTS 4.0
#define SCORE_PER_CONTAINMENT 20.0
#define SCORE_ABSTRACT_MAX 8.0
#define VOCAB_BASE 0.30
#define SCORE_PER_VOCAB 10.0
#define SCORE_VOCAB_MAX 3.0
#define VOCAB_MAX 512           /* words of an abstract's vocabulary compared */
#define RETITLED_JACCARD 0.60
#define RETITLED_TITLE_SIM 0.30
#define NAMED_CONTAINMENT 0.40

/* ---- the decision ------------------------------------------------------- */

const char *const pg_match_rules[] = {
    "exact-text",
    "same-abstract",
    "truncated-prefix",
    "truncated-revised",
    "revised-title",
    "revised-version",
    "revised-abstract",
    "year-conflict",
    "authors-conflict",
    "generic-title-different-abstract",
    "same-title-different-abstract",
    "similar-abstract-different-title",
    "related-paper-shared-sentences",
    "shared-link-only",
    "different-abstract",
    "title+metadata",
    "short-title+metadata",
    "short-title-no-metadata",
    "generic-title-no-abstract",
    "title-marker-conflict",
    "different-title",
    "no-title",
    "same-identifier",
    "identifier-conflict",
    "name-conflict",
    "same-specific-title",
    "retitled-same-abstract",
    "retitled-shared-name",
    "reworded-title",
    "generic-title+team",
    "generic-title+speaker",
    "other-work",
    "title+team",
    "venue-conflict",
    NULL
};

void pg_match_opts_default(pg_match_opts *o)
{
    o->min_abstract_words = 20;     /* "No abstract available." is not text evidence */
    o->min_prefix_words = 8;        /* a cut-off abstract this long and a near-equal title */
    o->long_prefix_words = 40;      /* about two sentences: enough with a revised title */
    o->same_abstract = 0.80;        /* a rewritten title; shared paragraphs stay below 0.5 */
    o->revised_abstract = 0.45;     /* about half the sentences rewritten */
    o->revised_title = 0.50;
    o->renamed_title = 0.50;        /* lower it to merge retitled versions;
                                     * companion papers score 0.1-0.4 */
    o->same_title_abstract = 0.25;  /* unrelated abstracts share under 0.05 */
    o->truncated_containment = 0.80;
    o->truncated_same_title = 0.60;  /* a cut text with a sentence rewritten */
    o->overwhelming = 0.90;
    o->title_only = 0.90;           /* typos and punctuation, not a different word */
    o->author_overlap = 0.50;
    o->year_slack = 1;              /* listing dates without a year are inferred */
    o->title_only_year_slack = 0;   /* 2224/2224 DBLP-ACM matches agree on the year;
                                     * conference and journal versions differ by 1-2 */
    o->short_title_words = 3;
}

/* Everything a rule looks at. */
typedef struct evidence {
    const pg_match_opts *o;
    const pg_match_item *a, *b;
    title_cmp t;
    abs_cmp ab;
    int have_abs;           /* both have an abstract */
    int abs_ok;             /* both abstracts long enough to judge */
    double jac, cont;
    int year_gap;           /* -1 when a year is unknown */
    double names;           /* author overlap, -1 unknown */
    name_cmp nm;            /* coined names and identifiers */
    double score;           /* the scored rules' total, -1 when not scored */
    double s_title, s_names, s_abstract, s_vocab;
    double vocab;           /* pgd_vocabulary_share, -1 when not computed */
    int reworded;           /* titles a reworded subtitle apart (scored) */
    size_t rw_spec;         /* specific words of the reworded title's core */
    int count_conflict;
} evidence;

static pg_err gather(evidence *e, const pg_match_item *a, const pg_match_item *b,
                     const pg_match_opts *o, int explaining)
{
    pg_err rc = PG_OK;
    memset(e, 0, sizeof *e);
    e->o = o;
    e->a = a;
    e->b = b;
    e->jac = e->cont = e->vocab = -1.0;
    pgd_compare_titles(a, b, o->short_title_words, &e->t);
    e->year_gap = a->year > 0 && b->year > 0 ? abs(a->year - b->year) : -1;
    e->names = pgd_author_overlap(a, b);
    e->count_conflict = pgd_authors_conflict(a, b);
    e->score = -1.0;
    pgd_compare_names(a, b, &e->nm);
    e->have_abs = a->abstract && a->abstract_len && b->abstract && b->abstract_len;
    if (!e->have_abs)
        return PG_OK;
    rc = pgd_compare_abstracts(a, b, explaining, &e->ab);
    if (rc != PG_OK)
        return rc;
    size_t uni = e->ab.na + e->ab.nb - e->ab.inter;
    size_t small = e->ab.na < e->ab.nb ? e->ab.na : e->ab.nb;
    e->jac = uni ? (double)e->ab.inter / (double)uni : 0.0;
    e->cont = small ? (double)e->ab.inter / (double)small : 0.0;
    e->abs_ok = e->ab.words_a >= o->min_abstract_words
                && e->ab.words_b >= o->min_abstract_words;
    return PG_OK;
}

static void verdict(pg_match_result *r, int same, const char *rule)
{
    r->same = same;
    r->rule = rule;
}

static const char *metadata_conflict(const evidence *e, int slack)
{
    if (e->year_gap > slack)
        return "year-conflict";
    /* Names beat counts: bibliographies cut long author lists. */
    if (e->names >= 0.0)
        return e->names < e->o->author_overlap ? "authors-conflict" : NULL;
    if (e->count_conflict)
        return "authors-conflict";
    return NULL;
}

/* The share of the abstracts' vocabularies (computed here unless the items
 * carry it). */
static double vocabulary_share(const pg_match_item *a, const pg_match_item *b)
{
    uint64_t va[VOCAB_MAX], vb[VOCAB_MAX];
    const uint64_t *pa = a->vocab, *pb = b->vocab;
    size_t na = a->n_vocab, nb = b->n_vocab;
    if (pa == NULL) {
        na = pgd_vocabulary(a->abstract, a->abstract_len, va, VOCAB_MAX);
        pa = va;
    }
    if (pb == NULL) {
        nb = pgd_vocabulary(b->abstract, b->abstract_len, vb, VOCAB_MAX);
        pb = vb;
    }
    return pgd_vocabulary_share(pa, na, pb, nb);
}

/* A title's score: its specific and common core words, capped. */
static double title_score(size_t spec, size_t common, double bonus)
{
    double s = bonus + (double)spec + SCORE_COMMON_WORD * (double)common;
    return s > SCORE_TITLE_MAX ? SCORE_TITLE_MAX : s;
}

/* The containment retitled-shared-name needs: stricter settings
 * (`dedup --revised`) hold for a new title too. */
static double named_containment(const pg_match_opts *o)
{
    return NAMED_CONTAINMENT > o->revised_abstract ? NAMED_CONTAINMENT : o->revised_abstract;
}

double pgd_match_least_containment(const pg_match_opts *o, int cut)
{
    double c = named_containment(o);
    if (!cut)
        return c;
    if (o->truncated_containment < c)
        c = o->truncated_containment;
    if (o->truncated_same_title < c)
        c = o->truncated_same_title;
    return c;
}

/* The scored rules (see the top of this file); NULL when none fires.
 * Fills e's score fields for `why`. */
static const char *scored_positive(evidence *e)
{
    const title_cmp *t = &e->t;
    if (!e->abs_ok || t->generic || (t->same_words && t->is_short))
        return NULL;
    e->s_names = e->nm.in_texts ? SCORE_NAME_TEXTS : 0.0;
    e->s_abstract = SCORE_PER_CONTAINMENT * e->cont;
    if (e->s_abstract > SCORE_ABSTRACT_MAX)
        e->s_abstract = SCORE_ABSTRACT_MAX;
    size_t rw_common = 0;
    e->reworded = !t->same_words && !t->is_short
                  && pgd_items_reworded(e->a, e->b, &e->rw_spec, &rw_common);
    if ((t->same_words && !t->is_short) || e->reworded) {
        e->vocab = vocabulary_share(e->a, e->b);
        e->s_vocab = SCORE_PER_VOCAB * (e->vocab - VOCAB_BASE);
        e->s_vocab = e->s_vocab < 0.0 ? 0.0
                     : e->s_vocab > SCORE_VOCAB_MAX ? SCORE_VOCAB_MAX : e->s_vocab;
    }
    if (t->same_words && !t->is_short) {
        e->s_title = title_score(t->spec, t->common, SCORE_SAME_TITLE);
        if (t->strong_name)
            e->s_title += SCORE_STRONG_NAME;
        e->score = e->s_title + e->s_names + e->s_abstract + e->s_vocab;
        return e->score >= SCORE_MERGE ? "same-specific-title" : NULL;
    }
    /* Stricter settings (`dedup --revised`) hold for a new title too. */
    double need_jac = RETITLED_JACCARD > e->o->revised_abstract ? RETITLED_JACCARD
                                                                 : e->o->revised_abstract;
    double need_cont = named_containment(e->o);
    const char *retitled = NULL;
    if (e->jac >= need_jac && (t->sim >= RETITLED_TITLE_SIM || e->nm.in_titles))
        retitled = "retitled-same-abstract";
    else if (e->nm.in_texts && e->cont >= need_cont)
        retitled = "retitled-shared-name";
    if (e->reworded) {
        e->s_title = title_score(e->rw_spec, rw_common, 0.0);
        e->score = e->s_title + e->s_names + e->s_abstract + e->s_vocab;
        return e->score >= SCORE_MERGE ? "reworded-title" : retitled;
    }
    e->s_title = -1.0;          /* `why` prints no title score */
    if (e->nm.in_titles && !e->nm.in_texts)
        e->s_names = SCORE_NAME_TITLES;
    e->score = e->s_names + e->s_abstract;
    return retitled;
}

/* The positive rules for two abstracts, strongest first; NULL when none. */
static const char *abstract_positive(evidence *e)
{
    const pg_match_opts *o = e->o;
    const title_cmp *t = &e->t;
    int truncated = e->a->truncated || e->b->truncated;
    size_t need_long = t->generic || t->is_short ? o->long_prefix_words : o->min_prefix_words;

    if (e->ab.prefix_words >= need_long
        && (t->sim >= o->title_only
            || (t->sim >= o->revised_title && e->ab.prefix_words >= o->long_prefix_words)))
        return "truncated-prefix";
    /* A cut-off old version against a full new one: what the cut text has
     * left is mostly in the other, less so when sentences were rewritten. */
    if (truncated && e->ab.inter >= o->min_prefix_words
        && ((e->cont >= o->truncated_containment && t->sim >= o->revised_title)
            || (e->cont >= o->truncated_same_title && t->same_words
                && !t->generic && !t->is_short)))
        return "truncated-revised";
    if (!e->abs_ok)
        return NULL;
    /* Near-identical abstracts under unrelated titles are a group's two
     * papers (a workshop version, a companion paper), not a new version:
     * seen on arXiv, 93% of shingles in common, titles 12% similar. */
    if (e->jac >= o->same_abstract && t->sim >= o->renamed_title)
        return t->sim >= o->revised_title ? "revised-version" : "revised-title";
    if (e->jac >= o->revised_abstract && t->sim >= o->revised_title)
        return "revised-version";
    /* A word changed is a sibling as often as a revision ("Adaptive X"
     * and "Robust X" by one group, 30% of shingles in common): a weak
     * abstract match needs the same words. */
    if (e->jac >= o->same_title_abstract && t->same_words
        && !t->generic && !t->is_short)
        return "revised-abstract";
    return scored_positive((evidence *)e);
}

static const char *abstract_negative(const evidence *e, const pg_match_result *r)
{
    if (e->nm.head_conflict && e->t.sim >= e->o->revised_title)
        return "name-conflict";
    if (e->jac >= e->o->revised_abstract && e->t.sim < e->o->revised_title)
        return "similar-abstract-different-title";
    if (e->t.sim >= e->o->title_only)
        return e->t.generic || e->t.is_short ? "generic-title-different-abstract"
                                             : "same-title-different-abstract";
    if (e->ab.inter > 0 && (e->cont >= 0.05 || e->ab.inter >= 8))
        return "related-paper-shared-sentences";
    if (r->shared_urls > 0)
        return "shared-link-only";
    return "different-abstract";
}

/* Both texts have an abstract.  Returns 0 when the abstracts are too short
 * to say anything and the title rules must decide. */
static int decide_abstracts(evidence *e, pg_match_result *r)
{
    const char *pos;

    if (e->ab.equal && e->abs_ok && e->t.sim >= e->o->renamed_title) {
        verdict(r, 1, e->t.equal ? "exact-text" : "same-abstract");
        return 1;
    }
    pos = abstract_positive(e);
    if (pos) {
        const char *conflict = metadata_conflict(e, e->o->year_slack);
        /* "Llama 2" and "Llama 3" reports may share much of an abstract. */
        if (conflict == NULL && e->t.marks_conflict)
            conflict = "title-marker-conflict";
        if (conflict == NULL && e->nm.head_conflict)
            conflict = "name-conflict";
        if (conflict && e->jac < e->o->overwhelming)
            verdict(r, 0, conflict);
        else
            verdict(r, 1, pos);
        return 1;
    }
    if (!e->abs_ok) {
        /* Two real openings without a phrase in common are two papers,
         * whatever the titles say. */
        if (e->ab.words_a >= e->o->min_prefix_words && e->ab.words_b >= e->o->min_prefix_words
            && e->ab.inter == 0 && e->ab.prefix_words == 0) {
            verdict(r, 0, "different-abstract");
            return 1;
        }
        return 0;
    }
    verdict(r, 0, abstract_negative(e, r));
    return 1;
}

/* The same team: TEAM_AUTHORS or more names on both sides, the counts
 * at most one apart (a catalogue drops a name), nearly all surnames in
 * common, the same year. */
static int team_agrees(const evidence *e)
{
    int x = pgd_author_count(e->a), y = pgd_author_count(e->b);
    return x >= TEAM_AUTHORS && y >= TEAM_AUTHORS && abs(x - y) <= 1
           && e->names >= SUBSET_AUTHORS && e->year_gap == 0;
}

/* Titles that differ by more than typos may still be one paper's when one
 * has words the other lacks and the metadata says so: 1 for a cut or added
 * subtitle, 2 for a team's whole author list (title+team), 0 otherwise. */
static int subtitle_ok(const evidence *e)
{
    const title_cmp *t = &e->t;
    /* A cut or added subtitle is fine when the authors say so too, and
     * what is left is most of the title. */
    if (t->affix && t->words_min >= 4 && 2 * t->words_min >= t->words_max
        && e->names >= e->o->author_overlap)
        return 1;
    /* A long subtitle cut ("Hector Garcia-Molina speaks out: regarding
     * startups, ..."; "Transactional information systems: theory,
     * algorithms, ...") when nearly all authors and the year agree. */
    if (t->affix && t->words_min >= 3 && e->names >= SUBSET_AUTHORS && e->year_gap == 0)
        return 1;
    /* A word or two dropped inside the title ("bulk incremental updates",
     * "bulk updates"; "workflow management systems", "workflow systems"):
     * DBLP and ACM shorten titles so.  Nothing may be added, the authors
     * must be nearly the same and the year equal; short titles are left to
     * their stricter rule. */
    if (t->subset && t->sim >= SUBSET_TITLE_SIM && !t->is_short
        && e->names >= SUBSET_AUTHORS && e->year_gap == 0)
        return 1;
    /* A word or two respelt or replaced ("GridDB: a relational / database
     * interface for / to the grid") under one team's whole author list. */
    return t->sim >= TEAM_TITLE_SIM && team_agrees(e) ? 2 : 0;
}


/* A talk and its paper, or a system's paper and the group's other one, are
 * two works: one title names a talk ("X (tutorial)", "X") or a system the
 * other lacks ("Prospector: a content-based ...", "A content-based ...")
 * and the author lists differ in length: catalogues' records of one work
 * keep the list's length (measured at the top of this file). */
static int other_work(const evidence *e)
{
    int x = pgd_author_count(e->a), y = pgd_author_count(e->b);
    int talk = pgd_is_talk_title(e->a->title, e->a->title_len)
               != pgd_is_talk_title(e->b->title, e->b->title_len);
    return (talk || e->nm.head_missing) && x >= 1 && y >= 1 && x != y;
}

/* At least one record has no usable abstract: title and metadata only. */
static void decide_title(const evidence *e, pg_match_result *r)
{
    const pg_match_opts *o = e->o;
    const title_cmp *t = &e->t;
    int agree_names = e->names >= o->author_overlap;
    const char *conflict;

    if (e->a->title_len == 0 || e->b->title_len == 0) {
        verdict(r, 0, "no-title");
        return;
    }
    /* A heading recurs: one author's column in every issue of a year.
     * A team's heading (guest editors of one special issue) does not, nor
     * one speaker's at a meeting held once a year ("Keynote address"). */
    if (t->generic) {
        int counts_equal = pgd_author_count(e->a) == pgd_author_count(e->b);
        int team = t->sim >= o->title_only && team_agrees(e) && counts_equal;
        int speaker = t->sim >= o->title_only && counts_equal && pgd_author_count(e->a) == 1
                      && e->names >= SUBSET_AUTHORS && e->year_gap == 0
                      && pgd_is_meeting_venue(e->a->venue, e->a->venue_len)
                      && pgd_is_meeting_venue(e->b->venue, e->b->venue_len);
        verdict(r, team || speaker, team ? "generic-title+team"
                                    : speaker ? "generic-title+speaker"
                                              : "generic-title-no-abstract");
        return;
    }
    if (other_work(e)) {
        verdict(r, 0, "other-work");
        return;
    }
    if (t->marks_conflict) {
        verdict(r, 0, "title-marker-conflict");
        return;
    }
    int by_team = t->sim < o->title_only && subtitle_ok(e) == 2;
    int title_ok = t->sim >= o->title_only || subtitle_ok(e);
    if (!title_ok) {
        verdict(r, 0, "different-title");
        return;
    }
    conflict = metadata_conflict(e, o->title_only_year_slack);
    /* One text in two venues of a year is a reprint, two records: a title
     * alone cannot say they are one. */
    if (conflict == NULL && pgd_venues_differ(e->a, e->b))
        conflict = "venue-conflict";
    if (conflict) {
        verdict(r, 0, conflict);
        return;
    }
    if (t->is_short) {
        /* Recurring columns ("Database principles") share title, year and
         * author: ask for every piece of metadata to agree.  The same core
         * words are enough of a title: "Indexing multimedia databases" and
         * "... (Tutorial)" differ by a heading word only. */
        int counts_equal = pgd_author_count(e->a) >= 1
                           && pgd_author_count(e->a) == pgd_author_count(e->b);
        int names_ok = e->names < 0.0 || agree_names;
        int ok = t->sim >= 1.0 && e->year_gap == 0 && counts_equal && names_ok;
        verdict(r, ok, ok ? "short-title+metadata" : "short-title-no-metadata");
        return;
    }
    verdict(r, 1, by_team ? "title+team" : "title+metadata");
}

static void explain(const evidence *e, pg_match_result *r)
{
    char abs[96] = "", meta[200] = "";

    if (e->have_abs && e->ab.equal)
        snprintf(abs, sizeof abs, "identical abstracts (%zu words)", e->ab.words_a);
    else if (e->have_abs && e->ab.prefix_words)
        snprintf(abs, sizeof abs, "a cut-off abstract is the other's first %zu words",
                 e->ab.prefix_words);
    else if (e->have_abs)
        snprintf(abs, sizeof abs, "abstracts share %.0f%% of 3-word shingles"
                 " (%.0f%% of the smaller, a phrase of %zu words)", 100.0 * e->jac,
                 100.0 * e->cont, e->ab.run ? e->ab.run + 2 : 0);
    else
        snprintf(abs, sizeof abs, "no abstract on %s",
                 e->a->abstract_len || e->b->abstract_len ? "one side" : "either side");
    if (e->year_gap > 0)
        snprintf(meta, sizeof meta, ", years %d and %d", e->a->year, e->b->year);
    if (e->names >= 0.0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta),
                 ", %.0f%% common authors", 100.0 * e->names);
    else if (e->count_conflict)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta),
                 ", %d vs %d authors", pgd_author_count(e->a), pgd_author_count(e->b));
    if (e->nm.ids_shared > 0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", same arXiv id or DOI");
    else if (e->nm.ids_a > 0 && e->nm.ids_b > 0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", different arXiv ids or DOIs");
    if (e->nm.head_conflict)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", different names in the titles");
    else if (e->nm.in_titles)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", a coined name in both %s",
                 e->nm.in_texts ? "titles and abstracts" : "titles");
    if (strcmp(r->rule, "other-work") == 0 || strcmp(r->rule, "generic-title+team") == 0
        || strcmp(r->rule, "title+team") == 0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", %s%d and %d authors",
                 r->rule[0] != 'o' ? "one team, "
                 : pgd_is_talk_title(e->a->title, e->a->title_len)
                           != pgd_is_talk_title(e->b->title, e->b->title_len)
                     ? "a talk and a paper, "
                     : "a name in one title only, ",
                 pgd_author_count(e->a), pgd_author_count(e->b));
    if (strcmp(r->rule, "venue-conflict") == 0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta), ", other venues");
    else if (strcmp(r->rule, "generic-title+speaker") == 0)
        snprintf(meta + strlen(meta), sizeof meta - strlen(meta),
                 ", one speaker at a yearly meeting");
    int n = snprintf(r->why, sizeof r->why, "%s: %s; titles %s (%.0f%% similar)%s%s",
                     r->same ? "same paper" : "different papers", abs,
                     e->t.equal ? "identical" : "differ", 100.0 * e->t.sim, meta,
                     e->t.generic ? ", generic title" : "");
    if (e->score >= 0.0 && e->s_title < 0.0 && n > 0 && (size_t)n < sizeof r->why)
        snprintf(r->why + n, sizeof r->why - (size_t)n,
                 "; evidence for a new title: names %.1f + abstract %.1f", e->s_names,
                 e->s_abstract);
    else if (e->score >= 0.0 && n > 0 && (size_t)n < sizeof r->why)
        snprintf(r->why + n, sizeof r->why - (size_t)n,
                 "; score %.1f = %stitle %.1f (%zu specific words) + names %.1f"
                 " + abstract %.1f + vocabulary %.1f (%.0f%% of the smaller's words)"
                 " (merge at %.0f)", e->score + 0.0,
                 e->reworded ? "reworded " : "", e->s_title,
                 e->reworded ? e->rw_spec : e->t.spec, e->s_names, e->s_abstract,
                 e->s_vocab, e->vocab >= 0.0 ? 100.0 * e->vocab : 0.0, SCORE_MERGE);
}

pg_err pg_match_decide(const pg_match_item *a, const pg_match_item *b,
                       const pg_match_opts *o, pg_match_result *r)
{
    return pgd_match_decide(a, b, o, 1, r);
}

pg_err pgd_match_decide(const pg_match_item *a, const pg_match_item *b,
                        const pg_match_opts *o, int explaining, pg_match_result *r)
{
    pg_match_opts def;
    evidence e;
    pg_err rc;

    memset(r, 0, sizeof *r);
    if (o == NULL) {
        pg_match_opts_default(&def);
        o = &def;
    }
    rc = gather(&e, a, b, o, explaining);
    if (rc != PG_OK) {
        verdict(r, 0, "different-abstract");
        snprintf(r->why, sizeof r->why, "out of memory while comparing");
        return rc;
    }
    r->abstract_jaccard = e.jac;
    r->containment = e.cont;
    r->prefix_words = e.ab.prefix_words;
    r->title_sim = e.t.sim;
    r->author_overlap = e.names;
    r->shared_urls = pgd_shared_urls(a, b);
    /* An arXiv id or a DOI names one paper.  But an abstract may cite
     * another paper's: two related papers citing one dataset's DOI share
     * it.  So a shared identifier decides with a similar title or abstract
     * (the records of one arXiv id), and two different identifiers decide
     * the other way only when each text has exactly one. */
    if (e.nm.ids_shared > 0 && (e.t.sim >= o->revised_title || e.jac >= o->revised_abstract))
        verdict(r, 1, "same-identifier");
    else if (e.nm.ids_a == 1 && e.nm.ids_b == 1 && e.nm.ids_shared == 0)
        verdict(r, 0, "identifier-conflict");
    else if (!e.have_abs || !decide_abstracts(&e, r))
        decide_title(&e, r);
    if (explaining)
        explain(&e, r);
    return PG_OK;
}

