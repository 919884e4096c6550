/* linux.seccomp: names are validated here so the filter builder only ever
 * sees ones it knows; syscall names are not, since they vary by arch and
 * libseccomp version (runc ignores unknown ones too). */
#include <stdlib.h>
#include <string.h>

#include "oci/config_internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static const jr_name actions[] = {
    {"SCMP_ACT_KILL", 0},        {"SCMP_ACT_KILL_PROCESS", 0},
    {"SCMP_ACT_KILL_THREAD", 0}, {"SCMP_ACT_TRAP", 0},
    {"SCMP_ACT_ERRNO", 1},       {"SCMP_ACT_TRACE", 1},
    {"SCMP_ACT_ALLOW", 0},       {"SCMP_ACT_LOG", 0},
    {"SCMP_ACT_NOTIFY", 0},      {NULL, 0},
};

static const jr_name operators[] = {
    {"SCMP_CMP_NE", 0}, {"SCMP_CMP_LT", 0}, {"SCMP_CMP_LE", 0},        {"SCMP_CMP_EQ", 0},
    {"SCMP_CMP_GE", 0}, {"SCMP_CMP_GT", 0}, {"SCMP_CMP_MASKED_EQ", 0}, {NULL, 0},
};

static const jr_name archs[] = {
    {"SCMP_ARCH_NATIVE", 0},
    {"SCMP_ARCH_X86", 0},
    {"SCMP_ARCH_X86_64", 0},
    {"SCMP_ARCH_X32", 0},
    {"SCMP_ARCH_ARM", 0},
    {"SCMP_ARCH_AARCH64", 0},
    {"SCMP_ARCH_MIPS", 0},
    {"SCMP_ARCH_MIPS64", 0},
    {"SCMP_ARCH_MIPS64N32", 0},
    {"SCMP_ARCH_MIPSEL", 0},
    {"SCMP_ARCH_MIPSEL64", 0},
    {"SCMP_ARCH_MIPSEL64N32", 0},
    {"SCMP_ARCH_PPC", 0},
    {"SCMP_ARCH_PPC64", 0},
    {"SCMP_ARCH_PPC64LE", 0},
    {"SCMP_ARCH_S390", 0},
    {"SCMP_ARCH_S390X", 0},
    {"SCMP_ARCH_PARISC", 0},
    {"SCMP_ARCH_PARISC64", 0},
    {"SCMP_ARCH_RISCV64", 0},
    {"SCMP_ARCH_LOONGARCH64", 0},
    {"SCMP_ARCH_M68K", 0},
    {"SCMP_ARCH_SH", 0},
    {"SCMP_ARCH_SHEB", 0},
    {NULL, 0},
};

static const jr_name filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    {"SECCOMP_FILTER_FLAG_LOG", 0},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0},
    {NULL, 0},
};

/* Reads an action at key and an optional errno at errno_key, refusing an
 * errno the action would not use (runc refuses it too). */
static int parse_action(const jr *r, const jr_path *p, yajl_val v, const char *key,
                        const char *errno_key, char **action, bool *has_errno, uint32_t *errno_ret)
{
    if (jr_str(r, p, v, key, true, action) < 0)
        return -1;
    const jr_name *a = jr_lookup(actions, *action);
    if (a == NULL)
        return jr_fail(r, JR_KEY(p, key), "unknown action \"%s\"", *action);
    int rc = jr_u32(r, p, v, errno_key, false, errno_ret);
    if (rc < 0)
        return -1;
    *has_errno = rc > 0;
    if (*has_errno && !a->value)
        return jr_fail(r, JR_KEY(p, errno_key),
                       "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", *action);
    return 0;
}

static int parse_arg(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_seccomp_arg *a = out;
    if (jr_want_object(r, p, v) < 0)
        return -1;
    int index = 0;
    /* seccomp_data has six argument slots */
    if (jr_int_range(r, p, v, "index", true, 0, 5, &index) < 0)
        return -1;
    a->index = (uint32_t)index;
    if (jr_u64(r, p, v, "value", true, &a->value) < 0 ||
        jr_u64(r, p, v, "valueTwo", false, &a->value_two) < 0 ||
        jr_str(r, p, v, "op", true, &a->op) < 0)
        return -1;
    if (jr_lookup(operators, a->op) == NULL)
        return jr_fail(r, JR_KEY(p, "op"), "unknown operator \"%s\"", a->op);
    return 0;
}

static int parse_syscall(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_seccomp_syscall *s = out;
    if (jr_want_object(r, p, v) < 0)
        return -1;
    if (jr_get(v, "names") == NULL)
        return jr_fail(r, JR_KEY(p, "names"), "is required");
    if (jr_strv(r, p, v, "names", &s->names) < 0)
        return -1;
    if (s->names.len == 0)
        return jr_fail(r, JR_KEY(p, "names"), "must not be empty");
    if (parse_action(r, p, v, "action", "errnoRet", &s->action, &s->has_errno_ret, &s->errno_ret) <
        0)
        return -1;
    return JR_ARRAY_OF(r, p, v, "args", parse_arg, &s->args, &s->n_args);
}

int oci_parse_seccomp(const jr *r, const jr_path *p, yajl_val v, oci_seccomp *s)
{
    if (jr_want_object(r, p, v) < 0)
        return -1;
    if (parse_action(r, p, v, "defaultAction", "defaultErrnoRet", &s->default_action,
                     &s->has_default_errno_ret, &s->default_errno_ret) < 0)
        return -1;
    if (jr_strv(r, p, v, "architectures", &s->architectures) < 0 ||
        jr_check_names(r, JR_KEY(p, "architectures"), &s->architectures, archs, "architecture") <
            0 ||
        jr_strv(r, p, v, "flags", &s->flags) < 0 ||
        jr_check_names(r, JR_KEY(p, "flags"), &s->flags, filter_flags, "flag") < 0 ||
        jr_str(r, p, v, "listenerPath", false, &s->listener_path) < 0 ||
        jr_str(r, p, v, "listenerMetadata", false, &s->listener_metadata) < 0)
        return -1;
    return JR_ARRAY_OF(r, p, v, "syscalls", parse_syscall, &s->syscalls, &s->n_syscalls);
}

void oci_seccomp_clear(oci_seccomp *s)
{
    free(s->default_action);
    oci_strv_clear(&s->architectures);
    oci_strv_clear(&s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        oci_seccomp_syscall *sc = &s->syscalls[i];
        oci_strv_clear(&sc->names);
        free(sc->action);
        for (size_t j = 0; j < sc->n_args; j++)
            free(sc->args[j].op);
        free(sc->args);
    }
    free(s->syscalls);
    memset(s, 0, sizeof(*s));
}
