/*
 * Socket addresses in the byte format of SocketNative's Javadoc, read from and written to plain memory (the
 * datagram message array, DatagramNative.MSG_*): what datagram.c and unix.c share. socket.c has its own
 * jbyteArray-based twins for the calls that take Java arrays.
 *
 *   inet:  [0] = 4 or 6, [1..2] = port (big endian), [3..6] = scope id (big endian), [7..] = 4 or 16 address bytes
 *   unix:  [0] = 1, [1..] = the sun_path bytes actually used (abstract names start with 0; may be empty)
 */
#ifndef CT_ADDR_H
#define CT_ADDR_H

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#define CT_ADDR_TAG_UNIX 1
#define CT_ADDR_TAG_INET 4
#define CT_ADDR_TAG_INET6 6
#define CT_ADDR_HEADER_LEN 7
/* The largest encoding: a unix address with a full sun_path. */
#define CT_ADDR_MAX_LEN ((int) (1 + sizeof(((struct sockaddr_un *) 0)->sun_path)))

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
} ct_any_addr;

static inline uint32_t ct_get_be32(const uint8_t *p) {
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

/* Decodes `len` bytes of the format above into a sockaddr: 0 or -errno. */
static inline int ct_addr_decode(const uint8_t *buf, int len, ct_any_addr *addr, socklen_t *addr_len) {
    memset(addr, 0, sizeof(*addr));
    if (len < 1) {
        return -EINVAL;
    }
    if (buf[0] == CT_ADDR_TAG_UNIX) {
        size_t path_len = (size_t) len - 1;
        if (path_len > sizeof(addr->un.sun_path)) {
            return -ENAMETOOLONG;
        }
        addr->un.sun_family = AF_UNIX;
        memcpy(addr->un.sun_path, buf + 1, path_len);
        size_t used = path_len;
        if (path_len > 0 && addr->un.sun_path[0] != '\0' && used < sizeof(addr->un.sun_path)) {
            used++; /* the terminating NUL memset left there; abstract names are exactly their bytes */
        }
        *addr_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + used);
        return 0;
    }
    if (len < CT_ADDR_HEADER_LEN) {
        return -EINVAL;
    }
    uint16_t port = (uint16_t) ((buf[1] << 8) | buf[2]);
    if (buf[0] == CT_ADDR_TAG_INET && len == CT_ADDR_HEADER_LEN + 4) {
        addr->in4.sin_family = AF_INET;
        addr->in4.sin_port = htons(port);
        memcpy(&addr->in4.sin_addr.s_addr, buf + CT_ADDR_HEADER_LEN, 4);
        *addr_len = sizeof(addr->in4);
        return 0;
    }
    if (buf[0] == CT_ADDR_TAG_INET6 && len == CT_ADDR_HEADER_LEN + 16) {
        addr->in6.sin6_family = AF_INET6;
        addr->in6.sin6_port = htons(port);
        addr->in6.sin6_scope_id = ct_get_be32(buf + 3);
        memcpy(addr->in6.sin6_addr.s6_addr, buf + CT_ADDR_HEADER_LEN, 16);
        *addr_len = sizeof(addr->in6);
        return 0;
    }
    return -EINVAL;
}

/* Encodes a kernel address into `out` (CT_ADDR_MAX_LEN bytes): bytes written, or -EAFNOSUPPORT. */
static inline int ct_addr_encode(const ct_any_addr *addr, socklen_t len, uint8_t *out) {
    switch (addr->sa.sa_family) {
    case AF_INET: {
        uint16_t port = ntohs(addr->in4.sin_port);
        out[0] = CT_ADDR_TAG_INET;
        out[1] = (uint8_t) (port >> 8);
        out[2] = (uint8_t) port;
        memset(out + 3, 0, 4);
        memcpy(out + CT_ADDR_HEADER_LEN, &addr->in4.sin_addr.s_addr, 4);
        return CT_ADDR_HEADER_LEN + 4;
    }
    case AF_INET6: {
        uint16_t port = ntohs(addr->in6.sin6_port);
        uint32_t scope = addr->in6.sin6_scope_id;
        out[0] = CT_ADDR_TAG_INET6;
        out[1] = (uint8_t) (port >> 8);
        out[2] = (uint8_t) port;
        out[3] = (uint8_t) (scope >> 24);
        out[4] = (uint8_t) (scope >> 16);
        out[5] = (uint8_t) (scope >> 8);
        out[6] = (uint8_t) scope;
        memcpy(out + CT_ADDR_HEADER_LEN, addr->in6.sin6_addr.s6_addr, 16);
        return CT_ADDR_HEADER_LEN + 16;
    }
    case AF_UNIX: {
        if (len > sizeof(*addr)) {
            len = sizeof(*addr);
        }
        size_t path_len = len > offsetof(struct sockaddr_un, sun_path)
                ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (path_len > 0 && addr->un.sun_path[0] != '\0') {
            path_len = strnlen(addr->un.sun_path, path_len); /* drop the NUL the kernel may count */
        }
        out[0] = CT_ADDR_TAG_UNIX;
        memcpy(out + 1, addr->un.sun_path, path_len);
        return (int) (1 + path_len);
    }
    default:
        return -EAFNOSUPPORT;
    }
}

#endif /* CT_ADDR_H */
