/*
** fuzz_normalize.c: libFuzzer target for the normaliser and the URL code.
**
** Beyond the sanitizers it checks the promises the rest of papergraph leans
** on: a key is lower-case words (ASCII letters/digits or non-ASCII) joined by
** single spaces; keying a key changes nothing; a canonical URL is canonical
** again when normalised; every extracted URL is already canonical.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
    if (!cond)
        abort();
}

static int well_formed_key(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == ' ' && (i == 0 || i + 1 == n || k[i + 1] == ' '))
            return 0;
        if (c < 0x80 && c != ' ' && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static int extracted_is_canonical(void *ctx, const char *url, size_t len)
{
    pg_buf b = PG_BUF_INIT;
    (void)ctx;
    require(pg_url_normalize(url, len, &b) == PG_OK && strcmp(b.data, url) == 0);
    pg_buf_release(&b);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT;
    require(pg_normalize_key(s, size, &a) == PG_OK);
    const char *key = a.data ? a.data : "";
    require(well_formed_key(key, a.len));
    require(pg_normalize_key(key, a.len, &b) == PG_OK);
    require(strcmp(key, b.data ? b.data : "") == 0);
    pg_buf_reset(&a);
    require(pg_normalize_display(s, size, &a) == PG_OK);
    (void)pg_text_is_truncated(s, size);
    pg_buf_reset(&a);
    if (pg_url_normalize(s, size, &a) == PG_OK) {
        pg_buf_reset(&b);
        require(pg_url_normalize(a.data, a.len, &b) == PG_OK && strcmp(a.data, b.data) == 0);
    }
    require(pg_urls_extract(s, size, extracted_is_canonical, NULL) == PG_OK);
    pg_buf_release(&a);
    pg_buf_release(&b);
    return 0;
}
