/*
** store_internal.h: what the files of the store module share (internal).
**
** The store is split by job: store.c opens, migrates and runs the ingest
** transactions; store_dedup.c keeps the near-duplicate tables (band keys,
** verified matches, clusters); store_papers.c reads papers back.  They share
** the connection struct and the statement helpers declared here.  Only these
** files include sqlite3.h.
*/
#ifndef PG_STORE_INTERNAL_H
#define PG_STORE_INTERNAL_H

#include <sqlite3.h>

#include "papergraph/store.h"

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

#endif
