/* test_buf.c: the growable buffer, the large-array allocations and the
 * error helpers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "base/internal.h"
#include "check.h"

static void test_append(void)
{
    pg_buf b = PG_BUF_INIT;
    CHECK_INT(pg_buf_puts(&b, "abc"), PG_OK);
    CHECK_INT(pg_buf_putc(&b, 'd'), PG_OK);
    CHECK_INT(pg_buf_printf(&b, "-%d-%s", 42, "x"), PG_OK);
    CHECK_STR(b.data, "abcd-42-x");
    CHECK_INT(b.len, 9);
    pg_buf_reset(&b);
    CHECK_INT(b.len, 0);
    CHECK_STR(b.data, "");
    /* Growth past many doublings keeps every byte. */
    for (int i = 0; i < 10000; i++)
        CHECK_INT(pg_buf_putc(&b, (char)('a' + i % 26)), PG_OK);
    CHECK_INT(b.len, 10000);
    CHECK(b.data[9999] == (char)('a' + 9999 % 26) && b.data[10000] == '\0');
    pg_buf_release(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    pg_buf_release(NULL);
}

static void test_detach(void)
{
    pg_buf b = PG_BUF_INIT;
    char *empty = pg_buf_detach(&b);
    CHECK(empty != NULL && empty[0] == '\0');
    free(empty);
    pg_buf_append(&b, "xy\0z", 4);
    CHECK_INT(b.len, 4);
    char *p = pg_buf_detach(&b);
    CHECK(memcmp(p, "xy\0z", 5) == 0);
    CHECK(b.data == NULL);
    free(p);
}

static void test_error(void)
{
    pg_error e;
    pg_error_clear(&e);
    CHECK_INT(e.code, PG_OK);
    CHECK_INT(pg_error_set(&e, PG_ERR_IO, "%s:%d: %s", "a.txt", 7, "bad"), PG_ERR_IO);
    CHECK_STR(e.msg, "a.txt:7: bad");
    CHECK_INT(pg_error_set(NULL, PG_ERR_DB, "ignored"), PG_ERR_DB);
    /* Messages are one line, and a cut never splits a UTF-8 sequence. */
    pg_error_set(&e, PG_ERR_FORMAT, "line\nbreak");
    CHECK_STR(e.msg, "line break");
    char longmsg[1200];
    for (size_t i = 0; i + 2 < sizeof longmsg; i += 2)
        memcpy(longmsg + i, "\xc3\xa9", 2);
    longmsg[sizeof longmsg - 2] = '\0';
    pg_error_set(&e, PG_ERR_FORMAT, "x%s", longmsg);
    size_t n = strlen(e.msg);
    CHECK(n < sizeof e.msg);
    CHECK((unsigned char)e.msg[n - 1] == 0xa9);
    for (int c = PG_OK; c <= PG_ERR_INTERNAL; c++)
        CHECK(pg_strerror((pg_err)c) != NULL && strcmp(pg_strerror((pg_err)c), "unknown error") != 0);
}

/* The large-array allocations behave as realloc and calloc, on both sides
 * of the size from which they ask for huge pages (mem.c). */
static void test_mem(void)
{
    const size_t small = 1000, big = (size_t)9 << 20;
    unsigned char *p = pg_mem_realloc(NULL, 0, small);
    CHECK(p != NULL);
    for (size_t i = 0; i < small; i++)
        p[i] = (unsigned char)(i * 7);
    /* Growing past the threshold copies the old bytes, all of them. */
    p = pg_mem_realloc(p, small, big);
    CHECK(p != NULL);
    int same = 1;
    for (size_t i = 0; i < small; i++)
        same &= p[i] == (unsigned char)(i * 7);
    CHECK(same);
    memset(p + small, 0xab, big - small);
    /* And growing again keeps the big array whole. */
    p = pg_mem_realloc(p, big, 2 * big);
    CHECK(p != NULL && p[small - 1] == (unsigned char)((small - 1) * 7));
    CHECK(p[big - 1] == 0xab && p[small] == 0xab);
    /* Shrinking is a plain realloc. */
    p = pg_mem_realloc(p, 2 * big, small);
    CHECK(p != NULL && p[3] == 21);
    free(p);

    /* A big calloc is zeroed even when its block was used before. */
    unsigned char *q = malloc(big);
    CHECK(q != NULL);
    memset(q, 0xff, big);
    free(q);
    q = pg_mem_calloc(big / 8, 8);
    CHECK(q != NULL);
    size_t nonzero = 0;
    for (size_t i = 0; i < big; i++)
        nonzero += q[i] != 0;
    CHECK_INT(nonzero, 0);
    free(q);
    CHECK(pg_mem_calloc(SIZE_MAX / 2, 4) == NULL);
    q = pg_mem_calloc(10, 10);
    CHECK(q != NULL && q[99] == 0);
    free(q);
    q = pg_mem_malloc(big);
    CHECK(q != NULL);
    q[big - 1] = 1;
    free(q);
    pg_mem_advise(NULL, big);   /* no-op */
}

/* Dates as ISO 8601 prefixes: as much as is valid. */
static void test_date(void)
{
    static const struct {
        int y, m, d;
        const char *want;
    } cases[] = {
        { 2025, 3, 7, "2025-03-07" }, { 7, 1, 9, "0007-01-09" },
        { 2025, 12, 0, "2025-12" },   { 2025, 13, 5, "2025" },
        { 9999, 12, 31, "9999-12-31" }, { 0, 1, 1, "" }, { 10000, 1, 1, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[11];
        CHECK_INT(pg_date_format(out, cases[i].y, cases[i].m, cases[i].d),
                  strlen(cases[i].want));
        CHECK_STR(out, cases[i].want);
    }
}

int main(void)
{
    test_date();
    test_append();
    test_detach();
    test_mem();
    test_error();
    CHECK_DONE();
}
