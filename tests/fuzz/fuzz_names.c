/* libFuzzer: the small string parsers of the CLI and the config: container
 * ids, signal names/numbers, capability names, booleans and exec's
 * --user UID[:GID] ids. The input is one
 * NUL-terminated string for each. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands/args.h"
#include "container.h"
#include "exec.h"
#include "process/internal.h"
#include "util/signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    nk_error *err = NULL;
    (void)nk_validate_id(s, &err);
    nk_error_freep(&err);
    int sig = 0;
    if (nk_signal_parse(s, &sig, &err) == 0) {
        char buf[32];
        (void)nk_signal_name(sig, buf, sizeof(buf));
    }
    nk_error_freep(&err);
    int cap;
    (void)nk_cap_from_name(s, &cap);
    bool b;
    (void)nk_parse_bool(s, &b);
    /* exec --user UID[:GID], as exec splits it */
    uint32_t id;
    char *colon = strchr(s, ':');
    if (colon != NULL)
        *colon = '\0';
    (void)nk_parse_id(s, &id);
    if (colon != NULL)
        (void)nk_parse_id(colon + 1, &id);
    free(s);
    return 0;
}
