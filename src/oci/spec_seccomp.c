/* The default seccomp profile of `nook spec`: an allow-list in the manner of
 * the profiles containerd, Docker and Podman ship, for a container with the
 * default spec's capabilities (no CAP_SYS_ADMIN, CAP_SYS_PTRACE, ...).
 *
 * Syscalls that exist but are not allowed get EPERM, listed by name. The
 * default action answers ENOSYS: a syscall newer than this list (or than the
 * libseccomp that compiles it) looks unimplemented, so programs fall back to
 * an older call instead of failing on a permission error. */
#include <stddef.h>

#include "oci/spec_seccomp.h"

#define ERRNO_EPERM  1
#define ERRNO_ENOSYS 38

/* The namespace flags of clone(2): CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
 * NEWUSER, NEWPID, NEWNET (0x7e020000). */
#define CLONE_NS_FLAGS 0x7e020000ull

static const char *const allowed[] = {
    "accept",
    "accept4",
    "access",
    "adjtimex",
    "alarm",
    "arch_prctl",
    "bind",
    "brk",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "get_robust_list",
    "get_thread_area",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "io_setup",
    "io_submit",
    "ioctl",
    "ioprio_get",
    "ioprio_set",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "_llseek",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "map_shadow_stack",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "name_to_handle_at",
    "nanosleep",
    "newfstatat",
    "_newselect",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "process_vm_readv",
    "process_vm_writev",
    "pselect6",
    "pselect6_time64",
    "ptrace",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "set_robust_list",
    "set_thread_area",
    "set_tid_address",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "setsid",
    "setsockopt",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigprocmask",
    "sigreturn",
    "socket",
    "socketcall",
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
    NULL,
};

/* Known, and refused with EPERM: they need a capability the default spec
 * does not grant, or reach kernel state a container must not touch (keys,
 * modules, the clock, mounts, namespaces, BPF, perf, the console). */
static const char *const denied[] = {
    "acct",
    "add_key",
    "bpf",
    "chroot",
    "clock_settime",
    "clock_settime64",
    "create_module",
    "delete_module",
    "fanotify_init",
    "finit_module",
    "fsconfig",
    "fsmount",
    "fsopen",
    "fspick",
    "get_kernel_syms",
    "get_mempolicy",
    "init_module",
    "ioperm",
    "iopl",
    "kcmp",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mbind",
    "migrate_pages",
    "mount",
    "mount_setattr",
    "move_mount",
    "move_pages",
    "nfsservctl",
    "open_by_handle_at",
    "open_tree",
    "perf_event_open",
    "pidfd_getfd",
    "pivot_root",
    "process_madvise",
    "query_module",
    "quotactl",
    "quotactl_fd",
    "reboot",
    "request_key",
    "set_mempolicy",
    "set_mempolicy_home_node",
    "setdomainname",
    "sethostname",
    "setns",
    "settimeofday",
    "stime",
    "swapoff",
    "swapon",
    "_sysctl",
    "sysfs",
    "syslog",
    "umount",
    "umount2",
    "unshare",
    "uselib",
    "userfaultfd",
    "ustat",
    "vhangup",
    "vm86",
    "vm86old",
    NULL,
};

/* personality(2) only for the Linux personalities and the query. */
static const unsigned long long personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

static void arch_list(jw *w)
{
    static const char *const archs[] = {
#if defined(__x86_64__)
        "SCMP_ARCH_X86_64",
        "SCMP_ARCH_X86",
        "SCMP_ARCH_X32",
#elif defined(__i386__)
        "SCMP_ARCH_X86",
#elif defined(__aarch64__)
        "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_ARM",
#elif defined(__arm__)
        "SCMP_ARCH_ARM",
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        "SCMP_ARCH_PPC64LE",
#elif defined(__s390x__)
        "SCMP_ARCH_S390X",
        "SCMP_ARCH_S390",
#elif defined(__riscv) && __riscv_xlen == 64
        "SCMP_ARCH_RISCV64",
#else
        "SCMP_ARCH_NATIVE",
#endif
        NULL,
    };
    jw_kstrs(w, "architectures", archs);
}

static void rule(jw *w, const char *const *names, const char *action, int errno_ret)
{
    jw_open_map(w);
    jw_kstrs(w, "names", names);
    jw_kstr(w, "action", action);
    if (errno_ret > 0)
        jw_kint(w, "errnoRet", errno_ret);
}

static void arg(jw *w, unsigned index, unsigned long long value, unsigned long long two,
                const char *op)
{
    jw_open_map(w);
    jw_kuint(w, "index", index);
    jw_kuint(w, "value", value);
    jw_kuint(w, "valueTwo", two);
    jw_kstr(w, "op", op);
    jw_close_map(w);
}

/* clone without namespace flags; with any of them, EPERM (unshare's fate).
 * clone3 passes its flags in memory seccomp cannot read: ENOSYS makes libc
 * fall back to clone, which is checked. s390 swaps clone's first two
 * arguments. */
static void clone_rules(jw *w)
{
    static const char *const clone[] = {"clone", NULL}, *const clone3[] = {"clone3", NULL};
#if defined(__s390x__) || defined(__s390__)
    const unsigned flags_arg = 1;
#else
    const unsigned flags_arg = 0;
#endif
    rule(w, clone, "SCMP_ACT_ALLOW", 0);
    jw_key(w, "args");
    jw_open_array(w);
    arg(w, flags_arg, CLONE_NS_FLAGS, 0, "SCMP_CMP_MASKED_EQ");
    jw_close_array(w);
    jw_close_map(w);
    for (unsigned bit = 0; bit < 32; bit++) {
        unsigned long long f = 1ull << bit;
        if (!(CLONE_NS_FLAGS & f))
            continue;
        rule(w, clone, "SCMP_ACT_ERRNO", ERRNO_EPERM);
        jw_key(w, "args");
        jw_open_array(w);
        arg(w, flags_arg, f, f, "SCMP_CMP_MASKED_EQ");
        jw_close_array(w);
        jw_close_map(w);
    }
    rule(w, clone3, "SCMP_ACT_ERRNO", ERRNO_ENOSYS);
    jw_close_map(w);
}

void oci_spec_write_seccomp(jw *w)
{
    static const char *const personality[] = {"personality", NULL};
    jw_key(w, "seccomp");
    jw_open_map(w);
    jw_kstr(w, "defaultAction", "SCMP_ACT_ERRNO");
    jw_kint(w, "defaultErrnoRet", ERRNO_ENOSYS);
    arch_list(w);
    jw_key(w, "syscalls");
    jw_open_array(w);
    rule(w, allowed, "SCMP_ACT_ALLOW", 0);
    jw_close_map(w);
    for (size_t i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++) {
        rule(w, personality, "SCMP_ACT_ALLOW", 0);
        jw_key(w, "args");
        jw_open_array(w);
        arg(w, 0, personalities[i], 0, "SCMP_CMP_EQ");
        jw_close_array(w);
        jw_close_map(w);
    }
    clone_rules(w);
    rule(w, denied, "SCMP_ACT_ERRNO", ERRNO_EPERM);
    jw_close_map(w);
    jw_close_array(w);
    jw_close_map(w);
}
