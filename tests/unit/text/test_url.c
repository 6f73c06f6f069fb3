/*
** test_url.c: unit tests of pg_url_normalize() and pg_urls_extract().
**
** Table-driven: each row is an input and the canonical spelling expected
** (NULL when the input must be refused with PG_ERR_FORMAT).  The rows cover
** every loose spelling the listing format documents (FORMAT.md, "Links
** inside abstracts") and each canonicalisation rule; the extraction rows
** are abstract-like sentences written for the test, with the URLs expected
** in order of first appearance.
*/
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "check.h"

typedef struct url_case {
    const char *in;
    const char *want;   /* NULL: PG_ERR_FORMAT */
} url_case;

static const url_case normalize_cases[] = {
    /* The spellings FORMAT.md lists. */
    { "https://github.com/Brain-Cog-Lab/IEMF.", "https://github.com/brain-cog-lab/iemf" },
    { "https://github.com/ICI-BCI/Dual-MRI-HA-HI.git.", "https://github.com/ici-bci/dual-mri-ha-hi" },
    { "https://github.com/x/y](https://github.com/x/y", "https://github.com/x/y" },
    { "https://github.com/qiuzh20/gated_attention{codes}", "https://github.com/qiuzh20/gated_attention" },
    { "http://github.com/a/b", "https://github.com/a/b" },
    { "https://github.com/a/b/", "https://github.com/a/b" },
    { "https://doi.org/10.1016/J.NLP.2025.100163.", "https://doi.org/10.1016/j.nlp.2025.100163" },
    /* Scheme, host, port, www. */
    { "HTTP://Example.COM/Path", "https://example.com/Path" },
    { "HtTpS://www.Example.com/a", "https://example.com/a" },
    { "www.example.com/a/b", "https://example.com/a/b" },
    { "example.org", "https://example.org" },
    { "//cdn.example.net/x.js", "https://cdn.example.net/x.js" },
    { "http://example.com:80/a", "https://example.com/a" },
    { "https://example.com:443/a", "https://example.com/a" },
    { "https://example.com:8080/a", "https://example.com:8080/a" },
    { "https://example.com./a", "https://example.com/a" },
    { "https://www.org/", "https://www.org" },
    { "https://192.168.1.10/x", "https://192.168.1.10/x" },
    { "10.0.0.1/admin", "https://10.0.0.1/admin" },
    /* Trailing punctuation, repeatedly. */
    { "https://example.com/a,", "https://example.com/a" },
    { "https://example.com/a;", "https://example.com/a" },
    { "https://example.com/a:", "https://example.com/a" },
    { "https://example.com/a).", "https://example.com/a" },
    { "https://example.com/a].", "https://example.com/a" },
    { "https://example.com/a}", "https://example.com/a" },
    { "https://example.com/a'", "https://example.com/a" },
    { "https://example.com/a\"", "https://example.com/a" },
    { "https://example.com/a/.", "https://example.com/a" },
    { "https://example.com/a.git", "https://example.com/a" },
    { "https://example.com/a.git/", "https://example.com/a" },
    { "https://example.com/a.git.git).", "https://example.com/a" },
    { "https://brain-3d.github.io/.", "https://brain-3d.github.io" },
    { "https://example.com/a!", "https://example.com/a" },
    { "https://example.com/a?", "https://example.com/a" },
    { "**https://example.com/a**", "https://example.com/a" },
    /* Balanced brackets belong to the URL. */
    { "https://en.wikipedia.org/wiki/Mamba_(deep_learning)", "https://en.wikipedia.org/wiki/Mamba_(deep_learning)" },
    { "https://en.wikipedia.org/wiki/Mamba_(deep_learning)).", "https://en.wikipedia.org/wiki/Mamba_(deep_learning)" },
    { "https://example.com/a[1]", "https://example.com/a[1]" },
    /* Wrappers around one URL: markdown, LaTeX, brackets. */
    { "[code](https://github.com/Owner/Repo)", "https://github.com/owner/repo" },
    { "<https://example.com/x>", "https://example.com/x" },
    { "(https://example.com/x)", "https://example.com/x" },
    { "\\url{https://github.com/A/B}", "https://github.com/a/b" },
    { "\\href{https://github.com/A/B}{our code}", "https://github.com/a/b" },
    { "  https://example.com/x  ", "https://example.com/x" },
    { "https://github.com/Yaziwel/Region-Attention.git{https://github.com/RAT}.",
      "https://github.com/yaziwel/region-attention" },
    /* GitHub: repository, owner, deep links, case. */
    { "https://github.com/Owner/Repo/tree/main/src/model.py", "https://github.com/owner/repo" },
    { "https://github.com/Owner/Repo/blob/master/README.md#usage", "https://github.com/owner/repo" },
    { "https://github.com/Owner/Repo/issues/12", "https://github.com/owner/repo" },
    { "https://github.com/Owner/Repo.git", "https://github.com/owner/repo" },
    { "https://github.com/Owner/Repo?tab=readme-ov-file", "https://github.com/owner/repo" },
    { "https://github.com/Owner", "https://github.com/owner" },
    { "https://github.com/Owner/", "https://github.com/owner" },
    { "https://github.com/orgs/Some-Org/repositories", "https://github.com/some-org" },
    { "https://github.com", "https://github.com" },
    { "https://www.github.com/A/B", "https://github.com/a/b" },
    { "github.com/A/B", "https://github.com/a/b" },
    { "https://raw.githubusercontent.com/Owner/Repo/main/data.csv", "https://github.com/owner/repo" },
    { "https://Owner.github.io/Project/", "https://owner.github.io/Project" },
    /* GitLab: nested groups end at "/-/" or a sub-page. */
    { "https://gitlab.com/Group/Sub/Project/-/tree/main", "https://gitlab.com/group/sub/project" },
    { "https://gitlab.com/Owner/Repo.git", "https://gitlab.com/owner/repo" },
    { "https://gitlab.com/Owner/Repo/tree/master/src", "https://gitlab.com/owner/repo" },
    { "https://gitlab.com/Owner", "https://gitlab.com/owner" },
    /* Hugging Face. */
    { "https://huggingface.co/Org/Model-7B", "https://huggingface.co/org/model-7b" },
    { "https://huggingface.co/Org/Model-7B/tree/main", "https://huggingface.co/org/model-7b" },
    { "https://huggingface.co/Org/Model-7B/blob/main/config.json", "https://huggingface.co/org/model-7b" },
    { "https://huggingface.co/datasets/Org/Data/viewer", "https://huggingface.co/datasets/org/data" },
    { "https://huggingface.co/spaces/Org/Demo", "https://huggingface.co/spaces/org/demo" },
    { "https://hf.co/Org/Model", "https://huggingface.co/org/model" },
    { "https://huggingface.co/papers/2401.01234", "https://huggingface.co/papers/2401.01234" },
    { "https://huggingface.co/docs/Transformers/Index", "https://huggingface.co/docs/Transformers/Index" },
    { "https://huggingface.co/Org", "https://huggingface.co/org" },
    /* DOIs. */
    { "https://dx.doi.org/10.1000/ABC", "https://doi.org/10.1000/abc" },
    { "http://doi.org/10.1000/ABC", "https://doi.org/10.1000/abc" },
    { "https://www.doi.org/10.1000/ABC", "https://doi.org/10.1000/abc" },
    { "doi:10.1145/3292500.3330701", "https://doi.org/10.1145/3292500.3330701" },
    { "DOI: 10.1016/S0140-6736(20)30183-5.", "https://doi.org/10.1016/s0140-6736(20)30183-5" },
    { "DOI 10.1109/CVPR.2016.90", "https://doi.org/10.1109/cvpr.2016.90" },
    { "10.48550/arXiv.2401.01234", "https://doi.org/10.48550/arxiv.2401.01234" },
    { "https://doi.org/10.1002%2fabc", "https://doi.org/10.1002%2Fabc" },
    /* arXiv. */
    { "https://arxiv.org/abs/2401.01234v2", "https://arxiv.org/abs/2401.01234" },
    { "http://arxiv.org/pdf/2401.01234.pdf", "https://arxiv.org/abs/2401.01234" },
    { "https://arxiv.org/pdf/2401.01234v3", "https://arxiv.org/abs/2401.01234" },
    { "https://www.arxiv.org/abs/2401.01234.", "https://arxiv.org/abs/2401.01234" },
    { "https://arxiv.org/html/2401.01234v1/", "https://arxiv.org/abs/2401.01234" },
    { "https://export.arxiv.org/abs/hep-th/9901001v2", "https://arxiv.org/abs/hep-th/9901001" },
    { "arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234" },
    { "https://arxiv.org/list/cs.AI/recent", "https://arxiv.org/list/cs.AI/recent" },
    /* Query strings and fragments. */
    { "https://example.com/a?utm_source=x&id=3&utm_medium=y", "https://example.com/a?id=3" },
    { "https://example.com/a?UTM_Campaign=x", "https://example.com/a" },
    { "https://example.com/a?x=1&amp;y=2", "https://example.com/a?x=1&y=2" },
    { "https://example.com/a?fbclid=abc&q=Mixed", "https://example.com/a?q=Mixed" },
    { "https://example.com/a#section-2", "https://example.com/a" },
    { "https://example.com/a?b=1#c", "https://example.com/a?b=1" },
    { "https://example.com/a/?b=1", "https://example.com/a?b=1" },
    /* Percent-encoding: meaning kept, hex upper-cased. */
    { "https://example.com/a%2fb%c3%A9", "https://example.com/a%2Fb%C3%A9" },
    { "https://example.com/100%", "https://example.com/100%" },
    { "https://example.com/Case/Kept", "https://example.com/Case/Kept" },
    /* Cuts that make a new end get the same treatment (found by fuzzing:
     * a canonical URL must be its own canonical form). */
    { "https://example.com/a.?utm_source=x", "https://example.com/a" },
    { "https://example.com/a?b=1&utm_x=y.", "https://example.com/a?b=1" },
    { "https://example.com/?q=x.#frag", "https://example.com?q=x" },
    { "https://example.com/a?b=1&...#f", "https://example.com/a?b=1" },
    { "https://www.www.example.com", "https://example.com" },
    { "https://github.com/a/b.git./tree/x", "https://github.com/a/b" },
    { "https://github.com/a/.git/x", "https://github.com/a/x" },
    { "https://github.com/-.", "https://github.com/-" },
    { "https://github.com/orgs.", "https://github.com/orgs" },
    { "https://github.com/orgs./Foo", "https://github.com/foo" },
    { "https://github.com/&/orgs/X", "https://github.com/x" },
    { "https://arxiv.org/&/abs/2401.01234v1", "https://arxiv.org/abs/2401.01234" },
    { "https://gitlab.com/a/b/-.", "https://gitlab.com/a/b" },
    { "https://arxiv.org/abs/2401.01234v2v3", "https://arxiv.org/abs/2401.01234" },
    { "https://arxiv.org/pdf/2401.01234v2.pdf/", "https://arxiv.org/abs/2401.01234" },
    { "doi:10.2134/x#frag", "https://doi.org/10.2134/x" },
    { "https://doi.org/10.2134/X.?q=1", "https://doi.org/10.2134/x" },
    { "https://doi.org/10.2134/A&amp;B", "https://doi.org/10.2134/a%26b" },
    { "https://doi.org/10.2134/A&Eacute", "https://doi.org/10.2134/a%26eacute" },
    /* '&' written as references is read decoded by every rule, however
     * deeply it is escaped, so the canonical form has none left to decode
     * (issue 17: each pass decoded one more layer). */
    { "https://w.or?'&amp;amp;b", "https://w.or?'&b" },
    { "https://example.com/a?x=1&amp;amp;amp;y=2", "https://example.com/a?x=1&y=2" },
    { "https://example.com/a?x=1&#38;amp;y=2", "https://example.com/a?x=1&y=2" },
    { "https://example.com/a?x=1&#x26;y=2", "https://example.com/a?x=1&y=2" },
    { "https://github.com/A/B&amp;amp;C", "https://github.com/a/b%26c" },
    { "arxiv.org/abs&amp;/(", "https://arxiv.org/abs/(" },
    { "arxiv.org/&amp;/abs/8", "https://arxiv.org/abs/8" },
    { "https://example.com/a&amp;uml;b", "https://example.com/a" },
    /* The DOI form is for DOIs: a resolver link without one is a link. */
    { "doi.org//#", "https://doi.org" },
    { "https://doi.org/10.1234/.", "https://doi.org/10.1234" },
    { "https://doi.org/About/Us", "https://doi.org/About/Us" },
    /* Not URLs. */
    { "", NULL },
    { "   ", NULL },
    { "https://", NULL },
    { "https:///a/b", NULL },
    { "https://localhost/a", NULL },
    { "https://example/a", NULL },
    { "https://exa_mple.com/a", NULL },
    { "https://example..com", NULL },
    { "https://.example.com", NULL },
    { "https://example.c", NULL },
    { "https://example.123", NULL },
    { "https://1.2.3/x", NULL },
    { "https://user@example.com/", NULL },
    { "https://example.com:http/", NULL },
    { "ftp://example.com/file", NULL },
    { "mailto:someone@example.com", NULL },
    { "version 2.1", NULL },
    { "doi:", NULL },
    { "doi:10.1/x", NULL },
    { "{}", NULL },
    { "](", NULL },
};

static void test_normalize_table(void)
{
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < sizeof normalize_cases / sizeof normalize_cases[0]; i++) {
        const url_case *c = &normalize_cases[i];
        pg_buf_reset(&b);
        pg_err rc = pg_url_normalize(c->in, strlen(c->in), &b);
        if (c->want == NULL) {
            CHECK_INT(rc, PG_ERR_FORMAT);
            CHECK_INT(b.len, 0);
            if (rc != PG_ERR_FORMAT)
                fprintf(stderr, "    input: \"%s\" gave \"%s\"\n", c->in, b.data);
        } else {
            CHECK_INT(rc, PG_OK);
            CHECK_STR(b.data, c->want);
            if (rc != PG_OK || b.data == NULL || strcmp(b.data, c->want) != 0)
                fprintf(stderr, "    input: \"%s\"\n", c->in);
        }
    }
    pg_buf_release(&b);
}

/* The canonical form is a fixed point, and appending keeps what was there. */
static void test_normalize_idempotent_and_append(void)
{
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT;
    for (size_t i = 0; i < sizeof normalize_cases / sizeof normalize_cases[0]; i++) {
        const url_case *c = &normalize_cases[i];
        if (c->want == NULL)
            continue;
        pg_buf_reset(&a);
        CHECK_INT(pg_url_normalize(c->want, strlen(c->want), &a), PG_OK);
        CHECK_STR(a.data, c->want);
    }
    pg_buf_reset(&b);
    pg_buf_puts(&b, "prefix ");
    CHECK_INT(pg_url_normalize("http://GitHub.com/A/B.", 22, &b), PG_OK);
    CHECK_STR(b.data, "prefix https://github.com/a/b");
    CHECK_INT(pg_url_normalize("not a url", 9, &b), PG_ERR_FORMAT);
    CHECK_STR(b.data, "prefix https://github.com/a/b");
    /* The length is honoured: the rest of the string is not read. */
    pg_buf_reset(&b);
    CHECK_INT(pg_url_normalize("https://example.com/abcdef", 21, &b), PG_OK);
    CHECK_STR(b.data, "https://example.com/a");
    pg_buf_release(&a);
    pg_buf_release(&b);
}

/* Collects extracted URLs as lines. */
typedef struct collect {
    pg_buf lines;
    int calls;
    int stop_after;     /* 0: never stop */
} collect;

static int collect_url(void *ctx, const char *url, size_t len)
{
    collect *c = ctx;
    CHECK_INT(strlen(url), len);
    /* What extraction reports is canonical already. */
    pg_buf again = PG_BUF_INIT;
    CHECK_INT(pg_url_normalize(url, len, &again), PG_OK);
    CHECK_STR(again.data, url);
    pg_buf_release(&again);
    if (c->lines.len > 0)
        pg_buf_putc(&c->lines, '\n');
    pg_buf_append(&c->lines, url, len);
    c->calls++;
    return c->stop_after != 0 && c->calls >= c->stop_after;
}

typedef struct extract_case {
    const char *text;
    const char *want;   /* canonical URLs, one per line, in order */
} extract_case;

static const extract_case extract_cases[] = {
    { "", "" },
    { "No links here, only text.", "" },
    { "Code is available at https://github.com/Brain-Cog-Lab/IEMF.",
      "https://github.com/brain-cog-lab/iemf" },
    { "Code: https://github.com/ICI-BCI/Dual-MRI-HA-HI.git. Data: http://www.example.org/data/.",
      "https://github.com/ici-bci/dual-mri-ha-hi\nhttps://example.org/data" },
    { "See [https://github.com/x/y](https://github.com/x/y).", "https://github.com/x/y" },
    { "Code at https://github.com/x/y](https://github.com/x/y), models at https://hf.co/x/Y.",
      "https://github.com/x/y\nhttps://huggingface.co/x/y" },
    { "Our [code](https://github.com/A/B/tree/main) and [demo](https://a-b.github.io/demo/).",
      "https://github.com/a/b\nhttps://a-b.github.io/demo" },
    { "code \\url{https://github.com/qiuzh20/gated_attention}{codes} and models "
      "https://huggingface.co/QwQZh/gated_attention{models}",
      "https://github.com/qiuzh20/gated_attention\nhttps://huggingface.co/qwqzh/gated_attention" },
    { "\\href{https://example.com/Page}{the page}", "https://example.com/Page" },
    { "at https://github.com/Yaziwel/Restoration.git{https://github.com/RAT}. Thanks",
      "https://github.com/yaziwel/restoration" },
    { "Same repo twice: https://github.com/a/b and http://github.com/A/B/ and github.com/a/b.git.",
      "https://github.com/a/b" },
    { "Published as doi:10.1016/J.X.2020.01.001, see also DOI 10.1145/ABC.",
      "https://doi.org/10.1016/j.x.2020.01.001\nhttps://doi.org/10.1145/abc" },
    { "https://doi.org/10.1016/j.nlp.2025.100163. and dx.doi.org/10.1016/J.NLP.2025.100163",
      "https://doi.org/10.1016/j.nlp.2025.100163" },
    { "paper (https://arxiv.org/abs/2401.01234v2) and arxiv.org/pdf/2401.01234.pdf",
      "https://arxiv.org/abs/2401.01234" },
    { "Visit www.Example.com/Demo; or <https://example.com/Demo>.", "https://example.com/Demo" },
    { "\"https://example.com/q?a=1&amp;b=2&quot; in HTML", "https://example.com/q?a=1&b=2" },
    { "link&lt;https://example.com/x&gt;", "https://example.com/x" },
    { "(see https://en.wikipedia.org/wiki/Mamba_(deep_learning))",
      "https://en.wikipedia.org/wiki/Mamba_(deep_learning)" },
    { "curly \xE2\x80\x9Chttps://example.com/a\xE2\x80\x9D quotes and https://example.com/b\xE2\x80\xA6",
      "https://example.com/a\nhttps://example.com/b" },
    { "nbsp https://example.com/c\xC2\xA0next and ideographic https://example.com/d\xE3\x80\x80x",
      "https://example.com/c\nhttps://example.com/d" },
    { "IRI https://de.wikipedia.org/wiki/K\xC3\xB6ln stays", "https://de.wikipedia.org/wiki/K\xC3\xB6ln" },
    { "HTTPS://GITHUB.COM/UP/CASE", "https://github.com/up/case" },
    /* Not starts of URLs. */
    { "mygithub.com/x and foo/github.com/y and user@github.com/z", "" },
    /* Inside a word nothing starts, however long the word; right after
     * punctuation or a non-ASCII letter, a URL does. */
    { "xhttps://a.example.com/p v2https://c.example.com/r, then (https://b.example.com/q)",
      "https://b.example.com/q" },
    { "caf\xc3\xa9https://d.example.com/s", "https://d.example.com/s" },
    { "see https:// or http://localhost:8000 or ftp://example.com/f", "" },
    { "version 2.1. and e.g. this", "" },
    { "doi and doing, 10.1016/j.x without prefix", "" },
    /* Unbalanced or broken markup must not hide later URLs. */
    { "{{{ https://a.example.com/x {", "https://a.example.com/x" },
    { "https://a.example.com/{ https://b.example.com/", "https://a.example.com\nhttps://b.example.com" },
    { "https://x.example.com/a)b https://y.example.com", "https://x.example.com/a\nhttps://y.example.com" },
    { "https://x.example.com/a]b", "https://x.example.com/a" },
    { "see https://example.com/q?a=1&amp;amp;b=2 here", "https://example.com/q?a=1&b=2" },
    { "arxiv.org/&amp;/abs/2401.01234 and doi.org//#x",
      "https://arxiv.org/abs/2401.01234\nhttps://doi.org" },
};

static void test_extract_table(void)
{
    for (size_t i = 0; i < sizeof extract_cases / sizeof extract_cases[0]; i++) {
        const extract_case *c = &extract_cases[i];
        collect col = { PG_BUF_INIT, 0, 0 };
        CHECK_INT(pg_urls_extract(c->text, strlen(c->text), collect_url, &col), PG_OK);
        CHECK_STR(col.lines.data ? col.lines.data : "", c->want);
        if (strcmp(col.lines.data ? col.lines.data : "", c->want) != 0)
            fprintf(stderr, "    text: \"%s\"\n", c->text);
        pg_buf_release(&col.lines);
    }
}

static void test_extract_stop_and_bounds(void)
{
    const char *text = "https://a.example.com https://b.example.com https://c.example.com";
    collect col = { PG_BUF_INIT, 0, 2 };
    CHECK_INT(pg_urls_extract(text, strlen(text), collect_url, &col), PG_OK);
    CHECK_INT(col.calls, 2);
    CHECK_STR(col.lines.data, "https://a.example.com\nhttps://b.example.com");
    pg_buf_release(&col.lines);

    /* len cuts the text: nothing beyond it is read.  The copy has no
     * terminator, so ASan reports any read past the end. */
    const char *src = "see https://github.com/Owner/Repository";
    size_t n = strlen("see https://github.com/Owner/Re");
    char *cut = malloc(n);
    memcpy(cut, src, n);
    collect c2 = { PG_BUF_INIT, 0, 0 };
    CHECK_INT(pg_urls_extract(cut, n, collect_url, &c2), PG_OK);
    CHECK_STR(c2.lines.data, "https://github.com/owner/re");
    pg_buf_release(&c2.lines);
    for (size_t k = 0; k <= n; k++) {       /* every prefix */
        collect c3 = { PG_BUF_INIT, 0, 0 };
        CHECK_INT(pg_urls_extract(cut, k, collect_url, &c3), PG_OK);
        pg_buf_release(&c3.lines);
        pg_buf b = PG_BUF_INIT;
        pg_err rc = pg_url_normalize(cut, k, &b);
        CHECK(rc == PG_OK || rc == PG_ERR_FORMAT);
        pg_buf_release(&b);
    }
    free(cut);
}

/* Many distinct URLs: the de-duplication set grows and keeps order. */
static void test_extract_many(void)
{
    pg_buf text = PG_BUF_INIT;
    for (int i = 0; i < 2000; i++)
        pg_buf_printf(&text, "https://github.com/o/r%d. ", i % 1000);
    collect col = { PG_BUF_INIT, 0, 0 };
    CHECK_INT(pg_urls_extract(text.data, text.len, collect_url, &col), PG_OK);
    CHECK_INT(col.calls, 1000);
    CHECK(strncmp(col.lines.data, "https://github.com/o/r0\nhttps://github.com/o/r1\n", 48) == 0);
    pg_buf_release(&col.lines);
    pg_buf_release(&text);
}

/* Hostile text: must terminate quickly and not crash. */
static void test_extract_hostile(void)
{
    static const char *const pieces[] = {
        "http://", "www.", "{", "}", "(", ")", "[", "](", "&", "&amp;", "&#0;",
        "doi:", "10.", "github.com/", "\\", "\xE2\x80", "\xFF", ".git", "/", "a",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    size_t size = (size_t)1 << 20;
    char *big = malloc(size);
    unsigned seed = 12345;
    size_t at = 0;
    while (at < size) {
        seed = seed * 1103515245u + 12345u;
        const char *p = pieces[(seed >> 16) % npieces];
        size_t n = strlen(p);
        if (at + n > size)
            n = size - at;
        memcpy(big + at, p, n);
        at += n;
    }
    collect col = { PG_BUF_INIT, 0, 0 };
    CHECK_INT(pg_urls_extract(big, size, collect_url, &col), PG_OK);
    pg_buf_release(&col.lines);

    /* One huge URL, and a huge run of trailing punctuation. */
    memcpy(big, "https://example.com/", 20);
    memset(big + 20, 'a', size - 20);
    pg_buf b = PG_BUF_INIT;
    CHECK_INT(pg_url_normalize(big, size, &b), PG_OK);
    CHECK_INT(b.len, size);
    memset(big + 20, '.', size - 20);
    pg_buf_reset(&b);
    CHECK_INT(pg_url_normalize(big, size, &b), PG_OK);
    CHECK_STR(b.data, "https://example.com");
    memset(big, '(', size);
    CHECK_INT(pg_url_normalize(big, size, &b), PG_ERR_FORMAT);
    memset(big, '{', size);
    collect c2 = { PG_BUF_INIT, 0, 0 };
    CHECK_INT(pg_urls_extract(big, size, collect_url, &c2), PG_OK);
    CHECK_INT(c2.calls, 0);
    pg_buf_release(&c2.lines);
    pg_buf_release(&b);
    free(big);
}

/* Short texts assembled from the pieces that broke idempotence before
 * (references, brackets, resolver hosts, cut characters): the canonical
 * form of any of them is its own canonical form, and what extraction
 * reports is canonical.  Deterministic, so a failure repeats. */
static void test_normalize_fixed_point_random(void)
{
    static const char *const pieces[] = {
        "https://", "http://", "www.", "doi.org/", "dx.doi.org/", "arxiv.org/",
        "github.com/", "gitlab.com/", "hf.co/", "doi:", "10.1234/", "abs", "pdf",
        "/", "//", "(", ")", "[", "]", "{", "}", "&", "&amp;", "amp;", "&#38;",
        "&uml;", "&quot;", ";", "#", "?", ".", ",", ".git", "v2", "utm_x=1",
        "=", "%2f", "%", "A", "b", "-", "tree", "orgs", "datasets", " ",
        "\xE2\x80\xA6", "\xC3\xA9", ":", "'", "*", "x.org", "e.com",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    unsigned seed = 1;
    char text[256];
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT;
    int bad = 0;
    for (int round = 0; round < 200000 && bad < 5; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int count = 1 + (int)((seed >> 16) % 9);
        for (int k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % npieces];
            size_t n = strlen(p);
            memcpy(text + len, p, n);
            len += n;
        }
        text[len] = '\0';
        pg_buf_reset(&a);
        if (pg_url_normalize(text, len, &a) == PG_OK) {
            pg_buf_reset(&b);
            CHECK_INT(pg_url_normalize(a.data, a.len, &b), PG_OK);
            if (b.data == NULL || strcmp(a.data, b.data) != 0) {
                fprintf(stderr, "    \"%s\" -> \"%s\" -> \"%s\"\n", text, a.data,
                        b.data ? b.data : "(refused)");
                CHECK_STR(b.data ? b.data : "", a.data);
                bad++;
            }
        }
        collect col = { PG_BUF_INIT, 0, 0 };
        CHECK_INT(pg_urls_extract(text, len, collect_url, &col), PG_OK);
        pg_buf_release(&col.lines);
    }
    pg_buf_release(&a);
    pg_buf_release(&b);
}

int main(void)
{
    test_normalize_table();
    test_normalize_idempotent_and_append();
    test_extract_table();
    test_extract_stop_and_bounds();
    test_extract_many();
    test_extract_hostile();
    test_normalize_fixed_point_random();
    CHECK_DONE();
}
