/*
** check.h: the unit-test helper every tests/test_*.c uses (in the spirit of
** redis' testhelp.h): CHECK() records a failure with file and line and goes
** on, so one run shows every broken expectation; CHECK_DONE() ends main with
** the status meson reads (0 all passed, 1 something failed).
*/
#ifndef PG_TEST_CHECK_H
#define PG_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_;
static int check_total_;

#define CHECK(cond) do { \
        check_total_++; \
        if (!(cond)) { \
            check_failed_++; \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        } \
    } while (0)

/* Compares two C strings and shows both when they differ. */
#define CHECK_STR(got, want) do { \
        const char *g_ = (got), *w_ = (want); \
        check_total_++; \
        if (g_ == NULL || w_ == NULL || strcmp(g_, w_) != 0) { \
            check_failed_++; \
            fprintf(stderr, "%s:%d: %s\n    got:  \"%s\"\n    want: \"%s\"\n", \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
        } \
    } while (0)

#define CHECK_INT(got, want) do { \
        long long g_ = (long long)(got), w_ = (long long)(want); \
        check_total_++; \
        if (g_ != w_) { \
            check_failed_++; \
            fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", \
                    __FILE__, __LINE__, #got, g_, w_); \
        } \
    } while (0)

#define CHECK_DONE() do { \
        fprintf(stderr, "%d checks, %d failed\n", check_total_, check_failed_); \
        return check_failed_ ? 1 : 0; \
    } while (0)

#endif
