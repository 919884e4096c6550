/* The JSON lines `events` prints, in runc's shape (types/events.go):
 * {"type":"stats","id":ID,"data":{...}} and {"type":"oom","id":ID}. */
#ifndef NOOK_OCI_EVENTS_JSON_H
#define NOOK_OCI_EVENTS_JSON_H

#include <stddef.h>

#include "cgroups/cgroups.h"
#include "util/error.h"

int oci_stats_event_to_json(const char *id, const nk_cgroup_stats *st, char **out, size_t *len,
                            nk_error **err);
/* type "oom" (no data). */
int oci_event_to_json(const char *type, const char *id, char **out, size_t *len, nk_error **err);

#endif
