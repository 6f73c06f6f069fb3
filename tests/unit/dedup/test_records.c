/*
** test_records.c: the dedup stage's records by text key (records.c): every
** record kept reads back byte for byte through the table's growth; a
** dropped one is gone and may be kept again; a kept one is never replaced;
** the zero key is never kept; the records stop at their byte limit and
** keep what they hold.  That a record makes the text the store gives is
** test_pipeline's (test_records).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dedup/stage.h"

enum { N = 5000 };

static pg_key key_of(int i)
{
    char s[32];
    snprintf(s, sizeof s, "text %d", i);
    return pg_key_of(s, strlen(s));
}

/* Record i of the test: its bytes (from i and a generation g) in out, 1 to
 * about 3,000 bytes, so that records span chunk boundaries. */
static size_t record_of(int i, int g, unsigned char *out)
{
    size_t n = 1 + (size_t)(i * 7919u + (unsigned)g * 131u) % 3000;
    for (size_t k = 0; k < n; k++)
        out[k] = (unsigned char)(i * 31 + g * 17 + (int)k);
    return n;
}

/* 1 when key i holds record (i, g). */
static int holds(const pgd_records *m, int i, int g)
{
    unsigned char want[3100];
    const unsigned char *rec = NULL;
    size_t len = 0, n = record_of(i, g, want);
    return pgd_records_get(m, key_of(i), &rec, &len) && len == n && memcmp(rec, want, n) == 0;
}

static void test_put_get_drop(void)
{
    pgd_records m;
    unsigned char rec[3100];
    memset(&m, 0, sizeof m);
    const unsigned char *r;
    size_t len;
    CHECK_INT(pgd_records_get(&m, key_of(1), &r, &len), 0);     /* empty */
    for (int i = 0; i < N; i++)
        pgd_records_put(&m, key_of(i), rec, record_of(i, 0, rec));
    int all = 1;
    for (int i = 0; i < N; i++)
        all &= holds(&m, i, 0);
    CHECK(all);
    CHECK(m.cap >= 2 * (size_t)N && m.n_chunks > 1);
    /* A kept record is never replaced: a text never changes. */
    pgd_records_put(&m, key_of(7), rec, record_of(7, 1, rec));
    CHECK(holds(&m, 7, 0));
    /* Every third dropped: gone, the others still there, through growth
     * (the dropped slots are skipped when the table is rebuilt). */
    for (int i = 0; i < N; i += 3)
        pgd_records_drop(&m, key_of(i));
    pgd_records_drop(&m, key_of(N + 1));    /* never kept: nothing */
    for (int i = N; i < 2 * N; i++)
        pgd_records_put(&m, key_of(i), rec, record_of(i, 0, rec));
    int gone = 1, kept = 1;
    for (int i = 0; i < 2 * N; i++) {
        if (i < N && i % 3 == 0)
            gone &= pgd_records_get(&m, key_of(i), &r, &len) == 0;
        else
            kept &= holds(&m, i, 0);
    }
    CHECK(gone);
    CHECK(kept);
    /* A dropped record may be kept again, with what the text is now. */
    pgd_records_put(&m, key_of(3), rec, record_of(3, 2, rec));
    CHECK(holds(&m, 3, 2));
    /* The zero key marks an empty slot: never kept. */
    pg_key zero = { 0, 0 };
    pgd_records_put(&m, zero, rec, 10);
    CHECK_INT(pgd_records_get(&m, zero, &r, &len), 0);
    pgd_records_release(&m);
    CHECK_INT(pgd_records_get(&m, key_of(1), &r, &len), 0);
}

static void test_limit(void)
{
    pgd_records m;
    unsigned char rec[3100];
    memset(&m, 0, sizeof m);
    m.max_bytes = 20000;
    int n_kept = 0;
    for (int i = 0; i < 100; i++) {
        memset(rec, i, 1000);
        pgd_records_put(&m, key_of(i), rec, 1000);
    }
    for (int i = 0; i < 100; i++) {
        const unsigned char *r;
        size_t len;
        if (pgd_records_get(&m, key_of(i), &r, &len)) {
            n_kept++;
            CHECK(len == 1000 && r[0] == (unsigned char)i && r[999] == (unsigned char)i);
        }
    }
    /* The first ones, as many as the limit holds (each with its length). */
    CHECK_INT(n_kept, 20000 / (1000 + 4));
    CHECK(m.bytes <= m.max_bytes);
    pgd_records_release(&m);
    CHECK_INT((long long)m.max_bytes, 20000);
}

int main(void)
{
    test_put_get_drop();
    test_limit();
    CHECK_DONE();
}
