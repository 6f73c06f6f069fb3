/* test_fingerprint.c: content keys, their encodings and the streaming hasher. */
#include <string.h>

#include "papergraph/base.h"
#include "check.h"

static void test_keys(void)
{
    pg_key a = pg_key_of("hello", 5), b = pg_key_of("hello", 5);
    pg_key c = pg_key_of("hellp", 5);
    CHECK(pg_key_cmp(a, b) == 0);
    CHECK(pg_key_cmp(a, c) != 0);
    CHECK(pg_key_cmp(a, c) == -pg_key_cmp(c, a));
    CHECK(!pg_key_is_zero(a));
    /* XXH3-128 is a fixed function: the empty input has a known digest. */
    char hex[PG_KEY_HEX];
    pg_key_to_hex(pg_key_of("", 0), hex);
    CHECK_STR(hex, "99aa06d3014798d86001c324468d497f");
}

static void test_encodings(void)
{
    pg_key k = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
    unsigned char bytes[16];
    pg_key_to_bytes(k, bytes);
    CHECK(bytes[0] == 0x01 && bytes[7] == 0xef && bytes[8] == 0xfe && bytes[15] == 0x10);
    CHECK(pg_key_cmp(pg_key_from_bytes(bytes), k) == 0);
    char hex[PG_KEY_HEX], id[PG_ID_HEX];
    pg_key_to_hex(k, hex);
    CHECK_STR(hex, "0123456789abcdeffedcba9876543210");
    pg_key_to_id(k, id);
    CHECK_STR(id, "0123456789abcdef");
    pg_key back;
    CHECK_INT(pg_key_from_hex(hex, &back), PG_OK);
    CHECK(pg_key_cmp(back, k) == 0);
    CHECK_INT(pg_key_from_hex("0123", &back), PG_ERR_USAGE);
    CHECK_INT(pg_key_from_hex("0123456789abcdeffedcba987654321g", &back), PG_ERR_USAGE);
    CHECK_INT(pg_key_from_hex("0123456789abcdeffedcba98765432100", &back), PG_ERR_USAGE);
    CHECK_INT(pg_key_from_hex("0123456789ABCDEFFEDCBA9876543210", &back), PG_OK);
    CHECK(pg_key_cmp(back, k) == 0);
}

static void test_hasher(void)
{
    const char *text = "a file read in several pieces of uneven size";
    pg_hasher *h = NULL;
    CHECK_INT(pg_hasher_new(&h), PG_OK);
    size_t n = strlen(text);
    pg_hasher_update(h, text, 3);
    pg_hasher_update(h, text + 3, 0);
    pg_hasher_update(h, text + 3, n - 3);
    CHECK(pg_key_cmp(pg_hasher_digest(h), pg_key_of(text, n)) == 0);
    pg_hasher_free(h);
    pg_hasher_free(NULL);
    CHECK(pg_hash64("x", 1, 1) != pg_hash64("x", 1, 2));
    CHECK(pg_hash64("x", 1, 7) == pg_hash64("x", 1, 7));
}

int main(void)
{
    test_keys();
    test_encodings();
    test_hasher();
    CHECK_DONE();
}
