/*
** ingest/internal.h: what the files of the ingest stage share: the one way
** an input is read (a source, ingest_source.c), the CPU-only work on one
** record (ingest_prep.c), the producer thread and its queue
** (ingest_pipe.c), the run's session (ingest_session.c) and the entries
** already recorded under a path (ingest_recorded.c).  Not installed.
*/
#ifndef PG_INGEST_INTERNAL_H
#define PG_INGEST_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "papergraph/base.h"
#include "dedup/internal.h"
#include "papergraph/ingest.h"
#include "papergraph/read.h"

/* Ingests a stream whose content key and size are known (tests give it
 * streams that fail part-way): what pg_ingest_path and pg_ingest_stream do
 * once they have hashed the input. */
pg_err pgi_ingest_keyed(pg_store *s, FILE *fp, const char *name, pg_key key,
                        unsigned long long size, const pg_ingest_opts *o,
                        pg_ingest_result *res, pg_error *err);

/* How far the file being ingested is: called every PGI_TICK_RECORDS
 * records with the records read so far and about how many bytes of the
 * input they come from. */
#define PGI_TICK_RECORDS 512
typedef struct pgi_tick {
    void (*fn)(void *ctx, long long entries, unsigned long long bytes);
    void *ctx;
} pgi_tick;

/* The one route of every ingest (ingest.c): opens the input (path, "-" for
 * standard input, or the stream fp named name when path is NULL), skips it
 * when its bytes were ingested before, else writes its records as one file
 * transaction.  tick may be NULL. */
pg_err pgi_ingest_one(pg_store *s, const char *path, FILE *fp, const char *name,
                      const pg_ingest_opts *o, const pgi_tick *tick,
                      pg_ingest_result *res, pg_error *err);

/* A new text's CPU-only data, everything the store and the near-duplicate
 * stage need beyond the record itself.  Strings live in an arena (a
 * pg_buf) and are named by offsets, since the arena moves as it grows. */
typedef struct pgi_text {
    size_t norm, norm_len;  /* normalised title "\n" normalised abstract, then
                               the identity of a record without abstract */
    size_t title_len;       /* of the normalised title */
    size_t abstract_len;    /* of the normalised abstract */
    pg_key norm_key;        /* of norm[0..norm_len) */
    int truncated;
    size_t urls, urls_len;  /* the canonical URLs in the order they are
                               stored (repeats kept), each ending in NUL */
    int packed;             /* 0: leave packing to the store; 1: packed_len
                               bytes at packed_at hold the zstd frame, or
                               packed_len is 0 to store the text as is */
    size_t packed_at, packed_len;
    int has_keys;           /* keys holds pg_dedup_keys_of() of the text */
    pg_dedup_keys keys;
    int has_shingles;       /* shingles describes the abstract's shingles,
                               whose arrays are at shingles_at (NULL
                               pointers in shingles: the arena moves) */
    size_t shingles_at;
    pg_dedup_shingles shingles;
    int has_record;         /* record_len bytes at record_at hold the dedup
                               stage's record of the text */
    size_t record_at, record_len;
} pgi_text;

/* Points *v (room for *cap, grown with realloc; the caller frees it) at the
 * URLs of urls[0..len) (each ending in NUL), sorted, each once, *n of
 * them: the list the store gives back.  PG_ERR_NOMEM. */
pg_err pgi_list_urls(const char *urls, size_t len, const char ***v, size_t *n,
                     size_t *cap);

/* The raw content key of a record: title "\n" abstract, then the identity
 * of a record without abstract (built in scratch). */
pg_err pgi_raw_key(const pg_record *rec, pg_buf *scratch, pg_key *key);

/* Appends to arena the data of rec's text as new and fills *t.  packer
 * non-NULL also packs the abstract; keys non-zero also computes the index
 * keys, the abstract's shingles and the dedup stage's record of the text.
 * PG_ERR_NOMEM (no message) on failure. */
pg_err pgi_prepare_text(const pg_record *rec, pg_buf *arena, pgi_text *t,
                        pg_packer *packer, int keys);

/* Hashes the rest of src (XXH3-128); when copy is non-NULL the bytes are
 * also written there.  *size receives the byte count.  Errors name `name`.
 * stop (may be NULL) is asked once a chunk (1 MiB): when it answers
 * non-zero, hashing ends with PG_DONE and no key. */
pg_err pgi_hash_stream(FILE *src, FILE *copy, const char *name, pg_key *key,
                       unsigned long long *size, int (*stop)(void *), void *stop_ctx,
                       pg_error *err);

/* The same over a seekable file, then rewound for reading. */
pg_err pgi_hash_file(FILE *fp, const char *name, pg_key *key, unsigned long long *size,
                     int (*stop)(void *), void *stop_ctx, pg_error *err);

/* ---- the run's session (ingest_session.c) ----------------------------- */

typedef struct pgi_pipe pgi_pipe;

/* What one run remembers across its files: the raw keys of the texts the
 * producer thread has prepared, 8 bytes each in an open-addressing set
 * (used by the producer only), and the run's pipe. */
struct pg_ingest_session {
    uint64_t *slot;
    size_t cap, n;          /* cap: a power of two, or 0 before the first key */
    pgi_pipe *pipe;         /* the run's producer, made at first use */
};

/* Remembers k; 1 when it was not remembered before.  A full set starts
 * over: forgetting only means preparing a text again. */
int pgi_session_add(pg_ingest_session *s, pg_key k);

/* Records a pipe reads, over all its jobs (a run of files shares one),
 * before its producer may leave texts to a waiting consumer: a run of a
 * few days (a real listing holds 60-260 entries) is the consumer's
 * bottleneck anyway, and each text it prepares is time added to the run.
 * Past it, a bulk run's consumer helps with the first files' new texts
 * instead of waiting for them.  Later files of a longer run are shared as
 * any other records.  The count is the pipe's, which lives as long as its
 * session: a caller that keeps one session over several runs has it
 * count them all. */
#define PGI_SHARE_AFTER 1024

/* The session's pipe, made at first use and freed with the session. */
pg_err pgi_pipe_of(pg_ingest_session *session, pgi_pipe **out, pg_error *err);

/* ---- the producer thread and its queue (ingest_pipe.c) ------------------ */

/* A pipe of its own (session NULL: it keeps its own set of seen texts),
 * to free with pgi_pipe_free. */
pg_err pgi_pipe_new(pg_ingest_session *session, pgi_pipe **out, pg_error *err);

/* What the producer found opening an input (the job's head). */
typedef struct pgi_head {
    int fallback;           /* the producer does not read this input: the
                               path is not a regular file (or is gone), or
                               no thread could be started.  Nothing was
                               opened; read it on this thread */
    pg_key key;             /* a path's content key and size */
    unsigned long long size;
    int failed;             /* the reader could not be opened: the first
                               pgi_pipe_next gives the error */
    int read_ahead;         /* opened and hashed before it was asked for */
} pgi_head;

/* Makes path, read with o's format and reading options, the input that
 * pgi_pipe_next reads, and waits for its head.  The input read ahead (the
 * previous call's o->next_path) is used when it is this one; anything else
 * the producer was doing is cancelled.  o->next_path, when set, is then
 * read ahead.  Warnings go to o->warn on this thread.  Returns a hashing
 * error as it is. */
pg_err pgi_pipe_open_path(pgi_pipe *p, const char *path, const pg_ingest_opts *o,
                          pgi_head *h, pg_error *err);

/* The same over a stream the caller opened (it stays the caller's, and must
 * stay open until pgi_pipe_close), named name; h->key is not set. */
pg_err pgi_pipe_open_stream(pgi_pipe *p, FILE *fp, const char *name,
                            const pg_ingest_opts *o, pgi_head *h, pg_error *err);

/* The next record of the open input, as pg_reader_next gives it, first
 * delivering the warnings read before it.  *key is its raw key; *t its
 * new-text data with *base the arena t's offsets are in, or *t NULL when
 * the producer did not prepare it (a text seen before in the session).
 * Everything stays valid until the next call.  PG_DONE at the end; a
 * reader's error as the reader gave it (and again at every later call). */
pg_err pgi_pipe_next(pgi_pipe *p, pg_record *rec, pg_key *key, const pgi_text **t,
                     const char **base, pg_error *err);

/* Delivers the warnings queued before the next record now (those opening
 * the input gave, right after pgi_pipe_open_*). */
void pgi_pipe_deliver(pgi_pipe *p);

/* Warnings delivered for the open input so far. */
long pgi_pipe_warnings(const pgi_pipe *p);

/* About how many bytes of the open input the records given so far come
 * from (the input's position when their batch was filled). */
unsigned long long pgi_pipe_offset(const pgi_pipe *p);

/* Done with the open input: the producer stops reading it (not what it
 * reads ahead) and its batches are dropped.  No-op when none is open. */
void pgi_pipe_close(pgi_pipe *p);

/* Stops the producer (it ends after the record it is reading), joins it
 * and frees everything.  NULL is a no-op. */
void pgi_pipe_free(pgi_pipe *p);

/* ---- a source: one input, read one way whatever it is (ingest_source.c) -- */

/* An input being ingested: a path or a stream, read on this thread by a
 * reader of its own ("direct") or by the producer thread ("piped").
 * Opening gives the content key and size; starting opens the reader; then
 * records come one by one the same way whichever way they are read.  What
 * decides the way: the options' threads, whether a thread can be had, and
 * whether a path is a regular file (anything else is copied to a temporary
 * file while it is hashed, then read from there). */
typedef struct pgi_source {
    const char *name;           /* in messages and in the store */
    pg_key key;                 /* the content's XXH3-128 */
    unsigned long long size;    /* its bytes */
    int read_ahead;             /* the producer had opened it before asked */

    /* The source's own. */
    const pg_ingest_opts *o;
    pgi_pipe *pipe;             /* piped: the producer's open input */
    pgi_pipe *own_pipe;         /* a pipe made for this source alone */
    int failed;                 /* piped: the producer could not open a reader */
    FILE *fp;                   /* direct: what the reader reads */
    FILE *own_fp;               /* the file opened here or the temporary copy */
    pg_reader *reader;          /* direct, once started */
    pg_buf raw;                 /* direct: raw key scratch */
} pgi_source;

/* Opens path ("-": standard input, named "<stdin>"), or the stream fp named
 * name when path is NULL (the stream stays the caller's), and hashes it.
 * Errors name the input: PG_ERR_IO (missing, a directory, unreadable),
 * PG_ERR_NOMEM.  src is to be closed with pgi_source_close in every case. */
pg_err pgi_source_open(pgi_source *src, const char *path, FILE *fp, const char *name,
                       const pg_ingest_opts *o, pg_error *err);

/* The same over a stream whose key and size are known. */
pg_err pgi_source_open_keyed(pgi_source *src, FILE *fp, const char *name, pg_key key,
                             unsigned long long size, const pg_ingest_opts *o,
                             pg_error *err);

/* Starts reading records: opens the reader (its warnings go out now).
 * The reader's error (PG_ERR_NOT_TEXT, ...) when it cannot be opened. */
pg_err pgi_source_start(pgi_source *src, pg_error *err);

/* The next record, with its raw key and, when the producer prepared it, its
 * new-text data (*t, in *base; else *t is NULL), as pgi_pipe_next.
 * PG_DONE at the end. */
pg_err pgi_source_next(pgi_source *src, pg_record *rec, pg_key *key, const pgi_text **t,
                       const char **base, pg_error *err);

/* Warnings delivered so far; bytes of the input read so far (about). */
long pgi_source_warnings(const pgi_source *src);
unsigned long long pgi_source_offset(const pgi_source *src);

/* Ends reading and frees what the source opened.  Safe after a failed open. */
void pgi_source_close(pgi_source *src);

/* ---- entries already recorded under a path (ingest_recorded.c) ---------- */

/* The (day, text) pairs recorded by earlier files of the same path, each
 * with how many times: a multiset that a page read again is checked
 * against, one entry taken off per match. */
typedef struct pgi_recorded {
    struct pgi_recorded_item *v;
    size_t n, cap;
    int nomem;              /* loading ran out of memory */
} pgi_recorded;

#define PGI_RECORDED_INIT { NULL, 0, 0, 0 }

/* Loads what the store recorded under path, except the open file file_id. */
pg_err pgi_recorded_load(pgi_recorded *r, pg_store *s, const char *path, long long file_id,
                         pg_error *err);
/* 1 (and one fewer left) when an occurrence of text on day is recorded and
 * not yet matched by an earlier record of this reading; else 0. */
int pgi_recorded_take(pgi_recorded *r, const char *day, pg_key text);
void pgi_recorded_release(pgi_recorded *r);

#endif
