/*
** sort.c: sorting arrays of 32-bit integers in place.  Term ids of a
** document and shingle hashes of an abstract are sorted once each, by the
** hundred: qsort's call per comparison cost more than the sorting itself.
*/
#include "base/internal.h"

void pg_sort_u32(uint32_t *v, size_t n)
{
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
