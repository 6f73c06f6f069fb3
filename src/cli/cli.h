/*
** cli.h: what the command implementations share: the command table entry,
** the exit statuses, and helpers that turn library errors into messages.
** The CLI uses the public library API only.
*/
#ifndef PAPERGRAPH_CLI_H
#define PAPERGRAPH_CLI_H

#include "papergraph/papergraph.h"

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

extern const char cmd_ingest_usage[];
extern const char cmd_export_usage[];
extern const char cmd_stats_usage[];
extern const char cmd_repeats_usage[];
extern const char cmd_show_usage[];
extern const char cmd_why_usage[];
extern const char cmd_dedup_usage[];

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

/* Long options shared by every command; their short codes. */
#define CLI_OPT_DB 1000
#define CLI_OPT_HELP 'h'
#define CLI_COMMON_LONGOPTS \
    { "db", required_argument, NULL, CLI_OPT_DB }, \
    { "help", no_argument, NULL, CLI_OPT_HELP }

#endif
