/*
** test_listing.c: unit tests of the listing reader (src/reader.c,
** src/listing.c, src/utf8.c).
**
** Inputs are built in memory and read through fmemopen(), so the test needs
** no files; each case checks what the parser must get exactly right (titles,
** line numbers, days, metadata, warning counts) rather than only "no crash".
** When FIXTURES is set, the synthetic pages in fixtures/parser are read too.
*/
#define _GNU_SOURCE         /* fopencookie(), for a stream that fails mid-way */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "papergraph/read.h"
#include "base/internal.h"

#define HEADER \
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n" \
    "Daily Papers\n\nbyAK and the research community\n\n"
/* HEADER is lines 1-10; a day label follows on line 11. */

#define T1 "Sparse Lanterns: Routing Tokens Through Quiet Experts"
#define A1 "We introduce Sparse Lanterns, a routing scheme that sends each token to a few quiet experts. It halves compute at equal quality."
#define T2 "On the Folding of Paper Cranes by Diffusion Policies"
#define A2 "Robotic origami is hard. We train a diffusion policy on 40 hours of folding and fold four in five unseen crane patterns."
/* As long as the abstracts of real pages (over ABSTRACT_LIKE bytes): a
 * shorter line may be read as a title when the layout says so. */
#define ALONG A1 " " A2 " " A1 " " A2
#define T3 "Cortical Echoes: A Café Study of Auditory Memory"
#define A3 "Listeners in a noisy café recalled tone sequences better when the echo matched their own voice; we model this with a small recurrent network."

/* ---- helpers ------------------------------------------------------------ */

#define MAX_RECS 64
#define MAX_WARN 64

typedef struct trec {
    char *title, *abstract, *date_raw, *day, *day_label;
    size_t title_len, abstract_len;
    long line;
    int authors, upvotes, y, m, d;
} trec;

typedef struct result {
    pg_err open_rc, rc;     /* from pg_reader_open, from the last next */
    pg_error err;
    int n;
    trec recs[MAX_RECS];
    long warnings;          /* pg_reader_warnings */
    int n_warn;             /* calls of the callback */
    long warn_line[MAX_WARN];
    char warn_msg[MAX_WARN][256];
    char warn_file[64];
    unsigned long long bytes;
} result;

static void on_warn(void *ctx, const char *file, long line, const char *msg)
{
    result *res = ctx;
    if (res->n_warn < MAX_WARN) {
        res->warn_line[res->n_warn] = line;
        snprintf(res->warn_msg[res->n_warn], sizeof res->warn_msg[0], "%s", msg);
    }
    snprintf(res->warn_file, sizeof res->warn_file, "%s", file);
    res->n_warn++;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* A stream over a private copy of data[0..len) (tmpfile for empty input:
 * fmemopen refuses size 0). */
static FILE *open_mem(const char *data, size_t len, char **copy)
{
    *copy = NULL;
    if (len == 0)
        return tmpfile();
    *copy = dup_n(data, len);
    return *copy ? fmemopen(*copy, len, "r") : NULL;
}

static void read_all(const char *data, size_t len, int year, size_t max_line,
                     pg_input_format fmt, result *res)
{
    char *copy;
    FILE *fp = open_mem(data, len, &copy);
    pg_read_opts o = { .year = year, .max_line = max_line, .warn = on_warn,
                       .warn_ctx = res };
    pg_reader *r = NULL;
    pg_record rec;

    memset(res, 0, sizeof *res);
    if (fp == NULL) {
        fprintf(stderr, "cannot open memory stream: %s\n", strerror(errno));
        res->open_rc = PG_ERR_IO;
        return;
    }
    res->open_rc = pg_reader_open(fp, "t.txt", fmt, &o, &r, &res->err);
    if (res->open_rc == PG_OK) {
        while ((res->rc = pg_reader_next(r, &rec, &res->err)) == PG_OK) {
            if (res->n < MAX_RECS) {
                trec *t = &res->recs[res->n];
                t->title = dup_n(rec.title, strlen(rec.title));
                t->abstract = dup_n(rec.abstract, strlen(rec.abstract));
                t->date_raw = dup_n(rec.date_raw, strlen(rec.date_raw));
                t->day = dup_n(rec.day, strlen(rec.day));
                t->day_label = dup_n(rec.day_label, strlen(rec.day_label));
                t->title_len = rec.title_len;
                t->abstract_len = rec.abstract_len;
                t->line = rec.line;
                t->authors = rec.authors;
                t->upvotes = rec.upvotes;
                t->y = rec.pub_year;
                t->m = rec.pub_month;
                t->d = rec.pub_day;
            }
            res->n++;
        }
        /* The end is sticky. */
        if (res->rc == PG_DONE)
            CHECK_INT(pg_reader_next(r, &rec, NULL), PG_DONE);
        res->warnings = pg_reader_warnings(r);
        res->bytes = pg_reader_bytes(r);
    }
    pg_reader_free(r);
    fclose(fp);
    free(copy);
}

static void parse(const char *text, result *res)
{
    read_all(text, strlen(text), 2025, 0, PG_INPUT_LISTING, res);
}

static void release(result *res)
{
    for (int i = 0; i < res->n && i < MAX_RECS; i++) {
        free(res->recs[i].title);
        free(res->recs[i].abstract);
        free(res->recs[i].date_raw);
        free(res->recs[i].day);
        free(res->recs[i].day_label);
    }
}

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Checks a clean read: the end reached, every byte consumed, every record
 * internally consistent. */
#define CHECK_CLEAN(res, len) do { \
        CHECK_INT((res).open_rc, PG_OK); \
        CHECK_INT((res).rc, PG_DONE); \
        CHECK_INT((res).bytes, (len)); \
        CHECK_INT((res).warnings, (res).n_warn); \
        for (int i_ = 0; i_ < (res).n && i_ < MAX_RECS; i_++) { \
            CHECK_INT((res).recs[i_].title_len, strlen((res).recs[i_].title)); \
            CHECK_INT((res).recs[i_].abstract_len, strlen((res).recs[i_].abstract)); \
            if (i_ > 0) \
                CHECK((res).recs[i_].line > (res).recs[i_ - 1].line); \
        } \
    } while (0)

/* The no-metadata values of a record. */
#define CHECK_NO_META(t) do { \
        CHECK_INT((t).authors, -1); \
        CHECK_INT((t).upvotes, -1); \
        CHECK_INT((t).y, 0); \
        CHECK_INT((t).m, 0); \
        CHECK_INT((t).d, 0); \
        CHECK_STR((t).date_raw, ""); \
    } while (0)

/* ---- pages ------------------------------------------------------------ */

static const char plain_page[] =
    HEADER "Sep 3\n\n"
    T1 "\n\n" A1 "\n\n"
    T2 "\n\n" A2 "\n\n"
    T3 "\n\n" A3 "\n";

static void test_plain_page(void)
{
    result res;
    parse(plain_page, &res);
    CHECK_CLEAN(res, strlen(plain_page));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_INT(res.recs[0].line, 13);
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[0].day_label, "Sep 3");
    CHECK_NO_META(res.recs[0]);
    CHECK_STR(res.recs[1].title, T2);
    CHECK_INT(res.recs[1].line, 17);
    CHECK_STR(res.recs[2].title, T3);
    CHECK_STR(res.recs[2].abstract, A3);
    CHECK_INT(res.recs[2].line, 21);
    CHECK_STR(res.recs[2].day, "2025-09-03");
    CHECK_NO_META(res.recs[2]);
    release(&res);
}

static const char meta_page[] =
    HEADER "Oct 29\n\n"
    T1 "\n\n" A1 "\n\n"
    "  \xE2\x80\xA2 5 authors\n\xC2\xB7\nOct 9, 2023\n\n"
    T2 "\n\n" A2 "\n\n"
    "  \xE2\x80\xA2 1 author\n\xC2\xB7\nSep 8 2\n\n"
    T3 "\n\n" A3 "\n\n"
    "  \xE2\x80\xA2 12 authors\n\xC2\xB7\nMay 15, 2025 2\n";

static void test_metadata_page(void)
{
    result res;
    parse(meta_page, &res);
    CHECK_CLEAN(res, strlen(meta_page));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_INT(res.recs[0].authors, 5);
    CHECK_INT(res.recs[0].upvotes, -1);
    CHECK_INT(res.recs[0].y, 2023);
    CHECK_INT(res.recs[0].m, 10);
    CHECK_INT(res.recs[0].d, 9);
    CHECK_STR(res.recs[0].date_raw, "Oct 9, 2023");
    CHECK_INT(res.recs[1].line, 21);
    CHECK_INT(res.recs[1].authors, 1);
    CHECK_INT(res.recs[1].upvotes, 2);
    CHECK_INT(res.recs[1].y, 2025);         /* no year: the page's */
    CHECK_INT(res.recs[1].m, 9);
    CHECK_INT(res.recs[1].d, 8);
    CHECK_STR(res.recs[1].date_raw, "Sep 8");
    CHECK_STR(res.recs[1].day, "2025-10-29");
    CHECK_INT(res.recs[2].line, 29);
    CHECK_INT(res.recs[2].authors, 12);
    CHECK_INT(res.recs[2].upvotes, 2);
    CHECK_INT(res.recs[2].y, 2025);
    CHECK_INT(res.recs[2].m, 5);
    CHECK_INT(res.recs[2].d, 15);
    CHECK_STR(res.recs[2].date_raw, "May 15, 2025");
    CHECK_STR(res.recs[2].abstract, A3);
    release(&res);
}

static void test_mixed_page(void)
{
    static const char page[] =
        HEADER "Jul 1\n\n"
        T1 "\n\n" A1 "\n\n"                                 /* 13 */
        "  \xE2\x80\xA2 3 authors\n\xC2\xB7\nJun 27 4\n\n"  /* 17-19 */
        T2 "\n\n" A2 "\n\n"                                 /* 21 */
        T3 "\n\n" A3 "\n\n"                                 /* 25 */
        "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nMay 5, 2020\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_INT(res.recs[0].line, 13);
    CHECK_INT(res.recs[0].authors, 3);
    CHECK_INT(res.recs[0].upvotes, 4);
    CHECK_STR(res.recs[0].date_raw, "Jun 27");
    CHECK_INT(res.recs[0].y, 2025);
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, A2);
    CHECK_INT(res.recs[1].line, 21);
    CHECK_NO_META(res.recs[1]);
    CHECK_STR(res.recs[2].title, T3);
    CHECK_INT(res.recs[2].line, 25);
    CHECK_INT(res.recs[2].authors, 2);
    CHECK_INT(res.recs[2].y, 2020);
    CHECK_INT(res.recs[2].m, 5);
    CHECK_INT(res.recs[2].d, 5);
    release(&res);
}

/* Replaces every "\n" of s by "\r\n". */
static char *to_crlf(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\n' ? 2 : 1;
    char *out = malloc(n + 1), *q = out;
    if (out == NULL)
        return NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '\n')
            *q++ = '\r';
        *q++ = *p;
    }
    *q = '\0';
    return out;
}

static void test_crlf(void)
{
    char *page = to_crlf(meta_page);
    result res;
    CHECK(page != NULL);
    if (page == NULL)
        return;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_STR(res.recs[0].day_label, "Oct 29");
    CHECK_INT(res.recs[1].line, 21);
    CHECK_INT(res.recs[1].upvotes, 2);
    CHECK_STR(res.recs[1].date_raw, "Sep 8");
    CHECK_STR(res.recs[2].date_raw, "May 15, 2025");
    CHECK_INT(res.recs[2].upvotes, 2);
    for (int i = 0; i < res.n; i++)
        CHECK(strchr(res.recs[i].title, '\r') == NULL &&
              strchr(res.recs[i].abstract, '\r') == NULL);
    release(&res);
    free(page);
}

static void test_bom(void)
{
    static const char page[] = "\xEF\xBB\xBF" HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n";
    static const char no_header[] = "\xEF\xBB\xBF" T2 "\n\n" A2 "\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[0].title, T1);
    CHECK_INT(res.recs[0].line, 13);
    release(&res);

    /* The BOM must not stick to a title on line 1 either. */
    parse(no_header, &res);
    CHECK_CLEAN(res, strlen(no_header));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, T2);
    CHECK_INT(res.recs[0].line, 1);
    release(&res);
}

static void test_no_final_newline(void)
{
    static const char ends_in_abstract[] = HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n" T2 "\n\n" A2;
    static const char ends_in_date[] =
        HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n  \xE2\x80\xA2 4 authors\n\xC2\xB7\nAug 30 7";
    result res;
    parse(ends_in_abstract, &res);
    CHECK_CLEAN(res, strlen(ends_in_abstract));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[1].abstract, A2);
    release(&res);

    parse(ends_in_date, &res);
    CHECK_CLEAN(res, strlen(ends_in_date));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    CHECK_INT(res.recs[0].authors, 4);
    CHECK_INT(res.recs[0].upvotes, 7);
    CHECK_STR(res.recs[0].date_raw, "Aug 30");
    CHECK_INT(res.recs[0].y, 2025);
    release(&res);
}

static void test_no_header(void)
{
    static const char page[] =
        T1 "\n\n" A1 "\n\n"
        "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nDec 30\n\n"
        T2 "\n\n" A2 "\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_INT(res.recs[0].line, 1);
    CHECK_STR(res.recs[0].day, "");
    CHECK_STR(res.recs[0].day_label, "");
    /* No page day: a year-less date takes the --year, no rollover. */
    CHECK_INT(res.recs[0].y, 2025);
    CHECK_INT(res.recs[0].m, 12);
    CHECK_INT(res.recs[0].d, 30);
    CHECK_INT(res.recs[1].line, 9);
    CHECK_STR(res.recs[1].day, "");
    release(&res);
}

static void test_blanks_and_spaces(void)
{
    static const char page[] =
        "\n \n\t\n"                                 /* 1-3 */
        HEADER                                      /* 4-13 */
        "\n"                                        /* 14 */
        "Sep 3   \n\n\n"                            /* 15-17 */
        "  " T1 " \t\n"                             /* 18 */
        "\n   \n\n"                                 /* 19-21 */
        ALONG "  \n"                                /* 22 */
        "\n\n"
        "\t" T2 "\n\n" A2 "\n"                      /* 25, 27 */
        "\n \n"
        "  \xE2\x80\xA2   6 authors  \n\n\xC2\xB7 \n\n Jun 2 \n"
        "\n\n\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, ALONG);
    CHECK_INT(res.recs[0].line, 18);
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[0].day_label, "Sep 3");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, A2);
    CHECK_INT(res.recs[1].line, 25);
    CHECK_INT(res.recs[1].authors, 6);
    CHECK_STR(res.recs[1].date_raw, "Jun 2");
    release(&res);
}

/* Invisible characters pasted from web pages are white space too, and
 * metadata comes in more than one spelling. */
static void test_spaces_and_spellings(void)
{
    static const char page[] =
        HEADER "\xC2\xA0Sept 3\xC2\xA0\n\n"                  /* NBSP */
        "\xEF\xBB\xBF" T1 "\xE2\x80\xAF\n\n"                 /* BOM, narrow NBSP */
        A1 "\xE3\x80\x80\n\n"                                 /* ideographic space */
        "3 Authors\n\xC2\xB7\nSeptember 1\n\n"
        T2 "\n\n" A2 "\n\n\xE2\x80\xA2 1 author\n\xC2\xB7\njun 30,2024 12\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].day_label, "Sept 3");
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_INT(res.recs[0].authors, 3);
    CHECK_STR(res.recs[0].date_raw, "September 1");
    CHECK_INT(res.recs[0].m, 9);
    CHECK_INT(res.recs[1].authors, 1);
    CHECK_INT(res.recs[1].upvotes, 12);
    CHECK_STR(res.recs[1].date_raw, "jun 30,2024");
    CHECK_INT(res.recs[1].y, 2024);
    CHECK_INT(res.recs[1].m, 6);
    CHECK_INT(res.recs[1].d, 30);
    release(&res);
}

static void test_concatenated_pages(void)
{
    static const char pages[] =
        HEADER "Sep 3\n\n"
        T1 "\n\n" A1 "\n\n"                                 /* 13 */
        HEADER "Sep 4\n\n"                                  /* 17-28 */
        T2 "\n\n" A2 "\n\n"                                 /* 29 */
        "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nSep 4 3\n\n"
        HEADER "Jan 2\n\n"
        T3 "\n\n" A3 "\n\n"
        "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nDec 31\n";
    result res;
    parse(pages, &res);
    CHECK_CLEAN(res, strlen(pages));
    CHECK_INT(res.n, 3);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_INT(res.recs[1].line, 29);
    CHECK_STR(res.recs[1].day, "2025-09-04");
    CHECK_STR(res.recs[1].day_label, "Sep 4");
    CHECK_INT(res.recs[1].y, 2025);
    CHECK_STR(res.recs[2].day, "2025-01-02");
    CHECK_STR(res.recs[2].day_label, "Jan 2");
    CHECK_INT(res.recs[2].y, 2024);     /* Dec 31 is before Jan 2 */
    release(&res);
}

/* Pages joined with cat(1) where the first lacks its final newline: the
 * next page's "new" sticks to the last line. */
static void test_glued_pages(void)
{
    static const char after_date[] =
        HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n"
        "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nOct 6, 2024"
        HEADER "Sep 4\n\n" T2 "\n\n" A2 "\n";
    static const char after_abstract[] =
        HEADER "Sep 3\n\n" T1 "\n\n" A1
        HEADER "Sep 4\n\n" T2 "\n\n" A2 "\n";
    result res;
    parse(after_date, &res);
    CHECK_CLEAN(res, strlen(after_date));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_INT(res.recs[0].y, 2024);
    CHECK_STR(res.recs[0].date_raw, "Oct 6, 2024");
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].day, "2025-09-04");
    release(&res);

    parse(after_abstract, &res);
    CHECK_CLEAN(res, strlen(after_abstract));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].abstract, A1);    /* the "new" removed */
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[1].day, "2025-09-04");
    release(&res);
}

static void test_year_rollover(void)
{
    static const char page[] =
        HEADER "Jan 5\n\n"
        T1 "\n\n" A1 "\n\n\xC2\xB7\nDec 30 1\n\n"       /* after the day */
        T2 "\n\n" A2 "\n\n\xC2\xB7\nJan 5\n\n"          /* the day itself */
        T3 "\n\n" A3 "\n\n\xC2\xB7\nJan 6\n\n"          /* one day after */
        "Fourth\n\nAbstract four.\n\n\xC2\xB7\nDec 30, 2025\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 4);
    CHECK_INT(res.warnings, 0);
    CHECK_STR(res.recs[0].day, "2025-01-05");
    CHECK_INT(res.recs[0].y, 2024);
    CHECK_INT(res.recs[0].upvotes, 1);
    CHECK_STR(res.recs[0].date_raw, "Dec 30");
    CHECK_INT(res.recs[1].y, 2025);
    CHECK_INT(res.recs[2].y, 2024);
    CHECK_INT(res.recs[2].m, 1);
    CHECK_INT(res.recs[2].d, 6);
    CHECK_INT(res.recs[3].y, 2025);         /* a written year is kept */
    CHECK_INT(res.recs[3].m, 12);
    release(&res);
}

static void test_year_option(void)
{
    static const char page[] = HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n\xC2\xB7\nFeb 29\n";
    result res;
    char want[16];

    read_all(page, strlen(page), 2020, 0, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].day, "2020-09-03");
    CHECK_INT(res.recs[0].y, 2020);         /* leap year: Feb 29 exists */
    CHECK_INT(res.recs[0].d, 29);
    CHECK_INT(res.warnings, 0);
    release(&res);

    /* 0: the current year. */
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    /* Four digits for as long as the test matters; the modulo also tells
     * the compiler the day fits in want. */
    snprintf(want, sizeof want, "%04u-09-03", (unsigned)(tm.tm_year + 1900) % 10000u);
    read_all(page, strlen(page), 0, 0, PG_INPUT_LISTING, &res);
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].day, want);
    release(&res);

    read_all(page, strlen(page), -1, 0, PG_INPUT_LISTING, &res);
    CHECK_INT(res.open_rc, PG_ERR_USAGE);
    read_all(page, strlen(page), 10000, 0, PG_INPUT_LISTING, &res);
    CHECK_INT(res.open_rc, PG_ERR_USAGE);
}

/* JSON lines read as a listing (the default format): no entry made of raw
 * JSON, one warning that names the line and the option. */
static void test_json_lines_as_listing(void)
{
    static const char jsonl[] =
        "{\"title\": \"Short\", \"summary\": \"An abstract.\"}\n"
        "{\"title\": \"Other\", \"summary\": \"Another.\"}\n";
    /* A JSON object after a real entry, then a title in braces that is not. */
    static const char mixed[] =
        HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n"
        "{ \"title\": \"x\" }\n\n"
        "{Braces} in a title\n\n" A2 "\n";
    result res;
    parse(jsonl, &res);
    CHECK_CLEAN(res, strlen(jsonl));
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 1);
    CHECK(strstr(res.warn_msg[0], "JSON object") != NULL);
    CHECK(strstr(res.warn_msg[0], "--format jsonl") != NULL);
    release(&res);

    parse(mixed, &res);
    CHECK_CLEAN(res, strlen(mixed));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 1);
    CHECK(strstr(res.warn_msg[0], "JSON object") != NULL);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[1].title, "{Braces} in a title");
    release(&res);
}

static void test_invalid_dates(void)
{
    static const char page[] =
        HEADER "Sep 3\n\n"
        T1 "\n\n" A1 "\n\n  \xE2\x80\xA2 2 authors\n\xC2\xB7\nFeb 31, 2024 5\n\n"
        T2 "\n\n" A2 "\n\n\xC2\xB7\nFeb 29\n";   /* 2025 is not a leap year */
    static const char bad_label[] = HEADER "Feb 30\n\n" T1 "\n\n" A1 "\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 2);
    CHECK_INT(res.warn_line[0], 19);
    CHECK(strstr(res.warn_msg[0], "invalid date") != NULL);
    CHECK_INT(res.recs[0].authors, 2);
    CHECK_INT(res.recs[0].upvotes, 5);
    CHECK_INT(res.recs[0].y, 0);
    CHECK_INT(res.recs[0].m, 0);
    CHECK_INT(res.recs[0].d, 0);
    CHECK_STR(res.recs[0].date_raw, "");
    CHECK_INT(res.recs[1].y, 0);
    CHECK_STR(res.recs[1].date_raw, "");
    release(&res);

    parse(bad_label, &res);
    CHECK_CLEAN(res, strlen(bad_label));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 11);
    CHECK_STR(res.recs[0].day, "");
    CHECK_STR(res.recs[0].day_label, "Feb 30");
    release(&res);
}

/* ---- damaged input ------------------------------------------------------ */

static void test_long_line_small_limit(void)
{
    char page[2048];
    char long_text[151];
    memset(long_text, 'x', 150);
    long_text[150] = '\0';
    /* A long title, a long abstract, a good entry, a long last line. */
    snprintf(page, sizeof page,
             "%s\n\nShort abstract of a dropped entry.\n\n"    /* 1, 3 */
             "Short title, long abstract\n\n%s\n\n"            /* 5, 7 */
             "  \xE2\x80\xA2 2 authors\n\xC2\xB7\nSep 1\n\n"   /* 9-11 */
             "Kept title\n\nKept abstract.\n\n"                /* 13, 15 */
             "Last title\n\n%s",                               /* 17, 19 */
             long_text, long_text, long_text);
    result res;
    read_all(page, strlen(page), 2025, 100, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "Kept title");
    CHECK_STR(res.recs[0].abstract, "Kept abstract.");
    CHECK_INT(res.recs[0].line, 13);
    CHECK_INT(res.warnings, 3);
    CHECK_INT(res.warn_line[0], 1);
    CHECK_STR(res.warn_msg[0], "line 1 is longer than 100 bytes; entry skipped");
    CHECK_INT(res.warn_line[1], 7);
    CHECK_STR(res.warn_msg[1], "line 7 is longer than 100 bytes; entry skipped");
    CHECK_INT(res.warn_line[2], 19);
    release(&res);

    /* Exactly at the limit is fine, CRLF or not. */
    char exact[101];
    memset(exact, 'y', 100);
    exact[100] = '\0';
    snprintf(page, sizeof page, "T\r\n\r\n%s\r\n", exact);
    read_all(page, strlen(page), 2025, 100, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_INT(res.warnings, 0);
    CHECK_INT(res.recs[0].abstract_len, 100);
    release(&res);

    /* Many short lines cannot build a field past the limit either. */
    size_t len = (size_t)snprintf(page, sizeof page, "Wrapped title\n\n");
    for (int i = 0; i < 30; i++)
        len += (size_t)snprintf(page + len, sizeof page - len, "word %04d\n", i);
    snprintf(page + len, sizeof page - len, "\nNext title\n\nNext abstract.\n");
    read_all(page, strlen(page), 2025, 100, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "Next title");
    CHECK_INT(res.recs[0].line, 34);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 1);
    CHECK_STR(res.warn_msg[0], "entry is longer than 100 bytes; entry skipped");
    release(&res);
}

static void test_long_line_default_limit(void)
{
    /* One 2 MiB abstract line between two good entries. */
    size_t big = (size_t)2 << 20;
    size_t cap = big + 4096;
    char *page = malloc(cap);
    CHECK(page != NULL);
    if (page == NULL)
        return;
    int k = snprintf(page, cap, HEADER "Sep 3\n\n" T1 "\n\n");
    memset(page + k, 'a', big);
    size_t len = (size_t)k + big;
    len += (size_t)snprintf(page + len, cap - len,
                            "\n\n\xC2\xB7\nSep 2\n\n" T2 "\n\n" A2 "\n");
    result res;
    read_all(page, len, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, len);
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, T2);
    CHECK_STR(res.recs[0].abstract, A2);
    CHECK_INT(res.recs[0].line, 20);
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 15);
    CHECK_STR(res.warn_msg[0], "line 15 is longer than 1048576 bytes; entry skipped");
    release(&res);

    /* 2 MiB with no newline at all: nothing, one warning, all consumed. */
    memset(page, 'b', big);
    read_all(page, big, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, big);
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 1);
    release(&res);
    free(page);
}

static void test_invalid_utf8(void)
{
    static const char page[] =
        HEADER "Sep 3\n\n"
        "Caf\xE9 Models\xFF\n\n"                                    /* 13 */
        "Overlong \xC0\xAF, surrogate \xED\xA0\x80, cut \xE2\x82, "
        "too high \xF4\x90\x80\x80, ok \xE2\x82\xAC. " A1 "\n\n"    /* 15 */
        T2 "\n\n" A2 "\n";
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_INT(res.warnings, 2);             /* one a line, not one a byte */
    CHECK_INT(res.warn_line[0], 13);
    CHECK_INT(res.warn_line[1], 15);
    CHECK_STR(res.warn_msg[0], "invalid UTF-8 replaced by U+FFFD");
    CHECK_STR(res.warn_file, "t.txt");
    CHECK_STR(res.recs[0].title, "Caf\xEF\xBF\xBD Models\xEF\xBF\xBD");
    CHECK(starts_with(res.recs[0].abstract,
                      "Overlong \xEF\xBF\xBD\xEF\xBF\xBD, "
                      "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD, "
                      "cut \xEF\xBF\xBD, "
                      "too high \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD, "
                      "ok \xE2\x82\xAC. We introduce"));
    CHECK_STR(res.recs[1].title, T2);
    release(&res);
}

static void test_utf8_helpers(void)
{
    pg_buf b = PG_BUF_INIT;
    size_t bad = 0, nuls = 0, first = 0;

    CHECK_INT(pgr_utf8_valid_prefix("plain ascii text, long enough", 29), 29);
    CHECK_INT(pgr_utf8_valid_prefix("\xC3\xA9t\xC3\xA9", 5), 5);
    CHECK_INT(pgr_utf8_valid_prefix("0123456789abcdef\x80", 17), 16);
    CHECK_INT(pgr_utf8_valid_prefix("01234567\0abc", 12), 8);
    CHECK_INT(pgr_utf8_valid_prefix("\xF0\x9F\x98\x80 ok", 7), 7);
    CHECK_INT(pgr_utf8_repair("a\0b\xFF", 4, &b, &bad, &nuls), PG_OK);
    CHECK_STR(b.data, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    CHECK_INT(bad, 1);
    CHECK_INT(nuls, 1);
    CHECK_INT(pgr_utf8_invalid_bytes("ab\xFF\xFE", 4, 1, &first), 2);
    CHECK_INT(first, 2);
    /* A character cut by the end of a block is not held against it. */
    CHECK_INT(pgr_utf8_invalid_bytes("ab\xE2\x82", 4, 0, &first), 0);
    CHECK_INT(pgr_utf8_invalid_bytes("ab\xE2\x82", 4, 1, &first), 2);
    pg_buf_release(&b);
}

static void test_binary(void)
{
    static const char nul_first[] = "\0\x01\x02\x03 ELF-ish";
    result res;
    read_all(nul_first, sizeof nul_first - 1, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
    CHECK(starts_with(res.err.msg, "t.txt: not a text file"));
    CHECK(strstr(res.err.msg, "byte offset 0") != NULL);
    CHECK_INT(res.n_warn, 0);

    /* Mostly invalid bytes, no NUL. */
    char noise[4096];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (char)(0x80 + (i * 37) % 0x7F);
    read_all(noise, sizeof noise, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_INT(res.open_rc, PG_ERR_NOT_TEXT);
    CHECK(starts_with(res.err.msg, "t.txt: not a text file"));

    /* A NUL past the sniffed block is repaired like any invalid byte. */
    size_t pad = 70000;
    size_t cap = pad + 256;
    char *page = malloc(cap);
    CHECK(page != NULL);
    if (page == NULL)
        return;
    memset(page, '\n', pad);
    size_t len = pad + (size_t)snprintf(page + pad, cap - pad,
                                        "Title with a NUL: X\n\nAbstract.\n");
    char *x = memchr(page + pad, 'X', len - pad);
    *x = '\0';
    read_all(page, len, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, len);
    CHECK_INT(res.n, 1);
    CHECK_STR(res.recs[0].title, "Title with a NUL: \xEF\xBF\xBD");
    CHECK_INT(res.recs[0].line, (long)pad + 1);
    CHECK_INT(res.warnings, 1);
    CHECK_STR(res.warn_msg[0], "NUL byte replaced by U+FFFD");
    release(&res);
    free(page);
}

static void test_empty_and_header_only(void)
{
    static const char header_only[] = HEADER "Sep 3\n";
    static const char blanks[] = "\n\n  \n";
    result res;
    read_all("", 0, 2025, 0, PG_INPUT_LISTING, &res);
    CHECK_CLEAN(res, 0);
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 0);

    parse(header_only, &res);
    CHECK_CLEAN(res, strlen(header_only));
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 0);

    parse(blanks, &res);
    CHECK_CLEAN(res, strlen(blanks));
    CHECK_INT(res.n, 0);
    CHECK_INT(res.warnings, 0);
}

static void test_title_without_abstract(void)
{
    static const char at_eof[] = HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n" T2 "\n";
    static const char before_header[] =
        HEADER "Sep 3\n\n" T1 "\n\n"                       /* 13 */
        HEADER "Sep 4\n\n" T2 "\n\n" A2 "\n";               /* 27 */
    static const char before_meta[] =
        T1 "\n\n  \xE2\x80\xA2 2 authors\n\xC2\xB7\nSep 2\n\n" T2 "\n\n" A2 "\n";
    result res;
    parse(at_eof, &res);
    CHECK_CLEAN(res, strlen(at_eof));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, "");
    CHECK_INT(res.recs[1].line, 17);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 17);
    CHECK_STR(res.warn_msg[0], "title has no abstract; kept without one");
    release(&res);

    parse(before_header, &res);
    CHECK_CLEAN(res, strlen(before_header));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, "");
    CHECK_STR(res.recs[0].day, "2025-09-03");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_INT(res.recs[1].line, 27);
    CHECK_STR(res.recs[1].day, "2025-09-04");
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 13);
    release(&res);

    /* The metadata of an entry without abstract is its own. */
    parse(before_meta, &res);
    CHECK_CLEAN(res, strlen(before_meta));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, "");
    CHECK_INT(res.recs[0].authors, 2);
    CHECK_STR(res.recs[0].date_raw, "Sep 2");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_INT(res.recs[1].line, 7);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 1);
    release(&res);
}

/* Issue 17: a page of entries "title, blank, blank" (every abstract lost)
 * read each second title as the abstract of the one before, silently.
 * Every title is an entry, with an empty abstract and a warning at its
 * line; a short line after a single blank is still an abstract unless a
 * line as long as an abstract follows it. */
static void test_titles_without_abstracts(void)
{
    char page[8192];
    size_t len = (size_t)snprintf(page, sizeof page, HEADER "Sep 3\n\n");
    const int n = 40;
    result res;
    for (int i = 0; i < n; i++)                 /* title i on line 13 + 3i */
        len += (size_t)snprintf(page + len, sizeof page - len,
                                "Title number %d of a truncated scrape\n\n\n", i);
    parse(page, &res);
    CHECK_CLEAN(res, len);
    CHECK_INT(res.n, n);
    CHECK_INT(res.warnings, n);
    for (int i = 0; i < n && i < MAX_RECS; i++) {
        char want[64];
        snprintf(want, sizeof want, "Title number %d of a truncated scrape", i);
        CHECK_STR(res.recs[i].title, want);
        CHECK_STR(res.recs[i].abstract, "");
        CHECK_INT(res.recs[i].line, 13 + 3 * i);
        CHECK_STR(res.recs[i].day, "2025-09-03");
        CHECK_INT(res.warn_line[i], 13 + 3 * i);
        CHECK_STR(res.warn_msg[i], "title has no abstract; kept without one");
    }
    release(&res);

    /* One lost abstract between complete entries, with metadata after. */
    static const char one_lost[] =
        HEADER "Sep 3\n\n"
        T1 "\n\n\n"                                   /* 13 */
        T2 "\n\n" ALONG "\n"                           /* 16, 18 */
        "  \xE2\x80\xA2 4 authors\n\xC2\xB7\nSep 1\n\n"
        T3 "\n\n" A3 "\n";                             /* 23, 25 */
    parse(one_lost, &res);
    CHECK_CLEAN(res, strlen(one_lost));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, "");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, ALONG);
    CHECK_INT(res.recs[1].line, 16);
    CHECK_INT(res.recs[1].authors, 4);
    CHECK_STR(res.recs[2].title, T3);
    CHECK_STR(res.recs[2].abstract, A3);
    CHECK_INT(res.warnings, 1);
    CHECK_INT(res.warn_line[0], 13);
    release(&res);

    /* A single blank after the lost abstract: the title after it is known
     * by the abstract-sized line that follows it. */
    static const char single_blank[] =
        HEADER "Sep 3\n\n"
        T1 "\n\n"                                     /* 13 */
        T2 "\n\n" ALONG "\n\n"                         /* 15, 17 */
        T3 "\n\n" A3 "\n\n"                            /* 19, 21 */
        "Last title, its abstract lost\n";            /* 23 */
    parse(single_blank, &res);
    CHECK_CLEAN(res, strlen(single_blank));
    CHECK_INT(res.n, 4);
    CHECK_STR(res.recs[0].title, T1);
    CHECK_STR(res.recs[0].abstract, "");
    CHECK_INT(res.recs[0].line, 13);
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, ALONG);
    CHECK_INT(res.recs[1].line, 15);
    CHECK_STR(res.recs[2].title, T3);
    CHECK_STR(res.recs[2].abstract, A3);
    CHECK_STR(res.recs[3].title, "Last title, its abstract lost");
    CHECK_STR(res.recs[3].abstract, "");
    CHECK_INT(res.warnings, 2);
    CHECK_INT(res.warn_line[0], 13);
    CHECK_INT(res.warn_line[1], 23);
    release(&res);

    /* Short abstracts in the usual layout stay abstracts. */
    static const char short_abstracts[] =
        HEADER "Sep 3\n\n" T1 "\n\n" A1 "\n\n" T2 "\n\n" A2 "\n\n" T3 "\n\n" A3 "\n";
    parse(short_abstracts, &res);
    CHECK_CLEAN(res, strlen(short_abstracts));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].abstract, A1);
    CHECK_STR(res.recs[1].abstract, A2);
    CHECK_STR(res.recs[2].abstract, A3);
    CHECK_INT(res.warnings, 0);
    release(&res);
}

static void test_wrapped_paragraphs(void)
{
    static const char page[] =
        HEADER "Sep 3\n\n"
        "A Title Broken\n  over Two Lines\n\n"                  /* 13-14 */
        "First line of the abstract,\nsecond line;\n   third.\n\n"
        T2 "\n\n"                                               /* 20 */
        "Glued abstract line one\nline two.\n"
        "  \xE2\x80\xA2 7 authors\n\xC2\xB7\nSep 1, 2024 9\n\n"
        T3 "\n" A3 " " A3 " " A3 "\n\n";                        /* 28 */
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 3);
    CHECK_STR(res.recs[0].title, "A Title Broken over Two Lines");
    CHECK_INT(res.recs[0].line, 13);
    CHECK_STR(res.recs[0].abstract, "First line of the abstract, second line; third.");
    CHECK_STR(res.recs[1].title, T2);
    CHECK_STR(res.recs[1].abstract, "Glued abstract line one line two.");
    CHECK_INT(res.recs[1].authors, 7);
    CHECK_INT(res.recs[1].upvotes, 9);
    CHECK_INT(res.recs[1].y, 2024);
    CHECK_STR(res.recs[1].date_raw, "Sep 1, 2024");
    /* An abstract-sized line right under the title is its abstract. */
    CHECK_STR(res.recs[2].title, T3);
    CHECK(starts_with(res.recs[2].abstract, A3 " " A3));
    CHECK_INT(res.recs[2].line, 28);
    CHECK_INT(res.warnings, 2);
    CHECK_INT(res.warn_line[0], 13);
    CHECK_STR(res.warn_msg[0], "title spans several lines; joined");
    CHECK_INT(res.warn_line[1], 29);
    release(&res);
}

static void test_stray_lines(void)
{
    static char page[4096];
    char orphan[1200];
    memset(orphan, 'w', sizeof orphan - 1);
    orphan[sizeof orphan - 1] = '\0';
    snprintf(page, sizeof page,
             HEADER "Sep 3\n\n"
             T1 "\n\n" A1 "\n\n\xC2\xB7\nSep 1\n\n"          /* 13-18 */
             "Sep 2 5\n\n"                                  /* 20: stray */
             "%s\n\n\xC2\xB7\nSep 1\n\n"                     /* 22: orphan */
             T2 "\n\n" A2 "\n", orphan);                    /* 27 */
    result res;
    parse(page, &res);
    CHECK_CLEAN(res, strlen(page));
    CHECK_INT(res.n, 2);
    CHECK_STR(res.recs[1].title, T2);
    CHECK_INT(res.recs[1].line, 27);
    CHECK_INT(res.warnings, 2);
    CHECK_INT(res.warn_line[0], 20);
    CHECK_INT(res.warn_line[1], 22);
    release(&res);
}

static void test_formats(void)
{
    pg_input_format f = PG_INPUT_CSV;
    CHECK_INT(pg_input_format_parse("listing", &f), PG_OK);
    CHECK_INT(f, PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_parse("jsonl", &f), PG_OK);
    CHECK_INT(f, PG_INPUT_JSONL);
    CHECK_INT(pg_input_format_parse("csv", &f), PG_OK);
    CHECK_INT(f, PG_INPUT_CSV);
    CHECK_INT(pg_input_format_parse("auto", &f), PG_OK);
    CHECK_INT(f, PG_INPUT_AUTO);
    /* auto reads the name's ending, in any case; a given format wins */
    CHECK_INT(pg_input_format_for("a/2025-05-19.jsonl", PG_INPUT_AUTO), PG_INPUT_JSONL);
    CHECK_INT(pg_input_format_for("B.NDJSON", PG_INPUT_AUTO), PG_INPUT_JSONL);
    CHECK_INT(pg_input_format_for("acm.Csv", PG_INPUT_AUTO), PG_INPUT_CSV);
    CHECK_INT(pg_input_format_for("2025-09-03.txt", PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for("csv", PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for(".csv", PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for("x.jsonl.txt", PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for("-", PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for(NULL, PG_INPUT_AUTO), PG_INPUT_LISTING);
    CHECK_INT(pg_input_format_for("a.csv", PG_INPUT_JSONL), PG_INPUT_JSONL);
    CHECK_INT(pg_input_format_for("a.jsonl", PG_INPUT_LISTING), PG_INPUT_LISTING);
    CHECK_STR(pg_input_format_name(PG_INPUT_JSONL), "jsonl");
    CHECK_STR(pg_input_format_name(PG_INPUT_CSV), "csv");
    CHECK_STR(pg_input_format_name(PG_INPUT_LISTING), "listing");
    CHECK_STR(pg_input_format_name(PG_INPUT_AUTO), "auto");
    CHECK_STR(pg_input_format_name((pg_input_format)99), "listing");
    CHECK_INT(pg_input_format_parse("xml", &f), PG_ERR_USAGE);
    CHECK_INT(pg_input_format_parse("", &f), PG_ERR_USAGE);
    CHECK_INT(pg_input_format_parse(NULL, &f), PG_ERR_USAGE);
    CHECK_INT(f, PG_INPUT_AUTO);

    result res;
    /* A listing page read as another format: no record, and a clear word. */
    read_all(plain_page, strlen(plain_page), 2025, 0, PG_INPUT_JSONL, &res);
    CHECK_INT(res.open_rc, PG_OK);
    CHECK_INT(res.n, 0);
    CHECK(res.warnings > 0);
    read_all(plain_page, strlen(plain_page), 2025, 0, PG_INPUT_CSV, &res);
    CHECK_INT(res.open_rc, PG_ERR_FORMAT);
    CHECK_STR(res.err.msg, "t.txt: CSV header has no 'title' column");
    read_all(plain_page, strlen(plain_page), 2025, 0, (pg_input_format)7, &res);
    CHECK_INT(res.open_rc, PG_ERR_USAGE);
}

static void test_api_edges(void)
{
    pg_reader *r = NULL;
    pg_error err;
    pg_record rec;

    CHECK_INT(pg_reader_open(NULL, "x", PG_INPUT_LISTING, NULL, &r, &err), PG_ERR_USAGE);
    CHECK(r == NULL);
    CHECK_INT(pg_reader_next(NULL, &rec, NULL), PG_ERR_USAGE);
    CHECK_INT(pg_reader_warnings(NULL), 0);
    CHECK_INT(pg_reader_bytes(NULL), 0);
    pg_reader_free(NULL);

    /* No options and no callback: defaults, warnings still counted. */
    static const char page[] = "Lonely title\n";
    char *copy;
    FILE *fp = open_mem(page, strlen(page), &copy);
    CHECK_INT(pg_reader_open(fp, "p.txt", PG_INPUT_LISTING, NULL, &r, &err), PG_OK);
    CHECK_INT(pg_reader_next(r, &rec, &err), PG_OK);
    CHECK_STR(rec.title, "Lonely title");
    CHECK_STR(rec.abstract, "");
    CHECK_INT(pg_reader_next(r, &rec, &err), PG_DONE);
    CHECK_INT(pg_reader_warnings(r), 1);
    CHECK_INT(pg_reader_bytes(r), strlen(page));
    pg_reader_free(r);
    fclose(fp);
    free(copy);

    /* A read error: a directory opens but cannot be read. */
    fp = fopen(".", "r");
    if (fp != NULL) {
        r = NULL;
        pg_err rc = pg_reader_open(fp, "dir", PG_INPUT_LISTING, NULL, &r, &err);
        CHECK_INT(rc, PG_ERR_IO);
        CHECK(starts_with(err.msg, "dir: read error: "));
        CHECK(r == NULL);
        fclose(fp);
    }
}

#if defined(__GLIBC__)
/* A stream that yields a page in small pieces, then fails. */
typedef struct flaky {
    const char *data;
    size_t len, pos;
} flaky;

static ssize_t flaky_read(void *cookie, char *buf, size_t size)
{
    flaky *f = cookie;
    if (f->pos >= f->len) {
        errno = EIO;
        return -1;
    }
    size_t n = f->len - f->pos < 100 ? f->len - f->pos : 100;
    n = n < size ? n : size;
    memcpy(buf, f->data + f->pos, n);
    f->pos += n;
    return (ssize_t)n;
}

static void test_read_error_midway(void)
{
    /* More than the sniffed block, so that the failure comes in next(). */
    size_t pad = 70000, cap = pad + 1024;
    char *page = malloc(cap);
    CHECK(page != NULL);
    if (page == NULL)
        return;
    size_t len = (size_t)snprintf(page, cap, T1 "\n\n" A1 "\n\n");
    memset(page + len, '\n', pad);
    len += pad;
    len += (size_t)snprintf(page + len, cap - len, T2 "\n\n" A2 "\n");
    flaky f = { page, len, 0 };
    cookie_io_functions_t io = { flaky_read, NULL, NULL, NULL };
    FILE *fp = fopencookie(&f, "r", io);
    pg_reader *r = NULL;
    pg_error err;
    pg_record rec;
    CHECK(fp != NULL);
    if (fp == NULL) {
        free(page);
        return;
    }
    CHECK_INT(pg_reader_open(fp, "flaky", PG_INPUT_LISTING, NULL, &r, &err), PG_OK);
    CHECK_INT(pg_reader_next(r, &rec, &err), PG_OK);
    CHECK_STR(rec.title, T1);
    pg_error_clear(&err);
    CHECK_INT(pg_reader_next(r, &rec, &err), PG_ERR_IO);
    CHECK_STR(err.msg, "flaky: read error: Input/output error");
    /* The reader stays failed, with the same message. */
    pg_error_clear(&err);
    CHECK_INT(pg_reader_next(r, &rec, &err), PG_ERR_IO);
    CHECK_STR(err.msg, "flaky: read error: Input/output error");
    pg_reader_free(r);
    fclose(fp);
    free(page);
}
#endif

/* ---- fixture files (only when FIXTURES is set) -------------------------- */

static void test_fixture_files(void)
{
    static const struct {
        const char *file;
        int records;
        long warnings;
    } want[] = {
        { "plain.txt", 3, 0 },
        { "metadata.txt", 3, 0 },
        { "crlf_bom.txt", 2, 0 },
        { "two_pages.txt", 4, 0 },
        { "damaged.txt", 3, 3 },
        { "no_abstracts.txt", 7, 4 },
    };
    const char *dir = getenv("FIXTURES");
    if (dir == NULL) {
        fprintf(stderr, "FIXTURES not set: fixture files not read\n");
        return;
    }
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/parser/%s", dir, want[i].file);
        FILE *fp = fopen(path, "rb");
        CHECK(fp != NULL);
        if (fp == NULL)
            continue;
        pg_read_opts o = { .year = 2025 };
        pg_reader *r = NULL;
        pg_error err;
        pg_record rec;
        int n = 0;
        pg_err rc = pg_reader_open(fp, path, PG_INPUT_LISTING, &o, &r, &err);
        CHECK_INT(rc, PG_OK);
        while (rc == PG_OK && (rc = pg_reader_next(r, &rec, &err)) == PG_OK)
            n++;
        if (n != want[i].records || pg_reader_warnings(r) != want[i].warnings)
            fprintf(stderr, "fixture %s\n", want[i].file);
        CHECK_INT(rc, PG_DONE);
        CHECK_INT(n, want[i].records);
        CHECK_INT(pg_reader_warnings(r), want[i].warnings);
        pg_reader_free(r);
        fclose(fp);
    }
}

int main(void)
{
    test_plain_page();
    test_metadata_page();
    test_mixed_page();
    test_crlf();
    test_bom();
    test_no_final_newline();
    test_no_header();
    test_blanks_and_spaces();
    test_spaces_and_spellings();
    test_concatenated_pages();
    test_glued_pages();
    test_year_rollover();
    test_year_option();
    test_invalid_dates();
    test_json_lines_as_listing();
    test_long_line_small_limit();
    test_long_line_default_limit();
    test_invalid_utf8();
    test_utf8_helpers();
    test_binary();
    test_empty_and_header_only();
    test_title_without_abstract();
    test_titles_without_abstracts();
    test_wrapped_paragraphs();
    test_stray_lines();
    test_formats();
    test_api_edges();
#if defined(__GLIBC__)
    test_read_error_midway();
#endif
    test_fixture_files();
    CHECK_DONE();
}
