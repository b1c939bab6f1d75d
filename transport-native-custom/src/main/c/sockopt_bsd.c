/*
 * The BSDs' and macOS's socket options, indexed by SocketNative's option ids (the same ids as sockopt_linux.c).
 * What a platform lacks has no entry and is -ENOPROTOOPT, never silently accepted:
 *   - TCP_CORK is Linux's; TCP_NOPUSH (hold partial segments until unset) is the nearest thing and takes its id,
 *     so CustomChannelOption's cork reaches it (flushing on clear differs: FreeBSD sends at once, macOS on the
 *     next write).
 *   - TCP_KEEPIDLE is TCP_KEEPALIVE on macOS (seconds either way).
 *   - IP_RECVORIGDSTADDR / IPV6_RECVORIGDSTADDR: FreeBSD 12+ has them (datagram.c reads the control
 *     messages); macOS has not (its IP_RECVDSTADDR gives the address without the port): no entry there.
 *   - TCP_QUICKACK, TCP_USER_TIMEOUT, TCP_DEFER_ACCEPT (FreeBSD has accept filters instead), IP_TRANSPARENT,
 *     IP_FREEBIND, IP_BIND_ADDRESS_NO_PORT, SO_BUSY_POLL, SO_PASSCRED, IP_MULTICAST_ALL and UDP GRO/GSO are
 *     Linux's: no entry.
 * Compiled only on the BSDs and macOS (the Maven profiles for those platforms name it).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sockopt.h"
#include "transport.h"

#if defined(__APPLE__) && !defined(TCP_KEEPIDLE)
#define CT_TCP_KEEPIDLE TCP_KEEPALIVE
#elif defined(TCP_KEEPIDLE)
#define CT_TCP_KEEPIDLE TCP_KEEPIDLE
#endif

static const struct ct_sockopt ct_bsd_options[] = {
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
#ifdef TCP_NOPUSH
    [11] = { IPPROTO_TCP, TCP_NOPUSH, CT_OPT_INT },
#endif
#ifdef CT_TCP_KEEPIDLE
    [13] = { IPPROTO_TCP, CT_TCP_KEEPIDLE, CT_OPT_INT },
#endif
#ifdef TCP_KEEPINTVL
    [14] = { IPPROTO_TCP, TCP_KEEPINTVL, CT_OPT_INT },
#endif
#ifdef TCP_KEEPCNT
    [15] = { IPPROTO_TCP, TCP_KEEPCNT, CT_OPT_INT },
#endif
#ifdef TCP_NOTSENT_LOWAT
    [17] = { IPPROTO_TCP, TCP_NOTSENT_LOWAT, CT_OPT_INT }, /* macOS */
#endif
#ifdef TCP_FASTOPEN
    [19] = { IPPROTO_TCP, TCP_FASTOPEN, CT_OPT_INT },      /* FreeBSD: on a listener, enables TFO (a boolean) */
#endif
    [24] = { SOL_SOCKET, SO_ERROR, CT_OPT_INT },
#ifdef SO_DOMAIN
    [25] = { SOL_SOCKET, SO_DOMAIN, CT_OPT_INT },          /* FreeBSD 14; macOS has none */
#endif
    [26] = { SOL_SOCKET, SO_TYPE, CT_OPT_INT },
    [27] = { SOL_SOCKET, SO_RCVLOWAT, CT_OPT_INT },
    [30] = { IPPROTO_IP, IP_MULTICAST_LOOP, CT_OPT_INT }, /* a u_char on the BSDs: see ct_sockopt_find */
    [31] = { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, CT_OPT_INT },
    [32] = { IPPROTO_IP, IP_MULTICAST_TTL, CT_OPT_INT },  /* a u_char too */
    [33] = { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, CT_OPT_INT },
    [34] = { IPPROTO_IPV6, IPV6_MULTICAST_IF, CT_OPT_INT },
#ifdef IP_RECVORIGDSTADDR
    [35] = { IPPROTO_IP, IP_RECVORIGDSTADDR, CT_OPT_INT },     /* FreeBSD 12+ */
#endif
#ifdef IPV6_RECVORIGDSTADDR
    [36] = { IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, CT_OPT_INT }, /* FreeBSD 12+ */
#endif
    [39] = { IPPROTO_IP, IP_TTL, CT_OPT_INT },
};

int ct_sockopt_find(jint id, struct ct_sockopt *out) {
    if (id <= 0 || id >= CT_ARRAY_LENGTH(ct_bsd_options) || ct_bsd_options[id].name == 0) {
        return -ENOPROTOOPT;
    }
    /* IP_MULTICAST_LOOP / IP_MULTICAST_TTL take a u_char on the BSDs (an int is accepted on set by FreeBSD and
     * macOS, but get returns one byte): they stay CT_OPT_INT until socket.c learns a byte kind; the value read
     * back is then only correct in its low byte, which is all these options use. */
    *out = ct_bsd_options[id];
    return 0;
}
