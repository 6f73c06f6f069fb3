/*
** checkpoint.c: the store's checkpointer.  While a run of ingests commits
** groups of files (pg_store_group_files), a thread of its own copies the
** pages the writing connection committed to the WAL back into the database
** file, so that the writing thread, the bottleneck of a bulk ingest, only
** appends to the WAL.
**
** SQLite's own checkpoint runs inside the COMMIT that takes the WAL past
** wal_autocheckpoint pages (db.c), on the writing thread.  Here the
** writing connection's WAL hook wakes the thread once the WAL holds
** KICK_FRAMES, and the thread runs a passive checkpoint on a second
** connection: it copies the committed frames while the writer goes on
** appending, and never waits for a lock (a frame still read by a reader is
** left for the next one).  The WAL is written from its start again only
** by a write transaction begun when every frame is in the database, which
** the writer, beginning its next group as soon as one commits, seldom
** finds; so where SQLite's own hook would checkpoint (wal_autocheckpoint
** pages), the hook still does, on the writing thread, copying only what the
** thread has not copied yet, and the WAL grows no larger than before.
**
** Nothing here changes what is durable: a checkpoint only moves committed
** pages, and a process killed during one leaves the WAL to the next open.
** The thread starts at the first wake-up (a day's ingest never reaches it)
** and is joined when grouping ends and before the store closes, so the
** writing connection's close stays the last and removes the WAL.
*/
#include <pthread.h>
#include <stdlib.h>

#include "store/db.h"

/* Frames (8 KiB pages) in the WAL that wake the checkpointer. */
#define KICK_FRAMES 1024

struct pgs_ckpt {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *db;                /* the checkpointer's own connection */
    int running;                /* thread started, not yet joined */
    int failed;                 /* could not start: SQLite checkpoints as before */
    int kick, limit;            /* KICK_FRAMES, PGS_WAL_AUTOCHECKPOINT */
    int kicks;                  /* wake-ups not yet served */
    int busy;                   /* the thread is in a checkpoint */
    int stop;
};

static void *run(void *arg)
{
    pgs_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (c->kicks == 0 && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->kicks = 0;
        c->busy = 1;
        pthread_mutex_unlock(&c->mu);
        /* SQLITE_BUSY (another checkpoint running) is no failure: the next
         * wake-up or the writer's close copies what is left. */
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->busy = 0;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* Opens the second connection and starts the thread; on any failure marks
 * c failed, and the hook checkpoints on the writing thread instead. */
static void start(pg_store *s, pgs_ckpt *c)
{
    const char *file = sqlite3_db_filename(s->db, "main");
    /* Two connections on two threads need a thread-safe SQLite; the file
     * is as untrusted here as in db.c; and a connection sees the WAL only
     * once it has read the database (until then a checkpoint is a no-op). */
    if (sqlite3_threadsafe() != 0 && file != NULL && file[0] != '\0' &&
        sqlite3_open_v2(file, &c->db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) == SQLITE_OK &&
        sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL) == SQLITE_OK &&
        sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK &&
        pthread_create(&c->thread, NULL, run, c) == 0) {
        c->running = 1;
        return;
    }
    sqlite3_close(c->db);
    c->db = NULL;
    c->failed = 1;
}

static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
    pg_store *s = ctx;
    pgs_ckpt *c = s->ckpt;
    if (frames >= c->kick && !c->running && !c->failed)
        start(s, c);
    if (frames >= c->limit) {
        /* The WAL starts again only at a write transaction begun when every
         * frame is in the database, and the writer begins its next one at
         * once: where SQLite's own hook would, the writing thread copies
         * the frames the thread has not (once it is out of its checkpoint,
         * which would make this one fail busy). */
        if (c->running) {
            pthread_mutex_lock(&c->mu);
            c->kicks = 0;
            while (c->busy)
                pthread_cond_wait(&c->cv, &c->mu);
            pthread_mutex_unlock(&c->mu);
        }
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    } else if (frames >= c->kick && c->running) {
        pthread_mutex_lock(&c->mu);
        c->kicks++;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

void pgs_ckpt_begin(pg_store *s)
{
    if (s->ckpt != NULL)
        return;
    pgs_ckpt *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;                 /* SQLite checkpoints as before */
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return;
    }
    if (pthread_cond_init(&c->cv, NULL) != 0) {
        pthread_mutex_destroy(&c->mu);
        free(c);
        return;
    }
    c->kick = KICK_FRAMES;
    c->limit = PGS_WAL_AUTOCHECKPOINT;
    s->ckpt = c;
    sqlite3_wal_hook(s->db, wal_hook, s);
}

void pgs_ckpt_tune(pg_store *s, int kick_frames, int limit_frames)
{
    if (s->ckpt != NULL) {
        s->ckpt->kick = kick_frames;
        s->ckpt->limit = limit_frames;
    }
}

int pgs_ckpt_drain(pg_store *s)
{
    pgs_ckpt *c = s->ckpt;
    if (c == NULL || !c->running)
        return 0;
    pthread_mutex_lock(&c->mu);
    while (c->kicks > 0 || c->busy)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return 1;
}

void pgs_ckpt_end(pg_store *s)
{
    pgs_ckpt *c = s->ckpt;
    if (c == NULL)
        return;
    /* Back to SQLite's own checkpoints (this replaces the hook). */
    sqlite3_wal_autocheckpoint(s->db, PGS_WAL_AUTOCHECKPOINT);
    if (c->running) {
        pthread_mutex_lock(&c->mu);
        c->stop = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
    }
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
    s->ckpt = NULL;
}
