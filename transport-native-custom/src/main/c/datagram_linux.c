/*
 * DatagramNative's Linux steps (datagram.h): a batch is one sendmmsg/recvmmsg, UDP GSO and GRO travel as
 * UDP_SEGMENT / UDP_GRO control messages, and struct ip_mreqn names the multicast interface. The natives are in
 * datagram.c.
 */
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include "datagram.h"
#include "faults.h"
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

int ct_os_datagram_features(void) {
    return CT_F_UDP_SEGMENT | CT_F_UDP_GRO | CT_F_MMSG;
}

int ct_os_send_segment(const struct ct_msg *m, struct ct_msg_scratch *s, struct msghdr *hdr) {
    if (m->segment <= 0) {
        return 0;
    }
    memset(&s->control, 0, sizeof(s->control));
    hdr->msg_control = s->control.buf;
    hdr->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
    struct cmsghdr *cm = CMSG_FIRSTHDR(hdr);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t gso = (uint16_t) m->segment;
    memcpy(CMSG_DATA(cm), &gso, sizeof(gso));
    return 0;
}

void ct_os_recv_control(struct ct_msg *m, struct cmsghdr *cm) {
    if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
        int gso = 0; /* the kernel writes an int (include/linux/udp.h, udp_cmsg_recv) */
        memcpy(&gso, CMSG_DATA(cm), sizeof(gso));
        m->segment = gso;
    }
}

int ct_os_sendmsgs(int fd, struct ct_msg *msgs, int count) {
    struct mmsghdr hdrs[CT_MSG_BATCH_MAX];
    struct ct_msg_scratch scratch[CT_MSG_BATCH_MAX];
    for (int i = 0; i < count; i++) {
        int rc = ct_msg_send_header(&msgs[i], &scratch[i], &hdrs[i].msg_hdr);
        if (rc < 0) {
            if (i == 0) {
                return rc;
            }
            count = i; /* send the good ones; the caller meets the bad one first next time */
            break;
        }
        hdrs[i].msg_len = 0;
    }
    int n;
    CT_RESTART(n, ct_sys_sendmmsg(fd, hdrs, (unsigned int) count, MSG_NOSIGNAL));
    return (int) ct_result(n);
}

int ct_os_recvmsgs(int fd, struct ct_msg *msgs, int count) {
    struct mmsghdr hdrs[CT_MSG_BATCH_MAX];
    struct ct_msg_scratch scratch[CT_MSG_BATCH_MAX];
    for (int i = 0; i < count; i++) {
        ct_msg_recv_header(&msgs[i], &scratch[i], &hdrs[i].msg_hdr);
        hdrs[i].msg_len = 0;
    }
    int n;
    CT_RESTART(n, ct_sys_recvmmsg(fd, hdrs, (unsigned int) count, 0, NULL));
    CT_RETURN_IF_FAILED(n);
    for (int i = 0; i < n; i++) {
        ct_msg_received(&msgs[i], &hdrs[i].msg_hdr, hdrs[i].msg_len);
    }
    return n;
}

/* IP_MULTICAST_IF with a struct ip_mreqn: address and index in one request. */
int ct_os_set_multicast_if4(int fd, const struct in_addr *addr, int ifindex) {
    struct ip_mreqn req;
    memset(&req, 0, sizeof(req));
    if (addr != NULL) {
        req.imr_address = *addr;
    }
    req.imr_ifindex = ifindex;
    return (int) ct_result(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof(req)));
}
