/*
** open.c: opening an input path for reading, telling the caller when the
** open is waiting for a FIFO's writer (see pg_input_open in read.h).
**
** open(2) of a FIFO blocks until a writer opens the other end, which looks
** like a hang to whoever typed the command.  The FIFO is opened without
** waiting instead, and poll(2) waits for the writer: for a reader that
** never saw a writer, Linux reports neither data nor hang-up, so the poll
** times out until a writer comes, then reports data or (a writer that left
** without writing) hang-up, which reads as the end of an empty input, as a
** blocking open followed by a read would.  After the first time-out the
** caller is told once; the library itself never prints.
*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papergraph/read.h"

/* How long an open may wait before the caller is told. */
#define WAIT_NOTICE_MS 1000

/* Waits for the FIFO's writer: returns 0 when there is one (or it came and
 * went), -1 with errno on failure. */
static int wait_for_writer(int fd, const char *path, pg_wait_fn waiting, void *ctx)
{
    int told = 0;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int n = poll(&p, 1, told || waiting == NULL ? -1 : WAIT_NOTICE_MS);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
        if (n == 0 && !told) {
            waiting(ctx, path);
            told = 1;
        }
    }
}

pg_err pg_input_open(const char *path, pg_wait_fn waiting, void *ctx, FILE **out,
                     pg_error *err)
{
    struct stat st;
    int fd;

    *out = NULL;
    if (stat(path, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        /* Not a FIFO (or not there: fopen() says why). */
        FILE *fp = fopen(path, "rb");
        if (fp == NULL)
            return pg_error_set(err, PG_ERR_IO, "%s: cannot open: %s", path,
                                strerror(errno));
        *out = fp;
        return PG_OK;
    }
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return pg_error_set(err, PG_ERR_IO, "%s: cannot open: %s", path,
                            strerror(errno));
    int flags = fcntl(fd, F_GETFL);
    if (wait_for_writer(fd, path, waiting, ctx) != 0 || flags < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        (*out = fdopen(fd, "rb")) == NULL) {
        int e = errno;
        close(fd);
        return pg_error_set(err, PG_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    return PG_OK;
}
