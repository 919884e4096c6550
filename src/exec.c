/* `exec`: nook -> C1 (joins the container's cgroup, then its namespaces) ->
 * C2, forked by C1 with CLONE_PARENT so it is nook's child: new pid and time
 * namespaces only apply to children, and nook can wait for it (foreground)
 * or leave it to the caller's subreaper when nook exits (--detach). C2 runs
 * the same process setup as init (src/process/) and execs; its sync socket
 * end is close-on-exec, so EOF on the socket means the exec happened.
 *
 * Without a user namespace nook itself joins the pid and time namespaces
 * (for its children only), so its one child is born in them and is C1 and
 * C2 at once: a fork, an exit and a wait less per exec. With one, joining
 * the pid namespace needs its capabilities, which only a member gets: two
 * children then. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container.h"
#include "container_signal.h"
#include "namespaces/namespaces.h"
#include "oci/state_json.h"
#include "process.h"
#include "seccomp/seccomp.h"
#include "state.h"
#include "terminal.h"
#include "util/fault.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/proc.h"
#include "util/sync.h"
#include "util/xalloc.h"
#include "validate.h"

typedef struct exec_child {
    const oci_config *config;
    const char *id;
    pid_t target;     /* the container's init */
    int target_pidfd; /* -1 without pidfds */
    int root_fd;      /* /proc/<init>/root: chroot target after joining */
    int sync_fd;      /* child end of the sync socket */
    int console_fd;   /* --console-socket (or nook's own socketpair), -1 */
    int preserve_fds;
    const int *host_fds; /* nook's fds the child must not keep */
    size_t n_host_fds;
    const nk_seccomp_prog *seccomp; /* compiled linux.seccomp, NULL without */
    nk_cgroup_join *cgroup;         /* NULL: the container has no cgroup of nook's */
    bool cloned_in;                 /* clone3 put C1 into the cgroup2 part */
} exec_child;

static bool in_userns(const oci_config *c)
{
    return oci_config_namespace(c, OCI_NS_USER) != NULL;
}

/* C2: inside every namespace; from here on, the shared process path. */
static int c2_steps(exec_child *x, char **exe, nk_error **err)
{
    const oci_process *p = &x->config->process;
    if (nk_process_initial_affinity(p, err) < 0)
        return -1;
    for (size_t i = 0; i < x->n_host_fds; i++)
        if (x->host_fds[i] >= 0)
            close(x->host_fds[i]);
    int *const fds[] = {&x->sync_fd, &x->console_fd, &x->root_fd};
    if (nk_process_enter(x->preserve_fds, fds, sizeof(fds) / sizeof(fds[0]), err) < 0)
        return -1;
    /* the container's root, also when it was entered by chroot (--no-pivot) */
    if (fchdir(x->root_fd) < 0 || chroot(".") < 0)
        return nk_err(err, errno, "enter the container's root");
    nk_closep(&x->root_fd);
    if (setsid() < 0)
        return nk_err(err, errno, "setsid");
    if (in_userns(x->config) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return nk_err(err, errno, "become root in the user namespace");
    if (nk_process_join_keyring(x->id, in_userns(x->config), err) < 0)
        return -1;
    if (p->terminal) {
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
            return nk_err(err, errno, "open /");
        if (nk_terminal_setup(rootfd, p, x->console_fd, false, err) < 0)
            return -1;
        nk_closep(&x->console_fd);
    }
    /* the same order as init's (init.c): filter, attributes, setup, lookup */
    if (nk_seccomp_apply(x->seccomp, p, NK_SECCOMP_BEFORE_SETUP, x->sync_fd, err) < 0 ||
        nk_process_set_attrs(p, &x->config->linux, err) < 0)
        return -1;
    if (nk_process_setup(p, err) < 0 || nk_process_lookup(p, exe, err) < 0)
        return -1;
    return nk_seccomp_apply(x->seccomp, p, NK_SECCOMP_BEFORE_READY, x->sync_fd, err);
}

static _Noreturn void c2_main(exec_child *x)
{
    nk_error *err = NULL;
    _cleanup_free_ char *exe = NULL;
    if (c2_steps(x, &exe, &err) == 0 &&
        nk_seccomp_apply(x->seccomp, &x->config->process, NK_SECCOMP_BEFORE_EXEC, -1, &err) == 0)
        nk_process_exec(&x->config->process, exe, x->preserve_fds, &err);
    nk_sync_send_error(x->sync_fd, err);
    _exit(1);
}

/* One definition of each fault point for both ways of entering: */
/* The child's first steps, either way: into the container's cgroup first,
 * so it and all it starts are born there (the join's fds are closed before
 * any namespace is joined), then, on nook's GO, into the namespaces. */
static int enter(exec_child *x, int parent_end, nk_error **err)
{
    nk_sync_msg msg;
    close(parent_end);
    if (x->cgroup != NULL && nk_cgroup_join_self(x->cgroup, x->cloned_in, err) < 0)
        return -1;
    if (nk_sync_expect(x->sync_fd, NK_SYNC_GO, &msg, err) < 0 ||
        nk_ns_join_process(x->target, x->target_pidfd, err) < 0)
        return -1;
    NK_FAULT_POINT("exec.child.after_join");
    return 0;
}

static int report_pid(exec_child *x, pid_t pid, nk_error **err)
{
    if (nk_sync_send(x->sync_fd, NK_SYNC_PID, pid, NULL, err) < 0)
        return -1;
    NK_FAULT_POINT("exec.child.after_pid");
    return 0;
}

static _Noreturn void c1_main(exec_child *x, int parent_end)
{
    nk_error *err = NULL;
    if (enter(x, parent_end, &err) < 0)
        goto fail;
    /* CLONE_PARENT: C2 becomes nook's child, not ours */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT, 0, 0, 0, 0);
    if (pid < 0) {
        nk_err(&err, errno, "fork into the container");
        goto fail;
    }
    if (pid == 0)
        c2_main(x);
    if (report_pid(x, pid, &err) < 0)
        goto fail;
    _exit(0);
fail:
    nk_sync_send_error(x->sync_fd, err);
    _exit(1);
}

/* The one child, born in the container's pid and time namespaces (nook
 * joined them for it): C1's steps, then C2's. nook knows its pid from the
 * fork; the PID message keeps the protocol. */
static _Noreturn void single_main(exec_child *x, int parent_end)
{
    nk_error *err = NULL;
    if (enter(x, parent_end, &err) < 0 || report_pid(x, 0, &err) < 0) {
        nk_sync_send_error(x->sync_fd, err);
        _exit(1);
    }
    c2_main(x);
}

/* ---------- nook's side ---------- */

typedef struct exec_run {
    pid_t c1, pid;
    int pidfd;
    int master; /* foreground -t without --console-socket */
} exec_run;

static int check_status(const nk_state *s, bool ignore_paused, nk_error **err)
{
    /* runc's wording: callers match on it */
    if (strcmp(s->status, "stopped") == 0)
        return nk_err(err, 0, "cannot exec in a stopped container");
    if (strcmp(s->status, "paused") == 0 && !ignore_paused)
        return nk_err(err, 0,
                      "cannot exec in a paused container (use --ignore-paused to override)");
    return 0;
}

static int check_terminal(const nk_exec_opts *o, const oci_process *p, nk_error **err)
{
    if (o->detach && p->terminal && o->console_socket == NULL)
        return nk_err(err, 0,
                      "cannot allocate tty if nook will detach without setting console socket");
    if ((!o->detach || !p->terminal) && o->console_socket != NULL)
        return nk_err(err, 0, "cannot use console socket if nook will not detach or allocate tty");
    return 0;
}

/* The same checks as create's, on the config with exec's process in it. */
static int validate(const nk_exec_opts *o, const oci_config *c, nk_error **err)
{
    if (check_terminal(o, &c->process, err) < 0)
        return -1;
    if (c->process.cwd == NULL || c->process.cwd[0] != '/')
        return nk_err(err, 0, "process.cwd: must be an absolute path");
    return nk_validate_config(c, c->process.terminal, false, err);
}

/* --cgroup: a path below the container's cgroup, the same in every
 * hierarchy. runc's per-controller "ctrl:path" form is refused by name. */
static int cgroup_sub(const nk_state *s, const nk_exec_opts *o, const char **sub, nk_error **err)
{
    *sub = o->cgroup;
    if (o->cgroup == NULL)
        return 0;
    if (s->cgroup_path == NULL)
        return nk_err(err, 0, "--cgroup: the container has no cgroup managed by nook");
    if (strchr(o->cgroup, ':') != NULL)
        return nk_err(err, 0,
                      "--cgroup: \"%s\": per-controller sub-cgroups (controller:path) are not "
                      "supported by nook; give a path",
                      o->cgroup);
    return 0;
}

/* C1, and so C2 and everything it starts, is in the container's cgroup
 * before it runs anything: cloned into the cgroup2 part, and it moves
 * itself into the v1 hierarchies (and into cgroup2 when clone3 can't) as
 * its first step. */
static pid_t fork_into_cgroup(exec_child *x)
{
    x->cloned_in = false;
    if (x->cgroup == NULL || x->cgroup->clone_fd < 0)
        return fork();
    struct clone_args a;
    memset(&a, 0, sizeof(a));
    a.flags = CLONE_INTO_CGROUP;
    a.exit_signal = SIGCHLD;
    a.cgroup = (uint64_t)x->cgroup->clone_fd;
    x->cloned_in = true;
    pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
    if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
        x->cloned_in = false; /* before 5.7 */
        pid = fork();
    }
    return pid;
}

/* linux.seccomp.listenerPath gets the notify fd of the exec'd process with
 * the container's state, as for init. */
static int forward_notify_fd(const nk_state *s, const oci_config *cfg, int fd, nk_error **err)
{
    if (fd < 0)
        return nk_err(err, EBADMSG, "sync: seccomp message without an fd");
    _cleanup_free_ char *json = NULL;
    size_t len;
    if (oci_state_to_json(s, false, false, &json, &len, err) < 0)
        return -1;
    return nk_seccomp_send_listener(&cfg->linux.seccomp, fd, s->pid, json, err);
}

/* Reads C1's PID message and C2's ERROR, if any, until EOF (C2 exec'd). */
static int collect(int sync_fd, const nk_state *s, const oci_config *cfg, exec_run *r,
                   nk_error **err)
{
    nk_error *child_err = NULL;
    for (;;) {
        nk_sync_msg msg;
        nk_error *e = NULL;
        if (nk_sync_recv(sync_fd, &msg, &e) < 0) {
            nk_error_free(e); /* EOF: every child end is closed */
            break;
        }
        if (msg.type == NK_SYNC_SECCOMP_FD) {
            nk_error *e2 = NULL;
            if (forward_notify_fd(s, cfg, msg.fd, &e2) < 0 && child_err == NULL)
                child_err = e2;
            else
                nk_error_free(e2);
            nk_closep(&msg.fd);
        } else if (msg.type == NK_SYNC_PID && msg.value > 0 && r->pid < 0)
            r->pid = msg.value;
        else if (msg.type == NK_SYNC_ERROR && child_err == NULL)
            nk_err(&child_err, msg.value, "%s", msg.payload);
    }
    if (child_err != NULL) {
        *err = child_err;
        return -1;
    }
    if (r->pid < 0)
        return nk_err(err, 0, "exec: the process did not start");
    return 0;
}

static void reap_quietly(pid_t pid)
{
    if (pid <= 0)
        return;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static int open_target(const nk_state *s, int *pidfd, int *root_fd, nk_error **err)
{
    *pidfd = nk_pidfd_open(s->pid);
    /* checked after the pidfd pins the process: the pid may have been reused */
    if (!nk_proc_is_alive(s->pid, s->init_start_time))
        return nk_err(err, 0, "cannot exec in a stopped container");
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/root", (int)s->pid);
    *root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*root_fd < 0)
        return nk_err(err, errno, "open `%s`", path);
    return 0;
}

static int spawn(nk_context *ctx, const nk_exec_opts *o, const nk_state_dir *d, const nk_state *s,
                 const oci_config *cfg, exec_run *r, nk_error **err)
{
    _cleanup_close_ int target_pidfd = -1, root_fd = -1, console_fd = -1, console_peer = -1;
    if (open_target(s, &target_pidfd, &root_fd, err) < 0)
        return -1;
    if (o->console_socket != NULL) {
        if ((console_fd = nk_console_socket_connect(o->console_socket, err)) < 0)
            return -1;
    } else if (cfg->process.terminal) {
        /* foreground -t: nook itself receives the master */
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
            return nk_err(err, errno, "socketpair");
        console_peer = sp[0];
        console_fd = sp[1];
    }
    const char *sub = NULL;
    _cleanup_(nk_cgroup_join_close) nk_cgroup_join cg = {.clone_fd = -1, .v2_procs_fd = -1};
    if (cgroup_sub(s, o, &sub, err) < 0 ||
        (s->cgroup_path != NULL && nk_cgroup_join_open(s->cgroup_path, sub, &cg, err) < 0))
        return -1;
    _cleanup_(nk_seccomp_prog_clear) nk_seccomp_prog seccomp = {0};
    if (cfg->linux.has_seccomp &&
        nk_seccomp_prepare(&cfg->linux.seccomp, ctx->root, &seccomp, err) < 0)
        return -1;
    int sync[2];
    if (nk_sync_pair(sync, err) < 0)
        return -1;
    bool single = !in_userns(cfg);
    nk_ns_saved own = {.pid_fd = -1, .time_fd = -1};
    if (single && nk_ns_join_for_children(s->pid, target_pidfd, &own, err) < 0) {
        close(sync[0]);
        close(sync[1]);
        return -1;
    }
    int host_fds[] = {d->fd,        ctx->log_fd, sync[0],    target_pidfd,
                      console_peer, own.pid_fd,  own.time_fd};
    exec_child x = {
        .config = cfg,
        .id = o->id,
        .target = s->pid,
        .target_pidfd = target_pidfd,
        .root_fd = root_fd,
        .sync_fd = sync[1],
        .console_fd = console_fd,
        .preserve_fds = o->preserve_fds,
        .host_fds = host_fds,
        .n_host_fds = sizeof(host_fds) / sizeof(host_fds[0]),
        .seccomp = cfg->linux.has_seccomp ? &seccomp : NULL,
        .cgroup = s->cgroup_path != NULL ? &cg : NULL,
    };
    r->c1 = fork_into_cgroup(&x);
    if (r->c1 != 0 && single)
        nk_ns_restore_for_children(&own);
    if (r->c1 < 0) {
        close(sync[0]);
        close(sync[1]);
        return nk_err(err, errno, "fork");
    }
    if (r->c1 == 0) {
        if (single)
            single_main(&x, sync[0]);
        c1_main(&x, sync[0]);
    }
    if (single) {
        r->pid = r->c1; /* the process itself: waited for below, not reaped here */
        r->c1 = -1;
    }
    close(sync[1]);
    nk_closep(&console_fd);
    nk_cgroup_join_close(&cg);
    NK_FAULT_POINT("exec.after_clone");
    int ret = nk_sync_send(sync[0], NK_SYNC_GO, 0, NULL, err);
    if (ret < 0)
        kill(r->c1 > 0 ? r->c1 : r->pid, SIGKILL);
    if (ret == 0)
        ret = collect(sync[0], s, cfg, r, err);
    else {
        nk_error *ignored = NULL;
        (void)collect(sync[0], s, cfg, r, &ignored);
        nk_error_free(ignored);
    }
    close(sync[0]);
    reap_quietly(r->c1);
    if (ret < 0) {
        reap_quietly(r->pid);
        return -1;
    }
    r->pidfd = nk_pidfd_open(r->pid);
    if (console_peer >= 0 && nk_terminal_recv_master(console_peer, &r->master, err) < 0)
        return -1;
    return 0;
}

static int write_pid_file(const char *path, pid_t pid, nk_error **err)
{
    if (path == NULL)
        return 0;
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: the shim Atoi()s it */
    return nk_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

static int prepare(nk_context *ctx, const nk_exec_opts *o, nk_state_dir *d, nk_state **s,
                   oci_config **cfg, nk_error **err)
{
    if (nk_validate_id(o->id, err) < 0)
        return -1;
    if (o->preserve_fds < 0)
        return nk_err(err, 0, "--preserve-fds must not be negative");
    /* no lock, like any reader: with --ignore-paused the child waits in the
     * frozen cgroup until `resume`, which takes the lock exclusively */
    if (nk_state_dir_open(ctx, o->id, 0, d, err) < 0 || nk_state_load(d, s, err) < 0)
        return -1;
    if (check_status(*s, o->ignore_paused, err) < 0)
        return -1;
    if (nk_state_load_config(d, (*s)->bundle, cfg, err) < 0)
        return -1;
    if (nk_exec_build_process(o, *cfg, err) < 0)
        return -1;
    return validate(o, *cfg, err);
}

int nk_container_exec(nk_context *ctx, const nk_exec_opts *o, int *exit_status, nk_error **err)
{
    *exit_status = 0;
    nk_state_dir d = {.fd = -1};
    _cleanup_state_ nk_state *s = NULL;
    _cleanup_config_ oci_config *cfg = NULL;
    exec_run r = {.c1 = -1, .pid = -1, .pidfd = -1, .master = -1};
    sigset_t forwarded, old;
    nk_forwarded_signals(&forwarded);
    /* an ignored SIGCHLD inherited from the caller would reap our children */
    signal(SIGCHLD, SIG_DFL);
    /* blocked before the fork so none is lost; the child resets its mask */
    if (!o->detach)
        sigprocmask(SIG_BLOCK, &forwarded, &old);
    int ret = prepare(ctx, o, &d, &s, &cfg, err);
    if (ret == 0)
        ret = spawn(ctx, o, &d, s, cfg, &r, err);
    if (ret == 0)
        ret = write_pid_file(o->pid_file, r.pid, err);
    NK_FAULT_POINT("exec.after_spawn");
    nk_state_dir_close(&d);
    if (ret < 0 && r.pid > 0) {
        if (r.pidfd >= 0)
            nk_pidfd_send_signal(r.pidfd, SIGKILL);
        else
            kill(r.pid, SIGKILL);
        reap_quietly(r.pid);
    }
    if (ret == 0 && !o->detach) {
        if (r.master >= 0)
            ret = nk_terminal_proxy_wait(r.master, r.pid, r.pidfd, &forwarded, exit_status, err);
        else
            ret = nk_wait_forwarding(r.pid, r.pidfd, &forwarded, exit_status, err);
    }
    nk_closep(&r.pidfd);
    nk_closep(&r.master);
    if (!o->detach)
        sigprocmask(SIG_SETMASK, &old, NULL);
    return ret;
}
