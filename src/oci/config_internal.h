/* The section parsers behind oci_config_parse, shared inside src/oci/ only.
 * Each fills a zeroed struct; on error the caller frees what was filled. */
#ifndef NOOK_OCI_CONFIG_INTERNAL_H
#define NOOK_OCI_CONFIG_INTERNAL_H

#include "oci/config.h"
#include "oci/json_read.h"

int oci_parse_process(const jr *r, const jr_path *p, yajl_val v, oci_process *out);
void oci_process_clear(oci_process *p);

int oci_parse_linux(const jr *r, const jr_path *p, yajl_val v, oci_linux *out);
void oci_linux_clear(oci_linux *l);

int oci_parse_resources(const jr *r, const jr_path *p, yajl_val v, oci_resources *out);
void oci_resources_clear(oci_resources *res);

int oci_parse_seccomp(const jr *r, const jr_path *p, yajl_val v, oci_seccomp *out);
void oci_seccomp_clear(oci_seccomp *s);

/* uidMappings/gidMappings, on linux and on mounts. */
int oci_parse_id_mappings(const jr *r, const jr_path *p, yajl_val obj, const char *key,
                          oci_id_mapping **out, size_t *n);

#endif
