/*
** dedup.h: the near-duplicate stage: which stored texts are the same paper.
**
** Each new text is fingerprinted (MinHash bands of its normalised abstract,
** blocking keys of its title), its candidates are the stored texts sharing a
** key, each candidate is verified by pg_match_decide(), and the text joins
** the paper of every candidate found the same (merging those papers).  A
** paper's id is the smallest normalised-text id among its texts, so the
** clusters and their ids do not depend on the order of ingestion.
**
** Runs inside the caller's store transaction (a file's, or `dedup`'s own).
*/
#ifndef PAPERGRAPH_DEDUP_H
#define PAPERGRAPH_DEDUP_H

#include "papergraph/store.h"

/* Thresholds.  Defaults (pg_match_opts_default) in brackets. */
typedef struct pg_match_opts {
    size_t min_abstract_words;  /* shorter abstracts count as absent [20] */
    size_t min_prefix_words;    /* least opening a truncated abstract must share [8] */
    size_t long_prefix_words;   /* an opening this long needs only a similar
                                 * title, not a near-equal one [40] */
    double same_abstract;       /* abstract Jaccard: near-identical text [0.80] */
    double revised_abstract;    /* abstract Jaccard of a revision with a
                                 * similar title [0.45] */
    double revised_title;       /* title similarity that makes titles similar [0.50] */
    double renamed_title;       /* least title similarity for any merge on
                                 * the abstract [0.50]; lower it to merge
                                 * retitled versions, at the risk of merging
                                 * a group's companion papers */
    double same_title_abstract; /* abstract Jaccard enough under the same,
                                 * non-generic title [0.25] */
    double truncated_containment; /* share of a truncated abstract's shingles
                                 * found in the other, similar title [0.80] */
    double truncated_same_title;  /* ... with the same title [0.60] */
    double overwhelming;        /* abstract Jaccard that outweighs conflicting
                                 * metadata [0.90] */
    double title_only;          /* title similarity for records without
                                 * abstract, and "same title" [0.90] */
    double author_overlap;      /* least share of common surnames [0.50] */
    int year_slack;             /* years may differ this much when abstracts
                                 * are compared [1] */
    int title_only_year_slack;  /* ... when titles alone are [0] */
    size_t short_title_words;   /* titles of at most this many content words
                                 * are short [3] */
} pg_match_opts;

/* Fills o with the defaults. */
void pg_match_opts_default(pg_match_opts *o);

typedef struct pg_match_result {
    int same;                   /* 1: the same paper */
    const char *rule;           /* static rule name, e.g. "revised-version" */
    double abstract_jaccard;    /* shingle-set Jaccard; -1 when not both have one */
    double containment;         /* |A∩B| / smaller set; -1 likewise */
    size_t prefix_words;        /* words of a truncated abstract found as the
                                 * other's opening; 0 when none */
    double title_sim;           /* title similarity in [0, 1] */
    double author_overlap;      /* share of common surnames; -1 when unknown */
    size_t shared_urls;
    /* Set by pg_dedup_compare only (0 and 0 otherwise): whether either
     * text, placed after the other, meets it as a candidate through the
     * band index, and how many of the abstracts' LSH bands the two share
     * (two or more make them candidates, as one title or opening key
     * does).  Texts that never meet are never compared, whatever the
     * rules would say. */
    int candidates;
    size_t shared_bands;
    char why[512];              /* one line for people */
} pg_match_result;

typedef struct pg_dedup pg_dedup;

typedef struct pg_dedup_stats {
    long long texts;        /* texts placed */
    long long candidates;   /* candidate pairs verified */
    long long ruled_out;    /* candidate pairs ruled out by their sketches,
                               unread: abstracts too different for any rule */
    long long same_paper;   /* candidates not verified: their paper was
                               matched already through another text */
    long long matches;      /* pairs found the same */
    long long merges;       /* papers merged into another */
} pg_dedup_stats;

/* A matcher over s with options o (NULL: the options saved in the store by
 * the last `dedup`, else the defaults).  Free with pg_dedup_free(). */
pg_err pg_dedup_new(pg_store *s, const pg_match_opts *o, pg_dedup **out,
                    pg_error *err);
void pg_dedup_free(pg_dedup *d);            /* NULL is a no-op */

const pg_match_opts *pg_dedup_opts(const pg_dedup *d);
const pg_dedup_stats *pg_dedup_stats_get(const pg_dedup *d);

/* Whether the store's band keys were made by this version of the key
 * functions (PG_MINHASH_VERSION, saved in the store).  Inside a write
 * transaction, a store without band keys yet is marked current.  Keys of
 * another version still work but miss some candidates: `papergraph dedup`
 * (pg_dedup_rebuild) recomputes them all. */
pg_err pg_dedup_keys_current(pg_dedup *d, int *current, pg_error *err);

/* Recomputes every cluster with options o in one transaction and saves o as
 * the options of later ingests.  *st receives the counts. */
pg_err pg_dedup_rebuild(pg_store *s, const pg_match_opts *o,
                        pg_dedup_stats *st, pg_error *err);

/* Compares two stored texts as pg_dedup_add_text would. */
pg_err pg_dedup_compare(pg_dedup *d, pg_key a, pg_key b, pg_match_result *r,
                        pg_error *err);

#endif
