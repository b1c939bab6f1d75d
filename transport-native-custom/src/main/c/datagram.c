/*
 * DatagramNative: datagram I/O over an array of messages in native memory (one sendmsg/recvmsg, or a batch), plus
 * multicast membership and the multicast interface, whose values are structs and so do not fit the int option
 * table. Every native is one syscall (or one batch) and returns its result or -errno.
 *
 * The message layout and what differs per OS are in datagram.h: how a batch is sent and received, UDP GSO/GRO,
 * and setting the multicast interface by index (datagram_linux.c, datagram_bsd.c).
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "addr.h"
#include "datagram.h"
#include "faults.h"
#include "sockos.h"
#include "transport.h"

/* Linux's numbers, for C libraries whose headers predate them. */
#if defined(__linux__)
#ifndef IP_ORIGDSTADDR
#define IP_ORIGDSTADDR 20
#endif
#ifndef IPV6_ORIGDSTADDR
#define IPV6_ORIGDSTADDR 74
#endif
#endif

/* --- messages ------------------------------------------------------------------------------------------------- */

int ct_msg_send_header(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    memset(hdr, 0, sizeof(*hdr));
    /* The segment first: where there is no GSO, a message that asks for it is refused whatever its address. */
    int rc = ct_os_send_segment(m, s, hdr);
    if (rc < 0) {
        return rc;
    }
    hdr->msg_iov = CT_PTR(m->iov);
    hdr->msg_iovlen = m->iovcnt;
    if (m->addr_len > 0) {
        socklen_t len;
        rc = ct_addr_decode(m->addr, m->addr_len, &s->name, &len);
        if (rc < 0) {
            return rc;
        }
        hdr->msg_name = &s->name;
        hdr->msg_namelen = len;
    }
    return 0;
}

void ct_msg_recv_header(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    memset(hdr, 0, sizeof(*hdr));
    hdr->msg_iov = CT_PTR(m->iov);
    hdr->msg_iovlen = m->iovcnt;
    hdr->msg_name = &s->name;
    hdr->msg_namelen = sizeof(s->name);
    /* Always offer a control buffer: without one the kernel drops a GRO segment size and sets MSG_CTRUNC,
     * and a coalesced batch would look like one datagram (netty#17492). */
    hdr->msg_control = s->control.buf;
    hdr->msg_controllen = sizeof(s->control.buf);
}

/*
 * Copies an original-destination control message (IP_RECVORIGDSTADDR) into `m->local`, if `cm` is one. Parsed
 * where the headers name it: Linux, and FreeBSD 12 and later; macOS has neither, and its option table refuses the
 * option (sockopt_bsd.c).
 */
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

void ct_msg_received(struct ct_msg *m, struct msghdr *hdr, ssize_t received) {
    m->result = (int32_t) received;
    m->flags = hdr->msg_flags;
    m->segment = 0;
    m->local_len = 0;
    m->addr_len = 0;
    if (hdr->msg_namelen > 0) {
        int n = ct_addr_encode(hdr->msg_name, hdr->msg_namelen, m->addr);
        m->addr_len = n < 0 ? 0 : n;
    }
    for (struct cmsghdr *cm = hdr->msg_controllen > 0 ? CMSG_FIRSTHDR(hdr) : NULL; cm != NULL;
         cm = CMSG_NXTHDR(hdr, cm)) {
        ct_take_destination(m, cm);
        ct_os_recv_control(m, cm);
    }
}

ssize_t ct_msg_send(int fd, struct ct_msg *m) {
    struct ct_msg_scratch s;
    struct msghdr hdr;
    int rc = ct_msg_send_header(m, &s, &hdr);
    if (rc < 0) {
        return rc;
    }
    ssize_t n;
    CT_RESTART(n, ct_sys_sendmsg(fd, &hdr, CT_SEND_FLAGS));
    return (ssize_t) ct_result(n);
}

ssize_t ct_msg_recv(int fd, struct ct_msg *m) {
    struct ct_msg_scratch s;
    struct msghdr hdr;
    ct_msg_recv_header(m, &s, &hdr);
    ssize_t n;
    CT_RESTART(n, ct_sys_recvmsg(fd, &hdr, 0));
    CT_RETURN_IF_FAILED(n);
    ct_msg_received(m, &hdr, n);
    return n;
}

static jint ct_sendmsg(JNIEnv *env, jclass clazz, jint fd, jlong msg_address) {
    (void) env; (void) clazz;
    return (jint) ct_msg_send(fd, CT_PTR(msg_address));
}

static jint ct_sendmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    return ct_os_sendmsgs(fd, CT_PTR(msgs_address), count);
}

static jint ct_recvmsg(JNIEnv *env, jclass clazz, jint fd, jlong msg_address) {
    (void) env; (void) clazz;
    return (jint) ct_msg_recv(fd, CT_PTR(msg_address));
}

static jint ct_recvmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    return ct_os_recvmsgs(fd, CT_PTR(msgs_address), count);
}

/* connect(AF_UNSPEC): dissolves the association of a connected datagram socket. */
static jint ct_disconnect(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    struct sockaddr_storage unspec;
    memset(&unspec, 0, sizeof(unspec));
    unspec.ss_family = AF_UNSPEC;
    if (connect(fd, (struct sockaddr *) &unspec, sizeof(unspec)) < 0) {
        /* EAFNOSUPPORT: the BSDs (and some Linux kernels, for an IPv4 socket) dissolve the association first and
         * then fail to "connect" to AF_UNSPEC; the socket is disconnected all the same. */
        return errno == EAFNOSUPPORT ? 0 : -errno;
    }
    return 0;
}

/* --- multicast ------------------------------------------------------------------------------------------------ */

/* An IPv4 (4 bytes) or IPv6 (16 bytes) address as a sockaddr_storage, with the length byte where sockaddrs have one
 * (RFC 2553 defines SIN6_LEN there: the BSDs and macOS, whose kernels check it). */
static int ct_group_addr(JNIEnv *env, jbyteArray ip, struct sockaddr_storage *out) {
    memset(out, 0, sizeof(*out));
    jsize len = (*env)->GetArrayLength(env, ip);
    if (len == 4) {
        struct sockaddr_in *in4 = (struct sockaddr_in *) out;
        in4->sin_family = AF_INET;
#ifdef SIN6_LEN
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
 * (0: the kernel picks by route). The protocol-independent MCAST_* requests serve both families; the level is
 * the group's family, which on a dual-stack IPv6 socket lets it join IPv4 groups too.
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
#ifdef CT_HAVE_MCAST_REQUESTS
    int level = g.ss_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
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
    if (source != NULL) {
        return -EOPNOTSUPP; /* source-specific membership is an MCAST_* request */
    }
    return ct_os_membership_any_source(fd, join, &g, ifindex);
#endif
}

/* The outgoing interface of IPv4 multicast, by address (4 bytes, or null) and interface index. */
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
    return ct_os_set_multicast_if4(fd, address == NULL ? NULL : &addr, ifindex);
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
        (jint) sizeof(struct ct_msg), CT_MSG_BATCH_MAX, MSG_TRUNC, MSG_CTRUNC, ct_os_datagram_features(),
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
