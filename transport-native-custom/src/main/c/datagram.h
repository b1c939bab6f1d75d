/*
 * The datagram message array that DatagramNative's natives work on, shared by datagram_linux.c and
 * datagram_bsd.c. The layout is fixed (DatagramNative.MSG_* in Java mirrors it; the static asserts pin it):
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

#include <stddef.h>
#include <stdint.h>

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

#endif /* CT_DATAGRAM_H */
