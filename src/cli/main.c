/*
** main.c: the papergraph command: global options, then one subcommand from
** the table below (in the manner of git's commands[]).  Every command lives
** in its own cmd_*.c and uses only the public library API.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Flags: R needs an existing database and never creates one; W writes it
 * (W alone creates it when missing). */
#define R CLI_NEEDS_STORE
#define W CLI_WRITES_STORE
static const cli_command commands[] = {
    { "run", cmd_run, W, "the whole job: ingest, then every output into a folder", cmd_run_usage },
    { "ingest", cmd_ingest, W, "read listing files into the database", cmd_ingest_usage },
    { "export", cmd_export, R, "write the merged papers or every occurrence", cmd_export_usage },
    { "new", cmd_new, R, "the daily digest: new and changed papers of a day", cmd_new_usage },
    { "repeats", cmd_repeats, R, "list the papers seen on several days", cmd_repeats_usage },
    { "show", cmd_show, R, "show a paper and every variant merged into it", cmd_show_usage },
    { "why", cmd_why, R, "explain whether two entries are the same paper", cmd_why_usage },
    { "dedup", cmd_dedup, R | W, "recompute near-duplicate clusters", cmd_dedup_usage },
    { "graph", cmd_graph, R, "the paper graph as GraphML or CSV, and its picture", cmd_graph_usage },
    { "report", cmd_report, R, "communities, central and repeated papers", cmd_report_usage },
    { "stats", cmd_stats, R, "count files, occurrences, papers and days", cmd_stats_usage },
};
#undef R
#undef W
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_help(FILE *out)
{
    fputs("usage: papergraph [--db PATH] COMMAND [OPTIONS] [ARGS]\n"
          "       papergraph COMMAND --help\n"
          "       papergraph --version\n\n"
          "Merge \"Daily Papers\" listings into one database of papers.\n\n"
          "Commands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nOptions:\n"
          "  --db PATH   database file (default: $PAPERGRAPH_DB, else ./papergraph.db)\n"
          "  --help      show this help\n"
          "  --version   show the version\n", out);
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    /* This program reaches SQLite only through papergraph, so SQLite's
     * allocation statistics (a lock around every allocation) serve no one.
     * Called before anything else, it cannot fail; if it did, only speed
     * would differ. */
    pg_error setup_err;
    (void)pg_store_setup_process(&setup_err);
    cli_ctx ctx = { getenv("PAPERGRAPH_DB"), 1, "$PAPERGRAPH_DB", 0, NULL };
    if (ctx.db_path == NULL || ctx.db_path[0] == '\0') {
        ctx.db_path = "papergraph.db";
        ctx.db_given = 0;
        ctx.db_origin = NULL;
    }
    int opt;
    /* "+" stops at the command name: its options are its own. */
    while ((opt = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        if (opt == 'V') {
            printf("papergraph %s\n", PG_VERSION);
            return EXIT_OK;
        }
        if (opt == CLI_OPT_HELP) {
            print_help(stdout);
            return EXIT_OK;
        }
        if (opt == CLI_OPT_DB) {
            ctx.db_path = optarg;
            ctx.db_given = 1;
            ctx.db_origin = "--db";
            continue;
        }
        if (optopt == 0 && optind > 0)
            cli_suggest_option(argv[optind - 1], "--db --help --version");
        print_help(stderr);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        const cli_command *c = optind + 1 < argc ? find_command(argv[optind + 1]) : NULL;
        if (c != NULL)
            fputs(c->usage, stdout);
        else
            print_help(stdout);
        return EXIT_OK;
    }
    const cli_command *cmd = find_command(name);
    if (cmd == NULL) {
        const char *names[N_COMMANDS + 1];
        for (size_t i = 0; i < N_COMMANDS; i++)
            names[i] = commands[i].name;
        names[N_COMMANDS] = "help";
        const char *near = cli_suggest(name, names, N_COMMANDS + 1);
        cli_error("'%s' is not a command; see 'papergraph --help'", name);
        if (near != NULL)
            fprintf(stderr, "papergraph: did you mean '%s'?\n", near);
        return EXIT_USAGE;
    }
    argc -= optind;
    argv += optind;
    ctx.store_flags = cmd->store_flags;
    ctx.argv = argv;
    optind = 0; /* glibc: 0 restarts getopt from scratch for the command */
    return cmd->run(&ctx, argc, argv);
}
