/* linux.netDevices: move host interfaces into the container's network
 * namespace by name, renamed in the same RTM_NEWLINK (so no name clash is
 * ever visible), then give them back their permanent addresses, which the
 * kernel drops on a namespace change (runtime-spec asks they be kept).
 * Runs in the runtime, in the host's namespaces, once init exists. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define BUF_SIZE 32768

typedef struct nl_req {
    struct nlmsghdr h;
    char body[1024];
} nl_req;

static void add_attr(nl_req *r, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_socket(nk_error **err)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return nk_err(err, errno, "netlink socket");
    return fd;
}

/* Send one request and wait for its ack; errno from the kernel's answer. */
static int nl_call(int fd, nl_req *r)
{
    static unsigned seq;
    r->h.nlmsg_seq = ++seq;
    r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (send(fd, r, r->h.nlmsg_len, 0) < 0)
        return -1;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != r->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
                continue;
            int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            errno = -e;
            return e == 0 ? 0 : -1;
        }
    }
}

typedef struct saved_addr {
    struct ifaddrmsg ifa;
    unsigned char local[16], address[16], broadcast[16];
    size_t len; /* 4 or 16 */
    bool has_local, has_address, has_broadcast;
} saved_addr;

typedef struct addr_list {
    saved_addr *v;
    size_t n;
} addr_list;

static void keep_addr(addr_list *out, struct nlmsghdr *h)
{
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    uint32_t flags = ifa->ifa_flags;
    saved_addr a = {.ifa = *ifa, .len = ifa->ifa_family == AF_INET ? 4 : 16};
    int len = (int)IFA_PAYLOAD(h);
    for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        size_t l = RTA_PAYLOAD(rta);
        if (rta->rta_type == IFA_FLAGS && l >= 4)
            memcpy(&flags, RTA_DATA(rta), 4);
        if (l != a.len)
            continue;
        if (rta->rta_type == IFA_LOCAL) {
            memcpy(a.local, RTA_DATA(rta), l);
            a.has_local = true;
        } else if (rta->rta_type == IFA_ADDRESS) {
            memcpy(a.address, RTA_DATA(rta), l);
            a.has_address = true;
        } else if (rta->rta_type == IFA_BROADCAST) {
            memcpy(a.broadcast, RTA_DATA(rta), l);
            a.has_broadcast = true;
        }
    }
    /* only what was configured; addresses the kernel derives (IPv6
     * link-local, autoconf) come back by themselves */
    if (!(flags & IFA_F_PERMANENT))
        return;
    out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
    out->v[out->n++] = a;
}

static int dump_addrs(int fd, unsigned ifindex, addr_list *out, nk_error **err)
{
    nl_req r = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
                      .nlmsg_type = RTM_GETADDR,
                      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                      .nlmsg_seq = 1}};
    if (send(fd, &r, r.h.nlmsg_len, 0) < 0)
        return nk_err(err, errno, "netlink dump addresses");
    _cleanup_free_ char *buf = xmalloc(BUF_SIZE);
    for (;;) {
        ssize_t n = recv(fd, buf, BUF_SIZE, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return nk_err(err, errno, "netlink dump addresses");
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR)
                return nk_err(err, -((struct nlmsgerr *)NLMSG_DATA(h))->error,
                              "netlink dump addresses");
            if (h->nlmsg_type == RTM_NEWADDR &&
                ((struct ifaddrmsg *)NLMSG_DATA(h))->ifa_index == ifindex)
                keep_addr(out, h);
        }
    }
}

static int move_link(int fd, unsigned ifindex, int netns, const char *name)
{
    nl_req r = {
        .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK}};
    struct ifinfomsg *ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)ifindex;
    uint32_t nsfd = (uint32_t)netns;
    add_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
    add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    return nl_call(fd, &r);
}

static int add_addr(int fd, const saved_addr *a, unsigned ifindex)
{
    nl_req r = {.h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
                      .nlmsg_type = RTM_NEWADDR,
                      .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL}};
    struct ifaddrmsg *ifa = NLMSG_DATA(&r.h);
    *ifa = a->ifa;
    ifa->ifa_index = ifindex;
    if (a->has_local)
        add_attr(&r, IFA_LOCAL, a->local, a->len);
    if (a->has_address)
        add_attr(&r, IFA_ADDRESS, a->address, a->len);
    if (a->has_broadcast)
        add_attr(&r, IFA_BROADCAST, a->broadcast, a->len);
    return nl_call(fd, &r);
}

/* Briefly inside the container's network namespace (nook is single
 * threaded): the moved device's index there, and a netlink socket that
 * stays bound to that namespace for the addresses. */
static int look_inside(int netns, const char *name, int *sock, unsigned *index, nk_error **err)
{
    _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return nk_err(err, errno, "open `/proc/self/ns/net`");
    if (setns(netns, CLONE_NEWNET) < 0)
        return nk_err(err, errno, "enter the container's network namespace");
    *index = if_nametoindex(name);
    int saved = errno;
    if (*sock < 0 && *index != 0) {
        *sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        saved = errno;
    }
    if (setns(self, CLONE_NEWNET) < 0)
        abort(); /* stuck in the container's namespace: nothing sane is left to do */
    if (*index == 0 || *sock < 0)
        return nk_err(err, saved, "find `%s` in the container's network namespace", name);
    return 0;
}

static int move_one(int host, int netns, int *inner, const oci_net_device *d, nk_error **err)
{
    const char *name = d->name != NULL && d->name[0] ? d->name : d->host_name;
    unsigned ifindex = if_nametoindex(d->host_name);
    if (ifindex == 0)
        return nk_err(err, errno, "linux.netDevices.%s: no such interface on the host",
                      d->host_name);
    addr_list addrs = {0};
    if (dump_addrs(host, ifindex, &addrs, err) < 0) {
        free(addrs.v);
        return nk_err_wrap(err, "linux.netDevices.%s", d->host_name);
    }
    int r = 0;
    unsigned inner_index = 0;
    if (move_link(host, ifindex, netns, name) < 0)
        r = nk_err(err, errno, "linux.netDevices.%s: move into the container as `%s`", d->host_name,
                   name);
    if (r == 0 && look_inside(netns, name, inner, &inner_index, err) < 0)
        r = nk_err_wrap(err, "linux.netDevices.%s", d->host_name);
    for (size_t i = 0; r == 0 && i < addrs.n; i++)
        if (add_addr(*inner, &addrs.v[i], inner_index) < 0 && errno != EEXIST)
            r = nk_err(err, errno, "linux.netDevices.%s: restore an address on `%s`", d->host_name,
                       name);
    free(addrs.v);
    return r;
}

int nk_net_devices_move(pid_t pid, const oci_linux *l, nk_error **err)
{
    if (l->n_net_devices == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    _cleanup_close_ int netns = open(path, O_RDONLY | O_CLOEXEC);
    if (netns < 0)
        return nk_err(err, errno, "open `%s`", path);
    _cleanup_close_ int host = nl_socket(err);
    if (host < 0)
        return -1;
    _cleanup_close_ int inner = -1;
    for (size_t i = 0; i < l->n_net_devices; i++)
        if (move_one(host, netns, &inner, &l->net_devices[i], err) < 0)
            return -1;
    return 0;
}

int nk_net_devices_validate(const oci_config *c, nk_error **err)
{
    const oci_linux *l = &c->linux;
    if (l->n_net_devices == 0)
        return 0;
    const oci_namespace *net = oci_config_namespace(c, OCI_NS_NETWORK);
    if (net == NULL || net->path != NULL)
        return nk_err(err, 0,
                      "config.json: linux.netDevices: needs a new network namespace to move "
                      "devices into");
    for (size_t i = 0; i < l->n_net_devices; i++) {
        const oci_net_device *d = &l->net_devices[i];
        const char *names[] = {d->host_name, d->name};
        for (size_t k = 0; k < 2; k++) {
            const char *n = names[k];
            if (n == NULL || (k == 1 && n[0] == '\0'))
                continue;
            if (n[0] == '\0' || strlen(n) >= IFNAMSIZ || strchr(n, '/') != NULL ||
                strpbrk(n, " \t\n:") != NULL || strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
                return nk_err(err, 0,
                              "config.json: linux.netDevices.%s%s: not a valid "
                              "interface name \"%s\"",
                              d->host_name, k == 1 ? ".name" : "", n);
        }
        const char *mine = d->name != NULL && d->name[0] ? d->name : d->host_name;
        for (size_t j = 0; j < i; j++) {
            const oci_net_device *o = &l->net_devices[j];
            const char *theirs = o->name != NULL && o->name[0] ? o->name : o->host_name;
            if (strcmp(mine, theirs) == 0)
                return nk_err(err, 0, "config.json: linux.netDevices.%s: name \"%s\" is used twice",
                              d->host_name, mine);
        }
    }
    return 0;
}
