/* util/safe_path: whatever a hostile root contains (absolute and relative
 * symlinks, "..", links to the host), resolution and creation stay inside it.
 * Every check runs through openat2 (nk_safe_*) and the fallback walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "util/cleanup.h"
#include "util/safe_path.h"
#include "util/xalloc.h"

static char *base;    /* /tmp/nook-safe-path-XXXXXX */
static char *root;    /* base/root: the hostile root */
static char *outside; /* base/outside: a host directory to reach for */

static void sh(char *cmd)
{
    if (system(cmd) != 0)
        abort();
    free(cmd);
}

static char *at_root(const char *rel)
{
    return xasprintf("%s/%s", root, rel);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static ino_t ino_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static ino_t ino_of_fd(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

__attribute__((constructor(200))) static void setup(void)
{
    char tmpl[] = "/tmp/nook-safe-path-XXXXXX";
    if (mkdtemp(tmpl) == NULL)
        abort();
    base = xstrdup(tmpl);
    root = xasprintf("%s/root", base);
    outside = xasprintf("%s/outside", base);
    sh(xasprintf("mkdir -p %s/etc %s/dir %s", root, root, outside));
    sh(xasprintf("echo inside > %s/etc/marker && echo host > %s/marker", root, outside));
    sh(xasprintf("cd %s && ln -s / abs && ln -s ../../../.. rel && ln -s loop loop", root));
    sh(xasprintf("cd %s && ln -s /proc/self/root proclink && touch file", root));
    /* links naming the host path of `outside`, as a racer would plant */
    sh(xasprintf("cd %s && ln -s %s out && ln -s %s/victim flink", root, outside, outside));
}

__attribute__((destructor)) static void teardown(void)
{
    if (base != NULL)
        sh(xasprintf("rm -rf %s", base));
}

static int open_root(void)
{
    return open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Both resolvers: openat2 and the per-component walk. */
static int resolve(int rootfd, const char *path, bool walk)
{
    return walk ? nk_safe_walk(rootfd, path, false, NULL)
                : nk_safe_open(rootfd, path, O_PATH, NULL);
}

static void check_escapes_stay_inside(bool walk)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_free_ char *marker = at_root("etc/marker");
    const char *paths[] = {"abs/etc/marker", "rel/etc/marker", "../../etc/marker",
                           "/../etc/../etc/marker", "dir/../../../etc/marker"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        _cleanup_close_ int fd = resolve(rootfd, paths[i], walk);
        CHECK(fd >= 0);
        CHECK(ino_of_fd(fd) == ino_of(marker));
    }
}

TEST(openat2_symlinks_and_dotdot_resolve_inside_root)
{
    check_escapes_stay_inside(false);
}

TEST(walk_symlinks_and_dotdot_resolve_inside_root)
{
    check_escapes_stay_inside(true);
}

static void check_host_link_not_followed(bool walk)
{
    _cleanup_close_ int rootfd = open_root();
    /* `out` names the host's outside/ by absolute path: inside the root
     * that path does not exist. */
    _cleanup_close_ int fd = resolve(rootfd, "out/marker", walk);
    CHECK(fd < 0);
    CHECK(errno == ENOENT);
    /* /proc/self/root would be the host's / through a magic link */
    _cleanup_close_ int p = resolve(rootfd, "proclink/etc", walk);
    CHECK(p < 0);
}

TEST(openat2_host_links_do_not_leave_root)
{
    check_host_link_not_followed(false);
}

TEST(walk_host_links_do_not_leave_root)
{
    check_host_link_not_followed(true);
}

TEST(symlink_loop_fails)
{
    _cleanup_close_ int rootfd = open_root();
    CHECK(nk_safe_open(rootfd, "loop/x", O_PATH, NULL) < 0);
    CHECK(errno == ELOOP);
    CHECK(nk_safe_walk(rootfd, "loop/x", false, NULL) < 0);
    CHECK(errno == ELOOP);
}

TEST(walk_nofollow_returns_the_link)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_close_ int fd = nk_safe_walk(rootfd, "abs", true, NULL);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
}

TEST(mkdir_all_through_symlink_creates_inside_root)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_close_ int fd = nk_safe_mkdir_all(rootfd, "out/made/deeper", 0755, NULL);
    CHECK(fd >= 0);
    _cleanup_free_ char *host = xasprintf("%s/made", outside);
    CHECK(!exists(host));
    _cleanup_free_ char *inside = xasprintf("%s%s/made/deeper", root, outside);
    CHECK(exists(inside));
    CHECK(ino_of_fd(fd) == ino_of(inside));
    CHECK(nk_fd_check_beneath(fd, root, "out/made/deeper", NULL) == 0);
}

TEST(mkdir_all_relative_escape_creates_inside_root)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_close_ int fd = nk_safe_mkdir_all(rootfd, "rel/tmp/rel-made", 0755, NULL);
    CHECK(fd >= 0);
    CHECK(!exists("/tmp/rel-made"));
    _cleanup_free_ char *inside = at_root("tmp/rel-made");
    CHECK(exists(inside));
}

TEST(mkdir_all_refuses_a_file_component)
{
    _cleanup_close_ int rootfd = open_root();
    nk_error *err = NULL;
    CHECK(nk_safe_mkdir_all(rootfd, "file/sub", 0755, &err) < 0);
    CHECK(errno == ENOTDIR);
    CHECK(err != NULL);
    CHECK_CONTAINS(err->msg, "`file/sub`");
    nk_error_free(err);
}

TEST(create_file_never_follows_out_of_root)
{
    _cleanup_close_ int rootfd = open_root();
    /* flink is a dangling absolute link to outside/victim on the host */
    _cleanup_close_ int fd = nk_safe_create_file(rootfd, "flink", 0644, NULL);
    CHECK(fd >= 0);
    _cleanup_free_ char *host = xasprintf("%s/victim", outside);
    CHECK(!exists(host));
    _cleanup_free_ char *inside = xasprintf("%s%s/victim", root, outside);
    CHECK(exists(inside));
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(ino_of_fd(fd) == ino_of(inside));
}

TEST(create_file_with_missing_parents)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_close_ int fd = nk_safe_create_file(rootfd, "/abs/new/dir/f", 0644, NULL);
    CHECK(fd >= 0);
    _cleanup_free_ char *inside = at_root("new/dir/f");
    CHECK(exists(inside));
    /* an existing directory is not a file target */
    CHECK(nk_safe_create_file(rootfd, "dir", 0644, NULL) < 0);
    CHECK(errno == EISDIR);
}

TEST(check_beneath_catches_outside_fds)
{
    _cleanup_close_ int in = open(root, O_PATH | O_CLOEXEC);
    _cleanup_close_ int out = open(outside, O_PATH | O_CLOEXEC);
    CHECK(nk_fd_check_beneath(in, root, "root", NULL) == 0);
    nk_error *err = NULL;
    CHECK(nk_fd_check_beneath(out, root, "outside", &err) < 0);
    CHECK(err != NULL);
    CHECK_CONTAINS(err->msg, "outside the container root");
    nk_error_free(err);
    /* a sibling whose name merely starts like the root is not beneath it */
    _cleanup_free_ char *sib = xasprintf("%s-x", root);
    CHECK(mkdir(sib, 0755) == 0);
    _cleanup_close_ int s = open(sib, O_PATH | O_CLOEXEC);
    CHECK(nk_fd_check_beneath(s, root, "sibling", NULL) < 0);
}

TEST(open_non_path_flags_read_content)
{
    _cleanup_close_ int rootfd = open_root();
    _cleanup_close_ int fd = nk_safe_open(rootfd, "abs/etc/marker", O_RDONLY, NULL);
    CHECK(fd >= 0);
    char buf[16] = {0};
    CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
    CHECK_STREQ(buf, "inside\n");
}
