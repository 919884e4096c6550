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
 *     kernels before 6.8 lack "lowerdir+" and get "lowerdir=<dir>:<other>"
 *     when <dir> has no ':' or ',' in it;
 *  2. a sealed memfd copy, which nobody can write, grow, shrink or chmod
 *     (rootless nook, no overlayfs, a directory the old syntax can't name).
 * The re-executed nook recognises 2 by its seals and 1 by SEALED_ENV, which
 * names the overlay's device and inode and is checked against what
 * /proc/self/exe really is (a read-only overlayfs), then removed.
 *
 * With CAP_SYS_RESOURCE, 1 is entered without executing anything: every
 * mapping of the binary is replaced (code and read-only data by the same
 * pages of the overlay's file, written data by an anonymous copy), then
 * PR_SET_MM_EXE_FILE points /proc/self/exe at the overlay's file, which the
 * kernel allows only once nothing maps the old one. A second exec costs a
 * whole start-up (glibc's CPU probing alone is 0.5 ms on a VM whose CPUID
 * traps); this costs a dozen system calls. */
#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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
static int open_overlay_copy(struct stat *self_out)
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
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        /* before 6.8 ("lowerdir+" unknown): the one-string form, whose ':'
         * and ',' are separators, so only for a directory without them */
        nk_closep(&fs);
        if (strpbrk(dir, ":,\\") != NULL)
            return -1;
        char both[PATH_MAX + 8];
        snprintf(both, sizeof(both), "%s:%s", dir, other);
        fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
        if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", both, 0) < 0 ||
            syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
            return -1;
    }
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
    *self_out = self;
    return fd;
}

#if defined(__SANITIZE_ADDRESS__)
/* ASan's own mappings of the binary are its business: it re-executes */
static int swap_exe_in_place(int ovl, const struct stat *ovl_st, const struct stat *self)
{
    (void)ovl;
    (void)ovl_st;
    (void)self;
    return -1;
}
#else
#define MAX_SEGS 16

typedef struct range {
    uintptr_t start, end;
} range;

typedef struct seg_list {
    range w[MAX_SEGS]; /* the program's writable PT_LOAD segments, page-rounded */
    size_t n;
    bool done;
} seg_list;

static int find_writable(struct dl_phdr_info *info, size_t size, void *data)
{
    seg_list *l = data;
    if (l->done) /* the first object is the program itself */
        return 0;
    l->done = true;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum && l->n < MAX_SEGS; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
            continue;
        uintptr_t a = info->dlpi_addr + ph->p_vaddr;
        l->w[l->n].start = a & ~(page - 1);
        l->w[l->n].end = (a + ph->p_memsz + page - 1) & ~(page - 1);
        l->n++;
    }
    return 0;
}

typedef struct vma {
    uintptr_t start, end;
    unsigned long long off;
    int prot;
} vma;

/* The mappings of the binary whose device and inode are st's. */
static int exe_mappings(const struct stat *st, vma *out, size_t max, size_t *n)
{
    _cleanup_close_ int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[16384];
    size_t len = 0;
    ssize_t r;
    while (len < sizeof(buf) - 1 && (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)r;
    if (len == sizeof(buf) - 1)
        return -1; /* more mappings than expected of a starting nook */
    buf[len] = '\0';
    *n = 0;
    for (char *line = buf, *next; *line != '\0'; line = next) {
        next = strchr(line, '\n');
        next = next != NULL ? next + 1 : line + strlen(line);
        unsigned long long start, end, off, ino;
        unsigned int maj, mnr;
        char perms[5];
        if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &start, &end, perms, &off, &maj, &mnr,
                   &ino) != 7)
            return -1;
        if (ino != (unsigned long long)st->st_ino || maj != major(st->st_dev) ||
            mnr != minor(st->st_dev))
            continue;
        if (*n == max || perms[3] != 'p')
            return -1;
        out[*n].start = (uintptr_t)start;
        out[*n].end = (uintptr_t)end;
        out[*n].off = off;
        out[*n].prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                       (perms[2] == 'x' ? PROT_EXEC : 0);
        (*n)++;
    }
    return *n > 0 ? 0 : -1;
}

static bool overlaps(const seg_list *l, const vma *v)
{
    for (size_t i = 0; i < l->n; i++)
        if (v->start < l->w[i].end && l->w[i].start < v->end)
            return true;
    return false;
}

/* Puts a copy of [v] at the same address: pages of the overlay's file where
 * the binary was never written (code, read-only data), an anonymous copy
 * where it may have been (data, and RELRO, which the start-up relocated
 * before making it read-only). Nothing in between writes to those pages:
 * nook is single-threaded here and the copy is made and moved in one go. */
static int replace_mapping(const vma *v, int ovl, bool written)
{
    size_t len = v->end - v->start;
    void *p;
    if (written) {
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return -1;
        memcpy(p, (const void *)v->start, len);
        if (mprotect(p, len, v->prot) < 0) {
            munmap(p, len);
            return -1;
        }
    } else {
        p = mmap(NULL, len, v->prot, MAP_PRIVATE, ovl, (off_t)v->off);
        if (p == MAP_FAILED)
            return -1;
    }
    /* replaces the old mapping atomically: the code running now is the
     * same bytes before and after */
    if (mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)v->start) == MAP_FAILED) {
        munmap(p, len);
        return -1;
    }
    return 0;
}

/* PR_SET_MM_EXE_FILE wants CAP_SYS_RESOURCE, which container hosts often
 * withhold; PR_SET_MM_MAP does the same with CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE, given the mm's other fields: their current values
 * (/proc/self/stat, brk), so only the exe file changes. */
static int set_exe_file(int fd)
{
    if (prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, (unsigned long)fd, 0, 0) == 0)
        return 0;
    char buf[1024];
    _cleanup_close_ int st = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = st >= 0 ? read(st, buf, sizeof(buf) - 1) : -1;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* fields 26-28 and 45-51 of proc(5), counted from the state (3) on */
    char *p = strrchr(buf, ')');
    unsigned long long f[52] = {0};
    for (int i = 3; p != NULL && i <= 51; i++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return -1;
        f[i] = strtoull(++p, NULL, 10);
    }
    struct prctl_mm_map m = {
        .start_code = f[26],
        .end_code = f[27],
        .start_stack = f[28],
        .start_data = f[45],
        .end_data = f[46],
        .start_brk = f[47],
        .brk = (unsigned long long)syscall(SYS_brk, 0),
        .arg_start = f[48],
        .arg_end = f[49],
        .env_start = f[50],
        .env_end = f[51],
        .exe_fd = (uint32_t)fd,
    };
    if (m.start_code == 0 || m.env_end == 0)
        return -1;
    return prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&m, sizeof(m), 0);
}

/* See the top. Returns -1 when the host does not allow it (no
 * CAP_SYS_RESOURCE in the initial user namespace, an unexpected layout):
 * the caller then executes the copy, which is always safe, also after a
 * partial swap (every mapping still holds the same bytes). */
/* self: the running binary's stat, as open_overlay_copy found it */
static int swap_exe_in_place(int ovl, const struct stat *ovl_st, const struct stat *self)
{
    seg_list segs = {0};
    dl_iterate_phdr(find_writable, &segs);
    vma v[MAX_SEGS];
    size_t n = 0;
    if (!segs.done || exe_mappings(self, v, MAX_SEGS, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (replace_mapping(&v[i], ovl, overlaps(&segs, &v[i]) || (v[i].prot & PROT_WRITE)) < 0)
            return -1;
    if (set_exe_file(ovl) < 0)
        return -1;
    /* what the container can reach is what counts */
    _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    char marker[64];
    snprintf(marker, sizeof(marker), "%llu:%llu", (unsigned long long)ovl_st->st_dev,
             (unsigned long long)ovl_st->st_ino);
    return fd >= 0 && is_readonly_overlay(fd, marker) ? 0 : -1;
}
#endif

/* 0 when /proc/self/exe now is the overlay's file (swapped in place);
 * otherwise executes it, and returns -1 only if that failed */
static int reexec_from_overlay(char **argv)
{
    struct stat self;
    _cleanup_close_ int fd = open_overlay_copy(&self);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return -1;
    if (swap_exe_in_place(fd, &st, &self) == 0)
        return 0;
    char marker[64];
    snprintf(marker, sizeof(marker), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    if (setenv(SEALED_ENV, marker, 1) < 0)
        return -1;
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    unsetenv(SEALED_ENV);
    return -1;
}

int nk_reexec_from_sealed_copy(char **argv, nk_error **err)
{
    bool sealed = nk_is_cloned_binary();
    /* never passed on: not to hooks, the container or another nook */
    unsetenv(SEALED_ENV);
    if (sealed)
        return 0;
    if (reexec_from_overlay(argv) == 0)
        return 0; /* swapped in place */
    return reexec_from_memfd(argv, err);
}
