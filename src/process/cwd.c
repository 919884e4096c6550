/* process.cwd: enter it, and prove afterwards that it is inside our root. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "process/internal.h"
#include "util/cleanup.h"

int nk_process_chdir(const char *cwd, bool *retry_after_switch, nk_error **err)
{
    if (retry_after_switch != NULL)
        *retry_after_switch = false;
    if (chdir(cwd) == 0)
        return 0;
    /* Root of a user namespace can be refused a directory the target user
     * may enter (unmapped owner, root_squash NFS): try again as that user. */
    if (errno == EACCES && retry_after_switch != NULL) {
        *retry_after_switch = true;
        return 0;
    }
    return nk_err(err, errno, "chdir to cwd (\"%s\") set in config.json failed", cwd);
}

int nk_process_verify_cwd(nk_error **err)
{
    /* glibc turns the kernel's "(unreachable)/..." into ENOENT; check the
     * leading slash as well in case a libc passes it through. A cwd outside
     * the root is the CVE-2024-21626 escape (cwd=/proc/self/fd/N pointing at
     * a leaked host directory fd). */
    _cleanup_free_ char *wd = getcwd(NULL, 0);

    if (wd == NULL && errno != ENOENT)
        return nk_err(err, errno, "getcwd");
    if (wd == NULL || wd[0] != '/')
        return nk_err(err, 0,
                      "current working directory is outside of container mount namespace root "
                      "-- possible container breakout detected");
    return 0;
}
