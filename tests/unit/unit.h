/* A minimal unit test harness: one header, no dependencies.
 *
 *   TEST(parses_default) { CHECK(x == 1); CHECK_STREQ(s, "a"); }
 *
 * Tests register themselves (constructor attribute) and run in file order.
 * A failed CHECK ends its test. Output is TAP-like, one line per test, and
 * the last line is exactly "N passed, M failed" (tests/run-all.sh sums it);
 * the exit status is non-zero when anything failed. Define UNIT_NO_MAIN to
 * supply your own main() that calls unit_run(). */
#ifndef NOOK_TESTS_UNIT_H
#define NOOK_TESTS_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*unit_fn)(void);

typedef struct unit_test {
    const char *name;
    unit_fn fn;
} unit_test;

#define UNIT_MAX_TESTS 1024

static unit_test unit_tests[UNIT_MAX_TESTS];
static size_t unit_n_tests;
static bool unit_failed;  /* the running test failed */
static char *unit_reason; /* why, for the "not ok" line */

static inline void unit_register(const char *name, unit_fn fn)
{
    if (unit_n_tests == UNIT_MAX_TESTS) {
        fprintf(stderr, "unit.h: more than %d tests, raise UNIT_MAX_TESTS\n", UNIT_MAX_TESTS);
        abort();
    }
    unit_tests[unit_n_tests].name = name;
    unit_tests[unit_n_tests].fn = fn;
    unit_n_tests++;
}

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void unit_register_##name(void)                            \
    {                                                                                              \
        unit_register(#name, test_##name);                                                         \
    }                                                                                              \
    static void test_##name(void)

/* Records why the running test failed (printf-style, kept on the heap so
 * long values are never cut). */
__attribute__((format(printf, 3, 4))) static inline void unit_fail(const char *file, int line,
                                                                   const char *fmt, ...)
{
    unit_failed = true;
    free(unit_reason);
    unit_reason = NULL;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (asprintf(&unit_reason, "%s:%d: %s", file, line, msg != NULL ? msg : "?") < 0)
        unit_reason = NULL;
    free(msg);
    for (char *c = unit_reason; c != NULL && *c != '\0'; c++) {
        if (*c == '\n')
            *c = ' ';
    }
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            unit_fail(__FILE__, __LINE__, "%s", #cond);                                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* NULL-safe; shows both values on failure. */
#define CHECK_STREQ(a, b)                                                                          \
    do {                                                                                           \
        const char *unit_a_ = (a), *unit_b_ = (b);                                                 \
        if (unit_a_ == NULL || unit_b_ == NULL || strcmp(unit_a_, unit_b_) != 0) {                 \
            unit_fail(__FILE__, __LINE__, "CHECK_STREQ(%s, %s) (\"%s\" != \"%s\")", #a, #b,        \
                      unit_a_ ? unit_a_ : "(null)", unit_b_ ? unit_b_ : "(null)");                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* haystack contains needle. */
#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *unit_h_ = (hay), *unit_n_ = (needle);                                          \
        if (unit_h_ == NULL || unit_n_ == NULL || strstr(unit_h_, unit_n_) == NULL) {              \
            unit_fail(__FILE__, __LINE__, "CHECK_CONTAINS(%s, %s) (\"%s\" lacks \"%s\")", #hay,    \
                      #needle, unit_h_ ? unit_h_ : "(null)", unit_n_ ? unit_n_ : "(null)");        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static inline int unit_run(void)
{
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < unit_n_tests; i++) {
        unit_failed = false;
        unit_tests[i].fn();
        if (unit_failed) {
            failed++;
            printf("not ok - %s: %s\n", unit_tests[i].name, unit_reason ? unit_reason : "?");
            free(unit_reason);
            unit_reason = NULL;
        } else {
            passed++;
            printf("ok - %s\n", unit_tests[i].name);
        }
        fflush(stdout);
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#ifndef UNIT_NO_MAIN
int main(void)
{
    return unit_run();
}
#endif

#endif
