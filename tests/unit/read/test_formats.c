/*
** test_formats.c: unit tests of the JSON-lines and CSV readers
** (src/jsonl.c, src/csv.c, the field builder and the input encodings in
** src/reader.c).
**
** Inputs are built in memory and read through fmemopen(), as in
** test_listing.c, and each case checks the values a record must carry
** (fields, aliases, line numbers, warning texts and lines), not only that
** nothing crashed.  When FIXTURES is set the files in fixtures/formats are
** read too, and when the shared benchmark files exist (/work/shared/data,
** never copied into the repository) their record counts are checked;
** without them those checks are skipped with a note.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "papergraph/read.h"

#define MAX_RECS 16
#define MAX_WARN 16

#define SHARED_DATA "/work/shared/data/dblp-acm"

/* ---- helpers ------------------------------------------------------------ */

typedef struct trec {
    char *title, *abstract, *names, *date_raw, *venue, *ext_id, *urls, *day,
        *day_label;
    size_t title_len, abstract_len;
    long line;
    int authors, upvotes, y, m, d;
} trec;

typedef struct result {
    pg_err open_rc, rc;
    pg_error err;
    int n;
    trec recs[MAX_RECS];
    long warnings;
    int n_warn;
    long warn_line[MAX_WARN];
    char warn_msg[MAX_WARN][256];
    unsigned long long bytes;
} result;

typedef struct topts {
    size_t max_line;
    pg_encoding encoding;
} topts;

static void on_warn(void *ctx, const char *file, long line, const char *msg)
{
    result *res = ctx;

    (void)file;
    if (res->n_warn < MAX_WARN) {
        res->warn_line[res->n_warn] = line;
        snprintf(res->warn_msg[res->n_warn], sizeof res->warn_msg[0], "%s", msg);
    }
    res->n_warn++;
}

static char *dup_s(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static void keep(trec *t, const pg_record *rec)
{
    t->title = dup_s(rec->title);
    t->abstract = dup_s(rec->abstract);
    t->names = dup_s(rec->author_names);
    t->date_raw = dup_s(rec->date_raw);
    t->venue = dup_s(rec->venue);
    t->ext_id = dup_s(rec->ext_id);
    t->urls = dup_s(rec->urls);
    t->day = dup_s(rec->day);
    t->day_label = dup_s(rec->day_label);
    t->title_len = rec->title_len;
    t->abstract_len = rec->abstract_len;
    t->line = rec->line;
    t->authors = rec->authors;
    t->upvotes = rec->upvotes;
    t->y = rec->pub_year;
    t->m = rec->pub_month;
    t->d = rec->pub_day;
}

static void read_stream(FILE *fp, pg_input_format fmt, const topts *to,
                        result *res)
{
    pg_read_opts o = { 2025, to ? to->max_line : 0, on_warn, res,
                       to ? to->encoding : PG_ENCODING_UTF8 };
    pg_reader *r = NULL;
    pg_record rec;

    res->open_rc = pg_reader_open(fp, "t.in", fmt, &o, &r, &res->err);
    if (res->open_rc != PG_OK)
        return;
    while ((res->rc = pg_reader_next(r, &rec, &res->err)) == PG_OK) {
        if (res->n < MAX_RECS)
            keep(&res->recs[res->n], &rec);
        res->n++;
    }
    if (res->rc == PG_DONE)     /* the end is sticky */
        CHECK_INT(pg_reader_next(r, &rec, NULL), PG_DONE);
    res->warnings = pg_reader_warnings(r);
    res->bytes = pg_reader_bytes(r);
    pg_reader_free(r);
}

/* Reads data[0..len) (tmpfile for empty input: fmemopen refuses size 0). */
static void read_mem(const char *data, size_t len, pg_input_format fmt,
                     const topts *to, result *res)
{
    char *copy = NULL;
    FILE *fp;

    memset(res, 0, sizeof *res);
    if (len == 0) {
        fp = tmpfile();
    } else if ((copy = malloc(len)) != NULL) {
        memcpy(copy, data, len);
        fp = fmemopen(copy, len, "r");
    } else {
        fp = NULL;
    }
    if (fp == NULL) {
        fprintf(stderr, "cannot open memory stream: %s\n", strerror(errno));
        res->open_rc = PG_ERR_IO;
        free(copy);
        return;
    }
    read_stream(fp, fmt, to, res);
    fclose(fp);
    free(copy);
}

static void jsonl(const char *text, result *res)
{
    read_mem(text, strlen(text), PG_INPUT_JSONL, NULL, res);
}

static void csv(const char *text, result *res)
{
    read_mem(text, strlen(text), PG_INPUT_CSV, NULL, res);
}

static void release(result *res)
{
    for (int i = 0; i < res->n && i < MAX_RECS; i++) {
        trec *t = &res->recs[i];
        free(t->title);
        free(t->abstract);
        free(t->names);
        free(t->date_raw);
        free(t->venue);
        free(t->ext_id);
        free(t->urls);
        free(t->day);
        free(t->day_label);
    }
}

/* A read that reached the end, consumed every byte, counted every warning
 * it reported, and returned records whose lengths and lines are sane. */
#define CHECK_CLEAN(res, len) do { \
        CHECK_INT((res).open_rc, PG_OK); \
        CHECK_INT((res).rc, PG_DONE); \
        CHECK_INT((res).bytes, (len)); \
        CHECK_INT((res).warnings, (res).n_warn); \
        for (int i_ = 0; i_ < (res).n && i_ < MAX_RECS; i_++) { \
            CHECK_INT((res).recs[i_].title_len, strlen((res).recs[i_].title)); \
            CHECK_INT((res).recs[i_].abstract_len, \
                      strlen((res).recs[i_].abstract)); \
            CHECK((res).recs[i_].title_len > 0); \
            if (i_ > 0) \
                CHECK((res).recs[i_].line > (res).recs[i_ - 1].line); \
        } \
    } while (0)

#define CHECK_WARN(res, i, line, msg) do { \
        CHECK_INT((res).warn_line[i], (line)); \
        CHECK_STR((res).warn_msg[i], (msg)); \
    } while (0)

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- JSON lines ---------------------------------------------------------- */

static void test_jsonl_full_record(void)
{
    static const char in[] =
        "{\"id\": \"2509.00001\", \"title\": \"  Sparse Lanterns \", "
        "\"abstract\": \"We route tokens.\\nTo quiet experts.\", "
        "\"authors\": [\"Ada Quill\", \" Bo Lantern \"], \"date\": \"2023-10-09\", "
        "\"upvotes\": 12, \"venue\": \"NeurIPS\", \"url\": \"https://ex.org/a\", "
        "\"urls\": [\"https://ex.org/b\", \"https://ex.org/c\"], "
        "\"abs\": \"https://arxiv.org/abs/2509.00001\", "
        "\"pdf\": \"https://arxiv.org/pdf/2509.00001\", \"doi\": \"10.1145/3.14\", "
        "\"day\": \"2025-09-03\", \"categories\": [\"cs.LG\"], \"comment\": null}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    trec *t = &res.recs[0];
    CHECK_STR(t->title, "Sparse Lanterns");
    CHECK_STR(t->abstract, "We route tokens.\nTo quiet experts.");
    CHECK_INT(t->authors, 2);
    CHECK_STR(t->names, "Ada Quill\nBo Lantern");
    CHECK_INT(t->y, 2023);
    CHECK_INT(t->m, 10);
    CHECK_INT(t->d, 9);
    CHECK_STR(t->date_raw, "2023-10-09");
    CHECK_INT(t->upvotes, 12);
    CHECK_STR(t->venue, "NeurIPS");
    CHECK_STR(t->ext_id, "2509.00001");
    CHECK_STR(t->urls, "https://ex.org/a\nhttps://ex.org/b\nhttps://ex.org/c\n"
              "https://arxiv.org/abs/2509.00001\nhttps://arxiv.org/pdf/2509.00001\n"
              "https://doi.org/10.1145/3.14");
    CHECK_STR(t->day, "2025-09-03");
    CHECK_STR(t->day_label, "2025-09-03");
    CHECK_INT(t->line, 1);
    release(&res);
}

static void test_jsonl_absent_fields(void)
{
    result res;

    jsonl("{\"title\": \"Only a Title\"}\n", &res);
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    trec *t = &res.recs[0];
    CHECK_STR(t->abstract, "");
    CHECK_INT(t->authors, -1);
    CHECK_STR(t->names, "");
    CHECK_INT(t->upvotes, -1);
    CHECK_INT(t->y, 0);
    CHECK_STR(t->date_raw, "");
    CHECK_STR(t->venue, "");
    CHECK_STR(t->ext_id, "");
    CHECK_STR(t->urls, "");
    CHECK_STR(t->day, "");
    CHECK_STR(t->day_label, "");
    release(&res);
}

static void test_jsonl_aliases(void)
{
    static const char in[] =
        "{\"Title\": \"A\", \"summary\": \"S\", \"published\": \"2024-05\", "
        "\"journal\": \"J\"}\n"
        "{\"TITLE\": \"B\", \"booktitle\": \"Proc. B\", \"year\": 1999, "
        "\"ID\": 4242, \"Author\": [\"X Y\"]}\n"
        /* the first non-empty value wins; the most precise date wins */
        "{\"title\": \"C\", \"abstract\": \"\", \"summary\": \"second\", "
        "\"abstract \": \"third\", \"year\": 2023, \"published\": \"2023-10-09\", "
        "\"date\": \"2023\", \"venue\": \"V1\", \"journal\": \"V2\"}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].abstract, "S");
    CHECK_INT(res.recs[0].y, 2024);
    CHECK_INT(res.recs[0].m, 5);
    CHECK_INT(res.recs[0].d, 0);
    CHECK_STR(res.recs[0].date_raw, "2024-05");
    CHECK_STR(res.recs[0].venue, "J");
    CHECK_STR(res.recs[1].title, "B");
    CHECK_STR(res.recs[1].venue, "Proc. B");
    CHECK_INT(res.recs[1].y, 1999);
    CHECK_STR(res.recs[1].date_raw, "1999");
    CHECK_STR(res.recs[1].ext_id, "4242");
    CHECK_INT(res.recs[1].authors, 1);
    CHECK_STR(res.recs[2].abstract, "second");
    CHECK_INT(res.recs[2].y, 2023);
    CHECK_INT(res.recs[2].m, 10);
    CHECK_INT(res.recs[2].d, 9);
    CHECK_STR(res.recs[2].date_raw, "2023-10-09");
    CHECK_STR(res.recs[2].venue, "V1");
    release(&res);
}

static void test_jsonl_authors(void)
{
    static const char in[] =
        "{\"title\": \"t1\", \"authors\": 5}\n"
        "{\"title\": \"t2\", \"authors\": [\"A One\", \"B\\nTwo\", \"\", \"Smith, J.\"]}\n"
        "{\"title\": \"t3\", \"authors\": \"A. Smith, B. Jones and C. Lee\"}\n"
        "{\"title\": \"t4\", \"authors\": \"Smith, J.; Doe, A.\"}\n"
        "{\"title\": \"t5\", \"authors\": \"Smith, J., Doe, A. B., Roe, J.-P.\"}\n"
        "{\"title\": \"t6\", \"authors\": \"Ann Lee, Bo Chan, and Cy Dee\"}\n"
        "{\"title\": \"t7\", \"authors\": \"Martin King, Jr., Ada Lovelace\"}\n"
        "{\"title\": \"t8\", \"authors\": \" 7 \"}\n"
        "{\"title\": \"t9\", \"authors\": []}\n"
        "{\"title\": \"t10\", \"authors\": [\"Ann\", 3, null], \"author\": \"X\"}\n"
        "{\"title\": \"t11\", \"authors\": \"Alexander Anderson, Sandra Andrews\"}\n"
        "{\"title\": \"t12\", \"authors\": -2}\n"
        "{\"title\": \"t13\", \"authors\": \"Dirk D&#252;llmann, Jo M&uuml;ller\"}\n"
        "{\"title\": \"t14\", \"authors\": \"M&uuml;ller, J.; Doe, A.\"}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 14);
    /* A ';' that ends an HTML entity does not split a name. */
    CHECK_INT(res.recs[12].authors, 2);
    CHECK_STR(res.recs[12].names, "Dirk D&#252;llmann\nJo M&uuml;ller");
    CHECK_INT(res.recs[13].authors, 2);
    CHECK_STR(res.recs[13].names, "M&uuml;ller, J.\nDoe, A.");
    CHECK_INT(res.recs[0].authors, 5);
    CHECK_STR(res.recs[0].names, "");
    CHECK_INT(res.recs[1].authors, 3);    /* the empty name is dropped */
    CHECK_STR(res.recs[1].names, "A One\nB Two\nSmith, J.");
    CHECK_INT(res.recs[2].authors, 3);
    CHECK_STR(res.recs[2].names, "A. Smith\nB. Jones\nC. Lee");
    CHECK_INT(res.recs[3].authors, 2);
    CHECK_STR(res.recs[3].names, "Smith, J.\nDoe, A.");
    CHECK_INT(res.recs[4].authors, 3);
    CHECK_STR(res.recs[4].names, "Smith, J.\nDoe, A. B.\nRoe, J.-P.");
    CHECK_INT(res.recs[5].authors, 3);
    CHECK_STR(res.recs[5].names, "Ann Lee\nBo Chan\nCy Dee");
    CHECK_INT(res.recs[6].authors, 2);
    CHECK_STR(res.recs[6].names, "Martin King, Jr.\nAda Lovelace");
    CHECK_INT(res.recs[7].authors, 7);
    CHECK_STR(res.recs[7].names, "");
    CHECK_INT(res.recs[8].authors, 0);
    CHECK_STR(res.recs[8].names, "");
    CHECK_INT(res.recs[9].authors, 1);    /* the list came first: "author" ignored */
    CHECK_STR(res.recs[9].names, "Ann");
    CHECK_INT(res.recs[10].authors, 2);   /* "and" only as a word */
    CHECK_STR(res.recs[10].names, "Alexander Anderson\nSandra Andrews");
    CHECK_INT(res.recs[11].authors, -1);
    CHECK_INT(res.warnings, 2);
    CHECK_WARN(res, 0, 10, "field 'authors' has 1 item that is not text; ignored");
    CHECK_WARN(res, 1, 12, "field 'authors' is out of range (-2); ignored");
    release(&res);
}

static void test_jsonl_urls(void)
{
    static const char in[] =
        "{\"title\": \"t1\", \"urls\": \" https://a.org/x \\n https://b.org/y \"}\n"
        "{\"title\": \"t2\", \"url\": [\"https://a.org/z\", 5, \"\"], \"doi\": \"doi:10.1/ABC\"}\n"
        "{\"title\": \"t3\", \"doi\": \"https://doi.org/10.2/x\", \"pdf\": \"https://p.org/1.pdf\"}\n"
        "{\"title\": \"t4\", \"doi\": \"not a doi\"}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 4);
    CHECK_STR(res.recs[0].urls, "https://a.org/x\nhttps://b.org/y");
    CHECK_STR(res.recs[1].urls, "https://a.org/z\nhttps://doi.org/10.1/ABC");
    CHECK_STR(res.recs[2].urls, "https://doi.org/10.2/x\nhttps://p.org/1.pdf");
    CHECK_STR(res.recs[3].urls, "");
    CHECK_INT(res.warnings, 2);
    CHECK_WARN(res, 0, 2, "field 'url' has 1 item that is not text; ignored");
    CHECK_WARN(res, 1, 4, "'not a doi' in field 'doi' is not a DOI; ignored");
    release(&res);
}

static void test_jsonl_dates(void)
{
    static const char in[] =
        "{\"title\": \"t1\", \"date\": \"Oct 9, 2023\"}\n"
        "{\"title\": \"t2\", \"date\": \"2023-10-09T12:30:00Z\"}\n"
        "{\"title\": \"t3\", \"date\": \"October 2023\"}\n"
        "{\"title\": \"t4\", \"date\": \"9 Oct 2023\"}\n"
        "{\"title\": \"t5\", \"date\": \"Sep 3\"}\n"
        "{\"title\": \"t6\", \"date\": \"2023-02-30\"}\n"
        "{\"title\": \"t7\", \"date\": \"yesterday\"}\n"
        "{\"title\": \"t8\", \"year\": 2024.0}\n"
        "{\"title\": \"t9\", \"year\": 0}\n"
        "{\"title\": \"t10\", \"date\": \"2024-02-29\", \"day\": \"2024-03-01\"}\n"
        "{\"title\": \"t11\", \"day\": \"Mar 1\"}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 11);
    CHECK_INT(res.recs[0].y, 2023);
    CHECK_INT(res.recs[0].m, 10);
    CHECK_INT(res.recs[0].d, 9);
    CHECK_STR(res.recs[0].date_raw, "Oct 9, 2023");
    CHECK_INT(res.recs[1].d, 9);
    CHECK_STR(res.recs[1].date_raw, "2023-10-09T12:30:00Z");
    CHECK_INT(res.recs[2].y, 2023);
    CHECK_INT(res.recs[2].m, 10);
    CHECK_INT(res.recs[2].d, 0);
    CHECK_INT(res.recs[3].m, 10);
    CHECK_INT(res.recs[3].d, 9);
    CHECK_INT(res.recs[4].y, 2025);       /* the year option */
    CHECK_INT(res.recs[4].m, 9);
    CHECK_INT(res.recs[4].d, 3);
    CHECK_INT(res.recs[5].y, 0);
    CHECK_STR(res.recs[5].date_raw, "");
    CHECK_INT(res.recs[6].y, 0);
    CHECK_INT(res.recs[7].y, 2024);
    CHECK_STR(res.recs[7].date_raw, "2024");
    CHECK_INT(res.recs[8].y, 0);
    CHECK_INT(res.recs[9].y, 2024);
    CHECK_INT(res.recs[9].d, 29);
    CHECK_STR(res.recs[9].day, "2024-03-01");
    CHECK_STR(res.recs[10].day, "");
    CHECK_INT(res.warnings, 4);
    CHECK_WARN(res, 0, 6, "invalid date '2023-02-30' in field 'date'; ignored");
    CHECK_WARN(res, 1, 7, "invalid date 'yesterday' in field 'date'; ignored");
    CHECK_WARN(res, 2, 9, "invalid date '0' in field 'year'; ignored");
    CHECK_WARN(res, 3, 11, "invalid day 'Mar 1' in field 'day' (want YYYY-MM-DD); ignored");
    release(&res);
}

static void test_jsonl_malformed(void)
{
    static const char in[] =
        "{\"title\": \"first\"}\n"
        "{\"title\": \"broken\", \n"
        "{\"title\": \"third\"}\n"
        "[1, 2]\n"
        "42\n"
        "{\"title\": \"x\"} trailing\n"
        "{\"title\": \"last\"}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].title, "first");
    CHECK_STR(res.recs[1].title, "third");
    CHECK_INT(res.recs[1].line, 3);
    CHECK_STR(res.recs[2].title, "last");
    CHECK_INT(res.recs[2].line, 7);
    CHECK_INT(res.warnings, 4);
    CHECK_INT(res.warn_line[0], 2);
    CHECK(starts_with(res.warn_msg[0], "invalid JSON: "));
    CHECK(ends_with(res.warn_msg[0], "; skipped"));
    CHECK_WARN(res, 1, 4, "JSON value is a list, not an object; skipped");
    CHECK_INT(res.warn_line[2], 5);       /* a bare value is not JSON text here */
    CHECK(starts_with(res.warn_msg[2], "invalid JSON: "));
    CHECK_INT(res.warn_line[3], 6);
    CHECK(starts_with(res.warn_msg[3], "invalid JSON: "));
    release(&res);
}

static void test_jsonl_wrong_types(void)
{
    static const char in[] =
        "{\"title\": 42}\n"
        "{\"title\": \"ok\", \"upvotes\": \"many\", \"authors\": true, "
        "\"venue\": {\"name\": \"V\"}, \"abstract\": [\"a\"], \"id\": 1.5, "
        "\"date\": null, \"summary\": null}\n"
        "{\"title\": \"ok2\", \"upvotes\": \"17\", \"doi\": 10}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[0].title, "ok");
    CHECK_INT(res.recs[0].upvotes, -1);
    CHECK_INT(res.recs[0].authors, -1);
    CHECK_STR(res.recs[0].venue, "");
    CHECK_STR(res.recs[0].abstract, "");
    CHECK_STR(res.recs[0].ext_id, "");
    CHECK_INT(res.recs[1].upvotes, 17);   /* digits in a string are a count */
    CHECK_INT(res.warnings, 8);
    CHECK_WARN(res, 0, 1, "field 'title' is a number; ignored");
    CHECK_WARN(res, 1, 1, "record has no title; skipped");
    CHECK_WARN(res, 2, 2, "field 'upvotes' is not a count: 'many'; ignored");
    CHECK_WARN(res, 3, 2, "field 'authors' is a boolean; ignored");
    CHECK_WARN(res, 4, 2, "field 'venue' is an object; ignored");
    CHECK_WARN(res, 5, 2, "field 'abstract' is a list; ignored");
    CHECK_WARN(res, 6, 2, "field 'id' is not a whole number; ignored");
    CHECK_WARN(res, 7, 3, "field 'doi' is a number; ignored");
    release(&res);
}

static void test_jsonl_blank_lines_and_no_title(void)
{
    static const char in[] =
        "\n   \n"
        "{\"title\": \"a\"}\n"
        "\n\t\n"
        "{\"abstract\": \"no title here\"}\n"
        "{\"title\": \" \\u00a0 \"}\n"
        "{}\n"
        "{\"title\": \"b\"}\n\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.recs[0].line, 3);
    CHECK_INT(res.recs[1].line, 9);
    CHECK_INT(res.warnings, 3);
    CHECK_WARN(res, 0, 6, "record has no title; skipped");
    CHECK_WARN(res, 1, 7, "record has no title; skipped");
    CHECK_WARN(res, 2, 8, "record has no title; skipped");
    release(&res);
}

static void test_jsonl_crlf_and_no_final_newline(void)
{
    static const char in[] =
        "{\"title\": \"a\", \"abstract\": \"x\"}\r\n"
        "\r\n"
        "{\"title\": \"b\"}\r\n"
        "{\"title\": \"c\"}";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].abstract, "x");
    CHECK_INT(res.recs[1].line, 3);
    CHECK_STR(res.recs[2].title, "c");
    CHECK_INT(res.recs[2].line, 4);
    release(&res);
}

static void test_jsonl_long_record(void)
{
    char in[1024];
    char big[301];
    topts to = { 64, PG_ENCODING_UTF8 };
    result res;

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(in, sizeof in,
             "{\"title\": \"short\"}\n"
             "{\"title\": \"long\", \"abstract\": \"%s\"}\n"
             "{\"title\": \"after\"}\n", big);
    read_mem(in, strlen(in), PG_INPUT_JSONL, &to, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[1].title, "after");
    CHECK_INT(res.recs[1].line, 3);
    CHECK_INT(res.warnings, 1);
    CHECK_WARN(res, 0, 2, "line 2 is longer than 64 bytes; record skipped");
    release(&res);
}

static void test_jsonl_text_repair(void)
{
    static const char in[] =
        "{\"title\": \"nul\\u0000here\"}\n"
        "{\"title\": \"bad \xff byte\"}\n"
        "{\"title\": \"caf\\u00e9 \xc3\xa9\"}\n"
        "{\"title\": \"t\", \"date\": \"2023\\u0000 \", \"authors\": [\"A\\u0000\"]}\n";
    result res;

    jsonl(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 4);
    CHECK_STR(res.recs[0].title, "nul\xEF\xBF\xBDhere");
    CHECK_STR(res.recs[1].title, "bad \xEF\xBF\xBD byte");
    CHECK_STR(res.recs[2].title, "caf\xC3\xA9 \xC3\xA9");
    CHECK_INT(res.recs[3].y, 0);
    CHECK_STR(res.recs[3].date_raw, "");
    CHECK_STR(res.recs[3].names, "A\xEF\xBF\xBD");
    CHECK_INT(res.warnings, 5);
    CHECK_WARN(res, 0, 1, "NUL byte in field 'title' replaced by U+FFFD");
    CHECK_WARN(res, 1, 2, "invalid UTF-8 replaced by U+FFFD");
    CHECK_WARN(res, 2, 4, "NUL byte in field 'date' replaced by U+FFFD");
    CHECK_WARN(res, 3, 4, "invalid date '2023\xEF\xBF\xBD' in field 'date'; ignored");
    CHECK_WARN(res, 4, 4, "NUL byte in field 'authors' replaced by U+FFFD");
    release(&res);
}

/* ---- CSV ------------------------------------------------------------------ */

static void test_csv_header_aliases(void)
{
    static const char in[] =
        " Title ,SUMMARY,Published,Journal,Authors,ID,URL,Upvotes,Day,Notes\n"
        "Lazy Indexes,An abstract.,2001-06,Invented Letters,\"Ann Ovid, Ben Cato\","
        "r1,https://ex.org/r1,3,2025-09-03,whatever\n";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    trec *t = &res.recs[0];
    CHECK_STR(t->title, "Lazy Indexes");
    CHECK_STR(t->abstract, "An abstract.");
    CHECK_INT(t->y, 2001);
    CHECK_INT(t->m, 6);
    CHECK_STR(t->venue, "Invented Letters");
    CHECK_INT(t->authors, 2);
    CHECK_STR(t->names, "Ann Ovid\nBen Cato");
    CHECK_STR(t->ext_id, "r1");
    CHECK_STR(t->urls, "https://ex.org/r1");
    CHECK_INT(t->upvotes, 3);
    CHECK_STR(t->day, "2025-09-03");
    CHECK_INT(t->line, 2);
    release(&res);
}

static void test_csv_quoting(void)
{
    static const char in[] =
        "id,title,abstract\n"
        "1,\"Commas, \"\"Quotes\"\" and more\",plain\n"
        "2,\"A title\n"
        "over two lines\",\"abstract\n"
        "\n"
        "with a blank line\"\n"
        "\n"
        "3,Third,\"x\"\n";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, "Commas, \"Quotes\" and more");
    CHECK_INT(res.recs[0].line, 2);
    CHECK_STR(res.recs[1].title, "A title\nover two lines");
    CHECK_STR(res.recs[1].abstract, "abstract\n\nwith a blank line");
    CHECK_INT(res.recs[1].line, 3);
    CHECK_STR(res.recs[2].title, "Third");
    CHECK_INT(res.recs[2].line, 8);
    release(&res);
}

static void test_csv_ragged_rows(void)
{
    static const char in[] =
        "title,venue,year\n"
        "Extra,V,2001,surplus,more\n"
        "Fewer\n"
        ",Nameless,2003\n"
        "Fine,W,2004\n";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].venue, "V");
    CHECK_INT(res.recs[0].y, 2001);
    CHECK_STR(res.recs[1].title, "Fewer");
    CHECK_STR(res.recs[1].venue, "");
    CHECK_INT(res.recs[1].y, 0);
    CHECK_STR(res.recs[2].title, "Fine");
    CHECK_INT(res.recs[2].line, 5);
    CHECK_INT(res.warnings, 3);
    CHECK_WARN(res, 0, 2, "row has 5 fields, header has 3; extra fields ignored");
    CHECK_WARN(res, 1, 3, "row has 1 fields, header has 3; missing fields left empty");
    CHECK_WARN(res, 2, 4, "record has no title; skipped");
    release(&res);
}

static void test_csv_refused_and_empty(void)
{
    result res;

    csv("id,name\n1,x\n", &res);
    CHECK_INT(res.open_rc, PG_ERR_FORMAT);
    CHECK_STR(res.err.msg, "t.in: CSV header has no 'title' column");

    csv("", &res);                          /* empty: no records, no error */
    CHECK_CLEAN(res, 0);
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 0);

    csv("\n  \n\n", &res);
    CHECK_CLEAN(res, 5);
    CHECK_INT(res.n, 0);

    csv("title,abstract\n", &res);          /* header only */
    CHECK_CLEAN(res, 15);
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 0);

    csv("\n\ntitle\nlate header\n", &res);  /* blank lines before the header */
    CHECK_INT(res.n, 1);
    CHECK_INT(res.recs[0].line, 4);
    release(&res);

    topts to = { 16, PG_ENCODING_UTF8 };
    static const char long_header[] = "\"title,\nabstract,\nauthors,\nvenue\"\n";
    read_mem(long_header, strlen(long_header), PG_INPUT_CSV, &to, &res);
    CHECK_INT(res.open_rc, PG_ERR_FORMAT);
    CHECK_STR(res.err.msg, "t.in:1: CSV header is longer than 16 bytes");
}

static void test_csv_crlf_bom_no_final_newline(void)
{
    static const char in[] =
        "\xEF\xBB\xBFtitle,abstract\r\n"
        "One,\"two\r\nlines\"\r\n"
        "Stray\rCR,x\r\n"
        "Last,y";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].abstract, "two\nlines");
    CHECK_STR(res.recs[1].title, "Stray\rCR");  /* a lone CR is no row break */
    CHECK_INT(res.recs[1].line, 4);
    CHECK_STR(res.recs[2].title, "Last");
    CHECK_STR(res.recs[2].abstract, "y");
    CHECK_INT(res.recs[2].line, 5);
    release(&res);
}

static void test_csv_long_records(void)
{
    static const char in[] =
        "title,abstract\n"
        "Before,ok\n"
        "Huge,\"a field that goes on\n"
        "and on over many lines\n"
        "with \"\"quotes\"\" inside,\n"
        "far past the limit\n"
        "of this reader\"\n"
        "After,fine\n"
        "0123456789012345678901234567890123456789012345678901234567890123456789\n"
        "Next,\"still\n"
        "fine\"\n";
    topts to = { 64, PG_ENCODING_UTF8 };
    result res;

    read_mem(in, strlen(in), PG_INPUT_CSV, &to, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].title, "Before");
    CHECK_STR(res.recs[1].title, "After");
    CHECK_INT(res.recs[1].line, 8);
    CHECK_STR(res.recs[2].title, "Next");
    CHECK_STR(res.recs[2].abstract, "still\nfine");
    CHECK_INT(res.recs[2].line, 10);
    CHECK_INT(res.warnings, 2);
    CHECK_WARN(res, 0, 3, "record is longer than 64 bytes; skipped");
    CHECK_WARN(res, 1, 9, "line 9 is longer than 64 bytes; record skipped");
    release(&res);
}

/* A field of many megabytes (the record limit raised) is read whole.  libcsv
 * grows its field buffer by a fixed block; fed as it was, a field this size
 * took thousands of reallocations, each copying the buffer (quadratic under
 * AddressSanitizer, where realloc always copies), and this test ran past
 * its time limit. */
static void test_csv_huge_field(void)
{
    const size_t big = (size_t)48 << 20;
    static const char head[] = "title,abstract\nBig,\"";
    static const char tail[] = "\"\nAfter,fine\n";
    size_t len = sizeof head - 1 + big + sizeof tail - 1;
    char *in = malloc(len);
    topts to = { (size_t)64 << 20, PG_ENCODING_UTF8 };
    result res;

    CHECK(in != NULL);
    if (in == NULL)
        return;
    memcpy(in, head, sizeof head - 1);
    for (size_t i = 0; i < big; i++)
        in[sizeof head - 1 + i] = (char)('a' + i % 26);
    memcpy(in + sizeof head - 1 + big, tail, sizeof tail - 1);
    read_mem(in, len, PG_INPUT_CSV, &to, &res);
    free(in);
    CHECK_CLEAN(res, len);
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[0].title, "Big");
    CHECK_INT(res.recs[0].abstract_len, big);
    CHECK(starts_with(res.recs[0].abstract, "abcdefghijklmnopqrstuvwxyzabc"));
    CHECK_INT(res.recs[0].abstract[big - 1], 'a' + (big - 1) % 26);
    CHECK_STR(res.recs[1].title, "After");
    CHECK_INT(res.recs[1].line, 3);
    CHECK_INT(res.warnings, 0);
    release(&res);
}

static void test_csv_unterminated_quote(void)
{
    static const char in[] =
        "title,abstract\n"
        "Good,one\n"
        "Bad,\"never closed\n"
        "Swallowed,two\n";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "Good");
    CHECK_INT(res.warnings, 1);
    CHECK_WARN(res, 0, 3, "record ends inside a quoted field at the end of input; skipped");
    release(&res);
}

static void test_csv_counts_and_numbers(void)
{
    static const char in[] =
        "title,authors,upvotes,year\n"
        "A,4,10,1999\n"
        "B,\"Ann Lee and Bo Chan\",x,99\n";
    result res;

    csv(in, &res);
    CHECK_CLEAN(res, strlen(in));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.recs[0].authors, 4);
    CHECK_STR(res.recs[0].names, "");
    CHECK_INT(res.recs[0].upvotes, 10);
    CHECK_INT(res.recs[0].y, 1999);
    CHECK_INT(res.recs[1].authors, 2);
    CHECK_INT(res.recs[1].upvotes, -1);
    CHECK_INT(res.recs[1].y, 0);
    CHECK_INT(res.warnings, 2);
    CHECK_WARN(res, 0, 3, "field 'upvotes' is not a count: 'x'; ignored");
    CHECK_WARN(res, 1, 3, "invalid date '99' in field 'year'; ignored");
    release(&res);
}

/* ---- encodings ------------------------------------------------------------ */

static void test_encoding_parse(void)
{
    pg_encoding e = PG_ENCODING_LATIN1;

    CHECK_INT(pg_encoding_parse("UTF-8", &e), PG_OK);
    CHECK_INT(e, PG_ENCODING_UTF8);
    CHECK_INT(pg_encoding_parse("Latin-1", &e), PG_OK);
    CHECK_INT(e, PG_ENCODING_LATIN1);
    CHECK_INT(pg_encoding_parse("utf8", &e), PG_OK);
    CHECK_INT(e, PG_ENCODING_UTF8);
    CHECK_INT(pg_encoding_parse("ISO-8859-1", &e), PG_OK);
    CHECK_INT(e, PG_ENCODING_LATIN1);
    CHECK_INT(pg_encoding_parse("latin1", &e), PG_OK);
    CHECK_INT(pg_encoding_parse("latin", &e), PG_ERR_USAGE);
    CHECK_INT(pg_encoding_parse("utf-16", &e), PG_ERR_USAGE);
    CHECK_INT(pg_encoding_parse("", &e), PG_ERR_USAGE);
    CHECK_INT(pg_encoding_parse(NULL, &e), PG_ERR_USAGE);
    CHECK_INT(e, PG_ENCODING_LATIN1);

    topts bad = { 0, (pg_encoding)9 };
    result res;
    read_mem("title\nx\n", 8, PG_INPUT_CSV, &bad, &res);
    CHECK_INT(res.open_rc, PG_ERR_USAGE);
}

static const char latin1_csv[] =
    "title,authors\n"
    "\"Stream Load Shedding\",\"U\xC7ur \xC7" "etintemel, J\xFCrgen M\xFCller\"\n"
    "Plain ASCII,Ann Lee\n"
    "\"Caf\xE9 \xA9 \xFF\",M. Tamer \xD6zsu\n";

static void test_latin1_csv(void)
{
    topts to = { 0, PG_ENCODING_LATIN1 };
    result res;

    read_mem(latin1_csv, strlen(latin1_csv), PG_INPUT_CSV, &to, &res);
    CHECK_CLEAN(res, strlen(latin1_csv));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].names, "U\xC3\x87ur \xC3\x87" "etintemel\nJ\xC3\xBCrgen M\xC3\xBCller");
    CHECK_STR(res.recs[1].title, "Plain ASCII");
    CHECK_STR(res.recs[2].title, "Caf\xC3\xA9 \xC2\xA9 \xC3\xBF");
    CHECK_STR(res.recs[2].names, "M. Tamer \xC3\x96zsu");
    release(&res);

    /* The same bytes read as UTF-8 are repaired, with a warning a line. */
    read_mem(latin1_csv, strlen(latin1_csv), PG_INPUT_CSV, NULL, &res);
    CHECK_CLEAN(res, strlen(latin1_csv));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].names, "U\xEF\xBF\xBDur \xEF\xBF\xBD" "etintemel\n"
              "J\xEF\xBF\xBDrgen M\xEF\xBF\xBDller");
    CHECK_INT(res.warnings, 2);
    CHECK_WARN(res, 0, 2, "invalid UTF-8 replaced by U+FFFD");
    CHECK_WARN(res, 1, 4, "invalid UTF-8 replaced by U+FFFD");
    release(&res);
}

static void test_latin1_other_formats(void)
{
    /* Mostly non-ASCII: UTF-8 mode takes it for binary, Latin-1 reads it. */
    static const char dense[] =
        "{\"title\": \"\xE9\xE8\xEA\xEB\xE0\xE2\xE4\xF4\xF6\xFB\xFC\xE7\"}\n";
    topts latin1 = { 0, PG_ENCODING_LATIN1 };
    result res;

    read_mem(dense, strlen(dense), PG_INPUT_JSONL, NULL, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
    read_mem(dense, strlen(dense), PG_INPUT_JSONL, &latin1, &res);
    CHECK_CLEAN(res, strlen(dense));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "\xC3\xA9\xC3\xA8\xC3\xAA\xC3\xAB\xC3\xA0\xC3\xA2"
              "\xC3\xA4\xC3\xB4\xC3\xB6\xC3\xBB\xC3\xBC\xC3\xA7");
    release(&res);

    /* NUL bytes still mean binary input in Latin-1 mode. */
    static const char nul[] = "title\nA\0B\n";
    read_mem(nul, sizeof nul - 1, PG_INPUT_CSV, &latin1, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
    CHECK_STR(res.err.msg, "t.in: not a text file (binary data at byte offset 7)");

    /* A listing page in Latin-1. */
    static const char page[] =
        "Daily Papers\n\nSep 3\n\nCaf\xE9 Titles\n\nAn abstract na\xEFve.\n";
    read_mem(page, strlen(page), PG_INPUT_LISTING, &latin1, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "Caf\xC3\xA9 Titles");
    CHECK_STR(res.recs[0].abstract, "An abstract na\xC3\xAFve.");
    release(&res);

    /* Latin-1 has no BOM: those bytes are three characters. */
    static const char bom[] = "\xEF\xBB\xBFtitle\nx\n";
    read_mem(bom, strlen(bom), PG_INPUT_CSV, &latin1, &res);
    CHECK_INT(res.open_rc, PG_ERR_FORMAT);
}

static void test_binary_refused(void)
{
    static const char nul[] = "{\"title\": \"a\"}\n\0\0\0\0";
    result res;

    read_mem(nul, sizeof nul - 1, PG_INPUT_JSONL, NULL, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
    read_mem(nul, sizeof nul - 1, PG_INPUT_CSV, NULL, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
}

/* ---- files ---------------------------------------------------------------- */

static void read_file(const char *path, pg_input_format fmt, pg_encoding enc,
                      result *res)
{
    topts to = { 0, enc };
    FILE *fp = fopen(path, "rb");

    memset(res, 0, sizeof *res);
    CHECK(fp != NULL);
    if (fp == NULL) {
        res->open_rc = PG_ERR_IO;
        return;
    }
    read_stream(fp, fmt, &to, res);
    fclose(fp);
}

static void test_fixture_files(void)
{
    const char *dir = getenv("FIXTURES");
    char path[4096];
    result res;

    if (dir == NULL) {
        fprintf(stderr, "FIXTURES not set: fixture files not read\n");
        return;
    }
    snprintf(path, sizeof path, "%s/formats/records.jsonl", dir);
    read_file(path, PG_INPUT_JSONL, PG_ENCODING_UTF8, &res);
    CHECK_INT(res.rc, PG_DONE);
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 3);
    CHECK_INT(res.warn_line[0], 4);
    CHECK_INT(res.warn_line[1], 5);
    CHECK_INT(res.warn_line[2], 6);
    CHECK_INT(res.recs[0].authors, 2);
    CHECK_STR(res.recs[0].urls, "https://arxiv.org/abs/2509.00001\n"
              "https://arxiv.org/pdf/2509.00001");
    CHECK_INT(res.recs[1].upvotes, 7);
    CHECK_STR(res.recs[1].names, "C. Origami\nD. Fold");
    CHECK_INT(res.recs[2].line, 7);
    CHECK_STR(res.recs[2].title, "Cortical Echoes: A Caf\xC3\xA9 Study of Auditory Memory");
    CHECK_STR(res.recs[2].urls, "https://doi.org/10.5555/echo.2024");
    release(&res);

    snprintf(path, sizeof path, "%s/formats/records.csv", dir);
    read_file(path, PG_INPUT_CSV, PG_ENCODING_UTF8, &res);
    CHECK_INT(res.rc, PG_DONE);
    CHECK_INT(res.n, 5);
    CHECK_INT(res.warnings, 3);
    CHECK_STR(res.recs[1].title, "A Note on \"Lazy\" Indexes, Revisited");
    CHECK_INT(res.recs[1].y, 0);
    CHECK_STR(res.recs[2].title, "Multi-line\nTitles Considered Harmful");
    CHECK_INT(res.recs[2].line, 4);
    CHECK_STR(res.recs[2].names, "Dan Ek\nEve Ro");
    CHECK_INT(res.recs[3].line, 7);
    release(&res);

    snprintf(path, sizeof path, "%s/formats/latin1.csv", dir);
    read_file(path, PG_INPUT_CSV, PG_ENCODING_LATIN1, &res);
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].names, "U\xC3\x87ur \xC3\x87" "etintemel\nJ\xC3\xBCrgen M\xC3\xBCller");
    CHECK_STR(res.recs[1].names, "M. Tamer \xC3\x96zsu");
    release(&res);

    snprintf(path, sizeof path, "%s/formats/no_title.csv", dir);
    read_file(path, PG_INPUT_CSV, PG_ENCODING_UTF8, &res);
    CHECK_INT(res.open_rc, PG_ERR_FORMAT);
    snprintf(path, sizeof path, "%s/formats/header_only.csv", dir);
    read_file(path, PG_INPUT_CSV, PG_ENCODING_UTF8, &res);
    CHECK_INT(res.rc, PG_DONE);
    CHECK_INT(res.n, 0);
    snprintf(path, sizeof path, "%s/formats/empty.csv", dir);
    read_file(path, PG_INPUT_CSV, PG_ENCODING_UTF8, &res);
    CHECK_INT(res.rc, PG_DONE);
    CHECK_INT(res.n, 0);
}

/* Reads a whole file, counting records and checking one author name. */
static void count_file(const char *path, pg_encoding enc, long *n,
                       long *warnings, int *found)
{
    pg_read_opts o = { 2025, 0, NULL, NULL, enc };
    FILE *fp = fopen(path, "rb");
    pg_reader *r = NULL;
    pg_record rec;
    pg_error err;
    pg_err rc;

    *n = *warnings = *found = 0;
    if (fp == NULL)
        return;
    rc = pg_reader_open(fp, path, PG_INPUT_CSV, &o, &r, &err);
    CHECK_INT(rc, PG_OK);
    while (rc == PG_OK && (rc = pg_reader_next(r, &rec, &err)) == PG_OK) {
        (*n)++;
        if (strstr(rec.author_names, "\xC3\x87" "etintemel") != NULL)
            *found = 1;
    }
    CHECK_INT(rc, PG_DONE);
    *warnings = pg_reader_warnings(r);
    pg_reader_free(r);
    fclose(fp);
}

static void test_shared_data(void)
{
    long n, warnings;
    int found;
    FILE *probe = fopen(SHARED_DATA "/ACM.csv", "rb");

    if (probe == NULL) {
        fprintf(stderr, "note: %s not found: DBLP-ACM record counts not "
                "checked\n", SHARED_DATA);
        return;
    }
    fclose(probe);
    count_file(SHARED_DATA "/ACM.csv", PG_ENCODING_UTF8, &n, &warnings, &found);
    CHECK_INT(n, 2294);
    CHECK_INT(warnings, 0);
    count_file(SHARED_DATA "/DBLP2.csv", PG_ENCODING_LATIN1, &n, &warnings, &found);
    CHECK_INT(n, 2616);
    CHECK_INT(warnings, 0);
    CHECK(found);
    count_file(SHARED_DATA "/DBLP2.csv", PG_ENCODING_UTF8, &n, &warnings, &found);
    CHECK_INT(n, 2616);
    CHECK(warnings > 0);
    CHECK(!found);
}

int main(void)
{
    test_jsonl_full_record();
    test_jsonl_absent_fields();
    test_jsonl_aliases();
    test_jsonl_authors();
    test_jsonl_urls();
    test_jsonl_dates();
    test_jsonl_malformed();
    test_jsonl_wrong_types();
    test_jsonl_blank_lines_and_no_title();
    test_jsonl_crlf_and_no_final_newline();
    test_jsonl_long_record();
    test_jsonl_text_repair();
    test_csv_header_aliases();
    test_csv_quoting();
    test_csv_ragged_rows();
    test_csv_refused_and_empty();
    test_csv_crlf_bom_no_final_newline();
    test_csv_long_records();
    test_csv_huge_field();
    test_csv_unterminated_quote();
    test_csv_counts_and_numbers();
    test_encoding_parse();
    test_latin1_csv();
    test_latin1_other_formats();
    test_binary_refused();
    test_fixture_files();
    test_shared_data();
    CHECK_DONE();
}
