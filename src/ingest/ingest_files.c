/*
** ingest_files.c: a run of ingests over a list of files (pg_ingest_files):
** the group commit, reading a lost group again, the session that lets the
** producer read the next file ahead, per-file outcomes and progress.
**
** Committing costs a write of every page a file changed, and the keyed
** indexes are changed all over, so files share a transaction until they
** total group_bytes of input (pg_store_group_files).  A file's outcome is
** held until its group commits, so that what the caller is told is true
** even if the process dies.  A file that fails after its transaction began
** rolls back the group with it (SQLite savepoints per file cost more than
** the commits saved): the failed file is marked and the group's other files
** are read again from the group's first file, which leaves every file whole
** or absent.  Standard input cannot be read again: it is a group of its own.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/internal.h"

/* A file read into the open group, waiting for its commit. */
typedef struct held {
    size_t i;               /* its index in paths */
    pg_ingest_result res;
} held;

typedef struct run {
    pg_store *s;
    const char *const *paths;
    size_t n;
    const pg_ingest_opts *user;
    pg_ingest_opts o;       /* the caller's, with the run's session */
    pg_ingest_session *own; /* the session made for the run, or NULL */
    char *failed;           /* failed[i]: not to be read again */
    held *held;             /* the open group's files, in order */
    size_t n_held;
    long long held_entries;     /* the held files' entries */
    unsigned long long held_bytes;  /* and bytes */
    unsigned long long past_bytes;  /* bytes of the files committed or failed */
    pg_ingest_totals t;
    pg_ingest_progress p;       /* files_total and bytes_total */
} run;

static void event(run *r, pg_ingest_event_kind kind, const char *path,
                  const pg_ingest_result *res, const pg_error *err,
                  const char *const *paths, size_t n)
{
    pg_ingest_event ev = { kind, path, res, err, paths, n };
    if (r->user->on_file != NULL)
        r->user->on_file(r->user->hook_ctx, &ev);
}

/* Tells how far the run is, with entries and bytes of the file being read
 * so far.  Counted from what is committed, failed or held, so that a group
 * read again is not counted twice. */
static void progress(run *r, long long entries, unsigned long long bytes)
{
    pg_ingest_progress now = r->p;
    now.files_done = (size_t)(r->t.files + r->t.failed) + r->n_held;
    now.entries = r->t.entries + r->held_entries + entries;
    now.bytes_done = r->past_bytes + r->held_bytes + bytes;
    if (r->user->on_progress != NULL)
        r->user->on_progress(r->user->hook_ctx, &now);
}

static void tick(void *ctx, long long entries, unsigned long long bytes)
{
    progress(ctx, entries, bytes);
}

static void hold(run *r, size_t i, const pg_ingest_result *res)
{
    r->held[r->n_held].i = i;
    r->held[r->n_held++].res = *res;
    r->held_entries += res->entries;
    r->held_bytes += res->bytes;
}

static void drop_held(run *r)
{
    r->n_held = 0;
    r->held_entries = 0;
    r->held_bytes = 0;
}

/* The held files are durable: tell and count them. */
static void release(run *r)
{
    for (size_t k = 0; k < r->n_held; k++) {
        const pg_ingest_result *res = &r->held[k].res;
        event(r, PG_INGEST_COMMITTED, r->paths[r->held[k].i], res, NULL, NULL, 0);
        r->t.files++;
        r->t.skipped += res->skipped;
        r->t.entries += res->entries;
        r->t.new_texts += res->new_texts;
        r->t.known += res->known;
        r->t.recorded += res->recorded;
        r->t.warnings += res->warnings;
    }
    r->past_bytes += r->held_bytes;
    drop_held(r);
}

/* The held files went with their group: tell the caller (err: the commit's
 * error, or NULL when a failed file's was told already). */
static pg_err lose(run *r, const pg_error *err)
{
    if (r->n_held == 0)
        return PG_OK;
    const char **v = malloc(r->n_held * sizeof *v);
    if (v == NULL)
        return PG_ERR_NOMEM;
    for (size_t k = 0; k < r->n_held; k++)
        v[k] = r->paths[r->held[k].i];
    event(r, PG_INGEST_LOST, NULL, NULL, err, v, r->n_held);
    r->t.failed += (long)r->n_held;
    r->past_bytes += r->held_bytes;
    drop_held(r);
    free(v);
    return PG_OK;
}

/* Commits the open group: its files are told committed, or lost. */
static pg_err flush(run *r, pg_error *err)
{
    pg_err rc = pg_store_flush(r->s, err);
    if (rc == PG_OK)
        release(r);
    else if (lose(r, err) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

/* A file's own input errors: the run goes on without it. */
static int input_error(pg_err rc)
{
    return rc == PG_ERR_IO || rc == PG_ERR_NOT_TEXT || rc == PG_ERR_FORMAT ||
           rc == PG_ERR_TOO_LONG || rc == PG_ERR_NOT_FOUND;
}

/* The first path after i not marked failed, or NULL. */
static const char *next_path(const run *r, size_t i)
{
    for (size_t k = i + 1; k < r->n; k++)
        if (!r->failed[k])
            return r->paths[k];
    return NULL;
}

/* The band index's merge size for a run of input bytes (sum_sizes): 0
 * (its default, 512K keys) for up to 64 MB or an input of unknown size,
 * then about a key per 128 bytes (a text of 1.7 KB has 34 keys), at most
 * 4M keys. */
static size_t merge_keys_for(unsigned long long input)
{
    unsigned long long keys = input / 128;
    if (input == ULLONG_MAX || keys <= ((size_t)1 << 19))
        return 0;
    return keys > ((size_t)1 << 22) ? (size_t)1 << 22 : (size_t)keys;
}

/* Sums the sizes of the regular files into r->p.bytes_total; returns the
 * input to tune the store's reads for (pg_store_tune_reads): that sum, or
 * as much as can be when a path has no size (standard input, a pipe). */
static unsigned long long sum_sizes(run *r)
{
    int unsized = 0;
    for (size_t i = 0; i < r->n; i++) {
        struct stat st;
        if (strcmp(r->paths[i], "-") == 0)
            unsized = 1;
        else if (stat(r->paths[i], &st) != 0)
            continue;           /* it will fail, reading nothing */
        else if (S_ISREG(st.st_mode))
            r->p.bytes_total += (unsigned long long)st.st_size;
        else
            unsized = 1;
    }
    if (unsized)
        return ULLONG_MAX;
    return r->p.bytes_total > 0 ? r->p.bytes_total : 1;
}

/* Reads the files in order; returns the error that stops the run (in
 * *err), or PG_OK. */
static pg_err run_files(run *r, pg_error *err)
{
    pgi_tick tk = { tick, r };
    size_t group_start = 0;
    for (size_t i = 0; i < r->n; i++) {
        int is_stdin = strcmp(r->paths[i], "-") == 0;
        pg_ingest_result res;
        pg_error e;
        if (r->failed[i])
            continue;
        pg_err rc = is_stdin ? flush(r, err) : PG_OK;
        if (rc != PG_OK)
            return rc;
        if (pg_store_unflushed(r->s) == 0)
            group_start = i;    /* a new group starts with this file */
        int held_before = pg_store_unflushed(r->s);
        r->o.next_path = next_path(r, i);
        pg_error_clear(&e);
        rc = pgi_ingest_one(r->s, r->paths[i], NULL, NULL, &r->o, &tk, &res, &e);
        if (rc != PG_OK) {
            r->failed[i] = 1;
            r->t.failed++;
            r->past_bytes += res.bytes;
            event(r, PG_INGEST_FAILED, r->paths[i], NULL, &e, NULL, 0);
            if (!input_error(rc)) {
                *err = e;
                return rc;
            }
            if (held_before > 0 && pg_store_unflushed(r->s) == 0) {
                /* It took its group with it: read the others again. */
                drop_held(r);
                i = group_start - 1;    /* wraps for 0: the loop's i++ */
            }
            progress(r, 0, 0);
            continue;
        }
        hold(r, i, &res);
        event(r, PG_INGEST_READ, r->paths[i], &res, NULL, NULL, 0);
        progress(r, 0, 0);
        if (pg_store_unflushed(r->s) == 0)
            release(r);         /* its group just committed */
        else if (is_stdin && (rc = flush(r, err)) != PG_OK)
            return rc;
    }
    return PG_OK;
}

pg_err pg_ingest_files(pg_store *s, const char *const *paths, size_t n,
                       const pg_ingest_opts *o, pg_ingest_totals *totals,
                       pg_error *err)
{
    run r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.paths = paths;
    r.n = n;
    r.user = o;
    r.o = *o;
    r.p.files_total = n;
    pg_err rc = PG_OK;
    r.failed = calloc(n + 1, 1);
    r.held = malloc((n + 1) * sizeof *r.held);
    /* One session for the run (the caller's, or one of its own): a text
     * met in an earlier file is not prepared again, and the next file is
     * read while this one commits. */
    if (r.failed == NULL || r.held == NULL ||
        (o->session == NULL && pg_ingest_session_new(&r.own, err) != PG_OK)) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (r.own != NULL)
        r.o.session = r.own;
    unsigned long long input = sum_sizes(&r);
    pg_store_group_files(s, o->group_bytes ? o->group_bytes : PG_INGEST_GROUP_BYTES);
    /* A bulk run holds more band keys between the band index's merges:
     * each merge rewrites the recent level, so the run's merge work falls
     * as the merge size grows (a million entries' to about a third at 4M
     * keys, for a tenth more peak memory and the last batch's pending rows
     * left as free pages).  A day's run keeps the default. */
    size_t merge_keys = merge_keys_for(input), merge_keys_was = 0;
    int merge_sized = merge_keys > 0 &&
                      pg_bands_merge_keys(s, &merge_keys_was, NULL) == PG_OK &&
                      pg_bands_set_merge_keys(s, merge_keys, NULL) == PG_OK;
    /* The store reads for an ingest of this size while the run lasts; a
     * failure leaves it as it was, which costs time, not correctness. */
    pg_error tune_err;
    int tuned = pg_store_tune_reads(s, input, &tune_err) == PG_OK;
    rc = run_files(&r, err);
    /* The last commit and pg_bands_settle go by the size set before (the
     * default, as the next connection's): what it would read back is
     * merged now. */
    if (merge_sized)
        pg_bands_set_merge_keys(s, merge_keys_was, NULL);
    /* No lookup follows the merges from here on. */
    pg_bands_keep_merged(s, 0, NULL);
    if (rc != PG_OK) {
        /* Stopped: files held with no open group went with the failure;
         * those of an open group are whole and are committed. */
        if (pg_store_unflushed(s) == 0)
            lose(&r, NULL);
        pg_error e;
        flush(&r, &e);
    } else {
        rc = flush(&r, err);
        /* Every file is committed: a failed merge loses nothing (the keys
         * stay pending and a later commit merges them), so it is not the
         * run's failure. */
        pg_error e;
        if (rc == PG_OK)
            pg_bands_settle(s, &e);
    }
    pg_bands_keep_merged(s, 1, NULL);
    pg_store_group_files(s, 0);
    if (tuned)
        pg_store_tune_reads(s, 0, &tune_err);
out:
    if (totals != NULL)
        *totals = r.t;
    pg_ingest_session_free(r.own);
    free(r.failed);
    free(r.held);
    return rc;
}
