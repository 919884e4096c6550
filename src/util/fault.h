/* Fault injection for tests: NK_FAULT_POINT("create.after_state_dir") stops
 * the process that reaches it, as a SIGKILL would, when the test build
 * (make test-build: -DNOOK_FAULT_INJECTION, build/test/nook) runs with
 * NOOK_FAULT=<that name>. Release builds compile the macro to nothing.
 *
 * Test-build environment:
 *   NOOK_FAULT=NAME       die at point NAME (in whichever process reaches it)
 *   NOOK_FAULT=list       print every point compiled in, one per line, exit 0
 *   NOOK_FAULT_LOG=FILE   append NAME to FILE before dying (tests check the hit)
 * Every point's name lives in the section "nk_fault_points", so the list is
 * complete by construction; tests/integration/faults.bats covers each one. */
#ifndef NOOK_UTIL_FAULT_H
#define NOOK_UTIL_FAULT_H

#ifdef NOOK_FAULT_INJECTION
void nk_fault_hit(const char *name);
#define NK_FAULT_POINT(name)                                                                       \
    do {                                                                                           \
        static const char *const nk_fault_name_                                                    \
            __attribute__((used, section("nk_fault_points"))) = name;                              \
        nk_fault_hit(nk_fault_name_);                                                              \
    } while (0)
#else
#define NK_FAULT_POINT(name) ((void)0)
#endif

#endif
