/*
** cmd_ingest.c: `papergraph ingest`: the command line of pg_ingest_files,
** which reads the files into the database (committed in groups, a group
** lost to a failing file read again); this file prints what it tells: a
** line per file once it is committed, warnings and errors, the total, and
** the progress line on a terminal.  A file that fails does not stop the
** others; the exit status says whether any failed.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_ingest_usage[] =
    "usage: papergraph [--db PATH] ingest [--year YYYY] [--format FMT] [--encoding ENC]\n"
    "                  [--max-line N] [--threads N] [--quiet] FILE...\n"
    "\n"
    "Reads each FILE ('-' is standard input) into the database.  A file is in the\n"
    "database whole or not at all: files are committed in groups of up to 64 MB of\n"
    "input, a file's line is printed once its group is committed, and a file that\n"
    "fails takes its group's other files with it, which are then read again.\n"
    "A file whose exact bytes were ingested before, under any name, is skipped.  A\n"
    "page read again under the same path (today's page at noon, then at night)\n"
    "adds only the entries not already recorded for that path and day; nothing\n"
    "recorded is removed.  On a terminal, progress is shown on stderr.\n"
    "\n"
    "  --year YYYY      year of day labels and dates written without one\n"
    "                   (default: the current year)\n"
    "  --format FMT     listing, jsonl, csv (fields: see README) or auto (the\n"
    "                   default: *.jsonl and *.ndjson JSON lines, *.csv CSV,\n"
    "                   anything else and standard input a listing page)\n"
    "  --encoding ENC   utf-8 (default; invalid bytes become U+FFFD with a\n"
    "                   warning) or latin1\n"
    "  --max-line N     longest accepted line in bytes (default 1048576); a longer\n"
    "                   line drops its entry with a warning\n"
    "  --threads N      1: read and write on one thread; 2 (the default with more\n"
    "                   than one processor): a second thread reads and prepares\n"
    "                   the entries; the database is the same either way\n"
    "  --quiet          print only warnings, errors and the total (no progress)\n"
    "  --db PATH        database file\n"
    "\n"
    "Exit status: 0 all files read, 1 a file could not be read (the others were\n"
    "ingested), 2 bad usage, 3 database error.\n";

/* Warnings shown per file; the rest are counted in the file's summary. */
#define WARN_SHOWN 10

/* What printing an ingest run keeps. */
typedef struct printer {
    int quiet;
    long shown, hidden;     /* the warnings of the file being read */
    int status;             /* the exit status so far */
    int told;               /* an error was printed */
    cli_progress progress;
} printer;

static void print_warning(void *ctx, const char *file, long line, const char *msg)
{
    printer *p = ctx;
    if (p->shown >= WARN_SHOWN) {
        p->hidden++;
        return;
    }
    p->shown++;
    cli_progress_clear(&p->progress);
    if (line > 0)
        fprintf(stderr, "papergraph: warning: %s:%ld: %s\n", file, line, msg);
    else
        fprintf(stderr, "papergraph: warning: %s: %s\n", file, msg);
}

static void set_status(printer *p, int code)
{
    if (code > p->status)
        p->status = code;
}

/* A file's line is printed once its group is committed, so that what is
 * printed is true even if the process dies; warnings at once (twice for a
 * file read again after its group was lost). */
static void print_event(void *ctx, const pg_ingest_event *ev)
{
    printer *p = ctx;
    const pg_ingest_result *r = ev->res;
    int prints = ev->kind == PG_INGEST_FAILED || ev->kind == PG_INGEST_LOST ||
                 (ev->kind == PG_INGEST_READ && p->hidden > 0) ||
                 (ev->kind == PG_INGEST_COMMITTED && !p->quiet);
    if (prints)
        cli_progress_clear(&p->progress);
    switch (ev->kind) {
    case PG_INGEST_READ:
        if (p->hidden > 0)
            fprintf(stderr, "papergraph: warning: %s: %ld more warnings not shown\n",
                    ev->path, p->hidden);
        p->shown = p->hidden = 0;
        break;
    case PG_INGEST_COMMITTED:
        if (p->quiet)
            break;
        if (r->skipped)
            printf("%s: skipped, same content as %s (already ingested)\n", ev->path,
                   r->same_as);
        else if (r->recorded > 0)
            printf("%s: %lld entries, %lld new, %lld known, %lld already recorded,"
                   " %lld warnings\n", ev->path, r->entries, r->new_texts, r->known,
                   r->recorded, r->warnings);
        else
            printf("%s: %lld entries, %lld new, %lld known, %lld warnings\n", ev->path,
                   r->entries, r->new_texts, r->known, r->warnings);
        break;
    case PG_INGEST_FAILED:
        cli_error("%s", ev->err->msg[0] ? ev->err->msg : pg_strerror(ev->err->code));
        set_status(p, cli_exit_for(ev->err->code));
        p->shown = p->hidden = 0;
        p->told = 1;
        break;
    case PG_INGEST_LOST:
        /* One line: what failed, and what the user must do about it. */
        if (ev->err != NULL) {
            cli_error("%s (%zu file%s not committed: ingest %s again)", ev->err->msg, ev->n,
                      ev->n == 1 ? "" : "s", ev->n == 1 ? "it" : "them");
            set_status(p, EXIT_DB);
            p->told = 1;
        } else {
            cli_error("%zu file%s of the group not committed: ingest %s again", ev->n,
                      ev->n == 1 ? "" : "s", ev->n == 1 ? "it" : "them");
        }
        break;
    }
    fflush(stdout);
}

static void print_progress(void *ctx, const pg_ingest_progress *pr)
{
    printer *p = ctx;
    cli_progress_update(&p->progress, pr);
}

int cli_ingest_paths(pg_store *s, char **paths, int n, pg_ingest_opts *o,
                     int quiet, int progress, cli_totals *t)
{
    printer p = { quiet, 0, 0, EXIT_OK, 0, { 0 } };
    pg_error err;
    cli_progress_start(&p.progress, !progress);
    o->warn = print_warning;
    o->warn_ctx = &p;
    o->on_file = print_event;
    o->on_progress = print_progress;
    o->hook_ctx = &p;
    cli_notice_waits(o);
    pg_err rc = pg_ingest_files(s, (const char *const *)paths, (size_t)n, o, t, &err);
    cli_progress_clear(&p.progress);
    if (rc != PG_OK && !p.told)
        cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
    if (rc != PG_OK)
        set_status(&p, cli_exit_for(rc));
    return p.status;
}

int cli_parse_year(const char *s, int *year)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1000 || v > 9999)
        return -1;
    *year = (int)v;
    return 0;
}

static int parse_size(const char *s, size_t *n)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < 16 || v > ((size_t)1 << 30) || s[0] == '-')
        return -1;
    *n = (size_t)v;
    return 0;
}

int cmd_ingest(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "year", required_argument, NULL, 'y' },
        { "format", required_argument, NULL, 'f' },
        { "max-line", required_argument, NULL, 'm' },
        { "quiet", no_argument, NULL, 'q' },
        { "encoding", required_argument, NULL, 'e' },
        { "threads", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    pg_ingest_opts o = { .format = PG_INPUT_AUTO };
    int quiet = 0, opt, now;
    while ((opt = getopt_long(argc, argv, "hqf:y:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_ingest_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'y') {
            if (cli_parse_year(optarg, &o.year) != 0)
                return cli_usage_error(cmd_ingest_usage,
                                       "--year wants a four-digit year, not '%s'", optarg);
        } else if (opt == 'f') {
            if (pg_input_format_parse(optarg, &o.format) != PG_OK)
                return cli_usage_error(cmd_ingest_usage,
                                       "unknown --format '%s' (listing, jsonl, csv, auto)", optarg);
        } else if (opt == 'm') {
            if (parse_size(optarg, &o.max_line) != 0)
                return cli_usage_error(cmd_ingest_usage,
                                       "--max-line wants a byte count from 16 to 1073741824");
        } else if (opt == 'q') {
            quiet = 1;
        } else if (opt == 'e') {
            if (pg_encoding_parse(optarg, &o.encoding) != PG_OK)
                return cli_usage_error(cmd_ingest_usage,
                                       "unknown --encoding '%s' (utf-8, latin1)", optarg);
        } else if (opt == 't') {
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
                return cli_usage_error(cmd_ingest_usage, "--threads wants 1 or 2, not '%s'",
                                       optarg);
            o.threads = optarg[0] - '0';
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd_ingest_usage, "ingest needs at least one FILE");
    pg_store *s = NULL;
    int status = cli_open_store(ctx, &s);
    if (status != EXIT_OK)
        return status;
    cli_totals t = { 0 };
    char recorded[48] = "";
    status = cli_ingest_paths(s, argv + optind, argc - optind, &o, quiet, !quiet, &t);
    if (t.recorded > 0)
        snprintf(recorded, sizeof recorded, "%lld already recorded, ", t.recorded);
    printf("total: %ld files (%ld skipped, %ld failed), %lld entries, %lld new, "
           "%lld known, %s%lld warnings\n", t.files + t.failed, t.skipped, t.failed,
           t.entries, t.new_texts, t.known, recorded, t.warnings);
    pg_store_close(s);
    return status;
}
