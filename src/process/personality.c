/* linux.personality: the execution domain the container's process runs
 * with (LINUX32 makes `uname -m` say i686 on x86_64). */
#include <errno.h>
#include <string.h>
#include <sys/personality.h>

#include "process.h"
#include "process/internal.h"

int nk_process_check_personality(const oci_linux *l, nk_error **err)
{
    if (!l->has_personality)
        return 0;
    /* runtime-spec defines no flag values yet */
    if (l->personality.flags.len > 0)
        return nk_err(err, 0, "config.json: linux.personality.flags: unknown flag \"%s\"",
                      l->personality.flags.v[0]);
    return 0;
}

int nk_process_set_personality(const oci_linux *l, nk_error **err)
{
    if (!l->has_personality)
        return 0;
    if (nk_process_check_personality(l, err) < 0)
        return -1;
    unsigned long domain = strcmp(l->personality.domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
    if (personality(domain) < 0)
        return nk_err(err, errno, "linux.personality: personality(%s)", l->personality.domain);
    return 0;
}
