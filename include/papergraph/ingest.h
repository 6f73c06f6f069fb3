/*
** ingest.h: read input files into the store.
**
** Glues a reader, the normaliser, the fingerprints and the store: each record
** is keyed by content, its text stored once, its occurrence always.  One file
** is one transaction.  A file whose bytes were ingested before (same XXH3-128,
** whatever its path) is skipped and changes nothing.
*/
#ifndef PAPERGRAPH_INGEST_H
#define PAPERGRAPH_INGEST_H

#include <stdio.h>
#include "papergraph/error.h"
#include "papergraph/reader.h"
#include "papergraph/store.h"

typedef struct pg_ingest_opts {
    pg_input_format format;
    int year;               /* see pg_read_opts */
    size_t max_line;        /* see pg_read_opts */
    pg_encoding encoding;   /* see pg_read_opts */
    pg_warn_fn warn;        /* may be NULL */
    void *warn_ctx;
} pg_ingest_opts;

typedef struct pg_ingest_result {
    long long entries;      /* records read */
    long long new_texts;    /* texts not known before */
    long long known;        /* records whose text was already known */
    long long warnings;
    unsigned long long bytes;
    int skipped;            /* 1: same content as an ingested file, nothing changed */
    char same_as[1024];     /* with skipped: that file's path (may be cut) */
} pg_ingest_result;

/* Ingests one file ("-" is standard input, recorded as "<stdin>").
 * Errors name the file: PG_ERR_IO (missing, a directory, unreadable),
 * PG_ERR_NOT_TEXT (binary), PG_ERR_DB.  On error nothing of the file is
 * stored.  *res is filled in every case. */
pg_err pg_ingest_path(pg_store *s, const char *path, const pg_ingest_opts *o,
                      pg_ingest_result *res, pg_error *err);

/* The same over an open stream, named name in messages and in the store. */
pg_err pg_ingest_stream(pg_store *s, FILE *fp, const char *name,
                        const pg_ingest_opts *o, pg_ingest_result *res,
                        pg_error *err);

#endif
