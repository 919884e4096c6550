/* src/rootfs/mount_options.c: every option `nook features` lists is one the
 * parser knows (none leaks to the filesystem as mount data), and the
 * recursive, copy-up and idmap options parse to what mounts.c applies. */
#include <sys/mount.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "unit.h"
#include "util/cleanup.h"

static int parse1(const char *opt, nk_mount_opts *mo)
{
    char *v[] = {(char *)opt, NULL};
    oci_strv sv = {.v = v, .len = 1};
    _cleanup_error_ nk_error *err = NULL;
    return nk_mount_opts_parse(&sv, "mounts[0] (/x)", mo, &err);
}

static int checked;
static int leaked;

static void check_name(const char *name, void *arg)
{
    (void)arg;
    nk_mount_opts mo;
    checked++;
    if (parse1(name, &mo) < 0 || mo.data != NULL || !nk_mount_option_known(name))
        leaked++;
    nk_mount_opts_free(&mo);
}

TEST(every_listed_option_is_parsed)
{
    nk_mount_option_names(check_name, NULL);
    CHECK(checked > 60);
    CHECK(leaked == 0);
    CHECK(!nk_mount_option_known("size=10m"));
}

TEST(recursive_options)
{
    char *v[] = {"rro", "rnosuid", "rnoatime", "rexec", "ratime", NULL};
    oci_strv sv = {.v = v, .len = 5};
    nk_mount_opts mo;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(nk_mount_opts_parse(&sv, "m", &mo, &err) == 0);
    CHECK(mo.rec_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_RELATIME));
    CHECK(mo.rec_clr == (MOUNT_ATTR_NOEXEC | MOUNT_ATTR__ATIME));
    CHECK(mo.flags == 0 && mo.data == NULL);
    nk_mount_opts_free(&mo);
}

TEST(special_options)
{
    char *v[] = {"tmpcopyup", "ridmap", "size=1m", "mode=755", NULL};
    oci_strv sv = {.v = v, .len = 4};
    nk_mount_opts mo;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(nk_mount_opts_parse(&sv, "m", &mo, &err) == 0);
    CHECK(mo.tmpcopyup);
    CHECK(mo.idmap == NK_IDMAP_RECURSIVE);
    CHECK_STREQ(mo.data, "size=1m,mode=755");
    nk_mount_opts_free(&mo);
}
