/*
** store/internal.h: the store's calls for the stages above it (dedup,
** ingest, papers): file transactions and general ones with the hooks that
** keep a stage's memory in step with them, texts, occurrences, papers,
** settings, and a small statement API through which a stage keeps tables of
** its own.  No SQLite types: sqlite3.h stays inside src/store (store/db.h).
*/
#ifndef PG_STORE_INTERNAL_H
#define PG_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "papergraph/read.h"
#include "papergraph/store.h"

/* The schema version this build writes. */
#define PG_SCHEMA_VERSION 9

/* The path the store was opened with, for messages. */
const char *pg_store_path(const pg_store *s);

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
    /* 1: the caller places the text in its paper itself, in this
     * transaction (pg_store_set_paper_id), so no cluster row is written
     * here; 0: the text starts in the paper of its normalised text. */
    int unplaced;
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
/* Puts in out (replacing what it held; NUL-terminated) the text of the
 * frame z[0..zn) that pg_abstract_pack made.  PG_ERR_FORMAT when z is not
 * such a frame, PG_ERR_NOMEM. */
pg_err pg_abstract_unpack(pg_packer *p, const void *z, size_t zn, pg_buf *out);
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

/* Calls fn(ctx, day, text) for every occurrence recorded by the files
 * ingested under exactly this path (as given at ingest), other than the
 * file except_file (the one being ingested; 0 for none), in no particular
 * order; inside a file transaction the open group's files count too.  A
 * non-zero return stops the walk (store_recorded.c). */
typedef int (*pg_recorded_fn)(void *ctx, const char *day, pg_key text);
pg_err pg_store_foreach_recorded(pg_store *s, const char *path, long long except_file,
                                 pg_recorded_fn fn, void *ctx, pg_error *err);

/* ---- general transactions and hooks ---------------------------------- */

/* A general write transaction (for `dedup`), the same kind of lock as a file
 * transaction; not to be nested in one. */
pg_err pg_store_tx_begin(pg_store *s, pg_error *err);
pg_err pg_store_tx_commit(pg_store *s, pg_error *err);
void pg_store_tx_rollback(pg_store *s);
/* 1 while a write transaction is open: a file's, a group's or a general one. */
int pg_store_in_write(const pg_store *s);

/* Hooks through which a stage above keeps state in memory in step with the
 * store's transactions, without the store knowing what it is.  Any hook
 * may be NULL.
 *   begin       a file or a general transaction has started (the write lock
 *               is held); inside a group of files, at each file.  An error
 *               abandons the transaction.
 *   precommit   the transaction is about to commit (whole groups only): a
 *               last chance to write; an error rolls it back.
 *   committed   it committed.
 *   rolled_back it was rolled back: whatever it wrote is gone, and text ids
 *               it gave may be given again.
 *   free        at pg_store_close, after the last transaction.
 * Hooks run in the order they were added.  They must not begin, commit or
 * roll back transactions themselves. */
typedef struct pg_tx_hooks {
    pg_err (*begin)(void *ctx, pg_store *s, pg_error *err);
    pg_err (*precommit)(void *ctx, pg_store *s, pg_error *err);
    void (*committed)(void *ctx, pg_store *s);
    void (*rolled_back)(void *ctx, pg_store *s);
    void (*free)(void *ctx);
} pg_tx_hooks;

/* Adds hooks h (kept by address: a static table) with their context ctx,
 * which the store then owns (h->free frees it at close).  Added inside an
 * open transaction, they run from its end on: the caller catches up on the
 * open one itself.  PG_ERR_NOMEM: nothing added, ctx still the caller's. */
pg_err pg_store_add_tx_hooks(pg_store *s, const pg_tx_hooks *h, void *ctx,
                             pg_error *err);
/* The context added with hooks h, or NULL when none was. */
void *pg_store_tx_ctx(const pg_store *s, const pg_tx_hooks *h);
/* Changes at every rollback: memory of what was written before may be
 * stale (texts ids in particular). */
unsigned long long pg_store_generation(const pg_store *s);

/* Sets how s reads pages for an ingest of input_bytes of input, or (0) for
 * everything else, as a store opens.  Either way pages come from the OS's
 * cache; what differs is where they are kept.
 *   0: through a memory map of the file, with a page cache of CACHE_KIB:
 *      reading papers back scans large tables, and a map saves a copy and
 *      an allocation per page;
 *   > 0: copied, into a page cache of twice the input (at least
 *      INGEST_CACHE_MIN_KIB, at most CACHE_KIB).  An ingest reads its
 *      store's indexes at random places.  Through the map every page it
 *      touches stays resident and each first touch is a fault that maps
 *      its neighbours too; each page taken into a large cache is fresh
 *      memory, faulted in page by page.  A day's ingest reads each page
 *      about once, so both were most of its cost; a small cache reuses
 *      its memory.  A bulk run re-reads its indexes, so its cache grows
 *      with its input. */
pg_err pg_store_tune_reads(pg_store *s, unsigned long long input_bytes, pg_error *err);

/* How many of s's write transactions began after another connection had
 * committed (SQLite's data_version moved; the first one counts too).  What
 * a stage keeps of the store's rows that others may change, it drops when
 * this moves. */
unsigned long long pg_store_others(const pg_store *s);

/* ---- statements ------------------------------------------------------- */

/* An SQL statement of the store's connection, for a stage that keeps tables
 * of its own in the database (their schema is the store's, schema.c).
 * Prepared once and kept by the store until close; reset by
 * pg_stmt_done() after each use (a statement left unreset holds a read
 * snapshot open).  Parameters are bound in a row: each binder does nothing
 * once *rc is non-zero, and pg_stmt_step() reports a failed binding. */
typedef struct pg_stmt pg_stmt;

/* The kept statement of sql: sql must outlive s (a string literal), as it is
 * looked up by its address.  NULL with *err set when it cannot be prepared. */
pg_stmt *pg_store_stmt(pg_store *s, const char *sql, pg_error *err);
void pg_stmt_bind_int(pg_stmt *st, int i, long long v, int *rc);
/* p[0..n) is not copied: it must live until pg_stmt_done.  NULL binds NULL;
 * any other p a BLOB of n bytes (0 included). */
void pg_stmt_bind_blob(pg_stmt *st, int i, const void *p, size_t n, int *rc);
/* Likewise: UTF-8 text p[0..n), not copied. */
void pg_stmt_bind_text(pg_stmt *st, int i, const char *p, size_t n, int *rc);
/* A key as its 16-byte BLOB, written to kb (which must live as long). */
void pg_stmt_bind_key(pg_stmt *st, int i, pg_key k, unsigned char kb[16], int *rc);
/* Steps st: *row is 1 when a row is ready, 0 when the statement is done.
 * The first step waits out a busy database.  rc: the binders' status.  On
 * error "PATH: what: SQLite's message" (PG_ERR_DB, or PG_ERR_NOMEM). */
pg_err pg_stmt_step(pg_store *s, pg_stmt *st, int rc, int *row, const char *what,
                    pg_error *err);
/* Steps a statement that returns no rows and readies it (pg_stmt_done). */
pg_err pg_stmt_exec(pg_store *s, pg_stmt *st, int rc, const char *what,
                    pg_error *err);
/* Readies st for its next use: resets it and clears its bindings. */
void pg_stmt_done(pg_stmt *st);
/* Columns of the current row, valid until the next step or pg_stmt_done. */
long long pg_stmt_int(pg_stmt *st, int i);
/* A BLOB column's bytes (*n of them), or NULL with *n 0 when the column is
 * not a BLOB or an empty one. */
const void *pg_stmt_blob(pg_stmt *st, int i, size_t *n);
/* A text column; "" for NULL. */
const char *pg_stmt_text(pg_stmt *st, int i);
/* A 16-byte key column into *out; 0 when the column is not one. */
int pg_stmt_key(pg_stmt *st, int i, pg_key *out);
/* Runs parameterless SQL of our own, ignoring any rows. */
pg_err pg_store_exec(pg_store *s, const char *sql, const char *what, pg_error *err);

/* ---- texts, papers and settings ---------------------------------------- */

/* pg_store_text_info of text, read by its id (texts.id) when id > 0: one
 * b-tree search fewer.  PG_ERR_NOT_FOUND when id is not text's. */
pg_err pg_store_text_info_id(pg_store *s, pg_key text, long long id, pg_text_info *out,
                             pg_error *err);
/* Reads again what the occurrences of text id say of it into t: its
 * authors, year and venue (t->venue replaced), as pg_store_text_info_id
 * reads them. */
pg_err pg_store_text_occ_meta(pg_store *s, long long id, pg_text_info *t, pg_error *err);
/* The id (texts.id) of a stored text, or 0 when there is none. */
pg_err pg_store_text_id(pg_store *s, pg_key text, long long *id, pg_error *err);
/* Calls fn for the key of every stored text, in key order; a non-zero
 * return stops the walk. */
typedef int (*pg_key_fn)(void *ctx, pg_key key);
pg_err pg_store_foreach_text(pg_store *s, pg_key_fn fn, void *ctx, pg_error *err);

/* Records a verified "same paper" decision between two stored texts, by
 * text id (texts.id). */
pg_err pg_store_add_match_ids(pg_store *s, long long a, long long b, const char *rule,
                              double score, pg_error *err);
/* The paper of a stored text, or "" when it has none. */
pg_err pg_store_paper_of_id(pg_store *s, long long text, char id[PG_ID_HEX],
                            pg_error *err);
/* Puts a text in a paper (insert or replace). */
pg_err pg_store_set_paper_id(pg_store *s, long long text, const char *paper_id,
                             pg_error *err);
/* Moves every text of paper `from` into paper `to`. */
pg_err pg_store_rename_paper(pg_store *s, const char *from, const char *to,
                             pg_error *err);
/* Forgets all matches and clusters (inside pg_store_tx_begin), before
 * `dedup` recomputes them. */
pg_err pg_store_clear_clusters(pg_store *s, pg_error *err);
/* Settings: get appends the value to out and sets *found. */
pg_err pg_store_get_setting(pg_store *s, const char *key, pg_buf *out,
                            int *found, pg_error *err);
pg_err pg_store_set_setting(pg_store *s, const char *key, const char *value,
                            pg_error *err);

/* ---- the schema (schema.c) ------------------------------------------ */

/* Migration v brings a database from PRAGMA user_version v-1 to v; a new
 * database runs them all.  db.c applies the pending ones in a single
 * transaction and sets user_version and application_id itself, so a
 * migration is nothing but SQL text.  To change the schema, add the next
 * migration in schema.c and raise PG_SCHEMA_VERSION above; never edit a
 * migration that has been released. */

/* PRAGMA application_id of a papergraph database: "PGRH". */
#define PG_APPLICATION_ID 0x50475248

/* The SQL of migration version (1..PG_SCHEMA_VERSION), or NULL when there is
 * no such migration.  The text may hold several statements. */
const char *pg_schema_migration(int version);

/* ---- the daily digest (store_digest.c) ------------------------------ */

/* The first and last listing day of the occurrences, as YYYY-MM-DD; both ""
 * when no occurrence has a day.  Read through file_days. */
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
 * (YYYY-MM-DD), in no particular order.  The day's texts are the
 * occurrences of the day's files (file_days, then a range of the
 * occurrences' key per file), their papers' other texts are found through
 * clusters_paper and each text's last day before through occurrences_text
 * (text_id, day), covering: the cost follows the day's files and papers,
 * not the size of the store, and no text row is read.  A non-zero return
 * from fn stops the walk (PG_OK). */
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
