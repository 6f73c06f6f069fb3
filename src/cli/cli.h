/*
** cli.h: what the command implementations share: the command table entry,
** the exit statuses, and helpers that turn library errors into messages.
** The CLI uses the public library API only.
*/
#ifndef PAPERGRAPH_CLI_H
#define PAPERGRAPH_CLI_H

#include "papergraph/papergraph.h"
#include "papergraph/export.h"

#include <time.h>

/* Exit statuses (documented in the README). */
enum {
    EXIT_OK = 0,        /* everything asked for was done */
    EXIT_INPUT = 1,     /* an input file could not be read (others were) */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_DB = 3,        /* the database could not be opened or written */
    EXIT_OUTPUT = 4,    /* an output file could not be written */
    EXIT_INTERNAL = 5   /* out of memory or a bug */
};

/* What a command does with the store (the command table's flags). */
enum {
    CLI_NEEDS_STORE = 1,    /* reads a database that must exist: never creates one */
    CLI_WRITES_STORE = 2    /* writes the database; without NEEDS, creates it */
};

typedef struct cli_ctx {
    const char *db_path;    /* --db, $PAPERGRAPH_DB or "papergraph.db" */
    int db_given;           /* 1 when --db or $PAPERGRAPH_DB named it */
    const char *db_origin;  /* "--db", "$PAPERGRAPH_DB" or NULL (the default) */
    unsigned store_flags;   /* the running command's CLI_*_STORE flags */
    char **argv;            /* the command's arguments (for messages) */
} cli_ctx;

typedef struct cli_command {
    const char *name;
    int (*run)(cli_ctx *ctx, int argc, char **argv);
    unsigned store_flags;   /* CLI_NEEDS_STORE, CLI_WRITES_STORE */
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
int cmd_new(cli_ctx *ctx, int argc, char **argv);

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
extern const char cmd_new_usage[];

/* "papergraph: " + message + newline on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The exit status for a library error. */
int cli_exit_for(pg_err code);
/* Opens the store named by ctx; on failure prints the error and returns
 * the exit status (non-zero).  A command with CLI_NEEDS_STORE never creates
 * a database: a missing one is reported with where it was looked for and
 * how to name another. */
int cli_open_store(const cli_ctx *ctx, pg_store **out);
/* Handles the options every command takes (--db, --help); returns 1 when
 * opt was one of them and was consumed, with *exit_now >= 0 when the command
 * must end with that status. */
int cli_common_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                      int *exit_now);
/* The options of a command whose only own option is --format text|json
 * (show, why): sets *json; returns -1 to go on, else the exit status. */
int cli_parse_text_json(cli_ctx *ctx, int argc, char **argv, const char *usage, int *json);
/* Prints usage to stderr with a one-line reason and returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Once a command's options are read: unless exactly `operands` arguments
 * are left, prints why with the usage and returns EXIT_USAGE; else opens
 * the store as cli_open_store does.  Returns EXIT_OK with *s open, else the
 * exit status. */
int cli_start_store(const cli_ctx *ctx, int argc, int operands, const char *usage,
                    const char *why, pg_store **s);

/* Options of the commands that build the graph (graph, report, run). */
#define CLI_OPT_GRAPH_FIRST 2001
#define CLI_GRAPH_LONGOPTS \
    { "w-links", required_argument, NULL, 2001 }, \
    { "w-terms", required_argument, NULL, 2002 }, \
    { "w-authors", required_argument, NULL, 2003 }, \
    { "top-k", required_argument, NULL, 2004 }, \
    { "min-sim", required_argument, NULL, 2005 }, \
    { "resolution", required_argument, NULL, 2006 }, \
    { "seed", required_argument, NULL, 2007 }, \
    { "betweenness", required_argument, NULL, 2008 }, \
    { "weak-min-sim", required_argument, NULL, 2009 }
#define CLI_GRAPH_HELP \
    "  --w-links X      weight of shared-link evidence (default 1)\n" \
    "  --w-terms X      weight of term (TF-IDF cosine) similarity (default 1)\n" \
    "  --w-authors X    bonus on a link whose papers have close author counts\n" \
    "                   (default 0.1; never makes a link on its own)\n" \
    "  --top-k N        term neighbours kept per paper (default 10)\n" \
    "  --min-sim X      least cosine for a term link (default 0.15)\n" \
    "  --resolution X   Leiden resolution: higher, smaller communities (default 1)\n" \
    "  --seed N         seed of communities and layout (default 42)\n" \
    "  --betweenness M  auto (default: exact when it fits a budget of about a\n" \
    "                   quarter second, else estimated from sampled sources),\n" \
    "                   exact, sampled or off\n" \
    "  --weak-min-sim X a paper with no link keeps one weak link to its best\n" \
    "                   term neighbour at or above X (default 0.13; 0: none)\n"
/* For the commands that build the graph: handles the options every command
 * takes (as cli_common_option) and CLI_GRAPH_LONGOPTS into o; returns 1 when
 * opt was one of them, with *exit_now >= 0 when the command must end with
 * that status (EXIT_USAGE for a value out of range, a message printed). */
int cli_graph_command_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                             pg_graph_opts *o, int *exit_now);

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
int cli_graph_html(const pg_graph *g, const char *path);
int cli_report(pg_store *s, const pg_graph *g, pg_out_format fmt, const char *path);

/* Writes a daily digest as fmt to path (NULL or "-": standard output),
 * atomically (cmd_new.c); returns the exit status. */
int cli_write_digest(const pg_digest *d, pg_out_format fmt, const char *path);

/* Finds the text read at "FILE:LINE"; PG_ERR_USAGE when arg is not of
 * that form, else as pg_store_find_occurrence. */
pg_err cli_find_place(pg_store *s, const char *arg, pg_key *text, pg_error *err);
/* When stderr is a terminal, has o say there when opening an input waits
 * for a FIFO's writer. */
void cli_notice_waits(pg_ingest_opts *o);

/* The word of known[0..n) nearest to word by edit distance, or NULL when
 * none is near enough to be a typo of it. */
const char *cli_suggest(const char *word, const char *const *known, size_t n);
/* For an unknown long option bad ("--formt" or "--formt=x"), prints "did you
 * mean '--format'?" on stderr when one of the options named in usage is
 * near it; nothing otherwise. */
void cli_suggest_option(const char *bad, const char *usage);

/* A JSON document built in memory (json.c): members are named inside an
 * object and unnamed (name NULL) inside an array; the first error sticks
 * in rc.  Initialise with CLI_JSON_INIT; cli_json_print writes it with a
 * newline to stdout, releases it and returns the exit status. */
#define CLI_JSON_DEPTH 8
typedef struct cli_json {
    pg_buf b;
    int depth;
    int count[CLI_JSON_DEPTH];  /* values written at each open level */
    pg_err rc;
} cli_json;
#define CLI_JSON_INIT { PG_BUF_INIT, 0, { 0 }, PG_OK }
void cli_json_open(cli_json *j, const char *name, char bracket);   /* '{' or '[' */
void cli_json_close(cli_json *j, char bracket);                    /* '}' or ']' */
void cli_json_str(cli_json *j, const char *name, const char *v);   /* NULL: null */
void cli_json_int(cli_json *j, const char *name, long long v, int known);
void cli_json_real(cli_json *j, const char *name, double v, int known);
void cli_json_bool(cli_json *j, const char *name, int v);
int cli_json_print(cli_json *j);

/* Parses a four-digit year; -1 when s is not one. */
int cli_parse_year(const char *s, int *year);

/* Totals of an ingest run. */
typedef pg_ingest_totals cli_totals;
/* Ingests paths[0..n) in order (see `papergraph ingest`), printing each
 * file's line once it is committed (unless quiet), warnings and errors, and
 * the progress line when progress is set and stderr is a terminal; returns
 * the exit status: EXIT_INPUT when a file failed, EXIT_DB (and stops) when
 * the database failed. */
int cli_ingest_paths(pg_store *s, char **paths, int n, pg_ingest_opts *o,
                     int quiet, int progress, cli_totals *t);

/* The progress line of an ingest on a terminal's stderr (progress.c). */
typedef struct cli_progress {
    int on;                 /* stderr is a terminal and not --quiet */
    int shown;              /* a line is on the screen */
    struct timespec start;
    double drawn_at;        /* seconds after start it was last drawn */
} cli_progress;
void cli_progress_start(cli_progress *p, int quiet);
/* Redraws the line (at most every 100 ms, and when the last file is done). */
void cli_progress_update(cli_progress *p, const pg_ingest_progress *pr);
/* Erases the line before anything else is written. */
void cli_progress_clear(cli_progress *p);
/* One line: files, entries, MB, MB/s and time left after seconds. */
void cli_progress_format(char *buf, size_t n, const pg_ingest_progress *pr,
                         double seconds);

/* Long options shared by every command; their short codes. */
#define CLI_OPT_DB 1000
#define CLI_OPT_HELP 'h'
#define CLI_COMMON_LONGOPTS \
    { "db", required_argument, NULL, CLI_OPT_DB }, \
    { "help", no_argument, NULL, CLI_OPT_HELP }

#endif
