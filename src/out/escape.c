/*
** escape.c: the one escaping function for each output syntax.
**
** Untrusted text (titles, abstracts, file names) reaches CSV, JSON, XML and
** HTML only through these four functions, so a hostile title cannot break a
** row, a JSON line, a GraphML file or a page.  Each also repairs invalid UTF-8 (U+FFFD):
** a byte sequence that is not text must never reach a file other tools parse.
*/
#include <stdint.h>
#include <string.h>

#include "papergraph/export.h"
#include "base/internal.h"
#include "out/internal.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Decodes the character at s + *i (len bytes in all, *i < len) by the one
 * UTF-8 decoder (base/utf8.c), with *n set to its length.  An invalid
 * sequence is written to out as U+FFFD here, one per maximal subpart as the
 * reader's repair does, so that no escaper can let one through: *i steps
 * past it and *n is 0, leaving the caller nothing to write.  A real U+FFFD
 * is a character like any other. */
static pg_err next_char(const char *s, size_t len, size_t *i, uint32_t *cp, size_t *n,
                        pg_buf *out)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t step;
    *cp = pgr_utf8_decode(s + *i, len - *i, &step);
    *n = step;
    if (*cp != 0xFFFD || (step == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] == 0xBD))
        return PG_OK;
    *i += step;
    *n = 0;
    return pg_buf_append(out, replacement, 3);
}

pg_err pg_csv_escape(const char *s, size_t len, pg_buf *out)
{
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    pg_err rc = quote ? pg_buf_putc(out, '"') : PG_OK;
    for (size_t i = 0; i < len && rc == PG_OK;) {
        uint32_t cp;
        size_t n;
        rc = next_char(s, len, &i, &cp, &n, out);
        if (n == 0)
            continue;
        if (cp == 0) {
            i++; /* a NUL would end the field for C readers */
        } else {
            if (cp == '"')
                rc = pg_buf_putc(out, '"');
            if (rc == PG_OK)
                rc = pg_buf_append(out, s + i, n);
            i += n;
        }
    }
    if (quote && rc == PG_OK)
        rc = pg_buf_putc(out, '"');
    return rc;
}

/* A JSON string; in_script also writes <, > and & as \u escapes, so that
 * the string can sit inside an HTML <script> element ("</script>", "<!--"
 * and "]]>" cannot appear in it). */
static pg_err json_string(const char *s, size_t len, int in_script, pg_buf *out)
{
    pg_err rc = pg_buf_putc(out, '"');
    for (size_t i = 0; i < len && rc == PG_OK;) {
        uint32_t cp;
        size_t n;
        rc = next_char(s, len, &i, &cp, &n, out);
        if (n == 0)
            continue;
        switch (cp) {
        case '"': rc = pg_buf_append(out, "\\\"", 2); break;
        case '\\': rc = pg_buf_append(out, "\\\\", 2); break;
        case '\n': rc = pg_buf_append(out, "\\n", 2); break;
        case '\r': rc = pg_buf_append(out, "\\r", 2); break;
        case '\t': rc = pg_buf_append(out, "\\t", 2); break;
        default:
            /* U+2028/9 are legal JSON but break JavaScript readers. */
            if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029
                || (in_script && (cp == '<' || cp == '>' || cp == '&')))
                rc = pg_buf_printf(out, "\\u%04x", (unsigned)cp);
            else
                rc = pg_buf_append(out, s + i, n);
        }
        i += n;
    }
    return rc == PG_OK ? pg_buf_putc(out, '"') : rc;
}

pg_err pg_json_escape(const char *s, size_t len, pg_buf *out)
{
    return json_string(s, len, 0, out);
}

pg_err pg_script_escape(const char *s, size_t len, pg_buf *out)
{
    return json_string(s, len, 1, out);
}

/* XML 1.0 Char production, minus the discouraged U+FFFE/U+FFFF. */
static int xml_allowed(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x09 || cp == 0x0A || cp == 0x0D;
    if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        return 0; /* C1 controls are legal but poison many readers */
    return cp != 0xFFFE && cp != 0xFFFF;
}

/* XML and HTML differ only in the apostrophe (&apos; is not an HTML 4
 * entity; the numeric form is read by all) and in raw white space, which
 * XML attribute values normalise and so must be kept as references.  Both
 * keep the XML character set, so a page also parses as XHTML. */
static int markup_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' && c != '"'
           && c != '\'';
}

static pg_err markup_escape(const char *s, size_t len, int html, pg_buf *out)
{
    pg_err rc = PG_OK;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len && rc == PG_OK;) {
        /* Printable ASCII that needs no reference goes out as a run: most
         * of a title, and a GraphML file repeats titles and labels. */
        size_t j = i;
        while (j < len && markup_plain(u[j]))
            j++;
        if (j > i) {
            rc = pg_buf_append(out, s + i, j - i);
            i = j;
            continue;
        }
        uint32_t cp;
        size_t n;
        rc = next_char(s, len, &i, &cp, &n, out);
        if (n == 0)
            continue;
        if (cp == '&')
            rc = pg_buf_append(out, "&amp;", 5);
        else if (cp == '<')
            rc = pg_buf_append(out, "&lt;", 4);
        else if (cp == '>')
            rc = pg_buf_append(out, "&gt;", 4);
        else if (cp == '"')
            rc = pg_buf_append(out, "&quot;", 6);
        else if (cp == '\'')
            rc = html ? pg_buf_append(out, "&#39;", 5) : pg_buf_append(out, "&apos;", 6);
        else if (!html && cp == '\n')
            rc = pg_buf_append(out, "&#10;", 5);
        else if (!html && cp == '\r')
            rc = pg_buf_append(out, "&#13;", 5);
        else if (!html && cp == '\t')
            rc = pg_buf_append(out, "&#9;", 4);
        else if (xml_allowed(cp))
            rc = pg_buf_append(out, s + i, n);
        i += n;
    }
    return rc;
}

pg_err pg_xml_escape(const char *s, size_t len, pg_buf *out)
{
    return markup_escape(s, len, 0, out);
}

pg_err pg_html_escape(const char *s, size_t len, pg_buf *out)
{
    return markup_escape(s, len, 1, out);
}
