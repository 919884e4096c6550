/* src/seccomp: the features object, name tables, and (below) compiling
 * profiles to BPF. */
#include <string.h>

#include "oci/json_write.h"
#include "seccomp/seccomp.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static char *features_json(void)
{
    jw w;
    char *out = NULL;
    size_t len = 0;
    _cleanup_error_ nk_error *err = NULL;
    jw_init(&w, NULL);
    nk_seccomp_features_write(&w);
    if (jw_finish(&w, &out, &len, &err) < 0)
        return NULL;
    return out;
}

TEST(features_object)
{
    _cleanup_free_ char *j = features_json();
    CHECK(j != NULL);
    CHECK_CONTAINS(j, "\"enabled\":true");
    CHECK_CONTAINS(j, "\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\","
                      "\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\","
                      "\"SCMP_ACT_NOTIFY\",\"SCMP_ACT_TRACE\",\"SCMP_ACT_TRAP\"]");
    CHECK_CONTAINS(j, "\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\","
                      "\"SCMP_CMP_LE\",\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]");
    /* x86_64, its 32-bit and x32 ABIs: every libseccomp since 2.0 has them */
    CHECK_CONTAINS(j, "\"SCMP_ARCH_X32\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\"]");
    CHECK_CONTAINS(j, "\"knownFlags\":[\"SECCOMP_FILTER_FLAG_LOG\","
                      "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\","
                      "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]");
    /* TSYNC and LOG are in every kernel nook runs on (4.14+) */
    CHECK_CONTAINS(j, "\"supportedFlags\":[\"SECCOMP_FILTER_FLAG_LOG\"");
    CHECK_CONTAINS(j, "\"SECCOMP_FILTER_FLAG_TSYNC\"");
}

TEST(lib_version)
{
    const char *v = nk_seccomp_lib_version();
    CHECK(v != NULL && strchr(v, '.') != NULL);
}

/* ---- compiling and caching ---- */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/state_json.h"
#include "seccomp/internal.h"
#include "seccomp/sha256.h"

static oci_config *parse(const char *seccomp_json)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    json = xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
                     "\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],\"user\":{\"uid\":0,\"gid\":0}},"
                     "\"linux\":{\"seccomp\":%s}}",
                     seccomp_json);
    oci_config *c = NULL;
    if (oci_config_parse(json, strlen(json), &c, &err) < 0) {
        fprintf(stderr, "parse: %s\n", nk_error_text(err));
        return NULL;
    }
    return c;
}

static const char *yield_profile =
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"sched_yield\"],"
    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";

TEST(sha256_vectors)
{
    static const char *abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    uint8_t d[NK_SHA256_LEN];
    char hex[65];
    nk_sha256 h;
    nk_sha256_init(&h);
    nk_sha256_update(&h, "abc", 3);
    nk_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    CHECK_STREQ(hex, abc);
    /* a million 'a's, fed unevenly: crosses every block boundary case */
    nk_sha256_init(&h);
    char a[997];
    memset(a, 'a', sizeof(a));
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof(a) ? left : sizeof(a);
        nk_sha256_update(&h, a, n);
        left -= n;
    }
    nk_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    CHECK_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void sha_hex(const void *data, size_t len, char hex[65])
{
    uint8_t d[NK_SHA256_LEN];
    nk_sha256 h;
    nk_sha256_init(&h);
    nk_sha256_update(&h, data, len);
    nk_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* the SHA extensions' rounds (where the CPU has them) and the portable ones
 * give the same digests: NIST vectors, then every length up to 300 bytes and
 * a 20 KB buffer of pseudo-random bytes */
TEST(sha256_accelerated_and_portable_agree)
{
    static const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[65], hex2[65];
    for (int portable = 0; portable < 2; portable++) {
        nk_sha256_portable_only = portable;
        sha_hex("abc", 3, hex);
        CHECK_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        sha_hex(two, strlen(two), hex);
        CHECK_STREQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        sha_hex("", 0, hex);
        CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
    static uint8_t buf[20000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t i = 0; i <= 301; i++) {
        size_t len = i <= 300 ? i : sizeof(buf);
        nk_sha256_portable_only = true;
        sha_hex(buf, len, hex);
        nk_sha256_portable_only = false;
        sha_hex(buf, len, hex2);
        if (strcmp(hex, hex2) != 0)
            unit_fail(__FILE__, __LINE__, "length %zu: %s (portable) != %s", len, hex, hex2);
        CHECK(strcmp(hex, hex2) == 0);
    }
    nk_sha256_portable_only = false;
}

TEST(compile_gives_bpf)
{
    _cleanup_config_ oci_config *c = parse(yield_profile);
    CHECK(c != NULL);
    nk_seccomp_prog p;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(nk_seccomp_prepare(&c->linux.seccomp, NULL, &p, &err) == 0);
    CHECK(p.len > 4 && p.insns != NULL && !p.notify && !p.from_cache && p.flags == 0);
    nk_seccomp_prog_clear(&p);
}

TEST(notify_needs_a_listener_and_no_default)
{
    _cleanup_error_ nk_error *err = NULL;
    nk_seccomp_prog p;
    _cleanup_config_ oci_config *c =
        parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
              "\"action\":\"SCMP_ACT_NOTIFY\"}]}");
    CHECK(c != NULL);
    CHECK(nk_seccomp_prepare(&c->linux.seccomp, NULL, &p, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "linux.seccomp.listenerPath: is required with SCMP_ACT_NOTIFY");
}

TEST(stage_follows_nnp_and_caps)
{
    _cleanup_config_ oci_config *c = parse(yield_profile);
    CHECK(c != NULL);
    nk_seccomp_prog p = {0};
    c->process.no_new_privileges = true;
    CHECK(nk_seccomp_stage_for(&p, &c->process) == NK_SECCOMP_BEFORE_EXEC);
    p.notify = true;
    CHECK(nk_seccomp_stage_for(&p, &c->process) == NK_SECCOMP_BEFORE_READY);
    c->process.no_new_privileges = false;
    CHECK(nk_seccomp_stage_for(&p, &c->process) == NK_SECCOMP_BEFORE_SETUP);
}

static char *cache_file(const char *root)
{
    _cleanup_free_ char *dir = xasprintf("%s/.seccomp-cache", root);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls %s", dir);
    FILE *f = popen(cmd, "r");
    char name[128] = "";
    if (f == NULL || fgets(name, sizeof(name), f) == NULL) {
        if (f != NULL)
            pclose(f);
        return NULL;
    }
    pclose(f);
    name[strcspn(name, "\n")] = '\0';
    return xasprintf("%s/%s", dir, name);
}

TEST(cache_round_trip_and_tamper)
{
    char root[] = "/tmp/nook-unit-cache.XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    _cleanup_config_ oci_config *c = parse(yield_profile);
    CHECK(c != NULL);
    _cleanup_error_ nk_error *err = NULL;
    nk_seccomp_prog a, b;
    CHECK(nk_seccomp_prepare(&c->linux.seccomp, root, &a, &err) == 0 && !a.from_cache);
    CHECK(nk_seccomp_prepare(&c->linux.seccomp, root, &b, &err) == 0 && b.from_cache);
    CHECK(a.len == b.len && memcmp(a.insns, b.insns, a.len * NK_BPF_INSN_SIZE) == 0);
    nk_seccomp_prog_clear(&b);

    /* one flipped byte of the program: a miss */
    _cleanup_free_ char *file = cache_file(root);
    CHECK(file != NULL);
    int fd = open(file, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    char byte;
    CHECK(pread(fd, &byte, 1, st.st_size - 3) == 1);
    byte ^= 0x40;
    CHECK(pwrite(fd, &byte, 1, st.st_size - 3) == 1);
    close(fd);
    void *insns = NULL;
    size_t len = 0;
    CHECK(nk_seccomp_cache_get(root, &c->linux.seccomp, &insns, &len) < 0);
    /* a different profile does not hit another's entry */
    nk_seccomp_cache_put(root, &c->linux.seccomp, a.insns, a.len);
    CHECK(nk_seccomp_cache_get(root, &c->linux.seccomp, &insns, &len) == 0);
    free(insns);
    c->linux.seccomp.syscalls[0].errno_ret = 43;
    CHECK(nk_seccomp_cache_get(root, &c->linux.seccomp, &insns, &len) < 0);
    /* group-writable: a miss */
    CHECK(chmod(file, 0660) == 0);
    c->linux.seccomp.syscalls[0].errno_ret = 42;
    CHECK(nk_seccomp_cache_get(root, &c->linux.seccomp, &insns, &len) < 0);
    nk_seccomp_prog_clear(&a);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    CHECK(system(cmd) == 0);
}

/* ---- the program's shape: a binary tree, not a list ---------------------- */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Runs a classic BPF seccomp program on one syscall and returns its verdict;
 * *steps is how many instructions it took. The kernel walks the program like
 * this for every syscall number when the filter is attached. */
static uint32_t bpf_run_data(const struct sock_filter *p, size_t len, struct seccomp_data d,
                             size_t *steps, bool *ok)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
    *ok = true;
    *steps = 0;
    for (size_t pc = 0; pc < len; pc++) {
        const struct sock_filter *i = &p[pc];
        ++*steps;
        uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
        switch (BPF_CLASS(i->code)) {
        case BPF_LD:
            if (i->code == (BPF_LD | BPF_W | BPF_ABS) && i->k + 4 <= sizeof(d) && i->k % 4 == 0)
                memcpy(&a, (const char *)&d + i->k, 4);
            else if (i->code == (BPF_LD | BPF_IMM))
                a = i->k;
            else if (i->code == (BPF_LD | BPF_MEM) && i->k < BPF_MEMWORDS)
                a = mem[i->k];
            else
                goto bad;
            break;
        case BPF_LDX:
            if (i->code == (BPF_LDX | BPF_IMM))
                x = i->k;
            else if (i->code == (BPF_LDX | BPF_MEM) && i->k < BPF_MEMWORDS)
                x = mem[i->k];
            else
                goto bad;
            break;
        case BPF_ST:
        case BPF_STX:
            if (i->k >= BPF_MEMWORDS)
                goto bad;
            mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
            break;
        case BPF_ALU:
            switch (BPF_OP(i->code)) {
            case BPF_ADD:
                a += src;
                break;
            case BPF_SUB:
                a -= src;
                break;
            case BPF_AND:
                a &= src;
                break;
            case BPF_OR:
                a |= src;
                break;
            case BPF_LSH:
                a <<= src & 31;
                break;
            case BPF_RSH:
                a >>= src & 31;
                break;
            default:
                goto bad;
            }
            break;
        case BPF_JMP: {
            bool t;
            switch (BPF_OP(i->code)) {
            case BPF_JA:
                pc += i->k;
                continue;
            case BPF_JEQ:
                t = a == src;
                break;
            case BPF_JGT:
                t = a > src;
                break;
            case BPF_JGE:
                t = a >= src;
                break;
            case BPF_JSET:
                t = (a & src) != 0;
                break;
            default:
                goto bad;
            }
            pc += t ? i->jt : i->jf;
            break;
        }
        case BPF_RET:
            return BPF_RVAL(i->code) == BPF_A ? a : i->k;
        case BPF_MISC:
            if (i->code == (BPF_MISC | BPF_TAX))
                x = a;
            else if (i->code == (BPF_MISC | BPF_TXA))
                a = x;
            else
                goto bad;
            break;
        default:
            goto bad;
        }
    }
bad:
    *ok = false;
    return 0;
}

/* The same with arguments 0. */
static uint32_t bpf_run(const struct sock_filter *p, size_t len, int nr, uint32_t arch,
                        size_t *steps, bool *ok)
{
    return bpf_run_data(p, len, (struct seccomp_data){.nr = nr, .arch = arch}, steps, ok);
}

TEST(default_profile_is_a_binary_tree)
{
    _cleanup_free_ char *json = NULL;
    size_t json_len = 0;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_spec_default(false, 0, 0, &json, &json_len, &err) == 0);
    oci_config *c = NULL;
    CHECK(oci_config_parse(json, json_len, &c, &err) == 0);
    _cleanup_config_ oci_config *cfg = c;
    nk_seccomp_prog p;
    CHECK(nk_seccomp_prepare(&cfg->linux.seccomp, NULL, &p, &err) == 0);
    const struct sock_filter *f = p.insns;
    size_t longest = 0, allowed = 0;
    bool ok;
    size_t steps;
    for (int nr = 0; nr < 460; nr++) {
        uint32_t v = bpf_run(f, p.len, nr, AUDIT_ARCH_X86_64, &steps, &ok);
        CHECK(ok);
        allowed += v == SECCOMP_RET_ALLOW;
        if (steps > longest)
            longest = steps;
    }
    /* the verdicts are the profile's: read, getpid allowed; reboot,
     * kexec_load refused with EPERM; i386 getpid allowed */
    const uint32_t deny = SECCOMP_RET_ERRNO | 1;
    CHECK(bpf_run(f, p.len, 0, AUDIT_ARCH_X86_64, &steps, &ok) == SECCOMP_RET_ALLOW);
    CHECK(bpf_run(f, p.len, 39, AUDIT_ARCH_X86_64, &steps, &ok) == SECCOMP_RET_ALLOW);
    CHECK(bpf_run(f, p.len, 169, AUDIT_ARCH_X86_64, &steps, &ok) == deny);
    CHECK(bpf_run(f, p.len, 246, AUDIT_ARCH_X86_64, &steps, &ok) == deny);
    CHECK(bpf_run(f, p.len, 20, AUDIT_ARCH_I386, &steps, &ok) == SECCOMP_RET_ALLOW);
    CHECK(allowed > 300);
    /* ~log2(360) comparisons per syscall: a list would take up to ~360 */
    if (longest > 64)
        unit_fail(__FILE__, __LINE__, "the longest path is %zu instructions (a list, not a tree)",
                  longest);
    nk_seccomp_prog_clear(&p);
}

/* ---- one context per architecture, merged -------------------------------- */
#include <seccomp.h>

#include "seccomp/internal.h"
#include "seccomp/names.h"

/* The profile as one libseccomp context holding every architecture: what
 * compile.c did before it built one context per architecture. */
static int reference_compile(const oci_seccomp *sc, struct sock_filter **out, size_t *len)
{
    uint32_t def;
    if (nk_seccomp_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret,
                          &def) < 0)
        return -1;
    scmp_filter_ctx ctx = seccomp_init(def);
    int rc = ctx != NULL ? seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) : -1;
    for (size_t i = 0; rc == 0 && i < sc->architectures.len; i++) {
        rc = seccomp_arch_add(ctx, nk_seccomp_arch(sc->architectures.v[i]));
        rc = rc == -EEXIST ? 0 : rc;
    }
    for (size_t i = 0; rc == 0 && i < sc->n_syscalls; i++) {
        const oci_seccomp_syscall *s = &sc->syscalls[i];
        uint32_t act;
        struct scmp_arg_cmp cmp[6];
        if (s->n_args > 6 || nk_seccomp_action(s->action, s->has_errno_ret, s->errno_ret, &act) < 0)
            rc = -1;
        if (rc < 0 || act == def)
            continue;
        for (size_t a = 0; a < s->n_args; a++) {
            int op = 0;
            rc |= nk_seccomp_operator(s->args[a].op, &op);
            cmp[a] = (struct scmp_arg_cmp){s->args[a].index, (enum scmp_compare)op,
                                           s->args[a].value, s->args[a].value_two};
        }
        for (size_t n = 0; rc == 0 && n < s->names.len; n++) {
            int nr = seccomp_syscall_resolve_name(s->names.v[n]);
            if (nr != __NR_SCMP_ERROR)
                rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)s->n_args, cmp);
        }
    }
    char path[] = "/tmp/nook-unit-bpf-XXXXXX";
    int fd = rc == 0 ? mkstemp(path) : -1;
    if (fd >= 0) {
        unlink(path);
        rc = seccomp_export_bpf(ctx, fd);
        off_t size = lseek(fd, 0, SEEK_END);
        *out = xmalloc((size_t)size);
        *len = (size_t)size / sizeof(**out);
        if (rc < 0 || pread(fd, *out, (size_t)size, 0) != size)
            rc = -1;
        close(fd);
    }
    if (ctx != NULL)
        seccomp_release(ctx);
    return fd >= 0 && rc == 0 ? 0 : -1;
}

static oci_config *default_config(void)
{
    _cleanup_free_ char *json = NULL;
    size_t json_len = 0;
    _cleanup_error_ nk_error *err = NULL;
    oci_config *c = NULL;
    if (oci_spec_default(false, 0, 0, &json, &json_len, &err) < 0 ||
        oci_config_parse(json, json_len, &c, &err) < 0)
        return NULL;
    return c;
}

/* *differ: how many of 4 ABIs x 560 numbers x 7 first arguments get another
 * verdict from nook's compile than from the reference; *allowed counts ALLOWs and
 * *seen whether `verdict` was ever returned. x86-64, x32 (the same audit
 * arch, numbers from 0x40000000), i386, and one the profile lacks;
 * arguments that hit the personality and clone rules and ones that miss. */
static void verdicts_differ(const oci_seccomp *sc, uint32_t verdict, size_t *differ,
                            size_t *allowed, bool *seen)
{
    *differ = *allowed = 0;
    *seen = false;
    void *insns = NULL;
    size_t len = 0;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(nk_seccomp_compile(sc, &insns, &len, &err) == 0);
    _cleanup_free_ struct sock_filter *mine = insns;
    _cleanup_free_ struct sock_filter *ref = NULL;
    size_t ref_len = 0;
    CHECK(reference_compile(sc, &ref, &ref_len) == 0);
    static const struct {
        uint32_t arch, base;
    } abis[] = {{AUDIT_ARCH_X86_64, 0},
                {AUDIT_ARCH_X86_64, 0x40000000},
                {AUDIT_ARCH_I386, 0},
                {AUDIT_ARCH_AARCH64, 0}};
    static const uint64_t arg0[] = {0, 0x8, 0x20008, 0xffffffff, 0x10000000, 0x7e020000, 1};
    for (size_t b = 0; b < sizeof(abis) / sizeof(abis[0]); b++)
        for (uint32_t nr = 0; nr < 560; nr++)
            for (size_t a = 0; a < sizeof(arg0) / sizeof(arg0[0]); a++) {
                struct seccomp_data d = {.nr = (int)(abis[b].base + nr), .arch = abis[b].arch};
                d.args[0] = arg0[a];
                size_t steps;
                bool ok1, ok2;
                uint32_t v1 = bpf_run_data(mine, len, d, &steps, &ok1);
                uint32_t v2 = bpf_run_data(ref, ref_len, d, &steps, &ok2);
                CHECK(ok1 && ok2);
                *differ += v1 != v2;
                *allowed += v1 == SECCOMP_RET_ALLOW;
                *seen |= v1 == verdict;
            }
}

TEST(chained_per_arch_programs_give_the_single_context_verdicts)
{
    _cleanup_config_ oci_config *c = default_config();
    CHECK(c != NULL);
    /* the profile the test relies on: three architectures, rules on arguments */
    CHECK(c->linux.seccomp.architectures.len == 3);
    size_t differ, allowed;
    bool seen;
    verdicts_differ(&c->linux.seccomp, SECCOMP_RET_KILL_THREAD, &differ, &allowed, &seen);
    if (differ != 0)
        unit_fail(__FILE__, __LINE__, "%zu of 15680 syscalls got another verdict", differ);
    CHECK(allowed > 1000);
    CHECK(seen); /* the architecture the profile lacks: libseccomp's own bad-arch verdict */
}

/* The chain's link is a return value the profile doesn't use: a rule that
 * returns the first candidate keeps its verdict in every architecture. */
TEST(a_rule_returning_the_link_value_keeps_its_verdict)
{
    _cleanup_config_ oci_config *c = default_config();
    CHECK(c != NULL);
    oci_seccomp_syscall *s = &c->linux.seccomp.syscalls[0];
    free(s->action);
    s->action = xstrdup("SCMP_ACT_TRACE");
    s->has_errno_ret = true;
    s->errno_ret = 0xffff;
    size_t differ, allowed;
    bool seen;
    verdicts_differ(&c->linux.seccomp, SECCOMP_RET_TRACE | 0xffff, &differ, &allowed, &seen);
    if (differ != 0)
        unit_fail(__FILE__, __LINE__, "%zu of 15680 syscalls got another verdict", differ);
    CHECK(seen);
}

/* A profile that returns every SCMP_ACT_TRACE value leaves nothing to link
 * the programs with: it is compiled merged, with the same verdicts. */
TEST(no_free_link_value_compiles_merged)
{
    _cleanup_config_ oci_config *c = default_config();
    CHECK(c != NULL);
    oci_seccomp *sc = &c->linux.seccomp;
    size_t n0 = sc->n_syscalls, n = n0 + 0x10000;
    sc->syscalls = xreallocarray(sc->syscalls, n, sizeof(*sc->syscalls));
    for (size_t i = n0; i < n; i++)
        sc->syscalls[i] = (oci_seccomp_syscall){.action = xstrdup("SCMP_ACT_TRACE"),
                                                .has_errno_ret = true,
                                                .errno_ret = (uint32_t)(i - n0)};
    sc->n_syscalls = n;
    _cleanup_error_ nk_error *err = NULL;
    void *p = NULL;
    size_t len = 0, ref_len = 0;
    CHECK(nk_seccomp_compile(sc, &p, &len, &err) == 0);
    _cleanup_free_ struct sock_filter *mine = p;
    _cleanup_free_ struct sock_filter *ref = NULL;
    CHECK(reference_compile(sc, &ref, &ref_len) == 0);
    /* the entries name no syscall: the default profile's program, merged */
    CHECK(len == ref_len && memcmp(mine, ref, ref_len * sizeof(*ref)) == 0);
}

/* A chain longer than the limit falls back to one merged program: for the
 * default profile, the very instructions of a single-context compile. */
TEST(a_chain_over_the_limit_is_compiled_merged)
{
    _cleanup_config_ oci_config *c = default_config();
    CHECK(c != NULL);
    _cleanup_error_ nk_error *err = NULL;
    void *p = NULL;
    size_t chained = 0, merged = 0, ref_len = 0;
    CHECK(nk_seccomp_compile(&c->linux.seccomp, &p, &chained, &err) == 0);
    free(p);
    CHECK(nk_seccomp_compile_max(&c->linux.seccomp, chained, &p, &merged, &err) == 0);
    free(p);
    CHECK(merged == chained); /* it fits: still the chain */
    CHECK(nk_seccomp_compile_max(&c->linux.seccomp, chained - 1, &p, &merged, &err) == 0);
    _cleanup_free_ struct sock_filter *mine = p;
    _cleanup_free_ struct sock_filter *ref = NULL;
    CHECK(reference_compile(&c->linux.seccomp, &ref, &ref_len) == 0);
    CHECK(merged < chained);
    CHECK(merged == ref_len && memcmp(mine, ref, ref_len * sizeof(*ref)) == 0);
}

#ifndef __SANITIZE_ADDRESS__
/* Counts the live heap while `counting`: every allocation goes through
 * these (libseccomp's too: it is a shared library), then to glibc's own. */
#include <malloc.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static bool counting;
static long long live, peak;

static void *counted(void *p)
{
    if (counting && p != NULL) {
        live += (long long)malloc_usable_size(p);
        if (live > peak)
            peak = live;
    }
    return p;
}

static void uncount(void *p)
{
    if (counting && p != NULL)
        live -= (long long)malloc_usable_size(p);
}

void *malloc(size_t n)
{
    return counted(__libc_malloc(n));
}

void *calloc(size_t n, size_t m)
{
    return counted(__libc_calloc(n, m));
}

void *realloc(void *p, size_t n)
{
    uncount(p);
    void *q = __libc_realloc(p, n);
    if (q == NULL && n != 0)
        return counted(p), NULL; /* p is still there */
    return counted(q);
}

void free(void *p)
{
    uncount(p);
    __libc_free(p);
}

TEST(default_profile_compile_heap_peak)
{
    _cleanup_config_ oci_config *c = default_config();
    CHECK(c != NULL);
    void *insns = NULL;
    size_t len = 0;
    _cleanup_error_ nk_error *err = NULL;
    live = peak = 0;
    counting = true;
    int rc = nk_seccomp_compile(&c->linux.seccomp, &insns, &len, &err);
    counting = false;
    CHECK(rc == 0);
    free(insns);
    /* 452 KiB with libseccomp 2.5.4, one architecture at a time; one
     * context for all three peaked at 1202 KiB, per-architecture contexts
     * merged at 961 KiB */
    if (peak > 600 * 1024 || peak < 100 * 1024)
        unit_fail(__FILE__, __LINE__, "the compile's heap peaked at %lld KiB", peak / 1024);
}
#endif
