/* cgroup v2 has no devices.allow: device access is decided by an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. nook
 * compiles the rule list into one: rules are tried last to first, the first
 * that matches decides; no match means allowed (the kernel's default, as on
 * v1 before any rule is written). A deny-all rule matches everything, so it
 * hides the rules before it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define INSN(c, d, s, o, i)                                                                        \
    ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o)   INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV_IMM(d, i)    INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s)    INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define AND_IMM(d, i)    INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i)    INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define EXIT()           INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* registers: r2 type, r3 access, r4 major, r5 minor, r6 scratch */
typedef struct prog {
    struct bpf_insn *v;
    size_t n;
} prog;

static void emit(prog *p, struct bpf_insn i)
{
    p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
    p->v[p->n++] = i;
}

/* One rule: jumps with offset -1 are patched to the end of the block.
 * Returns true when the rule matches every access (nothing after it can
 * run, and the verifier refuses unreachable code). */
static bool emit_rule(prog *p, const nk_cg_dev_rule *r)
{
    size_t start = p->n;
    if (r->type == 'c' || r->type == 'b')
        emit(p, JNE_IMM(2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, -1));
    if ((r->access & 7) != 7) {
        emit(p, MOV_REG(6, 3));
        if (r->allow) {
            /* allow: every requested access must be allowed */
            emit(p, AND_IMM(6, (int32_t)(~r->access & 7)));
            emit(p, JNE_IMM(6, 0, -1));
        } else {
            /* deny: any requested access that is denied */
            emit(p, AND_IMM(6, (int32_t)r->access));
            emit(p, JEQ_IMM(6, 0, -1));
        }
    }
    if (r->major >= 0)
        emit(p, JNE_IMM(4, (int32_t)r->major, -1));
    if (r->minor >= 0)
        emit(p, JNE_IMM(5, (int32_t)r->minor, -1));
    emit(p, MOV_IMM(0, r->allow ? 1 : 0));
    emit(p, EXIT());
    bool all = p->n - start == 2;
    for (size_t i = start; i < p->n; i++)
        if (BPF_CLASS(p->v[i].code) == BPF_JMP && p->v[i].off == -1)
            p->v[i].off = (int16_t)(p->n - i - 1);
    return all;
}

static void compile(const nk_cg_dev_rule *rules, size_t n, prog *p)
{
    emit(p, LDX_W(2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
    emit(p, MOV_REG(3, 2));
    emit(p, AND_IMM(2, 0xffff));
    emit(p, RSH_IMM(3, 16));
    emit(p, LDX_W(4, 1, offsetof(struct bpf_cgroup_dev_ctx, major)));
    emit(p, LDX_W(5, 1, offsetof(struct bpf_cgroup_dev_ctx, minor)));
    for (size_t i = n; i-- > 0;)
        if (emit_rule(p, &rules[i]))
            return;
    emit(p, MOV_IMM(0, 1));
    emit(p, EXIT());
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load_with_log(const prog *p, char *log, uint32_t log_size)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insns = (uint64_t)(uintptr_t)p->v;
    a.insn_cnt = (uint32_t)p->n;
    a.license = (uint64_t)(uintptr_t) "Apache";
    if (log != NULL) {
        a.log_buf = (uint64_t)(uintptr_t)log;
        a.log_size = log_size;
        a.log_level = 1;
    }
    return sys_bpf(BPF_PROG_LOAD, &a);
}

static int load(const prog *p, nk_error **err)
{
    /* no verifier log on the way that works: a log that does not fit its
     * buffer turns a good program into ENOSPC */
    int fd = load_with_log(p, NULL, 0);
    if (fd >= 0)
        return fd;
    int e = errno;
    enum { LOG_SIZE = 65536 };
    _cleanup_free_ char *log = xzalloc(LOG_SIZE);
    (void)load_with_log(p, log, LOG_SIZE);
    /* the verifier's last complete line says why */
    size_t len = strlen(log);
    while (len > 0 && log[len - 1] == '\n')
        log[--len] = '\0';
    char *last = strrchr(log, '\n');
    const char *why = last != NULL ? last + 1 : log;
    return nk_err(err, e, "linux.resources.devices: load the eBPF device filter%s%.200s",
                  why[0] ? ": " : "", why);
}

/* ids of the device programs attached to the cgroup now */
static int attached(int cgfd, uint32_t *ids, uint32_t *n)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.query.target_fd = (uint32_t)cgfd;
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.prog_ids = (uint64_t)(uintptr_t)ids;
    a.query.prog_cnt = *n;
    if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
        return -1;
    *n = a.query.prog_cnt;
    return 0;
}

static void detach(int cgfd, uint32_t id)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_id = id;
    int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
    if (fd < 0)
        return;
    memset(&a, 0, sizeof(a));
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)fd;
    a.attach_type = BPF_CGROUP_DEVICE;
    (void)sys_bpf(BPF_PROG_DETACH, &a);
    close(fd);
}

int nk_cg_devices_bpf(const char *dir, const nk_cg_dev_rule *rules, size_t n, nk_error **err)
{
    prog p = {0};
    compile(rules, n, &p);
    _cleanup_close_ int prog_fd = load(&p, err);
    free(p.v);
    if (prog_fd < 0)
        return -1;
    _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0)
        return nk_err(err, errno, "open cgroup `%s`", dir);
    uint32_t old[64], n_old = 64;
    if (attached(cgfd, old, &n_old) < 0)
        n_old = 0;
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)prog_fd;
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
        return nk_err(err, errno, "linux.resources.devices: attach the eBPF device filter to `%s`",
                      dir);
    /* the new filter is in place before the old ones go: no window where
     * the container could open everything */
    for (uint32_t i = 0; i < n_old; i++)
        detach(cgfd, old[i]);
    return 0;
}
