/* test_escape.c: the CSV, JSON and XML escaping functions and pg_outfile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papergraph/export.h"
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
    ESC(pg_json_escape, "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"");     /* truncated */
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

static void test_formats(void)
{
    pg_out_format f;
    CHECK_INT(pg_out_format_parse("jsonl", &f), PG_OK);
    CHECK_INT(f, PG_OUT_JSONL);
    CHECK_STR(pg_out_format_name(f), "jsonl");
    CHECK_INT(pg_out_format_parse("graphml", &f), PG_OK);
    CHECK_INT(pg_out_format_parse("xls", &f), PG_ERR_USAGE);
}

int main(void)
{
    test_csv();
    test_json();
    test_script();
    test_xml();
    test_outfile();
    test_formats();
    CHECK_DONE();
}
