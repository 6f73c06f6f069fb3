/*
** cmd_stats.c: `papergraph stats`: what the database holds, in numbers.
*/
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

const char cmd_stats_usage[] =
    "usage: papergraph [--db PATH] stats [--format text|json]\n"
    "\n"
    "Prints the number of ingested files, occurrences (entries read),\n"
    "distinct texts, papers and listing days.\n"
    "  --format FMT     text (default) or json (one object)\n";

int cmd_stats(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    pg_out_format fmt = PG_OUT_TEXT;
    int opt, now;
    while ((opt = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_stats_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'f') {
            if (pg_out_format_parse(optarg, &fmt) != PG_OK ||
                (fmt != PG_OUT_TEXT && fmt != PG_OUT_JSON))
                return cli_usage_error(cmd_stats_usage, "unknown --format '%s'", optarg);
        }
    }
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 0, cmd_stats_usage,
                                 "stats takes no arguments", &s);
    if (status != EXIT_OK)
        return status;
    pg_stats st;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_store_stats(s, &st, &err);
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        status = cli_exit_for(rc);
    } else if (fmt == PG_OUT_JSON) {
        printf("{\"files\":%lld,\"occurrences\":%lld,\"texts\":%lld,"
               "\"papers\":%lld,\"days\":%lld}\n", st.files, st.occurrences,
               st.texts, st.papers, st.days);
    } else {
        printf("files        %lld\noccurrences  %lld\ntexts        %lld\n"
               "papers       %lld\ndays         %lld\n", st.files, st.occurrences,
               st.texts, st.papers, st.days);
    }
    pg_store_close(s);
    return status;
}
