/*
** sort.c: sorting arrays of 32-bit integers in place.  Term ids of a
** document and shingle hashes of an abstract are sorted once each, by the
** hundred: qsort's call per comparison cost more than the sorting itself.
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

void pg_sort_u32(uint32_t *v, size_t n)
{
    if (n > RADIX_MIN && n <= RADIX_MAX) {
        uint32_t tmp[RADIX_MAX];
        radix_sort(v, tmp, n);
        return;
    }
    while (n > 16) {            /* quicksort the larger side in the loop */
        uint32_t a = v[0], b = v[n / 2], c = v[n - 1];
        uint32_t pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint32_t t = v[i];
            v[i++] = v[j];
            v[j--] = t;
        }
        /* v[0..j] <= pivot <= v[j+1..n) (Hoare); recurse on the smaller */
        size_t left = j + 1;
        if (left < n - left) {
            pg_sort_u32(v, left);
            v += left;
            n -= left;
        } else {
            pg_sort_u32(v + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}
