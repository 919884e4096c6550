/* The compiled-BPF cache: <root>/.seccomp-cache/<key>, where key is the
 * SHA-256 of everything the program depends on (the profile's rules, the
 * libseccomp version, the native arch, nook's version, this file format). libseccomp takes
 * milliseconds for a big profile on every create; a verified read takes
 * microseconds.
 *
 * A cached program is loaded into containers, so a file is used only if it
 * is a regular file (O_NOFOLLOW, one link) owned by us with no group/other
 * access in a directory that is the same, and its size, key and checksum
 * match. Anything else is a miss: the profile is compiled again. (Whoever
 * can write as root could also recompute the checksum; they own the host.) */
#include "seccomp/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seccomp/sha256.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define CACHE_DIR   ".seccomp-cache"
#define MAX_ENTRIES 64
static const char magic[8] = {'N', 'K', 'B', 'P', 'F', 0, 0, 3};

typedef struct header {
    char magic[8];
    uint8_t key[NK_SHA256_LEN];
    uint64_t n_insns;
    uint8_t digest[NK_SHA256_LEN]; /* of the instructions */
} header;

static void hash_str(nk_sha256 *h, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0; /* NULL and "" differ */
    nk_sha256_update(h, &n, sizeof(n));
    if (s != NULL)
        nk_sha256_update(h, s, n);
}

static void hash_u64(nk_sha256 *h, uint64_t v)
{
    nk_sha256_update(h, &v, sizeof(v));
}

static void hash_strv(nk_sha256 *h, const oci_strv *v)
{
    hash_u64(h, v->len);
    for (size_t i = 0; i < v->len; i++)
        hash_str(h, v->v[i]);
}

/* Flags and the listener are applied at load time: not part of the key. */
static void cache_key(const oci_seccomp *sc, uint8_t key[NK_SHA256_LEN])
{
    nk_sha256 h;
    nk_sha256_init(&h);
    /* magic's last byte is the version of how profiles are compiled: bump it
     * when compile.c changes what a profile means or the program it gives
     * (2: the binary tree; 3: one program per architecture, chained) */
    nk_sha256_update(&h, magic, sizeof(magic));
    hash_str(&h, NOOK_VERSION);
    hash_str(&h, nk_seccomp_lib_version());
    hash_u64(&h, seccomp_arch_native());
    hash_str(&h, sc->default_action);
    hash_u64(&h, sc->has_default_errno_ret ? (uint64_t)sc->default_errno_ret : ~0ull);
    hash_strv(&h, &sc->architectures);
    hash_u64(&h, sc->n_syscalls);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        const oci_seccomp_syscall *s = &sc->syscalls[i];
        hash_strv(&h, &s->names);
        hash_str(&h, s->action);
        hash_u64(&h, s->has_errno_ret ? (uint64_t)s->errno_ret : ~0ull);
        hash_u64(&h, s->n_args);
        for (size_t a = 0; a < s->n_args; a++) {
            hash_u64(&h, s->args[a].index);
            hash_u64(&h, s->args[a].value);
            hash_u64(&h, s->args[a].value_two);
            hash_str(&h, s->args[a].op);
        }
    }
    nk_sha256_final(&h, key);
}

static void key_name(const uint8_t key[NK_SHA256_LEN], char out[2 * NK_SHA256_LEN + 1])
{
    for (int i = 0; i < NK_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", key[i]);
}

static bool private_to_us(const struct stat *st)
{
    return st->st_uid == geteuid() && (st->st_mode & 077) == 0;
}

/* The cache directory, checked; created when create is set. */
static int open_dir(const char *root, bool create)
{
    _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return -1;
    if (create && mkdirat(rootfd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
        return -1;
    int fd = openat(rootfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !private_to_us(&st))) {
        close(fd);
        return -1;
    }
    return fd;
}

static void digest(const void *insns, size_t len, uint8_t out[NK_SHA256_LEN])
{
    nk_sha256 h;
    nk_sha256_init(&h);
    nk_sha256_update(&h, insns, len * NK_BPF_INSN_SIZE);
    nk_sha256_final(&h, out);
}

int nk_seccomp_cache_get(const char *root, const oci_seccomp *sc, void **insns, size_t *len)
{
    uint8_t key[NK_SHA256_LEN], sum[NK_SHA256_LEN];
    char name[2 * NK_SHA256_LEN + 1];
    cache_key(sc, key);
    key_name(key, name);
    _cleanup_close_ int dir = open_dir(root, false);
    if (dir < 0)
        return -1;
    _cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        !private_to_us(&st) || (size_t)st.st_size < sizeof(header) ||
        (size_t)st.st_size > sizeof(header) + NK_BPF_MAX_INSNS * NK_BPF_INSN_SIZE)
        return -1;
    size_t size = (size_t)st.st_size;
    _cleanup_free_ char *buf = xmalloc(size);
    if (pread(fd, buf, size, 0) != (ssize_t)size)
        return -1;
    header h;
    memcpy(&h, buf, sizeof(h));
    size_t n = (size - sizeof(h)) / NK_BPF_INSN_SIZE;
    if (memcmp(h.magic, magic, sizeof(magic)) != 0 || memcmp(h.key, key, sizeof(key)) != 0 ||
        h.n_insns != n || n == 0 || sizeof(h) + n * NK_BPF_INSN_SIZE != size)
        return -1;
    digest(buf + sizeof(h), n, sum);
    if (memcmp(sum, h.digest, sizeof(sum)) != 0)
        return -1;
    *insns = xmalloc(n * NK_BPF_INSN_SIZE);
    memcpy(*insns, buf + sizeof(h), n * NK_BPF_INSN_SIZE);
    *len = n;
    return 0;
}

/* Keeps the directory bounded: drop the least recently written entry, and
 * temporary files older than a minute. */
static void evict(int dir)
{
    int dup = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
    if (d == NULL) {
        if (dup >= 0)
            close(dup);
        return;
    }
    struct dirent *de;
    size_t count = 0;
    char oldest[sizeof(de->d_name)] = "";
    struct timespec when = {0};
    time_t now = time(NULL);
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        /* a writer killed before its rename left this behind */
        if (strncmp(de->d_name, ".tmp.", 5) == 0) {
            if (now - st.st_mtim.tv_sec > 60)
                unlinkat(dir, de->d_name, 0);
            continue;
        }
        count++;
        if (oldest[0] == '\0' || st.st_mtim.tv_sec < when.tv_sec ||
            (st.st_mtim.tv_sec == when.tv_sec && st.st_mtim.tv_nsec < when.tv_nsec)) {
            snprintf(oldest, sizeof(oldest), "%s", de->d_name);
            when = st.st_mtim;
        }
    }
    closedir(d);
    if (count >= MAX_ENTRIES && oldest[0] != '\0')
        unlinkat(dir, oldest, 0);
}

void nk_seccomp_cache_put(const char *root, const oci_seccomp *sc, const void *insns, size_t len)
{
    header h;
    char name[2 * NK_SHA256_LEN + 1], tmp[2 * NK_SHA256_LEN + 32];
    memcpy(h.magic, magic, sizeof(magic));
    cache_key(sc, h.key);
    h.n_insns = len;
    digest(insns, len, h.digest);
    key_name(h.key, name);
    _cleanup_close_ int dir = open_dir(root, true);
    if (dir < 0)
        return;
    evict(dir);
    /* written aside and renamed: a reader never sees half a file */
    snprintf(tmp, sizeof(tmp), ".tmp.%d.%s", (int)getpid(), name);
    _cleanup_close_ int fd =
        openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    bool ok = write(fd, &h, sizeof(h)) == (ssize_t)sizeof(h) &&
              write(fd, insns, len * NK_BPF_INSN_SIZE) == (ssize_t)(len * NK_BPF_INSN_SIZE);
    if (!ok || renameat(dir, tmp, dir, name) < 0)
        unlinkat(dir, tmp, 0);
}
