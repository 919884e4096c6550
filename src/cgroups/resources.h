/* Writing linux.resources into cgroup files, per cgroup version. */
#ifndef NOOK_CGROUPS_RESOURCES_H
#define NOOK_CGROUPS_RESOURCES_H

#include "cgroups/internal.h"

/* {controller, JSON path, ...} pairs the resources need on v2, NULL-ended. */
const char *const *nk_cg_needed_v2(const oci_resources *r);
/* Everything but devices into the v2 cgroup directory dir. */
int nk_cg_apply_v2(const char *dir, const nk_cg_apply *a, nk_error **err);
/* Everything but devices into the v1 hierarchies (and the v2 part of a
 * hybrid host for hugetlb and unified). */
int nk_cg_apply_v1(const nk_cg_layout *l, const char *path, const nk_cg_apply *a, nk_error **err);
/* memory.checkBeforeUpdate: refuse a limit below the current usage. */
int nk_cg_check_memory_usage(const char *dir, const char *usage_file, const oci_memory *m,
                             nk_error **err);
/* Write value to dir/file; an error names the JSON path. A missing file
 * means the kernel lacks the knob: "<json>: not supported by the kernel". */
int nk_cg_set(const char *dir, const char *file, const char *value, const char *json,
              nk_error **err);

/* hugepageLimits and unified into a v2 directory (also used on hybrid). */
int nk_cg_hugetlb_v2(const char *dir, const oci_resources *r, nk_error **err);
int nk_cg_unified(const char *dir, const oci_map *u, nk_error **err);

#endif
