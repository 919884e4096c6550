/* `update` keeps the container's current linux.resources across calls: the
 * patch a caller sends is merged into what was in force, applied as a whole
 * (memory.swap.max depends on the limit, cpu.max on quota and period) and
 * saved so the next update starts from it. */
#ifndef NOOK_OCI_RESOURCES_JSON_H
#define NOOK_OCI_RESOURCES_JSON_H

#include "oci/config.h"
#include "util/error.h"

/* Fields present in patch replace those in dst (lists replace lists,
 * unified keys are set one by one). */
void oci_resources_merge(oci_resources *dst, const oci_resources *patch);
/* A deep copy. */
oci_resources *oci_resources_dup(const oci_resources *src);
/* LinuxResources JSON that oci_resources_parse reads back to the same struct. */
int oci_resources_to_json(const oci_resources *r, char **out, size_t *len, nk_error **err);

#endif
