/*
** common.c: helpers every command uses: error printing, exit statuses,
** opening the store, the options all commands share.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("papergraph: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_exit_for(pg_err code)
{
    switch (code) {
    case PG_OK:
    case PG_DONE:
        return EXIT_OK;
    case PG_ERR_IO:
    case PG_ERR_NOT_TEXT:
    case PG_ERR_FORMAT:
    case PG_ERR_TOO_LONG:
    case PG_ERR_NOT_FOUND:
        return EXIT_INPUT;
    case PG_ERR_USAGE:
        return EXIT_USAGE;
    case PG_ERR_DB:
    case PG_ERR_NOT_PG_DB:
    case PG_ERR_DB_VERSION:
        return EXIT_DB;
    case PG_ERR_NOMEM:
    case PG_ERR_GRAPH:
    case PG_ERR_INTERNAL:
        break;
    }
    return EXIT_INTERNAL;
}

int cli_open_store(const cli_ctx *ctx, pg_store **out)
{
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_store_open(ctx->db_path, out, &err);
    if (rc == PG_OK)
        return EXIT_OK;
    cli_error("%s", err.msg[0] ? err.msg : pg_strerror(rc));
    return EXIT_DB;
}

/* Prints the synopsis (the usage text up to its first blank line) and a
 * pointer to the full help: a mistake deserves a reminder, not a manual. */
static void print_synopsis(const char *usage)
{
    const char *end = strstr(usage, "\n\n");
    size_t n = end ? (size_t)(end - usage) + 1 : strlen(usage);
    fwrite(usage, 1, n, stderr);
    fputs("Try --help for the options.\n", stderr);
}

int cli_common_option(cli_ctx *ctx, int opt, const char *arg, const char *usage,
                      int *exit_now)
{
    *exit_now = -1;
    if (opt == CLI_OPT_DB) {
        ctx->db_path = arg;
        return 1;
    }
    if (opt == CLI_OPT_HELP) {
        fputs(usage, stdout);
        *exit_now = EXIT_OK;
        return 1;
    }
    if (opt == '?') {
        /* getopt already said what was wrong. */
        print_synopsis(usage);
        *exit_now = EXIT_USAGE;
        return 1;
    }
    return 0;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("papergraph: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    print_synopsis(usage);
    return EXIT_USAGE;
}
