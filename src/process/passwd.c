/* Fields of passwd(5) entries: HOME for the container process, read from the
 * container's /etc/passwd as runc does, and the host's user names for `list`
 * (read directly: nook is linked statically, so no NSS). The file comes from a hostile image:
 * refuse anything but a regular file (a FIFO would block, /dev/zero would never end) and cap what
 * is read. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define PASSWD_MAX_LINES 100000
#define PASSWD_MAX_SIZE  (64 << 20)

/* name:password:uid:gid:gecos:home:shell; the uid must be all digits. */
static bool line_field(char *line, uid_t uid, int want, char **out)
{
    char *field[7];
    char *p = line;

    line[strcspn(line, "\n")] = '\0';
    for (int i = 0; i < 7; i++) {
        field[i] = p;
        p = strchr(p, ':');
        if (p == NULL) {
            if (i < 5)
                return false;
            for (int j = i + 1; j < 7; j++)
                field[j] = "";
            break;
        }
        *p++ = '\0';
    }
    const char *u = field[2];
    if (u[0] < '0' || u[0] > '9')
        return false;
    char *end;
    errno = 0;
    uintmax_t v = strtoumax(u, &end, 10);
    if (errno != 0 || *end != '\0' || v != (uintmax_t)uid)
        return false;
    *out = xstrdup(field[want]);
    return true;
}

static int passwd_field(const char *passwd_path, uid_t uid, int want, char **home, nk_error **err)
{
    int fd = open(passwd_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;

    *home = NULL;
    if (fd < 0)
        return errno == ENOENT ? 0 : nk_err(err, errno, "open %s", passwd_path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return nk_err(err, 0, "%s is not a regular file", passwd_path);
    }
    if (st.st_size > PASSWD_MAX_SIZE) {
        close(fd);
        return nk_err(err, 0, "%s is too large", passwd_path);
    }
    _cleanup_fclose_ FILE *f = fdopen(fd, "re");
    if (f == NULL) {
        close(fd);
        return nk_err(err, errno, "fdopen %s", passwd_path);
    }

    _cleanup_free_ char *line = NULL;
    size_t cap = 0;
    for (int n = 0; n < PASSWD_MAX_LINES && getline(&line, &cap, f) >= 0; n++)
        if (line_field(line, uid, want, home))
            return 0;
    return 0;
}

int nk_passwd_home(const char *passwd_path, uid_t uid, char **home, nk_error **err)
{
    return passwd_field(passwd_path, uid, 5, home, err);
}

int nk_passwd_name(const char *passwd_path, uid_t uid, char **name, nk_error **err)
{
    return passwd_field(passwd_path, uid, 0, name, err);
}
