/* The cold path's one-off job alone in the smallest process that can do it:
 * what peak RSS a first run on an empty root could get down to while it
 * compiles the seccomp profile with libseccomp, on this kernel and libc.
 *
 *   bench-rss-floor-seccomp CONFIG.json   compile linux.seccomp as nook does
 *                                         (one context per architecture, one
 *                                         after another; binary tree) and
 *                                         export each
 *
 * static-pie like nook and linked with only libseccomp and yajl (for the
 * config): whatever else a binary holds shows up in its RSS, since this
 * kernel maps the page cache in large folios. It prints nothing: the bench
 * reads its peak RSS from wait4 as for every command. Exit status 0 when the
 * work succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <yajl/yajl_tree.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *str(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val s = yajl_tree_get(v, path, yajl_t_string);
    return s != NULL ? YAJL_GET_STRING(s) : NULL;
}

static int64_t num(yajl_val v, const char *key, int64_t dflt)
{
    const char *path[] = {key, NULL};
    yajl_val n = yajl_tree_get(v, path, yajl_t_number);
    return n != NULL ? YAJL_GET_INTEGER(n) : dflt;
}

static uint32_t action(const char *a, int64_t errno_ret)
{
    if (strcmp(a, "SCMP_ACT_ALLOW") == 0)
        return SCMP_ACT_ALLOW;
    if (strcmp(a, "SCMP_ACT_ERRNO") == 0)
        return SCMP_ACT_ERRNO((uint16_t)errno_ret);
    if (strcmp(a, "SCMP_ACT_KILL") == 0 || strcmp(a, "SCMP_ACT_KILL_THREAD") == 0)
        return SCMP_ACT_KILL;
    if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0)
        return SCMP_ACT_KILL_PROCESS;
    if (strcmp(a, "SCMP_ACT_TRAP") == 0)
        return SCMP_ACT_TRAP;
    if (strcmp(a, "SCMP_ACT_LOG") == 0)
        return SCMP_ACT_LOG;
    return SCMP_ACT_TRACE((uint16_t)errno_ret);
}

static enum scmp_compare op(const char *o)
{
    static const char *const names[] = {"SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
                                        "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
                                        "SCMP_CMP_MASKED_EQ"};
    for (int i = 0; i < 7; i++)
        if (strcmp(o, names[i]) == 0)
            return (enum scmp_compare)(SCMP_CMP_NE + i);
    return _SCMP_CMP_MIN;
}

static int add_rules(scmp_filter_ctx ctx, uint32_t def, yajl_val syscalls)
{
    for (size_t i = 0; syscalls != NULL && i < YAJL_GET_ARRAY(syscalls)->len; i++) {
        yajl_val s = YAJL_GET_ARRAY(syscalls)->values[i];
        uint32_t act = action(str(s, "action"), num(s, "errnoRet", EPERM));
        if (act == def)
            continue;
        struct scmp_arg_cmp cmp[6];
        unsigned n_args = 0;
        const char *args_path[] = {"args", NULL}, *names_path[] = {"names", NULL};
        yajl_val args = yajl_tree_get(s, args_path, yajl_t_array);
        for (size_t a = 0; args != NULL && a < YAJL_GET_ARRAY(args)->len && n_args < 6; a++) {
            yajl_val x = YAJL_GET_ARRAY(args)->values[a];
            cmp[n_args++] = (struct scmp_arg_cmp){(unsigned)num(x, "index", 0), op(str(x, "op")),
                                                  (scmp_datum_t)num(x, "value", 0),
                                                  (scmp_datum_t)num(x, "valueTwo", 0)};
        }
        yajl_val names = yajl_tree_get(s, names_path, yajl_t_array);
        for (size_t k = 0; names != NULL && k < YAJL_GET_ARRAY(names)->len; k++) {
            int nr =
                seccomp_syscall_resolve_name(YAJL_GET_STRING(YAJL_GET_ARRAY(names)->values[k]));
            if (nr != __NR_SCMP_ERROR && seccomp_rule_add_array(ctx, act, nr, n_args, cmp) < 0)
                return -1;
        }
    }
    return 0;
}

static scmp_filter_ctx new_ctx(uint32_t def, uint32_t arch)
{
    scmp_filter_ctx ctx = seccomp_init(def);
    if (ctx == NULL || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
        return NULL;
    if (arch != 0 &&
        (seccomp_arch_add(ctx, arch) < 0 || seccomp_arch_remove(ctx, seccomp_arch_native()) < 0))
        return NULL;
    return ctx;
}

static int compile(const char *config)
{
    FILE *f = fopen(config, "r");
    static char buf[1 << 20];
    size_t len = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f == NULL || len == 0)
        return 1;
    fclose(f);
    buf[len] = '\0';
    yajl_val root = yajl_tree_parse(buf, NULL, 0);
    const char *sc_path[] = {"linux", "seccomp", NULL};
    yajl_val sc = root != NULL ? yajl_tree_get(root, sc_path, yajl_t_object) : NULL;
    if (sc == NULL)
        return 1;
    const char *sys_path[] = {"syscalls", NULL}, *arch_path[] = {"architectures", NULL};
    yajl_val syscalls = yajl_tree_get(sc, sys_path, yajl_t_array);
    yajl_val archs = yajl_tree_get(sc, arch_path, yajl_t_array);
    uint32_t def = action(str(sc, "defaultAction"), num(sc, "defaultErrnoRet", EPERM));
    /* the native architecture, then the profile's others, each compiled
     * alone and released before the next (chaining the programs costs no
     * memory worth counting: they are appended to one memfd) */
    uint32_t done[16] = {seccomp_arch_native()};
    size_t n_done = 1;
    int fd = memfd_create("bpf", MFD_CLOEXEC);
    scmp_filter_ctx ctx = new_ctx(def, 0);
    if (fd < 0 || ctx == NULL || add_rules(ctx, def, syscalls) < 0 ||
        seccomp_export_bpf(ctx, fd) != 0)
        return 1;
    seccomp_release(ctx);
    for (size_t i = 0; archs != NULL && i < YAJL_GET_ARRAY(archs)->len; i++) {
        const char *name = YAJL_GET_STRING(YAJL_GET_ARRAY(archs)->values[i]);
        char lower[32];
        size_t n = 0;
        for (const char *p = name + strlen("SCMP_ARCH_"); *p != '\0' && n < sizeof(lower) - 1; p++)
            lower[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        lower[n] = '\0';
        uint32_t a = seccomp_arch_resolve_name(lower);
        bool seen = a == 0 || n_done == sizeof(done) / sizeof(done[0]);
        for (size_t j = 0; j < n_done && !seen; j++)
            seen = done[j] == a;
        if (seen)
            continue;
        done[n_done++] = a;
        ctx = new_ctx(def, a);
        if (ctx == NULL || add_rules(ctx, def, syscalls) < 0 || seccomp_export_bpf(ctx, fd) != 0)
            return 1;
        seccomp_release(ctx);
    }
    return lseek(fd, 0, SEEK_END) > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return compile(argv[1]);
    fprintf(stderr, "usage: bench-rss-floor-seccomp CONFIG.json\n");
    return 2;
}
