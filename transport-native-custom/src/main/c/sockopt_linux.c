/*
 * Linux's socket options, indexed by SocketNative's option ids. An id missing here (or an optname the build's
 * headers lack) is -ENOPROTOOPT, the errno the kernel itself uses for an option it does not know.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sockopt.h"
#include "transport.h"

/* Option names newer than some libc headers; the values are Linux's ABI. */
#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT 18
#endif
#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT 25
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 23
#endif
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IP_FREEBIND
#define IP_FREEBIND 15
#endif
#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif
#ifndef IP_RECVORIGDSTADDR
#define IP_RECVORIGDSTADDR 20
#endif
#ifndef IPV6_RECVORIGDSTADDR
#define IPV6_RECVORIGDSTADDR 74
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

/* Indexed by the id (SocketNative.SO_RCVBUF = 1 ...). An entry left out has optname 0, which no real option has
 * (a level of 0 would not do: it is IPPROTO_IP). */
static const struct ct_sockopt ct_linux_options[] = {
    [1] = { SOL_SOCKET, SO_RCVBUF, CT_OPT_INT },
    [2] = { SOL_SOCKET, SO_SNDBUF, CT_OPT_INT },
    [3] = { SOL_SOCKET, SO_REUSEADDR, CT_OPT_INT },
    [4] = { SOL_SOCKET, SO_REUSEPORT, CT_OPT_INT },
    [5] = { SOL_SOCKET, SO_KEEPALIVE, CT_OPT_INT },
    [6] = { SOL_SOCKET, SO_LINGER, CT_OPT_LINGER },
    [7] = { SOL_SOCKET, SO_BROADCAST, CT_OPT_INT },
    [8] = { IPPROTO_TCP, TCP_NODELAY, CT_OPT_INT },
    [9] = { IPPROTO_IP, IP_TOS, CT_OPT_INT },
    [10] = { IPPROTO_IPV6, IPV6_TCLASS, CT_OPT_INT },
    [11] = { IPPROTO_TCP, TCP_CORK, CT_OPT_INT },
    [12] = { IPPROTO_TCP, TCP_QUICKACK, CT_OPT_INT },
    [13] = { IPPROTO_TCP, TCP_KEEPIDLE, CT_OPT_INT },
    [14] = { IPPROTO_TCP, TCP_KEEPINTVL, CT_OPT_INT },
    [15] = { IPPROTO_TCP, TCP_KEEPCNT, CT_OPT_INT },
    [16] = { IPPROTO_TCP, TCP_USER_TIMEOUT, CT_OPT_INT },
    [17] = { IPPROTO_TCP, TCP_NOTSENT_LOWAT, CT_OPT_INT },
    [18] = { IPPROTO_TCP, TCP_DEFER_ACCEPT, CT_OPT_INT },
    [19] = { IPPROTO_TCP, TCP_FASTOPEN, CT_OPT_INT },      /* on a listener: the length of the TFO queue */
    [20] = { IPPROTO_IP, IP_TRANSPARENT, CT_OPT_INT },    /* setting needs CAP_NET_ADMIN or CAP_NET_RAW */
    [21] = { IPPROTO_IP, IP_FREEBIND, CT_OPT_INT },
    [22] = { IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, CT_OPT_INT },
    [23] = { SOL_SOCKET, SO_BUSY_POLL, CT_OPT_INT },       /* raising it needs CAP_NET_ADMIN */
    [24] = { SOL_SOCKET, SO_ERROR, CT_OPT_INT },          /* read-only, like the two below */
    [25] = { SOL_SOCKET, SO_DOMAIN, CT_OPT_INT },
    [26] = { SOL_SOCKET, SO_TYPE, CT_OPT_INT },
    [27] = { SOL_SOCKET, SO_RCVLOWAT, CT_OPT_INT },
    /* Datagram and multicast (DatagramNative and the datagram configs). */
    [28] = { IPPROTO_IP, IP_MULTICAST_ALL, CT_OPT_INT },
    [29] = { IPPROTO_IPV6, IPV6_MULTICAST_ALL, CT_OPT_INT },
    [30] = { IPPROTO_IP, IP_MULTICAST_LOOP, CT_OPT_INT },
    [31] = { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, CT_OPT_INT },
    [32] = { IPPROTO_IP, IP_MULTICAST_TTL, CT_OPT_INT },
    [33] = { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, CT_OPT_INT },
    [34] = { IPPROTO_IPV6, IPV6_MULTICAST_IF, CT_OPT_INT },  /* an interface index */
    [35] = { IPPROTO_IP, IP_RECVORIGDSTADDR, CT_OPT_INT },
    [36] = { IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, CT_OPT_INT },
    [37] = { SOL_UDP, UDP_GRO, CT_OPT_INT },
    [38] = { SOL_UDP, UDP_SEGMENT, CT_OPT_INT },             /* the socket's default GSO size */
    [39] = { IPPROTO_IP, IP_TTL, CT_OPT_INT },
    [40] = { SOL_SOCKET, SO_PASSCRED, CT_OPT_INT },
    [41] = { IPPROTO_TCP, TCP_FASTOPEN_CONNECT, CT_OPT_INT },
};

int ct_sockopt_find(jint id, struct ct_sockopt *out) {
    if (id <= 0 || id >= CT_ARRAY_LENGTH(ct_linux_options) || ct_linux_options[id].name == 0) {
        return -ENOPROTOOPT;
    }
    *out = ct_linux_options[id];
    return 0;
}
