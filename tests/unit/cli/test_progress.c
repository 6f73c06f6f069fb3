/*
** test_progress.c: the ingest progress line as cli_progress_format writes
** it (files, entries, MB, MB/s, time left), and that nothing is drawn when
** stderr is not a terminal or with --quiet.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "check.h"

static void test_format(void)
{
    char line[160];
    pg_ingest_progress p = { 2, 5, 300, 10000000, 40000000 };
    cli_progress_format(line, sizeof line, &p, 2.0);
    CHECK_STR(line, "ingest: 2/5 files, 300 entries, 10.0 MB, 5.0 MB/s, ETA 0:06");
    /* Minutes, then hours. */
    p.bytes_total = 10000000 + 5000000ULL * 125;
    cli_progress_format(line, sizeof line, &p, 2.0);
    CHECK_STR(line, "ingest: 2/5 files, 300 entries, 10.0 MB, 5.0 MB/s, ETA 2:05");
    p.bytes_total = 10000000 + 5000000ULL * 3725;
    cli_progress_format(line, sizeof line, &p, 2.0);
    CHECK_STR(line, "ingest: 2/5 files, 300 entries, 10.0 MB, 5.0 MB/s, ETA 1:02:05");
    /* Nothing read yet, or no size known (standard input): no rate, no ETA. */
    pg_ingest_progress none = { 0, 1, 0, 0, 0 };
    cli_progress_format(line, sizeof line, &none, 0.5);
    CHECK_STR(line, "ingest: 0/1 files, 0 entries, 0.0 MB, -- MB/s, ETA --");
    pg_ingest_progress piped = { 0, 1, 50, 3000000, 0 };
    cli_progress_format(line, sizeof line, &piped, 1.0);
    CHECK_STR(line, "ingest: 0/1 files, 50 entries, 3.0 MB, 3.0 MB/s, ETA --");
}

/* Drawing goes to stderr only on a terminal and never with --quiet. */
static void test_off(void)
{
    cli_progress p;
    pg_ingest_progress pr = { 1, 1, 5, 100, 100 };
    FILE *tmp = tmpfile();
    CHECK(tmp != NULL);
    if (tmp == NULL)
        return;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);   /* a file: not a terminal */
    cli_progress_start(&p, 0);
    int on = p.on;
    cli_progress_update(&p, &pr);
    cli_progress_clear(&p);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    CHECK_INT(on, 0);
    CHECK_INT(ftell(tmp), 0);
    fclose(tmp);
    cli_progress_start(&p, 1);
    CHECK_INT(p.on, 0);
}

int main(void)
{
    test_format();
    test_off();
    CHECK_DONE();
}
