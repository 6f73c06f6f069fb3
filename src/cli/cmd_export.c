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
    pg_outfile *of = NULL;
    FILE *fp = NULL;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_outfile_open(path, &of, &fp, &err);
    if (rc == PG_OK)
        rc = papers ? pg_export_papers(s, fmt, fp, &err)
                    : pg_export_occurrences(s, fmt, fp, &err);
    if (rc == PG_OK) {
        rc = pg_outfile_commit(of, &err);
        of = NULL;
    }
    if (rc != PG_OK) {
        pg_outfile_abort(of);
        cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
        status = rc == PG_ERR_IO ? EXIT_OUTPUT : cli_exit_for(rc);
    }
    pg_store_close(s);
    return status;
}
