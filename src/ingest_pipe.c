/*
** ingest_pipe.c: the producer thread of an ingest and the bounded queue
** between it and the thread that does the SQLite work.
**
** About a third of ingesting is CPU work that needs no database: parsing,
** hashing, normalising, scanning for URLs, MinHash, compressing.  The
** producer does it for one file while the calling thread (the consumer)
** writes the records before: it reads records, copies each into a batch
** (a record points into the reader's buffers only until the next read),
** keys it, and prepares the new-text data (ingest_prep.c) of every text the
** session has not seen.  The consumer makes every store call, in the order
** a single thread would, and computes itself what was not prepared, with
** the same functions, so the database is the same either way.
**
** Why it is shaped so:
** - Batches of BATCH_RECORDS records (or BATCH_BYTES of data), at most
**   N_BATCHES of them allocated: memory stays bounded whatever the input,
**   and the two threads meet once a batch, not once a record.  A file's
**   first batches are smaller (FIRST_BATCH, doubling): the consumer waits
**   for the first one, and a day of 200 entries in batches of 256 would
**   not overlap at all.
** - The producer cannot ask the store whether a text is known (a store is
**   one thread's), so it prepares every text the session has not seen: the
**   session remembers 8 bytes per text in an open-addressing set.  A text
**   prepared and then found known costs a little CPU on the other core; one
**   remembered but not stored (its file rolled back) is prepared by the
**   consumer, as is one the set takes for seen because another key has
**   the same 64 bits: correctness never depends on the set.
** - Warnings are queued with the records they come before and delivered by
**   the consumer, so the caller's callback runs on its own thread, in the
**   order reading gave them, and never for records after a failure.
** - The consumer stops the producer (a flag checked once a record and when
**   it waits for room) and always joins it.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_internal.h"

#define BATCH_RECORDS 256
#define FIRST_BATCH 16
#define BATCH_BYTES ((size_t)1 << 20)
#define N_BATCHES 3

/* ---- the session's set of seen raw keys -------------------------------- */

/* Slots hold a key's 64 low bits (0 stands for empty, so a key whose bits
 * are 0 is remembered as 1).  Beyond MAX_SLOTS (32 MiB) the set starts over
 * rather than grow: forgetting only means preparing again. */
#define MIN_SLOTS ((size_t)1 << 12)
#define MAX_SLOTS ((size_t)1 << 22)

struct pg_ingest_session {
    uint64_t *slot;
    size_t cap, n;          /* cap: a power of two, or 0 before the first key */
};

pg_err pg_ingest_session_new(pg_ingest_session **out, pg_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? PG_OK : pg_error_set(err, PG_ERR_NOMEM, "out of memory");
}

void pg_ingest_session_free(pg_ingest_session *s)
{
    if (s == NULL)
        return;
    free(s->slot);
    free(s);
}

static void set_put(uint64_t *slot, size_t cap, uint64_t v)
{
    size_t i = (size_t)(v * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
    while (slot[i] != 0 && slot[i] != v)
        i = (i + 1) & (cap - 1);
    slot[i] = v;
}

/* Makes room for one more key: grows at 3/4 full, or starts over. */
static void set_room(pg_ingest_session *s)
{
    if (s->n + 1 <= s->cap / 4 * 3)
        return;
    size_t cap = s->cap ? s->cap * 2 : MIN_SLOTS;
    uint64_t *slot = cap <= MAX_SLOTS ? calloc(cap, sizeof *slot) : NULL;
    if (slot == NULL) {
        /* Full, or no memory to grow: forget everything. */
        if (s->cap > 0)
            memset(s->slot, 0, s->cap * sizeof *s->slot);
        s->n = 0;
        return;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i] != 0)
            set_put(slot, cap, s->slot[i]);
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
}

/* Remembers k; 1 when it was not remembered before. */
static int session_add(pg_ingest_session *s, pg_key k)
{
    uint64_t v = k.lo != 0 ? k.lo : 1;
    set_room(s);
    if (s->cap == 0)
        return 1;
    size_t i = (size_t)(v * 0x9E3779B97F4A7C15ULL >> 20) & (s->cap - 1);
    while (s->slot[i] != 0) {
        if (s->slot[i] == v)
            return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slot[i] = v;
    s->n++;
    return 1;
}

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
    size_t msg;             /* offset in the arena */
} warning;

typedef struct batch {
    pg_buf arena;
    item *items;
    size_t n, cap;
    pgi_text *texts;
    size_t n_texts, cap_texts;
    warning *warns;
    size_t n_warns, cap_warns;
    long lost_warns;        /* warnings that found no memory to be queued */
    const char *file;       /* the name warnings give (the reader's) */
    pg_err end;             /* PG_OK: more batches follow; PG_DONE: the
                               input ended; else the reader's error */
    pg_error err;
} batch;

static void batch_reset(batch *b)
{
    pg_buf_reset(&b->arena);
    b->n = b->n_texts = b->n_warns = 0;
    b->lost_warns = 0;
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

/* Makes room for one more element in a vector of element size `size`. */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, c * size);
    if (p == NULL)
        return -1;
    *v = p;
    *cap = c;
    return 0;
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

/* ---- the pipe ---------------------------------------------------------- */

struct pgi_pipe {
    pthread_mutex_t mu;
    pthread_cond_t filled_cv;   /* a batch was published */
    pthread_cond_t free_cv;     /* a batch was released, or stop */
    batch b[N_BATCHES];
    size_t filled;              /* batches published (under mu) */
    size_t released;            /* batches the consumer is done with (under mu) */
    atomic_int stop;            /* the consumer wants no more */
    pthread_t thread;
    int started;

    /* The producer's own (the calling thread's until start). */
    pg_reader *r;
    pg_ingest_session *session, *own_session;
    pg_packer *packer;
    pg_buf raw;                 /* raw key scratch */
    batch *cur;                 /* the batch being filled: warnings go there */

    /* The consumer's. */
    pg_warn_fn warn;
    void *warn_ctx;
    long warnings;              /* delivered */
    batch *reading;             /* the batch being consumed, or NULL */
    size_t pos, wpos;           /* next item, next warning in it */
};

pg_err pgi_pipe_new(pg_ingest_session *session, pg_warn_fn warn, void *warn_ctx,
                    pgi_pipe **out, pg_error *err)
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
    p->warn = warn;
    p->warn_ctx = warn_ctx;
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

void pgi_pipe_warn(void *ctx, const char *file, long line, const char *msg)
{
    pgi_pipe *p = ctx;
    batch *b = p->cur;
    if (b == NULL) {
        /* Not started: on the calling thread, in order. */
        p->warnings++;
        if (p->warn != NULL)
            p->warn(p->warn_ctx, file, line, msg);
        return;
    }
    size_t off = 0;
    b->file = file;
    if (grow((void **)&b->warns, b->n_warns, &b->cap_warns, sizeof *b->warns) != 0 ||
        copy_str(&b->arena, msg, strlen(msg), &off) != PG_OK) {
        b->lost_warns++;
        return;
    }
    warning w = { b->n, line, off };
    b->warns[b->n_warns++] = w;
}

/* Reads the next record into b; PG_DONE or an error ends the batch. */
static pg_err read_one(pgi_pipe *p, batch *b)
{
    pg_record rec;
    pg_error e;
    pg_error_clear(&e);
    pg_err rc = pg_reader_next(p->r, &rec, &e);
    if (rc != PG_OK) {
        b->err = e;
        return rc;
    }
    if (grow((void **)&b->items, b->n, &b->cap, sizeof *b->items) != 0)
        return pg_error_set(&b->err, PG_ERR_NOMEM, "out of memory");
    item *it = &b->items[b->n];
    it->text = NO_TEXT;
    if (copy_record(&b->arena, &rec, it) != PG_OK ||
        pgi_raw_key(&rec, &p->raw, &it->key) != PG_OK)
        return pg_error_set(&b->err, PG_ERR_NOMEM, "out of memory");
    b->n++;
    if (!session_add(p->session, it->key))
        return PG_OK;
    /* Not prepared when memory is short: the consumer then prepares it. */
    size_t mark = b->arena.len;
    if (grow((void **)&b->texts, b->n_texts, &b->cap_texts, sizeof *b->texts) == 0 &&
        pgi_prepare_text(&rec, &b->arena, &b->texts[b->n_texts], p->packer, 1) == PG_OK)
        it->text = b->n_texts++;
    else
        b->arena.len = mark;
    return PG_OK;
}

static void *produce(void *arg)
{
    pgi_pipe *p = arg;
    size_t records = FIRST_BATCH;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!atomic_load(&p->stop) && p->filled - p->released >= N_BATCHES)
            pthread_cond_wait(&p->free_cv, &p->mu);
        batch *b = &p->b[p->filled % N_BATCHES];
        int stop = atomic_load(&p->stop);
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        batch_reset(b);
        p->cur = b;
        while (b->n < records && b->arena.len < BATCH_BYTES && b->end == PG_OK
               && !atomic_load_explicit(&p->stop, memory_order_relaxed))
            b->end = read_one(p, b);
        p->cur = NULL;
        if (records < BATCH_RECORDS)
            records *= 2;
        pthread_mutex_lock(&p->mu);
        p->filled++;
        pthread_cond_signal(&p->filled_cv);
        pthread_mutex_unlock(&p->mu);
        if (b->end != PG_OK)
            break;
    }
    return NULL;
}

pg_err pgi_pipe_start(pgi_pipe *p, pg_reader *r, pg_error *err)
{
    p->r = r;
    int e = pthread_create(&p->thread, NULL, produce, p);
    if (e != 0)
        return pg_error_set(err, PG_ERR_INTERNAL, "cannot start a thread: %s", strerror(e));
    p->started = 1;
    return PG_OK;
}

/* Delivers the warnings of the current batch queued before item `upto`. */
static void deliver(pgi_pipe *p, size_t upto)
{
    batch *b = p->reading;
    for (; p->wpos < b->n_warns && b->warns[p->wpos].before <= upto; p->wpos++) {
        const warning *w = &b->warns[p->wpos];
        p->warnings++;
        if (p->warn != NULL)
            p->warn(p->warn_ctx, b->file, w->line, b->arena.data + w->msg);
    }
}

pg_err pgi_pipe_next(pgi_pipe *p, pg_record *rec, pg_key *key, const pgi_text **t,
                     const char **base, pg_error *err)
{
    for (;;) {
        if (p->reading == NULL) {
            pthread_mutex_lock(&p->mu);
            while (p->filled == p->released)
                pthread_cond_wait(&p->filled_cv, &p->mu);
            p->reading = &p->b[p->released % N_BATCHES];
            pthread_mutex_unlock(&p->mu);
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
            /* The batch stays: later calls give the same end. */
            if (b->end != PG_DONE && err != NULL)
                *err = b->err;
            return b->end;
        }
        pthread_mutex_lock(&p->mu);
        p->released++;
        p->reading = NULL;
        pthread_cond_signal(&p->free_cv);
        pthread_mutex_unlock(&p->mu);
    }
}

long pgi_pipe_warnings(const pgi_pipe *p)
{
    return p->warnings;
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
