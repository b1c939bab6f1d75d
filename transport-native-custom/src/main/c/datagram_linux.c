/*
 * DatagramNative (Linux): datagram I/O over an array of messages in native memory (one sendmsg/recvmsg, or one
 * sendmmsg/recvmmsg for a batch), plus multicast membership and the multicast interface, whose values are structs
 * and so do not fit the int option table. Every native is one syscall and returns its result or -errno.
 *
 * The message layout is in datagram.h (shared with datagram_bsd.c).
 */
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "addr.h"
#include "datagram.h"
#include "transport.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef IP_ORIGDSTADDR
#define IP_ORIGDSTADDR 20
#endif
#ifndef IPV6_ORIGDSTADDR
#define IPV6_ORIGDSTADDR 74
#endif

/* Room for a GRO segment size and an original destination address, whichever the socket asked for. */
#define CT_MSG_CONTROL_LEN (CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct sockaddr_in6)) + 32)

/* Per-message scratch for building one msghdr. */
struct ct_msg_scratch {
    ct_any_addr name;
    union {
        char buf[CT_MSG_CONTROL_LEN];
        struct cmsghdr align;
    } control;
};

/* Fills `hdr` to send `m`: 0 or -errno (a malformed address). */
static int ct_prepare_send(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    memset(hdr, 0, sizeof(*hdr));
    hdr->msg_iov = CT_PTR(m->iov);
    hdr->msg_iovlen = (size_t) m->iovcnt;
    if (m->addr_len > 0) {
        socklen_t len;
        int rc = ct_addr_decode(m->addr, m->addr_len, &s->name, &len);
        if (rc < 0) {
            return rc;
        }
        hdr->msg_name = &s->name;
        hdr->msg_namelen = len;
    }
    if (m->segment > 0) {
        memset(&s->control, 0, sizeof(s->control));
        hdr->msg_control = s->control.buf;
        hdr->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
        struct cmsghdr *cm = CMSG_FIRSTHDR(hdr);
        cm->cmsg_level = SOL_UDP;
        cm->cmsg_type = UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t gso = (uint16_t) m->segment;
        memcpy(CMSG_DATA(cm), &gso, sizeof(gso));
    }
    return 0;
}

static void ct_prepare_recv(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    memset(hdr, 0, sizeof(*hdr));
    hdr->msg_iov = CT_PTR(m->iov);
    hdr->msg_iovlen = (size_t) m->iovcnt;
    hdr->msg_name = &s->name;
    hdr->msg_namelen = sizeof(s->name);
    /* Always offer a control buffer: without one the kernel drops a GRO segment size and sets MSG_CTRUNC,
     * and a coalesced batch would look like one datagram (netty#17492). */
    hdr->msg_control = s->control.buf;
    hdr->msg_controllen = sizeof(s->control.buf);
}

/* Copies what the kernel wrote for a received message back into `m`. */
static void ct_finish_recv(struct ct_msg *m, struct msghdr *hdr, ssize_t received) {
    m->result = (int32_t) received;
    m->flags = hdr->msg_flags;
    m->segment = 0;
    m->local_len = 0;
    m->addr_len = 0;
    if (hdr->msg_namelen > 0) {
        int n = ct_addr_encode(hdr->msg_name, hdr->msg_namelen, m->addr);
        m->addr_len = n < 0 ? 0 : n;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(hdr); cm != NULL; cm = CMSG_NXTHDR(hdr, cm)) {
        if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
            int gso = 0; /* the kernel writes an int (include/linux/udp.h, udp_cmsg_recv) */
            memcpy(&gso, CMSG_DATA(cm), sizeof(gso));
            m->segment = gso;
        } else if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_ORIGDSTADDR)
                || (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_ORIGDSTADDR)) {
            ct_any_addr dst;
            size_t len = cm->cmsg_len - CMSG_LEN(0);
            if (len > sizeof(dst)) {
                len = sizeof(dst);
            }
            memset(&dst, 0, sizeof(dst));
            memcpy(&dst, CMSG_DATA(cm), len);
            int n = ct_addr_encode(&dst, (socklen_t) len, m->local);
            m->local_len = n < 0 ? 0 : n;
        }
    }
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
    return (jint) ct_result(sendmsg(fd, &hdr, MSG_NOSIGNAL));
}

static jint ct_sendmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    struct ct_msg *msgs = CT_PTR(msgs_address);
    struct mmsghdr hdrs[CT_MSG_BATCH_MAX];
    struct ct_msg_scratch scratch[CT_MSG_BATCH_MAX];
    for (jint i = 0; i < count; i++) {
        int rc = ct_prepare_send(&msgs[i], &scratch[i], &hdrs[i].msg_hdr);
        if (rc < 0) {
            if (i == 0) {
                return rc;
            }
            count = i; /* send the good ones; the caller meets the bad one first next time */
            break;
        }
        hdrs[i].msg_len = 0;
    }
    return (jint) ct_result(sendmmsg(fd, hdrs, (unsigned int) count, MSG_NOSIGNAL));
}

static jint ct_recvmsg(JNIEnv *env, jclass clazz, jint fd, jlong msg_address) {
    (void) env; (void) clazz;
    struct ct_msg *m = CT_PTR(msg_address);
    struct ct_msg_scratch s;
    struct msghdr hdr;
    ct_prepare_recv(m, &s, &hdr);
    ssize_t n = recvmsg(fd, &hdr, 0);
    CT_RETURN_IF_FAILED(n);
    ct_finish_recv(m, &hdr, n);
    return (jint) n;
}

static jint ct_recvmmsg(JNIEnv *env, jclass clazz, jint fd, jlong msgs_address, jint count) {
    (void) env; (void) clazz;
    if (count <= 0 || count > CT_MSG_BATCH_MAX) {
        return -EINVAL;
    }
    struct ct_msg *msgs = CT_PTR(msgs_address);
    struct mmsghdr hdrs[CT_MSG_BATCH_MAX];
    struct ct_msg_scratch scratch[CT_MSG_BATCH_MAX];
    for (jint i = 0; i < count; i++) {
        ct_prepare_recv(&msgs[i], &scratch[i], &hdrs[i].msg_hdr);
        hdrs[i].msg_len = 0;
    }
    int n = recvmmsg(fd, hdrs, (unsigned int) count, 0, NULL);
    CT_RETURN_IF_FAILED(n);
    for (int i = 0; i < n; i++) {
        ct_finish_recv(&msgs[i], &hdrs[i].msg_hdr, hdrs[i].msg_len);
    }
    return n;
}

/* connect(AF_UNSPEC): dissolves the association of a connected datagram socket. */
static jint ct_disconnect(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    struct sockaddr_storage unspec;
    memset(&unspec, 0, sizeof(unspec));
    unspec.ss_family = AF_UNSPEC;
    if (connect(fd, (struct sockaddr *) &unspec, sizeof(unspec)) < 0) {
        /* EAFNOSUPPORT: some kernels report it for AF_UNSPEC on an IPv4 socket although they did disconnect. */
        return errno == EAFNOSUPPORT ? 0 : -errno;
    }
    return 0;
}

/* An IPv4 (4 bytes) or IPv6 (16 bytes) address as a sockaddr_storage. */
static int ct_group_addr(JNIEnv *env, jbyteArray ip, struct sockaddr_storage *out) {
    memset(out, 0, sizeof(*out));
    jsize len = (*env)->GetArrayLength(env, ip);
    if (len == 4) {
        struct sockaddr_in *in4 = (struct sockaddr_in *) out;
        in4->sin_family = AF_INET;
        (*env)->GetByteArrayRegion(env, ip, 0, 4, (jbyte *) &in4->sin_addr.s_addr);
        return 0;
    }
    if (len == 16) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) out;
        in6->sin6_family = AF_INET6;
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
}

/* IP_MULTICAST_IF with struct ip_mreqn: the outgoing interface of IPv4 multicast, by address and index. */
static jint ct_set_multicast_if4(JNIEnv *env, jclass clazz, jint fd, jbyteArray address, jint ifindex) {
    (void) clazz;
    struct ip_mreqn req;
    memset(&req, 0, sizeof(req));
    if (address != NULL) {
        if ((*env)->GetArrayLength(env, address) != 4) {
            return -EINVAL;
        }
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte *) &req.imr_address.s_addr);
    }
    req.imr_ifindex = ifindex;
    return (jint) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof(req)));
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
        CT_F_UDP_SEGMENT | CT_F_UDP_GRO | CT_F_MMSG,
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
