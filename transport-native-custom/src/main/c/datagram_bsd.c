/*
 * DatagramNative (macOS, FreeBSD): the same natives and message array (datagram.h) as datagram_linux.c, in POSIX
 * calls with small per-OS blocks. Linux builds it too when the kqueue backend is emulated (build.sh), so that the
 * code that ships on the BSDs runs the whole test suite there.
 *
 * What differs from Linux, and what the Java side sees of it (the features word in constants(), NativeFeatures):
 *   - No sendmmsg/recvmmsg (FreeBSD's libc versions are loops too): the batch natives loop over sendmsg/recvmsg
 *     inside one JNI call and keep Linux's contract: the number of messages done, or -errno when the first one
 *     failed. An error after some messages ends the batch; EAGAIN stays with the socket, but any other error
 *     was consumed by that call and is not reported (Linux's sendmmsg loses it the same way).
 *   - No UDP GSO/GRO: a message with a segment size is refused with -EOPNOTSUPP; nothing is coalesced, so
 *     a received message's segment is always 0 (the Java side also refuses to turn UDP_GRO on).
 *   - The original destination (IP_RECVORIGDSTADDR): parsed where the headers have IP_ORIGDSTADDR /
 *     IPV6_ORIGDSTADDR (Linux; FreeBSD 12 and later); macOS has neither, and its option table refuses the option.
 *   - SIGPIPE: MSG_NOSIGNAL where sendmsg honours it; macOS relies on SO_NOSIGPIPE, set on every socket we make
 *     (socket_bsd.c), because older macOS kernels do not know the flag.
 *   - Multicast: the protocol-independent MCAST_* requests (RFC 3678), which FreeBSD and macOS have; their kernels
 *     check the sockaddrs' length bytes, so those are filled in. Without MCAST_* (OpenBSD), only any-source joins
 *     by route or by IPv6 interface index are possible.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "addr.h"
#include "datagram.h"
#include "transport.h"

#if defined(MSG_NOSIGNAL) && !defined(__APPLE__)
#define CT_SEND_FLAGS MSG_NOSIGNAL
#else
#define CT_SEND_FLAGS 0
#endif

/* Room for an original destination address (the only control message asked for here). */
#define CT_MSG_CONTROL_LEN (CMSG_SPACE(sizeof(struct sockaddr_in6)) + 32)

/* Per-message scratch for building one msghdr. */
struct ct_msg_scratch {
    ct_any_addr name;
    union {
        char buf[CT_MSG_CONTROL_LEN];
        struct cmsghdr align;
    } control;
};

/* Fills `hdr` to send `m`: 0 or -errno (a malformed address, or a GSO segment size this build cannot send). */
static int ct_prepare_send(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    memset(hdr, 0, sizeof(*hdr));
    if (m->segment > 0) {
        return -EOPNOTSUPP; /* UDP_SEGMENT is Linux's */
    }
    hdr->msg_iov = CT_PTR(m->iov);
    hdr->msg_iovlen = m->iovcnt;
    if (m->addr_len > 0) {
        socklen_t len;
        int rc = ct_addr_decode(m->addr, m->addr_len, &s->name, &len);
        if (rc < 0) {
            return rc;
        }
        hdr->msg_name = &s->name;
        hdr->msg_namelen = len;
    }
    return 0;
}

/* sendmsg of one message: bytes sent or -errno. */
static ssize_t ct_send_one(int fd, struct ct_msg *m) {
    struct ct_msg_scratch s;
    struct msghdr hdr;
    int rc = ct_prepare_send(m, &s, &hdr);
    if (rc < 0) {
        return rc;
    }
    return sendmsg(fd, &hdr, CT_SEND_FLAGS) < 0 ? -errno : 0;
}

/* Copies an original-destination control message into `m->local`, if `cm` is one. */
static void ct_take_destination(struct ct_msg *m, struct cmsghdr *cm) {
#if defined(IP_ORIGDSTADDR) || defined(IPV6_ORIGDSTADDR)
    int wanted = 0;
#ifdef IP_ORIGDSTADDR
    wanted |= cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_ORIGDSTADDR;
#endif
#ifdef IPV6_ORIGDSTADDR
    wanted |= cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_ORIGDSTADDR;
#endif
    if (!wanted) {
        return;
    }
    ct_any_addr dst;
    size_t len = cm->cmsg_len - CMSG_LEN(0);
    if (len > sizeof(dst)) {
        len = sizeof(dst);
    }
    memset(&dst, 0, sizeof(dst));
    memcpy(&dst, CMSG_DATA(cm), len);
    int n = ct_addr_encode(&dst, (socklen_t) len, m->local);
    m->local_len = n < 0 ? 0 : n;
#else
    (void) m; (void) cm;
#endif
}

/* recvmsg into one message, filling its result fields: bytes received or -errno. */
static ssize_t ct_recv_one(int fd, struct ct_msg *m) {
    struct ct_msg_scratch s;
    struct msghdr hdr;
    memset(&hdr, 0, sizeof(hdr));
    hdr.msg_iov = CT_PTR(m->iov);
    hdr.msg_iovlen = m->iovcnt;
    hdr.msg_name = &s.name;
    hdr.msg_namelen = sizeof(s.name);
    hdr.msg_control = s.control.buf;
    hdr.msg_controllen = sizeof(s.control.buf);
    ssize_t n = recvmsg(fd, &hdr, 0);
    if (n < 0) {
        return -errno;
    }
    m->result = (int32_t) n;
    m->flags = hdr.msg_flags;
    m->segment = 0;
    m->local_len = 0;
    m->addr_len = 0;
    if (hdr.msg_namelen > 0) {
        int len = ct_addr_encode(&s.name, hdr.msg_namelen, m->addr);
        m->addr_len = len < 0 ? 0 : len;
    }
    if (hdr.msg_controllen > 0) {
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&hdr); cm != NULL; cm = CMSG_NXTHDR(&hdr, cm)) {
            ct_take_destination(m, cm);
        }
    }
    return n;
}

static jint ct_sendmsg(JNIEnv *env, jclass clazz, jint fd, jlong msg_address) {
    (void) env; (void) clazz;
    struct ct_msg *m = CT_PTR(msg_address);
    struct ct_msg_scratch s;
    struct msghdr hdr;
    int rc = ct_prepare_send(m, &s, &hdr);
    if (rc < 0) {
        return rc;
    }
    return (jint) ct_result(sendmsg(fd, &hdr, CT_SEND_FLAGS));
}

/* sendmsg of each message in turn: how many were sent, or -errno when the first one failed. */
static jint ct_sendmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    struct ct_msg *msgs = CT_PTR(msgs_address);
    for (jint i = 0; i < count; i++) {
        ssize_t rc = ct_send_one(fd, &msgs[i]);
        if (rc < 0) {
            return i == 0 ? (jint) rc : i; /* the caller meets a failed message first next time */
        }
    }
    return count;
}

static jint ct_recvmsg(JNIEnv *env, jclass clazz, jint fd, jlong msg_address) {
    (void) env; (void) clazz;
    return (jint) ct_recv_one(fd, CT_PTR(msg_address));
}

/* recvmsg into each message in turn: how many were filled, or -errno when the first one failed. */
static jint ct_recvmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    struct ct_msg *msgs = CT_PTR(msgs_address);
    for (jint i = 0; i < count; i++) {
        ssize_t n = ct_recv_one(fd, &msgs[i]);
        if (n < 0) {
            return i == 0 ? (jint) n : i;
        }
    }
    return count;
}

/* connect(AF_UNSPEC): dissolves the association of a connected datagram socket. */
static jint ct_disconnect(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    struct sockaddr_storage unspec;
    memset(&unspec, 0, sizeof(unspec));
    unspec.ss_family = AF_UNSPEC;
    if (connect(fd, (struct sockaddr *) &unspec, sizeof(unspec)) < 0) {
        /* EAFNOSUPPORT: the BSDs (and some Linux kernels) dissolve the association first and then fail to
         * "connect" to AF_UNSPEC; the socket is disconnected all the same. */
        return errno == EAFNOSUPPORT ? 0 : -errno;
    }
    return 0;
}

/* An IPv4 (4 bytes) or IPv6 (16 bytes) address as a sockaddr_storage, with the BSDs' length byte. */
static int ct_group_addr(JNIEnv *env, jbyteArray ip, struct sockaddr_storage *out) {
    memset(out, 0, sizeof(*out));
    jsize len = (*env)->GetArrayLength(env, ip);
    if (len == 4) {
        struct sockaddr_in *in4 = (struct sockaddr_in *) out;
        in4->sin_family = AF_INET;
#ifdef SIN6_LEN /* RFC 2553: defined where sockaddrs carry a length byte (the BSDs, macOS) */
        in4->sin_len = sizeof(*in4);
#endif
        (*env)->GetByteArrayRegion(env, ip, 0, 4, (jbyte *) &in4->sin_addr.s_addr);
        return 0;
    }
    if (len == 16) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) out;
        in6->sin6_family = AF_INET6;
#ifdef SIN6_LEN
        in6->sin6_len = sizeof(*in6);
#endif
        (*env)->GetByteArrayRegion(env, ip, 0, 16, (jbyte *) in6->sin6_addr.s6_addr);
        return 0;
    }
    return -EINVAL;
}

/*
 * Joins or leaves a multicast group, any-source or (with a source) source-specific, on interface `ifindex`
 * (0: the kernel picks by route). The level is the group's family, as in datagram_linux.c.
 */
static jint ct_membership(JNIEnv *env, jclass clazz, jint fd, jboolean join, jbyteArray group, jbyteArray source,
                          jint ifindex) {
    (void) clazz;
    if (group == NULL || ifindex < 0) {
        return -EINVAL;
    }
    struct sockaddr_storage g;
    if (ct_group_addr(env, group, &g) < 0) {
        return -EINVAL;
    }
    int level = g.ss_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
    if (source == NULL) {
        struct group_req req;
        memset(&req, 0, sizeof(req));
        req.gr_interface = (uint32_t) ifindex;
        req.gr_group = g;
        return (jint) ct_result(setsockopt(fd, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, &req,
                                           sizeof(req)));
    }
    struct group_source_req req;
    memset(&req, 0, sizeof(req));
    req.gsr_interface = (uint32_t) ifindex;
    req.gsr_group = g;
    if (ct_group_addr(env, source, &req.gsr_source) < 0 || req.gsr_source.ss_family != g.ss_family) {
        return -EINVAL;
    }
    return (jint) ct_result(setsockopt(fd, level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, &req,
                                       sizeof(req)));
#else
    /* The older requests: IPv4 chooses the interface by address (so only "by route" here), IPv6 by index. */
    if (source != NULL) {
        return -EOPNOTSUPP;
    }
    if (level == IPPROTO_IP) {
        if (ifindex != 0) {
            return -EOPNOTSUPP;
        }
        struct ip_mreq req;
        memset(&req, 0, sizeof(req));
        req.imr_multiaddr = ((struct sockaddr_in *) &g)->sin_addr;
        req.imr_interface.s_addr = htonl(INADDR_ANY);
        return (jint) ct_result(setsockopt(fd, level, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &req,
                                           sizeof(req)));
    }
    struct ipv6_mreq req;
    memset(&req, 0, sizeof(req));
    req.ipv6mr_multiaddr = ((struct sockaddr_in6 *) &g)->sin6_addr;
    req.ipv6mr_interface = (unsigned int) ifindex;
    return (jint) ct_result(setsockopt(fd, level, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &req, sizeof(req)));
#endif
}

/*
 * The outgoing interface of IPv4 multicast. By address: IP_MULTICAST_IF with a struct in_addr, which every
 * system takes. By index alone: macOS has IP_MULTICAST_IFINDEX; Linux and FreeBSD take a struct ip_mreqn.
 */
static jint ct_set_multicast_if4(JNIEnv *env, jclass clazz, jint fd, jbyteArray address, jint ifindex) {
    (void) clazz;
    struct in_addr addr;
    memset(&addr, 0, sizeof(addr));
    if (address != NULL) {
        if ((*env)->GetArrayLength(env, address) != 4) {
            return -EINVAL;
        }
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte *) &addr.s_addr);
    }
    if (address != NULL || ifindex <= 0) {
        return (jint) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &addr, sizeof(addr)));
    }
#if defined(IP_MULTICAST_IFINDEX)
    unsigned int index = (unsigned int) ifindex;
    return (jint) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IFINDEX, &index, sizeof(index)));
#elif defined(__linux__) || defined(__FreeBSD__)
    struct ip_mreqn req;
    memset(&req, 0, sizeof(req));
    req.imr_ifindex = ifindex;
    return (jint) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof(req)));
#else
    return -EOPNOTSUPP;
#endif
}

/* The IPv4 multicast interface's address (IP_MULTICAST_IF) into out[4]. */
static jint ct_get_multicast_if4(JNIEnv *env, jclass clazz, jint fd, jbyteArray out) {
    (void) clazz;
    struct in_addr addr;
    socklen_t len = sizeof(addr);
    memset(&addr, 0, sizeof(addr));
    CT_RETURN_IF_FAILED(getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &addr, &len));
    if (out == NULL || (*env)->GetArrayLength(env, out) < 4) {
        return -EINVAL;
    }
    (*env)->SetByteArrayRegion(env, out, 0, 4, (const jbyte *) &addr.s_addr);
    return 0;
}

static void ct_datagram_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        (jint) sizeof(struct ct_msg), CT_MSG_BATCH_MAX, MSG_TRUNC, MSG_CTRUNC,
        0, /* features: no GSO, no GRO, batches are loops */
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static const JNINativeMethod ct_datagram_methods[] = {
    { "constants", "([I)V", (void *) ct_datagram_constants },
    { "sendmsg", "(IJ)I", (void *) ct_sendmsg },
    { "sendmmsg", "(IJI)I", (void *) ct_sendmmsg },
    { "recvmsg", "(IJ)I", (void *) ct_recvmsg },
    { "recvmmsg", "(IJI)I", (void *) ct_recvmmsg },
    { "disconnect", "(I)I", (void *) ct_disconnect },
    { "membership", "(IZ[B[BI)I", (void *) ct_membership },
    { "setMulticastIf4", "(I[BI)I", (void *) ct_set_multicast_if4 },
    { "getMulticastIf4", "(I[B)I", (void *) ct_get_multicast_if4 },
};

const struct ct_natives ct_datagram_natives = {
    "dev/customtransport/internal/DatagramNative", ct_datagram_methods, CT_ARRAY_LENGTH(ct_datagram_methods),
};
