/*
** common.c: helpers every command uses: error printing, exit statuses,
** opening the store, the options all commands share.
*/
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Every message the CLI prints has this one form. */
static void say(const char *fmt, va_list ap)
{
    fputs("papergraph: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

int cli_exit_for(pg_err code)
{
    switch (code) {
    case PG_OK:
    case PG_DONE:
        return EXIT_OK;
    case PG_ERR_IO:
    case PG_ERR_NOT_TEXT:
    case PG_ERR_FORMAT:
    case PG_ERR_TOO_LONG:
    case PG_ERR_NOT_FOUND:
        return EXIT_INPUT;
    case PG_ERR_USAGE:
        return EXIT_USAGE;
    case PG_ERR_DB:
    case PG_ERR_NOT_PG_DB:
    case PG_ERR_DB_VERSION:
        return EXIT_DB;
    case PG_ERR_NOMEM:
    case PG_ERR_GRAPH:
    case PG_ERR_INTERNAL:
        break;
    }
    return EXIT_INTERNAL;
}

int cli_open_store(const cli_ctx *ctx, pg_store **out)
{
    pg_error err;
    pg_error_clear(&err);
    int existing = (ctx->store_flags & CLI_NEEDS_STORE) != 0;
    pg_err rc = existing ? pg_store_open_existing(ctx->db_path, out, &err)
                         : pg_store_open(ctx->db_path, out, &err);
    if (rc == PG_OK)
        return EXIT_OK;
    if (!existing || rc != PG_ERR_NOT_FOUND) {
        cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
        return EXIT_DB;
    }
    if (ctx->db_origin != NULL)
        cli_error("%s (named by %s)", err.msg, ctx->db_origin);
    else
        cli_error("%s (the default: no --db, no $PAPERGRAPH_DB)", err.msg);
    cli_error("name one with --db PATH or $PAPERGRAPH_DB (after 'papergraph run -o out', "
              "it is out/papergraph.db); 'papergraph ingest' creates one");
    return EXIT_DB;
}

/* Prints the synopsis (the usage text up to its first blank line) and a
 * pointer to the full help: a mistake deserves a reminder, not a manual. */
static void print_synopsis(const char *usage)
{
    const char *end = strstr(usage, "\n\n");
    size_t n = end ? (size_t)(end - usage) + 1 : strlen(usage);
    fwrite(usage, 1, n, stderr);
    fputs("Try --help for the options.\n", stderr);
}

int cli_common_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                      int *exit_now)
{
    *exit_now = -1;
    if (opt == CLI_OPT_DB) {
        ctx->db_path = arg;
        ctx->db_given = 1;
        ctx->db_origin = "--db";
        return 1;
    }
    if (opt == CLI_OPT_HELP) {
        fputs(usage, stdout);
        *exit_now = EXIT_OK;
        return 1;
    }
    if (opt == '?') {
        /* getopt already said what was wrong; optopt is 0 for an unknown
         * long option, which getopt has stepped past. */
        if (optopt == 0 && ctx->argv != NULL && optind > 0)
            cli_suggest_option(ctx->argv[optind - 1], usage);
        print_synopsis(usage);
        *exit_now = EXIT_USAGE;
        return 1;
    }
    return 0;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    print_synopsis(usage);
    return EXIT_USAGE;
}

int cli_start_store(const cli_ctx *ctx, int argc, int operands, const char *usage,
                    const char *why, pg_store **s)
{
    /* getopt leaves optind at the first operand, never past argc. */
    if (argc - optind != operands)
        return cli_usage_error(usage, "%s", why);
    return cli_open_store(ctx, s);
}

static int parse_double(const char *s, double lo, double hi, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || *end || s[0] == '\0' || !(d >= lo && d <= hi))
        return -1;
    *v = d;
    return 0;
}

/* Handles a CLI_GRAPH_LONGOPTS option; returns 1 when opt was one, with
 * *bad set when its value was out of range (a message was printed). */
static int graph_option(int opt, const char *arg, pg_graph_opts *o, int *bad)
{
    double v = 0;
    int ok;
    *bad = 0;
    switch (opt) {
    case 2001: ok = parse_double(arg, 0, 1e6, &o->w_links) == 0; break;
    case 2002: ok = parse_double(arg, 0, 1e6, &o->w_terms) == 0; break;
    case 2003: ok = parse_double(arg, 0, 1e6, &o->w_authors) == 0; break;
    case 2004:
        ok = parse_double(arg, 1, 1000, &v) == 0 && v == (size_t)v;
        o->top_k = (size_t)v;
        break;
    case 2005: ok = parse_double(arg, 0, 1, &o->min_sim) == 0; break;
    case 2006: ok = parse_double(arg, 1e-6, 1e6, &o->resolution) == 0; break;
    case 2007:
        ok = parse_double(arg, 0, 4294967295.0, &v) == 0 && v == (unsigned long)v;
        o->seed = (uint64_t)v;
        break;
    case 2008:
        ok = 1;
        if (strcmp(arg, "auto") == 0)
            o->betweenness = PG_BETWEENNESS_AUTO;
        else if (strcmp(arg, "exact") == 0)
            o->betweenness = PG_BETWEENNESS_EXACT;
        else if (strcmp(arg, "sampled") == 0)
            o->betweenness = PG_BETWEENNESS_SAMPLED;
        else if (strcmp(arg, "off") == 0)
            o->betweenness = PG_BETWEENNESS_OFF;
        else
            ok = 0;
        break;
    case 2009:
        ok = parse_double(arg, 0, 1, &v) == 0;
        o->weak_links = v > 0;
        if (v > 0)
            o->weak_min_sim = v;
        break;
    default:
        return 0;
    }
    if (!ok) {
        static const char *const names[] = { "--w-links", "--w-terms", "--w-authors",
                                             "--top-k", "--min-sim", "--resolution",
                                             "--seed", "--betweenness", "--weak-min-sim" };
        if (opt == 2008)
            cli_error("--betweenness: '%s' is not auto, exact, sampled or off", arg);
        else
            cli_error("%s: '%s' is out of range (see --help)", names[opt - 2001], arg);
        *bad = 1;
    }
    return 1;
}

int cli_graph_command_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                             pg_graph_opts *o, int *exit_now)
{
    int bad;
    if (cli_common_option(ctx, opt, arg, usage, exit_now))
        return 1;
    if (!graph_option(opt, arg, o, &bad))
        return 0;
    if (bad)
        *exit_now = EXIT_USAGE;
    return 1;
}

int cli_write_file(const char *path, cli_write_fn fn, void *ctx)
{
    pg_outfile *of = NULL;
    FILE *fp = NULL;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_outfile_open(path, &of, &fp, &err);
    if (rc == PG_OK)
        rc = fn(ctx, fp, &err);
    if (rc == PG_OK) {
        rc = pg_outfile_commit(of, &err);
        of = NULL;
    }
    if (rc == PG_OK)
        return EXIT_OK;
    pg_outfile_abort(of);
    cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
    return rc == PG_ERR_IO ? EXIT_OUTPUT : cli_exit_for(rc);
}

pg_err cli_find_place(pg_store *s, const char *arg, pg_key *text, pg_error *err)
{
    const char *colon = strrchr(arg, ':');
    char *end = NULL;
    long line = colon ? strtol(colon + 1, &end, 10) : 0;
    if (colon == NULL || colon == arg || end == colon + 1 || *end != '\0' || line < 1)
        return pg_error_set(err, PG_ERR_USAGE, "'%s' is not FILE:LINE", arg);
    char *file = strndup(arg, (size_t)(colon - arg));
    if (file == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    pg_err rc = pg_store_find_occurrence(s, file, line, text, err);
    free(file);
    return rc;
}

static void say_waiting(void *ctx, const char *path)
{
    (void)ctx;
    cli_error("%s: waiting for a writer to open the FIFO", path);
}

void cli_notice_waits(pg_ingest_opts *o)
{
    /* Only a person at a terminal wants to know; a script's log does not. */
    if (isatty(STDERR_FILENO)) {
        o->waiting = say_waiting;
        o->waiting_ctx = NULL;
    }
}

int cli_parse_text_json(cli_ctx *ctx, int argc, char **argv, const char *usage, int *json)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    int opt, now;
    *json = 0;
    while ((opt = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'f') {
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return cli_usage_error(usage, "unknown --format '%s' (text, json)", optarg);
            *json = strcmp(optarg, "json") == 0;
        }
    }
    return -1;
}
