/* test_buf.c: the growable buffer and the error helpers. */
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
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

int main(void)
{
    test_append();
    test_detach();
    test_error();
    CHECK_DONE();
}
