/* A person typing into `nook run -t` / `nook exec -t` without a console
 * socket: nook's own terminal is wired to the container's pty. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "container_signal.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/proc.h"

static void copy_winsize(int master)
{
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(master, TIOCSWINSZ, &ws);
}

/* Moves what is readable from `from` to `to`; false at EOF or error. */
static bool pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    return nk_write_all(to, buf, (size_t)n) == 0;
}

static int reap(pid_t pid, int *exit_status, bool *done)
{
    int status;
    pid_t r;
    while ((r = waitpid(-1, &status, WNOHANG)) > 0)
        if (r == pid) {
            *exit_status = nk_exit_code(status);
            *done = true;
        }
    if (r < 0 && errno == ECHILD && !*done)
        return -1;
    return 0;
}

static void drain(int master)
{
    /* output the process wrote just before it exited */
    struct pollfd p = {.fd = master, .events = POLLIN};
    while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && pump(master, STDOUT_FILENO))
        ;
}

static int proxy_loop(int master, int sfd, pid_t pid, int pidfd, int *exit_status, nk_error **err)
{
    bool stdin_open = true, done = false;
    for (;;) {
        if (reap(pid, exit_status, &done) < 0)
            return nk_err(err, ECHILD, "wait for the container process %d", (int)pid);
        if (done) {
            drain(master);
            return 0;
        }
        struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
                              {.fd = master, .events = POLLIN},
                              {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return nk_err(err, errno, "poll");
        }
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGWINCH)
                    copy_winsize(master);
                else if (si.ssi_signo != SIGCHLD)
                    (void)(pidfd >= 0 ? nk_pidfd_send_signal(pidfd, (int)si.ssi_signo)
                                      : kill(pid, (int)si.ssi_signo));
            }
        }
        /* POLLHUP on the master: every peer fd is closed; wait for the exit */
        if ((p[1].revents & (POLLIN | POLLHUP)) && !pump(master, STDOUT_FILENO)) {
            struct pollfd w = {.fd = pidfd, .events = POLLIN};
            if (pidfd >= 0)
                (void)poll(&w, 1, -1);
            else
                usleep(10000);
        }
        if (stdin_open && (p[2].revents & (POLLIN | POLLHUP)) && !pump(STDIN_FILENO, master)) {
            /* EOF typed on a pipe: pass it on as the terminal's EOF */
            stdin_open = false;
            static const char eof = 4;
            (void)nk_write_all(master, &eof, 1);
        }
    }
}

int nk_terminal_proxy_wait(int master, pid_t pid, int pidfd, const sigset_t *set, int *exit_status,
                           nk_error **err)
{
    _cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
    if (sfd < 0)
        return nk_err(err, errno, "signalfd");
    struct termios saved, raw;
    bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        raw = saved;
        /* no echo, no line editing, no output post-processing: the
         * container's pty does all of that */
        cfmakeraw(&raw);
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        copy_winsize(master);
    }
    int ret = proxy_loop(master, sfd, pid, pidfd, exit_status, err);
    if (tty)
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return ret;
}
