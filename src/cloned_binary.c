/* CVE-2019-5736: a container that gets nook's own binary executed inside it
 * (e.g. an image whose /bin/sh is "#!/proc/self/exe", run by `exec`) could
 * open /proc/<pid>/exe and overwrite the host's nook. So every command that
 * puts a nook process into a container (create, run, exec) first re-executes
 * itself from a copy nobody can write: /proc/<pid>/exe of every nook process
 * the container can ever see is that copy.
 *
 * The copy is, in order of preference:
 *  1. the binary seen through a private overlayfs mount of its directory with
 *     no upper layer, made with fsopen/fsmount and never attached anywhere:
 *     an overlay without an upper layer is read-only in its superblock, so no
 *     mount flag change (e.g. on a clone of the mount) makes it writable, and
 *     nothing is copied (~0.07 ms against ~1 ms per MiB for a copy);
 *  2. a sealed memfd copy, which nobody can write, grow, shrink or chmod
 *     (rootless nook, kernels without "lowerdir+" (< 6.8) or overlayfs).
 * The re-executed nook recognises 2 by its seals and 1 by SEALED_ENV, which
 * names the overlay's device and inode and is checked against what
 * /proc/self/exe really is (a read-only overlayfs), then removed. */
#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define SEALED_ENV     "_NOOK_SEALED_EXE"

extern char **environ;

/* The overlay our parent made: the device and inode it named, a read-only
 * overlayfs. */
static bool is_readonly_overlay(int fd, const char *marker)
{
    struct stat st;
    struct statfs sf;
    struct statvfs sv;
    char want[64];
    if (marker == NULL || fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0 || fstatvfs(fd, &sv) < 0)
        return false;
    snprintf(want, sizeof(want), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    return strcmp(marker, want) == 0 && (unsigned long)sf.f_type == OVERLAYFS_SUPER_MAGIC &&
           (sv.f_flag & ST_RDONLY) != 0;
}

bool nk_is_cloned_binary(void)
{
    const char *marker = getenv(SEALED_ENV);
    _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS)
        return true;
    return is_readonly_overlay(fd, marker);
}

static int make_memfd(void)
{
    /* MFD_EXEC: vm.memfd_noexec may default memfds to non-executable */
    int fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL)
        fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    return fd;
}

static int copy_self(int dst, nk_error **err)
{
    _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return nk_err(err, errno, "open /proc/self/exe");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = sendfile(dst, src, &off, (size_t)(st.st_size - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return nk_err(err, n < 0 ? errno : EIO, "copy nook's binary into a memfd");
    }
    return 0;
}

static int reexec_from_memfd(char **argv, nk_error **err)
{
    _cleanup_close_ int fd = make_memfd();
    if (fd < 0)
        return nk_err(err, errno, "memfd_create (needed against CVE-2019-5736)");
    if (copy_self(fd, err) < 0)
        return -1;
    if (fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS | F_SEAL_EXEC) < 0 &&
        (errno != EINVAL || fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) < 0))
        return nk_err(err, errno, "seal nook's memfd copy");
    fexecve(fd, argv, environ);
    return nk_err(err, errno, "re-execute nook from its sealed copy");
}

/* a and b are the same directory or one is inside the other */
static bool nests(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb)
        return nests(b, a);
    return strncmp(a, b, la) == 0 && (b[la] == '\0' || b[la] == '/' || la == 1);
}

/* nook's binary seen through a detached overlay of its directory (see the
 * top), or -1 when the host can't make one (the caller falls back to the
 * memfd). Only the very file that is running: same inode, size and mtime. */
static int open_overlay_copy(void)
{
    char path[PATH_MAX];
    struct stat self, st;
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0 || stat("/proc/self/exe", &self) < 0)
        return -1;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (path[0] != '/' || slash == NULL || slash[1] == '\0')
        return -1; /* deleted, or not a path on a filesystem */
    const char *base = slash + 1;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);

    /* overlayfs wants two lower layers when there is no upper one, and
     * refuses layers inside one another: the second is any other directory
     * (only "<dir>/<base>" of the upper one is ever looked up) */
    const char *other = NULL;
    static const char *const others[] = {"/dev", "/run", "/tmp"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]) && other == NULL; i++)
        if (!nests(dir, others[i]))
            other = others[i];
    if (other == NULL)
        return -1;
    _cleanup_close_ int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", dir, 0) < 0 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", other, 0) < 0 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    _cleanup_close_ int mnt = (int)syscall(
        SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
    if (mnt < 0)
        return -1;
    int fd = openat(mnt, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != self.st_ino ||
        st.st_size != self.st_size || st.st_mtim.tv_sec != self.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != self.st_mtim.tv_nsec) {
        close(fd);
        return -1;
    }
    return fd;
}

static void reexec_from_overlay(char **argv)
{
    _cleanup_close_ int fd = open_overlay_copy();
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return;
    char marker[64];
    snprintf(marker, sizeof(marker), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    if (setenv(SEALED_ENV, marker, 1) < 0)
        return;
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    unsetenv(SEALED_ENV);
}

int nk_reexec_from_sealed_copy(char **argv, nk_error **err)
{
    bool sealed = nk_is_cloned_binary();
    /* never passed on: not to hooks, the container or another nook */
    unsetenv(SEALED_ENV);
    if (sealed)
        return 0;
    reexec_from_overlay(argv);
    return reexec_from_memfd(argv, err);
}
