/*
** mem.c: allocations of large arrays that ask the kernel for huge pages.
**
** A large array (the graph's term index, its paper arena) is filled right
** after it is allocated, and each 4 KiB page's first touch is a page fault
** of its own, dear in a virtual machine (docs/PERFORMANCE.md has the
** figures).  Where transparent huge pages are enabled only for memory that
** asks for them ("madvise", the setting of many distributions), an array
** of several megabytes asks: one fault then maps 2 MiB, and the page
** tables of a randomly read array stay small.  Elsewhere the advice changes
** nothing, and a failed madvise is not an error (the pages stay small).
** Buffers that are allocated and freed over and over (a file's text) are
** better left to realloc, which reuses memory already touched.
*/
#define _DEFAULT_SOURCE         /* madvise, MADV_HUGEPAGE */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/internal.h"

/* Below this an array spans too few huge pages to be worth a system call. */
#define BIG_BYTES ((size_t)4 << 20)
#define HUGE_BYTES ((uintptr_t)2 << 20)

void pg_mem_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (p == NULL || n < BIG_BYTES)
        return;
    uintptr_t a = ((uintptr_t)p + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(HUGE_BYTES - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

void *pg_mem_realloc(void *p, size_t old, size_t n)
{
    if (n < BIG_BYTES || old >= n)
        return realloc(p, n);
    /* realloc would copy into the new block before it could be advised. */
    void *q = malloc(n);
    if (q == NULL)
        return NULL;
    pg_mem_advise(q, n);
    if (p != NULL && old > 0)
        memcpy(q, p, old);
    free(p);
    return q;
}

void *pg_mem_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    if (n * size < BIG_BYTES)
        return calloc(n, size);
    /* Advised before the zeroing touches it (calloc may zero a reused
     * block itself, page by page). */
    void *p = malloc(n * size);
    pg_mem_advise(p, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *pg_mem_malloc(size_t n)
{
    void *p = malloc(n);
    pg_mem_advise(p, n);
    return p;
}
