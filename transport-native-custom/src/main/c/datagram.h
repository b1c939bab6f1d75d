/*
 * DatagramNative's internal contract: the message array its natives work on, what datagram.c shares with the
 * per-OS files, and the few steps those files supply (datagram_linux.c on Linux, datagram_bsd.c on macOS and the
 * BSDs and in the kqueue emulation build). datagram.c holds every native; a new OS supplies the ct_os_* below.
 *
 * The message layout is fixed (DatagramNative.MSG_* in Java mirrors it; the static asserts pin it):
 *
 *   0  int64  iov        address of the message's struct iovec array
 *   8  int32  iovcnt
 *  12  int32  segment    send: UDP_SEGMENT size (GSO), 0 for none; receive: the UDP_GRO segment size, 0 for none
 *  16  int32  addr_len   send: bytes in addr, 0 to use the connected peer; receive: bytes written to addr
 *  20  int32  result     receive: bytes received
 *  24  int32  flags      receive: msg_flags (MSG_TRUNC, MSG_CTRUNC)
 *  28  int32  local_len  receive: bytes written to local (the original destination), 0 for none
 *  32  addr[112]         the peer, in addr.h's format
 * 144  local[112]        the original destination, in addr.h's format
 */
#ifndef CT_DATAGRAM_H
#define CT_DATAGRAM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "addr.h"

#define CT_MSG_ADDR_MAX 112
/* The most messages one sendmmsg/recvmmsg native takes: the per-call arrays live on the stack. */
#define CT_MSG_BATCH_MAX 64

struct ct_msg {
    int64_t iov;
    int32_t iovcnt;
    int32_t segment;
    int32_t addr_len;
    int32_t result;
    int32_t flags;
    int32_t local_len;
    uint8_t addr[CT_MSG_ADDR_MAX];
    uint8_t local[CT_MSG_ADDR_MAX];
};

_Static_assert(sizeof(struct ct_msg) == 256, "DatagramNative.MSG_SIZE");
_Static_assert(offsetof(struct ct_msg, segment) == 12, "DatagramNative.MSG_SEGMENT");
_Static_assert(offsetof(struct ct_msg, addr_len) == 16, "DatagramNative.MSG_ADDR_LEN");
_Static_assert(offsetof(struct ct_msg, addr) == 32, "DatagramNative.MSG_ADDR");
_Static_assert(offsetof(struct ct_msg, local) == 144, "DatagramNative.MSG_LOCAL");
_Static_assert(CT_ADDR_MAX_LEN <= CT_MSG_ADDR_MAX, "a unix address must fit a message");

/* Room for every control message a socket may be asked for here: a GRO segment size and an original destination. */
#define CT_MSG_CONTROL_LEN (CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct sockaddr_in6)) + 32)

/* What building one msghdr needs besides the message: the decoded peer and the control buffer. */
struct ct_msg_scratch {
    ct_any_addr name;
    union {
        char buf[CT_MSG_CONTROL_LEN];
        struct cmsghdr align;
    } control;
};

/* --- datagram.c, for the per-OS files ------------------------------------------------------------------------ */

/* Fills `hdr` to send `m`: 0, or -errno (a malformed address, or a segment size this OS cannot send). */
int ct_msg_send_header(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr);

/* Fills `hdr` to receive into `m`, always offering the control buffer. */
void ct_msg_recv_header(struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr);

/* Copies what the kernel wrote for a received message (`received` bytes) into `m`'s result fields. */
void ct_msg_received(struct ct_msg *m, struct msghdr *hdr, ssize_t received);

/* sendmsg of one message: bytes sent or -errno. */
ssize_t ct_msg_send(int fd, struct ct_msg *m);

/* recvmsg into one message, filling its result fields: bytes received or -errno. */
ssize_t ct_msg_recv(int fd, struct ct_msg *m);

/* --- per OS: datagram_linux.c | datagram_bsd.c --------------------------------------------------------------- */

/* The CT_F_* bits (transport.h) of what this OS's datagram natives can do: DatagramNative's features word. */
int ct_os_datagram_features(void);

/* Adds what m->segment asks for to a message about to be sent (hdr has no control data yet): 0 or -errno.
 * Linux: a UDP_SEGMENT control message (GSO); elsewhere -EOPNOTSUPP for any segment size. */
int ct_os_send_segment(const struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr);

/* Takes from a received control message what datagram.c does not read itself (Linux: UDP_GRO's segment size). */
void ct_os_recv_control(struct ct_msg *m, struct cmsghdr *cm);

/* Sends msgs[0..count), 1 <= count <= CT_MSG_BATCH_MAX: how many were sent, or -errno when the first one failed. */
int ct_os_sendmsgs(int fd, struct ct_msg *msgs, int count);

/* Receives into msgs[0..count), likewise: how many were filled, or -errno when the first one failed. */
int ct_os_recvmsgs(int fd, struct ct_msg *msgs, int count);

/* The outgoing interface of IPv4 multicast, by address (NULL: none given) and interface index: 0 or -errno. */
int ct_os_set_multicast_if4(int fd, const struct in_addr *addr, int ifindex);

/* The protocol-independent multicast requests of RFC 3678 (MCAST_*): Linux, FreeBSD and macOS have them. */
#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
#define CT_HAVE_MCAST_REQUESTS 1
#else
/* Without them (OpenBSD, NetBSD; datagram_bsd.c): an any-source join or leave through the older requests. */
int ct_os_membership_any_source(int fd, int join, const struct sockaddr_storage *group, int ifindex);
#endif

#endif /* CT_DATAGRAM_H */
