#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/signals.h"

/* The kernel's numbering ends at 64 on every architecture nook builds for. */
#define NK_SIG_MAX 64

static const struct {
    const char *name; /* without the SIG prefix */
    int sig;
} signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},   {"IOT", SIGIOT},   {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},  {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
    {"URG", SIGURG},       {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

/* Strict decimal: no sign, no spaces, no trailing junk. */
static int parse_small_uint(const char *s, int *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    long v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > INT_MAX / 10)
            return -1;
    }
    *out = (int)v;
    return 0;
}

/* RTMIN / RTMIN+n / RTMAX / RTMAX-n, relative to the C library's SIGRTMIN
 * (34 with glibc: it keeps two for threads), the same numbers kill(1) uses. */
static int parse_realtime(const char *name, int *sig)
{
    int base, dir;
    if (strncasecmp(name, "RTMIN", 5) == 0) {
        base = SIGRTMIN;
        dir = 1;
    } else if (strncasecmp(name, "RTMAX", 5) == 0) {
        base = SIGRTMAX;
        dir = -1;
    } else {
        return -1;
    }
    const char *rest = name + 5;
    int off = 0;
    if (*rest != '\0') {
        if (*rest != (dir > 0 ? '+' : '-') || parse_small_uint(rest + 1, &off) < 0)
            return -1;
    }
    int n = base + dir * off;
    if (n < SIGRTMIN || n > SIGRTMAX)
        return -1;
    *sig = n;
    return 0;
}

int nk_signal_parse(const char *s, int *sig, nk_error **err)
{
    int n;
    if (parse_small_uint(s, &n) == 0) {
        if (n < 1 || n > NK_SIG_MAX)
            return nk_err(err, 0, "unknown signal \"%s\"", s);
        *sig = n;
        return 0;
    }
    const char *name = s;
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
        if (strcasecmp(name, signal_names[i].name) == 0) {
            *sig = signal_names[i].sig;
            return 0;
        }
    }
    if (parse_realtime(name, sig) == 0)
        return 0;
    return nk_err(err, 0, "unknown signal \"%s\"", s);
}

const char *nk_signal_name(int sig, char *buf, unsigned long size)
{
    for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
        if (signal_names[i].sig == sig) {
            snprintf(buf, size, "SIG%s", signal_names[i].name);
            return buf;
        }
    }
    if (sig == SIGRTMIN)
        snprintf(buf, size, "SIGRTMIN");
    else if (sig > SIGRTMIN && sig <= SIGRTMAX)
        snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
    else if (sig >= 1 && sig <= NK_SIG_MAX)
        snprintf(buf, size, "SIG%d", sig);
    else
        return NULL;
    return buf;
}
