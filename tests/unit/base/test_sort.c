/* test_sort.c: pg_sort_u32, pg_sort_u64 and pg_sort_ll (base/sort.c) give
 * qsort's order on every size either path takes (insertion, quicksort, the
 * radix sort of pg_sort_u32), with repeats, runs and negative ids. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "check.h"

static uint64_t state = 88172645463325252ULL;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Values of one of four kinds: any, few distinct, ascending, descending. */
static uint64_t value(int kind, size_t i, size_t n)
{
    switch (kind) {
    case 0: return next();
    case 1: return next() % 5;
    case 2: return i;
    default: return n - i;
    }
}

int main(void)
{
    static const size_t sizes[] = { 0, 1, 2, 3, 16, 17, 64, 65, 100, 1000, 2048, 2049, 5000 };
    size_t max = 5000;
    uint32_t *a32 = malloc(max * sizeof *a32), *b32 = malloc(max * sizeof *b32);
    uint64_t *a64 = malloc(max * sizeof *a64), *b64 = malloc(max * sizeof *b64);
    long long *all = malloc(max * sizeof *all), *bll = malloc(max * sizeof *bll);
    if (!a32 || !b32 || !a64 || !b64 || !all || !bll)
        return 99;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (int kind = 0; kind < 4; kind++) {
            for (size_t i = 0; i < n; i++) {
                uint64_t v = value(kind, i, n);
                a32[i] = b32[i] = (uint32_t)v;
                a64[i] = b64[i] = v;
                all[i] = bll[i] = (long long)(v % 2000) - 1000;  /* negatives too */
            }
            pg_sort_u32(a32, n);
            pg_sort_u64(a64, n);
            pg_sort_ll(all, n);
            if (n > 0) {
                qsort(b32, n, sizeof *b32, cmp_u32);
                qsort(b64, n, sizeof *b64, cmp_u64);
                qsort(bll, n, sizeof *bll, cmp_ll);
            }
            CHECK(n == 0 || memcmp(a32, b32, n * sizeof *a32) == 0);
            CHECK(n == 0 || memcmp(a64, b64, n * sizeof *a64) == 0);
            CHECK(n == 0 || memcmp(all, bll, n * sizeof *all) == 0);
        }
    }
    free(a32), free(b32), free(a64), free(b64), free(all), free(bll);
    CHECK_DONE();
}
