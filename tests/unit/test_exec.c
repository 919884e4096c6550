/* exec's process building: strict ids, env override, --cap never inheritable,
 * and the args.c repeatable flags exec relies on. */
#include "commands/args.h"
#include "exec.h"
#include "unit.h"

static const char base_json[] =
    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
    "\"process\":{\"args\":[\"init\"],\"cwd\":\"/\",\"env\":[\"PATH=/bin\",\"A=1\"],"
    "\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{\"bounding\":[\"CAP_KILL\"],"
    "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],\"inheritable\":[]}}}";

static oci_config *base(void)
{
    oci_config *c = NULL;
    nk_error *e = NULL;
    if (oci_config_parse(base_json, sizeof(base_json) - 1, &c, &e) < 0) {
        fprintf(stderr, "%s\n", nk_error_text(e));
        abort();
    }
    return c;
}

TEST(parse_id_is_strict_decimal)
{
    uint32_t v = 7;
    CHECK(nk_parse_id("0", &v) == 0 && v == 0);
    CHECK(nk_parse_id("1000", &v) == 0 && v == 1000);
    CHECK(nk_parse_id("4294967294", &v) == 0 && v == 4294967294u);
    const char *bad[] = {"",   "1x",  "+1",         "-1",          " 1",
                         "1 ", "0x1", "4294967295", "99999999999", "1.0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(nk_parse_id(bad[i], &v) < 0);
}

TEST(flags_override_the_container_process)
{
    _cleanup_config_ oci_config *c = base();
    char *args[] = {"/bin/sh", "-c", "x"};
    const char *env[] = {"A=2", "B=3"};
    const char *caps[] = {"CAP_SYS_ADMIN", "CAP_KILL"};
    const char *gids[] = {"5"};
    nk_exec_opts o = {.args = args,
                      .n_args = 3,
                      .env = env,
                      .n_env = 2,
                      .caps = caps,
                      .n_caps = 2,
                      .user = "1000:1001",
                      .additional_gids = gids,
                      .n_additional_gids = 1,
                      .cwd = "/tmp",
                      .no_new_privs = true};
    nk_error *e = NULL;
    CHECK(nk_exec_build_process(&o, c, &e) == 0);
    const oci_process *p = &c->process;
    CHECK(p->args.len == 3);
    CHECK_STREQ(p->args.v[0], "/bin/sh");
    CHECK(p->env.len == 3);
    CHECK_STREQ(p->env.v[1], "A=2"); /* replaced in place, not appended */
    CHECK_STREQ(p->env.v[2], "B=3");
    CHECK(p->user.uid == 1000 && p->user.gid == 1001);
    CHECK(p->user.n_additional_gids == 1 && p->user.additional_gids[0] == 5);
    CHECK_STREQ(p->cwd, "/tmp");
    CHECK(p->no_new_privileges);
    CHECK(p->capabilities.bounding.len == 2); /* CAP_KILL not duplicated */
    CHECK(p->capabilities.effective.len == 2);
    CHECK(p->capabilities.permitted.len == 2);
    CHECK(p->capabilities.inheritable.len == 0);
    CHECK(p->capabilities.ambient.len == 0);
}

TEST(bad_flags_are_refused_naming_them)
{
    char *args[] = {"x"};
    const char *env[] = {"NOEQUALS"};
    nk_exec_opts o = {.args = args, .n_args = 1, .env = env, .n_env = 1};
    nk_error *e = NULL;
    oci_config *c = base();
    CHECK(nk_exec_build_process(&o, c, &e) < 0);
    CHECK_CONTAINS(nk_error_text(e), "--env");
    nk_error_freep(&e);
    oci_config_free(c);

    nk_exec_opts u = {.args = args, .n_args = 1, .user = "1:"};
    c = base();
    CHECK(nk_exec_build_process(&u, c, &e) < 0);
    CHECK_CONTAINS(nk_error_text(e), "--user");
    nk_error_freep(&e);
    oci_config_free(c);

    nk_exec_opts w = {.args = args, .n_args = 1, .cwd = "tmp"};
    c = base();
    CHECK(nk_exec_build_process(&w, c, &e) < 0);
    CHECK_CONTAINS(nk_error_text(e), "--cwd");
    nk_error_freep(&e);
    oci_config_free(c);
}

TEST(repeatable_flags_collect_every_value)
{
    nk_strlist env = {0};
    bool tty = false;
    const nk_flag flags[] = {{"env", "e", NK_FLAG_STRINGS, &env, NULL, "env"},
                             {"tty", "t", NK_FLAG_BOOL, &tty, NULL, "tty"},
                             {0}};
    static const nk_command cmd = {
        .name = "exec", .min_args = 1, .max_args = -1, .stop_at_positional = true};
    char *argv[] = {"exec", "-e", "A=1", "--env=B=2", "-t", "id", "sh", "-e", "x"};
    nk_args a = {0};
    nk_error *e = NULL;
    CHECK(nk_args_parse(&cmd, flags, 9, argv, &a, &e) == 0);
    CHECK(env.n == 2);
    CHECK_STREQ(env.v[0], "A=1");
    CHECK_STREQ(env.v[1], "B=2");
    CHECK(tty);
    /* everything after the id belongs to the container's command */
    CHECK(a.n == 4);
    CHECK_STREQ(a.v[2], "-e");
    nk_args_free(&a);
    nk_strlist_free(&env);
}
