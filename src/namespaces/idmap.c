#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *format_map(const oci_id_mapping *m, size_t n)
{
    size_t cap = n * 36 + 1, used = 0;
    char *buf = xmalloc(cap);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%u %u %u\n", m[i].container_id,
                                 m[i].host_id, m[i].size);
    return buf;
}

/* The host's /proc, opened by the parent: it has not entered the container, so
 * the image cannot have replaced this procfs (SECURITY.md rule 3 is about the
 * container's /proc). The kernel requires each map in a single write. */
static int write_map(int piddir, const char *name, const oci_id_mapping *m, size_t n,
                     nk_error **err)
{
    if (n == 0)
        return 0;
    _cleanup_free_ char *text = format_map(m, n);
    if (nk_write_file_at(piddir, name, text, strlen(text), err) < 0)
        return nk_err_wrap(err, "write %s", name);
    return 0;
}

int nk_idmap_write(pid_t pid, const oci_linux *l, nk_error **err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    _cleanup_close_ int piddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (piddir < 0)
        return nk_err(err, errno, "open `%s`", path);
    if (geteuid() != 0 && nk_write_file_at(piddir, "setgroups", "deny", 4, err) < 0 &&
        (*err)->errnum != ENOENT)
        return -1;
    nk_error_freep(err);
    if (write_map(piddir, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0 ||
        write_map(piddir, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
        return -1;
    return 0;
}

int nk_timens_write_offsets(const oci_linux *l, nk_error **err)
{
    char buf[128];
    int n = 0;
    if (l->time_monotonic.set)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
                      (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
    if (l->time_boottime.set)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
                      (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
    if (n == 0)
        return 0;
    /* one write per line: the kernel parses a single offset per write on older kernels */
    _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return nk_err(err, errno, "open `/proc/self/timens_offsets`");
    for (char *line = buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nk_write_all(fd, line, (size_t)(nl - line + 1)) < 0)
            return nk_err(err, errno, "write linux.timeOffsets");
    }
    return 0;
}
