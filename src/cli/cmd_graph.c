/*
** cmd_graph.c: `papergraph graph`: build and analyse the paper graph, write
** it as GraphML (Gephi, Cytoscape, networkx) or CSV, and draw it.
*/
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_graph_usage[] =
    "usage: papergraph [--db PATH] graph [--format graphml|csv] [-o FILE] [--svg FILE]\n"
    "                  [--png FILE] [--pdf FILE] [--html FILE] [GRAPH OPTIONS]\n"
    "\n"
    "Builds the graph of the merged papers (linked by shared links and shared\n"
    "terms; author counts add a small bonus) and analyses it: components,\n"
    "Leiden communities, PageRank, degree, betweenness.\n"
    "  --format FMT     graphml (default) or csv\n"
    "  -o, --output F   GraphML file (default standard output, unless a picture\n"
    "                   is asked for); for csv, the prefix of F-nodes.csv and\n"
    "                   F-edges.csv (default graph)\n"
    "  --svg/--png/--pdf F  draw the graph: each community a region, nodes\n"
    "                   coloured by community and sized by PageRank\n"
    "  --html F         one self-contained page to explore the graph in a\n"
    "                   browser (pan, zoom, search, click a paper)\n"
    CLI_GRAPH_HELP;

typedef struct csv_pair {
    const pg_graph *g;
    int nodes;
} csv_pair;

static pg_err write_graphml(void *ctx, FILE *out, pg_error *err)
{
    return pg_graph_write_graphml(ctx, out, err);
}

static pg_err write_csv(void *ctx, FILE *out, pg_error *err)
{
    const csv_pair *p = ctx;
    return pg_graph_write_csv(p->g, p->nodes ? out : NULL, p->nodes ? NULL : out, err);
}

int cli_graph_csv(const pg_graph *g, const char *prefix)
{
    char path[4096];
    csv_pair nodes = { g, 1 }, edges = { g, 0 };
    snprintf(path, sizeof path, "%s-nodes.csv", prefix);
    int status = cli_write_file(path, write_csv, &nodes);
    snprintf(path, sizeof path, "%s-edges.csv", prefix);
    if (status == EXIT_OK)
        status = cli_write_file(path, write_csv, &edges);
    return status;
}

int cli_graph_graphml(const pg_graph *g, const char *path)
{
    return cli_write_file(path, write_graphml, (void *)g);
}

int cli_graph_draw(const pg_graph *g, const char *path, const char *title)
{
    pg_draw_format fmt;
    pg_draw_opts o;
    pg_error err;
    pg_error_clear(&err);
    pg_draw_opts_default(&o);
    o.title = title;
    pg_err rc = pg_draw_format_from_path(path, &fmt, &err);
    if (rc == PG_OK)
        rc = pg_graph_draw(g, path, fmt, &o, &err);
    if (rc == PG_OK)
        return EXIT_OK;
    cli_error("%s", err.msg);
    return rc == PG_ERR_IO ? EXIT_OUTPUT : cli_exit_for(rc);
}

static pg_err write_html(void *ctx, FILE *out, pg_error *err)
{
    return pg_graph_write_html(ctx, "papergraph", out, err);
}

int cli_graph_html(const pg_graph *g, const char *path)
{
    return cli_write_file(path, write_html, (void *)g);
}

int cli_build_graph(const cli_ctx *ctx, const pg_graph_opts *o, pg_store **s,
                    pg_graph **g)
{
    pg_error err;
    pg_error_clear(&err);
    int status = cli_open_store(ctx, s);
    if (status != EXIT_OK)
        return status;
    pg_err rc = pg_papers_graph(*s, o, g, &err);
    if (rc == PG_OK)
        return EXIT_OK;
    cli_error("%s", err.msg);
    return cli_exit_for(rc);
}

int cmd_graph(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        CLI_GRAPH_LONGOPTS,
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "svg", required_argument, NULL, 's' },
        { "png", required_argument, NULL, 'p' },
        { "pdf", required_argument, NULL, 'P' },
        { "html", required_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *pictures[3] = { NULL, NULL, NULL }, *html = NULL;
    int csv = 0, format_given = 0, opt, now;
    pg_graph_opts go;
    pg_graph_opts_default(&go);
    while ((opt = getopt_long(argc, argv, "hf:o:", opts, NULL)) != -1) {
        if (cli_graph_command_option(ctx, opt, optarg, cmd_graph_usage, &go, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'f') {
            csv = strcmp(optarg, "csv") == 0;
            format_given = 1;
            if (!csv && strcmp(optarg, "graphml") != 0)
                return cli_usage_error(cmd_graph_usage,
                                       "unknown --format '%s' (graphml, csv)", optarg);
        } else if (opt == 'o') {
            out = optarg;
        } else if (opt == 'H') {
            html = optarg;
        } else {
            pictures[opt == 's' ? 0 : opt == 'p' ? 1 : 2] = optarg;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd_graph_usage, "graph takes no arguments");
    int drawing = pictures[0] || pictures[1] || pictures[2];
    go.layout = drawing || html != NULL;
    pg_store *s = NULL;
    pg_graph *g = NULL;
    int status = cli_build_graph(ctx, &go, &s, &g);
    if (status == EXIT_OK && csv)
        status = cli_graph_csv(g, out ? out : "graph");
    else if (status == EXIT_OK && (out || format_given || !go.layout))
        status = cli_graph_graphml(g, out);
    for (int i = 0; i < 3 && status == EXIT_OK; i++)
        if (pictures[i])
            status = cli_graph_draw(g, pictures[i], "papergraph");
    if (drawing)
        pg_draw_release_fonts();
    if (status == EXIT_OK && html)
        status = cli_graph_html(g, html);
    pg_graph_free(g);
    pg_store_close(s);
    return status;
}
