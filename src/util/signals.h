/* Signal names and numbers as `kill` accepts them. */
#ifndef NOOK_UTIL_SIGNALS_H
#define NOOK_UTIL_SIGNALS_H

#include "util/error.h"

/* Accepts "KILL", "SIGKILL", "sigkill", "9", "RTMIN", "RTMIN+3", "SIGRTMAX-2".
 * Numbers must be 1..64; anything else fails with `unknown signal "S"`, the
 * wording runc uses. */
int nk_signal_parse(const char *s, int *sig, nk_error **err);

/* "SIGKILL", "SIGRTMIN+3"; NULL for a number that is not a signal. */
const char *nk_signal_name(int sig, char *buf, unsigned long size);

#endif
