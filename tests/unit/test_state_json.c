/* state.json round trips, the public `state`/`list`/`ps` JSON, and the
 * default spec. */
#include <string.h>
#include <sys/resource.h>

#include "oci/config.h"
#include "oci/state_json.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static nk_state *sample(void)
{
    nk_state *s = xzalloc(sizeof(*s));
    s->oci_version = xstrdup("1.3.0");
    s->id = xstrdup("c1");
    s->pid = 4242;
    s->status = xstrdup("running");
    s->bundle = xstrdup("/b");
    s->rootfs = xstrdup("/b/rootfs");
    s->created = xstrdup("2026-01-02T03:04:05.123456789Z");
    s->annotations.items = xcalloc(2, sizeof(oci_kv));
    s->annotations.items[0] = (oci_kv){xstrdup("org.a"), xstrdup("1")};
    s->annotations.items[1] = (oci_kv){xstrdup("b\"q"), xstrdup("x\ny")};
    s->annotations.len = 2;
    s->owner = xstrdup("");
    s->init_start_time = 18446744073709551615ull;
    s->own_pid_ns = true;
    s->cgroup_path = xstrdup("/sys/fs/cgroup/nook/c1");
    s->rootless = true;
    return s;
}

TEST(round_trip_with_private)
{
    _cleanup_state_ nk_state *s = sample();
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    size_t len = 0;
    CHECK(oci_state_to_json(s, true, false, &json, &len, &err) == 0);
    CHECK(len == strlen(json));
    _cleanup_state_ nk_state *back = NULL;
    CHECK(oci_state_parse(json, len, &back, &err) == 0);
    CHECK_STREQ(back->oci_version, "1.3.0");
    CHECK_STREQ(back->id, "c1");
    CHECK(back->pid == 4242);
    CHECK_STREQ(back->status, "running");
    CHECK_STREQ(back->bundle, "/b");
    CHECK_STREQ(back->rootfs, "/b/rootfs");
    CHECK_STREQ(back->created, "2026-01-02T03:04:05.123456789Z");
    CHECK(back->annotations.len == 2);
    CHECK_STREQ(back->annotations.items[1].key, "b\"q");
    CHECK_STREQ(back->annotations.items[1].value, "x\ny");
    CHECK_STREQ(back->owner, "");
    CHECK(back->init_start_time == 18446744073709551615ull);
    CHECK(back->own_pid_ns && back->rootless);
    CHECK_STREQ(back->cgroup_path, "/sys/fs/cgroup/nook/c1");
}

TEST(public_form_hides_private_fields)
{
    _cleanup_state_ nk_state *s = sample();
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_state_to_json(s, false, false, &json, NULL, &err) == 0);
    CHECK(strstr(json, "nook") == NULL);
    CHECK(strstr(json, "initStartTime") == NULL);
    CHECK(strstr(json, "cgroupPath") == NULL);
    CHECK_CONTAINS(json, "\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"pid\":4242,"
                         "\"status\":\"running\",\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\","
                         "\"created\":\"2026-01-02T03:04:05.123456789Z\",\"annotations\":{");
    CHECK_CONTAINS(json, "\"owner\":\"\"}");
    _cleanup_state_ nk_state *back = NULL;
    CHECK(oci_state_parse(json, strlen(json), &back, &err) == 0);
    CHECK(back->init_start_time == 0 && !back->own_pid_ns && back->cgroup_path == NULL);
}

TEST(pretty_like_runc_state)
{
    _cleanup_state_ nk_state *s = sample();
    for (size_t i = 0; i < s->annotations.len; i++) {
        free(s->annotations.items[i].key);
        free(s->annotations.items[i].value);
    }
    free(s->annotations.items);
    s->annotations.items = NULL;
    s->annotations.len = 0;
    s->pid = 0;
    free(s->status);
    s->status = xstrdup("stopped");
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_state_to_json(s, false, true, &json, NULL, &err) == 0);
    CHECK_STREQ(json, "{\n"
                      "  \"ociVersion\": \"1.3.0\",\n"
                      "  \"id\": \"c1\",\n"
                      "  \"pid\": 0,\n"
                      "  \"status\": \"stopped\",\n"
                      "  \"bundle\": \"/b\",\n"
                      "  \"rootfs\": \"/b/rootfs\",\n"
                      "  \"created\": \"2026-01-02T03:04:05.123456789Z\",\n"
                      "  \"owner\": \"\"\n"
                      "}");
}

TEST(list_empty_is_brackets)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    size_t len = 99;
    CHECK(oci_state_list_to_json(NULL, 0, &json, &len, &err) == 0);
    CHECK_STREQ(json, "[]");
    CHECK(len == 2);
}

TEST(list_two)
{
    _cleanup_state_ nk_state *a = sample();
    _cleanup_state_ nk_state *b = sample();
    free(b->id);
    b->id = xstrdup("c2");
    nk_state *const both[] = {a, b};
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_state_list_to_json(both, 2, &json, NULL, &err) == 0);
    CHECK(json[0] == '[' && json[strlen(json) - 1] == ']');
    CHECK_CONTAINS(json, "\"id\":\"c1\"");
    CHECK_CONTAINS(json, "},{\"ociVersion\":\"1.3.0\",\"id\":\"c2\"");
    CHECK(strstr(json, "nook") == NULL);
}

TEST(pids_array)
{
    const pid_t pids[] = {1234, 1240, 1};
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_pids_to_json(pids, 3, &json, NULL, &err) == 0);
    CHECK_STREQ(json, "[1234,1240,1]");
    _cleanup_free_ char *none = NULL;
    CHECK(oci_pids_to_json(NULL, 0, &none, NULL, &err) == 0);
    CHECK_STREQ(none, "[]");
}

TEST(parse_ignores_unknown_and_checks_types)
{
    const char *ok = "{\"id\":\"x\",\"pid\":7,\"future\":[1],\"nook\":{\"later\":true}}";
    _cleanup_state_ nk_state *s = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_state_parse(ok, strlen(ok), &s, &err) == 0);
    CHECK(s->pid == 7 && s->status == NULL);
    const char *bad = "{\"id\":\"x\",\"pid\":-3}";
    nk_state *t = NULL;
    CHECK(oci_state_parse(bad, strlen(bad), &t, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "state.json: pid: must be an integer between 0 and 2147483647");
    nk_error_free(err);
    err = NULL;
    CHECK(oci_state_parse("{\"pid\":1}", 9, &t, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "state.json: id: is required");
    nk_error_free(err);
    err = NULL;
    CHECK(oci_state_parse("{\"id\":", 6, &t, &err) < 0);
    CHECK_CONTAINS(nk_error_text(err), "state.json: invalid JSON: ");
}

static oci_config *parse_spec(bool rootless)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    size_t len;
    if (oci_spec_default(rootless, 1000, 1001, &json, &len, &err) < 0)
        return NULL;
    oci_config *c = NULL;
    if (oci_config_parse(json, len, &c, &err) < 0)
        return NULL;
    return c;
}

TEST(default_spec_matches_runc)
{
    _cleanup_free_ char *json = NULL;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_spec_default(false, 0, 0, &json, NULL, &err) == 0);
    CHECK(strncmp(json,
                  "{\n\t\"ociVersion\": \"1.3.0\",\n\t\"process\": {\n\t\t\"terminal\": true,",
                  56) == 0);
    CHECK(json[strlen(json) - 1] == '}');
    CHECK(strstr(json, "ambient") == NULL && strstr(json, "inheritable") == NULL);
    _cleanup_config_ oci_config *c = parse_spec(false);
    CHECK(c != NULL);
    CHECK_STREQ(c->oci_version, "1.3.0");
    CHECK(c->process.terminal);
    CHECK(c->process.args.len == 1);
    CHECK_STREQ(c->process.args.v[0], "sh");
    CHECK_STREQ(c->process.cwd, "/");
    CHECK(c->process.capabilities.bounding.len == 3 && !c->process.capabilities.has_ambient);
    CHECK(c->process.n_rlimits == 1 && c->process.rlimits[0].resource == RLIMIT_NOFILE);
    CHECK(c->process.no_new_privileges);
    CHECK_STREQ(c->root.path, "rootfs");
    CHECK(c->root.readonly);
    CHECK_STREQ(c->hostname, "runc");
    CHECK(c->n_mounts == 7);
    CHECK_STREQ(c->mounts[5].type, "sysfs");
    CHECK_STREQ(c->mounts[2].options.v[5], "gid=5");
    CHECK(c->linux.has_resources && c->linux.resources.n_devices == 1);
    CHECK(oci_config_namespace(c, OCI_NS_NETWORK) != NULL);
    CHECK(oci_config_namespace(c, OCI_NS_USER) == NULL);
    CHECK(c->linux.n_uid_mappings == 0);
    CHECK(c->linux.masked_paths.len == 11 && c->linux.readonly_paths.len == 5);
}

TEST(default_spec_rootless)
{
    _cleanup_config_ oci_config *c = parse_spec(true);
    CHECK(c != NULL);
    CHECK(!c->linux.has_resources);
    CHECK(oci_config_namespace(c, OCI_NS_NETWORK) == NULL);
    CHECK(oci_config_namespace(c, OCI_NS_USER) != NULL);
    CHECK(c->linux.namespaces[c->linux.n_namespaces - 1].type == OCI_NS_USER);
    CHECK(c->linux.n_uid_mappings == 1 && c->linux.uid_mappings[0].host_id == 1000);
    CHECK(c->linux.uid_mappings[0].container_id == 0 && c->linux.uid_mappings[0].size == 1);
    CHECK(c->linux.n_gid_mappings == 1 && c->linux.gid_mappings[0].host_id == 1001);
    CHECK_STREQ(c->mounts[5].type, "none");
    CHECK_STREQ(c->mounts[5].source, "/sys");
    CHECK_STREQ(c->mounts[5].options.v[0], "rbind");
    CHECK(c->mounts[2].options.len == 5); /* gid=5 dropped */
}
