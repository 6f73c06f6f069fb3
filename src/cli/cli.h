/*
** cli.h: what the command implementations share: the command table entry,
** the exit statuses, and helpers that turn library errors into messages.
** The CLI uses the public library API only.
*/
#ifndef PAPERGRAPH_CLI_H
#define PAPERGRAPH_CLI_H

#include "papergraph/papergraph.h"
#include "papergraph/export.h"

/* Exit statuses (documented in the README). */
enum {
    EXIT_OK = 0,        /* everything asked for was done */
    EXIT_INPUT = 1,     /* an input file could not be read (others were) */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_DB = 3,        /* the database could not be opened or written */
    EXIT_OUTPUT = 4,    /* an output file could not be written */
    EXIT_INTERNAL = 5   /* out of memory or a bug */
};

typedef struct cli_ctx {
    const char *db_path;    /* --db, $PAPERGRAPH_DB or "papergraph.db" */
    int db_given;           /* 1 when --db or $PAPERGRAPH_DB named it */
} cli_ctx;

typedef struct cli_command {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
    const char *summary;    /* one line for `papergraph --help` */
    const char *usage;      /* full text for `papergraph CMD --help` */
} cli_command;

int cmd_ingest(cli_ctx *ctx, int argc, char **argv);
int cmd_export(cli_ctx *ctx, int argc, char **argv);
int cmd_stats(cli_ctx *ctx, int argc, char **argv);
int cmd_repeats(cli_ctx *ctx, int argc, char **argv);
int cmd_show(cli_ctx *ctx, int argc, char **argv);
int cmd_why(cli_ctx *ctx, int argc, char **argv);
int cmd_dedup(cli_ctx *ctx, int argc, char **argv);
int cmd_graph(cli_ctx *ctx, int argc, char **argv);
int cmd_report(cli_ctx *ctx, int argc, char **argv);
int cmd_run(cli_ctx *ctx, int argc, char **argv);

extern const char cmd_ingest_usage[];
extern const char cmd_export_usage[];
extern const char cmd_stats_usage[];
extern const char cmd_repeats_usage[];
extern const char cmd_show_usage[];
extern const char cmd_why_usage[];
extern const char cmd_dedup_usage[];
extern const char cmd_graph_usage[];
extern const char cmd_report_usage[];
extern const char cmd_run_usage[];

/* "papergraph: " + message + newline on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The exit status for a library error. */
int cli_exit_for(pg_err code);
/* Opens the store named by ctx; on failure prints the error and returns
 * the exit status (non-zero). */
int cli_open_store(const cli_ctx *ctx, pg_store **out);
/* Handles the options every command takes (--db, --help); returns 1 when
 * opt was one of them and was consumed, with *exit_now >= 0 when the command
 * must end with that status. */
int cli_common_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                      int *exit_now);
/* Prints usage to stderr with a one-line reason and returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Options of the commands that build the graph (graph, report, run). */
#define CLI_OPT_GRAPH_FIRST 2001
#define CLI_GRAPH_LONGOPTS \
    { "w-links", required_argument, NULL, 2001 }, \
    { "w-terms", required_argument, NULL, 2002 }, \
    { "w-authors", required_argument, NULL, 2003 }, \
    { "top-k", required_argument, NULL, 2004 }, \
    { "min-sim", required_argument, NULL, 2005 }, \
    { "resolution", required_argument, NULL, 2006 }, \
    { "seed", required_argument, NULL, 2007 }
#define CLI_GRAPH_HELP \
    "  --w-links X      weight of shared-link evidence (default 1)\n" \
    "  --w-terms X      weight of term (TF-IDF cosine) similarity (default 1)\n" \
    "  --w-authors X    bonus on a link whose papers have close author counts\n" \
    "                   (default 0.1; never makes a link on its own)\n" \
    "  --top-k N        term neighbours kept per paper (default 10)\n" \
    "  --min-sim X      least cosine for a term link (default 0.15)\n" \
    "  --resolution X   Leiden resolution: higher, smaller communities (default 1)\n" \
    "  --seed N         seed of communities and layout (default 42)\n"
/* Handles a CLI_GRAPH_LONGOPTS option; returns 1 when opt was one, with
 * *bad set when its value was out of range (a message was printed). */
int cli_graph_option(int opt, const char *arg, pg_graph_opts *o, int *bad);

/* Writes one output file atomically through fn; prints any error and
 * returns the exit status (EXIT_OK on success). */
typedef pg_err (*cli_write_fn)(void *ctx, FILE *out, pg_error *err);
int cli_write_file(const char *path, cli_write_fn fn, void *ctx);

/* Opens the store and builds its graph; prints errors, returns the status. */
int cli_build_graph(const cli_ctx *ctx, const pg_graph_opts *o, pg_store **s,
                    pg_graph **g);
/* Graph outputs (cmd_graph.c) and the report (cmd_report.c), each written
 * atomically; they return the exit status. */
int cli_graph_graphml(const pg_graph *g, const char *path);
int cli_graph_csv(const pg_graph *g, const char *prefix);
int cli_graph_draw(const pg_graph *g, const char *path, const char *title);
int cli_report(pg_store *s, const pg_graph *g, pg_out_format fmt, const char *path);

/* Finds the text read at "FILE:LINE"; PG_ERR_USAGE when arg is not of
 * that form, else as pg_store_find_occurrence. */
pg_err cli_find_place(pg_store *s, const char *arg, pg_key *text, pg_error *err);
/* When stderr is a terminal, has o say there when opening an input waits
 * for a FIFO's writer. */
void cli_notice_waits(pg_ingest_opts *o);

/* Parses a four-digit year; -1 when s is not one. */
int cli_parse_year(const char *s, int *year);

/* Totals of an ingest run. */
typedef struct cli_totals {
    long files, skipped, failed;
    long long entries, new_texts, known, warnings;
} cli_totals;
/* Ingests paths[0..n) in order (see `papergraph ingest`); returns the exit
 * status: EXIT_INPUT when a file failed, EXIT_DB (and stops) when the
 * database failed. */
int cli_ingest_paths(pg_store *s, char **paths, int n, pg_ingest_opts *o,
                     int quiet, cli_totals *t);

/* Long options shared by every command; their short codes. */
#define CLI_OPT_DB 1000
#define CLI_OPT_HELP 'h'
#define CLI_COMMON_LONGOPTS \
    { "db", required_argument, NULL, CLI_OPT_DB }, \
    { "help", no_argument, NULL, CLI_OPT_HELP }

#endif
