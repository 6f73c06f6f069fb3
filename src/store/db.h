/*
** store/db.h: what the store's own files share and nothing above the store
** sees: the connection struct, the statements of the ingest path, and the
** SQLite helpers.  The only header that includes sqlite3.h.
**
** The store is split by job:
**   db.c           open (look before writing, migrate), close, integrity check
**   stmt.c         SQLite helpers and the generic statement API of internal.h
**   tx.c           every BEGIN, COMMIT and ROLLBACK; file transactions, groups,
**                  general transactions and the hooks of the stages above
**   texts.c        the texts (and the ids of those known stored), their URLs
**   pack.c         abstracts packed as zstd frames, and read back
**   occurrences.c  files and occurrences written by an ingest
**   clusters.c     papers, matches and settings
**   views.c        the read views: stats, occurrences, a text's information
**   store_papers.c papers read back
**   schema.c       the schema as migrations
*/
#ifndef PG_STORE_DB_H
#define PG_STORE_DB_H

#include <sqlite3.h>
#include "store/internal.h"

/* The statements of the ingest and stats paths, prepared at open and reused
 * (pgs_stmt_done after each use). */
enum {
    ST_FIND_FILE, ST_NEW_FILE, ST_END_FILE,
    ST_HAS_TEXT, ST_ADD_TEXT, ST_ADD_CLUSTER, ST_ADD_URL, ST_ADD_OCC, ST_ADD_FILE_DAY,
    ST_STATS,
    ST_COUNT
};

/* A statement prepared on first use and kept until close (pgs_kept). */
typedef struct pgs_kept_stmt {
    const char *sql;            /* the caller's string: looked up by address */
    sqlite3_stmt *st;
} pgs_kept_stmt;

/* A stage's transaction hooks (pg_store_add_tx_hooks). */
typedef struct pgs_hooks {
    const pg_tx_hooks *h;
    void *ctx;
} pgs_hooks;

struct pg_known;
struct pgs_match;
struct pgs_placing;

/* Pages in the WAL at which a commit checkpoints (PRAGMA wal_autocheckpoint):
 * large, as a bulk ingest's groups are. */
#define PGS_WAL_AUTOCHECKPOINT 16384

typedef struct pgs_ckpt pgs_ckpt;

struct pg_store {
    sqlite3 *db;
    char *path;                 /* as given, for messages */
    sqlite3_stmt *st[ST_COUNT];
    pgs_kept_stmt *kept;        /* pgs_kept */
    size_t n_kept, cap_kept;
    int in_file;                /* a file transaction is open */
    long long file_id;          /* its files.id */
    /* The file_days row the open file last wrote (occurrences.c): its
     * file, day, and the generation it was written in (a rollback takes
     * the row away, and may give the file id again). */
    long long day_file;
    unsigned long long day_gen;
    char day_last[16];
    int in_tx;                  /* a general transaction (pg_store_tx_begin) is open */
    unsigned long long group_max;   /* pg_store_group_files: 0 = off */
    unsigned long long group_bytes; /* input bytes of the files in the open group */
    int group_open;             /* BEGIN done, files are savepoints inside it */
    int group_files;            /* files committed into the open group */
    pgs_hooks *hooks;           /* pg_store_add_tx_hooks, in order */
    size_t n_hooks;
    unsigned long long generation;  /* pg_store_generation */
    pg_buf zbuf;                /* compression scratch of pg_store_add_text */
    pg_packer *packer;          /* compresses abstracts; reused: a fresh
                                   context per text costs more than
                                   compressing the text */
    void *dctx;                 /* ZSTD_DCtx, reused for the same reason
                                   (created on first use) */
    pg_key last_text_key;       /* the text pg_store_add_text stored last */
    long long last_text_id;     /* ... and its id; 0 when none */
    unsigned long long last_text_gen;   /* valid while generation is this */
    /* Texts seen stored, key -> id (texts.c): open addressing, empty slots
     * all-zero, valid for generation known_gen. */
    struct pg_known *known;
    size_t known_cap, known_n;
    unsigned long long known_gen;
    int known_complete;         /* every stored text is in the map */
    long long known_dv;         /* data_version when that was last checked */
    unsigned long long others;  /* write transactions begun after another
                                   connection had committed (pg_store_others) */
    /* Matches recorded in the open write transaction, written in one
     * sorted run before it commits (clusters.c). */
    struct pgs_match *matches;
    size_t n_matches, cap_matches;
    /* Papers placed and renamed in the open write transaction, and those
     * asked for in it (placing.c); NULL until the first. */
    struct pgs_placing *placing;
    pgs_ckpt *ckpt;             /* checkpoint.c, while files are grouped */
};

/* ---- transactions (tx.c) ------------------------------------------------ */

/* BEGIN IMMEDIATE, COMMIT and ROLLBACK as such, for opening (the schema
 * upgrade) and closing; the transactions of users go through tx.c's
 * functions, which also run the hooks.  pgs_rollback is safe when no
 * transaction is open.  No other file runs any of the three. */
pg_err pgs_begin(pg_store *s, const char *what, pg_error *err);
pg_err pgs_commit(pg_store *s, const char *what, pg_error *err);
void pgs_rollback(pg_store *s);
/* PG_OK inside a file transaction, else PG_ERR_USAGE. */
pg_err pgs_need_file(pg_store *s, pg_error *err);
/* Frees the hooks' contexts (at close). */
void pgs_hooks_free(pg_store *s);

/* ---- the checkpointer (checkpoint.c) ----------------------------------- */

/* While files are grouped: checkpoints on a thread of its own rather than
 * in the writing thread's commits.  Both are no-ops when there is nothing
 * to do; without memory or a thread, SQLite checkpoints as before. */
void pgs_ckpt_begin(pg_store *s);
void pgs_ckpt_end(pg_store *s);
/* For tests: the WAL frames that wake the thread and that make the
 * writing thread checkpoint (after pgs_ckpt_begin); and a wait until the
 * thread has served every wake-up (0 when it has not started). */
void pgs_ckpt_tune(pg_store *s, int kick_frames, int limit_frames);
int pgs_ckpt_drain(pg_store *s);

/* ---- files (occurrences.c) ---------------------------------------------- */

/* Inside the file transaction tx.c has begun: records the file, without
 * its content key yet, and sets *id to its files.id. */
pg_err pgs_new_file(pg_store *s, const char *path, const char *format,
                    long long *id, pg_error *err);
/* Gives the open file its content key and counts. */
pg_err pgs_finish_file(pg_store *s, pg_key content, const pg_file_counts *c,
                       pg_error *err);

/* ---- clusters (clusters.c) ---------------------------------------------- */

/* Writes the matches recorded in the open transaction (before COMMIT, and
 * before matches are read); drops them (after ROLLBACK); frees their
 * memory (at close). */
pg_err pgs_matches_flush(pg_store *s, pg_error *err);
void pgs_matches_drop(pg_store *s);
void pgs_matches_free(pg_store *s);

/* ---- writes held for the open transaction ------------------------------- */

/* Everything held (matches, papers) written: before COMMIT
 * and before anything reads the tables they go to (tx.c); and dropped
 * (after ROLLBACK). */
pg_err pgs_deferred_flush(pg_store *s, pg_error *err);
void pgs_deferred_drop(pg_store *s);

/* ---- papers of the open transaction (placing.c) ------------------------- */

/* Writes the transaction's placements and renames: before COMMIT, and
 * before anything reads clusters in it; drops them (after ROLLBACK, or
 * when the clusters are cleared); frees them (at close). */
pg_err pgs_placing_flush(pg_store *s, pg_error *err);
void pgs_placing_drop(pg_store *s);
void pgs_placing_free(pg_store *s);
/* Replaces id, the paper the table gives for text, with its paper in the
 * open transaction. */
void pgs_placing_paper(pg_store *s, long long text, char id[PG_ID_HEX]);

/* ---- texts (texts.c) ---------------------------------------------------- */

/* Checks, just after a write transaction's BEGIN, whether the map of texts
 * known stored is complete (texts.c); frees it (at close). */
void pgs_known_begin(pg_store *s);
void pgs_known_free(pg_store *s);

/* ---- abstracts (pack.c) ------------------------------------------------- */

/* Binds t's abstract as parameter i of st: as TEXT, or as a BLOB holding a
 * zstd frame (packed now with s's packer, or by the caller beforehand). */
void pgs_bind_abstract(pg_store *s, sqlite3_stmt *st, int i, const pg_text *t,
                       int *rc);
/* Frees the compression state (at close). */
void pgs_pack_free(pg_store *s);

/* ---- SQLite helpers (stmt.c) -------------------------------------------- */

/* "PATH: what: SQLite's message" as PG_ERR_DB (PG_ERR_NOMEM for SQLITE_NOMEM). */
pg_err pgs_db_fail(pg_store *s, int rc, const char *what, pg_error *err);
/* "PATH: what" as PG_ERR_USAGE. */
pg_err pgs_usage(pg_store *s, const char *what, pg_error *err);
/* PG_ERR_NOT_FOUND: a row would name a text that is not stored (what the
 * foreign keys would refuse, were they enforced: see db.c). */
pg_err pgs_no_text(pg_store *s, const char *what, pg_error *err);
/* PG_OK inside a write transaction, else PG_ERR_USAGE ("cluster tables
 * written outside a transaction"): the dedup stage's tables. */
pg_err pgs_need_write(pg_store *s, pg_error *err);
/* Steps a bound statement that returns no rows (rc: the bindings' code)
 * and readies it again; "PATH: what: SQLite's message" on failure. */
pg_err pgs_exec_bound(pg_store *s, sqlite3_stmt *st, int rc, const char *what,
                      pg_error *err);
/* sqlite3_step that waits out a busy database (first step only). */
int pgs_step_retry(sqlite3_stmt *st);
/* Resets a kept statement and clears its bindings. */
void pgs_stmt_done(sqlite3_stmt *st);
/* Runs parameterless SQL of our own, ignoring results. */
pg_err pgs_run_sql(pg_store *s, const char *sql, const char *what, pg_error *err);
/* Steps a kept INSERT or UPDATE whose parameters were bound (bind status in
 * rc) and readies it. */
pg_err pgs_write_row(pg_store *s, sqlite3_stmt *st, int rc, const char *what,
                     pg_error *err);
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
/* The statement of sql (a string that outlives s: it is looked up by
 * address), prepared on first use and kept until close; NULL with *err set
 * on failure. */
sqlite3_stmt *pgs_kept(pg_store *s, const char *sql, pg_error *err);
/* Finalizes the kept statements (at close). */
void pgs_kept_free(pg_store *s);
/* An abstract column: TEXT as it is, or a BLOB holding a zstd frame,
 * decompressed into scratch (with s's decompression context).  NULL when
 * the frame is corrupt or memory runs out.  (pack.c) */
const char *pgs_col_abstract(pg_store *s, sqlite3_stmt *st, int i, pg_buf *scratch);
/* Binds key as ?1 of st and steps it once (waiting out a busy database);
 * returns the step's result.  kb must outlive the statement's use. */
int pgs_step_key(sqlite3_stmt *st, pg_key key, unsigned char kb[16]);
/* The kept statement of sql with key bound as ?1, stepped once: *rc gets
 * the step's result (SQLITE_ROW, SQLITE_DONE or an error).  NULL with *err
 * set when it cannot be prepared.  kb must outlive the statement's use;
 * finish with pgs_stmt_done. */
sqlite3_stmt *pgs_key_step(pg_store *s, const char *sql, pg_key key,
                           unsigned char kb[16], int *rc, pg_error *err);
/* Reads a 16-byte key column; 0 when the column is not one. */
int pgs_col_key(sqlite3_stmt *st, int i, pg_key *out);

#endif
