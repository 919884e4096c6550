/* Shared by the files of src/cgroups/ only: the host layout, the driver
 * interface and small file helpers. Nothing outside src/cgroups includes it. */
#ifndef NOOK_CGROUPS_INTERNAL_H
#define NOOK_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "cgroups/devices_rules.h"
#include "oci/config.h"
#include "util/error.h"
#include "util/mountinfo.h"

/* ---------- host layout (layout.c) ---------- */

typedef enum nk_cg_mode {
    NK_CG_UNIFIED, /* pure cgroup v2 */
    NK_CG_HYBRID,  /* v1 controllers plus a cgroup2 mount (usually with few controllers) */
    NK_CG_LEGACY,  /* v1 only */
} nk_cg_mode;

/* One mounted v1 hierarchy: its mount point and the controllers on it
 * ("cpu", "cpuacct" may share one). */
typedef struct nk_cg_hier {
    char *mount;  /* "/sys/fs/cgroup/memory" */
    char **ctrls; /* NULL-terminated */
} nk_cg_hier;

typedef struct nk_cg_layout {
    nk_cg_mode mode;
    char *unified;     /* cgroup2 mount point, NULL on legacy */
    char **v2_ctrls;   /* cgroup.controllers of the cgroup2 root, NULL-terminated */
    nk_cg_hier *hiers; /* v1 hierarchies (none on unified) */
    size_t n_hiers;
} nk_cg_layout;

/* Discover the host's layout (or take the v1 mounts from the cache). */
int nk_cg_layout_get(nk_cg_layout *l, nk_error **err);
/* Adds to l the v1 hierarchies a host with this /proc/cgroups text and
 * mount table has: each subsystem at the first "cgroup" mount that names it
 * among its options, as libcgroup's cgroup_init() reads them. An error when
 * l then has neither a v1 hierarchy nor a cgroup2 mount. */
int nk_cg_v1_hiers_find(const char *proc_cgroups, const nk_mountinfo *m, size_t n, nk_cg_layout *l,
                        nk_error **err);
/* The layout's mode is NK_CG_UNIFIED: one statfs, or the memo. */
bool nk_cg_host_unified(void);
void nk_cg_layout_clear(nk_cg_layout *l);
/* Drop the layout this process found (it is kept for the rest of the
 * command); nk_cgroup_set_state_root does it too. */
void nk_cg_layout_forget(void);
/* Mount point of v1 controller ctrl, NULL when not mounted. */
const char *nk_cg_v1_mount(const nk_cg_layout *l, const char *ctrl);
/* ctrl is listed in the cgroup2 root's cgroup.controllers. */
bool nk_cg_v2_has(const nk_cg_layout *l, const char *ctrl);

/* ---------- the v1 layout cache (layout_cache.c) ---------- */

/* The part of /proc/cgroups (text) that changes when controllers are
 * mounted or unmounted: "name/hierarchy/enabled" words. NULL when it does not
 * parse. */
char *nk_cg_layout_key(const char *proc_cgroups);
/* The cache file's content for key and l's v1 hierarchies; NULL when a mount
 * point can't be written in it (whitespace) or no longer stats. */
char *nk_cg_layout_cache_format(const char *key, const nk_cg_layout *l);
/* Fill l's v1 hierarchies from the cache text: 0 when it parses, was made
 * for key, and every mount point is still the same cgroup v1 mount;
 * -1 otherwise (l untouched). */
int nk_cg_layout_cache_parse(const char *text, const char *key, nk_cg_layout *l);
/* <root>/.cgroup-layout: parse it if the file is ours and private (see
 * layout_cache.c). -1 on any miss. */
int nk_cg_layout_cache_load(const char *root, const char *key, nk_cg_layout *l);
/* Write it atomically; failures are ignored (the next command discovers). */
void nk_cg_layout_cache_save(const char *root, const char *key, const nk_cg_layout *l);

/* ---------- the driver interface (v2.c, v1.c) ---------- */

/* What to write into a cgroup. */
typedef struct nk_cg_apply {
    const oci_resources *r;
    const nk_cg_dev_rule *rules; /* NULL: leave device access alone */
    size_t n_rules;
    bool update; /* `update`: honour memory.checkBeforeUpdate */
} nk_cg_apply;

typedef struct nk_cg_driver {
    const char *name; /* "v2", "v1" */
    /* mkdir the cgroup (parents included), enable what resources need */
    int (*create)(const nk_cg_layout *l, const char *path, const oci_resources *r, bool *created,
                  nk_error **err);
    /* write resources; update: only what is set, with checkBeforeUpdate */
    int (*apply)(const nk_cg_layout *l, const char *path, const nk_cg_apply *a, nk_error **err);
    int (*destroy)(const nk_cg_layout *l, const char *path, nk_error **err);
} nk_cg_driver;

extern const nk_cg_driver nk_cg_driver_v2;
extern const nk_cg_driver nk_cg_driver_v1;
const nk_cg_driver *nk_cg_driver_for(const nk_cg_layout *l);

/* ---------- helpers (files.c) ---------- */

/* "<mount><path>[/<sub>]" */
char *nk_cg_join(const char *mount, const char *path, const char *sub);
/* Open a cgroup directory O_PATH|O_DIRECTORY. */
int nk_cg_open(const char *dir, nk_error **err);
/* Write/read one control file in cgroup directory dir (a path); errors name
 * the file. nk_cg_read strips the trailing newline. */
int nk_cg_write(const char *dir, const char *file, const char *value, nk_error **err);
int nk_cg_read(const char *dir, const char *file, char **out, nk_error **err);
int nk_cg_read_u64(const char *dir, const char *file, uint64_t *out, nk_error **err);
/* The v2 directory of the container (on unified and hybrid hosts). */
char *nk_cg_v2_dir(const nk_cg_layout *l, const char *path);
/* mkdir -p of path below mount; *created when the leaf is new. */
int nk_cg_mkdir_p(const char *mount, const char *path, bool *created, nk_error **err);
/* rmdir the cgroup and its sub-cgroups, deepest first; ENOENT is success. */
int nk_cg_rmdir_tree(const char *dir, nk_error **err);

/* ---------- conversions (convert.c, pure, unit tested) ---------- */

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], the quadratic curve of
 * runc >= 1.3.2 / crun >= 1.23 (maps 1024 to 100). 0 stays 0 (unset). */
uint64_t nk_cg_shares_to_weight(uint64_t shares);
/* blkio weight [10, 1000] -> io.weight [1, 10000]. */
uint64_t nk_cg_blkio_to_io_weight(uint64_t w);
/* memory.swap.max from OCI swap (memory+swap) and limit; returns false when
 * nothing is to be written. Errors name linux.resources.memory.swap. */
int nk_cg_swap_max(const oci_memory *m, bool *write, char *buf, size_t len, nk_error **err);
/* "max" or the decimal for an OCI limit where -1 means unlimited. */
void nk_cg_limit_str(int64_t v, char *buf, size_t len);

/* ---------- validation (validate.c) ---------- */

/* Value checks shared by both drivers (negative/absurd values, unified keys
 * escaping the cgroup, cpusets outside the host's); errors name the JSON
 * path under `prefix` ("linux.resources"). */
int nk_cg_validate(const nk_cg_layout *l, const oci_resources *r, const char *prefix,
                   nk_error **err);

/* ---------- devices (devices_bpf.c, devices_v1.c) ---------- */

/* Attach a BPF_PROG_TYPE_CGROUP_DEVICE program implementing the rules to
 * cgroup dir, then detach the programs attached before (update). */
int nk_cg_devices_bpf(const char *dir, const nk_cg_dev_rule *rules, size_t n, nk_error **err);
/* v1 devices.deny/devices.allow, in order. */
int nk_cg_devices_v1(const char *dir, const nk_cg_dev_rule *rules, size_t n, nk_error **err);

#endif
