/* src/process/: PATH lookup, capability names, and the effects of
 * nk_process_setup/nk_process_exec observed from outside, through
 * /proc/<child>/status of a forked child that ran them. Needs root. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "process/internal.h"
#define UNIT_NO_MAIN
#include "unit.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define STRV(...)                                                                                  \
    ((oci_strv){.v = (char *[]){__VA_ARGS__, NULL},                                                \
                .len = sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

static char scratch[] = "/tmp/nook-process-test-XXXXXX";

static char *scratch_path(const char *name)
{
    return xasprintf("%s/%s", scratch, name);
}

static void make_file(const char *name, mode_t mode)
{
    _cleanup_free_ char *p = scratch_path(name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd >= 0) {
        (void)!write(fd, "#!/bin/sh\n", 10);
        close(fd);
    }
    chmod(p, mode);
}

static void make_dir(const char *name)
{
    _cleanup_free_ char *p = scratch_path(name);
    mkdir(p, 0755);
}

static void write_text(const char *name, const char *text)
{
    _cleanup_free_ char *p = scratch_path(name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, text, strlen(text));
        close(fd);
    }
}

/* ---------- lookup ---------- */

TEST(env_get_last_wins_and_matches_whole_key)
{
    oci_strv env = STRV("PATHX=no", "PATH=/a", "HOME=/h", "PATH=/b");

    CHECK_STREQ(nk_env_get(&env, "PATH"), "/b");
    CHECK_STREQ(nk_env_get(&env, "HOME"), "/h");
    CHECK(nk_env_get(&env, "PAT") == NULL);
    CHECK(nk_env_get(&env, "USER") == NULL);
}

TEST(lookup_skips_non_executables_and_directories)
{
    make_dir("a");
    make_dir("b");
    make_dir("a/prog"); /* a directory named like the program */
    make_dir("c");
    make_file("c/prog", 0644); /* no exec bit */
    make_file("b/prog", 0755);
    _cleanup_free_ char *path_var =
        xasprintf("PATH=%s/nonexistent:%s/a:%s/c:%s/b", scratch, scratch, scratch, scratch);
    oci_process p = {.args = STRV("prog"), .env = {.v = (char *[]){path_var, NULL}, .len = 1}};
    _cleanup_free_ char *found = NULL;
    _cleanup_free_ char *want = scratch_path("b/prog");
    _cleanup_error_ nk_error *err = NULL;

    CHECK(nk_process_lookup(&p, &found, &err) == 0);
    CHECK_STREQ(found, want);
}

TEST(lookup_not_found_reads_like_runc)
{
    _cleanup_free_ char *path_var = xasprintf("PATH=%s/a", scratch);
    oci_process p = {.args = STRV("no-such-cmd"),
                     .env = {.v = (char *[]){path_var, NULL}, .len = 1}};
    _cleanup_free_ char *found = NULL;
    _cleanup_error_ nk_error *err = NULL;

    CHECK(nk_process_lookup(&p, &found, &err) < 0);
    CHECK(found == NULL);
    CHECK_STREQ(nk_error_text(err), "exec: \"no-such-cmd\": executable file not found in $PATH");
}

TEST(lookup_uses_default_path_without_path_in_env)
{
    oci_process p = {.args = STRV("sh"), .env = STRV("HOME=/")};
    _cleanup_free_ char *found = NULL;
    _cleanup_error_ nk_error *err = NULL;

    CHECK(nk_process_lookup(&p, &found, &err) == 0);
    /* /usr/bin comes before /bin in the default PATH */
    CHECK_STREQ(found, "/usr/bin/sh");
}

TEST(lookup_explicit_paths)
{
    _cleanup_free_ char *prog = scratch_path("b/prog");
    _cleanup_free_ char *noexec = scratch_path("c/prog");
    _cleanup_free_ char *dir = scratch_path("a");
    _cleanup_free_ char *found = NULL;

    {
        oci_process p = {.args = {.v = (char *[]){prog, NULL}, .len = 1}};
        _cleanup_error_ nk_error *err = NULL;
        CHECK(nk_process_lookup(&p, &found, &err) == 0);
        CHECK_STREQ(found, prog);
    }
    {
        oci_process p = {.args = STRV("/nonexistent/x")};
        _cleanup_error_ nk_error *err = NULL;
        CHECK(nk_process_lookup(&p, &found, &err) < 0);
        CHECK_STREQ(nk_error_text(err),
                    "exec: \"/nonexistent/x\": stat /nonexistent/x: No such file or directory");
    }
    {
        oci_process p = {.args = {.v = (char *[]){noexec, NULL}, .len = 1}};
        _cleanup_error_ nk_error *err = NULL;
        _cleanup_free_ char *want = xasprintf("exec: \"%s\": Permission denied", noexec);
        CHECK(nk_process_lookup(&p, &found, &err) < 0);
        CHECK_STREQ(nk_error_text(err), want);
    }
    {
        oci_process p = {.args = {.v = (char *[]){dir, NULL}, .len = 1}};
        _cleanup_error_ nk_error *err = NULL;
        CHECK(nk_process_lookup(&p, &found, &err) < 0);
    }
}

TEST(lookup_relative_paths_are_taken_from_process_cwd)
{
    /* the caller may still be elsewhere: "." must mean process.cwd */
    _cleanup_free_ char *cwd = scratch_path("b");
    oci_process p = {.args = STRV("./prog"), .cwd = cwd};
    _cleanup_free_ char *found = NULL;
    _cleanup_error_ nk_error *err = NULL;

    CHECK(nk_process_lookup(&p, &found, &err) == 0);
    CHECK_STREQ(found, "./prog");
}

TEST(lookup_refuses_what_a_relative_path_entry_finds)
{
    _cleanup_free_ char *cwd = scratch_path("b");
    oci_process p = {.args = STRV("prog"), .cwd = cwd, .env = STRV("PATH=/nowhere::/bin")};
    _cleanup_free_ char *found = NULL;
    _cleanup_error_ nk_error *err = NULL;

    CHECK(nk_process_lookup(&p, &found, &err) < 0);
    CHECK_STREQ(nk_error_text(err),
                "exec: \"prog\": cannot run executable found relative to current directory");
}

/* ---------- capability names ---------- */

TEST(cap_names_are_strict)
{
    int v = -1;

    CHECK(nk_cap_from_name("CAP_CHOWN", &v) == 0 && v == 0);
    CHECK(nk_cap_from_name("CAP_SYS_ADMIN", &v) == 0 && v == 21);
    CHECK(nk_cap_from_name("CAP_AUDIT_WRITE", &v) == 0 && v == 29);
    /* libcap alone would accept all of these */
    CHECK(nk_cap_from_name("cap_chown", &v) < 0);
    CHECK(nk_cap_from_name("12", &v) < 0);
    CHECK(nk_cap_from_name("CAP_CHOWN,CAP_KILL", &v) < 0);
    CHECK(nk_cap_from_name("CAP_", &v) < 0);
    CHECK(nk_cap_from_name("CAP_NOT_A_CAP", &v) < 0);
}

TEST(caps_from_config_ignores_unknown_and_defaults_to_none)
{
    oci_process none = {0};
    oci_process p = {.has_capabilities = true};
    nk_caps c;

    memset(&c, 0xff, sizeof(c));
    nk_caps_from_config(&none, &c);
    CHECK(c.bounding == 0 && c.effective == 0 && c.permitted == 0 && c.inheritable == 0 &&
          c.ambient == 0);

    p.capabilities.bounding = STRV("CAP_CHOWN", "CAP_FROM_THE_FUTURE", "CAP_KILL");
    p.capabilities.has_bounding = true;
    nk_caps_from_config(&p, &c);
    CHECK(c.bounding == ((1u << 0) | (1u << 5)));
    CHECK(c.effective == 0 && c.ambient == 0);
}

/* ---------- setup in a child, observed from the parent ---------- */

typedef int (*child_fn)(void *arg, nk_error **err);

typedef struct child {
    pid_t pid;
    int release_wr;
    char *msg; /* "ok" or the error text; heap, so CHECK_STREQ cannot see a size */
} child;

/* The child runs fn, reports, then waits for the parent to look at it. */
static int child_start(child *c, child_fn fn, void *arg)
{
    int report[2], release[2];

    if (pipe2(report, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0)
        return -1;
    fflush(NULL);
    c->pid = fork();
    if (c->pid < 0)
        return -1;
    if (c->pid == 0) {
        nk_error *err = NULL;
        const char *msg = fn(arg, &err) == 0 ? "ok" : nk_error_text(err);
        char b;
        (void)!write(report[1], msg, strlen(msg));
        close(report[1]);
        close(release[1]);
        (void)!read(release[0], &b, 1);
        _exit(0);
    }
    close(report[1]);
    close(release[0]);
    c->release_wr = release[1];
    char buf[1024];
    ssize_t n = read(report[0], buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    c->msg = xstrdup(buf);
    close(report[0]);
    return c->pid > 0 ? 0 : -1;
}

static void child_finish(child *c)
{
    int st;

    if (c->pid <= 0)
        return;
    close(c->release_wr);
    waitpid(c->pid, &st, 0);
    c->pid = -1;
    c->release_wr = -1;
    free(c->msg);
    c->msg = NULL;
}

/* A failed CHECK returns early: the child must still be released. */
#define _cleanup_child_ __attribute__((cleanup(child_finish)))
#define CHILD_INIT                                                                                 \
    {                                                                                              \
        .pid = -1, .release_wr = -1                                                                \
    }

/* "Key:\tvalue" from /proc/<pid>/<file>, trailing blanks removed. */
static char *proc_field(pid_t pid, const char *file, const char *key)
{
    _cleanup_free_ char *path = xasprintf("/proc/%d/%s", pid, file);
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    _cleanup_free_ char *line = NULL;
    size_t cap = 0, klen = strlen(key);

    while (f != NULL && getline(&line, &cap, f) >= 0) {
        if (strncmp(line, key, klen) != 0 || line[klen] != ':')
            continue;
        char *v = line + klen + 1;
        v += strspn(v, " \t");
        size_t n = strlen(v);
        while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
            v[--n] = '\0';
        return xstrdup(v);
    }
    return xstrdup("(missing)");
}

#define CHECK_FIELD(pid, key, want)                                                                \
    do {                                                                                           \
        _cleanup_free_ char *_v = proc_field((pid), "status", (key));                              \
        CHECK_STREQ(_v, (want));                                                                   \
    } while (0)

static int run_setup(void *arg, nk_error **err)
{
    return nk_process_setup(arg, err);
}

TEST(setup_user_groups_and_all_five_sets)
{
    oci_process p = {
        .cwd = "/",
        .no_new_privileges = true,
        .has_capabilities = true,
        .user = {.uid = 1000,
                 .gid = 1001,
                 .additional_gids = (uint32_t[]){20, 10},
                 .n_additional_gids = 2},
    };
    oci_capabilities *c = &p.capabilities;
    _cleanup_child_ child ch = CHILD_INIT;

    c->bounding = STRV("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NO_SUCH_CAP");
    c->permitted = STRV("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    c->effective = STRV("CAP_CHOWN", "CAP_NET_BIND_SERVICE");
    c->inheritable = STRV("CAP_NET_BIND_SERVICE");
    /* CAP_KILL is not inheritable, so it cannot be ambient */
    c->ambient = STRV("CAP_NET_BIND_SERVICE", "CAP_KILL");

    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "ok");
    CHECK_FIELD(ch.pid, "Uid", "1000\t1000\t1000\t1000");
    CHECK_FIELD(ch.pid, "Gid", "1001\t1001\t1001\t1001");
    CHECK_FIELD(ch.pid, "Groups", "10 20");
    CHECK_FIELD(ch.pid, "CapBnd", "0000000000000421");
    CHECK_FIELD(ch.pid, "CapPrm", "0000000000000421");
    CHECK_FIELD(ch.pid, "CapEff", "0000000000000401");
    CHECK_FIELD(ch.pid, "CapInh", "0000000000000400");
    CHECK_FIELD(ch.pid, "CapAmb", "0000000000000400");
    CHECK_FIELD(ch.pid, "NoNewPrivs", "1");
    CHECK_FIELD(ch.pid, "Umask", "0022");
    child_finish(&ch);
}

TEST(setup_without_capabilities_drops_everything)
{
    oci_process p = {.cwd = "/"};
    _cleanup_child_ child ch = CHILD_INIT;

    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "ok");
    CHECK_FIELD(ch.pid, "Uid", "0\t0\t0\t0");
    CHECK_FIELD(ch.pid, "Groups", "");
    CHECK_FIELD(ch.pid, "CapBnd", "0000000000000000");
    CHECK_FIELD(ch.pid, "CapPrm", "0000000000000000");
    CHECK_FIELD(ch.pid, "CapEff", "0000000000000000");
    CHECK_FIELD(ch.pid, "CapInh", "0000000000000000");
    CHECK_FIELD(ch.pid, "CapAmb", "0000000000000000");
    CHECK_FIELD(ch.pid, "NoNewPrivs", "0");
    child_finish(&ch);
}

TEST(setup_docker_default_caps_as_root_with_umask)
{
    oci_process p = {
        .cwd = "/", .has_capabilities = true, .user = {.has_umask = true, .umask = 027}};
    oci_strv dflt = STRV("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
                         "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
                         "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    _cleanup_child_ child ch = CHILD_INIT;

    p.capabilities.bounding = p.capabilities.permitted = p.capabilities.effective = dflt;
    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "ok");
    CHECK_FIELD(ch.pid, "CapBnd", "00000000a80425fb");
    CHECK_FIELD(ch.pid, "CapPrm", "00000000a80425fb");
    CHECK_FIELD(ch.pid, "CapEff", "00000000a80425fb");
    CHECK_FIELD(ch.pid, "CapInh", "0000000000000000");
    CHECK_FIELD(ch.pid, "CapAmb", "0000000000000000");
    CHECK_FIELD(ch.pid, "Umask", "0027");
    child_finish(&ch);
}

static bool have_bounding_cap(int cap)
{
    _cleanup_free_ char *bnd = proc_field(getpid(), "status", "CapBnd");
    return (strtoull(bnd, NULL, 16) >> cap) & 1;
}

static char *limits_line(pid_t pid, const char *name)
{
    _cleanup_free_ char *path = xasprintf("/proc/%d/limits", pid);
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    _cleanup_free_ char *line = NULL;
    size_t cap = 0;

    while (f != NULL && getline(&line, &cap, f) >= 0) {
        if (strncmp(line, name, strlen(name)) != 0)
            continue;
        unsigned long long s, h;
        if (sscanf(line + strlen(name), " %llu %llu", &s, &h) == 2)
            return xasprintf("%llu:%llu", s, h);
    }
    return xstrdup("(missing)");
}

TEST(setup_rlimits_lowered)
{
    oci_rlimit lims[] = {
        {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 100, .hard = 200},
        {.type = "RLIMIT_NPROC", .resource = RLIMIT_NPROC, .soft = 300, .hard = 400},
    };
    oci_process p = {.cwd = "/", .rlimits = lims, .n_rlimits = 2};
    _cleanup_child_ child ch = CHILD_INIT;

    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "ok");
    _cleanup_free_ char *nofile = limits_line(ch.pid, "Max open files");
    _cleanup_free_ char *nproc = limits_line(ch.pid, "Max processes");
    CHECK_STREQ(nofile, "100:200");
    CHECK_STREQ(nproc, "300:400");
    child_finish(&ch);
}

TEST(setup_rlimit_errors_name_the_limit)
{
    struct rlimit cur;
    getrlimit(RLIMIT_NOFILE, &cur);
    oci_rlimit bad[] = {
        {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 50, .hard = 10}};
    oci_process p = {.cwd = "/", .rlimits = bad, .n_rlimits = 1};
    _cleanup_child_ child ch = CHILD_INIT;

    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "process.rlimits[0]: setrlimit RLIMIT_NOFILE: Invalid argument");
    child_finish(&ch);

    /* Raising the hard limit needs CAP_SYS_RESOURCE in our bounding set;
     * hosts (like CI here) without it must see EPERM, named. */
    if (cur.rlim_max == RLIM_INFINITY)
        return;
    oci_rlimit up[] = {{.type = "RLIMIT_NOFILE",
                        .resource = RLIMIT_NOFILE,
                        .soft = cur.rlim_cur,
                        .hard = cur.rlim_max + 1}};
    p.rlimits = up;
    CHECK(child_start(&ch, run_setup, &p) == 0);
    if (have_bounding_cap(24 /* CAP_SYS_RESOURCE */))
        CHECK_STREQ(ch.msg, "ok");
    else
        CHECK_STREQ(ch.msg, "process.rlimits[0]: setrlimit RLIMIT_NOFILE: Operation not permitted");
    child_finish(&ch);
}

/* ---------- cwd ---------- */

TEST(setup_cwd_missing_fails)
{
    oci_process p = {.cwd = "/nonexistent-nook-cwd"};
    _cleanup_child_ child ch = CHILD_INIT;

    CHECK(child_start(&ch, run_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "chdir to cwd (\"/nonexistent-nook-cwd\") set in config.json failed: No "
                        "such file or directory");
    child_finish(&ch);
}

static const char outside_msg[] = "current working directory is outside of container mount "
                                  "namespace root -- possible container breakout detected";

/* chroot() leaves the cwd where it was: outside the new root. */
static int chroot_keep_cwd(void *arg, nk_error **err)
{
    _cleanup_free_ char *root = scratch_path("root");
    oci_process *p = arg;

    if (chdir(scratch) < 0 || chroot(root) < 0)
        return nk_err(err, errno, "test: chroot");
    return nk_process_setup(p, err);
}

TEST(setup_detects_cwd_outside_root)
{
    oci_process p = {.cwd = NULL};
    _cleanup_child_ child ch = CHILD_INIT;

    make_dir("root");
    CHECK(child_start(&ch, chroot_keep_cwd, &p) == 0);
    CHECK_STREQ(ch.msg, outside_msg);
    child_finish(&ch);
}

/* The CVE-2024-21626 shape: a leaked fd to a directory outside the root and
 * process.cwd = /proc/self/fd/N. Private mount namespace for the procfs. */
static int leaked_fd_cwd(void *arg, nk_error **err)
{
    _cleanup_free_ char *root = scratch_path("root");
    _cleanup_free_ char *proc = scratch_path("root/proc");
    oci_process *p = arg;
    int leaked = open(scratch, O_PATH | O_DIRECTORY);

    mkdir(proc, 0755);
    if (leaked < 0 || unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("proc", proc, "proc", 0, NULL) < 0 || chroot(root) < 0 || chdir("/") < 0)
        return nk_err(err, errno, "test: prepare");
    p->cwd = xasprintf("/proc/self/fd/%d", leaked);
    return nk_process_setup(p, err);
}

TEST(setup_rejects_leaked_fd_cwd)
{
    oci_process p = {0};
    _cleanup_child_ child ch = CHILD_INIT;

    make_dir("root");
    CHECK(child_start(&ch, leaked_fd_cwd, &p) == 0);
    CHECK_STREQ(ch.msg, outside_msg);
    child_finish(&ch);
}

/* Root of a user namespace gets EACCES on a directory whose group is not
 * mapped; the target user (the owner) may enter it: setup must retry the
 * chdir after the user switch. uid/gid 1000 map to themselves, ns root to an
 * unused host id; a helper outside the namespace writes the maps. */
static int write_maps(pid_t pid)
{
    const char *files[] = {"uid_map", "gid_map"};

    for (int i = 0; i < 2; i++) {
        _cleanup_free_ char *path = xasprintf("/proc/%d/%s", pid, files[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        const char map[] = "0 200000 1\n1000 1000 1\n";
        if (fd < 0 || write(fd, map, sizeof(map) - 1) < 0)
            return -1;
        close(fd);
    }
    return 0;
}

static int in_userns_setup(void *arg, nk_error **err)
{
    int go[2];
    pid_t self = getpid();

    if (pipe2(go, O_CLOEXEC) < 0)
        return nk_err(err, errno, "test: pipe");
    pid_t helper = fork();
    if (helper == 0) {
        char b;
        close(go[1]);
        _exit(read(go[0], &b, 1) == 1 && write_maps(self) == 0 ? 0 : 1);
    }
    close(go[0]);
    int r = unshare(CLONE_NEWUSER);
    int st = 0;
    (void)!write(go[1], "x", 1);
    close(go[1]);
    waitpid(helper, &st, 0);
    if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return nk_err(err, errno, "test: user namespace");
    return nk_process_setup(arg, err);
}

TEST(setup_cwd_retried_as_the_user)
{
    _cleanup_free_ char *dir = scratch_path("private");
    oci_process p = {.cwd = dir, .user = {.uid = 1000, .gid = 1000}};
    _cleanup_child_ child ch = CHILD_INIT;

    chmod(scratch, 0755); /* mkdtemp made it 0700: ns root must traverse it */
    make_dir("private");
    CHECK(chown(dir, 1000, 3000) == 0 && chmod(dir, 0700) == 0);
    CHECK(child_start(&ch, in_userns_setup, &p) == 0);
    CHECK_STREQ(ch.msg, "ok");
    _cleanup_free_ char *cwd_link = xasprintf("/proc/%d/cwd", ch.pid);
    char target[4096];
    ssize_t n = readlink(cwd_link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK_STREQ((const char *)target, (const char *)dir);
    child_finish(&ch);

    /* Neither may enter: the error is the user's EACCES. */
    CHECK(chown(dir, 3000, 3000) == 0);
    CHECK(child_start(&ch, in_userns_setup, &p) == 0);
    CHECK_CONTAINS(ch.msg, "set in config.json failed: Permission denied");
}

/* ---------- env and exec ---------- */

TEST(env_home_from_passwd)
{
    _cleanup_free_ char *pw = scratch_path("passwd");
    oci_strv with_home = STRV("A=1", "HOME=/mine");
    oci_strv without = STRV("A=1");
    oci_strv empty_home = STRV("HOME=", "A=1");

    write_text("passwd", "root:x:0:0:root:/root:/bin/sh\n"
                         "broken line\n"
                         "odd:x:12x:1::/nope:/bin/sh\n"
                         "user:x:1234:1234:User,,,:/home/user:/bin/sh\n"
                         "dup:x:1234:1234::/home/dup:/bin/sh\n");
    {
        _cleanup_strv_ char **e = nk_process_build_env(&with_home, pw, 1234);
        CHECK(e[0] && e[1] && !e[2]);
        CHECK_STREQ(e[1], "HOME=/mine");
    }
    {
        _cleanup_strv_ char **e = nk_process_build_env(&without, pw, 1234);
        CHECK(e[0] && e[1] && !e[2]);
        CHECK_STREQ(e[0], "A=1");
        CHECK_STREQ(e[1], "HOME=/home/user");
    }
    {
        _cleanup_strv_ char **e = nk_process_build_env(&without, pw, 4321);
        CHECK_STREQ(e[1], "HOME=/");
    }
    {
        _cleanup_strv_ char **e = nk_process_build_env(&empty_home, pw, 0);
        CHECK(e[0] && e[1] && !e[2]);
        CHECK_STREQ(e[0], "A=1");
        CHECK_STREQ(e[1], "HOME=/root");
    }
    {
        _cleanup_strv_ char **e = nk_process_build_env(&without, "/nonexistent/passwd", 0);
        CHECK_STREQ(e[1], "HOME=/");
    }
}

TEST(passwd_name_of_uid)
{
    _cleanup_free_ char *pw = scratch_path("passwd");
    write_text("passwd", "root:x:0:0:root:/root:/bin/sh\n"
                         "odd:x:12x:1::/nope:/bin/sh\n"
                         "user:x:1234:1234:User,,,:/home/user:/bin/sh\n"
                         "dup:x:1234:1234::/home/dup:/bin/sh\n");
    nk_error *err = NULL;
    char *name = NULL;
    CHECK(nk_passwd_name(pw, 1234, &name, &err) == 0);
    CHECK_STREQ(name, "user"); /* the first entry wins, as getpwuid's */
    free(name);
    name = NULL;
    CHECK(nk_passwd_name(pw, 12, &name, &err) == 0 && name == NULL);
    CHECK(nk_passwd_name("/nonexistent/passwd", 0, &name, &err) == 0 && name == NULL);
    nk_error_free(err);
}

/* Runs in a child: stdout to a pipe, fd 3 preserved, many others open. */
typedef struct exec_case {
    int out_fd;
    int preserve;
    const char *path;
    oci_process *p;
} exec_case;

static int run_exec(void *arg, nk_error **err)
{
    exec_case *x = arg;

    dup2(x->out_fd, 1);
    for (int i = 0; i < 5; i++)
        (void)!dup(1); /* 3..7, inheritable */
    for (int i = 0; i < 3; i++)
        (void)!fcntl(1, F_DUPFD_CLOEXEC, 3); /* cloexec ones too */
    return nk_process_exec(x->p, x->path, x->preserve, err);
}

static char *exec_and_read(exec_case *x, char **msg)
{
    int out[2];
    _cleanup_child_ child ch = CHILD_INIT;
    char buf[4096];
    size_t n = 0;
    ssize_t r;

    if (pipe2(out, O_CLOEXEC) < 0)
        return xstrdup("(pipe)");
    x->out_fd = out[1];
    child_start(&ch, run_exec, x);
    close(out[1]);
    /* A failed exec leaves the child holding the pipe until released; the
     * output is small enough to sit in the pipe until we read it. */
    *msg = NK_TAKE_PTR(ch.msg);
    child_finish(&ch);
    while (n < sizeof(buf) - 1 && (r = read(out[0], buf + n, sizeof(buf) - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(out[0]);
    return xstrdup(buf);
}

/* Builtins only: an external ls, a pipe or a glob would open fds of their
 * own in the shell being inspected. */
#define FD_LIST_SCRIPT                                                                             \
    "i=0; while [ $i -lt 64 ]; do [ -e /proc/$$/fd/$i ] && printf '%s ' $i; i=$((i+1)); done; "    \
    "echo \"$HOME\""

TEST(exec_keeps_only_stdio_and_preserved_fds)
{
    oci_process p = {.args = STRV("sh", "-c", FD_LIST_SCRIPT), .env = STRV("PATH=/usr/bin:/bin")};
    exec_case x = {.p = &p, .path = "/bin/sh", .preserve = 1};
    _cleanup_free_ char *msg = NULL;

    _cleanup_free_ char *out = exec_and_read(&x, &msg);
    CHECK_STREQ(out, "0 1 2 3 /root\n");
    CHECK_STREQ(msg, "");

    x.preserve = 0;
    free(msg);
    _cleanup_free_ char *out0 = exec_and_read(&x, &msg);
    CHECK_STREQ(out0, "0 1 2 /root\n");
}

TEST(exec_failure_reads_like_runc)
{
    oci_process p = {.args = STRV("x")};
    exec_case x = {.p = &p, .path = "/nonexistent/x"};
    _cleanup_free_ char *msg = NULL;

    _cleanup_free_ char *out = exec_and_read(&x, &msg);
    CHECK_STREQ(msg, "exec /nonexistent/x: No such file or directory");
}

static void check_cloexec_from(int (*fn)(int, nk_error **))
{
    int a = dup(0), b = dup(0), c = dup(0);
    _cleanup_error_ nk_error *err = NULL;

    CHECK(a >= 0 && b > a && c > b);
    CHECK(fn(b, &err) == 0);
    CHECK((fcntl(a, F_GETFD) & FD_CLOEXEC) == 0);
    CHECK((fcntl(b, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((fcntl(c, F_GETFD) & FD_CLOEXEC) != 0);
    close(a);
    close(b);
    close(c);
}

TEST(fds_cloexec_close_range)
{
    check_cloexec_from(nk_fds_cloexec_from);
}

TEST(fds_cloexec_procfs_fallback)
{
    check_cloexec_from(nk_fds_cloexec_from_procfs);
}

static void cleanup_scratch(void)
{
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", scratch);
    (void)!system(cmd);
}

int main(void)
{
    if (mkdtemp(scratch) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    int rc = unit_run();
    cleanup_scratch();
    return rc;
}
