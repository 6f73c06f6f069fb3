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

#include "papergraph/buf.h"
#include "papergraph/error.h"
#include "papergraph/fingerprint.h"
#include "papergraph/record.h"

/* The schema version this build writes. */
#define PG_SCHEMA_VERSION 5

typedef struct pg_store pg_store;

/* Opens (creating when missing) the database at path.  Errors:
 * PG_ERR_NOT_PG_DB when path is another kind of file or another
 * application's SQLite database (the file is not modified), PG_ERR_DB_VERSION
 * when it was written by a newer schema, PG_ERR_IO when it cannot be opened.
 * Free with pg_store_close(). */
pg_err pg_store_open(const char *path, pg_store **out, pg_error *err);
/* Rolls back any open transaction and closes.  NULL is a no-op. */
void pg_store_close(pg_store *s);

/* A later stage's state that lives as long as the connection (the dedup
 * stage's candidate cache): pg_store_attach() frees what was attached before
 * and keeps p, which pg_store_close() frees with free_fn.  The generation
 * changes whenever what such state was built from may have been undone or
 * replaced: at every rollback and when the band index is cleared. */
void pg_store_attach(pg_store *s, void *p, void (*free_fn)(void *));
void *pg_store_attached(const pg_store *s);
unsigned long long pg_store_generation(const pg_store *s);

/* Runs SQLite's integrity and foreign-key checks: *ok is 1 when the database is sound;
 * otherwise the first problems are appended to detail (if non-NULL). */
pg_err pg_store_check(pg_store *s, int *ok, pg_buf *detail, pg_error *err);

/* ---- ingesting one file ---------------------------------------------- */

/* Looks for an ingested file with this content key; when found sets *found
 * to 1 and appends its recorded path to path_out (if non-NULL). */
pg_err pg_store_find_file(pg_store *s, pg_key content, pg_buf *path_out,
                          int *found, pg_error *err);

/* Starts the transaction of one file (waiting for other writers) and returns
 * the new file's id.  format is "listing", "jsonl" or "csv". */
pg_err pg_store_file_begin(pg_store *s, const char *path, const char *format,
                           long long *file_id, pg_error *err);

/* Inside a file transaction: is this entry text already stored?  (Also
 * works outside one.)  After an error from this or a pg_store_add_*
 * function the transaction stays open: call pg_store_file_rollback().
 * The add functions return PG_ERR_USAGE outside a file transaction or for
 * a file_id other than the open one. */
pg_err pg_store_has_text(pg_store *s, pg_key key, int *found, pg_error *err);

/* A distinct entry text with the keys computed by the caller. */
typedef struct pg_text {
    pg_key key;             /* XXH3-128 of the raw title, "\n", raw abstract */
    pg_key norm_key;        /* XXH3-128 of the normalised title, "\n", normalised abstract */
    const char *title;
    size_t title_len;
    const char *abstract;
    size_t abstract_len;
    int truncated;          /* abstract looks cut off */
    const char *author_names; /* one per line; "" when unknown */
    /* Optional: the abstract already packed by pg_abstract_pack(), so that
     * compressing it can happen on another thread.  prepacked 0: the store
     * packs it itself; 1: packed[0..packed_len) is the zstd frame to store,
     * or packed is NULL when the abstract is stored as text. */
    int prepacked;
    const void *packed;
    size_t packed_len;
} pg_text;

/* Stores a text not stored before (check with pg_store_has_text). */
pg_err pg_store_add_text(pg_store *s, const pg_text *t, pg_error *err);

/* Abstracts are stored zstd-compressed when that pays.  Packing needs no
 * database, so an ingester may do it beforehand on another thread, with a
 * packer of its own (a packer is used by one thread at a time), and give
 * the result in pg_text.prepacked/packed: the stored row is the same. */
typedef struct pg_packer pg_packer;
pg_err pg_packer_new(pg_packer **out);      /* PG_ERR_NOMEM */
void pg_packer_free(pg_packer *p);          /* NULL is a no-op */
/* Appends to out the zstd frame pg_store_add_text would store for
 * abstract[0..n) and sets *compressed to 1; or sets *compressed to 0 (out
 * unchanged) when the abstract is to be stored as text (short,
 * incompressible, or no memory to compress it). */
void pg_abstract_pack(pg_packer *p, const char *abstract, size_t n,
                      pg_buf *out, int *compressed);
/* Records that a stored text mentions a canonical URL (idempotent). */
pg_err pg_store_add_url(pg_store *s, pg_key text, const char *url, pg_error *err);
/* One occurrence of a stored text: where it was read and the metadata given
 * with it there. */
pg_err pg_store_add_occurrence(pg_store *s, long long file_id, pg_key text,
                               const pg_record *rec, pg_error *err);

typedef struct pg_file_counts {
    long long entries;      /* records read */
    long long new_texts;    /* texts stored for the first time */
    long long warnings;
    unsigned long long size;/* bytes of the file */
    const char *day;        /* first day label seen, as YYYY-MM-DD, or "" */
} pg_file_counts;

/* Ends the file's transaction, always: on a duplicate or on any error
 * everything is rolled back.  When another file with the same content key
 * was committed meanwhile (or the content is known), everything is rolled
 * back, *dup is set to 1 and that file's path is appended to dup_path; else
 * the file is committed with its key and counts and *dup is 0. */
pg_err pg_store_file_commit(pg_store *s, long long file_id, pg_key content,
                            const pg_file_counts *counts, int *dup,
                            pg_buf *dup_path, pg_error *err);
/* Abandons the file's transaction: nothing of it stays. */
void pg_store_file_rollback(pg_store *s);

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

/* ---- near-duplicate clusters ----------------------------------------- */

/* A growable array of keys; caller-owned, released with pg_keyvec_release. */
typedef struct pg_keyvec {
    pg_key *v;
    size_t n, cap;
} pg_keyvec;

#define PG_KEYVEC_INIT { NULL, 0, 0 }
pg_err pg_keyvec_push(pg_keyvec *kv, pg_key k);
void pg_keyvec_release(pg_keyvec *kv);

/* A general write transaction (for `dedup`), the same kind of lock as a file
 * transaction; not to be nested in one. */
pg_err pg_store_tx_begin(pg_store *s, pg_error *err);
pg_err pg_store_tx_commit(pg_store *s, pg_error *err);
void pg_store_tx_rollback(pg_store *s);

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

/* Records the band keys of a stored text, and with them an opaque sketch
 * of it (NULL/0 for none) that the dedup stage reads back with
 * pg_store_sketch.  Once per text (pg_store_clear_clusters forgets them
 * all): a second call for the same text fails with PG_ERR_DB. */
pg_err pg_store_add_bands(pg_store *s, pg_key text, const uint64_t *bands,
                          size_t n, const void *sketch, size_t sketch_len,
                          pg_error *err);
/* Replaces out with the sketch stored with a text's band keys; *found is 0
 * when there is none. */
pg_err pg_store_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err);
/* Appends to out every stored text other than self that shares one of the
 * band keys or has the normalised key norm_key; each text once. */
pg_err pg_store_candidates(pg_store *s, pg_key self, pg_key norm_key,
                           const uint64_t *bands, size_t n, pg_keyvec *out,
                           pg_error *err);
/* Records a verified "same paper" decision between two stored texts. */
pg_err pg_store_add_match(pg_store *s, pg_key a, pg_key b, const char *rule,
                          double score, pg_error *err);
/* The paper of a stored text, or "" when it has none. */
pg_err pg_store_paper_of(pg_store *s, pg_key text, char id[PG_ID_HEX],
                         pg_error *err);
/* Puts a text in a paper (insert or replace). */
pg_err pg_store_set_paper(pg_store *s, pg_key text, const char *paper_id,
                          pg_error *err);
/* Moves every text of paper `from` into paper `to`. */
pg_err pg_store_rename_paper(pg_store *s, const char *from, const char *to,
                             pg_error *err);
/* Moves the band keys still held in the store's append-only level into its
 * b-tree now, in one transaction (this happens by itself whenever that
 * level is full; tests and tools call it to reach the merged state). */
pg_err pg_store_merge_bands(pg_store *s, pg_error *err);
/* How many held keys make a commit merge them (0: the default, 512K keys,
 * about 16,000 texts and 12 MB of memory). */
void pg_store_set_merge_keys(pg_store *s, size_t keys);
/* Forgets all band keys, matches and clusters (inside pg_store_tx_begin),
 * before `dedup` recomputes them. */
pg_err pg_store_clear_clusters(pg_store *s, pg_error *err);
/* Calls fn for the key of every stored text, in key order; a non-zero
 * return stops the walk. */
typedef int (*pg_key_fn)(void *ctx, pg_key key);
pg_err pg_store_foreach_text(pg_store *s, pg_key_fn fn, void *ctx, pg_error *err);
/* Settings: get appends the value to out and sets *found. */
pg_err pg_store_get_setting(pg_store *s, const char *key, pg_buf *out,
                            int *found, pg_error *err);
pg_err pg_store_set_setting(pg_store *s, const char *key, const char *value,
                            pg_error *err);

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
    PG_PAPERS_BY_REPEATS    /* most days, then most occurrences, then id */
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
} pg_variant_row;

typedef int (*pg_variant_row_fn)(void *ctx, const pg_variant_row *v);
/* Calls fn for each text of a paper, in key order. */
pg_err pg_store_foreach_variant(pg_store *s, const char *paper_id,
                                pg_variant_row_fn fn, void *ctx, pg_error *err);
/* Appends the paper's canonical URLs, sorted, one per line, to out. */
pg_err pg_store_paper_urls(pg_store *s, const char *paper_id, pg_buf *out,
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
