/*
 * DatagramNative's steps on macOS and the BSDs (datagram.h), in POSIX calls with small per-OS blocks. Linux builds
 * this file too when the kqueue backend is emulated (build.sh), so that the code the BSDs ship runs the whole test
 * suite there. The natives are in datagram.c.
 *
 * What differs from Linux, and what the Java side sees of it (the features word, NativeFeatures):
 *   - No sendmmsg/recvmmsg (FreeBSD's libc versions are loops too): the batch natives loop over sendmsg/recvmsg
 *     inside one JNI call and keep Linux's contract: the number of messages done, or -errno when the first one
 *     failed. An error after some messages ends the batch; EAGAIN stays with the socket, but any other error
 *     was consumed by that call and is not reported (Linux's sendmmsg loses it the same way).
 *   - No UDP GSO/GRO: a message with a segment size is refused with -EOPNOTSUPP; nothing is coalesced, so
 *     a received message's segment is always 0 (the Java side also refuses to turn UDP_GRO on).
 *   - The multicast interface by index alone: IP_MULTICAST_IFINDEX on macOS, a struct ip_mreqn on FreeBSD.
 *   - Without the MCAST_* requests (OpenBSD, NetBSD), only any-source joins by route or by IPv6 interface index.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "datagram.h"
#include "transport.h"

int ct_os_datagram_features(void) {
    return 0; /* no GSO, no GRO, batches are loops */
}

int ct_os_send_segment(const struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    (void) s; (void) hdr;
    return m->segment > 0 ? -EOPNOTSUPP : 0; /* UDP_SEGMENT is Linux's */
}

void ct_os_recv_control(struct ct_msg *m, struct cmsghdr *cm) {
    (void) m; (void) cm; /* datagram.c reads the original destination, the only other control message asked for */
}

int ct_os_sendmsgs(int fd, struct ct_msg *msgs, int count) {
    for (int i = 0; i < count; i++) {
        ssize_t rc = ct_msg_send(fd, &msgs[i]);
        if (rc < 0) {
            return i == 0 ? (int) rc : i; /* the caller meets a failed message first next time */
        }
    }
    return count;
}

int ct_os_recvmsgs(int fd, struct ct_msg *msgs, int count) {
    for (int i = 0; i < count; i++) {
        ssize_t n = ct_msg_recv(fd, &msgs[i]);
        if (n < 0) {
            return i == 0 ? (int) n : i;
        }
    }
    return count;
}

/* By address: IP_MULTICAST_IF with a struct in_addr, which every system takes. By index alone: see above. */
int ct_os_set_multicast_if4(int fd, const struct in_addr *addr, int ifindex) {
    if (addr != NULL || ifindex <= 0) {
        struct in_addr any;
        memset(&any, 0, sizeof(any));
        return (int) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, addr != NULL ? addr : &any,
                                          sizeof(struct in_addr)));
    }
#if defined(IP_MULTICAST_IFINDEX)
    unsigned int index = (unsigned int) ifindex;
    return (int) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IFINDEX, &index, sizeof(index)));
#elif defined(__linux__) || defined(__FreeBSD__)
    struct ip_mreqn req;
    memset(&req, 0, sizeof(req));
    req.imr_ifindex = ifindex;
    return (int) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof(req)));
#else
    return -EOPNOTSUPP;
#endif
}

#ifndef CT_HAVE_MCAST_REQUESTS
/* The older requests: IPv4 chooses the interface by address (so only "by route" here), IPv6 by index. */
int ct_os_membership_any_source(int fd, int join, const struct sockaddr_storage *group, int ifindex) {
    if (group->ss_family == AF_INET) {
        if (ifindex != 0) {
            return -EOPNOTSUPP;
        }
        struct ip_mreq req;
        memset(&req, 0, sizeof(req));
        req.imr_multiaddr = ((const struct sockaddr_in *) group)->sin_addr;
        req.imr_interface.s_addr = htonl(INADDR_ANY);
        return (int) ct_result(setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &req,
                                          sizeof(req)));
    }
    struct ipv6_mreq req;
    memset(&req, 0, sizeof(req));
    req.ipv6mr_multiaddr = ((const struct sockaddr_in6 *) group)->sin6_addr;
    req.ipv6mr_interface = (unsigned int) ifindex;
    return (int) ct_result(setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &req,
                                      sizeof(req)));
}
#endif
