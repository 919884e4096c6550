/* The seccomp profile `nook spec` writes (linux.seccomp). */
#ifndef NOOK_OCI_SPEC_SECCOMP_H
#define NOOK_OCI_SPEC_SECCOMP_H

#include "oci/json_write.h"

/* Writes "seccomp": {...} into the open linux object. */
void oci_spec_write_seccomp(jw *w);

#endif
