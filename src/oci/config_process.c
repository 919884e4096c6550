/* process: the same parser serves config.json and `exec --process`. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "oci/config_internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* (uid_t)-1 means "unchanged" to setresuid(), so it is no valid id. */
#define MAX_ID (UINT32_MAX - 1)

static const jr_name rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {NULL, 0},
};

/* Kernel ABI numbers (linux/ioprio.h, uapi/linux/sched.h): spelled out so the
 * parser does not depend on how new the installed headers are. */
static const jr_name ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
    {NULL, 0},
};

static const jr_name sched_policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}, {NULL, 0},
};

static const jr_name sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0},
};

static int parse_user(const jr *r, const jr_path *p, yajl_val v, oci_user *u)
{
    if (jr_want_object(r, p, v) < 0)
        return -1;
    uint64_t n;
    yajl_val f;
    if ((f = jr_get(v, "uid")) != NULL) {
        if (jr_val_uint(r, JR_KEY(p, "uid"), f, MAX_ID, &n) < 0)
            return -1;
        u->uid = (uint32_t)n;
    }
    if ((f = jr_get(v, "gid")) != NULL) {
        if (jr_val_uint(r, JR_KEY(p, "gid"), f, MAX_ID, &n) < 0)
            return -1;
        u->gid = (uint32_t)n;
    }
    if ((f = jr_get(v, "umask")) != NULL) {
        if (jr_val_uint(r, JR_KEY(p, "umask"), f, 0777, &n) < 0)
            return -1;
        u->umask = (uint32_t)n;
        u->has_umask = true;
    }
    yajl_val gids;
    int rc = jr_array(r, p, v, "additionalGids", &gids);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        const jr_path *gp = JR_KEY(p, "additionalGids");
        size_t len = gids->u.array.len;
        u->additional_gids = xcalloc(len, sizeof(uint32_t));
        for (size_t i = 0; i < len; i++) {
            if (jr_val_uint(r, JR_IDX(gp, i), gids->u.array.values[i], MAX_ID, &n) < 0)
                return -1;
            u->additional_gids[i] = (uint32_t)n;
            u->n_additional_gids++;
        }
    }
    return jr_str(r, p, v, "username", false, &u->username) < 0 ? -1 : 0;
}

static int parse_capabilities(const jr *r, const jr_path *p, yajl_val v, oci_capabilities *c)
{
    if (jr_want_object(r, p, v) < 0)
        return -1;
    int rc;
    if ((rc = jr_strv(r, p, v, "bounding", &c->bounding)) < 0)
        return -1;
    c->has_bounding = rc > 0;
    if ((rc = jr_strv(r, p, v, "effective", &c->effective)) < 0)
        return -1;
    c->has_effective = rc > 0;
    if ((rc = jr_strv(r, p, v, "inheritable", &c->inheritable)) < 0)
        return -1;
    c->has_inheritable = rc > 0;
    if ((rc = jr_strv(r, p, v, "permitted", &c->permitted)) < 0)
        return -1;
    c->has_permitted = rc > 0;
    if ((rc = jr_strv(r, p, v, "ambient", &c->ambient)) < 0)
        return -1;
    c->has_ambient = rc > 0;
    return 0;
}

static int parse_rlimit(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_rlimit *rl = out;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "type", true, &rl->type) < 0)
        return -1;
    const jr_name *name = jr_lookup(rlimit_names, rl->type);
    if (name == NULL)
        return jr_fail(r, JR_KEY(p, "type"), "unknown rlimit type \"%s\"", rl->type);
    rl->resource = name->value;
    if (jr_u64(r, p, v, "soft", true, &rl->soft) < 0 ||
        jr_u64(r, p, v, "hard", true, &rl->hard) < 0)
        return -1;
    if (rl->soft > rl->hard)
        return jr_fail(r, JR_KEY(p, "soft"), "must not be greater than hard (%llu > %llu)",
                       (unsigned long long)rl->soft, (unsigned long long)rl->hard);
    return 0;
}

static int parse_rlimits(const jr *r, const jr_path *p, yajl_val v, oci_process *proc)
{
    int rc = JR_ARRAY_OF(r, p, v, "rlimits", parse_rlimit, &proc->rlimits, &proc->n_rlimits);
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < proc->n_rlimits; i++) {
        for (size_t j = 0; j < i; j++) {
            if (proc->rlimits[j].resource == proc->rlimits[i].resource)
                return jr_fail(r, JR_KEY(JR_IDX(JR_KEY(p, "rlimits"), i), "type"),
                               "duplicate rlimit type \"%s\"", proc->rlimits[i].type);
        }
    }
    return 1;
}

static int parse_io_priority(const jr *r, const jr_path *p, yajl_val v, oci_io_priority *io)
{
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "class", true, &io->class_name) < 0)
        return -1;
    const jr_name *cls = jr_lookup(ioprio_classes, io->class_name);
    if (cls == NULL)
        return jr_fail(r, JR_KEY(p, "class"), "unknown class \"%s\"", io->class_name);
    io->class_value = cls->value;
    return jr_int_range(r, p, v, "priority", false, 0, 7, &io->priority) < 0 ? -1 : 0;
}

static int parse_scheduler(const jr *r, const jr_path *p, yajl_val v, oci_scheduler *s)
{
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "policy", true, &s->policy) < 0)
        return -1;
    const jr_name *pol = jr_lookup(sched_policies, s->policy);
    if (pol == NULL)
        return jr_fail(r, JR_KEY(p, "policy"), "unknown policy \"%s\"", s->policy);
    s->policy_value = pol->value;
    int rc, nice = 0;
    if ((rc = jr_int_range(r, p, v, "nice", false, -20, 19, &nice)) < 0)
        return -1;
    s->nice = nice;
    s->has_nice = rc > 0;
    if ((rc = jr_i32(r, p, v, "priority", false, &s->priority)) < 0)
        return -1;
    s->has_priority = rc > 0;
    if (jr_strv(r, p, v, "flags", &s->flags) < 0 ||
        jr_check_names(r, JR_KEY(p, "flags"), &s->flags, sched_flags, "flag") < 0)
        return -1;
    if ((rc = jr_u64(r, p, v, "runtime", false, &s->runtime)) < 0)
        return -1;
    s->has_runtime = rc > 0;
    if ((rc = jr_u64(r, p, v, "deadline", false, &s->deadline)) < 0)
        return -1;
    s->has_deadline = rc > 0;
    if ((rc = jr_u64(r, p, v, "period", false, &s->period)) < 0)
        return -1;
    s->has_period = rc > 0;
    return 0;
}

static int parse_console_size(const jr *r, const jr_path *p, yajl_val v, oci_process *proc)
{
    yajl_val cs;
    int rc = jr_object(r, p, v, "consoleSize", &cs);
    if (rc <= 0)
        return rc;
    const jr_path *cp = JR_KEY(p, "consoleSize");
    if (jr_u32(r, cp, cs, "height", true, &proc->console_height) < 0 ||
        jr_u32(r, cp, cs, "width", true, &proc->console_width) < 0)
        return -1;
    proc->has_console_size = true;
    return 0;
}

static int parse_args_cwd(const jr *r, const jr_path *p, yajl_val v, oci_process *proc)
{
    if (jr_get(v, "args") == NULL)
        return jr_fail(r, JR_KEY(p, "args"), "is required");
    if (jr_strv(r, p, v, "args", &proc->args) < 0)
        return -1;
    if (proc->args.len == 0)
        return jr_fail(r, JR_KEY(p, "args"), "must not be empty");
    if (jr_str(r, p, v, "cwd", true, &proc->cwd) < 0)
        return -1;
    if (!jr_is_abs(proc->cwd))
        return jr_fail(r, JR_KEY(p, "cwd"), "must be an absolute path");
    return 0;
}

static int parse_optional_objects(const jr *r, const jr_path *p, yajl_val v, oci_process *proc)
{
    yajl_val o;
    int rc;
    if ((rc = jr_object(r, p, v, "capabilities", &o)) < 0)
        return -1;
    if (rc > 0) {
        proc->has_capabilities = true;
        if (parse_capabilities(r, JR_KEY(p, "capabilities"), o, &proc->capabilities) < 0)
            return -1;
    }
    if ((rc = jr_object(r, p, v, "ioPriority", &o)) < 0)
        return -1;
    if (rc > 0) {
        proc->has_io_priority = true;
        if (parse_io_priority(r, JR_KEY(p, "ioPriority"), o, &proc->io_priority) < 0)
            return -1;
    }
    if ((rc = jr_object(r, p, v, "scheduler", &o)) < 0)
        return -1;
    if (rc > 0) {
        proc->has_scheduler = true;
        if (parse_scheduler(r, JR_KEY(p, "scheduler"), o, &proc->scheduler) < 0)
            return -1;
    }
    if ((rc = jr_object(r, p, v, "execCPUAffinity", &o)) < 0)
        return -1;
    if (rc > 0) {
        const jr_path *ap = JR_KEY(p, "execCPUAffinity");
        proc->has_exec_cpu_affinity = true;
        if (jr_str(r, ap, o, "initial", false, &proc->exec_cpu_affinity.initial) < 0 ||
            jr_str(r, ap, o, "final", false, &proc->exec_cpu_affinity.final) < 0)
            return -1;
    }
    return 0;
}

int oci_parse_process(const jr *r, const jr_path *p, yajl_val v, oci_process *proc)
{
    if (jr_want_object(r, p, v) < 0)
        return -1;
    if (jr_bool(r, p, v, "terminal", &proc->terminal) < 0 || parse_console_size(r, p, v, proc) < 0)
        return -1;
    yajl_val user = jr_get(v, "user");
    if (user != NULL && parse_user(r, JR_KEY(p, "user"), user, &proc->user) < 0)
        return -1;
    if (parse_args_cwd(r, p, v, proc) < 0 ||
        jr_str(r, p, v, "commandLine", false, &proc->command_line) < 0 ||
        jr_strv(r, p, v, "env", &proc->env) < 0 || parse_rlimits(r, p, v, proc) < 0 ||
        jr_bool(r, p, v, "noNewPrivileges", &proc->no_new_privileges) < 0 ||
        jr_str(r, p, v, "apparmorProfile", false, &proc->apparmor_profile) < 0 ||
        jr_str(r, p, v, "selinuxLabel", false, &proc->selinux_label) < 0)
        return -1;
    int rc = jr_int_range(r, p, v, "oomScoreAdj", false, -1000, 1000, &proc->oom_score_adj);
    if (rc < 0)
        return -1;
    proc->has_oom_score_adj = rc > 0;
    return parse_optional_objects(r, p, v, proc);
}

static void capabilities_clear(oci_capabilities *c)
{
    oci_strv_clear(&c->bounding);
    oci_strv_clear(&c->effective);
    oci_strv_clear(&c->inheritable);
    oci_strv_clear(&c->permitted);
    oci_strv_clear(&c->ambient);
}

void oci_process_clear(oci_process *p)
{
    free(p->user.additional_gids);
    free(p->user.username);
    oci_strv_clear(&p->args);
    free(p->command_line);
    oci_strv_clear(&p->env);
    free(p->cwd);
    capabilities_clear(&p->capabilities);
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p->io_priority.class_name);
    free(p->scheduler.policy);
    oci_strv_clear(&p->scheduler.flags);
    free(p->exec_cpu_affinity.initial);
    free(p->exec_cpu_affinity.final);
    memset(p, 0, sizeof(*p));
}

void oci_process_free(oci_process *p)
{
    if (p == NULL)
        return;
    oci_process_clear(p);
    free(p);
}

int oci_process_parse(const char *json, size_t len, oci_process **out, nk_error **err)
{
    const jr r = {.doc = "process.json", .err = err};
    yajl_val tree;
    if (jr_parse(&r, json, len, &tree) < 0)
        return -1;
    oci_process *p = xzalloc(sizeof(*p));
    int rc = oci_parse_process(&r, NULL, tree, p);
    jr_tree_free(tree);
    if (rc < 0) {
        oci_process_free(p);
        return -1;
    }
    *out = p;
    return 0;
}
