#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks.h"
#include "process.h"
#include "rootfs/rootfs.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/sync.h"

static bool new_ns(const oci_config *c, oci_ns_type t)
{
    const oci_namespace *ns = oci_config_namespace(c, t);
    return ns != NULL && ns->path == NULL;
}

/* nook's own fds are closed first thing: no host directory fd may reach
 * the container (CVE-2024-21626). */
static int arrange_fds(nk_init_cfg *c, nk_error **err)
{
    for (size_t i = 0; i < c->n_host_fds; i++)
        if (c->host_fds[i] >= 0)
            close(c->host_fds[i]);
    int *const fds[] = {&c->sync_fd, &c->fifo_fd, &c->console_fd};
    return nk_process_enter(c->preserve_fds, fds, sizeof(fds) / sizeof(fds[0]), err);
}

static int become_ns_root(const oci_config *c, nk_error **err)
{
    if (oci_config_namespace(c, OCI_NS_USER) == NULL)
        return 0;
    /* until now we are the unmapped host uid: files we create would get
     * EOVERFLOW; become the namespace's root, keeping every capability */
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return nk_err(err, errno, "become root in the user namespace (is 0 mapped?)");
    return 0;
}

static int join_keyring(const nk_init_cfg *c, nk_error **err)
{
    if (c->no_new_keyring)
        return 0;
    return nk_process_join_keyring(c->id, new_ns(c->config, OCI_NS_USER), err);
}

static int set_names(const oci_config *c, nk_error **err)
{
    if (c->hostname != NULL && sethostname(c->hostname, strlen(c->hostname)) < 0)
        return nk_err(err, errno, "sethostname `%s`", c->hostname);
    if (c->domainname != NULL && setdomainname(c->domainname, strlen(c->domainname)) < 0)
        return nk_err(err, errno, "setdomainname `%s`", c->domainname);
    return 0;
}

static int setup_terminal(const nk_init_cfg *c, nk_error **err)
{
    if (!c->config->process.terminal || c->console_fd < 0)
        return 0;
    _cleanup_close_ int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return nk_err(err, errno, "open rootfs `%s`", c->rootfs);
    return nk_terminal_setup(rootfd, &c->config->process, c->console_fd, true, err);
}

/* prestart and createRuntime run in the runtime's namespaces, so nook runs
 * them; createContainer here, in the container's, before pivot_root. */
static int create_hooks(const nk_init_cfg *c, nk_error **err)
{
    const oci_hooks *h = &c->config->hooks;
    nk_sync_msg msg;
    if (h->prestart.len + h->create_runtime.len > 0 &&
        (nk_sync_send(c->sync_fd, NK_SYNC_HOOKS, 0, NULL, err) < 0 ||
         nk_sync_expect(c->sync_fd, NK_SYNC_GO, &msg, err) < 0))
        return -1;
    if (h->create_container.len == 0)
        return 0;
    _cleanup_free_ char *state = nk_hook_state(c->config, c->id, "creating", getpid(), c->bundle);
    return nk_hooks_run(&h->create_container, "createContainer", state, err);
}

/* After start, in the container, before the user's program. */
static int start_hooks(const nk_init_cfg *c, nk_error **err)
{
    const oci_hooks *h = &c->config->hooks;
    if (h->start_container.len == 0)
        return 0;
    _cleanup_free_ char *state = nk_hook_state(c->config, c->id, "created", getpid(), c->bundle);
    return nk_hooks_run(&h->start_container, "startContainer", state, err);
}

/* Block until `start` writes a byte into exec.fifo. With startContainer
 * hooks the fifo stays open: `start` waits for it to close (at execve) and
 * reads a hook's failure from it. */
static int wait_for_start(nk_init_cfg *c, nk_error **err)
{
    if (c->fifo_fd < 0)
        return 0;
    char b;
    ssize_t n;
    do
        n = read(c->fifo_fd, &b, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return nk_err(err, n < 0 ? errno : 0, "wait for start");
    if (c->config->hooks.start_container.len == 0)
        nk_closep(&c->fifo_fd);
    return 0;
}

/* GO: the parent saved our state. If it died before, nobody could ever
 * start or find us: exit instead of waiting on exec.fifo forever. A plain
 * read(): the container's seccomp filter may be in force already, and
 * waiting on exec.fifo needs read() anyway. */
static int wait_created(int sync_fd, nk_error **err)
{
    uint32_t hdr[3];
    ssize_t n;
    do
        n = read(sync_fd, hdr, sizeof(hdr));
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(hdr) || hdr[0] != NK_SYNC_GO)
        return nk_err(err, n < 0 ? errno : 0, "the create of this container did not complete");
    return 0;
}

static int init_steps(nk_init_cfg *c, char **exe, nk_error **err)
{
    const oci_config *cfg = c->config;
    if (arrange_fds(c, err) < 0)
        return -1;
    if (setsid() < 0)
        return nk_err(err, errno, "setsid");
    NK_FAULT_POINT("init.after_setsid");
    /* relative bind-mount sources are relative to the bundle, as with runc */
    if (chdir(c->bundle) < 0)
        return nk_err(err, errno, "chdir to the bundle `%s`", c->bundle);
    if (become_ns_root(cfg, err) < 0 || join_keyring(c, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_keyring");

    nk_rootfs_opts ro = {
        .config = cfg,
        .rootfs = c->rootfs,
        .no_pivot = c->no_pivot,
        .userns = oci_config_namespace(cfg, OCI_NS_USER) != NULL,
        .netns = new_ns(cfg, OCI_NS_NETWORK),
        .cgroupns = new_ns(cfg, OCI_NS_CGROUP),
        .idmap_fds = c->idmap_fds,
    };
    if (nk_rootfs_prepare(&ro, err) < 0 || setup_terminal(c, err) < 0 || create_hooks(c, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_rootfs_prepare");
    nk_closep(&c->console_fd);
    if (set_names(cfg, err) < 0 || nk_rootfs_finalize(&ro, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_rootfs_finalize");
    /* the filter goes in at one of three points (seccomp.h), as late as the
     * kernel and a notify listener allow */
    if (nk_seccomp_apply(c->seccomp, &cfg->process, NK_SECCOMP_BEFORE_SETUP, c->sync_fd, err) < 0)
        return -1;
    /* looked up as the container's user, after the user switch, like runc */
    if (nk_process_set_attrs(&cfg->process, &cfg->linux, err) < 0)
        return -1;
    if (nk_process_setup(&cfg->process, err) < 0 || nk_process_lookup(&cfg->process, exe, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_process_setup");
    if (nk_seccomp_apply(c->seccomp, &cfg->process, NK_SECCOMP_BEFORE_READY, c->sync_fd, err) < 0)
        return -1;
    if (nk_sync_send(c->sync_fd, NK_SYNC_READY, 0, NULL, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_ready");
    if (wait_created(c->sync_fd, err) < 0)
        return -1;
    return wait_for_start(c, err);
}

int nk_init_main(void *arg, nk_error **err)
{
    nk_init_cfg *c = arg;
    _cleanup_free_ char *exe = NULL;
    NK_FAULT_POINT("init.after_go");
    if (init_steps(c, &exe, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_start");
    /* the parent stopped listening at READY: from here an error can only be
     * told on the container's own stderr */
    if (start_hooks(c, err) == 0 &&
        nk_seccomp_apply(c->seccomp, &c->config->process, NK_SECCOMP_BEFORE_EXEC, -1, err) == 0)
        nk_process_exec(&c->config->process, exe, c->preserve_fds, err);
    dprintf(STDERR_FILENO, "nook: %s\n", nk_error_text(*err));
    /* `start` is still listening on the fifo when there are such hooks */
    if (c->fifo_fd >= 0)
        (void)nk_write_all(c->fifo_fd, nk_error_text(*err), strlen(nk_error_text(*err)));
    return -1;
}
