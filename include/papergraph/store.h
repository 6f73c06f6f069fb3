/*
** store.h: the SQLite database that holds everything papergraph knows; the
** only module that sees sqlite3.h.
**
** One file (WAL mode) holds the ingested files, the distinct entry texts
** (stored once, keyed by their XXH3-128 content key), one occurrence row per
** entry read (file, line, day, per-occurrence metadata) and the canonical
** URLs found in each text.  The schema carries a version (PRAGMA user_version)
** and an application id; opening an older papergraph database migrates it,
** opening anything else fails with the file untouched.
**
** Each input file is ingested in one transaction (pg_store_file_begin ...
** pg_store_file_commit), so a file is in the database whole or not at all,
** whatever happens to the process.  A busy database is waited for (busy
** timeout) rather than failing with "database is locked".
**
** All functions return PG_OK or an error code with a message in *err.
** A pg_store is not thread-safe: use it from one thread at a time.
*/
#ifndef PAPERGRAPH_STORE_H
#define PAPERGRAPH_STORE_H

#include "papergraph/base.h"

typedef struct pg_store pg_store;

/* Sets up the SQLite library for a program that reaches it only through
 * papergraph: turns off SQLite's memory statistics, which take a global
 * lock around every allocation it makes (SQLITE_CONFIG_MEMSTATUS), and
 * nothing papergraph calls reads them.  The setting is the whole
 * process's, so the library never makes it on its own: a program calls
 * this first, before any other papergraph or SQLite call.  PG_ERR_USAGE,
 * and nothing changed, once SQLite is in use. */
pg_err pg_store_setup_process(pg_error *err);

/* Opens (creating when missing) the database at path.  Errors:
 * PG_ERR_NOT_PG_DB when path is another kind of file or another
 * application's SQLite database (the file is not modified), PG_ERR_DB_VERSION
 * when it was written by a newer schema, PG_ERR_IO when it cannot be opened.
 * Free with pg_store_close(). */
pg_err pg_store_open(const char *path, pg_store **out, pg_error *err);
/* As pg_store_open, for callers that only read: never creates a database.
 * PG_ERR_NOT_FOUND when path does not exist or is an empty file. */
pg_err pg_store_open_existing(const char *path, pg_store **out, pg_error *err);
/* Rolls back any open transaction and closes.  NULL is a no-op. */
void pg_store_close(pg_store *s);

/* Runs SQLite's integrity and foreign-key checks, and checks that every day
 * of a file's occurrences is listed in file_days: *ok is 1 when the
 * database is sound; otherwise the first problems are appended to detail
 * (if non-NULL). */
pg_err pg_store_check(pg_store *s, int *ok, pg_buf *detail, pg_error *err);

/* Group commit.  Committing costs a write of every page the file changed,
 * and the keyed indexes are changed all over, so many small files cost more
 * in commits than in their rows.  After pg_store_group_files(s, max_bytes)
 * (0 turns it off, the default) the files share one transaction until they
 * total max_bytes of input or pg_store_flush() is called; only then are
 * they durable.  Each file is still whole or absent, but a file that fails
 * takes its group's earlier files with it (SQLite savepoints per file were
 * measured: they cost more than the commits saved), so a caller grouping
 * files must be able to read them again.  pg_store_unflushed() tells how
 * many committed files wait in the open group (0 right after it commits or
 * is lost).  A crash loses the open group, never corrupts the database;
 * ingesting the same files again restores it.  pg_store_close() flushes,
 * ignoring errors: call pg_store_flush() first to see them.
 * pg_store_tx_begin flushes. */
void pg_store_group_files(pg_store *s, unsigned long long max_bytes);
pg_err pg_store_flush(pg_store *s, pg_error *err);
int pg_store_unflushed(const pg_store *s);

/* What the matcher needs to know of one stored text.  Strings are owned by
 * the struct: release with pg_text_info_release(). */
typedef struct pg_text_info {
    pg_key key;
    pg_key norm_key;
    char *title;
    char *abstract;
    int truncated;
    char *author_names;     /* one per line; "" when unknown */
    char *venue;            /* first non-empty venue of its occurrences, or "" */
    int authors;            /* largest count over its occurrences; -1 unknown */
    int year;               /* earliest publication year; 0 unknown */
    char **urls;            /* canonical URLs, sorted */
    size_t n_urls;
    char paper_id[PG_ID_HEX]; /* "" while not clustered */
} pg_text_info;

/* Fills *out for a stored text; PG_ERR_NOT_FOUND when there is none. */
pg_err pg_store_text_info(pg_store *s, pg_key text, pg_text_info *out,
                          pg_error *err);
void pg_text_info_release(pg_text_info *t);

/* ---- reading ----------------------------------------------------------- */

typedef struct pg_stats {
    long long files;
    long long occurrences;
    long long texts;        /* distinct raw texts */
    long long papers;       /* distinct papers */
    long long days;         /* distinct listing days */
} pg_stats;

/* Inside a file transaction this and pg_store_foreach_occurrence also see
 * its uncommitted rows; files counts committed files only. */
pg_err pg_store_stats(pg_store *s, pg_stats *st, pg_error *err);

/* One occurrence, as handed to a pg_occurrence_fn; strings valid during the
 * call only, "" when absent, numbers -1 when absent. */
typedef struct pg_occurrence {
    const char *file;       /* path as recorded at ingest */
    long line;
    const char *day;        /* YYYY-MM-DD or "" */
    const char *day_label;
    const char *paper_id;   /* 16 hex digits */
    const char *text_key;   /* 32 hex digits */
    const char *title;
    int authors;
    int upvotes;
    const char *pub_date;   /* YYYY-MM-DD, YYYY-MM or YYYY; "" when absent */
    const char *date_raw;
    const char *ext_id;     /* the record's own id in its input (jsonl/csv) */
} pg_occurrence;

/* Calls fn for every occurrence ordered by day, file path, line.  A non-zero
 * return from fn stops the walk; pg_store_foreach_occurrence then returns
 * PG_OK. */
typedef int (*pg_occurrence_fn)(void *ctx, const pg_occurrence *o);
pg_err pg_store_foreach_occurrence(pg_store *s, pg_occurrence_fn fn, void *ctx,
                                   pg_error *err);

/* ---- papers ------------------------------------------------------------ */

/* Aggregates of one paper over all its occurrences; strings valid during the
 * callback only, "" when absent, numbers -1 when absent. */
typedef struct pg_paper_row {
    const char *paper_id;
    long long occurrences;
    int days;               /* distinct listing days */
    const char *first_day;
    const char *last_day;
    int authors;            /* largest count seen */
    const char *pub_date;   /* earliest publication date seen */
    int upvotes;            /* most seen */
    int variants;           /* distinct texts */
} pg_paper_row;

typedef enum pg_paper_order {
    PG_PAPERS_BY_ID = 0,    /* paper id */
    PG_PAPERS_BY_REPEATS,   /* most days, then most occurrences, then id */
    PG_PAPERS_BY_FIRST_DAY  /* first day seen (papers with none last), then id;
                             * pg_papers_foreach orders each day by title */
} pg_paper_order;

typedef int (*pg_paper_row_fn)(void *ctx, const pg_paper_row *p);
/* Calls fn for each paper seen on at least min_days distinct days (0: all),
 * in the given order; paper_id non-NULL restricts to that paper. */
pg_err pg_store_foreach_paper(pg_store *s, int min_days, pg_paper_order order,
                              const char *paper_id, pg_paper_row_fn fn,
                              void *ctx, pg_error *err);

/* One text of a paper with its own aggregates. */
typedef struct pg_variant_row {
    pg_key key;
    const char *title;
    const char *abstract;
    int truncated;
    long long occurrences;
    int upvotes;            /* most seen; -1 */
    int authors;            /* largest; -1 */
    const char *first_day;  /* "" when none */
    const char *last_day;
    int has_abstract;       /* abstract is not "" (also set where title and
                               abstract are not read: see pg_paper_walk) */
} pg_variant_row;

typedef int (*pg_variant_row_fn)(void *ctx, const pg_variant_row *v);
/* Calls fn for each text of a paper, in key order. */
pg_err pg_store_foreach_variant(pg_store *s, const char *paper_id,
                                pg_variant_row_fn fn, void *ctx, pg_error *err);
/* Appends the paper's canonical URLs, sorted, one per line, to out. */
pg_err pg_store_paper_urls(pg_store *s, const char *paper_id, pg_buf *out,
                           pg_error *err);
/* Every paper seen on at least min_days days (0: all) in paper id order (or,
 * with better non-NULL, in w->order), in
 * one pass over the store (three statements, each stepped through once):
 * for each paper, variant() for each of its texts (in key order), then url()
 * for each of its canonical URLs (sorted), then paper() with its
 * aggregates.  Strings are valid during each callback only.  A non-zero
 * return from any callback stops the walk (PG_OK).
 *
 * With better non-NULL, variant() is called once per paper, for the text
 * that better() puts first (better(a, b) < 0: a goes first; a total order),
 * and only that text's title and abstract are read and decompressed: the
 * rows better() compares have title and abstract NULL and every other field
 * set.  The aggregates are then gathered from plain scans of the tables
 * (each read once, joined in memory), which gives the same rows. */
typedef int (*pg_url_row_fn)(void *ctx, const char *url);
typedef struct pg_paper_walk {
    pg_paper_row_fn paper;
    pg_variant_row_fn variant;
    pg_url_row_fn url;          /* may be NULL: URLs not read */
    void *ctx;
    int (*better)(const pg_variant_row *a, const pg_variant_row *b);
    pg_paper_order order;       /* with better only; else PG_PAPERS_BY_ID */
} pg_paper_walk;
pg_err pg_store_walk_papers(pg_store *s, int min_days, const pg_paper_walk *w,
                            pg_error *err);
/* Calls fn for every occurrence of one text, ordered by day, file, line. */
pg_err pg_store_foreach_text_occurrence(pg_store *s, pg_key text,
                                        pg_occurrence_fn fn, void *ctx,
                                        pg_error *err);
/* Finds the text read at FILE:LINE.  file is matched against recorded paths
 * exactly, else as a path suffix ("day1.txt" finds "/data/day1.txt") when
 * only one recorded file matches.  PG_ERR_NOT_FOUND (no such occurrence) or
 * PG_ERR_USAGE (the name is ambiguous) otherwise. */
pg_err pg_store_find_occurrence(pg_store *s, const char *file, long line,
                                pg_key *text, pg_error *err);
/* Calls fn(ctx, a, b, rule, score) for every recorded match between texts
 * of the paper. */
typedef int (*pg_match_row_fn)(void *ctx, pg_key a, pg_key b, const char *rule,
                               double score);
pg_err pg_store_foreach_match(pg_store *s, const char *paper_id,
                              pg_match_row_fn fn, void *ctx, pg_error *err);

#endif
