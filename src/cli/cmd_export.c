/*
** cmd_export.c: `papergraph export`: write what the database holds to a
** file (atomically) or to standard output.
*/
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_export_usage[] =
    "usage: papergraph [--db PATH] export --what occurrences|papers [--format FMT] [-o FILE]\n"
    "\n"
    "  --what WHAT      occurrences: one row per entry read, with its file, line,\n"
    "                   day and paper_id;\n"
    "                   papers: the cleaned merged listing, one entry per paper\n"
    "  --format FMT     csv (default, with a header row) or jsonl; for papers\n"
    "                   also listing (the listing page format, read back as the\n"
    "                   same papers)\n"
    "  -o, --output F   write to F (replaced whole, never half-written);\n"
    "                   default standard output\n";

typedef struct export_ctx {
    pg_store *s;
    pg_out_format fmt;
    int papers;             /* 1: papers; 0: occurrences */
} export_ctx;

static pg_err write_export(void *ctx, FILE *out, pg_error *err)
{
    const export_ctx *e = ctx;
    return e->papers ? pg_export_papers(e->s, e->fmt, out, err)
                     : pg_export_occurrences(e->s, e->fmt, out, err);
}

int cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "what", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *what = NULL, *path = NULL;
    pg_out_format fmt = PG_OUT_CSV;
    int opt, now;
    while ((opt = getopt_long(argc, argv, "hw:f:o:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_export_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'w') {
            what = optarg;
        } else if (opt == 'f') {
            if (pg_out_format_parse(optarg, &fmt) != PG_OK ||
                (fmt != PG_OUT_CSV && fmt != PG_OUT_JSONL && fmt != PG_OUT_LISTING))
                return cli_usage_error(cmd_export_usage,
                                       "unknown --format '%s' (csv, jsonl, listing)", optarg);
        } else if (opt == 'o') {
            path = optarg;
        }
    }
    if (what == NULL)
        return cli_usage_error(cmd_export_usage, "export needs --what");
    int papers = strcmp(what, "papers") == 0;
    if (!papers && strcmp(what, "occurrences") != 0)
        return cli_usage_error(cmd_export_usage,
                               "unknown --what '%s' (occurrences, papers)", what);
    if (!papers && fmt == PG_OUT_LISTING)
        return cli_usage_error(cmd_export_usage,
                               "occurrences are exported as csv or jsonl");
    if (optind < argc)
        return cli_usage_error(cmd_export_usage, "unexpected argument '%s'", argv[optind]);
    pg_store *s = NULL;
    int status = cli_open_store(ctx, &s);
    if (status != EXIT_OK)
        return status;
    export_ctx e = { s, fmt, papers };
    status = cli_write_file(path, write_export, &e);
    pg_store_close(s);
    return status;
}
