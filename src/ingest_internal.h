/*
** ingest_internal.h: what ingest.c shares with its producer thread
** (ingest_pipe.c): the CPU-only work on one record (ingest_prep.c) and the
** bounded queue that hands prepared records to the thread doing the SQLite
** work.  Not installed.
*/
#ifndef PG_INGEST_INTERNAL_H
#define PG_INGEST_INTERNAL_H

#include <stdio.h>

#include "papergraph/buf.h"
#include "papergraph/dedup.h"
#include "papergraph/ingest.h"
#include "papergraph/reader.h"
#include "papergraph/record.h"

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

/* ---- the producer thread and its queue (ingest_pipe.c) ------------------ */

typedef struct pgi_pipe pgi_pipe;

/* A pipe whose warnings go to warn/warn_ctx (may be NULL) on the thread
 * that calls pgi_pipe_next.  session may be NULL (then the pipe keeps its
 * own, for this file only). */
pg_err pgi_pipe_new(pg_ingest_session *session, pg_warn_fn warn, void *warn_ctx,
                    pgi_pipe **out, pg_error *err);

/* The warning callback to open the reader with, ctx the pipe: before
 * pgi_pipe_start it passes warnings straight on; once the producer reads,
 * it queues them with the records. */
void pgi_pipe_warn(void *ctx, const char *file, long line, const char *msg);

/* Starts the producer thread reading r (which must outlive the pipe).
 * PG_ERR_INTERNAL when no thread can be started: the caller may then read
 * r itself, the pipe still passing its warnings on. */
pg_err pgi_pipe_start(pgi_pipe *p, pg_reader *r, pg_error *err);

/* The next record, as pg_reader_next gives it, first delivering the
 * warnings read before it.  *key is its raw key; *t its new-text data with
 * *base the arena t's offsets are in, or *t NULL when the producer did not
 * prepare it (a text seen before in the session).  Everything stays valid
 * until the next call.  PG_DONE at the end; a reader's error as the reader
 * gave it. */
pg_err pgi_pipe_next(pgi_pipe *p, pg_record *rec, pg_key *key, const pgi_text **t,
                     const char **base, pg_error *err);

/* Warnings delivered so far (passed on before start, then queued ones). */
long pgi_pipe_warnings(const pgi_pipe *p);

/* Stops the producer (it ends after the record it is reading), joins it
 * and frees everything.  NULL is a no-op. */
void pgi_pipe_free(pgi_pipe *p);

#endif
