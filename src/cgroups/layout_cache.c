/* The v1 layout cache: <root>/.cgroup-layout keeps what discovery found
 * (each v1 hierarchy's mount point and controllers), so that commands after
 * the first skip reading and parsing the mount table. The file:
 *
 *   nook cgroup layout 1
 *   key cpuset/3/1 cpu/1/1 ... pids/8/1
 *   hier 0:29 /sys/fs/cgroup/cpu cpu
 *   hier 0:33 /sys/fs/cgroup/cpu,cpuacct cpu,cpuacct
 *   end
 *
 * nook writes into these directories as root, so nothing from the file is
 * believed unless: it is a regular file opened O_NOFOLLOW, owned by our euid,
 * with no group/other access and one link; it parses strictly; its key (the
 * subsystem, hierarchy id and enabled columns of /proc/cgroups, which change
 * when controllers are mounted or unmounted; not num_cgroups) equals the
 * host's now; and each mount point is still a cgroup v1 filesystem
 * (statfs) on the device it had when discovered (stat). Anything else is a
 * miss and the caller discovers again. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

#define CACHE_NAME   ".cgroup-layout"
#define CACHE_HEADER "nook cgroup layout 1"
#define CACHE_MAX    (64 * 1024)

/* subsystem names: "cpu", "net_cls", "name=systemd" */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strchr("abcdefghijklmnopqrstuvwxyz0123456789_=", s[i]) == NULL || s[i] == '\0')
            return false;
    return true;
}

char *nk_cg_layout_key(const char *proc_cgroups)
{
    _cleanup_free_ char *copy = xstrdup(proc_cgroups);
    _cleanup_free_ char *key = xstrdup("");
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char name[64], extra;
        unsigned hier, num, enabled;
        if (sscanf(line, "%63s %u %u %u %c", name, &hier, &num, &enabled, &extra) != 4 ||
            !valid_name(name, strlen(name)))
            return NULL;
        char *next = xasprintf("%s%s%s/%u/%u", key, key[0] ? " " : "", name, hier, enabled);
        free(key);
        key = next;
    }
    return key[0] != '\0' ? NK_TAKE_PTR(key) : NULL;
}

/* A mount point we can write in the file and read back unambiguously. */
static bool valid_mount(const char *s, size_t n)
{
    if (n == 0 || n >= 4096 || s[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    /* no "." or ".." components: the path is what mountinfo showed */
    for (const char *c = s; c < s + n; c++) {
        if (*c != '/')
            continue;
        const char *e = c + 1;
        while (e < s + n && *e != '/')
            e++;
        size_t len = (size_t)(e - c - 1);
        if ((len == 1 && c[1] == '.') || (len == 2 && c[1] == '.' && c[2] == '.'))
            return false;
    }
    return true;
}

char *nk_cg_layout_cache_format(const char *key, const nk_cg_layout *l)
{
    _cleanup_free_ char *out = xasprintf(CACHE_HEADER "\nkey %s\n", key);
    for (size_t i = 0; i < l->n_hiers; i++) {
        const nk_cg_hier *h = &l->hiers[i];
        struct stat st;
        if (!valid_mount(h->mount, strlen(h->mount)) || h->ctrls[0] == NULL ||
            stat(h->mount, &st) < 0)
            return NULL;
        _cleanup_free_ char *ctrls = xstrdup("");
        for (char **c = h->ctrls; *c; c++) {
            if (!valid_name(*c, strlen(*c)))
                return NULL;
            char *next = xasprintf("%s%s%s", ctrls, ctrls[0] ? "," : "", *c);
            free(ctrls);
            ctrls = next;
        }
        char *next = xasprintf("%shier %u:%u %s %s\n", out, major(st.st_dev), minor(st.st_dev),
                               h->mount, ctrls);
        free(out);
        out = next;
    }
    char *done = xasprintf("%send\n", out);
    return done;
}

static bool parse_uint(const char *s, const char *end, unsigned *out)
{
    if (s == end || end - s > 9)
        return false;
    unsigned v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return true;
}

static bool known_ctrl(const nk_cg_layout *l, const char *ctrl)
{
    return nk_cg_v1_mount(l, ctrl) != NULL;
}

/* "hier MAJ:MIN MOUNT CTRL[,CTRL...]" (without the newline) into l, checked
 * against the filesystem. */
static bool parse_hier(const char *line, nk_cg_layout *l)
{
    if (strncmp(line, "hier ", 5) != 0)
        return false;
    const char *dev = line + 5, *colon = strchr(dev, ':');
    const char *sp1 = strchr(dev, ' ');
    if (colon == NULL || sp1 == NULL || colon > sp1)
        return false;
    unsigned maj, min;
    if (!parse_uint(dev, colon, &maj) || !parse_uint(colon + 1, sp1, &min))
        return false;
    const char *mount = sp1 + 1, *sp2 = strchr(mount, ' ');
    if (sp2 == NULL || !valid_mount(mount, (size_t)(sp2 - mount)))
        return false;
    _cleanup_free_ char *path = xstrndup(mount, (size_t)(sp2 - mount));
    for (size_t i = 0; i < l->n_hiers; i++)
        if (strcmp(l->hiers[i].mount, path) == 0)
            return false;
    /* the trust check: a cgroup v1 mount, and the same one as discovered */
    struct statfs sf;
    struct stat st;
    if (statfs(path, &sf) < 0 || (long)sf.f_type != CGROUP_SUPER_MAGIC || stat(path, &st) < 0 ||
        !S_ISDIR(st.st_mode) || st.st_dev != makedev(maj, min))
        return false;
    size_t n = 0;
    char **ctrls = xcalloc(1, sizeof(char *));
    for (const char *c = sp2 + 1;;) {
        const char *e = c + strcspn(c, ",");
        _cleanup_free_ char *name = xstrndup(c, (size_t)(e - c));
        if (!valid_name(c, (size_t)(e - c)) || known_ctrl(l, name)) {
            nk_strv_free(ctrls);
            return false;
        }
        for (size_t i = 0; i < n; i++)
            if (strcmp(ctrls[i], name) == 0) {
                nk_strv_free(ctrls);
                return false;
            }
        ctrls = xreallocarray(ctrls, n + 2, sizeof(char *));
        ctrls[n++] = NK_TAKE_PTR(name);
        ctrls[n] = NULL;
        if (*e == '\0')
            break;
        c = e + 1;
    }
    l->hiers = xreallocarray(l->hiers, l->n_hiers + 1, sizeof(nk_cg_hier));
    l->hiers[l->n_hiers].mount = NK_TAKE_PTR(path);
    l->hiers[l->n_hiers].ctrls = ctrls;
    l->n_hiers++;
    return true;
}

int nk_cg_layout_cache_parse(const char *text, const char *key, nk_cg_layout *l)
{
    size_t len = strlen(text);
    if (len == 0 || text[len - 1] != '\n')
        return -1;
    _cleanup_free_ char *copy = xstrdup(text);
    nk_cg_layout got = {0};
    int line_no = 0;
    bool ended = false;
    for (char *line = copy, *nl; *line != '\0'; line = nl + 1, line_no++) {
        nl = strchr(line, '\n');
        *nl = '\0';
        bool ok;
        if (ended)
            ok = false; /* nothing after "end" */
        else if (line_no == 0)
            ok = strcmp(line, CACHE_HEADER) == 0;
        else if (line_no == 1)
            ok = strncmp(line, "key ", 4) == 0 && strcmp(line + 4, key) == 0;
        else if (strcmp(line, "end") == 0)
            ok = ended = true;
        else
            ok = parse_hier(line, &got);
        if (!ok) {
            nk_cg_layout_clear(&got);
            return -1;
        }
    }
    if (!ended) {
        nk_cg_layout_clear(&got);
        return -1;
    }
    l->hiers = got.hiers;
    l->n_hiers = got.n_hiers;
    return 0;
}

int nk_cg_layout_cache_load(const char *root, const char *key, nk_cg_layout *l)
{
    _cleanup_free_ char *path = xasprintf("%s/" CACHE_NAME, root);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        st.st_uid != geteuid() || (st.st_mode & 077) != 0 || st.st_size <= 0 ||
        st.st_size > CACHE_MAX)
        return -1;
    size_t size = (size_t)st.st_size;
    _cleanup_free_ char *buf = xmalloc(size + 1);
    if (pread(fd, buf, size, 0) != (ssize_t)size || memchr(buf, '\0', size) != NULL)
        return -1;
    buf[size] = '\0';
    return nk_cg_layout_cache_parse(buf, key, l);
}

void nk_cg_layout_cache_save(const char *root, const char *key, const nk_cg_layout *l)
{
    _cleanup_free_ char *text = nk_cg_layout_cache_format(key, l);
    if (text == NULL)
        return;
    _cleanup_free_ char *path = xasprintf("%s/" CACHE_NAME, root);
    _cleanup_error_ nk_error *err = NULL;
    (void)nk_write_file_atomic(path, text, strlen(text), 0600, &err);
}
