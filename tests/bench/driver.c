/* The bench's timing driver: runs a plan of commands read from stdin, one per
 * line, and measures each timed one with posix_spawn + wait4, so the cost of
 * measuring is one spawn and the figures come from the kernel: wall time
 * (CLOCK_MONOTONIC around spawn..wait4), user+sys CPU and peak RSS (the rusage
 * wait4 returns, which includes every descendant the command reaped itself).
 *
 *   bench-driver [--log FILE] < plan > results
 *
 * Plan lines (words separated by single spaces; no quoting):
 *   T LABEL CMD ARGS...     timed; prints "LABEL wall_ns user_us sys_us maxrss_kb status"
 *   U CMD ARGS...           untimed setup; a failure is logged, not fatal
 *   W TEXT CMD ARGS...      untimed: rerun CMD until its stdout contains TEXT (10 s at most)
 *   B LABEL / E LABEL       a group: every U between them is summed into one result line
 *   # ...                   comment
 * Children get /dev/null as stdin and stdout and the log (or /dev/null) as stderr.
 *
 * A CMD written "@cmd" runs in a private mount namespace with an empty tmpfs
 * over /sys/fs/cgroup/unified when that is a cgroup2 mount (a hybrid host): it
 * sees a pure v1 host; the host's mounts are untouched. crun 1.8.1 refuses
 * hybrid hosts otherwise. The namespace is made once, by a helper child of the
 * driver that spawns and times those commands the same way (posix_spawn +
 * wait4), so they carry no extra cost: "@/bin/true" shows it. Elsewhere "@" is
 * ignored.
 *
 * The driver is a child subreaper: containers whose runtime exited are
 * re-parented here and reaped between commands, never during a timed one.
 * The driver's own peak RSS is a floor under every maxrss figure (with
 * CLONE_VM spawning, exec records the parent's high-water mark); it is printed
 * as "# driver_maxrss_kb N" at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define MAX_ARGS     64
#define LINE_MAX_LEN 4096

extern char **environ;

static int log_fd = -1;
static int null_fd = -1;

struct result {
    long long wall_ns;
    long long user_us;
    long long sys_us;
    long maxrss_kb;
    int status; /* exit code, 128+signal, or -1 when it could not start */
};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_us(struct timeval tv)
{
    return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

static bool hybrid;

/* In the child, between fork and exec: hide the hybrid host's cgroup2 mount. */
static int hide_cgroup2(void)
{
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -1;
    return mount("bench", "/sys/fs/cgroup/unified", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=755");
}

/* Reaps re-parented containers; never called while a timed child runs. */
static void reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* The helper in the private mount ns: requests in, one reply line each. */
static FILE *helper_req, *helper_resp;

static void helper_send(char op, const char *text, char **argv)
{
    fprintf(helper_req, "%c", op);
    if (text != NULL)
        fprintf(helper_req, " %s", text);
    for (char **a = argv; *a != NULL; a++)
        fprintf(helper_req, " %s", *a);
    fprintf(helper_req, "\n");
    fflush(helper_req);
}

static void helper_run(char **argv, struct result *r)
{
    char line[256];
    helper_send('R', NULL, argv);
    if (fgets(line, sizeof(line), helper_resp) == NULL ||
        sscanf(line, "%lld %lld %lld %ld %d", &r->wall_ns, &r->user_us, &r->sys_us, &r->maxrss_kb,
               &r->status) != 5)
        r->status = -1;
}

static int helper_wait(const char *text, char **argv)
{
    char line[64];
    helper_send('W', text, argv);
    if (fgets(line, sizeof(line), helper_resp) == NULL)
        return -1;
    return atoi(line);
}

static void run(char **argv, int out_fd, struct result *r);
static int wait_for(const char *text, char **argv);
static int split(char *s, char **argv);

static _Noreturn void helper_main(int req_fd, int resp_fd)
{
    FILE *in = fdopen(req_fd, "r"), *out = fdopen(resp_fd, "w");
    if (in == NULL || out == NULL || hide_cgroup2() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        perror("bench-driver: helper");
        _exit(1);
    }
    static char line[LINE_MAX_LEN];
    char *args[MAX_ARGS];
    while (fgets(line, sizeof(line), in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char op = line[0];
        int n = split(line + 1, args);
        if (op == 'R' && n >= 1) {
            struct result r;
            run(args, null_fd, &r);
            fprintf(out, "%lld %lld %lld %ld %d\n", r.wall_ns, r.user_us, r.sys_us, r.maxrss_kb,
                    r.status);
        } else if (op == 'W' && n >= 2) {
            fprintf(out, "%d\n", wait_for(args[0], args + 1));
        } else {
            fprintf(out, "-1\n");
        }
        fflush(out);
        reap_orphans();
    }
    _exit(0);
}

static int start_helper(void)
{
    int req[2], resp[2];
    if (pipe2(req, O_CLOEXEC) < 0 || pipe2(resp, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(req[1]);
        close(resp[0]);
        helper_main(req[0], resp[1]);
    }
    close(req[0]);
    close(resp[1]);
    helper_req = fdopen(req[1], "w");
    helper_resp = fdopen(resp[0], "r");
    return helper_req != NULL && helper_resp != NULL ? 0 : -1;
}

/* Runs argv with stdout to out_fd; fills r. */
static void run(char **argv, int out_fd, struct result *r)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, null_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, log_fd >= 0 ? log_fd : null_fd, 2);

    memset(r, 0, sizeof(*r));
    if (argv[0][0] == '@') {
        argv[0]++;
        if (helper_req != NULL) {
            posix_spawn_file_actions_destroy(&fa);
            helper_run(argv, r);
            return;
        }
    }
    long long t0 = now_ns();
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    if (e != 0) {
        posix_spawn_file_actions_destroy(&fa);
        dprintf(log_fd >= 0 ? log_fd : 2, "bench-driver: cannot start %s: %s\n", argv[0],
                strerror(e));
        r->status = -1;
        return;
    }
    int st = 0;
    struct rusage ru;
    pid_t w;
    do
        w = wait4(pid, &st, 0, &ru);
    while (w < 0 && errno == EINTR);
    r->wall_ns = now_ns() - t0;
    posix_spawn_file_actions_destroy(&fa);
    if (w < 0) {
        r->status = -1;
        return;
    }
    r->user_us = tv_us(ru.ru_utime);
    r->sys_us = tv_us(ru.ru_stime);
    r->maxrss_kb = ru.ru_maxrss;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int split(char *s, char **argv)
{
    int n = 0;
    for (char *tok = strtok(s, " "); tok != NULL && n < MAX_ARGS - 1; tok = strtok(NULL, " "))
        argv[n++] = tok;
    argv[n] = NULL;
    return n;
}

static void log_failure(char **argv, int status)
{
    int fd = log_fd >= 0 ? log_fd : 2;
    dprintf(fd, "bench-driver: exit %d:", status);
    for (char **a = argv; *a != NULL; a++)
        dprintf(fd, " %s", *a);
    dprintf(fd, "\n");
}

/* W: poll until the command's stdout contains text. */
static int wait_for(const char *text, char **argv)
{
    if (argv[0][0] == '@') {
        argv[0]++;
        if (helper_req != NULL)
            return helper_wait(text, argv);
    }
    long long deadline = now_ns() + 10LL * 1000000000LL;
    char buf[65536];
    while (now_ns() < deadline) {
        int fd = memfd_create("bench-out", MFD_CLOEXEC);
        if (fd < 0)
            return -1;
        struct result r;
        run(argv, fd, &r);
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        close(fd);
        reap_orphans();
        if (n > 0) {
            buf[n] = '\0';
            if (strstr(buf, text) != NULL)
                return 0;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    log_failure(argv, -2);
    return -1;
}

static void print_result(const char *label, const struct result *r)
{
    printf("%s %lld %lld %lld %ld %d\n", label, r->wall_ns, r->user_us, r->sys_us, r->maxrss_kb,
           r->status);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
            log_fd = open(argv[++i], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (log_fd < 0) {
                perror("bench-driver: --log");
                return 1;
            }
        } else {
            fprintf(stderr, "usage: bench-driver [--log FILE] < plan\n");
            return 2;
        }
    }
    struct statfs sf;
    hybrid = statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        perror("bench-driver: setup");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (hybrid && start_helper() < 0) {
        perror("bench-driver: start the private-namespace helper");
        return 1;
    }

    static char line[LINE_MAX_LEN];
    char *args[MAX_ARGS];
    struct result group = {0};
    long long group_t0 = 0;
    bool in_group = false;
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char op = line[0];
        int n = split(line + 1, args);
        struct result r;
        if (op == 'T' && n >= 2) {
            run(args + 1, null_fd, &r);
            print_result(args[0], &r);
            if (r.status != 0)
                log_failure(args + 1, r.status);
        } else if (op == 'U' && n >= 1) {
            run(args, null_fd, &r);
            if (r.status != 0)
                log_failure(args, r.status);
            if (in_group) {
                group.user_us += r.user_us;
                group.sys_us += r.sys_us;
                if (r.maxrss_kb > group.maxrss_kb)
                    group.maxrss_kb = r.maxrss_kb;
                if (r.status != 0)
                    group.status = r.status;
            }
        } else if (op == 'W' && n >= 2) {
            wait_for(args[0], args + 1);
        } else if (op == 'B' && n == 1) {
            memset(&group, 0, sizeof(group));
            group_t0 = now_ns(); /* the group's wall is begin..end */
            in_group = true;
        } else if (op == 'E' && n == 1) {
            group.wall_ns = now_ns() - group_t0;
            print_result(args[0], &group);
            in_group = false;
        } else {
            fprintf(stderr, "bench-driver: bad plan line: %c ...\n", op);
            return 2;
        }
        reap_orphans();
    }
    /* VmHWM, not getrusage: that includes the mm of whoever spawned the
     * driver (exec records it), which the driver's own children never see. */
    FILE *f = fopen("/proc/self/status", "re");
    char buf[256];
    while (f != NULL && fgets(buf, sizeof(buf), f) != NULL)
        if (strncmp(buf, "VmHWM:", 6) == 0)
            printf("# driver_maxrss_kb %ld\n", strtol(buf + 6, NULL, 10));
    if (f != NULL)
        fclose(f);
    return 0;
}
