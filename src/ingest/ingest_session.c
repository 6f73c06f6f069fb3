/*
** ingest_session.c: what one run of ingests shares across its files: the
** set of raw keys the producer thread has prepared, so that a text met in
** an earlier file is not prepared again, and the run's producer thread
** (its pipe), so that the next file can be read while this one commits.
**
** The set holds a key's 64 low bits in open addressing (0 stands for
** empty, so a key whose bits are 0 is remembered as 1).  Beyond MAX_SLOTS
** (32 MiB) it starts over rather than grow: forgetting only means
** preparing again, and a key taken for seen because another has the same
** 64 bits is prepared by the consumer: correctness never depends on it.
*/
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h"

#define MIN_SLOTS ((size_t)1 << 12)
#define MAX_SLOTS ((size_t)1 << 22)

pg_err pg_ingest_session_new(pg_ingest_session **out, pg_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out != NULL ? PG_OK : pg_error_set(err, PG_ERR_NOMEM, "out of memory");
}

void pg_ingest_session_free(pg_ingest_session *s)
{
    if (s == NULL)
        return;
    pgi_pipe_free(s->pipe);     /* joins the producer, which uses slot */
    free(s->slot);
    free(s);
}

pg_err pgi_pipe_of(pg_ingest_session *session, pgi_pipe **out, pg_error *err)
{
    if (session->pipe == NULL) {
        pg_err rc = pgi_pipe_new(session, &session->pipe, err);
        if (rc != PG_OK)
            return rc;
    }
    *out = session->pipe;
    return PG_OK;
}

static size_t slot_of(uint64_t v, size_t cap)
{
    return (size_t)(v * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
}

static void set_put(uint64_t *slot, size_t cap, uint64_t v)
{
    size_t i = slot_of(v, cap);
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

int pgi_session_add(pg_ingest_session *s, pg_key k)
{
    uint64_t v = k.lo != 0 ? k.lo : 1;
    set_room(s);
    if (s->cap == 0)
        return 1;
    size_t i = slot_of(v, s->cap);
    while (s->slot[i] != 0) {
        if (s->slot[i] == v)
            return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slot[i] = v;
    s->n++;
    return 1;
}
