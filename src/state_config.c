/* The config a container was created with, kept in its state directory:
 * `exec` and `delete` (poststop hooks) must see what `create` saw, not a
 * bundle edited since. */
#include <errno.h>
#include <stdlib.h>

#include "oci/json_compact.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

#define CONFIG_COPY "config.json"

/* Kept without the whitespace between tokens: every exec and delete lexes it
 * again (oci/json_compact.c). */
int nk_state_save_config(const nk_state_dir *d, const char *json, size_t len, nk_error **err)
{
    _cleanup_free_ char *path = xasprintf("%s/%s", d->path, CONFIG_COPY);
    _cleanup_free_ char *compact = xmalloc(len + 1);
    size_t compact_len;
    if (oci_json_compact(json, len, compact, &compact_len))
        return nk_write_file_atomic(path, compact, compact_len, 0600, err);
    return nk_write_file_atomic(path, json, len, 0600, err);
}

int nk_state_load_config(const nk_state_dir *d, const char *bundle, oci_config **out,
                         nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len;
    nk_error *e = NULL;
    if (nk_read_file_at(d->fd, CONFIG_COPY, &json, &len, &e) == 0) {
        return oci_config_parse(json, len, out, err);
    }
    nk_error_free(e);
    /* a container created by a nook that kept no copy */
    _cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
    return oci_config_load(path, out, err);
}
