/* The v1 layout cache (src/cgroups/layout_cache.c): the key, the file format,
 * and every reason a cached layout must not be believed. Tests that need a
 * real cgroup v1 mount use the host's (dev and CI hosts are hybrid); on a
 * pure v2 host they check only that no cache is involved. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

static const char proc_cgroups[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                                   "cpuset\t3\t7\t1\n"
                                   "cpu\t1\t7\t1\n"
                                   "memory\t4\t148\t1\n"
                                   "hugetlb\t0\t6\t1\n";

/* A private directory standing in for the state root. */
static char *tmp_root(void)
{
    char *d = xstrdup("/tmp/nk-unit-layout.XXXXXX");
    if (mkdtemp(d) == NULL) {
        free(d);
        return NULL;
    }
    return d;
}

static void rm_root(char *d)
{
    if (d == NULL)
        return;
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", d);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", d);
    free(d);
}

static char *cache_path(const char *root)
{
    return xasprintf("%s/.cgroup-layout", root);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    _cleanup_error_ nk_error *err = NULL;
    unlink(path);
    if (nk_write_file_atomic(path, text, strlen(text), mode, &err) < 0)
        return -1;
    return chmod(path, mode);
}

/* The host's key now, as nk_cg_layout_get computes it. */
static char *host_key(void)
{
    _cleanup_free_ char *proc = NULL;
    _cleanup_error_ nk_error *err = NULL;
    if (nk_read_file("/proc/cgroups", &proc, NULL, &err) < 0)
        return NULL;
    return nk_cg_layout_key(proc);
}

/* Discovery without a cache: what libcgroup reports. */
static int discover(nk_cg_layout *l)
{
    _cleanup_error_ nk_error *err = NULL;
    nk_cgroup_set_state_root(NULL);
    return nk_cg_layout_get(l, &err);
}

static bool v1_host(void)
{
    nk_cg_layout l;
    bool v1 = discover(&l) == 0 && l.mode != NK_CG_UNIFIED && l.n_hiers > 0;
    nk_cg_layout_clear(&l);
    return v1;
}

/* "hier MAJ:MIN PATH CTRLS" for a directory, with its real device. */
static char *hier_line(const char *path, const char *ctrls)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return xstrdup("hier 0:0 /nonexistent x\n");
    return xasprintf("hier %u:%u %s %s\n", major(st.st_dev), minor(st.st_dev), path, ctrls);
}

/* A valid cache text naming only the first hierarchy the host has: it can't
 * be mistaken for what libcgroup would report (all of them). */
static char *one_hier_text(const char *key, char **mount, char **ctrl)
{
    nk_cg_layout l;
    if (discover(&l) < 0 || l.n_hiers < 2) {
        nk_cg_layout_clear(&l);
        return NULL;
    }
    *mount = xstrdup(l.hiers[0].mount);
    *ctrl = xstrdup(l.hiers[0].ctrls[0]);
    _cleanup_free_ char *line = hier_line(*mount, *ctrl);
    nk_cg_layout_clear(&l);
    return xasprintf("nook cgroup layout 1\nkey %s\n%send\n", key, line);
}

TEST(key_keeps_mount_columns_only)
{
    _cleanup_free_ char *k = nk_cg_layout_key(proc_cgroups);
    CHECK_STREQ(k, "cpuset/3/1 cpu/1/1 memory/4/1 hugetlb/0/1");
    /* num_cgroups changes all the time: same key */
    _cleanup_free_ char *busier = nk_cg_layout_key("#h\ncpuset\t3\t99\t1\ncpu\t1\t1\t1\n"
                                                   "memory\t4\t1000\t1\nhugetlb\t0\t1\t1\n");
    CHECK_STREQ(busier, k);
    /* a controller mounted elsewhere (new hierarchy id): another key */
    _cleanup_free_ char *moved = nk_cg_layout_key("#h\ncpuset\t3\t7\t1\ncpu\t1\t7\t1\n"
                                                  "memory\t9\t148\t1\nhugetlb\t0\t6\t1\n");
    CHECK(moved != NULL && strcmp(moved, k) != 0);
}

TEST(key_refuses_garbage)
{
    CHECK(nk_cg_layout_key("") == NULL);
    CHECK(nk_cg_layout_key("#only a header\n") == NULL);
    CHECK(nk_cg_layout_key("cpu 1 2\n") == NULL);
    CHECK(nk_cg_layout_key("cpu 1 2 3 4\n") == NULL);
    CHECK(nk_cg_layout_key("CPU/x 1 2 3\n") == NULL);
    CHECK(nk_cg_layout_key("cpu one 2 3\n") == NULL);
}

TEST(format_parse_round_trip_on_host)
{
    nk_cg_layout l;
    CHECK(discover(&l) == 0);
    if (l.mode == NK_CG_UNIFIED) { /* no v1 hierarchies to cache */
        CHECK(l.n_hiers == 0);
        nk_cg_layout_clear(&l);
        return;
    }
    _cleanup_free_ char *key = host_key();
    CHECK(key != NULL);
    _cleanup_free_ char *text = nk_cg_layout_cache_format(key, &l);
    CHECK(text != NULL);
    CHECK_CONTAINS(text, "nook cgroup layout 1\nkey ");
    nk_cg_layout back = {0};
    int r = nk_cg_layout_cache_parse(text, key, &back);
    bool same = r == 0 && back.n_hiers == l.n_hiers;
    for (size_t i = 0; same && i < l.n_hiers; i++) {
        same = strcmp(back.hiers[i].mount, l.hiers[i].mount) == 0;
        for (size_t c = 0; same && l.hiers[i].ctrls[c]; c++)
            same = back.hiers[i].ctrls[c] != NULL &&
                   strcmp(back.hiers[i].ctrls[c], l.hiers[i].ctrls[c]) == 0;
    }
    nk_cg_layout_clear(&back);
    nk_cg_layout_clear(&l);
    CHECK(same);
}

/* A good file is used: nk_cg_layout_get returns what it says, not what
 * libcgroup would find. */
TEST(good_cache_is_used)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *text = one_hier_text(key, &mount, &ctrl);
    CHECK(text != NULL);
    char *root = tmp_root();
    CHECK(root != NULL);
    _cleanup_free_ char *path = cache_path(root);
    CHECK(write_file(path, text, 0600) == 0);
    nk_cgroup_set_state_root(root);
    nk_cg_layout l;
    _cleanup_error_ nk_error *err = NULL;
    int r = nk_cg_layout_get(&l, &err);
    bool used = r == 0 && l.n_hiers == 1 && strcmp(l.hiers[0].mount, mount) == 0 &&
                nk_cg_v1_mount(&l, ctrl) != NULL;
    nk_cg_layout_clear(&l);
    nk_cgroup_set_state_root(NULL);
    rm_root(root);
    CHECK(used);
}

/* load() of the file at root after f changed it: -1 means refused. */
static int load_after(const char *text, int (*f)(const char *root, const char *path))
{
    char *root = tmp_root();
    if (root == NULL)
        return 99;
    _cleanup_free_ char *path = cache_path(root);
    int r = 98;
    if (write_file(path, text, 0600) == 0 && f(root, path) == 0) {
        _cleanup_free_ char *key = host_key();
        nk_cg_layout l = {0};
        r = nk_cg_layout_cache_load(root, key, &l);
        if (r == 0 && l.n_hiers != 1)
            r = 97;
        nk_cg_layout_clear(&l);
    }
    rm_root(root);
    return r;
}

static int keep(const char *root, const char *path)
{
    return 0;
}

static int mode_0644(const char *root, const char *path)
{
    return chmod(path, 0644);
}

static int mode_0660(const char *root, const char *path)
{
    return chmod(path, 0660);
}

static int mode_0606(const char *root, const char *path)
{
    return chmod(path, 0606);
}

static int other_owner(const char *root, const char *path)
{
    return chown(path, geteuid() + 4242, (gid_t)-1);
}

static int hard_link(const char *root, const char *path)
{
    _cleanup_free_ char *other = xasprintf("%s/second-name", root);
    return link(path, other);
}

/* the real file moved aside, a symlink to it in its place */
static int symlinked(const char *root, const char *path)
{
    _cleanup_free_ char *real = xasprintf("%s/real", root);
    return rename(path, real) == 0 ? symlink(real, path) : -1;
}

static int made_dir(const char *root, const char *path)
{
    return unlink(path) == 0 ? mkdir(path, 0700) : -1;
}

TEST(cache_file_trust_checks)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *text = one_hier_text(key, &mount, &ctrl);
    CHECK(text != NULL);
    CHECK(load_after(text, keep) == 0); /* the control: this file is good */
    CHECK(load_after(text, mode_0644) == -1);
    CHECK(load_after(text, mode_0660) == -1);
    CHECK(load_after(text, mode_0606) == -1);
    if (geteuid() == 0)
        CHECK(load_after(text, other_owner) == -1);
    CHECK(load_after(text, hard_link) == -1);
    CHECK(load_after(text, symlinked) == -1);
    CHECK(load_after(text, made_dir) == -1);
}

TEST(cache_key_mismatch_refused)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *text = one_hier_text(key, &mount, &ctrl);
    CHECK(text != NULL);
    nk_cg_layout l = {0};
    CHECK(nk_cg_layout_cache_parse(text, key, &l) == 0);
    nk_cg_layout_clear(&l);
    _cleanup_free_ char *other = xasprintf("%s x/1/1", key);
    CHECK(nk_cg_layout_cache_parse(text, other, &l) == -1);
    CHECK(l.n_hiers == 0 && l.hiers == NULL);
    CHECK(nk_cg_layout_cache_parse(text, "", &l) == -1);
}

/* s with every `from` replaced by `to` (s is consumed). */
static char *subst(char *s, const char *from, const char *to)
{
    char *at;
    while ((at = strstr(s, from)) != NULL) {
        char *next = xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
        free(s);
        s = next;
    }
    return s;
}

/* Each text must be refused: {K} is the key, {H} a real hier line without
 * its newline, {D} {M} {C} its device, mount point and controller. */
TEST(cache_garbage_refused)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *good = one_hier_text(key, &mount, &ctrl);
    CHECK(good != NULL);
    _cleanup_free_ char *hier = hier_line(mount, ctrl);
    hier[strlen(hier) - 1] = '\0'; /* without its newline */
    struct stat st;
    CHECK(stat(mount, &st) == 0);
    const char *const bad[] = {
        "",
        "garbage\n",
        "nook cgroup layout 1\nkey {K}\n{H}\n",                             /* no end */
        "nook cgroup layout 1\nkey {K}\n{H}\nend",                          /* no newline */
        "nook cgroup layout 1\nkey {K}\n{H}\nend\nhier x\n",                /* after end */
        "nook cgroup layout 2\nkey {K}\n{H}\nend\n",                        /* version */
        "nook cgroup layout 1\n{H}\nend\n",                                 /* no key */
        "nook cgroup layout 1\nkey {K}\n{H}\n{H}\nend\n",                   /* twice */
        "nook cgroup layout 1\nkey {K}\n{H},{C}\nend\n",                    /* ctrl twice */
        "nook cgroup layout 1\nkey {K}\n{H},\nend\n",                       /* empty ctrl */
        "nook cgroup layout 1\nkey {K}\n{H},Bad!\nend\n",                   /* bad ctrl */
        "nook cgroup layout 1\nkey {K}\nhier {D} {M}\nend\n",               /* no ctrls */
        "nook cgroup layout 1\nkey {K}\nhier {D} {M}  {C}\nend\n",          /* two spaces */
        "nook cgroup layout 1\nkey {K}\nhier {D} {M}/. {C}\nend\n",         /* "." */
        "nook cgroup layout 1\nkey {K}\nhier {D} {M}/../x {C}\nend\n",      /* ".." */
        "nook cgroup layout 1\nkey {K}\nhier {D} .{M} {C}\nend\n",          /* relative */
        "nook cgroup layout 1\nkey {K}\nhier 0x1:2 {M} {C}\nend\n",         /* hex dev */
        "nook cgroup layout 1\nkey {K}\nhier {D}:1 {M} {C}\nend\n",         /* 3 parts */
        "nook cgroup layout 1\nkey {K}\nhier 99999999999:0 {M} {C}\nend\n", /* overflow */
        "nook cgroup layout 1\nkey {K}\n\n{H}\nend\n",                      /* empty line */
        "nook cgroup layout 1\r\nkey {K}\n{H}\nend\n",                      /* CRLF */
    };
    _cleanup_free_ char *dev = xasprintf("%u:%u", major(st.st_dev), minor(st.st_dev));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *const vars[][2] = {
            {"{K}", key}, {"{H}", hier}, {"{D}", dev}, {"{C}", ctrl}, {"{M}", mount},
        };
        _cleanup_free_ char *text = xstrdup(bad[i]);
        for (size_t v = 0; v < sizeof(vars) / sizeof(vars[0]); v++)
            text = subst(text, vars[v][0], vars[v][1]);
        nk_cg_layout l = {0};
        int r = nk_cg_layout_cache_parse(text, key, &l);
        nk_cg_layout_clear(&l);
        if (r != -1)
            unit_fail(__FILE__, __LINE__, "accepted bad cache #%zu: %s", i, text);
        CHECK(r == -1);
    }
    /* a NUL inside the file is refused by the loader */
    char *root = tmp_root();
    CHECK(root != NULL);
    _cleanup_free_ char *path = cache_path(root);
    _cleanup_free_ char *withnul = xstrdup(good);
    withnul[1] = '\0';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool written = fd >= 0 && write(fd, withnul, strlen(good)) == (ssize_t)strlen(good);
    if (fd >= 0)
        close(fd);
    nk_cg_layout l = {0};
    int r = written ? nk_cg_layout_cache_load(root, key, &l) : 99;
    nk_cg_layout_clear(&l);
    rm_root(root);
    CHECK(r == -1);
}

/* The trust check on mount points: only the cgroup v1 mount discovered
 * (same filesystem type and device) is believed. */
TEST(cache_mount_not_cgroup_v1_refused)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *good = one_hier_text(key, &mount, &ctrl);
    CHECK(good != NULL);
    char *root = tmp_root();
    CHECK(root != NULL);
    struct stat st;
    CHECK(stat(mount, &st) == 0);
    /* a directory nook could be tricked into writing into */
    _cleanup_free_ char *tmp_line = hier_line(root, "memory");
    _cleanup_free_ char *tmp_text =
        xasprintf("nook cgroup layout 1\nkey %s\n%send\n", key, tmp_line);
    /* the right path with the device of something else */
    _cleanup_free_ char *dev_text =
        xasprintf("nook cgroup layout 1\nkey %s\nhier %u:%u %s %s\nend\n", key, major(st.st_dev),
                  minor(st.st_dev) + 1000, mount, ctrl);
    nk_cg_layout l = {0};
    int r_tmp = nk_cg_layout_cache_parse(tmp_text, key, &l);
    nk_cg_layout_clear(&l);
    int r_dev = nk_cg_layout_cache_parse(dev_text, key, &l);
    nk_cg_layout_clear(&l);
    rm_root(root);
    CHECK(r_tmp == -1);
    CHECK(r_dev == -1);
    /* the cgroup2 mount of a hybrid host is not a v1 hierarchy */
    struct statfs sf;
    if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && (long)sf.f_type == CGROUP2_SUPER_MAGIC) {
        _cleanup_free_ char *v2_line = hier_line("/sys/fs/cgroup/unified", "memory");
        _cleanup_free_ char *v2_text =
            xasprintf("nook cgroup layout 1\nkey %s\n%send\n", key, v2_line);
        CHECK(nk_cg_layout_cache_parse(v2_text, key, &l) == -1);
        nk_cg_layout_clear(&l);
    }
}

/* A refused cache is replaced by what libcgroup finds, private to us. */
TEST(bad_cache_is_rediscovered_and_rewritten)
{
    if (!v1_host())
        return;
    _cleanup_free_ char *key = host_key(), *mount = NULL, *ctrl = NULL;
    _cleanup_free_ char *good = one_hier_text(key, &mount, &ctrl);
    CHECK(good != NULL);
    nk_cg_layout want;
    CHECK(discover(&want) == 0);
    size_t n_want = want.n_hiers;
    nk_cg_layout_clear(&want);
    char *root = tmp_root();
    CHECK(root != NULL);
    _cleanup_free_ char *path = cache_path(root);
    CHECK(write_file(path, good, 0666) == 0);
    nk_cgroup_set_state_root(root);
    nk_cg_layout l;
    _cleanup_error_ nk_error *err = NULL;
    int r = nk_cg_layout_get(&l, &err);
    size_t n_got = l.n_hiers;
    nk_cg_layout_clear(&l);
    struct stat st;
    int rs = stat(path, &st);
    _cleanup_free_ char *text = NULL;
    _cleanup_error_ nk_error *rerr = NULL;
    int rr = nk_read_file(path, &text, NULL, &rerr);
    /* and the rewritten file is used next time */
    nk_cg_layout again = {0};
    int ra = nk_cg_layout_cache_load(root, key, &again);
    size_t n_again = again.n_hiers;
    nk_cg_layout_clear(&again);
    nk_cgroup_set_state_root(NULL);
    rm_root(root);
    CHECK(r == 0);
    CHECK(n_got == n_want && n_want > 1);
    CHECK(rs == 0 && (st.st_mode & 0777) == 0600 && st.st_uid == geteuid());
    CHECK(rr == 0 && strcmp(text, good) != 0);
    CHECK(ra == 0 && n_again == n_want);
}

/* A root that can't hold the cache: discovery works, nothing is written. */
TEST(unusable_root_discovers_without_cache)
{
    char *root = tmp_root();
    CHECK(root != NULL);
    _cleanup_free_ char *missing = xasprintf("%s/not/there", root);
    nk_cgroup_set_state_root(missing);
    nk_cg_layout l;
    _cleanup_error_ nk_error *err = NULL;
    int r = nk_cg_layout_get(&l, &err);
    bool has_hiers = l.n_hiers > 0 || l.mode == NK_CG_UNIFIED;
    nk_cg_layout_clear(&l);
    nk_cgroup_set_state_root(NULL);
    struct stat st;
    _cleanup_free_ char *parent_cache = cache_path(root);
    bool none = stat(missing, &st) < 0 && stat(parent_cache, &st) < 0;
    rm_root(root);
    CHECK(r == 0);
    CHECK(has_hiers);
    CHECK(none);
}

/* ---- v1 discovery from the mount table (layout.c) ----------------------- */
#include <libcgroup.h>

/* "mount ctrl ctrl\n" per hierarchy, in order. */
static char *hiers_text(const nk_cg_layout *l)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < l->n_hiers; i++) {
        char *line = xasprintf("%s%s", out, l->hiers[i].mount);
        free(out);
        out = line;
        for (char **c = l->hiers[i].ctrls; *c; c++) {
            line = xasprintf("%s %s", out, *c);
            free(out);
            out = line;
        }
        line = xasprintf("%s\n", out);
        free(out);
        out = line;
    }
    return out;
}

/* nk_cg_v1_hiers_find on a mountinfo text; NULL when it fails (*err set). */
static char *find_in(const char *proc, const char *mountinfo, bool unified, nk_error **err)
{
    _cleanup_free_ char *text = xstrdup(mountinfo);
    nk_mountinfo *m = NULL;
    size_t n = 0;
    nk_mountinfo_parse(text, &m, &n);
    nk_cg_layout l = {0};
    l.unified = unified ? xstrdup("/sys/fs/cgroup/unified") : NULL;
    int rc = nk_cg_v1_hiers_find(proc, m, n, &l, err);
    nk_mountinfo_free(m, n);
    char *out = rc == 0 ? hiers_text(&l) : NULL;
    nk_cg_layout_clear(&l);
    return out;
}

#define MI(id, mnt, fstype, super)                                                                 \
#id " 31 0:" #id " / " mnt " rw,relatime - " fstype " " fstype " " super "\n"

TEST(v1_discovery_reads_controllers_from_super_options)
{
    static const char proc[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                               "cpuset\t3\t2\t1\ncpu\t1\t2\t1\ncpuacct\t1\t2\t1\n"
                               "memory\t4\t2\t1\nfreezer\t0\t1\t0\npids\t8\t2\t1\n";
    static const char mounts[] = "23 1 0:21 / /sys rw - sysfs sysfs rw\n"
                                 "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
        /* "cpuset" must not be read as "cpu", nor "name=memory" as memory */
        MI(33, "/sys/fs/cgroup/cpuset", "cgroup", "rw,cpuset,clone_children")
        /* co-mounted, options in another order than /proc/cgroups */
        MI(32, "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpuacct,cpu")
            MI(34, "/sys/fs/cgroup/systemd", "cgroup", "rw,xattr,name=systemd")
                MI(35, "/sys/fs/cgroup/odd", "cgroup", "rw,name=memory")
        /* a space in the path, as the kernel escapes it */
        MI(36, "/sys/fs/cgroup/mem\\040ory", "cgroup", "rw,memory")
        /* the same hierarchy again (a bind mount): the first one counts */
        MI(37, "/mnt/pids-again", "cgroup", "rw,pids")
            MI(38, "/sys/fs/cgroup/pids", "cgroup", "rw,pids")
        /* cgroup2's controllers are not v1 hierarchies */
        MI(39, "/sys/fs/cgroup/unified", "cgroup2", "rw,nsdelegate");
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_free_ char *got = find_in(proc, mounts, true, &err);
    CHECK_STREQ(got, "/sys/fs/cgroup/cpuset cpuset\n"
                     "/sys/fs/cgroup/cpu,cpuacct cpu cpuacct\n"
                     "/sys/fs/cgroup/mem ory memory\n"
                     "/mnt/pids-again pids\n");
}

TEST(v1_discovery_errors_name_what_is_missing)
{
    static const char none[] = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n";
    _cleanup_error_ nk_error *err = NULL;
    /* no v1 controller and no cgroup2: nothing to put a container in */
    CHECK(find_in(proc_cgroups, none, false, &err) == NULL);
    CHECK_CONTAINS(err->msg, "no cgroup v1 controller is mounted");
    nk_error_free(err);
    err = NULL;
    /* a hybrid host whose v1 side is empty is still a layout */
    _cleanup_free_ char *got = find_in(proc_cgroups, none, true, &err);
    CHECK_STREQ(got, "");
    /* /proc/cgroups without a controller (proc mounted with subset=pid
     * shows none): refused, not read as "nothing is mounted" */
    CHECK(find_in("#subsys_name\thierarchy\tnum_cgroups\tenabled\n", none, true, &err) == NULL);
    CHECK_CONTAINS(err->msg, "/proc/cgroups");
}

/* Found by fuzz_mounts: a subsystem listed twice in /proc/cgroups (the
 * kernel never does) still makes one controller, not two. */
TEST(v1_discovery_counts_a_subsystem_listed_twice_once)
{
    static const char proc[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                               "cpu\t1\t1\t1\ncpuacct\t1\t1\t1\ncpu\t1\t1\t1\n";
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_free_ char *got = find_in(
        proc, MI(32, "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct"), false, &err);
    CHECK_STREQ(got, "/sys/fs/cgroup/cpu,cpuacct cpu cpuacct\n");
}

/* What libcgroup's cgroup_init() finds on this host, in the same form:
 * its v1 controllers in its table's order, grouped by mount point. */
static char *libcgroup_hiers(void)
{
    if (cgroup_init() != 0)
        return NULL;
    nk_cg_layout l = {0};
    void *h = NULL;
    struct cgroup_mount_point mp;
    for (int rc = cgroup_get_controller_begin(&h, &mp); rc == 0;
         rc = cgroup_get_controller_next(&h, &mp)) {
        struct statfs sf;
        if (statfs(mp.path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
            continue;
        size_t i = 0;
        while (i < l.n_hiers && strcmp(l.hiers[i].mount, mp.path) != 0)
            i++;
        if (i == l.n_hiers) {
            l.hiers = xreallocarray(l.hiers, ++l.n_hiers, sizeof(nk_cg_hier));
            l.hiers[i] = (nk_cg_hier){xstrdup(mp.path), xcalloc(1, sizeof(char *))};
        }
        size_t n = 0;
        while (l.hiers[i].ctrls[n] != NULL)
            n++;
        l.hiers[i].ctrls = xreallocarray(l.hiers[i].ctrls, n + 2, sizeof(char *));
        l.hiers[i].ctrls[n] = xstrdup(mp.name);
        l.hiers[i].ctrls[n + 1] = NULL;
    }
    cgroup_get_controller_end(&h);
    char *out = hiers_text(&l);
    nk_cg_layout_clear(&l);
    return out;
}

/* libcgroup is the reference: on a v1/hybrid host nook's discovery (no
 * cache) finds the very hierarchies, mounts and controllers it does. */
TEST(v1_discovery_agrees_with_libcgroup_on_the_host)
{
    if (!v1_host())
        return;
    nk_cg_layout l;
    CHECK(discover(&l) == 0);
    _cleanup_free_ char *mine = hiers_text(&l);
    nk_cg_layout_clear(&l);
    _cleanup_free_ char *ref = libcgroup_hiers();
    CHECK(ref != NULL && ref[0] != '\0');
    CHECK_STREQ(mine, ref);
}
