/*
** cmd_report.c: `papergraph report`: the readable summary of the collection
** and its paper graph.
*/
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

const char cmd_report_usage[] =
    "usage: papergraph [--db PATH] report [--format text|json] [-o FILE] [GRAPH OPTIONS]\n"
    "\n"
    "Counts, components, the communities with their labels, sizes and top\n"
    "papers, the most central papers (PageRank) and the most repeated papers.\n"
    "  --format FMT     text (default) or json (one object)\n"
    "  -o, --output F   write to F (replaced whole); default standard output\n"
    CLI_GRAPH_HELP;

typedef struct report_ctx {
    pg_store *s;
    const pg_graph *g;
    pg_out_format fmt;
} report_ctx;

static pg_err write_report(void *ctx, FILE *out, pg_error *err)
{
    const report_ctx *r = ctx;
    return pg_report_write(r->s, r->g, r->fmt, out, err);
}

int cli_report(pg_store *s, const pg_graph *g, pg_out_format fmt, const char *path)
{
    report_ctx r = { s, g, fmt };
    return cli_write_file(path, write_report, &r);
}

int cmd_report(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        CLI_GRAPH_LONGOPTS,
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    pg_out_format fmt = PG_OUT_TEXT;
    const char *out = NULL;
    int opt, now;
    pg_graph_opts go;
    pg_graph_opts_default(&go);
    while ((opt = getopt_long(argc, argv, "hf:o:", opts, NULL)) != -1) {
        if (cli_graph_command_option(ctx, opt, optarg, cmd_report_usage, &go, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'f') {
            if (pg_out_format_parse(optarg, &fmt) != PG_OK ||
                (fmt != PG_OUT_TEXT && fmt != PG_OUT_JSON))
                return cli_usage_error(cmd_report_usage,
                                       "unknown --format '%s' (text, json)", optarg);
        } else if (opt == 'o') {
            out = optarg;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd_report_usage, "report takes no arguments");
    pg_store *s = NULL;
    pg_graph *g = NULL;
    int status = cli_build_graph(ctx, &go, &s, &g);
    if (status == EXIT_OK)
        status = cli_report(s, g, fmt, out);
    pg_graph_free(g);
    pg_store_close(s);
    return status;
}
