/*
** sort.c: sorting arrays of integers in place.  Term ids of a document,
** shingle hashes of an abstract and the candidate ids of a text are sorted
** once each, by the hundred: qsort's call per comparison cost more than the
** sorting itself.
*/
#include <string.h>

#include "base/internal.h"

/* Arrays up to this many values are sorted by bytes (a radix sort through
 * a scratch array on the stack); larger ones by quicksort, in place. */
#define RADIX_MAX 2048
#define RADIX_MIN 64

/* Least-significant-digit radix sort, a byte a pass: four passes leave the
 * result back in v.  A quicksort of a few hundred random hashes
 * mispredicts a branch for about every other comparison. */
static void radix_sort(uint32_t *v, uint32_t *tmp, size_t n)
{
    uint32_t count[256];
    uint32_t *from = v, *to = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(from[i] >> shift) & 255]++;
        uint32_t sum = 0;
        for (size_t d = 0; d < 256; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & 255]++] = from[i];
        uint32_t *t = from;
        from = to;
        to = t;
    }
}

/* Quicksort (median of three, Hoare partition, the smaller side recursed)
 * with insertion below 17 values, for one element type: comparisons inline,
 * where qsort makes a call for each. */
#define DEFINE_QUICKSORT(name, type)                                        \
    static void name(type *v, size_t n)                                     \
    {                                                                       \
        while (n > 16) {                                                    \
            type a = v[0], b = v[n / 2], c = v[n - 1];                      \
            type pivot = a < b ? (b < c ? b : a < c ? c : a)                \
                               : (a < c ? a : b < c ? c : b);               \
            size_t i = 0, j = n - 1;                                        \
            for (;;) {                                                      \
                while (v[i] < pivot)                                        \
                    i++;                                                    \
                while (v[j] > pivot)                                        \
                    j--;                                                    \
                if (i >= j)                                                 \
                    break;                                                  \
                type t = v[i];                                              \
                v[i++] = v[j];                                              \
                v[j--] = t;                                                 \
            }                                                               \
            size_t left = j + 1;                                            \
            if (left < n - left) {                                          \
                name(v, left);                                              \
                v += left;                                                  \
                n -= left;                                                  \
            } else {                                                        \
                name(v + left, n - left);                                   \
                n = left;                                                   \
            }                                                               \
        }                                                                   \
        for (size_t i = 1; i < n; i++) {                                    \
            type x = v[i];                                                  \
            size_t j = i;                                                   \
            for (; j > 0 && v[j - 1] > x; j--)                              \
                v[j] = v[j - 1];                                            \
            v[j] = x;                                                       \
        }                                                                   \
    }

DEFINE_QUICKSORT(quicksort_u32, uint32_t)
DEFINE_QUICKSORT(quicksort_u64, uint64_t)
DEFINE_QUICKSORT(quicksort_ll, long long)

void pg_sort_u32(uint32_t *v, size_t n)
{
    if (n > RADIX_MIN && n <= RADIX_MAX) {
        uint32_t tmp[RADIX_MAX];
        radix_sort(v, tmp, n);
        return;
    }
    quicksort_u32(v, n);
}

void pg_sort_u64(uint64_t *v, size_t n)
{
    quicksort_u64(v, n);
}

void pg_sort_ll(long long *v, size_t n)
{
    quicksort_ll(v, n);
}
