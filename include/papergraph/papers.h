/*
** papers.h: canonical papers: one record per paper, assembled from all the
** texts (variants) merged into it and all their occurrences.
**
** The displayed title and abstract are those of the canonical variant
** (pg_variant_cmp: a full abstract over a truncated one, the latest seen,
** the most frequent, the smallest key), so the choice does not depend on the
** order of ingestion.  Counts and dates aggregate every occurrence: most
** authors, earliest publication date, most upvotes, first and last day
** seen, distinct days, occurrences, and the union of canonical URLs.
*/
#ifndef PAPERGRAPH_PAPERS_H
#define PAPERGRAPH_PAPERS_H

#include "papergraph/store.h"

/* One canonical paper, valid during the callback that receives it. */
typedef struct pg_paper {
    const char *id;             /* 16 hex digits */
    pg_key canonical;           /* the text that stands for the paper */
    const char *title;
    const char *abstract;       /* "" when no variant has one */
    int truncated;              /* the best abstract available is cut off */
    int authors;                /* -1 unknown */
    int upvotes;                /* -1 unknown */
    const char *pub_date;       /* YYYY[-MM[-DD]] or "" */
    const char *first_day;      /* YYYY-MM-DD or "" */
    const char *last_day;
    int days;                   /* distinct listing days */
    long long occurrences;
    int variants;               /* distinct texts merged */
    const char *urls;           /* canonical URLs, sorted, one per line */
} pg_paper;

typedef int (*pg_paper_fn)(void *ctx, const pg_paper *p);

/* Calls fn for every paper seen on at least min_days days (0: all) in the
 * given order, or only for paper only_id when it is non-NULL.  A non-zero
 * return from fn stops the walk (PG_OK).  PG_PAPERS_BY_FIRST_DAY orders the
 * papers of one first day by title (bytewise), then id: those papers are
 * held in memory together, never more than one day's. */
pg_err pg_papers_foreach(pg_store *s, int min_days, pg_paper_order order,
                         const char *only_id, pg_paper_fn fn, void *ctx,
                         pg_error *err);

#endif
