/*
** check.h: the unit-test helper every tests/test_*.c uses (in the spirit of
** redis' testhelp.h): CHECK() records a failure with file and line and goes
** on, so one run shows every broken expectation; CHECK_DONE() ends main with
** the status meson reads (0 all passed, 1 something failed).
*/
#ifndef PG_TEST_CHECK_H
#define PG_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
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

/* For tests that read the fixtures and write into a temporary directory:
 * copies $FIXTURES into fixtures[0..n) and makes dir (a mkdtemp template).
 * 0, or 99 (meson's "hard error") with a message. */
static inline int check_setup(char *fixtures, size_t n, char *dir)
{
    const char *f = getenv("FIXTURES");
    if (f == NULL) {
        fprintf(stderr, "FIXTURES is not set\n");
        return 99;
    }
    snprintf(fixtures, n, "%s", f);
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "cannot make %s\n", dir);
        return 99;
    }
    return 0;
}

/* Removes the directory check_setup made, with what the tests left in it. */
static inline void check_cleanup(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

#endif
