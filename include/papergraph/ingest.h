/*
** ingest.h: read input files into the store.
**
** Glues a reader, the normaliser, the fingerprints and the store: each record
** is keyed by content, its text stored once, its occurrence always.  One file
** is one transaction.  A file whose bytes were ingested before (same XXH3-128,
** whatever its path) is skipped and changes nothing.  Reading and preparing
** records may run on a second thread (pg_ingest_opts.threads); the store is
** only ever used from the calling thread.
*/
#ifndef PAPERGRAPH_INGEST_H
#define PAPERGRAPH_INGEST_H

#include <stdio.h>
#include "papergraph/read.h"
#include "papergraph/store.h"

/* What one run remembers across its files so that work is not done twice:
 * the texts the producer thread has prepared (8 bytes each; a few tens of
 * MB at most, then it starts over).  Used by one ingest at a time. */
typedef struct pg_ingest_session pg_ingest_session;
pg_err pg_ingest_session_new(pg_ingest_session **out, pg_error *err);
void pg_ingest_session_free(pg_ingest_session *s);     /* NULL is a no-op */

typedef struct pg_ingest_opts {
    pg_input_format format;
    int year;               /* see pg_read_opts */
    size_t max_line;        /* see pg_read_opts */
    pg_encoding encoding;   /* see pg_read_opts */
    pg_warn_fn warn;        /* may be NULL; always called on the calling
                               thread, in the order of the input */
    void *warn_ctx;
    /* 1: everything on the calling thread.  2 or more: a second thread
     * reads the file and prepares the new texts (normalising, keying,
     * compressing) while the calling thread does the database work; the
     * database is the same either way.  0: 2 when the machine has more
     * than one processor, else 1. */
    int threads;
    /* With a producer thread: the run's session, shared by the files of a
     * run so that a text met in an earlier file is not prepared again;
     * NULL: the ingest keeps one of its own. */
    pg_ingest_session *session;
    /* With a producer thread and a session: the path the caller will most
     * likely ingest next, with these options.  The producer starts hashing
     * and reading it as soon as it is done with this one, while this
     * thread still writes and commits.  A hint only: ingesting another path
     * next costs the work done ahead, never a difference in the store.
     * NULL or "-" (standard input is never read ahead): no read-ahead. */
    const char *next_path;
    /* May be NULL: called when opening a path waits for a FIFO's writer
     * (see pg_input_open), on the calling thread. */
    pg_wait_fn waiting;
    void *waiting_ctx;
} pg_ingest_opts;

typedef struct pg_ingest_result {
    long long entries;      /* records read */
    long long new_texts;    /* texts not known before */
    long long known;        /* records whose text was already known */
    long long prepared;     /* new texts the producer thread had prepared
                               (0 with one thread) */
    long long warnings;
    unsigned long long bytes;
    int read_ahead;         /* 1: the producer thread had opened, hashed and
                               started reading it before this call (it was
                               the previous call's next_path, unchanged) */
    int skipped;            /* 1: same content as an ingested file, nothing changed */
    char same_as[1024];     /* with skipped: that file's path (may be cut) */
} pg_ingest_result;

/* Ingests one file ("-" is standard input, recorded as "<stdin>").
 * Errors name the file: PG_ERR_IO (missing, a directory, unreadable),
 * PG_ERR_NOT_TEXT (binary), PG_ERR_DB.  On error nothing of the file is
 * stored.  *res is filled in every case. */
pg_err pg_ingest_path(pg_store *s, const char *path, const pg_ingest_opts *o,
                      pg_ingest_result *res, pg_error *err);

/* The same over an open stream, named name in messages and in the store. */
pg_err pg_ingest_stream(pg_store *s, FILE *fp, const char *name,
                        const pg_ingest_opts *o, pg_ingest_result *res,
                        pg_error *err);

#endif
