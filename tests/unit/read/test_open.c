/*
** test_open.c: unit tests of pg_input_open() (src/read/open.c): a regular
** file opens as with fopen(), a missing one gives a one-line error, and a
** FIFO is waited on until its writer comes, the caller being told once when
** that takes over a second (issue 17: the open used to block silently).
**
** Writers are child processes, so that the parent's open really waits.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "papergraph/read.h"

typedef struct waits {
    int calls;
    char path[256];
} waits;

static void on_wait(void *ctx, const char *path)
{
    waits *w = ctx;
    w->calls++;
    snprintf(w->path, sizeof w->path, "%s", path);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Forks a writer that waits delay_ms, opens path for writing (blocking
 * until the reader is there), writes text (NULL: nothing) and exits. */
static pid_t writer(const char *path, long delay_ms, const char *text)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    sleep_ms(delay_ms);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        _exit(1);
    if (text != NULL && write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        _exit(1);
    close(fd);
    _exit(0);
}

/* Reads fp to the end into buf (NUL-terminated). */
static size_t slurp(FILE *fp, char *buf, size_t cap)
{
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    return n;
}

static int reaped_ok(pid_t pid)
{
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status)
           && WEXITSTATUS(status) == 0;
}

static void test_regular_and_missing(const char *dir)
{
    char path[512], buf[64];
    waits w = { 0, "" };
    FILE *fp = NULL;
    pg_error err;

    snprintf(path, sizeof path, "%s/plain.txt", dir);
    FILE *out = fopen(path, "w");
    CHECK(out != NULL);
    if (out == NULL)
        return;
    fputs("plain text\n", out);
    fclose(out);
    CHECK_INT(pg_input_open(path, on_wait, &w, &fp, &err), PG_OK);
    if (fp != NULL) {
        CHECK_INT(slurp(fp, buf, sizeof buf), 11);
        CHECK_STR(buf, "plain text\n");
        fclose(fp);
    }
    CHECK_INT(w.calls, 0);
    unlink(path);

    snprintf(path, sizeof path, "%s/missing.txt", dir);
    fp = (FILE *)&w;
    CHECK_INT(pg_input_open(path, on_wait, &w, &fp, &err), PG_ERR_IO);
    CHECK(fp == NULL);
    char want[600];
    snprintf(want, sizeof want, "%s: cannot open: %s", path, strerror(ENOENT));
    CHECK_STR(err.msg, want);
    CHECK_INT(w.calls, 0);
}

static void test_fifo(const char *dir)
{
    char path[512], buf[64];
    FILE *fp = NULL;
    pg_error err;

    snprintf(path, sizeof path, "%s/fifo", dir);
    CHECK_INT(mkfifo(path, 0600), 0);

    /* The writer comes after a second and a half: told once, then read. */
    waits w = { 0, "" };
    pid_t pid = writer(path, 1500, "late data\n");
    CHECK_INT(pg_input_open(path, on_wait, &w, &fp, &err), PG_OK);
    CHECK_INT(w.calls, 1);
    CHECK_STR(w.path, path);
    if (fp != NULL) {
        CHECK_INT(slurp(fp, buf, sizeof buf), 10);
        CHECK_STR(buf, "late data\n");
        fclose(fp);
    }
    CHECK(reaped_ok(pid));

    /* Without a callback the open just waits. */
    pid = writer(path, 200, "quiet\n");
    fp = NULL;
    CHECK_INT(pg_input_open(path, NULL, NULL, &fp, &err), PG_OK);
    if (fp != NULL) {
        CHECK_INT(slurp(fp, buf, sizeof buf), 6);
        CHECK_STR(buf, "quiet\n");
        fclose(fp);
    }
    CHECK(reaped_ok(pid));

    /* A writer that opens and leaves without writing: an empty input (as a
     * blocking open and a read would give), not a hang. */
    w.calls = 0;
    pid = writer(path, 100, NULL);
    fp = NULL;
    CHECK_INT(pg_input_open(path, on_wait, &w, &fp, &err), PG_OK);
    if (fp != NULL) {
        CHECK_INT(slurp(fp, buf, sizeof buf), 0);
        fclose(fp);
    }
    CHECK(reaped_ok(pid));
    unlink(path);
}

int main(void)
{
    char dir[] = "/tmp/pg_test_open_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    alarm(60);      /* a hang fails the test instead of blocking the suite */
    test_regular_and_missing(dir);
    test_fifo(dir);
    rmdir(dir);
    CHECK_DONE();
}
