/*
** utf8.c: the one UTF-8 decoder: validation and repair for the readers,
** and decoding and encoding single characters for the text stage (see
** base/internal.h).
**
** This sits on the hot path of every reader: each line is validated once.
** Listing text is overwhelmingly ASCII, so the scan tests 16 bytes at a time
** for "any high bit set or any zero byte" with plain 64-bit arithmetic
** (portable, no intrinsics) and drops to the byte-wise decoder only around
** non-ASCII characters.  The decoder checks the second byte's range per lead
** byte (the table in Unicode 15, section 3.9, D92), which rejects overlongs,
** surrogates and code points above U+10FFFF without decoding the value.
*/
#include <stdint.h>
#include <string.h>

#include "base/internal.h"

#define HIGH_BITS UINT64_C(0x8080808080808080)
#define LOW_BITS UINT64_C(0x0101010101010101)

static uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);    /* no alignment or aliasing assumptions */
    return v;
}

/* Non-zero when the 8 bytes of v hold a byte >= 0x80 or a zero byte (the
 * zero test may misfire next to a high byte, which fails anyway).  Kept per
 * word: OR-ing two words first would hide a zero byte. */
static uint64_t care_bits(uint64_t v)
{
    return (v | ((v - LOW_BITS) & ~v)) & HIGH_BITS;
}

/*
** Decodes the sequence at s[0..n) (n >= 1).  Returns its length (1..4) when
** it is valid and not NUL; otherwise 0 with *bad set to the length of the
** maximal subpart to replace (>= 1), and *cut set to 1 when the sequence was
** only cut short by n (a longer buffer might have completed it).
*/
static size_t decode(const unsigned char *s, size_t n, size_t *bad, int *cut)
{
    unsigned c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;

    *cut = 0;
    if (c < 0x80) {
        *bad = 1;
        return c != 0;
    }
    if (c < 0xC2) {             /* continuation byte or overlong 2-byte lead */
        *bad = 1;
        return 0;
    }
    if (c < 0xE0) {
        need = 1;
    } else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;          /* overlong */
        else if (c == 0xED)
            hi = 0x9F;          /* surrogates */
    } else if (c < 0xF5) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;          /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;          /* above U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n) {
            *bad = i;
            *cut = 1;
            return 0;
        }
        if (s[i] < lo || s[i] > hi) {
            *bad = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

size_t pgr_utf8_valid_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    for (;;) {
        while (i + 16 <= n && !(care_bits(load64(s + i)) | care_bits(load64(s + i + 8))))
            i += 16;
        while (i + 8 <= n && !care_bits(load64(s + i)))
            i += 8;
        if (i >= n)
            return n;
        /* The next word holds something else than plain ASCII: byte-wise
         * over it (a character may run past its end), then words again. */
        size_t stop = n - i > 8 ? i + 8 : n;
        while (i < stop) {
            if (s[i] < 0x80 && s[i] != 0) {
                i++;
                continue;
            }
            size_t bad;
            int cut;
            size_t k = decode(s + i, n - i, &bad, &cut);
            if (k == 0)
                return i;
            i += k;
        }
    }
}

pg_err pgr_utf8_repair(const char *str, size_t n, pg_buf *out, size_t *bad,
                       size_t *nuls)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, n_bad = 0, n_nul = 0;
    pg_err rc = PG_OK;

    /* Room for the worst case up front: one replacement per input byte. */
    if (n > ((size_t)-1 / 4))
        return PG_ERR_NOMEM;
    rc = pg_buf_reserve(out, n * 3);
    if (rc != PG_OK)
        return rc;
    while (i < n) {
        size_t ok = pgr_utf8_valid_prefix(str + i, n - i);
        if (ok) {
            memcpy(out->data + out->len, s + i, ok);
            out->len += ok;
            i += ok;
            if (i >= n)
                break;
        }
        size_t len = 1;
        int cut = 0;
        decode(s + i, n - i, &len, &cut);
        if (s[i] == 0)
            n_nul++;
        else
            n_bad++;
        memcpy(out->data + out->len, PGR_UTF8_REPLACEMENT, 3);
        out->len += 3;
        i += len;
    }
    out->data[out->len] = '\0';
    if (bad)
        *bad = n_bad;
    if (nuls)
        *nuls = n_nul;
    return PG_OK;
}

size_t pgr_utf8_invalid_bytes(const char *str, size_t n, int final,
                              size_t *first)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, count = 0, first_bad = n;

    while (i < n) {
        size_t ok = pgr_utf8_valid_prefix(str + i, n - i);
        i += ok;
        if (i >= n)
            break;
        size_t len = 1;
        int cut = 0;
        decode(s + i, n - i, &len, &cut);
        if (s[i] == 0) {
            i++;
            continue;
        }
        if (cut && !final)
            break;
        if (first_bad == n)
            first_bad = i;
        count += len;
        i += len;
    }
    if (first)
        *first = first_bad;
    return count;
}

uint32_t pgr_utf8_decode(const char *str, size_t n, size_t *len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t bad;
    int cut;

    if (s[0] == 0) {            /* a character here; only validation refuses it */
        *len = 1;
        return 0;
    }
    size_t k = decode(s, n, &bad, &cut);
    if (k == 0) {
        *len = bad;
        return 0xFFFDu;
    }
    *len = k;
    if (k == 1)
        return s[0];
    uint32_t cp = s[0] & (0x7Fu >> k);
    for (size_t i = 1; i < k; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    return cp;
}

size_t pgr_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFDu;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}
