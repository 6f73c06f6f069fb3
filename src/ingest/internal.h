/*
** ingest_internal.h: what ingest.c shares with its producer thread
** (ingest_pipe.c): the CPU-only work on one record (ingest_prep.c) and the
** bounded queue that hands prepared records to the thread doing the SQLite
** work.  Not installed.
*/
#ifndef PG_INGEST_INTERNAL_H
#define PG_INGEST_INTERNAL_H

#include <stdio.h>

#include "papergraph/base.h"
#include "dedup/internal.h"
#include "papergraph/ingest.h"
#include "papergraph/read.h"

/* Ingests a seekable stream whose content key and size are known: what
 * pg_ingest_path and pg_ingest_stream do once they have hashed the input
 * (tests also give it streams that fail part-way). */
pg_err pgi_ingest_keyed(pg_store *s, FILE *fp, const char *name, pg_key key,
                        unsigned long long size, const pg_ingest_opts *o,
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
} pgi_text;

/* The raw content key of a record: title "\n" abstract, then the identity
 * of a record without abstract (built in scratch). */
pg_err pgi_raw_key(const pg_record *rec, pg_buf *scratch, pg_key *key);

/* Appends to arena the data of rec's text as new and fills *t.  packer
 * non-NULL also packs the abstract; keys non-zero also computes the index
 * keys.  PG_ERR_NOMEM (no message) on failure. */
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

/* ---- the producer thread and its queue (ingest_pipe.c) ------------------ */

typedef struct pgi_pipe pgi_pipe;

/* A pipe of its own (session NULL: it keeps its own set of seen texts),
 * to free with pgi_pipe_free. */
pg_err pgi_pipe_new(pg_ingest_session *session, pgi_pipe **out, pg_error *err);

/* The session's pipe, made at first use and freed with the session. */
pg_err pgi_pipe_of(pg_ingest_session *session, pgi_pipe **out, pg_error *err);

/* What the producer found opening an input (the job's head). */
typedef struct pgi_head {
    int fallback;           /* the path is not a regular file (or is gone):
                               nothing was opened; ingest it on this thread */
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
 * error as it is; PG_ERR_INTERNAL (no message) when no thread can be had:
 * the caller then reads on its own thread. */
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

/* Done with the open input: the producer stops reading it (not what it
 * reads ahead) and its batches are dropped.  No-op when none is open. */
void pgi_pipe_close(pgi_pipe *p);

/* Stops the producer (it ends after the record it is reading), joins it
 * and frees everything.  NULL is a no-op. */
void pgi_pipe_free(pgi_pipe *p);

#endif
