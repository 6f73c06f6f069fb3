/*
** cmd_ingest.c: `papergraph ingest`: read files into the database, one
** transaction each, and say per file what happened.  A file that fails does
** not stop the others; the exit status says whether any failed.
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
    "Reads each FILE ('-' is standard input) into the database in one transaction.\n"
    "A file whose exact bytes were ingested before, under any name, is skipped.\n"
    "\n"
    "  --year YYYY      year of day labels and dates written without one\n"
    "                   (default: the current year)\n"
    "  --format FMT     listing (default), jsonl or csv (fields: see README)\n"
    "  --encoding ENC   utf-8 (default; invalid bytes become U+FFFD with a\n"
    "                   warning) or latin1\n"
    "  --max-line N     longest accepted line in bytes (default 1048576); a longer\n"
    "                   line drops its entry with a warning\n"
    "  --threads N      1: read and write on one thread; 2 (the default with more\n"
    "                   than one processor): a second thread reads and prepares\n"
    "                   the entries; the database is the same either way\n"
    "  --quiet          print only warnings, errors and the total\n"
    "  --db PATH        database file\n"
    "\n"
    "Exit status: 0 all files read, 1 a file could not be read (the others were\n"
    "ingested), 2 bad usage, 3 database error.\n";

/* Warnings shown per file; the rest are counted in the file's summary. */
#define WARN_SHOWN 10

typedef struct warn_state {
    long shown;
    long hidden;
} warn_state;

static void print_warning(void *ctx, const char *file, long line, const char *msg)
{
    warn_state *w = ctx;
    if (w->shown >= WARN_SHOWN) {
        w->hidden++;
        return;
    }
    w->shown++;
    if (line > 0)
        fprintf(stderr, "papergraph: warning: %s:%ld: %s\n", file, line, msg);
    else
        fprintf(stderr, "papergraph: warning: %s: %s\n", file, msg);
}


/* Files are committed in groups of GROUP_BYTES (pg_store_group_files): a
 * file's line is held until its group is durable, so that what is printed
 * is true even if the process dies, and a file that fails takes its group's
 * earlier files with it: those are read again.  Standard input cannot be
 * read again, so it is a group of its own.  Warnings about reading are
 * printed at once (twice for a file read again). */
typedef struct pending {
    pg_buf lines;           /* the held lines */
    cli_totals t;           /* the held files' counts */
} pending;

#define GROUP_BYTES ((unsigned long long)64 << 20)

static void hold_file(pending *p, const char *path, const pg_ingest_result *r,
                      const warn_state *w, int quiet)
{
    if (w->hidden > 0)
        fprintf(stderr, "papergraph: warning: %s: %ld more warnings not shown\n",
                path, w->hidden);
    if (!quiet && r->skipped)
        pg_buf_printf(&p->lines, "%s: skipped, same content as %s (already ingested)\n",
                      path, r->same_as);
    else if (!quiet)
        pg_buf_printf(&p->lines, "%s: %lld entries, %lld new, %lld known, %lld warnings\n",
                      path, r->entries, r->new_texts, r->known, r->warnings);
    p->t.files++;
    p->t.skipped += r->skipped;
    p->t.entries += r->entries;
    p->t.new_texts += r->new_texts;
    p->t.known += r->known;
    p->t.warnings += r->warnings;
}

/* The held files are durable: print them and count them. */
static void release_files(pending *p, cli_totals *t)
{
    if (p->lines.len > 0)
        fputs(p->lines.data, stdout);
    pg_buf_reset(&p->lines);
    t->files += p->t.files;
    t->skipped += p->t.skipped;
    t->entries += p->t.entries;
    t->new_texts += p->t.new_texts;
    t->known += p->t.known;
    t->warnings += p->t.warnings;
    memset(&p->t, 0, sizeof p->t);
}

/* The held files were lost with a failed commit. */
static void drop_files(pending *p, cli_totals *t, int count_failed)
{
    if (count_failed && p->t.files > 0) {
        cli_error("the %ld files read before it were not committed either;"
                  " ingest them again", p->t.files);
        t->failed += p->t.files;
    }
    pg_buf_reset(&p->lines);
    memset(&p->t, 0, sizeof p->t);
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

/* Ingests one path; returns 0, or the exit status that ends the run (a
 * database failure makes the remaining files pointless). */
static int ingest_one(pg_store *s, const char *path, pg_ingest_opts *o,
                      pending *p, cli_totals *t, int quiet, int *status)
{
    warn_state w = { 0, 0 };
    pg_ingest_result r;
    pg_error err;
    pg_error_clear(&err);
    o->warn = print_warning;
    o->warn_ctx = &w;
    pg_err rc = pg_ingest_path(s, path, o, &r, &err);
    if (rc != PG_OK) {
        cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
        t->failed++;
        int code = cli_exit_for(rc);
        if (code > *status)
            *status = code;
        return code == EXIT_INPUT ? 0 : code;
    }
    hold_file(p, path, &r, &w, quiet);
    if (pg_store_unflushed(s) == 0)
        release_files(p, t);    /* its group just committed */
    return 0;
}

/* Commits the open group: its held files are printed, or reported lost.
 * Returns 0, or EXIT_DB. */
static int flush_group(pg_store *s, pending *p, cli_totals *t)
{
    pg_error err;
    pg_error_clear(&err);
    if (pg_store_flush(s, &err) == PG_OK) {
        release_files(p, t);
        return 0;
    }
    cli_error("%s", err.msg);
    drop_files(p, t, 1);
    return EXIT_DB;
}

int cli_ingest_paths(pg_store *s, char **paths, int n, pg_ingest_opts *o,
                     int quiet, cli_totals *t)
{
    int status = EXIT_OK, stop = 0;
    pending p = { PG_BUF_INIT, { 0 } };
    pg_ingest_session *session = NULL;
    char *failed = calloc((size_t)n + 1, 1);
    /* One session for the run: a text met in an earlier file is not
     * prepared again by the producer thread. */
    if (failed == NULL || pg_ingest_session_new(&session, NULL) != PG_OK) {
        free(failed);
        cli_error("out of memory");
        return EXIT_DB;
    }
    o->session = session;
    cli_notice_waits(o);
    pg_store_group_files(s, GROUP_BYTES);
    for (int i = 0, group_start = 0; i < n && !stop; i++) {
        int is_stdin = strcmp(paths[i], "-") == 0;
        if (failed[i])
            continue;
        if (is_stdin && (stop = flush_group(s, &p, t)) != 0)
            break;
        if (pg_store_unflushed(s) == 0)
            group_start = i;    /* a new group starts with this file */
        int held = pg_store_unflushed(s);
        long before = t->failed;
        /* The producer thread reads the next file while this one commits. */
        int next = i + 1;
        while (next < n && failed[next])
            next++;
        o->next_path = next < n ? paths[next] : NULL;
        stop = ingest_one(s, paths[i], o, &p, t, quiet, &status);
        if (t->failed > before && held > 0 && pg_store_unflushed(s) == 0 && !stop) {
            failed[i] = 1;      /* and read the lost group's files again */
            drop_files(&p, t, 0);
            i = group_start - 1;
        } else if (is_stdin && !stop) {
            stop = flush_group(s, &p, t);
        }
    }
    if (stop > status)
        status = stop;          /* a failed commit of standard input's group */
    /* Held files with no open group went with a failed file (the run
     * stopped); those of an open group are whole and are committed. */
    if (pg_store_unflushed(s) == 0)
        drop_files(&p, t, 1);
    if (flush_group(s, &p, t) != 0)
        status = EXIT_DB;
    pg_store_group_files(s, 0);
    pg_buf_release(&p.lines);
    o->session = NULL;
    o->next_path = NULL;
    pg_ingest_session_free(session);
    free(failed);
    return status;
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
    pg_ingest_opts o = { .format = PG_INPUT_LISTING };
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
                                       "unknown --format '%s' (listing, jsonl, csv)", optarg);
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
    cli_totals t = { 0, 0, 0, 0, 0, 0, 0 };
    status = cli_ingest_paths(s, argv + optind, argc - optind, &o, quiet, &t);
    printf("total: %ld files (%ld skipped, %ld failed), %lld entries, %lld new, "
           "%lld known, %lld warnings\n", t.files + t.failed, t.skipped, t.failed,
           t.entries, t.new_texts, t.known, t.warnings);
    pg_store_close(s);
    return status;
}
