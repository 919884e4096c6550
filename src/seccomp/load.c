/* Loading a compiled filter in the container's process. One seccomp(2) call
 * on a program made in the parent: no allocation, no file access, so it can
 * be the very last thing before execve. */
#include "seccomp/internal.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/sync.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static bool has_cap(const oci_process *proc, const char *name)
{
    if (!proc->has_capabilities)
        return false;
    const oci_strv *e = &proc->capabilities.effective;
    for (size_t i = 0; i < e->len; i++)
        if (strcmp(e->v[i], name) == 0)
            return true;
    return false;
}

nk_seccomp_stage nk_seccomp_stage_for(const nk_seccomp_prog *p, const oci_process *proc)
{
    /* without no_new_privs the kernel wants CAP_SYS_ADMIN at load time */
    if (!proc->no_new_privileges && !has_cap(proc, "CAP_SYS_ADMIN"))
        return NK_SECCOMP_BEFORE_SETUP;
    if (p->notify)
        return NK_SECCOMP_BEFORE_READY;
    return NK_SECCOMP_BEFORE_EXEC;
}

int nk_seccomp_apply(const nk_seccomp_prog *p, const oci_process *proc, nk_seccomp_stage stage,
                     int sync_fd, nk_error **err)
{
    if (p == NULL || p->insns == NULL || nk_seccomp_stage_for(p, proc) != stage)
        return 0;
    struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
    unsigned long flags = p->flags;
    if (p->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* the kernel refuses TSYNC with a listener unless told how to fail */
        if (flags & SECCOMP_FILTER_FLAG_TSYNC)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0)
        return nk_err(err, errno, "load the seccomp filter");
    if (!p->notify)
        return 0;
    int fd = (int)rc;
    int ret = nk_sync_send_fd(sync_fd, NK_SYNC_SECCOMP_FD, fd, err);
    close(fd); /* the container must not inherit it */
    return ret;
}
