/* Scope-bound release of fds and memory (__attribute__((cleanup))). */
#ifndef NOOK_UTIL_CLEANUP_H
#define NOOK_UTIL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void nk_freep(void *p)
{
    free(*(void **)p);
    *(void **)p = NULL;
}

/* close() that keeps errno: cleanup runs on error paths where errno matters. */
static inline void nk_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
        *fd = -1;
    }
}

static inline void nk_fclosep(FILE **f)
{
    if (*f != NULL) {
        int saved = errno;
        fclose(*f);
        errno = saved;
        *f = NULL;
    }
}

/* A NULL-terminated vector of owned strings. */
static inline void nk_strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

static inline void nk_strv_freep(char ***v)
{
    nk_strv_free(*v);
    *v = NULL;
}

/* Hand ownership out of a cleanup-managed variable. */
#define NK_TAKE_PTR(p)                                                                             \
    ({                                                                                             \
        __typeof__(p) _tmp = (p);                                                                  \
        (p) = NULL;                                                                                \
        _tmp;                                                                                      \
    })
#define NK_TAKE_FD(fd)                                                                             \
    ({                                                                                             \
        int _tmp = (fd);                                                                           \
        (fd) = -1;                                                                                 \
        _tmp;                                                                                      \
    })

#define _cleanup_free_   _cleanup_(nk_freep)
#define _cleanup_close_  _cleanup_(nk_closep)
#define _cleanup_fclose_ _cleanup_(nk_fclosep)
#define _cleanup_strv_   _cleanup_(nk_strv_freep)

#endif
