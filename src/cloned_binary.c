/* CVE-2019-5736: a container that gets nook's own binary executed inside it
 * (e.g. an image whose /bin/sh is "#!/proc/self/exe", run by `exec`) could
 * open /proc/<pid>/exe and overwrite the host's nook. So every command that
 * puts a nook process into a container (create, run, exec) first re-executes
 * itself from a sealed memfd copy: /proc/<pid>/exe of every nook process the
 * container can ever see is that copy, which nobody can write, grow, shrink
 * or chmod. */
#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool nk_is_cloned_binary(void)
{
    _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int seals = fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

static int make_memfd(void)
{
    /* MFD_EXEC: vm.memfd_noexec may default memfds to non-executable */
    int fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL)
        fd = memfd_create("nook", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    return fd;
}

static int copy_self(int dst, nk_error **err)
{
    _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return nk_err(err, errno, "open /proc/self/exe");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = sendfile(dst, src, &off, (size_t)(st.st_size - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return nk_err(err, n < 0 ? errno : EIO, "copy nook's binary into a memfd");
    }
    return 0;
}

int nk_reexec_from_sealed_copy(char **argv, nk_error **err)
{
    if (nk_is_cloned_binary())
        return 0;
    _cleanup_close_ int fd = make_memfd();
    if (fd < 0)
        return nk_err(err, errno, "memfd_create (needed against CVE-2019-5736)");
    if (copy_self(fd, err) < 0)
        return -1;
    if (fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS | F_SEAL_EXEC) < 0 &&
        (errno != EINVAL || fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) < 0))
        return nk_err(err, errno, "seal nook's memfd copy");
    fexecve(fd, argv, environ);
    return nk_err(err, errno, "re-execute nook from its sealed copy");
}
