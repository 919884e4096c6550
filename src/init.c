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

#include "process.h"
#include "rootfs/rootfs.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/sync.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM              5
#define KEYCTL_DESCRIBE             6
#define KEY_SPEC_SESSION_KEYRING    -3
#define KEY_USR_SEARCH              0x00080000

static bool new_ns(const oci_config *c, oci_ns_type t)
{
    const oci_namespace *ns = oci_config_namespace(c, t);
    return ns != NULL && ns->path == NULL;
}

/* Keep the fds init needs above the range the caller asked to preserve, and
 * close nook's own: no host directory fd may reach the container
 * (CVE-2024-21626). */
static int arrange_fds(nk_init_cfg *c, nk_error **err)
{
    for (size_t i = 0; i < c->n_host_fds; i++)
        if (c->host_fds[i] >= 0)
            close(c->host_fds[i]);
    int min = 3 + c->preserve_fds;
    int *fds[] = {&c->sync_fd, &c->fifo_fd, &c->console_fd};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] < 0 || *fds[i] >= min)
            continue;
        int moved = fcntl(*fds[i], F_DUPFD_CLOEXEC, min);
        if (moved < 0)
            return nk_err(err, errno, "move fd above --preserve-fds");
        close(*fds[i]);
        *fds[i] = moved;
    }
    return 0;
}

/* The caller's ignored signals and blocked mask would otherwise survive
 * execve into the container's process. */
static void reset_signals(void)
{
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
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

/* Let processes of the container's uid search the keyring they run in,
 * as runc does; the rest of the kernel's default permissions stay. */
static int allow_user_search(nk_error **err)
{
    char desc[512];
    long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, desc, sizeof(desc));
    if (n < 0 || (size_t)n > sizeof(desc))
        return nk_err(err, errno, "describe the session keyring");
    desc[sizeof(desc) - 1] = '\0';
    /* "type;uid;gid;perm;description" */
    char *p = desc;
    for (int field = 0; field < 3 && p != NULL; field++)
        p = (p = strchr(p, ';')) ? p + 1 : NULL;
    if (p == NULL)
        return nk_err(err, EINVAL, "describe the session keyring");
    unsigned long perm = strtoul(p, NULL, 16) | KEY_USR_SEARCH;
    if (syscall(SYS_keyctl, KEYCTL_SETPERM, KEY_SPEC_SESSION_KEYRING, perm) < 0)
        return nk_err(err, errno, "set session keyring permissions");
    return 0;
}

static int join_keyring(const nk_init_cfg *c, nk_error **err)
{
    if (c->no_new_keyring)
        return 0;
    /* a fresh session keyring per container (named like runc's), so the
     * container cannot read the caller's keys */
    char name[300];
    snprintf(name, sizeof(name), "_ses.%s", c->id);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0) {
        /* kernels without keys, or keyrings refused inside a user namespace */
        if (errno == ENOSYS || ((errno == EACCES || errno == EPERM || errno == EDQUOT) &&
                                new_ns(c->config, OCI_NS_USER)))
            return 0;
        return nk_err(err, errno, "join a new session keyring");
    }
    return allow_user_search(err);
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
    return nk_terminal_setup(rootfd, &c->config->process, c->console_fd, err);
}

/* Block until `start` writes a byte into exec.fifo. */
static int wait_for_start(int fifo_fd, nk_error **err)
{
    if (fifo_fd < 0)
        return 0;
    char b;
    ssize_t n;
    do
        n = read(fifo_fd, &b, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return nk_err(err, n < 0 ? errno : 0, "wait for start");
    close(fifo_fd);
    return 0;
}

static int init_steps(nk_init_cfg *c, char **exe, nk_error **err)
{
    const oci_config *cfg = c->config;
    /* nook's memory and fds must not be readable through /proc by the
     * container before execve; the kernel resets this on exec */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return nk_err(err, errno, "prctl(PR_SET_DUMPABLE)");
    if (arrange_fds(c, err) < 0)
        return -1;
    reset_signals();
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
    };
    if (nk_rootfs_prepare(&ro, err) < 0 || setup_terminal(c, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_rootfs_prepare");
    nk_closep(&c->console_fd);
    if (set_names(cfg, err) < 0 || nk_rootfs_finalize(&ro, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_rootfs_finalize");
    /* looked up as the container's user, after the user switch, like runc */
    if (nk_process_setup(&cfg->process, err) < 0 || nk_process_lookup(&cfg->process, exe, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_process_setup");
    if (nk_sync_send(c->sync_fd, NK_SYNC_READY, 0, NULL, err) < 0)
        return -1;
    NK_FAULT_POINT("init.after_ready");
    /* GO: the parent saved our state. If it died before, nobody could ever
     * start or find us: exit instead of waiting on exec.fifo forever. */
    nk_sync_msg msg;
    if (nk_sync_expect(c->sync_fd, NK_SYNC_GO, &msg, err) < 0)
        return -1;
    return wait_for_start(c->fifo_fd, err);
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
    if (nk_process_exec(&c->config->process, exe, c->preserve_fds, err) < 0) {
        const char *msg = nk_error_text(*err);
        dprintf(STDERR_FILENO, "nook: %s\n", msg);
    }
    return -1;
}
