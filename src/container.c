/* The lifecycle. `create` leaves init blocked on exec.fifo; `start` writes
 * into it; `run` is both plus waiting (without the fifo unless a
 * startContainer hook needs it: the final GO starts init). Every create step that fails undoes
 * the ones before it (SECURITY.md rule 8). */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "namespaces/namespaces.h"
#include "process.h"
#include "seccomp/seccomp.h"
#include "rootfs/rootfs.h"
#include "state.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/proc.h"
#include "util/sync.h"
#include "util/xalloc.h"
#include "validate.h"
#include "container_signal.h"
#include "container_ops.h"

int nk_validate_id(const char *id, nk_error **err)
{
    static const char allowed[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-.";
    size_t len = id ? strlen(id) : 0;
    bool ok = len > 0 && len <= 255 && id[0] != '.' && strspn(id, allowed) == len &&
              strstr(id, "..") == NULL;
    if (!ok)
        return nk_err(err, 0,
                      "invalid container id \"%s\": must match "
                      "^[A-Za-z0-9_+-][A-Za-z0-9_+.-]*$, without \"..\", at most 255 characters",
                      id ? id : "");
    return 0;
}

/* ---------- create ---------- */

typedef struct nk_created {
    nk_state_dir dir;
    oci_config *config;
    pid_t pid;
    int pidfd;
    int sync_fd; /* to init until create is complete: init dies with it */
    nk_cgroup cg;
    nk_seccomp_prog seccomp;
    const nk_context *ctx;
    char *bundle;   /* canonical, for hooks */
    int tty_master; /* foreground terminal without --console-socket, else -1 */
    /* `run` without startContainer hooks: no exec.fifo, init goes straight
     * from the final GO to its execve */
    bool started;
    /* no prestart/createRuntime hooks (their GO would be taken for this
     * one): the final GO goes out while init sets up, so neither side waits
     * for the other after READY */
    bool early_go;
} nk_created;

static void created_release(nk_created *c)
{
    nk_state_dir_close(&c->dir);
    oci_config_free(c->config);
    c->config = NULL;
    nk_closep(&c->pidfd);
    nk_closep(&c->sync_fd);
    free(c->bundle);
    c->bundle = NULL;
    nk_closep(&c->tty_master);
    nk_cgroup_release(&c->cg);
    nk_seccomp_prog_clear(&c->seccomp);
}

static int resolve_rootfs(const char *bundle, const oci_config *cfg, char **out, nk_error **err)
{
    _cleanup_free_ char *joined = cfg->root.path[0] == '/'
                                      ? xstrdup(cfg->root.path)
                                      : xasprintf("%s/%s", bundle, cfg->root.path);
    char *real = realpath(joined, NULL);
    if (real == NULL)
        return nk_err(err, errno, "root.path: `%s`", joined);
    struct stat st;
    if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
        free(real);
        return nk_err(err, ENOTDIR, "root.path: `%s`", joined);
    }
    *out = real;
    return 0;
}

static int write_oom_score_adj(pid_t pid, const oci_process *p, nk_error **err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char path[64], val[16];
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
    int n = snprintf(val, sizeof(val), "%d", p->oom_score_adj);
    if (nk_write_file_at(AT_FDCWD, path, val, (size_t)n, err) < 0)
        return nk_err_wrap(err, "process.oomScoreAdj");
    NK_FAULT_POINT("create.after_oom_score");
    return 0;
}

static int write_pid_file(const char *path, pid_t pid, nk_error **err)
{
    if (path == NULL)
        return 0;
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: the shim Atoi()s it */
    NK_FAULT_POINT("create.before_pid_file");
    return nk_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

static int save_initial_state(const nk_created *c, const char *bundle, const char *rootfs,
                              nk_error **err)
{
    NK_FAULT_POINT("create.before_state_save");
    nk_state s = {0};
    s.oci_version = c->config->oci_version;
    s.id = c->dir.id;
    s.pid = c->pid;
    s.status = "created";
    s.bundle = (char *)bundle;
    s.rootfs = (char *)rootfs;
    s.created = nk_state_now_rfc3339();
    s.annotations = c->config->annotations;
    s.owner = "";
    const oci_namespace *pidns = oci_config_namespace(c->config, OCI_NS_PID);
    s.own_pid_ns = pidns != NULL && pidns->path == NULL;
    s.cgroup_path = c->cg.path;
    if (nk_proc_stat(c->pid, &s.init_start_time, NULL) < 0) {
        free(s.created);
        return nk_err(err, errno, "container init exited during create");
    }
    int ret = nk_state_save(&c->dir, &s, err);
    NK_FAULT_POINT("create.after_state_save");
    free(s.created);
    return ret;
}

/* linux.seccomp.listenerPath gets the notify fd init sent, with the state
 * of the container being created, as runc sends it. */
static int forward_notify_fd(const nk_created *c, int fd, const char *bundle, nk_error **err)
{
    if (fd < 0)
        return nk_err(err, EBADMSG, "sync: seccomp message without an fd");
    nk_state s = {0};
    s.oci_version = c->config->oci_version;
    s.id = c->dir.id;
    s.pid = c->pid;
    s.status = "creating";
    s.bundle = (char *)bundle;
    s.annotations = c->config->annotations;
    _cleanup_free_ char *json = NULL;
    size_t len;
    if (oci_state_to_json(&s, false, false, &json, &len, err) < 0)
        return -1;
    return nk_seccomp_send_listener(&c->config->linux.seccomp, fd, c->pid, json, err);
}

/* Init's messages until READY: it may ask for the runtime-namespace hooks.
 * *failed: init itself reported an error (NULL: not wanted). */
static int wait_ready(const nk_created *c, const char *id, const char *bundle, int sync_fd,
                      bool *failed, nk_error **err)
{
    for (;;) {
        nk_sync_msg msg;
        if (nk_sync_recv(sync_fd, &msg, err) < 0)
            return -1;
        if (msg.type == NK_SYNC_READY)
            return 0;
        if (msg.type == NK_SYNC_ERROR) {
            if (failed != NULL)
                *failed = true;
            return nk_err(err, msg.value, "%s", msg.payload);
        }
        if (msg.type == NK_SYNC_SECCOMP_FD) {
            int ret = forward_notify_fd(c, msg.fd, bundle, err);
            nk_closep(&msg.fd);
            if (ret < 0)
                return -1;
            continue;
        }
        if (msg.type != NK_SYNC_HOOKS)
            return nk_err(err, EBADMSG, "sync: unexpected message %u from init", msg.type);
        if (nk_hooks_create_runtime(c->config, id, c->pid, bundle, err) < 0 ||
            nk_sync_send(sync_fd, NK_SYNC_GO, 0, NULL, err) < 0)
            return -1;
    }
}

/* In init, first thing: cloned into the cgroup2 part (when there is one),
 * it moves itself into the v1 hierarchies. A task moving itself skips the
 * kernel's global threadgroup lock, whose write side waits for an RCU grace
 * period (milliseconds) when the runtime moves another process. */
static int join_cgroup(void *arg, nk_error **err)
{
    nk_cgroup_join *j = arg;
    return nk_cgroup_join_self(j, j->clone_fd >= 0, err);
}

/* State saved, pid file written, then GO: init never runs the user's
 * program of a container nobody could find. */
static int complete_create(nk_created *c, const nk_create_opts *o, const char *bundle,
                           const char *rootfs, nk_error **err)
{
    if (save_initial_state(c, bundle, rootfs, err) < 0 ||
        write_pid_file(o->pid_file, c->pid, err) < 0)
        return -1;
    return nk_sync_send(c->sync_fd, NK_SYNC_GO, 0, NULL, err);
}

/* Spawn init and wait until it reports READY (or its error). */
static int spawn_init(nk_context *ctx, const nk_create_opts *o, nk_created *c, const char *bundle,
                      const char *rootfs, bool foreground, nk_error **err)
{
    int sync[2] = {-1, -1};
    _cleanup_close_ int fifo_fd = -1, console_fd = -1, console_peer = -1;
    if (!c->started) {
        if (mkfifoat(c->dir.fd, NK_EXEC_FIFO, 0600) < 0)
            return nk_err(err, errno, "mkfifo `%s/%s`", c->dir.path, NK_EXEC_FIFO);
        NK_FAULT_POINT("create.after_fifo");
        /* O_RDWR never blocks on a fifo; init then blocks in read() until start */
        fifo_fd = openat(c->dir.fd, NK_EXEC_FIFO, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fifo_fd < 0)
            return nk_err(err, errno, "open `%s`", NK_EXEC_FIFO);
    }
    if (o->console_socket != NULL &&
        (console_fd = nk_console_socket_connect(o->console_socket, err)) < 0)
        return -1;
    _cleanup_(nk_idmap_fds_freep) nk_idmap_fds idmap = {.config = c->config};
    if (nk_idmap_mounts_prepare(c->config, bundle, &idmap.fds, err) < 0)
        return -1;
    if (o->console_socket == NULL && foreground && c->config->process.terminal) {
        /* nook stands in for the console socket and wires the pty to its stdio */
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
            return nk_err(err, errno, "socketpair");
        console_peer = sp[0];
        console_fd = sp[1];
    }
    /* init inherits it through clone, before it joins anything */
    if (nk_process_initial_affinity(&c->config->process, err) < 0)
        return -1;
    if (nk_sync_pair(sync, err) < 0)
        return -1;
    c->sync_fd = sync[0];
    int host_fds[] = {c->dir.fd, ctx->log_fd, sync[0], console_peer};
    nk_init_cfg ic = {
        .config = c->config,
        .id = o->id,
        .rootfs = rootfs,
        .bundle = bundle,
        .sync_fd = sync[1],
        .fifo_fd = fifo_fd,
        .console_fd = console_fd,
        .preserve_fds = o->preserve_fds,
        .no_pivot = o->no_pivot,
        .no_new_keyring = o->no_new_keyring,
        .seccomp = c->config->linux.has_seccomp ? &c->seccomp : NULL,
        .host_fds = host_fds,
        .n_host_fds = sizeof(host_fds) / sizeof(host_fds[0]),
        .idmap_fds = idmap.fds,
    };
    nk_spawn sp = {
        .config = c->config,
        .fn = nk_init_main,
        .arg = &ic,
        .sync_parent = sync[0],
        .sync_child = sync[1],
        .cgroup_fd = c->cg.join.clone_fd,
        .child_first = c->cg.path != NULL ? join_cgroup : NULL,
        .child_first_arg = &c->cg.join,
    };
    int ret = nk_ns_spawn(&sp, err);
    NK_FAULT_POINT("create.after_spawn");
    c->pid = sp.pid;
    c->pidfd = NK_TAKE_FD(sp.pidfd);
    nk_spawn_release(&sp);
    nk_cgroup_join_close(&c->cg.join); /* init has its own copies */
    close(sync[1]);
    if (ret < 0)
        return -1;
    /* init is already at work: its own failure may be what made one of
     * these fail (/proc/<pid> or the socket gone) */
    if (write_oom_score_adj(c->pid, &c->config->process, err) < 0 ||
        nk_net_devices_move(c->pid, &c->config->linux, err) < 0 ||
        (c->early_go && complete_create(c, o, bundle, rootfs, err) < 0)) {
        /* without hooks nothing in init waits for us before READY, so
         * reading what it said cannot block on us */
        nk_error *why = NULL;
        bool init_failed = false;
        if (c->early_go && wait_ready(c, o->id, bundle, sync[0], &init_failed, &why) < 0 &&
            init_failed) {
            nk_error_free(*err);
            *err = why;
        } else {
            nk_error_free(why);
        }
        return -1;
    }
    ret = wait_ready(c, o->id, bundle, sync[0], NULL, err);
    NK_FAULT_POINT("create.after_ready");
    if (ret == 0 && console_peer >= 0)
        ret = nk_terminal_recv_master(console_peer, &c->tty_master, err);
    return ret;
}

/* Undo a half-made create: the init (and everything in its pid namespace)
 * and the state directory. */
static void abort_create(nk_created *c)
{
    bool spawned = c->pid > 0;
    if (c->pid > 0) {
        if (c->pidfd >= 0)
            nk_pidfd_send_signal(c->pidfd, SIGKILL);
        else
            kill(c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    /* fds may be what ran out: give back ours before the cgroup needs some */
    nk_closep(&c->pidfd);
    nk_closep(&c->sync_fd);
    nk_error *ignored = NULL;
    if (c->cg.created)
        nk_cgroup_destroy(c->cg.path, &ignored);
    nk_error_free(ignored);
    ignored = NULL;
    nk_state_dir_remove(&c->dir, &ignored);
    nk_error_free(ignored);
    /* the container is destroyed: lifecycle step 13 */
    if (spawned)
        nk_hooks_poststop(c->ctx, c->config, c->dir.id, c->bundle);
}

/* An unprivileged caller usually may not make cgroups; like runc, that is
 * only an error when the config asks for limits. */
static int create_cgroup(nk_context *ctx, nk_created *c, const char *id, nk_error **err)
{
    const oci_resources *r = &c->config->linux.resources;
    bool limits = c->config->linux.has_resources &&
                  (r->has_memory || r->has_cpu || r->has_pids_limit || r->has_blockio ||
                   r->n_hugepage_limits || r->n_rdma || r->unified.len);
    if (ctx->cgroups_disabled) {
        if (limits)
            return nk_err(err, 0,
                          "linux.resources: limits set, but cgroups are disabled "
                          "(--cgroup-manager=disabled)");
        /* without a device cgroup only the nodes made in /dev (and CAP_MKNOD) bound it */
        if (r->n_devices > 0)
            nk_warn(ctx, "linux.resources.devices: not enforced, cgroups are disabled");
        c->cg.join.clone_fd = c->cg.join.v2_procs_fd = -1;
        return 0;
    }
    nk_error *e = NULL;
    if (nk_cgroup_create(c->config, id, &c->cg, &e) == 0)
        return 0;
    if (geteuid() != 0 && ctx->rootless != 0 && !limits &&
        (e->errnum == EACCES || e->errnum == EPERM || e->errnum == EROFS)) {
        nk_debug(ctx, "rootless: running without a cgroup: %s", nk_error_text(e));
        nk_error_free(e);
        nk_cgroup_release(&c->cg);
        c->cg.join.clone_fd = c->cg.join.v2_procs_fd = -1;
        return 0;
    }
    *err = e;
    return -1;
}

/* Until state.json exists, this file is how a delete after a killed create
 * finds the cgroup the create makes: written before the cgroup is made,
 * removed again when the cgroup turns out to exist already (not ours). */
#define NK_CGROUP_RECORD "cgroup.path"

static int record_cgroup(const nk_state_dir *d, const oci_config *cfg, const char *id,
                         nk_error **err)
{
    _cleanup_free_ char *cg = NULL;
    if (nk_cgroup_resolve_path(cfg->linux.cgroups_path, id, &cg, err) < 0)
        return -1;
    _cleanup_free_ char *path = xasprintf("%s/%s", d->path, NK_CGROUP_RECORD);
    return nk_write_file_atomic(path, cg, strlen(cg), 0600, err);
}

/* The cgroup a killed create left: its init exits by itself once the
 * create is gone (no GO), so the cgroup empties and can be removed. */
static int remove_recorded_cgroup(const nk_state_dir *d, nk_error **err)
{
    _cleanup_free_ char *path = NULL;
    if (nk_read_file_at(d->fd, NK_CGROUP_RECORD, &path, NULL, err) < 0) {
        if ((*err)->errnum != ENOENT)
            return -1;
        nk_error_freep(err);
        return 0;
    }
    return nk_cgroup_destroy(path, err);
}

static void warn_unknown_cap(const char *set, const char *name, void *arg)
{
    nk_warn((const nk_context *)arg, "process.capabilities.%s: ignoring unknown capability %s", set,
            name);
}

/* start_now (`run`): init needs no exec.fifo when it has no startContainer
 * hooks to report on; c->started says which way it went. */
static int do_create(nk_context *ctx, const nk_create_opts *o, bool foreground, bool start_now,
                     nk_created *c, nk_error **err)
{
    memset(c, 0, sizeof(*c));
    c->dir.fd = c->pidfd = c->sync_fd = c->tty_master = -1;
    c->cg.join.clone_fd = c->cg.join.v2_procs_fd = -1;
    c->ctx = ctx;
    if (nk_validate_id(o->id, err) < 0)
        return -1;
    if (ctx->systemd_cgroup)
        return nk_err(err, 0,
                      "systemd cgroup driver is not supported by nook yet, "
                      "run without --systemd-cgroup");
    if (o->preserve_fds < 0)
        return nk_err(err, 0, "--preserve-fds: must not be negative");
    const char *bundle_arg = o->bundle ? o->bundle : ".";
    _cleanup_free_ char *bundle = realpath(bundle_arg, NULL);
    if (bundle == NULL)
        return nk_err(err, errno, "bundle `%s`", bundle_arg);
    c->bundle = xstrdup(bundle);
    /* read once: the copy kept for exec and delete is what was parsed here */
    _cleanup_free_ char *config_path = xasprintf("%s/config.json", bundle);
    _cleanup_free_ char *config_json = NULL;
    size_t config_len = 0;
    if (nk_read_file(config_path, &config_json, &config_len, err) < 0 ||
        oci_config_parse(config_json, config_len, &c->config, err) < 0)
        return -1;
    if (nk_validate_config(c->config, o->console_socket != NULL, foreground, err) < 0)
        return -1;
    nk_process_unknown_caps(&c->config->process, warn_unknown_cap, ctx);
    c->started = start_now && c->config->hooks.start_container.len == 0;
    /* compiled here, before anything exists to undo; the cache is the state
     * root's, which init can no longer see. The root is made first: on a
     * new root the first container would otherwise compile without caching,
     * and so would the second */
    if (c->config->linux.has_seccomp &&
        (nk_state_root_create(ctx, err) < 0 ||
         nk_seccomp_prepare(&c->config->linux.seccomp, ctx->root, &c->seccomp, err) < 0))
        return -1;
    if (c->config->linux.has_seccomp)
        nk_debug(ctx, "seccomp: %zu BPF instructions %s", c->seccomp.len,
                 c->seccomp.from_cache ? "from the cache" : "compiled");
    _cleanup_free_ char *rootfs = NULL;
    if (resolve_rootfs(bundle, c->config, &rootfs, err) < 0)
        return -1;
    NK_FAULT_POINT("create.before_state_dir");
    if (nk_state_dir_create(ctx, o->id, &c->dir, err) < 0) {
        /* only remove what we made: EEXIST means another container's dir */
        if (c->dir.fd >= 0)
            abort_create(c);
        return -1;
    }
    NK_FAULT_POINT("create.after_state_dir");
    /* init comes back to us if an intermediate process forked it */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        nk_debug(ctx, "prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
    if (record_cgroup(&c->dir, c->config, o->id, err) < 0 ||
        create_cgroup(ctx, c, o->id, err) < 0) {
        abort_create(c);
        return -1;
    }
    if (!c->cg.created)
        unlinkat(c->dir.fd, NK_CGROUP_RECORD, 0);
    NK_FAULT_POINT("create.after_cgroup");
    c->early_go = c->config->hooks.prestart.len + c->config->hooks.create_runtime.len == 0;
    if (nk_state_save_config(&c->dir, config_json, config_len, err) < 0 ||
        spawn_init(ctx, o, c, bundle, rootfs, foreground, err) < 0 ||
        (!c->early_go && complete_create(c, o, bundle, rootfs, err) < 0)) {
        abort_create(c);
        return -1;
    }
    nk_closep(&c->sync_fd);
    NK_FAULT_POINT("create.done");
    nk_debug(ctx, "container %s created, init pid %d", o->id, (int)c->pid);
    return 0;
}

int nk_container_create(nk_context *ctx, const nk_create_opts *o, nk_error **err)
{
    nk_created c;
    int ret = do_create(ctx, o, false, false, &c, err);
    created_release(&c);
    return ret;
}

/* ---------- start ---------- */

/* With startContainer hooks, init keeps exec.fifo open until its execve
 * (close-on-exec) or writes the hook's failure into it and exits: wait for
 * the last writer to go (POLLHUP), then read what it left. */
static int wait_start_hooks(int rfd, nk_error **err)
{
    struct pollfd p = {.fd = rfd, .events = 0};
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR)
            return nk_err(err, errno, "wait for the startContainer hooks");
    char msg[NK_SYNC_MAX_PAYLOAD];
    ssize_t n = read(rfd, msg, sizeof(msg) - 1);
    if (n <= 0)
        return 0;
    msg[n] = '\0';
    return nk_err(err, 0, "%s", msg);
}

static int write_exec_fifo(const nk_state_dir *d, bool start_hooks, nk_error **err)
{
    /* non-blocking: ENXIO means nobody holds the fifo, i.e. init is gone */
    _cleanup_close_ int fd = openat(d->fd, NK_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO || errno == ENOENT)
            return nk_err(err, 0, "container not running");
        return nk_err(err, errno, "open `%s`", NK_EXEC_FIFO);
    }
    _cleanup_close_ int rfd = -1;
    if (start_hooks && (rfd = openat(d->fd, NK_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
        return nk_err(err, errno, "open `%s`", NK_EXEC_FIFO);
    if (nk_write_all(fd, "0", 1) < 0)
        return nk_err(err, errno, "write `%s`", NK_EXEC_FIFO);
    NK_FAULT_POINT("start.after_fifo_write");
    if (unlinkat(d->fd, NK_EXEC_FIFO, 0) < 0)
        return nk_err(err, errno, "remove `%s`", NK_EXEC_FIFO);
    nk_closep(&fd);
    return rfd >= 0 ? wait_start_hooks(rfd, err) : 0;
}

static int start_locked(const nk_context *ctx, const nk_state_dir *d, nk_error **err)
{
    _cleanup_state_ nk_state *s = NULL;
    if (nk_state_load(d, &s, err) < 0)
        return -1;
    if (strcmp(s->status, "stopped") == 0)
        return nk_err(err, 0, "cannot start a container that has stopped");
    if (strcmp(s->status, "created") != 0)
        return nk_err(err, 0, "cannot start an already %s container", s->status);
    _cleanup_config_ oci_config *cfg = NULL;
    nk_error *e = NULL;
    if (nk_state_load_config(d, s->bundle, &cfg, &e) < 0)
        nk_debug(ctx, "start: no config for poststart hooks: %s", nk_error_text(e));
    nk_error_free(e);
    NK_FAULT_POINT("start.before_fifo_write");
    if (write_exec_fifo(d, cfg != NULL && cfg->hooks.start_container.len > 0, err) < 0)
        return -1;
    nk_hooks_poststart(ctx, cfg, d->id, s->pid, s->bundle);
    return 0;
}

int nk_container_start(nk_context *ctx, const char *id, nk_error **err)
{
    if (nk_validate_id(id, err) < 0)
        return -1;
    nk_state_dir d;
    int ret = nk_state_dir_open(ctx, id, LOCK_EX, &d, err);
    if (ret == 0)
        ret = start_locked(ctx, &d, err);
    nk_state_dir_close(&d);
    return ret;
}

/* ---------- run ---------- */

/* The cgroup first: a state dir without a cgroup can still be deleted,
 * a cgroup without a state dir would be lost. */
static int remove_container(nk_state_dir *d, const char *cgroup_path, nk_error **err)
{
    if (cgroup_path != NULL && nk_cgroup_destroy(cgroup_path, err) < 0)
        return -1;
    NK_FAULT_POINT("delete.after_cgroup_destroy");
    return nk_state_dir_remove(d, err);
}

int nk_container_run(nk_context *ctx, const nk_create_opts *o, int *exit_status, nk_error **err)
{
    *exit_status = 0;
    sigset_t forwarded, old;
    nk_forwarded_signals(&forwarded);
    /* blocked before the clone so no signal is lost; init resets its mask */
    if (!o->detach)
        sigprocmask(SIG_BLOCK, &forwarded, &old);
    nk_created c;
    int ret = do_create(ctx, o, !o->detach, true, &c, err);
    if (ret == 0 && c.started)
        nk_hooks_poststart(ctx, c.config, o->id, c.pid, c.bundle);
    else if (ret == 0 && (ret = start_locked(ctx, &c.dir, err)) < 0)
        abort_create(&c);
    if (ret == 0 && !o->detach) {
        NK_FAULT_POINT("run.after_start");
        /* let kill/delete from other callers in while the container runs */
        flock(c.dir.fd, LOCK_UN);
        if (c.tty_master >= 0)
            ret =
                nk_terminal_proxy_wait(c.tty_master, c.pid, c.pidfd, &forwarded, exit_status, err);
        else
            ret = nk_wait_forwarding(c.pid, c.pidfd, &forwarded, exit_status, err);
        NK_FAULT_POINT("run.after_wait");
        if (ret == 0 && !o->keep) {
            struct stat st;
            flock(c.dir.fd, LOCK_EX);
            if (fstat(c.dir.fd, &st) == 0 && st.st_nlink > 0) { /* not deleted meanwhile */
                ret = remove_container(&c.dir, c.cg.path, err);
                nk_hooks_poststop(ctx, c.config, o->id, c.bundle);
            }
        }
    }
    if (!o->detach)
        sigprocmask(SIG_SETMASK, &old, NULL);
    created_release(&c);
    return ret;
}

/* ---------- state, list ---------- */

/* list shows who owns each container, as runc does. Containers of one root
 * nearly always share an owner: the last name found is reused. */
typedef struct owner_cache {
    uid_t uid;
    char *name; /* NULL: nothing looked up yet */
} owner_cache;

static char *owner_name(uid_t uid, owner_cache *cache)
{
    if (cache->name == NULL || cache->uid != uid) {
        char *name = NULL;
        nk_error *e = NULL;
        if (nk_passwd_name("/etc/passwd", uid, &name, &e) < 0 || name == NULL)
            name = xasprintf("#%u", (unsigned)uid);
        nk_error_free(e);
        free(cache->name);
        cache->name = name;
        cache->uid = uid;
    }
    return xstrdup(cache->name);
}

/* *owner (may be NULL): who owns the container's directory */
static int load_unlocked(nk_context *ctx, const char *id, nk_state **out, uid_t *owner,
                         nk_error **err)
{
    if (nk_validate_id(id, err) < 0)
        return -1;
    nk_state_dir d;
    /* readers take no lock: state.json is replaced atomically */
    int ret = nk_state_dir_open(ctx, id, 0, &d, err);
    if (ret == 0)
        ret = nk_state_load(&d, out, err);
    if (ret < 0 && d.fd >= 0 && faccessat(d.fd, "state.json", F_OK, 0) < 0) {
        /* a create or delete holds the lock right now: its outcome is the truth */
        nk_error_freep(err);
        while (flock(d.fd, LOCK_SH) < 0 && errno == EINTR)
            ;
        struct stat st;
        if (fstat(d.fd, &st) == 0 && st.st_nlink == 0)
            ret = nk_err(err, 0, "container \"%s\" does not exist", id);
        else
            ret = nk_state_load(&d, out, err);
    }
    if (owner != NULL)
        *owner = d.uid;
    nk_state_dir_close(&d);
    return ret;
}

int nk_container_state(nk_context *ctx, const char *id, nk_state **out, nk_error **err)
{
    return load_unlocked(ctx, id, out, NULL, err);
}

int nk_container_list(nk_context *ctx, nk_state ***out, size_t *n, nk_error **err)
{
    _cleanup_strv_ char **ids = NULL;
    size_t n_ids = 0;
    if (nk_state_list_ids(ctx, &ids, &n_ids, err) < 0)
        return -1;
    nk_state_reader reader = {.root_fd = -1, .proc_fd = -1};
    if (n_ids > 0 && nk_state_reader_open(ctx, &reader, err) < 0) {
        nk_state_reader_close(&reader);
        return -1;
    }
    nk_state **v = xcalloc(n_ids + 1, sizeof(nk_state *));
    size_t len = 0;
    owner_cache owners = {0};
    for (size_t i = 0; i < n_ids; i++) {
        nk_error *e = NULL;
        uid_t uid = 0;
        int r = nk_validate_id(ids[i], &e);
        if (r == 0 && nk_state_reader_load(&reader, ids[i], &v[len], &uid, &e) < 0) {
            /* mid-create or mid-delete: the locking path has the answer */
            nk_error_freep(&e);
            r = load_unlocked(ctx, ids[i], &v[len], &uid, &e);
        }
        if (r == 0) {
            /* list shows who owns the container, as runc does; state keeps "" */
            free(v[len]->owner);
            v[len]->owner = owner_name(uid, &owners);
            len++;
        } else
            nk_debug(ctx, "list: skipping %s: %s", ids[i], nk_error_text(e));
        nk_error_free(e);
    }
    free(owners.name);
    nk_state_reader_close(&reader);
    *out = v;
    *n = len;
    return 0;
}

/* ---------- kill ---------- */

int nk_container_kill(nk_context *ctx, const char *id, int sig, bool all, nk_error **err)
{
    if (nk_validate_id(id, err) < 0)
        return -1;
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    int ret = nk_state_dir_open(ctx, id, LOCK_SH, &d, err);
    if (ret == 0)
        ret = nk_state_load(&d, &s, err);
    nk_state_dir_close(&d);
    if (ret < 0)
        return -1;
    /* the cgroup knows every process, also after init died */
    if (all && s->cgroup_path != NULL)
        return nk_state_kill_all(s, sig, err);
    if (strcmp(s->status, "stopped") == 0) {
        /* the shim sends `kill --all ID 9` after init exited: nothing of the
         * container is left that nook can find, which is success */
        if (all)
            return 0;
        return nk_err(err, 0, "container not running");
    }
    NK_FAULT_POINT("kill.before_signal");
    return nk_signal_container(s->pid, s->init_start_time, s->own_pid_ns && all, sig, err);
}

/* ---------- delete ---------- */

static int kill_and_wait(const nk_state *s, nk_error **err)
{
    /* through the cgroup first: it reaches a frozen init and all it forked */
    if (nk_state_kill_leftovers(s, err) < 0)
        return -1;
    NK_FAULT_POINT("delete.after_signal");
    /* init leaves cgroup.procs before it is a zombie: it may still be
     * exiting, and dying meanwhile is what we want, not an error */
    if (nk_signal_container(s->pid, s->init_start_time, s->own_pid_ns, SIGKILL, err) < 0) {
        if (nk_proc_is_alive(s->pid, s->init_start_time))
            return -1;
        nk_error_freep(err);
    }
    return nk_wait_gone(s->pid, s->init_start_time, 10000, err);
}

int nk_container_delete(nk_context *ctx, const char *id, bool force, nk_error **err)
{
    if (nk_validate_id(id, err) < 0)
        return -1;
    nk_state_dir d;
    if (nk_state_dir_open(ctx, id, LOCK_EX, &d, err) < 0) {
        nk_state_dir_close(&d);
        return -1;
    }
    _cleanup_state_ nk_state *s = NULL;
    NK_FAULT_POINT("delete.after_lock");
    int ret = nk_state_load(&d, &s, err);
    if (ret < 0 && faccessat(d.fd, "state.json", F_OK, 0) < 0) {
        /* no state.json and we hold the lock: a create that was killed before
         * it finished; nothing else can own this directory */
        nk_error_freep(err);
        ret = remove_recorded_cgroup(&d, err);
    } else if (ret == 0 && strcmp(s->status, "stopped") != 0) {
        if (!force && strcmp(s->status, "created") != 0)
            ret =
                nk_err(err, 0, "cannot delete container %s that is not stopped: %s", id, s->status);
        else
            ret = kill_and_wait(s, err);
    } else if (ret == 0) {
        /* init is gone; what it left in the cgroup (shared pid namespace) goes too */
        ret = nk_state_kill_leftovers(s, err);
    }
    /* read before the state directory (holding its copy) goes */
    _cleanup_config_ oci_config *cfg = NULL;
    if (ret == 0 && s != NULL) {
        nk_error *e = NULL;
        if (nk_state_load_config(&d, s->bundle, &cfg, &e) < 0)
            nk_debug(ctx, "delete: no config for poststop hooks: %s", nk_error_text(e));
        nk_error_free(e);
    }
    NK_FAULT_POINT("delete.before_remove");
    if (ret == 0)
        ret = remove_container(&d, s != NULL ? s->cgroup_path : NULL, err);
    if (ret == 0 && s != NULL)
        nk_hooks_poststop(ctx, cfg, id, s->bundle);
    nk_state_dir_close(&d);
    return ret;
}
