/*
** cmd_run.c: `papergraph run`: the main job in one command: ingest the
** files (with near-duplicate merging), then write the cleaned listing, the
** repeats, the graph (GraphML, CSV, pictures), the report and the digest
** of the last day into one folder, one line of summary per step.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char cmd_run_usage[] =
    "usage: papergraph [--db PATH] run -o DIR [--year YYYY] [--format FMT] [--encoding ENC]\n"
    "                                 [GRAPH OPTIONS] FILE...\n"
    "\n"
    "Ingests FILE... and writes into DIR (created if missing):\n"
    "  papers.txt, papers.csv      the cleaned merged listing, one entry per paper\n"
    "  repeats.txt, repeats.csv    papers seen on two or more days\n"
    "  graph.graphml               the paper graph for Gephi, Cytoscape, networkx\n"
    "  graph-nodes.csv, graph-edges.csv\n"
    "  graph.svg, graph.png        the picture\n"
    "  graph.html                  the graph to explore in a browser\n"
    "  report.txt, report.json     communities, central and repeated papers\n"
    "  new.md                      the daily digest of the last day (see new)\n"
    "The database is DIR/papergraph.db unless --db or $PAPERGRAPH_DB names one;\n"
    "running again with more files adds to it.\n"
    "  -o, --output DIR the output folder\n"
    "  --year YYYY, --format FMT, --encoding ENC   as for ingest\n"
    CLI_GRAPH_HELP;

typedef struct run_ctx {
    const char *dir;
    char path[4096];
    pg_store *s;
    pg_graph *g;
    int status;
} run_ctx;

/* r->path = DIR/name; 0 when it does not fit. */
static int out_path(run_ctx *r, const char *name)
{
    int n = snprintf(r->path, sizeof r->path, "%s/%s", r->dir, name);
    if (n < 0 || (size_t)n >= sizeof r->path) {
        cli_error("%s/%s: path too long", r->dir, name);
        return 0;
    }
    return 1;
}

static void note_status(run_ctx *r, int status)
{
    if (status > r->status)
        r->status = status;
}

typedef struct export_ctx {
    pg_store *s;
    pg_out_format fmt;
    int repeats;
} export_ctx;

static pg_err write_export(void *ctx, FILE *out, pg_error *err)
{
    const export_ctx *e = ctx;
    return e->repeats ? pg_export_repeats(e->s, 2, e->fmt, out, err)
                      : pg_export_papers(e->s, e->fmt, out, err);
}

/* Writes DIR/name through an export; returns its status. */
static int export_to(run_ctx *r, const char *name, pg_out_format fmt, int repeats)
{
    export_ctx e = { r->s, fmt, repeats };
    if (!out_path(r, name))
        return EXIT_OUTPUT;
    return cli_write_file(r->path, write_export, &e);
}

static int count_paper(void *ctx, const pg_paper_row *p)
{
    (void)p;
    ++*(long long *)ctx;
    return 0;
}

static int step_ingest(run_ctx *r, char **files, int n, pg_ingest_opts *o)
{
    cli_totals t = { 0 };
    pg_stats st;
    pg_error err;
    /* Quiet per file (run prints one summary line), but a person at a
     * terminal sees the progress line of a long ingest. */
    int status = cli_ingest_paths(r->s, files, n, o, 1, 1, &t);
    note_status(r, status);
    if (status == EXIT_DB)
        return status;
    printf("ingest    %ld files (%ld skipped, %ld failed), %lld entries, %lld new texts, "
           "%lld warnings\n", t.files + t.failed, t.skipped, t.failed, t.entries,
           t.new_texts, t.warnings);
    if (pg_store_stats(r->s, &st, &err) != PG_OK) {
        cli_error("%s", err.msg);
        return EXIT_DB;
    }
    printf("dedup     %lld entries, %lld distinct texts, %lld papers, %lld days\n",
           st.occurrences, st.texts, st.papers, st.days);
    return EXIT_OK;
}

static int step_listing(run_ctx *r)
{
    int status = export_to(r, "papers.txt", PG_OUT_LISTING, 0);
    if (status == EXIT_OK)
        status = export_to(r, "papers.csv", PG_OUT_CSV, 0);
    if (status == EXIT_OK)
        printf("papers    %s/papers.txt, %s/papers.csv\n", r->dir, r->dir);
    return status;
}

static int step_repeats(run_ctx *r)
{
    long long n = 0;
    pg_error err;
    int status = export_to(r, "repeats.txt", PG_OUT_TABLE, 1);
    if (status == EXIT_OK)
        status = export_to(r, "repeats.csv", PG_OUT_CSV, 1);
    if (status == EXIT_OK &&
        pg_store_foreach_paper(r->s, 2, PG_PAPERS_BY_ID, NULL, count_paper, &n, &err) != PG_OK) {
        cli_error("%s", err.msg);
        status = EXIT_DB;
    }
    if (status == EXIT_OK)
        printf("repeats   %lld papers seen on 2 or more days: %s/repeats.txt\n", n, r->dir);
    return status;
}

static int step_graph(run_ctx *r, const pg_graph_opts *go)
{
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_papers_graph(r->s, go, &r->g, &err);
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        return cli_exit_for(rc);
    }
    int status = out_path(r, "graph.graphml") ? cli_graph_graphml(r->g, r->path) : EXIT_OUTPUT;
    if (status == EXIT_OK)
        status = out_path(r, "graph") ? cli_graph_csv(r->g, r->path) : EXIT_OUTPUT;
    if (status == EXIT_OK)
        printf("graph     %zu papers, %zu links, %zu communit%s of %d or more papers, "
               "%zu component%s: %s/graph.graphml\n", r->g->n_nodes, r->g->n_edges,
               r->g->n_groups, r->g->n_groups == 1 ? "y" : "ies", PG_GROUP_MIN,
               r->g->n_components, r->g->n_components == 1 ? "" : "s", r->dir);
    return status;
}

static int step_pictures(run_ctx *r)
{
    char title[128];
    snprintf(title, sizeof title, "papergraph: %zu papers", r->g->n_nodes);
    int status = out_path(r, "graph.svg") ? cli_graph_draw(r->g, r->path, title) : EXIT_OUTPUT;
    if (status == EXIT_OK)
        status = out_path(r, "graph.png") ? cli_graph_draw(r->g, r->path, title) : EXIT_OUTPUT;
    pg_draw_release_fonts();
    if (status == EXIT_OK)
        status = out_path(r, "graph.html") ? cli_graph_html(r->g, r->path) : EXIT_OUTPUT;
    if (status == EXIT_OK)
        printf("picture   %s/graph.svg, %s/graph.png, %s/graph.html\n", r->dir, r->dir, r->dir);
    return status;
}

static int step_report(run_ctx *r)
{
    int status = out_path(r, "report.txt") ? cli_report(r->s, r->g, PG_OUT_TEXT, r->path)
                                            : EXIT_OUTPUT;
    if (status == EXIT_OK)
        status = out_path(r, "report.json") ? cli_report(r->s, r->g, PG_OUT_JSON, r->path)
                                             : EXIT_OUTPUT;
    if (status == EXIT_OK)
        printf("report    %s/report.txt, %s/report.json\n", r->dir, r->dir);
    return status;
}

/* new.md: the digest of the last day against the default window.  A store
 * without listing days (JSON lines or CSV without days) has none to write. */
static int step_digest(run_ctx *r)
{
    pg_digest *d = NULL;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_digest_build(r->s, NULL, 7, &d, &err);
    if (rc == PG_ERR_NOT_FOUND) {
        printf("new       no listing days: %s/new.md not written\n", r->dir);
        return EXIT_OK;
    }
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        return cli_exit_for(rc);
    }
    int status = out_path(r, "new.md") ? cli_write_digest(d, PG_OUT_MD, r->path) : EXIT_OUTPUT;
    if (status == EXIT_OK)
        printf("new       %zu new, %zu updated on %s: %s/new.md\n", d->n_new, d->n_updated,
               d->day, r->dir);
    pg_digest_free(d);
    return status;
}

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return EXIT_OK;
        cli_error("%s: not a directory", dir);
        return EXIT_OUTPUT;
    }
    cli_error("%s: cannot create: %s", dir, strerror(errno));
    return EXIT_OUTPUT;
}

static int run_steps(run_ctx *r, char **files, int n, pg_ingest_opts *o,
                     const pg_graph_opts *go)
{
    int status = step_ingest(r, files, n, o);
    if (status == EXIT_OK)
        status = step_listing(r);
    if (status == EXIT_OK)
        status = step_repeats(r);
    if (status == EXIT_OK)
        status = step_graph(r, go);
    if (status == EXIT_OK)
        status = step_pictures(r);
    if (status == EXIT_OK)
        status = step_report(r);
    if (status == EXIT_OK)
        status = step_digest(r);
    return status;
}

int cmd_run(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        CLI_GRAPH_LONGOPTS,
        { "output", required_argument, NULL, 'o' },
        { "year", required_argument, NULL, 'y' },
        { "format", required_argument, NULL, 'f' },
        { "encoding", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    pg_ingest_opts o = { .format = PG_INPUT_AUTO };
    pg_graph_opts go;
    run_ctx r = { NULL, "", NULL, NULL, EXIT_OK };
    int opt, now;
    pg_graph_opts_default(&go);
    go.layout = 1;
    while ((opt = getopt_long(argc, argv, "ho:y:f:", opts, NULL)) != -1) {
        if (cli_graph_command_option(ctx, opt, optarg, cmd_run_usage, &go, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'o') {
            r.dir = optarg;
        } else if (opt == 'y') {
            if (cli_parse_year(optarg, &o.year) != 0)
                return cli_usage_error(cmd_run_usage, "--year wants a four-digit year");
        } else if (opt == 'f' && pg_input_format_parse(optarg, &o.format) != PG_OK) {
            return cli_usage_error(cmd_run_usage, "unknown --format '%s'", optarg);
        } else if (opt == 'e' && pg_encoding_parse(optarg, &o.encoding) != PG_OK) {
            return cli_usage_error(cmd_run_usage, "unknown --encoding '%s'", optarg);
        }
    }
    if (r.dir == NULL || optind >= argc)
        return cli_usage_error(cmd_run_usage, "run needs -o DIR and at least one FILE");
    int status = make_dir(r.dir);
    if (status != EXIT_OK)
        return status;
    cli_ctx db = *ctx;
    if (!db.db_given) {
        if (!out_path(&r, "papergraph.db"))
            return EXIT_OUTPUT;
        db.db_path = r.path;
    }
    status = cli_open_store(&db, &r.s);
    if (status != EXIT_OK)
        return status;
    printf("database  %s (later commands: papergraph --db %s COMMAND)\n", db.db_path,
           db.db_path);
    status = run_steps(&r, argv + optind, argc - optind, &o, &go);
    note_status(&r, status);
    pg_graph_free(r.g);
    pg_store_close(r.s);
    return r.status;
}
