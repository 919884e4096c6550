/* libFuzzer: the container's /etc/passwd, as nook reads it to find HOME.
 * The first 4 bytes are the uid looked up, the rest is the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "process/internal.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint32_t uid;
    memcpy(&uid, data, 4);
    int fd = memfd_create("passwd", MFD_CLOEXEC);
    if (fd < 0 || nk_write_all(fd, data + 4, size - 4) < 0)
        abort();
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    char *home = NULL;
    nk_error *err = NULL;
    (void)nk_passwd_home(path, (uid_t)uid, &home, &err);
    free(home);
    nk_error_free(err);
    close(fd);
    return 0;
}
