/* A session keyring of the container's own (named like runc's, _ses.<id>),
 * for init and exec alike, so the container never sees the caller's keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM              5
#define KEYCTL_DESCRIBE             6
#define KEY_SPEC_SESSION_KEYRING    -3
#define KEY_USR_SEARCH              0x00080000

/* Let processes of the container's uid search the keyring they run in,
 * as runc does; the rest of the kernel's default permissions stay. */
static int allow_user_search(nk_error **err)
{
    char desc[512];
    long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, desc, sizeof(desc));
    if (n < 0 || (size_t)n > sizeof(desc))
        return nk_err(err, errno, "describe the session keyring");
    desc[sizeof(desc) - 1] = '\0';
    /* "type;uid;gid;perm;description" */
    char *p = desc;
    for (int field = 0; field < 3 && p != NULL; field++)
        p = (p = strchr(p, ';')) ? p + 1 : NULL;
    if (p == NULL)
        return nk_err(err, EINVAL, "describe the session keyring");
    unsigned long perm = strtoul(p, NULL, 16) | KEY_USR_SEARCH;
    if (syscall(SYS_keyctl, KEYCTL_SETPERM, KEY_SPEC_SESSION_KEYRING, perm) < 0)
        return nk_err(err, errno, "set session keyring permissions");
    return 0;
}

int nk_process_join_keyring(const char *id, bool userns, nk_error **err)
{
    char name[300];
    snprintf(name, sizeof(name), "_ses.%s", id);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0) {
        /* kernels without keys, or keyrings refused inside a user namespace */
        if (errno == ENOSYS || ((errno == EACCES || errno == EPERM || errno == EDQUOT) && userns))
            return 0;
        return nk_err(err, errno, "join a new session keyring");
    }
    return allow_user_search(err);
}
