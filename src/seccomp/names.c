/* The OCI names of seccomp actions, operators, architectures and flags, and
 * what libseccomp and the kernel call them. config_seccomp.c already refused
 * names outside these lists; here they become numbers. */
#include "seccomp/names.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Not in every linux/seccomp.h this may be built against. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

const char *const nk_seccomp_action_names[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",        NULL,
};

const char *const nk_seccomp_operator_names[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

/* Every architecture the runtime-spec names, sorted; which ones this
 * libseccomp knows is asked at run time. */
static const char *const all_archs[] = {
    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_ARM",         "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",      "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
    "SCMP_ARCH_X32",      "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      NULL,
};

static const struct {
    const char *name;
    unsigned long flag;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

int nk_seccomp_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out)
{
    uint32_t e = has_errno ? errno_ret : EPERM; /* runc's default errno */
    static const struct {
        const char *name;
        uint32_t act;
    } simple[] = {
        {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
        {"SCMP_ACT_KILL", SCMP_ACT_KILL},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    };
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
        *out = SCMP_ACT_ERRNO(e);
        return 0;
    }
    if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
        *out = SCMP_ACT_TRACE(e);
        return 0;
    }
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (strcmp(name, simple[i].name) == 0) {
            *out = simple[i].act;
            return 0;
        }
    return -1;
}

int nk_seccomp_operator(const char *name, int *out)
{
    static const struct {
        const char *name;
        int op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(name, ops[i].name) == 0) {
            *out = ops[i].op;
            return 0;
        }
    return -1;
}

uint32_t nk_seccomp_arch(const char *name)
{
    const char *prefix = "SCMP_ARCH_";
    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return 0;
    name += strlen(prefix);
    if (strcmp(name, "NATIVE") == 0)
        return seccomp_arch_native();
    char lower[32];
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < sizeof(lower); i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    return seccomp_arch_resolve_name(lower);
}

int nk_seccomp_flag(const char *name, unsigned long *out)
{
    for (size_t i = 0; i < N_FLAGS; i++)
        if (strcmp(name, flags[i].name) == 0) {
            *out = flags[i].flag;
            return 0;
        }
    return -1;
}

/* A flag the kernel knows makes seccomp() fail on the NULL program (EFAULT)
 * instead of on the flags (EINVAL). Needs no privilege and loads nothing. */
bool nk_seccomp_kernel_has_flag(unsigned long flag)
{
    unsigned long f = flag;
    /* the kernel only takes this one together with a listener */
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL);
    return rc < 0 && errno == EFAULT;
}

size_t nk_seccomp_known_archs(const char **out, size_t max)
{
    size_t n = 0;
    for (const char *const *a = all_archs; *a != NULL && n < max; a++)
        if (nk_seccomp_arch(*a) != 0)
            out[n++] = *a;
    return n;
}

size_t nk_seccomp_flag_names(const char **out, size_t max, bool only_supported)
{
    size_t n = 0;
    for (size_t i = 0; i < N_FLAGS && n < max; i++)
        if (!only_supported || nk_seccomp_kernel_has_flag(flags[i].flag))
            out[n++] = flags[i].name;
    return n;
}

const char *nk_seccomp_lib_version(void)
{
    static char buf[48];
    const struct scmp_version *v = seccomp_version();
    if (v == NULL)
        return NULL;
    snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
    return buf;
}
