/*
 * SocketNative: sockets, addresses, reads and writes, options. POSIX calls only; what differs per OS is in
 * sockopt_*.c. Every native is one syscall on primitive arguments and returns its result or -errno (see
 * transport.h); addresses cross as byte[] in the format of SocketNative's Javadoc.
 */
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "faults.h"
#include "sockopt.h"
#include "sockos.h"
#include "transport.h"

/* SocketNative's domain and type codes. */
#define CT_DOMAIN_UNIX 1
#define CT_DOMAIN_INET 4
#define CT_DOMAIN_INET6 6
#define CT_TYPE_STREAM 1
#define CT_TYPE_DGRAM 2

#ifndef IOV_MAX
#define IOV_MAX 1024 /* UIO_MAXIOV, the kernel's limit */
#endif

/* --- addresses ------------------------------------------------------------------------------------------------ */

/* Java's (ip, scopeId, port) as a sockaddr: 4 bytes make an IPv4 address, 16 bytes an IPv6 one. */
static int ct_inet_sockaddr(JNIEnv *env, jbyteArray ip, jint scope_id, jint port, ct_any_addr *addr,
                            socklen_t *len) {
    if (ip == NULL || port < 0 || port > 0xffff) {
        return -EINVAL;
    }
    memset(addr, 0, sizeof(*addr));
    jsize ip_len = (*env)->GetArrayLength(env, ip);
    if (ip_len == 4) {
        addr->in4.sin_family = AF_INET;
        addr->in4.sin_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, ip, 0, 4, (jbyte *) &addr->in4.sin_addr.s_addr);
        *len = sizeof(addr->in4);
        return 0;
    }
    if (ip_len == 16) {
        addr->in6.sin6_family = AF_INET6;
        addr->in6.sin6_port = htons((uint16_t) port);
        addr->in6.sin6_scope_id = (uint32_t) scope_id;
        (*env)->GetByteArrayRegion(env, ip, 0, 16, (jbyte *) addr->in6.sin6_addr.s6_addr);
        *len = sizeof(addr->in6);
        return 0;
    }
    return -EINVAL;
}

/*
 * A unix address from the sun_path bytes, through addr.h's decoder (which gives a path its terminating NUL when
 * there is room and keeps an abstract name exactly its bytes). No bytes at all means an unnamed address.
 */
static int ct_unix_sockaddr(JNIEnv *env, jbyteArray path, ct_any_addr *addr, socklen_t *len) {
    if (path == NULL) {
        return -EINVAL;
    }
    jsize path_len = (*env)->GetArrayLength(env, path);
    if ((size_t) path_len > sizeof(addr->un.sun_path)) {
        return -ENAMETOOLONG;
    }
    uint8_t buf[CT_ADDR_MAX_LEN];
    buf[0] = CT_ADDR_TAG_UNIX;
    (*env)->GetByteArrayRegion(env, path, 0, path_len, (jbyte *) (buf + 1));
    return ct_addr_decode(buf, 1 + path_len, addr, len);
}

/* Writes a kernel address into Java's buffer in SocketNative's format (addr.h): bytes written, or -errno. */
static jint ct_put_address(JNIEnv *env, const ct_any_addr *addr, socklen_t len, jbyteArray out) {
    uint8_t buf[CT_ADDR_MAX_LEN];
    int n = ct_addr_encode(addr, len, buf);
    if (n < 0) {
        return n;
    }
    if (out == NULL || (*env)->GetArrayLength(env, out) < n) {
        return -EINVAL;
    }
    (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *) buf);
    return n;
}

/* --- sockets -------------------------------------------------------------------------------------------------- */

static void ct_limits(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        IOV_MAX, (jint) sizeof(struct iovec), (jint) sizeof(((struct sockaddr_un *) 0)->sun_path), SOMAXCONN,
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static jint ct_socket(JNIEnv *env, jclass clazz, jint domain, jint type) {
    (void) env; (void) clazz;
    int af;
    int kind;
    switch (domain) {
    case CT_DOMAIN_UNIX: af = AF_UNIX; break;
    case CT_DOMAIN_INET: af = AF_INET; break;
    case CT_DOMAIN_INET6: af = AF_INET6; break;
    default: return -EAFNOSUPPORT;
    }
    switch (type) {
    case CT_TYPE_STREAM: kind = SOCK_STREAM; break;
    case CT_TYPE_DGRAM: kind = SOCK_DGRAM; break;
    default: return -EINVAL;
    }
    int fd = ct_os_socket(af, kind);
    if (fd < 0) {
        return fd;
    }
    if (af == AF_INET6) {
        /* Dual stack whatever net.ipv6.bindv6only says: one IPv6 socket serves IPv4 peers too, as Java expects. */
        int off = 0;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0) {
            int err = errno;
            close(fd);
            return -err;
        }
    }
    return fd;
}

static jint ct_bind(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jint port) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len;
    int rc = ct_inet_sockaddr(env, ip, scope_id, port, &addr, &len);
    if (rc < 0) {
        return rc;
    }
    return (jint) ct_result(bind(fd, &addr.sa, len));
}

static jint ct_bind_unix(JNIEnv *env, jclass clazz, jint fd, jbyteArray path) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len;
    int rc = ct_unix_sockaddr(env, path, &addr, &len);
    if (rc < 0) {
        return rc;
    }
    return (jint) ct_result(bind(fd, &addr.sa, len));
}

static jint ct_listen(JNIEnv *env, jclass clazz, jint fd, jint backlog) {
    (void) env; (void) clazz;
    return (jint) ct_result(listen(fd, backlog));
}

static jint ct_connect(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jint port) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len;
    int rc = ct_inet_sockaddr(env, ip, scope_id, port, &addr, &len);
    if (rc < 0) {
        return rc;
    }
    /* Non-blocking: -EINPROGRESS while the handshake runs; finishConnect reads the outcome. */
    return (jint) ct_result(connect(fd, &addr.sa, len));
}

/*
 * sendto(MSG_FASTOPEN): connects and, when the kernel holds a fast-open cookie for the peer, sends the data with the
 * SYN; returns the bytes taken. Without a cookie the kernel sends a plain SYN (asking for one) and this returns
 * -EINPROGRESS with nothing taken, so the caller keeps the data and writes it once connected.
 */
static jint ct_send_fast_open(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jint port,
                              jlong address, jint length) {
    (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    ct_any_addr addr;
    socklen_t len;
    int rc = ct_inet_sockaddr(env, ip, scope_id, port, &addr, &len);
    if (rc < 0) {
        return rc;
    }
    return (jint) ct_result(sendto(fd, CT_PTR(address), (size_t) length, MSG_FASTOPEN, &addr.sa, len));
}

static jint ct_connect_unix(JNIEnv *env, jclass clazz, jint fd, jbyteArray path) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len;
    int rc = ct_unix_sockaddr(env, path, &addr, &len);
    if (rc < 0) {
        return rc;
    }
    return (jint) ct_result(connect(fd, &addr.sa, len));
}

static jint ct_finish_connect(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    int err = 0;
    socklen_t len = sizeof(err);
    CT_RETURN_IF_FAILED(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
    if (err != 0) {
        return -err;
    }
    /* No error is not yet success: the handshake may still be running when the call comes from an event that is
     * not the kernel's answer to it (the ready queue after events were lost, a spurious wakeup). Connected only
     * once there is a peer; ENOTCONN means "still in progress". */
    ct_any_addr peer;
    socklen_t peer_len = sizeof(peer);
    if (getpeername(fd, &peer.sa, &peer_len) < 0) {
        return errno == ENOTCONN ? -EINPROGRESS : -errno;
    }
    return 0;
}

static jint ct_accept(JNIEnv *env, jclass clazz, jint fd, jbyteArray addr_out) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len = sizeof(addr);
    int child = ct_os_accept(fd, &addr.sa, &len);
    if (child < 0) {
        return child;
    }
    if (addr_out != NULL) {
        jint rc = ct_put_address(env, &addr, len, addr_out);
        if (rc < 0) {
            close(child); /* the caller cannot learn about a descriptor it is not given */
            return rc;
        }
    }
    return child;
}

static jint ct_local_address(JNIEnv *env, jclass clazz, jint fd, jbyteArray out) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len = sizeof(addr);
    CT_RETURN_IF_FAILED(getsockname(fd, &addr.sa, &len));
    return ct_put_address(env, &addr, len, out);
}

static jint ct_remote_address(JNIEnv *env, jclass clazz, jint fd, jbyteArray out) {
    (void) clazz;
    ct_any_addr addr;
    socklen_t len = sizeof(addr);
    CT_RETURN_IF_FAILED(getpeername(fd, &addr.sa, &len));
    return ct_put_address(env, &addr, len, out);
}

/* --- I/O ------------------------------------------------------------------------------------------------------ */

static jint ct_read(JNIEnv *env, jclass clazz, jint fd, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    /* recv rather than read: the socket call skips the VFS layers read(2) goes through (about 80 ns each).
     * ENOTSOCK (a pipe, an eventfd) falls back to read(2), so the call still works on any descriptor. */
    ssize_t n;
    CT_RESTART(n, ct_sys_recv(fd, CT_PTR(address), (size_t) length, 0));
    if (n < 0 && errno == ENOTSOCK) {
        CT_RESTART(n, read(fd, CT_PTR(address), (size_t) length));
    }
    return (jint) ct_result(n);
}

static jint ct_write(JNIEnv *env, jclass clazz, jint fd, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    /* send rather than write, for the same reason; MSG_NOSIGNAL turns a write to a reset peer into -EPIPE
     * without raising SIGPIPE (macOS has no such flag and uses SO_NOSIGPIPE instead). */
    ssize_t n;
#ifdef MSG_NOSIGNAL
    CT_RESTART(n, ct_sys_send(fd, CT_PTR(address), (size_t) length, MSG_NOSIGNAL));
#else
    CT_RESTART(n, ct_sys_send(fd, CT_PTR(address), (size_t) length, 0));
#endif
    if (n < 0 && errno == ENOTSOCK) {
        CT_RESTART(n, write(fd, CT_PTR(address), (size_t) length));
    }
    return (jint) ct_result(n);
}

static jlong ct_writev(JNIEnv *env, jclass clazz, jint fd, jlong iov_address, jint count) {
    (void) env; (void) clazz;
    ssize_t n;
    CT_RESTART(n, ct_sys_writev(fd, CT_PTR(iov_address), count));
    return ct_result(n);
}

/*
 * The descriptor behind a DefaultFileRegion: region.file (a FileChannel), its "fd" (a FileDescriptor), and that
 * one's "fd" int. Field ids are looked up per call rather than cached, so the library keeps no global state;
 * sendfile moves whole regions, so the lookups are small next to the syscall. A JDK without these fields (or a
 * FileChannel from another provider) gives -EOPNOTSUPP, and the caller copies through the heap instead.
 */
static jint ct_region_fd(JNIEnv *env, jobject region, jfieldID *transferred, jint *fd) {
    jint rc = 0;
    jobject channel = NULL;
    jclass channel_class = NULL;
    jobject descriptor = NULL;
    jclass descriptor_class = NULL;
    jclass region_class = (*env)->GetObjectClass(env, region);
    jfieldID file_field = (*env)->GetFieldID(env, region_class, "file", "Ljava/nio/channels/FileChannel;");
    if (file_field == NULL) {
        goto missing;
    }
    *transferred = (*env)->GetFieldID(env, region_class, "transferred", "J");
    if (*transferred == NULL) {
        goto missing;
    }
    channel = (*env)->GetObjectField(env, region, file_field);
    if (channel == NULL) {
        rc = -EBADF; /* never opened, or released */
        goto done;
    }
    channel_class = (*env)->GetObjectClass(env, channel);
    jfieldID fd_field = (*env)->GetFieldID(env, channel_class, "fd", "Ljava/io/FileDescriptor;");
    if (fd_field == NULL) {
        goto missing;
    }
    descriptor = (*env)->GetObjectField(env, channel, fd_field);
    if (descriptor == NULL) {
        rc = -EBADF;
        goto done;
    }
    descriptor_class = (*env)->GetObjectClass(env, descriptor);
    jfieldID int_field = (*env)->GetFieldID(env, descriptor_class, "fd", "I");
    if (int_field == NULL) {
        goto missing;
    }
    *fd = (*env)->GetIntField(env, descriptor, int_field);
    rc = *fd < 0 ? -EBADF : 0; /* a closed FileDescriptor holds -1 */
    goto done;
missing:
    (*env)->ExceptionClear(env); /* the NoSuchFieldError GetFieldID raised */
    rc = -EOPNOTSUPP;
done:
    (*env)->DeleteLocalRef(env, descriptor_class);
    (*env)->DeleteLocalRef(env, descriptor);
    (*env)->DeleteLocalRef(env, channel_class);
    (*env)->DeleteLocalRef(env, channel);
    (*env)->DeleteLocalRef(env, region_class);
    return rc;
}

static jlong ct_send_file(JNIEnv *env, jclass clazz, jint out_fd, jobject region, jlong offset, jlong count) {
    (void) clazz;
    if (region == NULL || offset < 0 || count < 0) {
        return -EINVAL;
    }
    jfieldID transferred;
    jint in_fd;
    jint rc = ct_region_fd(env, region, &transferred, &in_fd);
    if (rc < 0) {
        return rc;
    }
    ssize_t sent = ct_os_sendfile(out_fd, in_fd, (off_t) offset, (size_t) count);
    if (sent < 0) {
        return sent;
    }
    if (sent > 0) {
        jlong before = (*env)->GetLongField(env, region, transferred);
        (*env)->SetLongField(env, region, transferred, before + sent);
    }
    return sent;
}

/*
 * Whether unread data is waiting, without taking it: 1 if so, 0 at the end of the stream, -errno otherwise
 * (-EAGAIN: nothing yet). Used only after the peer half-closed while the application paused reading.
 */
static jint ct_peek(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    char byte;
    ssize_t n;
    do {
        n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (jint) n;
}

static jint ct_shutdown(JNIEnv *env, jclass clazz, jint fd, jboolean read_side, jboolean write_side) {
    (void) env; (void) clazz;
    int how;
    if (read_side && write_side) {
        how = SHUT_RDWR;
    } else if (read_side) {
        how = SHUT_RD;
    } else if (write_side) {
        how = SHUT_WR;
    } else {
        return 0; /* nothing to shut */
    }
    return (jint) ct_result(shutdown(fd, how));
}

static jint ct_close(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    /* POSIX leaves the descriptor's state after EINTR unspecified, but on Linux, FreeBSD and macOS it is released
     * before close() can fail with anything but EBADF: FreeBSD's close(2) says so of every other error, and Linux
     * and XNU free the table slot before the file's own close runs (whose EINTR or EIO they report). So EINTR
     * means "closed", and a retry could close a descriptor another thread has just been given. (macOS's close()
     * returns EINTR without closing only in a thread with a pending pthread_cancel, which the JVM never sends.) */
    if (ct_sys_close(fd) < 0 && errno != EINTR) {
        return -errno;
    }
    return 0;
}

/* --- options -------------------------------------------------------------------------------------------------- */

/* An int option as Java reads it: the value's 32 bits as a non-negative long (so -1 is not mistaken for -EPERM). */
static jlong ct_get_int(jint fd, int level, int name) {
    int value = 0;
    socklen_t len = sizeof(value);
    CT_RETURN_IF_FAILED(getsockopt(fd, level, name, &value, &len));
    return (jlong) (uint32_t) value;
}

static jlong ct_get_option(JNIEnv *env, jclass clazz, jint fd, jint id) {
    (void) env; (void) clazz;
    struct ct_sockopt opt;
    int rc = ct_sockopt_find(id, &opt);
    if (rc < 0) {
        return rc;
    }
    if (opt.kind == CT_OPT_LINGER) {
        struct linger linger = { 0, 0 };
        socklen_t len = sizeof(linger);
        CT_RETURN_IF_FAILED(getsockopt(fd, opt.level, opt.name, &linger, &len));
        return (jlong) (uint32_t) (linger.l_onoff ? linger.l_linger : -1);
    }
    return ct_get_int(fd, opt.level, opt.name);
}

static jint ct_set_option(JNIEnv *env, jclass clazz, jint fd, jint id, jint value) {
    (void) env; (void) clazz;
    struct ct_sockopt opt;
    int rc = ct_sockopt_find(id, &opt);
    if (rc < 0) {
        return rc;
    }
    if (opt.kind == CT_OPT_LINGER) {
        struct linger linger = { value >= 0, value >= 0 ? value : 0 };
        return (jint) ct_result(setsockopt(fd, opt.level, opt.name, &linger, sizeof(linger)));
    }
    int v = value;
    return (jint) ct_result(setsockopt(fd, opt.level, opt.name, &v, sizeof(v)));
}

static jlong ct_get_raw_int_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name) {
    (void) env; (void) clazz;
    return ct_get_int(fd, level, name);
}

static jint ct_set_raw_int_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jint value) {
    (void) env; (void) clazz;
    int v = value;
    return (jint) ct_result(setsockopt(fd, level, name, &v, sizeof(v)));
}

static jlong ct_buffer_address(JNIEnv *env, jclass clazz, jobject buffer) {
    (void) clazz;
    if (buffer == NULL) {
        return 0;
    }
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

static const JNINativeMethod ct_socket_methods[] = {
    { "limits", "([I)V", (void *) ct_limits },
    { "socket", "(II)I", (void *) ct_socket },
    { "bind", "(I[BII)I", (void *) ct_bind },
    { "bindUnix", "(I[B)I", (void *) ct_bind_unix },
    { "listen", "(II)I", (void *) ct_listen },
    { "connect", "(I[BII)I", (void *) ct_connect },
    { "sendFastOpen", "(I[BIIJI)I", (void *) ct_send_fast_open },
    { "connectUnix", "(I[B)I", (void *) ct_connect_unix },
    { "finishConnect", "(I)I", (void *) ct_finish_connect },
    { "accept", "(I[B)I", (void *) ct_accept },
    { "localAddress", "(I[B)I", (void *) ct_local_address },
    { "remoteAddress", "(I[B)I", (void *) ct_remote_address },
    { "read", "(IJI)I", (void *) ct_read },
    { "write", "(IJI)I", (void *) ct_write },
    { "writev", "(IJI)J", (void *) ct_writev },
    { "sendFile", "(ILjava/lang/Object;JJ)J", (void *) ct_send_file },
    { "shutdown", "(IZZ)I", (void *) ct_shutdown },
    { "peek", "(I)I", (void *) ct_peek },
    { "close", "(I)I", (void *) ct_close },
    { "getOption", "(II)J", (void *) ct_get_option },
    { "setOption", "(III)I", (void *) ct_set_option },
    { "getRawIntOption", "(III)J", (void *) ct_get_raw_int_option },
    { "setRawIntOption", "(IIII)I", (void *) ct_set_raw_int_option },
    { "bufferAddress", "(Ljava/nio/ByteBuffer;)J", (void *) ct_buffer_address },
};

const struct ct_natives ct_socket_natives = {
    "dev/customtransport/internal/SocketNative", ct_socket_methods, CT_ARRAY_LENGTH(ct_socket_methods),
};
