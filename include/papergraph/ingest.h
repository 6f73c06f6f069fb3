/*
** ingest.h: read input files into the store.
**
** Glues a reader, the normaliser, the fingerprints and the store: each record
** is keyed by content, its text stored once, its occurrence always (but for
** an entry already recorded: see pg_ingest_result.recorded).  A file is in
** the database whole or not at all.  A file whose bytes were ingested before
** (same XXH3-128, whatever its path) is skipped and changes nothing.
** Reading and preparing records may run on a second thread
** (pg_ingest_opts.threads); the store is only ever used from the calling
** thread.
**
** pg_ingest_files ingests a list of files as a run: files committed in
** groups, a group lost to a failing file read again, progress and per-file
** outcomes through callbacks.  pg_ingest_path and pg_ingest_stream ingest
** one input in a transaction of its own (or into the store's open group,
** see pg_store_group_files).
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

struct pg_ingest_event;         /* below */
struct pg_ingest_progress;

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
    /* pg_ingest_files only: see there.  All may be 0/NULL. */
    unsigned long long group_bytes;     /* 0: PG_INGEST_GROUP_BYTES */
    void (*on_file)(void *ctx, const struct pg_ingest_event *ev);
    void (*on_progress)(void *ctx, const struct pg_ingest_progress *p);
    void *hook_ctx;
    /* May be NULL: called when opening a path waits for a FIFO's writer
     * (see pg_input_open), on the calling thread. */
    pg_wait_fn waiting;
    void *waiting_ctx;
} pg_ingest_opts;

typedef struct pg_ingest_result {
    long long entries;      /* records read */
    long long new_texts;    /* texts not known before */
    long long known;        /* records whose text was already known */
    long long recorded;     /* of those, records already recorded: an
                               earlier file ingested under the same path
                               holds an occurrence of the same text on the
                               same listing day (each such occurrence
                               matches one record: a text listed twice
                               counts twice).  Not stored again.  Only
                               paths are compared, never standard input or
                               a stream */
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

/* ---- a run over many files ------------------------------------------- */

/* Files are committed in groups of this many bytes of input: one commit per
 * small file costs more than the rows it writes. */
#define PG_INGEST_GROUP_BYTES ((unsigned long long)64 << 20)

typedef enum pg_ingest_event_kind {
    PG_INGEST_READ,         /* a file was read into the open group (not
                               durable yet): path, res */
    PG_INGEST_COMMITTED,    /* its group committed: path, res, durable */
    PG_INGEST_FAILED,       /* a file could not be read: path, err;
                               nothing of it is stored */
    PG_INGEST_LOST          /* files read into a group that did not commit
                               (its commit failed: err; or the run stopped
                               at a failed file: err NULL): paths[0..n).
                               Ingest them again */
} pg_ingest_event_kind;

typedef struct pg_ingest_event {
    pg_ingest_event_kind kind;
    const char *path;
    const pg_ingest_result *res;
    const pg_error *err;
    const char *const *paths;
    size_t n;
} pg_ingest_event;

/* How far a run is, called after every file and every few hundred
 * records; the caller decides what to show and how often. */
typedef struct pg_ingest_progress {
    size_t files_done;          /* files finished (read, skipped or failed) */
    size_t files_total;
    long long entries;          /* records read */
    unsigned long long bytes_done;  /* input read, about */
    unsigned long long bytes_total; /* sizes of the paths that were regular
                                       files when the run began (0: none) */
} pg_ingest_progress;

/* What a run did: committed files only (failed counts FAILED and LOST). */
typedef struct pg_ingest_totals {
    long files, skipped, failed;
    long long entries, new_texts, known, recorded, warnings;
} pg_ingest_totals;

/* Ingests paths[0..n) in order ("-" is standard input) with o's options,
 * in one session (o->session, or one of the run's own), so that the
 * producer reads the next file while this one is written (o->next_path is
 * ignored).  Files share a transaction until they total o->group_bytes of
 * input; a file's outcome is final once its group commits (event
 * COMMITTED).  A file that fails after its group began takes the group
 * with it: the group's other files are then read again, so each file still
 * ends whole or absent and only the failed file is missing.  Standard
 * input, which cannot be read again, is a group of its own.
 *
 * A file that cannot be read (PG_ERR_IO, NOT_TEXT, FORMAT, TOO_LONG) does
 * not stop the run.  Any other error (the database's) stops it: it is
 * returned, with its message in *err, after being told as the file's
 * FAILED event or the LOST event of a commit (only an error before the
 * first file, PG_ERR_NOMEM, is told by the return alone).  Files held in a
 * group the failure took are told LOST; those of a group still open are
 * committed.  Events and progress go to o->on_file and o->on_progress
 * (with o->hook_ctx) on the calling thread.  *totals (may be NULL) is
 * filled in every case. */
pg_err pg_ingest_files(pg_store *s, const char *const *paths, size_t n,
                       const pg_ingest_opts *o, pg_ingest_totals *totals,
                       pg_error *err);

#endif
