/*
** progress.c: the progress line of a long ingest, drawn on stderr when it
** is a terminal: files, entries, MB/s and the time left, on one line
** redrawn in place with \r.  Never drawn when stderr is not a terminal
** (a log file gets no control characters) nor with --quiet.
**
** The library tells how far it is (pg_ingest_progress) as often as it
** likes; the line is redrawn at most every REDRAW_MS, and always when the
** last file is done.  Anything else written to the terminal first erases
** the line (cli_progress_clear), so warnings and the per-file lines never
** land in the middle of it.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW_MS 100

static double since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

void cli_progress_start(cli_progress *p, int quiet)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

/* "1:05" or "2:03:04". */
static void format_eta(char *buf, size_t n, double seconds)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

void cli_progress_format(char *buf, size_t n, const pg_ingest_progress *pr, double seconds)
{
    char rate[32] = "-- MB/s", eta[32] = "--";
    double mb = (double)pr->bytes_done / 1e6;
    if (seconds > 0 && pr->bytes_done > 0) {
        double per_s = (double)pr->bytes_done / seconds;
        snprintf(rate, sizeof rate, "%.1f MB/s", per_s / 1e6);
        if (pr->bytes_total >= pr->bytes_done)
            format_eta(eta, sizeof eta, (double)(pr->bytes_total - pr->bytes_done) / per_s);
    }
    snprintf(buf, n, "ingest: %zu/%zu files, %lld entries, %.1f MB, %s, ETA %s",
             pr->files_done, pr->files_total, pr->entries, mb, rate, eta);
}

void cli_progress_update(cli_progress *p, const pg_ingest_progress *pr)
{
    if (!p->on)
        return;
    double t = since(&p->start);
    int last = pr->files_done == pr->files_total;
    if (p->shown && !last && (t - p->drawn_at) * 1000 < REDRAW_MS)
        return;
    char line[160];
    cli_progress_format(line, sizeof line, pr, t);
    /* \033[K erases what a longer line before left. */
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    p->shown = 1;
    p->drawn_at = t;
}

void cli_progress_clear(cli_progress *p)
{
    if (!p->shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->shown = 0;
}
