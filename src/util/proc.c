#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

int nk_proc_stat_at(int proc_fd, pid_t pid, uint64_t *start_time, char *state)
{
    char path[64];
    if (proc_fd == AT_FDCWD)
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    else
        snprintf(path, sizeof(path), "%d/stat", (int)pid);
    _cleanup_close_ int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* one read: the file is generated whole, and field 22 is well inside 1 KiB */
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* comm may contain spaces and parentheses: fields start after the last ')' */
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ') {
        errno = EINVAL;
        return -1;
    }
    p += 2;
    if (state != NULL)
        *state = *p;
    /* p is at field 3; field 22 is 19 fields further */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL) {
            errno = EINVAL;
            return -1;
        }
        p++;
    }
    if (start_time != NULL)
        *start_time = strtoull(p, NULL, 10);
    return 0;
}

int nk_proc_stat(pid_t pid, uint64_t *start_time, char *state)
{
    return nk_proc_stat_at(AT_FDCWD, pid, start_time, state);
}

bool nk_proc_is_alive_at(int proc_fd, pid_t pid, uint64_t start_time, char *state)
{
    uint64_t st;
    char c;
    if (pid <= 0 || nk_proc_stat_at(proc_fd, pid, &st, &c) < 0)
        return false;
    if (state != NULL)
        *state = c;
    if (c == 'Z' || c == 'X')
        return false;
    return st == start_time;
}

bool nk_proc_is_alive(pid_t pid, uint64_t start_time)
{
    return nk_proc_is_alive_at(AT_FDCWD, pid, start_time, NULL);
}

int nk_pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int nk_pidfd_send_signal(int pidfd, int sig)
{
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}
