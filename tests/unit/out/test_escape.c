/* test_escape.c: the CSV, JSON, XML and HTML escaping functions, pg_outfile,
 * output format names and the digest's day arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papergraph/export.h"
#include "out/internal.h"
#include "check.h"

typedef pg_err (*escape_fn)(const char *, size_t, pg_buf *);

static void check_escape(escape_fn fn, const char *in, size_t len, const char *want,
                         int line)
{
    pg_buf b = PG_BUF_INIT;
    CHECK_INT(fn(in, len, &b), PG_OK);
    if (b.data == NULL || strcmp(b.data, want) != 0)
        fprintf(stderr, "  (row at line %d)\n", line);
    CHECK_STR(b.data ? b.data : "", want);
    pg_buf_release(&b);
}
#define ESC(fn, in, want) check_escape(fn, in, sizeof(in) - 1, want, __LINE__)

static void test_csv(void)
{
    ESC(pg_csv_escape, "plain", "plain");
    ESC(pg_csv_escape, "", "");
    ESC(pg_csv_escape, "a,b", "\"a,b\"");
    ESC(pg_csv_escape, "say \"hi\"", "\"say \"\"hi\"\"\"");
    ESC(pg_csv_escape, "two\nlines", "\"two\nlines\"");
    ESC(pg_csv_escape, "cr\rhere", "\"cr\rhere\"");
    ESC(pg_csv_escape, " padded ", "\" padded \"");
    ESC(pg_csv_escape, "caf\xc3\xa9", "caf\xc3\xa9");
    ESC(pg_csv_escape, "bad\xff", "bad\xef\xbf\xbd");
    ESC(pg_csv_escape, "nul\0byte", "nulbyte");
}

static void test_json(void)
{
    ESC(pg_json_escape, "plain", "\"plain\"");
    ESC(pg_json_escape, "", "\"\"");
    ESC(pg_json_escape, "q\"b\\", "\"q\\\"b\\\\\"");
    ESC(pg_json_escape, "t\tn\nr\r", "\"t\\tn\\nr\\r\"");
    ESC(pg_json_escape, "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
    ESC(pg_json_escape, "\xe2\x80\xa8", "\"\\u2028\"");
    ESC(pg_json_escape, "\xc3\xa9\xe2\x80\x99", "\"\xc3\xa9\xe2\x80\x99\"");
    ESC(pg_json_escape, "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");     /* overlong */
    ESC(pg_json_escape, "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* surrogate */
    /* truncated: one U+FFFD for the maximal subpart, as the reader repairs */
    ESC(pg_json_escape, "\xe2\x82", "\"\xef\xbf\xbd\"");
    ESC(pg_json_escape, "nul\0", "\"nul\\u0000\"");
}

/* Safe inside <script>: no "</script>", no "<!--", U+2028/9 escaped. */
static void test_script(void)
{
    ESC(pg_script_escape, "plain", "\"plain\"");
    ESC(pg_script_escape, "</script><b>&", "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"");
    ESC(pg_script_escape, "<!--", "\"\\u003c!--\"");
    ESC(pg_script_escape, "a\xE2\x80\xA8" "b\xE2\x80\xA9", "\"a\\u2028b\\u2029\"");
    ESC(pg_script_escape, "q\"\\\n", "\"q\\\"\\\\\\n\"");
}

static void test_xml(void)
{
    ESC(pg_xml_escape, "a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&apos;");
    ESC(pg_xml_escape, "]]>", "]]&gt;");
    ESC(pg_xml_escape, "ctl\x01\x0b\x0c\x7f\xc2\x85x", "ctlx");
    ESC(pg_xml_escape, "tab\tnl\ncr\r", "tab&#9;nl&#10;cr&#13;");
    ESC(pg_xml_escape, "\xef\xbf\xbe\xef\xbf\xbf", "");
    ESC(pg_xml_escape, "bad\xfe", "bad\xef\xbf\xbd");
    ESC(pg_xml_escape, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
    ESC(pg_xml_escape, "nul\0", "nul");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *p = calloc(1, 4096);
    if (p != NULL && fread(p, 1, 4095, f) == 0)
        p[0] = '\0';
    fclose(f);
    return p;
}

static int count_entries(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p != NULL) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_outfile(void)
{
    char dir[] = "/tmp/pg_outfile_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);

    /* Aborted: the old file stays, no temporary is left behind. */
    pg_outfile *o = NULL;
    FILE *fp = NULL;
    CHECK_INT(pg_outfile_open(path, &o, &fp, NULL), PG_OK);
    fputs("half", fp);
    pg_outfile_abort(o);
    char *got = slurp(path);
    CHECK_STR(got, "old\n");
    free(got);
    CHECK_INT(count_entries(dir), 1);

    /* Committed: replaced whole. */
    CHECK_INT(pg_outfile_open(path, &o, &fp, NULL), PG_OK);
    fputs("new\n", fp);
    CHECK_INT(pg_outfile_commit(o, NULL), PG_OK);
    got = slurp(path);
    CHECK_STR(got, "new\n");
    free(got);
    CHECK_INT(count_entries(dir), 1);

    /* A directory that does not exist: an error naming the path. */
    pg_error err;
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.csv", dir);
    CHECK_INT(pg_outfile_open(bad, &o, &fp, &err), PG_ERR_IO);
    CHECK(strstr(err.msg, "missing/out.csv") != NULL);
    CHECK(o == NULL);

    /* The file gets the umask's mode, not mkstemp's private 0600. */
    mode_t old = umask(027);
    CHECK_INT(pg_outfile_open(path, &o, &fp, NULL), PG_OK);
    CHECK_INT(pg_outfile_commit(o, NULL), PG_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    umask(old);

    unlink(path);
    rmdir(dir);
}

static void test_html(void)
{
    ESC(pg_html_escape, "a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&#39;");
    ESC(pg_html_escape, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    ESC(pg_html_escape, "&amp;", "&amp;amp;");
    ESC(pg_html_escape, "ctl\x01\x0b\x7f\xc2\x85x", "ctlx");
    ESC(pg_html_escape, "tab\tnl\n", "tab\tnl\n");
    ESC(pg_html_escape, "bad\xfe", "bad\xef\xbf\xbd");
    ESC(pg_html_escape, "caf\xc3\xa9", "caf\xc3\xa9");
    ESC(pg_html_escape, "nul\0", "nul");
}

static void check_day(const char *day, long want_days)
{
    long n = -1;
    char back[11];
    CHECK_INT(pgx_day_parse(day, &n), 0);
    CHECK_INT(n, want_days);
    pgx_day_format(n, back);
    CHECK_STR(back, day);
}

static void test_days(void)
{
    check_day("1970-01-01", 0);
    check_day("2025-08-01", 20301);
    check_day("2024-02-29", 19782);
    check_day("2000-02-29", 11016);
    check_day("0001-01-01", -719162);
    long n, m;
    CHECK_INT(pgx_day_parse("2025-03-01", &n), 0);
    CHECK_INT(pgx_day_parse("2025-02-28", &m), 0);
    CHECK_INT(n - m, 1);
    CHECK_INT(pgx_day_parse("2024-03-01", &n), 0);
    CHECK_INT(pgx_day_parse("2024-02-28", &m), 0);
    CHECK_INT(n - m, 2);
    char out[11];
    CHECK_INT(pgx_day_parse("2025-01-03", &n), 0);
    pgx_day_format(n - 7, out);
    CHECK_STR(out, "2024-12-27");
    pgx_day_format(-800000, out);
    CHECK_STR(out, "0001-01-01");
    const char *bad[] = { "2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
                          "2025-04-31", "2025-4-01", "2025-04-01x", "Aug 1",
                          "0000-01-01", "", "2025/04/01", "2025-04-0a" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(pgx_day_parse(bad[i], &n), -1);
    CHECK_INT(pgx_day_parse(NULL, &n), -1);
}

static void test_formats(void)
{
    pg_out_format f;
    CHECK_INT(pg_out_format_parse("jsonl", &f), PG_OK);
    CHECK_INT(f, PG_OUT_JSONL);
    CHECK_STR(pg_out_format_name(f), "jsonl");
    CHECK_INT(pg_out_format_parse("graphml", &f), PG_OK);
    CHECK_INT(pg_out_format_parse("xls", &f), PG_ERR_USAGE);
    const char *digest[] = { "md", "rss", "html" };
    const pg_out_format want[] = { PG_OUT_MD, PG_OUT_RSS, PG_OUT_HTML };
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT(pg_out_format_parse(digest[i], &f), PG_OK);
        CHECK_INT(f, want[i]);
        CHECK_STR(pg_out_format_name(f), digest[i]);
    }
}

int main(void)
{
    test_csv();
    test_json();
    test_script();
    test_xml();
    test_html();
    test_days();
    test_outfile();
    test_formats();
    CHECK_DONE();
}
