/* The bench's floor: only what the kernel must do to run /bin/true under the
 * default `spec` config, with no runtime around it (no config parsing, no
 * state, no self re-exec, no synchronisation). Each nook figure reads as a
 * multiple of this program's.
 *
 *   bench-floor ROOTFS [ARGS...]       (default args: /bin/true)
 *
 * Same work as the config asks: one clone3 with the pid, network, ipc, uts and
 * mount namespaces; in the child: / made rprivate, the rootfs bound onto
 * itself, the seven spec mounts (proc, /dev tmpfs, devpts, shm, mqueue, sysfs
 * read-only, a read-only cgroup view: cgroup2 on a unified host, else a tmpfs
 * with one read-only bind per host hierarchy), the six device nodes and the
 * /dev symlinks, pivot_root, the masked and read-only paths, the root
 * remounted read-only, the hostname, RLIMIT_NOFILE, the capability bounding
 * set cut to the spec's list, no_new_privs, the capability sets, the config's
 * seccomp filter (--seccomp FILE: the compiled BPF, raw sock_filter array,
 * which the bench takes from nook's cache: compiling is a runtime's work,
 * loading it the kernel's), exec. The parent waits and returns the child's
 * status. Static, like a runtime could be. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <mntent.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS)
#define MAX_HIER 32

static void die(const char *what)
{
    fprintf(stderr, "bench-floor: %s: %s\n", what, strerror(errno));
    _exit(127);
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags,
                const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        die(dst);
}

static void ro_bind(const char *src, const char *dst)
{
    mnt(src, dst, NULL, MS_BIND | MS_REC, NULL);
    mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* Host cgroup hierarchies under /sys/fs/cgroup, read before the namespace
 * changes (the parent's view), as every runtime must. */
static char *hier[MAX_HIER];
static int n_hier;
static int unified;

static void find_cgroups(void)
{
    FILE *f = setmntent("/proc/self/mounts", "re");
    if (f == NULL)
        die("/proc/self/mounts");
    struct mntent *m;
    while ((m = getmntent(f)) != NULL && n_hier < MAX_HIER) {
        if (strcmp(m->mnt_dir, "/sys/fs/cgroup") == 0 && strcmp(m->mnt_type, "cgroup2") == 0)
            unified = 1;
        if (strncmp(m->mnt_dir, "/sys/fs/cgroup/", 15) == 0 &&
            (strcmp(m->mnt_type, "cgroup") == 0 || strcmp(m->mnt_type, "cgroup2") == 0) &&
            strchr(m->mnt_dir + 15, '/') == NULL)
            hier[n_hier++] = strdup(m->mnt_dir + 15);
    }
    endmntent(f);
}

static void cgroup_mount(void)
{
    if (unified) {
        mnt("cgroup", "sys/fs/cgroup", "cgroup2", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            NULL);
        return;
    }
    mnt("tmpfs", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
    char dst[256], src[256];
    for (int i = 0; i < n_hier; i++) {
        snprintf(dst, sizeof(dst), "sys/fs/cgroup/%s", hier[i]);
        snprintf(src, sizeof(src), "/sys/fs/cgroup/%s", hier[i]);
        if (mkdir(dst, 0755) < 0 && errno != EEXIST)
            die(dst);
        ro_bind(src, dst);
    }
    mnt(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
        "mode=755");
}

static void mounts(const char *rootfs)
{
    mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
    if (chdir(rootfs) < 0)
        die("chdir rootfs");
    mnt("proc", "proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    mkdir("dev/pts", 0755);
    mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
        "newinstance,ptmxmode=0666,mode=0620,gid=5");
    mkdir("dev/shm", 0755);
    mnt("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
    mkdir("dev/mqueue", 0755);
    mnt("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    mnt("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
    cgroup_mount();

    static const struct {
        const char *name;
        unsigned maj, min;
    } devs[] = {{"dev/null", 1, 3},   {"dev/zero", 1, 5},    {"dev/full", 1, 7},
                {"dev/random", 1, 8}, {"dev/urandom", 1, 9}, {"dev/tty", 5, 0}};
    for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
        if (mknod(devs[i].name, S_IFCHR | 0666, makedev(devs[i].maj, devs[i].min)) < 0)
            die(devs[i].name);
    static const char *links[][2] = {
        {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
        {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
        {"pts/ptmx", "dev/ptmx"},          {"/proc/kcore", "dev/core"}};
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlink(links[i][0], links[i][1]) < 0)
            die(links[i][1]);

    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die("pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        die("umount old root");
    if (chdir("/") < 0)
        die("chdir /");

    static const char *masked[] = {"/proc/acpi",
                                   "/proc/asound",
                                   "/proc/kcore",
                                   "/proc/keys",
                                   "/proc/latency_stats",
                                   "/proc/timer_list",
                                   "/proc/timer_stats",
                                   "/proc/sched_debug",
                                   "/sys/firmware",
                                   "/proc/scsi",
                                   "/sys/devices/virtual/tpm"};
    for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
        struct stat st;
        if (stat(masked[i], &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
        else
            mnt("/dev/null", masked[i], NULL, MS_BIND, NULL);
    }
    static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                     "/proc/sysrq-trigger"};
    for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++)
        if (access(readonly[i], F_OK) == 0)
            ro_bind(readonly[i], readonly[i]);
    mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
}

/* The spec's capability list: AUDIT_WRITE, KILL, NET_BIND_SERVICE. */
static void process_setup(void)
{
    const uint64_t keep =
        (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
    if (sethostname("runc", 4) < 0)
        die("sethostname");
    struct rlimit rl = {1024, 1024};
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("setrlimit");
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            die("PR_CAPBSET_DROP");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("no_new_privs");
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {{(uint32_t)keep, (uint32_t)keep, (uint32_t)keep},
                                          {0, 0, 0}};
    if (syscall(SYS_capset, &h, d) < 0)
        die("capset");
}

/* Read before the clone, as a runtime has its program ready by then. */
static struct sock_fprog read_filter(const char *path)
{
    struct sock_fprog prog = {0, NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die(path);
    if (st.st_size == 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
        st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
        fprintf(stderr, "bench-floor: %s: not a BPF program\n", path);
        exit(2);
    }
    prog.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
    prog.filter = malloc((size_t)st.st_size);
    if (prog.filter == NULL || read(fd, prog.filter, (size_t)st.st_size) != st.st_size)
        die(path);
    close(fd);
    return prog;
}

int main(int argc, char **argv)
{
    struct sock_fprog filter = {0, NULL};
    if (argc > 2 && strcmp(argv[1], "--seccomp") == 0) {
        filter = read_filter(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: bench-floor [--seccomp BPF-FILE] ROOTFS [ARGS...]\n");
        return 2;
    }
    char *rootfs = realpath(argv[1], NULL);
    if (rootfs == NULL)
        die(argv[1]);
    char *deflt[] = {(char *)"/bin/true", NULL};
    char **args = argc > 2 ? argv + 2 : deflt;
    find_cgroups();

    struct clone_args ca = {.flags = NS_FLAGS, .exit_signal = SIGCHLD};
    pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid < 0)
        die("clone3");
    if (pid == 0) {
        mounts(rootfs);
        process_setup();
        if (filter.len > 0 && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) < 0)
            die("seccomp");
        char *envp[] = {(char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        (char *)"TERM=xterm", NULL};
        execve(args[0], args, envp);
        die(args[0]);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
