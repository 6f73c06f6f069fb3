/*
** cmd_repeats.c: `papergraph repeats`: the papers seen on several days.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char cmd_repeats_usage[] =
    "usage: papergraph [--db PATH] repeats [--min-days N] [--format table|csv|jsonl]\n"
    "\n"
    "Lists the papers seen on N or more distinct listing days (default 2), most\n"
    "days first, with their occurrences and first and last day.\n"
    "  --min-days N     the least number of distinct days (default 2)\n"
    "  --format FMT     table (default), csv or jsonl (one JSON object a paper)\n";

int cmd_repeats(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "min-days", required_argument, NULL, 'm' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    pg_out_format fmt = PG_OUT_TABLE;
    long min_days = 2;
    int opt, now;
    while ((opt = getopt_long(argc, argv, "hf:m:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_repeats_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'm') {
            char *end;
            errno = 0;
            min_days = strtol(optarg, &end, 10);
            if (errno || *end || min_days < 1 || min_days > 100000)
                return cli_usage_error(cmd_repeats_usage,
                                       "--min-days wants a number of days from 1");
        } else if (opt == 'f') {
            if (pg_out_format_parse(optarg, &fmt) != PG_OK ||
                (fmt != PG_OUT_TABLE && fmt != PG_OUT_CSV && fmt != PG_OUT_JSONL))
                return cli_usage_error(cmd_repeats_usage,
                                       "unknown --format '%s' (table, csv, jsonl)", optarg);
        }
    }
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 0, cmd_repeats_usage,
                                 "repeats takes no arguments", &s);
    if (status != EXIT_OK)
        return status;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_export_repeats(s, (int)min_days, fmt, stdout, &err);
    if (rc == PG_OK && fflush(stdout) != 0)
        rc = pg_error_set(&err, PG_ERR_IO, "standard output: write error");
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        status = rc == PG_ERR_IO ? EXIT_OUTPUT : cli_exit_for(rc);
    }
    pg_store_close(s);
    return status;
}
