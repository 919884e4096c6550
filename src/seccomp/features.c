/* The "seccomp" object of `nook features` (runtime-spec features.md). */
#include "seccomp/names.h"
#include "seccomp/seccomp.h"

void nk_seccomp_features_write(jw *w)
{
    const char *v[32];
    size_t n;

    jw_open_map(w);
    jw_kbool(w, "enabled", true);
    jw_kstrs(w, "actions", nk_seccomp_action_names);
    jw_kstrs(w, "operators", nk_seccomp_operator_names);
    n = nk_seccomp_known_archs(v, sizeof(v) / sizeof(v[0]) - 1);
    v[n] = NULL;
    jw_kstrs(w, "archs", v);
    n = nk_seccomp_flag_names(v, sizeof(v) / sizeof(v[0]) - 1, false);
    v[n] = NULL;
    jw_kstrs(w, "knownFlags", v);
    /* what this kernel accepts; nook loads the program itself, so
     * libseccomp's own flag support does not matter */
    n = nk_seccomp_flag_names(v, sizeof(v) / sizeof(v[0]) - 1, true);
    v[n] = NULL;
    jw_kstrs(w, "supportedFlags", v);
    jw_close_map(w);
}
