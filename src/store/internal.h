/*
** store/internal.h: what the files of the store share, and the calls the
** stages above it (dedup, ingest) use to write: file transactions, texts,
** occurrences, band keys and clusters.  Only the store's files include
** sqlite3.h.
*/
#ifndef PG_STORE_INTERNAL_H
#define PG_STORE_INTERNAL_H

#include <sqlite3.h>
#include "papergraph/read.h"
#include "papergraph/store.h"

/* The schema version this build writes. */
#define PG_SCHEMA_VERSION 6

/* A later stage's state that lives as long as the connection (the dedup
 * stage's candidate cache): pg_store_attach() frees what was attached before
 * and keeps p, which pg_store_close() frees with free_fn.  The generation
 * changes whenever what such state was built from may have been undone or
 * replaced: at every rollback and when the band index is cleared. */
void pg_store_attach(pg_store *s, void *p, void (*free_fn)(void *));
void *pg_store_attached(const pg_store *s);
unsigned long long pg_store_generation(const pg_store *s);

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

/*
** schema.h: the database schema of papergraph as a list of migrations
** (internal to the store module).
**
** Migration v brings a database from PRAGMA user_version v-1 to v; a new
** database runs them all.  store.c applies the pending ones in a single
** transaction and sets user_version and application_id itself, so a
** migration is nothing but SQL text.  To change the schema, add the next
** migration in schema.c and raise PG_SCHEMA_VERSION in store.h; never edit
** a migration that has been released.
*/

/* PRAGMA application_id of a papergraph database: "PGRH". */
#define PG_APPLICATION_ID 0x50475248

/* The SQL of migration version (1..PG_SCHEMA_VERSION), or NULL when there is
 * no such migration.  The text may hold several statements. */
const char *pg_schema_migration(int version);

/*
** store_internal.h: what the files of the store module share (internal).
**
** The store is split by job: store.c opens, migrates and runs the ingest
** transactions; store_dedup.c keeps the near-duplicate tables (band keys,
** verified matches, clusters); store_papers.c reads papers back.  They share
** the connection struct and the statement helpers declared here.  Only these
** files include sqlite3.h.
*/

#include <sqlite3.h>


/* The statements of the ingest and stats paths, prepared at open and reused
 * (sqlite3_reset + sqlite3_clear_bindings after each use). */
enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
    ST_FIND_FILE, ST_NEW_FILE, ST_END_FILE,
    ST_HAS_TEXT, ST_ADD_TEXT, ST_ADD_CLUSTER, ST_ADD_URL, ST_ADD_OCC,
    ST_STATS,
    ST_COUNT
};

/* The most band keys one text may have (cluster.h: abstract bands plus
 * title keys). */
#define PGS_BANDS_MAX 128

/* Statements of store_dedup.c, prepared on first use. */
enum {
    DS_NORM_TEXTS, DS_ADD_MATCH, DS_SET_PAPER,
    DS_RENAME_PAPER, DS_TEXT_META, DS_TEXT_URLS, DS_GET_SETTING,
    DS_SET_SETTING, DS_PAPER_OF, DS_TEXT_ID, DS_BANDSET_ADD, DS_BANDSET_SINCE,
    DS_SKETCH, DS_BUCKET_GET, DS_BUCKET_PUT, DS_KEY_OF_ID, DS_BUCKETS_ANY,
    DS_COUNT
};

struct pg_store {
    sqlite3 *db;
    char *path;                 /* as given, for messages */
    sqlite3_stmt *st[ST_COUNT];
    int in_file;                /* a file transaction is open */
    long long file_id;          /* its files.id */
    int in_tx;                  /* a general transaction (pg_store_tx_begin) is open */
    unsigned long long group_max;   /* pg_store_group_files: 0 = off */
    unsigned long long group_bytes; /* input bytes of the files in the open group */
    int group_open;             /* BEGIN done, files are savepoints inside it */
    int group_files;            /* files committed into the open group */
    sqlite3_stmt *ds[DS_COUNT]; /* lazily prepared, finalized at close */
    pg_buf zbuf;                /* compression scratch of pg_store_add_text */
    size_t merge_keys;          /* pg_store_set_merge_keys; 0: the default */
    struct pgs_pending *pend;   /* the in-memory level of the band index
                                   (store_bands.c); NULL until first used */
    pg_key last_text_key;       /* the text pg_store_add_text stored last */
    long long last_text_id;     /* ... and its id; 0 when none */
    pg_packer *packer;          /* compresses abstracts; reused: a fresh
                                   context per text costs more than
                                   compressing the text */
    void *attached;             /* pg_store_attach */
    void (*attached_free)(void *);
    unsigned long long generation;  /* pg_store_generation */
    void *dctx;                 /* ZSTD_DCtx, reused for the same reason
                                   (created on first use) */
    /* Texts seen stored, key -> id (store.c, known_*): open addressing,
     * empty slots all-zero, valid for generation known_gen. */
    struct pgs_known *known;
    size_t known_cap, known_n;
    unsigned long long known_gen;
};

struct pgs_known {
    pg_key key;
    long long id;
};

/* The band index's transaction hooks (store_bands.c): begin after BEGIN;
 * precommit before COMMIT (merges the in-memory level into band_buckets when it
 * is full, or always when force); committed after a successful COMMIT;
 * rollback after ROLLBACK.  clear empties both levels (inside a
 * transaction); free at close. */
pg_err pgs_bands_begin(pg_store *s, pg_error *err);
pg_err pgs_bands_precommit(pg_store *s, int force, pg_error *err);
void pgs_bands_committed(pg_store *s);
void pgs_bands_rollback(pg_store *s);
pg_err pgs_bands_clear(pg_store *s, pg_error *err);
void pgs_bands_free(pg_store *s);

/* "PATH: what: SQLite's message" as PG_ERR_DB (PG_ERR_NOMEM for SQLITE_NOMEM). */
pg_err pgs_db_fail(pg_store *s, int rc, const char *what, pg_error *err);
/* sqlite3_step that waits out a busy database (first step only). */
int pgs_step_retry(sqlite3_stmt *st);
/* Resets a kept statement and clears its bindings. */
void pgs_stmt_done(sqlite3_stmt *st);
/* Runs parameterless SQL of our own, ignoring results. */
pg_err pgs_run_sql(pg_store *s, const char *sql, const char *what, pg_error *err);
/* A text column; NULL reads as "". */
const char *pgs_col_str(sqlite3_stmt *st, int i);
/* An integer column; NULL or negative reads as -1. */
int pgs_col_count(sqlite3_stmt *st, int i);
/* Binders that do nothing once *rc holds an error. */
void pgs_bind_int(sqlite3_stmt *st, int i, long long v, int *rc);
void pgs_bind_count(sqlite3_stmt *st, int i, long long v, int *rc);
void pgs_bind_text(sqlite3_stmt *st, int i, const char *p, size_t n, int *rc);
void pgs_bind_str(sqlite3_stmt *st, int i, const char *p, int *rc);
void pgs_bind_opt_str(sqlite3_stmt *st, int i, const char *p, int *rc);
/* buf must live until the statement is reset (bound SQLITE_STATIC). */
void pgs_bind_key(sqlite3_stmt *st, int i, pg_key k, unsigned char buf[16], int *rc);
/* The kept statement ds[id] of store_dedup.c/store_papers.c, prepared on
 * first use from sql; NULL with *err set on failure. */
sqlite3_stmt *pgs_stmt(pg_store *s, int id, const char *sql, pg_error *err);
/* An abstract column: TEXT as it is, or a BLOB holding a zstd frame,
 * decompressed into scratch (with s's decompression context).  NULL when
 * the frame is corrupt or memory runs out. */
const char *pgs_col_abstract(pg_store *s, sqlite3_stmt *st, int i, pg_buf *scratch);
/* Binds key as ?1 of st and steps it once (waiting out a busy database);
 * returns the step's result.  kb must outlive the statement's use. */
int pgs_step_key(sqlite3_stmt *st, pg_key key, unsigned char kb[16]);
/* The kept statement ds[id] (from sql) with key bound as ?1, stepped once:
 * *rc gets the step's result (SQLITE_ROW, SQLITE_DONE or an error).  NULL
 * with *err set when it cannot be prepared.  kb must outlive the statement's
 * use; finish with pgs_stmt_done. */
sqlite3_stmt *pgs_key_step(pg_store *s, int id, const char *sql, pg_key key,
                           unsigned char kb[16], int *rc, pg_error *err);
/* Reads a 16-byte key column; 0 when the column is not one. */
int pgs_col_key(sqlite3_stmt *st, int i, pg_key *out);

/* ---- the daily digest (store_digest.c) ------------------------------ */

/* The first and last listing day of the occurrences, as YYYY-MM-DD; both ""
 * when no occurrence has a day.  Read through the occurrences_day index. */
pg_err pg_store_day_range(pg_store *s, char first[11], char last[11],
                          pg_error *err);

/* One text of a paper listed on a given day, with its history relative to
 * that day.  Strings are valid during the callback only. */
typedef struct pg_day_text {
    const char *paper_id;
    long long text_id;
    const char *last_before;/* its latest day before the day; "" for none */
    long long on_day;       /* its occurrences on the day */
    int upvotes;            /* most upvotes on the day; -1 when none given */
} pg_day_text;

typedef int (*pg_day_text_fn)(void *ctx, const pg_day_text *t);
/* Calls fn for every text of every paper with an occurrence on day
 * (YYYY-MM-DD), in no particular order.  The day's texts are found through
 * the occurrences_day index, their papers' other texts through
 * clusters_paper and each text's last day before through occurrences_text
 * (text_id, day), all covering: the cost follows the day's papers, not the size of
 * the store, and no occurrence or text row is read.  A non-zero return from
 * fn stops the walk (PG_OK). */
pg_err pg_store_foreach_day_text(pg_store *s, const char *day,
                                 pg_day_text_fn fn, void *ctx, pg_error *err);

/* What the digest reads per text or paper, through statements prepared once
 * and kept by a reader, all inside one read transaction (a consistent view
 * while another process ingests).  Close the reader before the store. */
typedef struct pg_day_reader pg_day_reader;
pg_err pg_day_reader_open(pg_store *s, pg_day_reader **out, pg_error *err);
void pg_day_reader_close(pg_day_reader *r);     /* NULL is a no-op */
/* The keys of text id, and its title appended to title. */
pg_err pg_day_text_brief(pg_day_reader *r, long long id, pg_key *key,
                         pg_key *norm_key, pg_buf *title, pg_error *err);
/* *seen = 1 when a text with this normalised key occurs on a day before
 * day (through texts_norm_key and occurrences_text only), else 0. */
pg_err pg_day_norm_seen(pg_day_reader *r, pg_key norm_key, const char *day,
                        int *seen, pg_error *err);
/* The paper's first listing day ("" when none). */
pg_err pg_day_paper_first_day(pg_day_reader *r, const char *paper_id, char day[11],
                              pg_error *err);
/* Appends the paper's canonical URLs, sorted, one per line, to out. */
pg_err pg_day_paper_urls(pg_day_reader *r, const char *paper_id, pg_buf *out,
                         pg_error *err);

#endif
