/*
** record.h: one entry as read from an input file, whatever its format.
**
** A record is a view: every pointer in it belongs to the reader that filled it
** and stays valid only until the next call to that reader or until the reader
** is freed.  Text is valid UTF-8 (invalid bytes were replaced by U+FFFD, with a
** warning), with no NUL bytes, trimmed of surrounding white space.
*/
#ifndef PAPERGRAPH_RECORD_H
#define PAPERGRAPH_RECORD_H

#include <stddef.h>

typedef struct pg_record {
    const char *title;      /* never NULL, never empty */
    size_t title_len;
    const char *abstract;   /* "" when the input had none (jsonl/csv records) */
    size_t abstract_len;
    int authors;            /* authors count; -1 when absent */
    const char *author_names; /* author names as given, one per line; "" when
                               the input gives only a count or nothing */
    int upvotes;            /* -1 when absent */
    int pub_year;           /* publication date; 0 when absent */
    int pub_month;          /* 1..12; 0 when absent */
    int pub_day;            /* 1..31; 0 when absent */
    const char *date_raw;   /* the date text as written; "" when absent or
                               when the date was invalid */
    const char *venue;      /* "" when absent */
    const char *ext_id;     /* an identifier given by the input (jsonl/csv "id"); "" when absent */
    const char *urls;       /* extra URLs given by the input, one per line; "" when none */
    const char *day;        /* the listing's day as YYYY-MM-DD; "" when the page had no day label */
    const char *day_label;  /* the day label as written ("Sep 3"); "" when none */
    long line;              /* 1-based line of the title (listing) or of the record (jsonl/csv) */
} pg_record;

#endif
