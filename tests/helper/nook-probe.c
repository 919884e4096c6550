/* nook-probe: a static helper that runs inside a test container and reports
 * what the container sees, one "key=value" line per fact, so bats tests can
 * assert effects without a distribution image.
 *
 *   nook-probe CMD [CMD...]     commands run in the order given
 *
 * Commands: ids caps ns pid hostname rlimits fds env cwd umask keyring oom
 * mounts sleep=SECS exit=N kill=SIGNUM cat=PATH write=PATH:TEXT stat=PATH
 * wait-signal[=READYPATH] pause ready=PATH syscall=NR[:A0...] syscall32=NR[:A0...]
 * sched ioprio personality affinity mempolicy sysctl=NAME exe-attack=SECS.  An unknown command is
 * reported on stderr before anything runs, and the probe exits 2.
 *
 * kill=SIGNUM resets the signal to its default action and sends it to the
 * probe itself with kill(getpid()).  The kernel drops such a signal when the
 * probe is pid 1 of a PID namespace (init is unkillable from inside its own
 * namespace), so the probe then prints "kill=ignored" and exits 125: tests
 * that need a death by signal run the probe outside a new PID namespace.
 *
 * wait-signal catches every catchable signal except SIGCHLD (an orphan
 * reparented to pid 1 and dying would otherwise end the wait), prints
 * "signal=N" for the first one and exits 0.  A handler is installed (not only
 * a mask) because pid 1 of a PID namespace never receives signals whose
 * action is the default.  With =READYPATH it creates READYPATH once the
 * handlers are in place, so a test knows when it may send the signal.
 *
 * syscall=NR:A0:A1... makes raw system call NR (numbers in C notation, up to
 * six arguments) and prints "syscall=NR:A0... ret=R errno=E" (E is 0 on
 * success).  syscall32 does the same through the 32-bit x86 entry (int $0x80,
 * i386 numbers, five arguments).  A SIGSYS (seccomp's SCMP_ACT_TRAP) prints
 * "sigsys=NR" and exits 0.
 */
#define _GNU_SOURCE /* strerrorname_np, utsname.domainname */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>

#define KEYCTL_DESCRIBE_OP          6
#define KEY_SPEC_SESSION_KEYRING_ID (-3)

extern char **environ;

static const char *errname(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "EUNKNOWN";
}

static int cmp_gid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return (x > y) - (x < y);
}

static int cmd_ids(const char *arg)
{
    gid_t groups[NGROUPS_MAX];
    int n = getgroups(NGROUPS_MAX, groups);

    (void)arg;
    printf("uid=%u\ngid=%u\neuid=%u\negid=%u\n", getuid(), getgid(), geteuid(), getegid());
    if (n < 0) {
        printf("groups=error:%s\n", errname(errno));
        return 0;
    }
    qsort(groups, (size_t)n, sizeof(groups[0]), cmp_gid);
    fputs("groups=", stdout);
    for (int i = 0; i < n; i++)
        printf("%s%u", i ? "," : "", groups[i]);
    putchar('\n');
    return 0;
}

/* Prints the named lines of /proc/self/status as key=value; returns how many. */
static int print_status_fields(const char *const *keys, size_t nkeys)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[512];
    int found = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        char *val;
        if (!colon)
            continue;
        *colon = '\0';
        for (size_t i = 0; i < nkeys; i++) {
            if (strcmp(line, keys[i]) != 0)
                continue;
            val = colon + 1;
            val += strspn(val, " \t");
            val[strcspn(val, "\n")] = '\0';
            printf("%s=%s\n", line, val);
            found++;
        }
    }
    fclose(f);
    return found;
}

/* Without /proc the same facts come from the syscalls themselves. */
static void print_caps_from_syscalls(void)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    unsigned long long inh, prm, eff, bnd = 0, amb = 0;

    memset(data, 0, sizeof(data));
    if (syscall(SYS_capget, &hdr, data) < 0) {
        printf("caps=error:%s\n", errname(errno));
        return;
    }
    inh = data[0].inheritable | ((unsigned long long)data[1].inheritable << 32);
    prm = data[0].permitted | ((unsigned long long)data[1].permitted << 32);
    eff = data[0].effective | ((unsigned long long)data[1].effective << 32);
    for (int cap = 0; cap < 64; cap++) {
        int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (r < 0)
            break;
        if (r > 0)
            bnd |= 1ULL << cap;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
            amb |= 1ULL << cap;
    }
    printf("CapInh=%016llx\nCapPrm=%016llx\nCapEff=%016llx\nCapBnd=%016llx\nCapAmb=%016llx\n", inh,
           prm, eff, bnd, amb);
    printf("NoNewPrivs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("Seccomp=%d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
}

static int cmd_caps(const char *arg)
{
    static const char *const keys[] = {"CapInh", "CapPrm",     "CapEff", "CapBnd",
                                       "CapAmb", "NoNewPrivs", "Seccomp"};

    (void)arg;
    if (print_status_fields(keys, sizeof(keys) / sizeof(keys[0])) == 0)
        print_caps_from_syscalls();
    return 0;
}

static int cmd_ns(const char *arg)
{
    static const char *const names[] = {"cgroup", "ipc",  "mnt",  "net",
                                        "pid",    "time", "user", "uts"};
    char path[64], target[256];

    (void)arg;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        ssize_t n;
        snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0) {
            printf("ns.%s=error:%s\n", names[i], errname(errno));
            continue;
        }
        target[n] = '\0';
        printf("ns.%s=%s\n", names[i], target);
    }
    return 0;
}

static int cmd_pid(const char *arg)
{
    (void)arg;
    printf("pid=%d\nppid=%d\n", getpid(), getppid());
    return 0;
}

static int cmd_hostname(const char *arg)
{
    struct utsname u;

    (void)arg;
    if (uname(&u) < 0) {
        printf("hostname=error:%s\n", errname(errno));
        return 0;
    }
    printf("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
    return 0;
}

static void print_rlim(rlim_t v)
{
    if (v == RLIM_INFINITY)
        fputs("unlimited", stdout);
    else
        printf("%llu", (unsigned long long)v);
}

static int cmd_rlimits(const char *arg)
{
    static const struct {
        const char *name;
        int res;
    } lims[] = {
        {"CPU", RLIMIT_CPU},           {"FSIZE", RLIMIT_FSIZE},
        {"DATA", RLIMIT_DATA},         {"STACK", RLIMIT_STACK},
        {"CORE", RLIMIT_CORE},         {"RSS", RLIMIT_RSS},
        {"NPROC", RLIMIT_NPROC},       {"NOFILE", RLIMIT_NOFILE},
        {"MEMLOCK", RLIMIT_MEMLOCK},   {"AS", RLIMIT_AS},
        {"LOCKS", RLIMIT_LOCKS},       {"SIGPENDING", RLIMIT_SIGPENDING},
        {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
        {"RTPRIO", RLIMIT_RTPRIO},     {"RTTIME", RLIMIT_RTTIME},
    };

    (void)arg;
    for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
        struct rlimit rl;
        if (getrlimit(lims[i].res, &rl) < 0) {
            printf("rlimit.%s=error:%s\n", lims[i].name, errname(errno));
            continue;
        }
        printf("rlimit.%s=", lims[i].name);
        print_rlim(rl.rlim_cur);
        putchar(':');
        print_rlim(rl.rlim_max);
        putchar('\n');
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Without /proc, fall back to probing descriptors with fcntl. */
static void print_fds_without_proc(void)
{
    for (int fd = 0; fd < 1024; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            printf("fd.%d=unknown\n", fd);
    }
}

static int cmd_fds(const char *arg)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int fds[4096], n = 0;
    char path[64], target[PATH_MAX];

    (void)arg;
    if (!d) {
        print_fds_without_proc();
        return 0;
    }
    while ((e = readdir(d)) && n < (int)(sizeof(fds) / sizeof(fds[0]))) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd != dirfd(d))
            fds[n++] = fd;
    }
    closedir(d);
    qsort(fds, (size_t)n, sizeof(fds[0]), cmp_int);
    for (int i = 0; i < n; i++) {
        ssize_t len;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
        len = readlink(path, target, sizeof(target) - 1);
        if (len < 0) {
            printf("fd.%d=error:%s\n", fds[i], errname(errno));
            continue;
        }
        target[len] = '\0';
        printf("fd.%d=%s\n", fds[i], target);
    }
    return 0;
}

static int cmd_env(const char *arg)
{
    (void)arg;
    for (char **e = environ; e && *e; e++)
        printf("env=%s\n", *e);
    return 0;
}

static int cmd_cwd(const char *arg)
{
    char buf[PATH_MAX];

    (void)arg;
    if (!getcwd(buf, sizeof(buf)))
        printf("cwd=error:%s\n", errname(errno));
    else
        printf("cwd=%s\n", buf);
    return 0;
}

static int cmd_umask(const char *arg)
{
    mode_t m = umask(0);

    (void)arg;
    umask(m);
    printf("umask=%04o\n", (unsigned)m);
    return 0;
}

static int cmd_keyring(const char *arg)
{
    char buf[1024];

    (void)arg;
    long n =
        syscall(SYS_keyctl, KEYCTL_DESCRIBE_OP, KEY_SPEC_SESSION_KEYRING_ID, buf, sizeof(buf) - 1);

    if (n < 0) {
        printf("keyring=error:%s\n", errname(errno));
        return 0;
    }
    buf[(size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1] = '\0';
    printf("keyring=%s\n", buf);
    return 0;
}

/* Prints every line of PATH prefixed with KEY=; returns -1 with errno if unreadable. */
static int print_lines(const char *path, const char *key)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    if (!f)
        return -1;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        printf("%s=%s\n", key, line);
    }
    free(line);
    fclose(f);
    return 0;
}

static int cmd_oom(const char *arg)
{
    (void)arg;
    if (print_lines("/proc/self/oom_score_adj", "oom_score_adj") < 0)
        printf("oom_score_adj=error:%s\n", errname(errno));
    return 0;
}

static int cmd_mounts(const char *arg)
{
    (void)arg;
    if (print_lines("/proc/self/mountinfo", "mount") < 0)
        printf("mount=error:%s\n", errname(errno));
    return 0;
}

static int cmd_sleep(const char *arg)
{
    double secs = strtod(arg, NULL);
    struct timespec ts = {.tv_sec = (time_t)secs,
                          .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

static int cmd_exit(const char *arg)
{
    fflush(stdout);
    exit(atoi(arg));
}

static int cmd_kill(const char *arg)
{
    int sig = atoi(arg);
    sigset_t set;

    fflush(stdout);
    signal(sig, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    if (kill(getpid(), sig) < 0) {
        printf("kill=error:%s\n", errname(errno));
        return 0;
    }
    /* A pending unblocked signal is delivered on return from kill(); still
     * being here means the kernel dropped it (pid 1 of a PID namespace). */
    printf("kill=ignored\n");
    fflush(stdout);
    exit(125);
}

static int cmd_cat(const char *arg)
{
    char buf[8192];
    ssize_t n;
    int fd = open(arg, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        printf("cat=error:%s\n", errname(errno));
        return 0;
    }
    fflush(stdout);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0)
        printf("cat=error:%s\n", errname(errno));
    fflush(stdout);
    close(fd);
    return 0;
}

static int cmd_write(const char *arg)
{
    const char *colon = strchr(arg, ':');
    char *path;
    int fd;

    if (!colon) {
        fprintf(stderr, "nook-probe: write=PATH:TEXT needs a colon\n");
        return 2;
    }
    path = strndup(arg, (size_t)(colon - arg));
    if (!path)
        return 2;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        printf("write=%s\n", errname(errno));
    } else {
        size_t len = strlen(colon + 1);
        if (write(fd, colon + 1, len) != (ssize_t)len)
            printf("write=%s\n", errname(errno ? errno : EIO));
        else if (close(fd) < 0)
            printf("write=%s\n", errname(errno));
        else
            printf("write=ok\n");
    }
    free(path);
    return 0;
}

static const char *file_type(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFREG:
        return "file";
    case S_IFDIR:
        return "dir";
    case S_IFCHR:
        return "chr";
    case S_IFBLK:
        return "blk";
    case S_IFLNK:
        return "lnk";
    case S_IFIFO:
        return "fifo";
    case S_IFSOCK:
        return "sock";
    }
    return "unknown";
}

static int cmd_stat(const char *arg)
{
    struct stat st;

    if (lstat(arg, &st) < 0) {
        if (errno == ENOENT)
            printf("stat.%s=missing\n", arg);
        else
            printf("stat.%s=error:%s\n", arg, errname(errno));
        return 0;
    }
    printf("stat.%s=%s:%04o:%u:%u:%u:%u\n", arg, file_type(st.st_mode),
           (unsigned)(st.st_mode & 07777), st.st_uid, st.st_gid, major(st.st_rdev),
           minor(st.st_rdev));
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
}

static int cmd_ready(const char *arg)
{
    int fd = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        printf("ready=error:%s\n", errname(errno));
        return 0;
    }
    close(fd);
    return 0;
}

static int cmd_wait_signal(const char *arg)
{
    struct sigaction sa;
    sigset_t all;
    int sig;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&all);
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD)
            continue;
        /* glibc reserves two realtime signals; sigaction refuses them. */
        if (sigaction(s, &sa, NULL) == 0)
            sigaddset(&all, s);
    }
    sigprocmask(SIG_BLOCK, &all, NULL);
    if (arg)
        cmd_ready(arg);
    fflush(stdout);
    do {
        sig = sigwaitinfo(&all, NULL);
    } while (sig < 0 && errno == EINTR);
    printf("signal=%d\n", sig);
    fflush(stdout);
    exit(0);
}

static int cmd_pause(const char *arg)
{
    (void)arg;
    fflush(stdout);
    for (;;)
        pause();
    return 0;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "sigsys=%d\n", si->si_syscall);
    if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
        _exit(3);
    _exit(0);
}

/* "NR:A0:A1..." -> v[0..], returns how many numbers or -1. */
static int parse_numbers(const char *arg, unsigned long long *v, int max)
{
    int n = 0;
    const char *p = arg;
    while (*p != '\0') {
        char *end;
        if (n == max)
            return -1;
        errno = 0;
        v[n++] = strtoull(p, &end, 0);
        if (errno != 0 || end == p || (*end != ':' && *end != '\0'))
            return -1;
        p = *end == ':' ? end + 1 : end;
    }
    return n;
}

static int raw_syscall(const char *arg, bool compat)
{
    unsigned long long v[7] = {0};
    int n = parse_numbers(arg, v, compat ? 6 : 7);
    if (n < 1) {
        fprintf(stderr, "nook-probe: syscall: bad numbers \"%s\"\n", arg);
        return 2;
    }
    struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
    sigaction(SIGSYS, &sa, NULL);
    long ret;
    int err = 0;
    if (compat) {
#if defined(__x86_64__)
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(v[0]), "b"(v[1]), "c"(v[2]), "d"(v[3]), "S"(v[4]), "D"(v[5])
                         : "memory");
        if (ret < 0 && ret > -4096) {
            err = (int)-ret;
            ret = -1;
        }
#else
        fprintf(stderr, "nook-probe: syscall32 needs x86_64\n");
        return 2;
#endif
    } else {
        errno = 0;
        ret = syscall((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        err = ret < 0 ? errno : 0;
    }
    printf("%s=%s ret=%ld errno=%d\n", compat ? "syscall32" : "syscall", arg, ret, err);
    return 0;
}

static int cmd_syscall(const char *arg)
{
    return raw_syscall(arg, false);
}

static int cmd_syscall32(const char *arg)
{
    return raw_syscall(arg, true);
}

/* sched_getattr: "sched=POLICY:NICE:PRIORITY:FLAGS:RUNTIME:DEADLINE:PERIOD" */
static int cmd_sched(const char *arg)
{
    struct {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
    } a;
    (void)arg;
    memset(&a, 0, sizeof(a));
    if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0) {
        printf("sched=error:%s\n", errname(errno));
        return 0;
    }
    printf("sched=%u:%d:%u:%llu:%llu:%llu:%llu\n", a.policy, a.nice, a.priority,
           (unsigned long long)a.flags, (unsigned long long)a.runtime,
           (unsigned long long)a.deadline, (unsigned long long)a.period);
    return 0;
}

/* ioprio_get: "ioprio=CLASS:LEVEL" */
static int cmd_ioprio(const char *arg)
{
    long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    (void)arg;
    if (v < 0)
        printf("ioprio=error:%s\n", errname(errno));
    else
        printf("ioprio=%ld:%ld\n", v >> 13, v & 0xff);
    return 0;
}

static int cmd_personality(const char *arg)
{
    (void)arg;
    printf("personality=0x%x\n", (unsigned)personality(0xffffffff));
    return 0;
}

/* the CPUs, as a list "0,1" */
static int cmd_affinity(const char *arg)
{
    cpu_set_t set;
    const char *sep = "";
    (void)arg;
    if (sched_getaffinity(0, sizeof(set), &set) < 0) {
        printf("affinity=error:%s\n", errname(errno));
        return 0;
    }
    printf("affinity=");
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) {
            printf("%s%d", sep, i);
            sep = ",";
        }
    printf("\n");
    return 0;
}

/* get_mempolicy: "mempolicy=MODE:NODEMASK(hex, first word)" */
static int cmd_mempolicy(const char *arg)
{
    int mode = 0;
    unsigned long mask[1024 / (8 * sizeof(unsigned long))];
    (void)arg;
    memset(mask, 0, sizeof(mask));
    if (syscall(SYS_get_mempolicy, &mode, mask, 1024, NULL, 0) < 0) {
        printf("mempolicy=error:%s\n", errname(errno));
        return 0;
    }
    printf("mempolicy=%d:%lx\n", mode, mask[0]);
    return 0;
}

/* sysctl=kernel.shmmax: the value read from /proc/sys */
static int cmd_sysctl(const char *arg)
{
    char path[256], buf[256];
    size_t i;
    int fd;
    ssize_t n;
    snprintf(path, sizeof(path), "/proc/sys/%s", arg);
    for (i = strlen("/proc/sys/"); path[i]; i++)
        if (path[i] == '.')
            path[i] = '/';
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("sysctl.%s=error:%s\n", arg, errname(errno));
        return 0;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n'))
        buf[--n] = '\0';
    printf("sysctl.%s=%s\n", arg, buf);
    return 0;
}

/* CVE-2019-5736 from the container's side: find a process whose
 * /proc/PID/exe is the runtime (a link naming "nook" that is not this probe),
 * hold it O_PATH, wait until that process has exec'd something else or gone,
 * then reopen the held file for writing and write its first byte back
 * unchanged (harmless even if the attack works). Gives up after SECS. */
static bool is_runtime_exe(const char *link)
{
    return strstr(link, "nook") != NULL && strstr(link, "nook-probe") == NULL;
}

static int find_runtime(char *link, size_t size, int *held)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int pid = 0;

    while (d && pid == 0 && (e = readdir(d))) {
        char path[64];
        int p = atoi(e->d_name);
        if (p <= 0 || p == getpid())
            continue;
        snprintf(path, sizeof(path), "/proc/%d/exe", p);
        ssize_t n = readlink(path, link, size - 1);
        if (n < 0)
            continue;
        link[n] = '\0';
        if (!is_runtime_exe(link))
            continue;
        *held = open(path, O_PATH | O_CLOEXEC);
        if (*held >= 0)
            pid = p;
    }
    if (d)
        closedir(d);
    return pid;
}

static int cmd_exe_attack(const char *arg)
{
    time_t end = time(NULL) + atoi(arg);
    char link[PATH_MAX], now[PATH_MAX], path[64];
    int held = -1, pid = 0;

    while (pid == 0 && time(NULL) < end)
        pid = find_runtime(link, sizeof(link), &held);
    if (pid == 0) {
        printf("attack=none\n");
        return 0;
    }
    printf("attack.exe=%s\n", link);
    snprintf(path, sizeof(path), "/proc/%d/exe", pid);
    for (;;) {
        ssize_t n = readlink(path, now, sizeof(now) - 1);
        if (n < 0 || strcmp((now[n] = '\0', now), link) != 0 || time(NULL) >= end)
            break;
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", held);
    int w = open(path, O_WRONLY | O_CLOEXEC);
    printf("attack.open=%s\n", w < 0 ? errname(errno) : "OK");
    if (w >= 0) {
        char b;
        int r = open(path, O_RDONLY | O_CLOEXEC);
        bool ok = r >= 0 && pread(r, &b, 1, 0) == 1 && pwrite(w, &b, 1, 0) == 1;
        printf("attack.write=%s\n", ok ? "OK" : errname(errno));
        if (r >= 0)
            close(r);
        close(w);
    }
    return 0;
}

struct command {
    const char *name;
    bool takes_arg; /* "name=ARG" when true, bare "name" otherwise */
    bool arg_optional;
    int (*run)(const char *arg);
};

static const struct command commands[] = {
    {"ids", false, false, cmd_ids},
    {"caps", false, false, cmd_caps},
    {"ns", false, false, cmd_ns},
    {"pid", false, false, cmd_pid},
    {"hostname", false, false, cmd_hostname},
    {"rlimits", false, false, cmd_rlimits},
    {"fds", false, false, cmd_fds},
    {"env", false, false, cmd_env},
    {"cwd", false, false, cmd_cwd},
    {"umask", false, false, cmd_umask},
    {"keyring", false, false, cmd_keyring},
    {"oom", false, false, cmd_oom},
    {"mounts", false, false, cmd_mounts},
    {"sleep", true, false, cmd_sleep},
    {"exit", true, false, cmd_exit},
    {"kill", true, false, cmd_kill},
    {"cat", true, false, cmd_cat},
    {"write", true, false, cmd_write},
    {"stat", true, false, cmd_stat},
    {"wait-signal", true, true, cmd_wait_signal},
    {"pause", false, false, cmd_pause},
    {"ready", true, false, cmd_ready},
    {"syscall", true, false, cmd_syscall},
    {"syscall32", true, false, cmd_syscall32},
    {"sched", false, false, cmd_sched},
    {"ioprio", false, false, cmd_ioprio},
    {"personality", false, false, cmd_personality},
    {"affinity", false, false, cmd_affinity},
    {"mempolicy", false, false, cmd_mempolicy},
    {"sysctl", true, false, cmd_sysctl},
    {"exe-attack", true, false, cmd_exe_attack},
};

/* Finds the command for WORD and points *arg at its argument (or NULL). */
static const struct command *lookup(const char *word, const char **arg)
{
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);

    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *c = &commands[i];
        if (strlen(c->name) != len || strncmp(c->name, word, len) != 0)
            continue;
        if (eq && !c->takes_arg)
            return NULL;
        if (!eq && c->takes_arg && !c->arg_optional)
            return NULL;
        *arg = eq ? eq + 1 : NULL;
        return c;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *arg;

    /* Line buffered so output survives a kill between commands. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: nook-probe CMD [CMD...]\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!lookup(argv[i], &arg)) {
            fprintf(stderr, "nook-probe: unknown command \"%s\"\n", argv[i]);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        int rc = lookup(argv[i], &arg)->run(arg);
        if (rc != 0)
            return rc;
    }
    return 0;
}
