/* How long a big profile costs on every create: the median of 100
 * compilations of a 300-rule profile by libseccomp, against the median of
 * 100 verified reads of the same program from the cache.
 *
 *   build/bench/seccomp_compile [RUNS]
 *
 * Prints medians in milliseconds of CPU time (the machine this runs on is
 * shared: wall time says more about the neighbours than about nook) and of
 * wall time: compile_cpu_ms, compile_wall_ms, cached_cpu_ms, cached_wall_ms. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oci/config.h"
#include "seccomp/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define RULES 300

static double ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct sample {
    double *cpu, *wall;
    double cpu0, wall0;
} sample;

static void start(sample *s)
{
    s->cpu0 = ms(CLOCK_PROCESS_CPUTIME_ID);
    s->wall0 = ms(CLOCK_MONOTONIC);
}

static void stop(sample *s, int i)
{
    s->cpu[i] = ms(CLOCK_PROCESS_CPUTIME_ID) - s->cpu0;
    s->wall[i] = ms(CLOCK_MONOTONIC) - s->wall0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, sample *s, int runs)
{
    qsort(s->cpu, (size_t)runs, sizeof(double), cmp_double);
    qsort(s->wall, (size_t)runs, sizeof(double), cmp_double);
    printf("%s_cpu_ms=%.3f\n%s_wall_ms=%.3f\n", what, s->cpu[runs / 2], what, s->wall[runs / 2]);
}

/* 300 rules on the native arch's syscalls: allows, errnos, and every third
 * with an argument condition, x86 and x32 added as on a real host. */
static char *profile_json(void)
{
    size_t cap = 1 << 16, len = 0;
    char *s = xmalloc(cap);
    len += (size_t)snprintf(s, cap,
                            "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{"
                            "\"cwd\":\"/\",\"args\":[\"x\"],\"user\":{\"uid\":0,\"gid\":0}},"
                            "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                            "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
                            "\"SCMP_ARCH_X32\"],\"syscalls\":[");
    int rules = 0;
    for (int nr = 0; nr < 1024 && rules < RULES; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
        if (name == NULL)
            continue;
        if (cap - len < 512)
            s = xrealloc(s, cap *= 2);
        len += (size_t)snprintf(
            s + len, cap - len, "%s{\"names\":[\"%s\"],\"action\":%s", rules ? "," : "", name,
            rules % 2 ? "\"SCMP_ACT_ALLOW\"" : "\"SCMP_ACT_ERRNO\",\"errnoRet\":13");
        if (rules % 3 == 0)
            len += (size_t)snprintf(s + len, cap - len,
                                    ",\"args\":[{\"index\":0,\"value\":%d,\"op\":\"SCMP_CMP_NE\"}]",
                                    rules);
        len += (size_t)snprintf(s + len, cap - len, "}");
        free(name);
        rules++;
    }
    snprintf(s + len, cap - len, "]}}}");
    return s;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 100;
    _cleanup_free_ char *json = profile_json();
    oci_config *c = NULL;
    nk_error *err = NULL;
    if (oci_config_parse(json, strlen(json), &c, &err) < 0) {
        fprintf(stderr, "%s\n", nk_error_text(err));
        return 1;
    }
    sample t = {.cpu = xcalloc((size_t)runs, sizeof(double)),
                .wall = xcalloc((size_t)runs, sizeof(double))};
    size_t insns = 0;
    for (int i = 0; i < runs; i++) {
        void *bpf;
        start(&t);
        if (nk_seccomp_compile(&c->linux.seccomp, &bpf, &insns, &err) < 0) {
            fprintf(stderr, "%s\n", nk_error_text(err));
            return 1;
        }
        stop(&t, i);
        free(bpf);
    }
    printf("rules=%zu instructions=%zu runs=%d\n", c->linux.seccomp.n_syscalls, insns, runs);
    report("compile", &t, runs);

    char root[] = "/tmp/nook-bench-cache.XXXXXX";
    if (mkdtemp(root) == NULL)
        return 1;
    nk_seccomp_prog p;
    if (nk_seccomp_prepare(&c->linux.seccomp, root, &p, &err) < 0)
        return 1;
    nk_seccomp_prog_clear(&p);
    for (int i = 0; i < runs; i++) {
        start(&t);
        if (nk_seccomp_prepare(&c->linux.seccomp, root, &p, &err) < 0 || !p.from_cache) {
            fprintf(stderr, "cache miss\n");
            return 1;
        }
        stop(&t, i);
        nk_seccomp_prog_clear(&p);
    }
    report("cached", &t, runs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    if (system(cmd) != 0)
        return 1;
    free(t.cpu);
    free(t.wall);
    oci_config_free(c);
    return 0;
}
