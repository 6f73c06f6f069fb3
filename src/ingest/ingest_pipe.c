/*
** ingest_pipe.c: the producer thread of an ingest and the bounded queue
** between it and the thread that does the SQLite work.
**
** About a third of ingesting is CPU work that needs no database: hashing
** the file, parsing, keying, normalising, scanning for URLs, MinHash,
** compressing.  The producer does it while the calling thread (the
** consumer) writes the records before: it reads records, copies each into
** a batch (a record points into the reader's buffers only until the next
** read), keys it, and prepares the new-text data (ingest_prep.c) of every
** text the session has not seen.  The consumer makes every store call, in
** the order a single thread would, and computes itself what was not
** prepared, with the same functions, so the database is the same either way.
**
** The producer works through jobs, one per input: a path (it opens the
** file, hashes it, then parses it) or a stream the caller opened and
** hashed.  A run's session keeps one pipe for all its files, and the
** caller may name the file it will ingest next (pg_ingest_opts.next_path):
** that file becomes a job at once, so the producer hashes and reads it
** while the consumer finishes and commits the one before, instead of both
** waiting for each other at every file boundary.  Asking for another input
** than the one read ahead cancels the read-ahead: it costs only the work
** done, never a difference in the database.
**
** Why it is shaped so:
** - Batches of BATCH_RECORDS records (or BATCH_BYTES of data), at most
**   N_BATCHES of them allocated and reused for the whole run: memory stays
**   bounded whatever the input, and the two threads meet once a batch, not
**   once a record.  A job's first batches are smaller (FIRST_BATCH,
**   doubling), so that a small file overlaps too.
** - Every batch carries its job's number; a job ends with a batch whose
**   `end` is not PG_OK (the input ended, failed, or the job was cancelled),
**   so the consumer can always drain a job to its end, and skips the
**   batches of jobs it cancelled.
** - The producer cannot ask the store whether a text is known (a store is
**   one thread's), so it prepares every text the session has not seen: the
**   session remembers 8 bytes per text in an open-addressing set.  A text
**   prepared and then found known costs a little CPU on the other core; one
**   remembered but not stored (its file rolled back) is prepared by the
**   consumer, as is one the set takes for seen because another key has
**   the same 64 bits: correctness never depends on the set.
** - Preparing is shared when the producer is the slower thread: while the
**   consumer waits for a batch, the producer reads on without preparing
**   (past the run's first PGI_SHARE_AFTER records), and the consumer prepares
**   those texts as it meets them.  Which thread prepared a text never shows
**   in the database.
** - Warnings are queued with the records they come before and delivered by
**   the consumer, so the caller's callback runs on its own thread, in the
**   order reading gave them, and never for records after a failure.
** - A path that is not a regular file (a directory, a pipe, a missing file)
**   is not opened by the producer at all: its job ends at once with
**   `fallback`, and the consumer handles it the way one thread would, so
**   errors read the same and a pipe's bytes are never taken ahead.  When no
**   thread can be started, every head says `fallback` too: running on one
**   thread is a way of reading, not an error.
*/
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/internal.h"
#include "ingest/internal.h"

#define BATCH_RECORDS 256
#define FIRST_BATCH 16
#define BATCH_BYTES ((size_t)1 << 20)
#define N_BATCHES 4
/* Jobs waiting for the producer: the one asked for and one read-ahead. */
#define MAX_JOBS 2

/* ---- batches --------------------------------------------------------- */

/* One record, its strings as offsets into the batch's arena. */
typedef struct item {
    size_t title, abstract, author_names, date_raw, venue, ext_id, urls, day,
           day_label;
    size_t title_len, abstract_len;
    int authors, upvotes, pub_year, pub_month, pub_day;
    long line;
    pg_key key;
    size_t text;            /* index in texts, or NO_TEXT */
} item;

#define NO_TEXT ((size_t)-1)

/* A warning, delivered before the record at index `before`. */
typedef struct warning {
    size_t before;
    long line;
    size_t file, msg;       /* offsets in the arena */
} warning;

typedef struct batch {
    unsigned long long job;     /* the job it belongs to */
    pg_buf arena;
    item *items;
    size_t n, cap;
    pgi_text *texts;
    size_t n_texts, cap_texts;
    warning *warns;
    size_t n_warns, cap_warns;
    long lost_warns;        /* warnings that found no memory to be queued */
    int fallback;           /* a head batch: not a regular file, nothing read */
    unsigned long long offset;  /* the input's position once it was filled */
    int hash_failed;        /* a head batch: hashing failed (end says how) */
    pg_key key;             /* a path job's head batch: the file's content, */
    unsigned long long size;
    struct stat st;         /* and what it was when opened, */
    struct timespec opened; /* at this time */
    pg_err end;             /* PG_OK: more batches follow; PG_DONE: the
                               input ended (or the job was cancelled); else
                               the error that ended it */
    pg_error err;
} batch;

static void batch_reset(batch *b, unsigned long long job)
{
    pg_buf_reset(&b->arena);
    b->job = job;
    b->n = b->n_texts = b->n_warns = 0;
    b->lost_warns = 0;
    b->fallback = b->hash_failed = 0;
    b->offset = 0;
    b->size = 0;
    b->end = PG_OK;
    pg_error_clear(&b->err);
}

static void batch_release(batch *b)
{
    pg_buf_release(&b->arena);
    free(b->items);
    free(b->texts);
    free(b->warns);
}

/* Copies s[0..n) and a NUL into the arena; *off receives where. */
static pg_err copy_str(pg_buf *a, const char *s, size_t n, size_t *off)
{
    *off = a->len;
    pg_err rc = pg_buf_append(a, s, n);
    return rc == PG_OK ? pg_buf_putc(a, '\0') : rc;
}

static pg_err copy_record(pg_buf *a, const pg_record *r, item *it)
{
    pg_err rc = copy_str(a, r->title, r->title_len, &it->title);
    if (rc == PG_OK)
        rc = copy_str(a, r->abstract, r->abstract_len, &it->abstract);
    const char *const s[] = { r->author_names, r->date_raw, r->venue, r->ext_id,
                              r->urls, r->day, r->day_label };
    size_t *const o[] = { &it->author_names, &it->date_raw, &it->venue, &it->ext_id,
                          &it->urls, &it->day, &it->day_label };
    for (size_t i = 0; i < sizeof s / sizeof s[0] && rc == PG_OK; i++)
        rc = copy_str(a, s[i], strlen(s[i]), o[i]);
    it->title_len = r->title_len;
    it->abstract_len = r->abstract_len;
    it->authors = r->authors;
    it->upvotes = r->upvotes;
    it->pub_year = r->pub_year;
    it->pub_month = r->pub_month;
    it->pub_day = r->pub_day;
    it->line = r->line;
    return rc;
}

/* The record of an item, pointing into base (the arena's bytes). */
static void view_record(const char *base, const item *it, pg_record *r)
{
    r->title = base + it->title;
    r->title_len = it->title_len;
    r->abstract = base + it->abstract;
    r->abstract_len = it->abstract_len;
    r->authors = it->authors;
    r->author_names = base + it->author_names;
    r->upvotes = it->upvotes;
    r->pub_year = it->pub_year;
    r->pub_month = it->pub_month;
    r->pub_day = it->pub_day;
    r->date_raw = base + it->date_raw;
    r->venue = base + it->venue;
    r->ext_id = base + it->ext_id;
    r->urls = base + it->urls;
    r->day = base + it->day;
    r->day_label = base + it->day_label;
    r->line = it->line;
}

/* ---- jobs -------------------------------------------------------------- */

typedef struct job {
    unsigned long long id;      /* 1, 2, ... in the order asked */
    char *path;                 /* a path job (owned), or NULL */
    FILE *fp;                   /* a stream job: the caller's stream */
    char *name;                 /* for messages and the store (owned) */
    pg_input_format format;
    int year;
    size_t max_line;
    pg_encoding encoding;
    int prepare_all;            /* prepare every text, seen or not: the file
                                   is read again after a read-ahead whose
                                   texts the session took as seen */
} job;

static void job_free(job *j)
{
    free(j->path);
    free(j->name);
    memset(j, 0, sizeof *j);
}

/* Whether a job read under the options o would read path as o says. */
static int job_is(const job *j, const char *path, const pg_ingest_opts *o)
{
    return j->path != NULL && strcmp(j->path, path) == 0 && j->format == o->format &&
           j->year == o->year && j->max_line == o->max_line &&
           j->encoding == o->encoding;
}

/* ---- the pipe ---------------------------------------------------------- */

struct pgi_pipe {
    pthread_mutex_t mu;
    pthread_cond_t filled_cv;   /* a batch was published */
    pthread_cond_t free_cv;     /* a batch was released, a job queued, or stop */
    batch b[N_BATCHES];
    size_t filled;              /* batches published (under mu) */
    size_t released;            /* batches the consumer is done with (under mu) */
    job queue[MAX_JOBS];        /* jobs not yet started (under mu) */
    size_t n_queued;
    atomic_ullong cancelled;    /* every job up to this id is cancelled */
    atomic_int stop;            /* the consumer wants no more */
    atomic_int starving;        /* the consumer waits for a batch: the
                                   producer leaves the texts of the one it
                                   fills to the consumer (read_one) */
    pthread_t thread;
    int started, broken;        /* broken: no thread could be started */

    /* The producer's own. */
    pg_ingest_session *session, *own_session;
    pg_packer *packer;
    pg_buf raw;                 /* raw key scratch */
    unsigned long long produced;    /* records read, every job */
    batch *cur;                 /* the batch being filled: warnings go there */

    /* The consumer's. */
    unsigned long long asked;   /* the last job id given out */
    unsigned long long ahead;   /* a read-ahead job's id, or 0 */
    job ahead_job;              /* what it reads (path, options; no stream) */
    unsigned long long current; /* the job being consumed, or 0 */
    int current_ended;          /* its last batch was met */
    pg_warn_fn warn;
    void *warn_ctx;
    long warnings;              /* delivered for the current job */
    batch *reading;             /* the batch being consumed, or NULL */
    size_t pos, wpos;           /* next item, next warning in it */
};

pg_err pgi_pipe_new(pg_ingest_session *session, pgi_pipe **out, pg_error *err)
{
    pgi_pipe *p = calloc(1, sizeof *p);
    *out = NULL;
    if (p == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return pg_error_set(err, PG_ERR_INTERNAL, "cannot create a mutex");
    }
    if (pthread_cond_init(&p->filled_cv, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return pg_error_set(err, PG_ERR_INTERNAL, "cannot create a condition variable");
    }
    if (pthread_cond_init(&p->free_cv, NULL) != 0) {
        pthread_cond_destroy(&p->filled_cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return pg_error_set(err, PG_ERR_INTERNAL, "cannot create a condition variable");
    }
    atomic_init(&p->stop, 0);
    atomic_init(&p->starving, 0);
    atomic_init(&p->cancelled, 0);
    p->session = session;
    pg_err rc = PG_OK;
    if (session == NULL && (rc = pg_ingest_session_new(&p->own_session, err)) == PG_OK)
        p->session = p->own_session;
    if (rc == PG_OK && pg_packer_new(&p->packer) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc != PG_OK) {
        pgi_pipe_free(p);
        return rc;
    }
    *out = p;
    return PG_OK;
}

/* ---- the producer ------------------------------------------------------ */

static int is_cancelled(pgi_pipe *p, const job *j)
{
    return atomic_load_explicit(&p->stop, memory_order_relaxed) ||
           atomic_load_explicit(&p->cancelled, memory_order_relaxed) >= j->id;
}

/* The reader's warnings, queued in the batch being filled with the name
 * copied: the job (and its reader) may be gone before delivery. */
static void queue_warning(void *ctx, const char *file, long line, const char *msg)
{
    pgi_pipe *p = ctx;
    batch *b = p->cur;
    size_t f = 0, m = 0;
    if (pg_grow((void **)&b->warns, &b->cap_warns,
                b->n_warns + 1, sizeof *b->warns) != PG_OK ||
        copy_str(&b->arena, file, strlen(file), &f) != PG_OK ||
        copy_str(&b->arena, msg, strlen(msg), &m) != PG_OK) {
        b->lost_warns++;
        return;
    }
    warning w = { b->n, line, f, m };
    b->warns[b->n_warns++] = w;
}

/* A free batch for job j, or NULL when the pipe stops. */
static batch *take_batch(pgi_pipe *p, const job *j)
{
    pthread_mutex_lock(&p->mu);
    while (!atomic_load(&p->stop) && p->filled - p->released >= N_BATCHES)
        pthread_cond_wait(&p->free_cv, &p->mu);
    batch *b = atomic_load(&p->stop) ? NULL : &p->b[p->filled % N_BATCHES];
    pthread_mutex_unlock(&p->mu);
    if (b != NULL)
        batch_reset(b, j->id);
    p->cur = b;
    return b;
}

/* Hands the batch being filled to the consumer. */
static void publish(pgi_pipe *p)
{
    p->cur = NULL;
    pthread_mutex_lock(&p->mu);
    p->filled++;
    pthread_cond_signal(&p->filled_cv);
    pthread_mutex_unlock(&p->mu);
}

/* Reads the next record of job j into b; PG_DONE or an error ends the
 * batch. */
static pg_err read_one(pgi_pipe *p, const job *j, pg_reader *r, batch *b)
{
    pg_record rec;
    pg_error e;
    pg_error_clear(&e);
    pg_err rc = pg_reader_next(r, &rec, &e);
    if (rc != PG_OK) {
        b->err = e;
        return rc;
    }
    if (pg_grow((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items) != PG_OK)
        return pg_error_set(&b->err, PG_ERR_NOMEM, "out of memory");
    item *it = &b->items[b->n];
    it->text = NO_TEXT;
    if (copy_record(&b->arena, &rec, it) != PG_OK ||
        pgi_raw_key(&rec, &p->raw, &it->key) != PG_OK)
        return pg_error_set(&b->err, PG_ERR_NOMEM, "out of memory");
    b->n++;
    p->produced++;
    if (!pgi_session_add(p->session, it->key) && !j->prepare_all)
        return PG_OK;
    /* The consumer is idle, waiting for this batch: it prepares the text
     * itself (it computes what was not prepared, with the same functions),
     * while this thread goes on reading.  Where preparing is most of the
     * work (a bulk run of new texts) the two threads share it instead of
     * the consumer waiting; where writing is (repeats, verification), the
     * consumer never waits and the producer prepares everything. */
    if (p->produced > PGI_SHARE_AFTER &&
        atomic_load_explicit(&p->starving, memory_order_relaxed))
        return PG_OK;
    /* Not prepared when memory is short: the consumer then prepares it. */
    size_t mark = b->arena.len;
    if (pg_grow((void **)&b->texts, &b->cap_texts,
                b->n_texts + 1, sizeof *b->texts) == PG_OK &&
        pgi_prepare_text(&rec, &b->arena, &b->texts[b->n_texts], p->packer, 1) == PG_OK)
        it->text = b->n_texts++;
    else
        b->arena.len = mark;
    return PG_OK;
}

/* A cancel check for pgi_hash_stream: the job being hashed. */
typedef struct hashing {
    pgi_pipe *p;
    const job *j;
} hashing;

static int hash_cancelled(void *ctx)
{
    const hashing *h = ctx;
    return is_cancelled(h->p, h->j);
}

/* Opens a regular file without waiting: a path that became a FIFO since it
 * was stat()ed must not block the producer (nor take a writer's data).
 * NULL, with *st filled when the open succeeded, for anything else. */
static FILE *open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    int flags = fcntl(fd, F_GETFL);
    FILE *f = NULL;
    if (fstat(fd, st) == 0 && S_ISREG(st->st_mode) && flags >= 0 &&
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
        f = fdopen(fd, "rb");
    if (f == NULL)
        close(fd);
    return f;
}

/* Opens and hashes a path job's file for its head batch b.  *fp receives
 * the open file, rewound, or NULL when the job ends here (b->fallback or
 * b->end says why: PG_DONE when cancelled while hashing). */
static void open_path(pgi_pipe *p, const job *j, batch *b, FILE **fp)
{
    struct stat st;
    *fp = NULL;
    /* stat first: a FIFO or a device is not even opened ahead. */
    if (stat(j->path, &st) != 0 || !S_ISREG(st.st_mode)) {
        b->fallback = 1;
        return;
    }
    FILE *f = open_regular(j->path, &b->st);
    if (f == NULL) {
        b->fallback = 1;    /* gone or replaced meanwhile: the consumer will see */
        return;
    }
    clock_gettime(CLOCK_REALTIME, &b->opened);
    hashing h = { p, j };
    b->end = pgi_hash_file(f, j->path, &b->key, &b->size, hash_cancelled, &h, &b->err);
    if (b->end != PG_OK) {
        b->hash_failed = b->end != PG_DONE;
        fclose(f);
        return;
    }
    *fp = f;
}

/* Reads job j into batches until it ends, fails or is cancelled.  The
 * first batch (the head) holds no record, only the outcome of opening the
 * input, so that the consumer can decide before any record (a known file
 * is skipped, a file that cannot be read begins no transaction); the last
 * batch always has an end other than PG_OK. */
static void run_job(pgi_pipe *p, const job *j)
{
    FILE *fp = j->fp;
    pg_reader *r = NULL;
    batch *b = take_batch(p, j);
    if (b == NULL)
        return;
    if (is_cancelled(p, j))
        b->end = PG_DONE;
    else if (j->path != NULL)
        open_path(p, j, b, &fp);
    if (b->end == PG_OK && fp == NULL)
        b->end = PG_DONE;       /* fallback */
    if (b->end == PG_OK) {
        pg_read_opts ro = { .year = j->year, .max_line = j->max_line,
                            .warn = queue_warning, .warn_ctx = p,
                            .encoding = j->encoding };
        pg_error e;
        pg_error_clear(&e);
        pg_err rc = pg_reader_open(fp, j->name, j->format, &ro, &r, &e);
        if (rc != PG_OK) {
            b->end = rc;
            b->err = e;
        }
    }
    size_t records = FIRST_BATCH;
    for (;;) {
        pg_err end = b->end;
        publish(p);
        if (end != PG_OK || (b = take_batch(p, j)) == NULL)
            break;
        while (b->n < records && b->arena.len < BATCH_BYTES && b->end == PG_OK) {
            if (is_cancelled(p, j))
                b->end = PG_DONE;
            else
                b->end = read_one(p, j, r, b);
        }
        off_t pos = ftello(fp);     /* for progress only; -1 when unknown */
        b->offset = pos > 0 ? (unsigned long long)pos : 0;
        if (records < BATCH_RECORDS)
            records *= 2;
    }
    pg_reader_free(r);
    if (j->path != NULL && fp != NULL)
        fclose(fp);
}

static void *produce(void *arg)
{
    pgi_pipe *p = arg;
    for (;;) {
        job j;
        pthread_mutex_lock(&p->mu);
        while (!atomic_load(&p->stop) && p->n_queued == 0)
            pthread_cond_wait(&p->free_cv, &p->mu);
        int stop = atomic_load(&p->stop);
        if (!stop) {
            j = p->queue[0];
            memmove(p->queue, p->queue + 1, --p->n_queued * sizeof *p->queue);
        }
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        run_job(p, &j);
        job_free(&j);
    }
    return NULL;
}

/* ---- the consumer ------------------------------------------------------ */

/* Queues a job (taking its strings); 0, or -1 when no thread can be had
 * (or no room): the input is then read on the calling thread. */
static int queue_job(pgi_pipe *p, job *j)
{
    if (p->broken)
        return -1;
    if (!p->started) {
        if (pthread_create(&p->thread, NULL, produce, p) != 0) {
            p->broken = 1;
            return -1;
        }
        p->started = 1;
    }
    pthread_mutex_lock(&p->mu);
    int room = p->n_queued < MAX_JOBS;
    if (room) {
        j->id = ++p->asked;
        p->queue[p->n_queued++] = *j;
        pthread_cond_broadcast(&p->free_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return room ? 0 : -1;
}

/* Cancels every job given out, the read-ahead included. */
static void cancel_all(pgi_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < p->n_queued; i++)
        job_free(&p->queue[i]);
    p->n_queued = 0;
    atomic_store(&p->cancelled, p->asked);
    pthread_mutex_unlock(&p->mu);
    p->ahead = 0;
    job_free(&p->ahead_job);
}

/* The next batch of the current job, skipping those of earlier jobs. */
static batch *wait_batch(pgi_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->filled == p->released)
            atomic_store_explicit(&p->starving, 1, memory_order_relaxed);
        while (p->filled == p->released)
            pthread_cond_wait(&p->filled_cv, &p->mu);
        atomic_store_explicit(&p->starving, 0, memory_order_relaxed);
        batch *b = &p->b[p->released % N_BATCHES];
        if (b->job >= p->current) {
            pthread_mutex_unlock(&p->mu);
            return b;
        }
        p->released++;
        pthread_cond_signal(&p->free_cv);
    }
}

static void release_batch(pgi_pipe *p)
{
    batch *b = p->reading;
    if (b->end != PG_OK)
        p->current_ended = 1;
    pthread_mutex_lock(&p->mu);
    p->released++;
    p->reading = NULL;
    pthread_cond_signal(&p->free_cv);
    pthread_mutex_unlock(&p->mu);
}

static void begin_job(pgi_pipe *p, unsigned long long id, const pg_ingest_opts *o)
{
    p->current = id;
    p->current_ended = 0;
    p->warn = o->warn;
    p->warn_ctx = o->warn_ctx;
    p->warnings = 0;
    p->reading = NULL;
}

static pg_err new_job(job *j, const char *path, FILE *fp, const char *name,
                      const pg_ingest_opts *o)
{
    memset(j, 0, sizeof *j);
    j->fp = fp;
    j->format = o->format;
    j->year = o->year;
    j->max_line = o->max_line;
    j->encoding = o->encoding;
    if ((path != NULL && (j->path = strdup(path)) == NULL) ||
        (j->name = strdup(name)) == NULL) {
        job_free(j);
        return PG_ERR_NOMEM;
    }
    return PG_OK;
}

/* Gives the producer path to read ahead, when the caller named one. */
static void read_ahead(pgi_pipe *p, const pg_ingest_opts *o)
{
    job j;
    const char *next = o->next_path;
    /* A pipe of one call's own ends with the call: nobody would read it. */
    if (next == NULL || strcmp(next, "-") == 0 || p->own_session != NULL)
        return;
    if (new_job(&j, next, NULL, next, o) != PG_OK)
        return;
    if (queue_job(p, &j) != 0) {
        job_free(&j);
        return;
    }
    /* The queued job is the producer's now: what to match it by is kept
     * apart.  Without it (no memory) the read-ahead is never used. */
    if (new_job(&p->ahead_job, next, NULL, next, o) == PG_OK)
        p->ahead = j.id;
}

/* Waits for the current job's head batch, which stays the one being read
 * (its warnings go out with the first pgi_pipe_next), and fills *h. */
static pg_err take_head(pgi_pipe *p, pgi_head *h, pg_error *err)
{
    batch *b = p->reading = wait_batch(p);
    p->pos = p->wpos = 0;
    memset(h, 0, sizeof *h);
    h->fallback = b->fallback;
    h->key = b->key;
    h->size = b->size;
    if (b->hash_failed) {
        if (err != NULL)
            *err = b->err;
        return b->end;
    }
    h->failed = !b->fallback && b->end != PG_OK;
    return PG_OK;
}

/* How long before it was opened ahead a file must have been last changed
 * for its timestamps to be trusted: timestamps are kept in ticks (a few ms
 * on ext4, 2 s on FAT), and a rewrite within the tick of the read would
 * leave them unchanged. */
#define RACY_SECONDS 2

static int ts_equal(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int recent(struct timespec t, struct timespec opened)
{
    long long ns = (long long)(opened.tv_sec - t.tv_sec) * 1000000000LL +
                   (opened.tv_nsec - t.tv_nsec);
    return ns <= (long long)RACY_SECONDS * 1000000000LL;
}

/* Whether the file at path may no longer be the one the head batch b
 * hashed: another file, size, mtime or ctime (which utimensat cannot set
 * back, so `cp -p`, `touch -r` or `rsync -t` over it are seen), or changed
 * so shortly before it was read that a rewrite could share its timestamps
 * (the "racy" rule of git's index).  Then it is read again. */
static int changed_since(const char *path, const batch *b)
{
    struct stat st;
    return stat(path, &st) != 0 || st.st_dev != b->st.st_dev ||
           st.st_ino != b->st.st_ino || st.st_size != b->st.st_size ||
           !ts_equal(st.st_mtim, b->st.st_mtim) || !ts_equal(st.st_ctim, b->st.st_ctim) ||
           recent(b->st.st_mtim, b->opened) || recent(b->st.st_ctim, b->opened);
}

/* Queues a new job (path, or the stream fp, named name), cancelling
 * everything else, and waits for its head. */
static pg_err start_job(pgi_pipe *p, const char *path, FILE *fp, const char *name,
                        const pg_ingest_opts *o, int prepare_all, pgi_head *h,
                        pg_error *err)
{
    job j;
    pgi_pipe_close(p);
    cancel_all(p);
    if (new_job(&j, path, fp, name, o) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    j.prepare_all = prepare_all;
    if (queue_job(p, &j) != 0) {
        job_free(&j);
        memset(h, 0, sizeof *h);
        h->fallback = 1;        /* no thread: read on this one */
        return PG_OK;
    }
    begin_job(p, j.id, o);
    return take_head(p, h, err);
}

pg_err pgi_pipe_open_path(pgi_pipe *p, const char *path, const pg_ingest_opts *o,
                          pgi_head *h, pg_error *err)
{
    pg_err rc;
    pgi_pipe_close(p);
    if (p->ahead != 0 && job_is(&p->ahead_job, path, o)) {
        begin_job(p, p->ahead, o);
        p->ahead = 0;
        job_free(&p->ahead_job);
        rc = take_head(p, h, err);
        /* Read again now when it changed since, or failed then. */
        if (!h->fallback && (rc != PG_OK || changed_since(path, p->reading)))
            rc = start_job(p, path, NULL, path, o, 1, h, err);
        else
            h->read_ahead = 1;
    } else {
        rc = start_job(p, path, NULL, path, o, 0, h, err);
    }
    if (!p->broken)
        read_ahead(p, o);
    return rc;
}

pg_err pgi_pipe_open_stream(pgi_pipe *p, FILE *fp, const char *name,
                            const pg_ingest_opts *o, pgi_head *h, pg_error *err)
{
    return start_job(p, NULL, fp, name, o, 0, h, err);
}

/* Delivers the warnings of the current batch queued before item `upto`. */
static void deliver(pgi_pipe *p, size_t upto)
{
    batch *b = p->reading;
    for (; p->wpos < b->n_warns && b->warns[p->wpos].before <= upto; p->wpos++) {
        const warning *w = &b->warns[p->wpos];
        p->warnings++;
        if (p->warn != NULL)
            p->warn(p->warn_ctx, b->arena.data + w->file, w->line, b->arena.data + w->msg);
    }
}

pg_err pgi_pipe_next(pgi_pipe *p, pg_record *rec, pg_key *key, const pgi_text **t,
                     const char **base, pg_error *err)
{
    for (;;) {
        if (p->reading == NULL) {
            if (p->current_ended)
                return PG_DONE;
            p->reading = wait_batch(p);
            p->pos = p->wpos = 0;
        }
        batch *b = p->reading;
        deliver(p, p->pos);
        if (p->pos < b->n) {
            const item *it = &b->items[p->pos++];
            view_record(b->arena.data, it, rec);
            *key = it->key;
            *t = it->text != NO_TEXT ? &b->texts[it->text] : NULL;
            *base = b->arena.data;
            return PG_OK;
        }
        p->warnings += b->lost_warns;
        b->lost_warns = 0;
        if (b->end != PG_OK) {
            /* The batch stays until the job is closed: later calls give
             * the same end. */
            p->current_ended = 1;
            if (b->end != PG_DONE && err != NULL)
                *err = b->err;
            return b->end;
        }
        release_batch(p);
    }
}

void pgi_pipe_deliver(pgi_pipe *p)
{
    if (p->reading != NULL)
        deliver(p, p->pos);
}

long pgi_pipe_warnings(const pgi_pipe *p)
{
    return p->warnings;
}

unsigned long long pgi_pipe_offset(const pgi_pipe *p)
{
    return p->reading != NULL ? p->reading->offset : 0;
}

void pgi_pipe_close(pgi_pipe *p)
{
    if (p->current == 0)
        return;
    if (!p->current_ended) {
        unsigned long long c = atomic_load(&p->cancelled);
        if (c < p->current)
            atomic_store(&p->cancelled, p->current);
    }
    for (;;) {
        if (p->reading == NULL) {
            if (p->current_ended)
                break;
            p->reading = wait_batch(p);
        }
        int last = p->reading->end != PG_OK;
        release_batch(p);
        if (last)
            break;
    }
    p->current = 0;
    p->current_ended = 0;
}

void pgi_pipe_free(pgi_pipe *p)
{
    if (p == NULL)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->stop, 1);
        pthread_cond_broadcast(&p->free_cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
    }
    for (size_t i = 0; i < p->n_queued; i++)
        job_free(&p->queue[i]);
    job_free(&p->ahead_job);
    for (size_t i = 0; i < N_BATCHES; i++)
        batch_release(&p->b[i]);
    pg_ingest_session_free(p->own_session);
    pg_packer_free(p->packer);
    pg_buf_release(&p->raw);
    pthread_cond_destroy(&p->free_cv);
    pthread_cond_destroy(&p->filled_cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
