/*
** dedup/match.h: what the matcher's own files share: the words of keys
** (words.c), the comparisons of two match items (compare.c) and the
** evidence they give the decision (match.c).  Not used outside src/dedup.
*/
#ifndef PG_DEDUP_MATCH_H
#define PG_DEDUP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "dedup/internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- words (words.c) ---------------------------------------------------- */

typedef struct pgd_span {
    const char *p;
    size_t n;
} pgd_span;

/* The content words of a title (at most max); all its words when every word
 * is a stop word, so that "What is it" still has words. */
typedef struct pgd_title_words {
    pgd_span w[PG_TITLE_WORDS_MAX];
    size_t n;
} pgd_title_words;

/* Walks the PG_SHINGLE_WORDS-word windows of a key.  A key with fewer words
 * yields one shingle, the whole key, so that short texts still compare. */
typedef struct pgd_shingler {
    const char *s;
    size_t len;
    size_t pos;
    size_t words;
    size_t start[PG_SHINGLE_WORDS];     /* ring of word starts */
    int done;
} pgd_shingler;

/* Advances *pos past spaces and returns the length of the word there (0 at
 * the end).  Keys use single spaces, but runs are tolerated. */
size_t pgd_next_word(const char *s, size_t len, size_t *pos);
size_t pgd_count_words(const char *s, size_t len);
/* The length of s without its last word: what a cut-off text surely has. */
size_t pgd_drop_last_word(const char *s, size_t len);
void pgd_shingler_init(pgd_shingler *it, const char *s, size_t len);
/* The next shingle's hash in *h; 0 at the end. */
int pgd_shingler_next(pgd_shingler *it, uint64_t *h);
/* Whether w is in the sorted list[0..n). */
int pgd_in_list(pgd_span w, const char *const *list, size_t n);
int pgd_is_stop(pgd_span w);
void pgd_title_split(const char *s, size_t len, pgd_title_words *t);
/* 1 when every content word is a heading word ("Editorial"). */
int pgd_title_is_generic(const pgd_title_words *t);
/* The content words without heading words (all of them when none is left). */
void pgd_title_core(const pgd_title_words *t, pgd_title_words *core);
int pgd_span_eq(pgd_span x, pgd_span y);
/* Equal up to a plural "s". */
int pgd_word_eq(pgd_span x, pgd_span y);
int pgd_is_number(pgd_span w);
/* The distinct core words of a title that are not common title words: how
 * well an identical title names one paper; *common gets the number of the
 * other distinct core words (numbers and words under 3 letters aside).
 * Depends on the title alone. */
size_t pgd_title_specificity(const pgd_title_words *core, size_t *common);
/* Appends the coined names of a raw (not normalised) title to out,
 * normalised, each ended by '\n': its head ("EHR2Path: ..." gives
 * "ehr2path"; *has_head then 1, and the head comes first) and words whose
 * case or digits mark a name ("DPANet", "TS-Haystack").  *strong is 1 when
 * a name mixes case or digits as no word does ("BEDTime", "EHR2Path"), not
 * just capitals ("MAESTRO").  PG_ERR_NOMEM. */
pg_err pgd_title_names(const char *raw, size_t len, pg_buf *out, int *has_head,
                       int *strong);
/* 1 when the words phrase[0..n) occur, word-aligned, in key[0..len). */
int pgd_phrase_in(const char *phrase, size_t n, const char *key, size_t len);

/* ---- features (features.c) --------------------------------------------- */

/* A word that tells documents of one title apart ("2" in "Llama 2", a part
 * number, "erratum"), and the word before it. */
typedef struct pgd_mark {
    pgd_span w;
    pgd_span prev;          /* n == 0 at the start of the title */
} pgd_mark;

#define PGD_MARKS_MAX 16

/* What the comparisons need of one match item, computed once per item
 * rather than once per compared pair: a text is compared with many
 * candidates, and a kept candidate with many new texts.  Spans point into
 * the item's title; the hash arrays live in `mem` (owned, reused by the
 * next pgd_feat_make on the same struct; pgd_feat_release frees it). */
typedef struct pgd_feat {
    int ready;
    int shingled;               /* the abstract's part is made, the title's
                                 * maybe not (pgd_feat_keep_shingles) */
    /* The abstract's judged part (a cut-off one without its last word):
     * its words, its 3-word shingle hashes (low 32 bits) in text order,
     * and the same sorted without repeats. */
    size_t words;
    const uint32_t *seq, *set;
    size_t n_seq, n_set;
    size_t judged_len;          /* bytes of the abstract judged */
    /* The title: content words, core words (heading words dropped), and
     * what follows from them alone. */
    pgd_title_words split, core;
    int generic;
    size_t spec, common;        /* pgd_title_specificity of the core */
    pgd_mark marks[PGD_MARKS_MAX];
    size_t n_marks;
    uint32_t *mem;
    size_t cap;
} pgd_feat;

/* Fills f from it (which must outlive f's spans).  PG_ERR_NOMEM: f's title
 * part is still made, its abstract part is not (f->ready is 0). */
pg_err pgd_feat_make(const pg_match_item *it, pgd_feat *f);
/* Fills f from it and the shingles computed where the text was prepared
 * (pg_dedup_shingles_append; sh's arrays are copied).  PG_ERR_NOMEM. */
pg_err pgd_feat_adopt(const pg_match_item *it, const pg_dedup_shingles *sh, pgd_feat *f);
/* Fills f's abstract part only, from the producer's shingles, for a text
 * that may be compared later: the copy costs little, making them again
 * from the text much more (pgd_feat_finish then completes f). */
pg_err pgd_feat_keep_shingles(const pg_dedup_shingles *sh, pgd_feat *f);
/* Completes f when only its abstract part is made (cannot fail). */
void pgd_feat_finish(const pg_match_item *it, pgd_feat *f);
/* Fills f's title part only (cannot fail). */
void pgd_feat_title(const pg_match_item *it, pgd_feat *f);
/* Gives back f's scratch: for features kept long. */
void pgd_feat_shrink(pgd_feat *f);
void pgd_feat_release(pgd_feat *f);

/* The distinct content words of a normalised abstract (4+ letters, no
 * numbers or stop words, a plural "s" aside) as sorted hashes, at most max:
 * the vocabulary a rewritten version keeps when its sentences change.
 * Returns how many.  Depends on the text alone, so it may be precomputed
 * (pg_match_item.vocab). */
size_t pgd_vocabulary(const char *s, size_t len, uint64_t *out, size_t max);
/* Common hashes of two sorted vocabularies over the smaller one's size
 * (0 when either is empty). */
double pgd_vocabulary_share(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* Title words of one stem: pgd_word_eq, or the shorter (5+ letters) less its
 * last letter starts the other ("image", "imaging"). */
int pgd_stem_eq(pgd_span x, pgd_span y);
/* 1 when every core word of one title has a stem-mate in the other (a
 * subtitle reworded or cut: words dropped or respelt, none replaced, at
 * least half of the longer's words kept), over cores already made with
 * their pgd_title_specificity; *spec and *common then get that title's. */
int pgd_cores_reworded(const pgd_title_words *ca, size_t spec_a, size_t common_a,
                       const pgd_title_words *cb, size_t spec_b, size_t common_b,
                       size_t *spec, size_t *common);
/* pgd_cores_reworded of two items' titles, from their features when made. */
int pgd_items_reworded(const pg_match_item *a, const pg_match_item *b, size_t *spec,
                       size_t *common);

/* 1 when a normalised title names a talk ("tutorial", "panel", "demo",
 * "keynote", "poster"). */
int pgd_is_talk_title(const char *title, size_t len);
/* 1 when a normalised venue names a meeting held once a year
 * ("conference", "symposium", "workshop", "proceedings"), not a periodical. */
int pgd_is_meeting_venue(const char *venue, size_t len);

/* ---- comparisons (compare.c) -------------------------------------------- */

/* What two abstracts share. */
typedef struct abs_cmp {
    size_t words_a, words_b;    /* words judged (after dropping a partial one) */
    size_t na, nb, inter;       /* distinct shingles and common ones */
    size_t prefix_words;        /* see pg_match_result */
    size_t run;                 /* the longest run of consecutive shingles of
                                 * b found in a: a phrase of run + 2 words
                                 * both have (0 when not asked for) */
    int equal;                  /* byte-identical keys */
} abs_cmp;

typedef struct title_cmp {
    double sim;             /* core word Jaccard, or edit similarity when 0.8+ */
    size_t words_min;       /* distinct core words of the shorter title */
    size_t words_max;       /* ... of the longer one */
    int affix;              /* one core is the start or end of the other */
    int subset;             /* every core word of one title is in the other */
    int equal;              /* byte-identical keys */
    int generic;            /* either title is a heading ("Editorial") */
    int is_short;           /* either title has few content words */
    int marks_conflict;     /* numbers, parts or erratum/reply words differ */
    int same_words;         /* the same core words (plurals aside) */
    size_t spec;            /* the lower pgd_title_specificity of the cores */
    size_t common;          /* the common words of that core */
    int strong_name;        /* both titles have a strong coined name */
} title_cmp;

/* Coined names and identifiers two items share or disagree on. */
typedef struct name_cmp {
    int in_titles;          /* a title name of one is in the other's title */
    int in_texts;           /* ... and in both abstracts */
    int head_conflict;      /* both titles have a head name, and they differ
                             * ("Foo" and "Foo-VL", "BePo" and "ODG") */
    int head_missing;       /* one title's head name is not in the other
                             * title ("Prospector: a content-based ...",
                             * "A content-based ...") */
    int ids_a, ids_b;       /* arXiv ids and DOIs each has (capped) */
    int ids_shared;         /* how many of them both have */
} name_cmp;

/* pg_match_decide, with r->why left empty unless explaining: an ingest
 * records the rule and score of each decision, and only `why` reads the
 * sentence (and the phrase length it quotes). */
pg_err pgd_match_decide(const pg_match_item *a, const pg_match_item *b,
                        const pg_match_opts *o, int explaining, pg_match_result *r);

/* The least containment (shared shingles over the smaller abstract's) that
 * lets a rule merge two abstracts without the Jaccard the other rules need:
 * retitled-shared-name, and when one is cut off (cut 1) truncated-revised.
 * A sketch turns it into a Jaccard floor for texts of unequal length
 * (sketch.c). */
double pgd_match_least_containment(const pg_match_opts *o, int cut);

/* PG_ERR_NOMEM when a long abstract's shingle table cannot be allocated.
 * c->run is measured only when want_run (it serves the explanation, not the
 * decision). */
pg_err pgd_compare_abstracts(const pg_match_item *a, const pg_match_item *b,
                             int want_run, abs_cmp *c);
void pgd_compare_titles(const pg_match_item *a, const pg_match_item *b,
                        size_t short_words, title_cmp *c);
/* Share of common surnames (the larger of both directions); -1 unknown. */
double pgd_author_overlap(const pg_match_item *a, const pg_match_item *b);
/* The author count, from the count or the names; -1 unknown. */
int pgd_author_count(const pg_match_item *x);
/* 1 when the counts cannot be one author list. */
int pgd_authors_conflict(const pg_match_item *a, const pg_match_item *b);
size_t pgd_shared_urls(const pg_match_item *a, const pg_match_item *b);
/* 1 when both venues are known and share no word, abbreviation or acronym
 * ("Very Large Data Bases" and "VLDB" agree; "SIGMOD Record" and "VLDB"
 * differ); preprint servers agree with any venue. */
int pgd_venues_differ(const pg_match_item *a, const pg_match_item *b);
void pgd_compare_names(const pg_match_item *a, const pg_match_item *b, name_cmp *c);

#endif
