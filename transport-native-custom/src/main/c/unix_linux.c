/*
 * UnixNative (Linux): what Unix domain sockets and Linux add to plain sockets (descriptor passing, peer credentials,
 * splice and pipes, raw and struct-valued options, TCP_INFO, TCP_MD5SIG). The natives of Netty's own unix types
 * are in netty_unix.c. Every native is one syscall, result or -errno.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "fdpass.h"
#include "transport.h"

/* SO_PEERCRED into out[0..2] = pid, uid, gid. */
static jint ct_peer_credentials(JNIEnv *env, jclass clazz, jint fd, jintArray out) {
    (void) clazz;
    struct ucred cred;
    socklen_t len = sizeof(cred);
    CT_RETURN_IF_FAILED(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len));
    if (out == NULL || (*env)->GetArrayLength(env, out) < 3) {
        return -EINVAL;
    }
    jint values[3] = { (jint) cred.pid, (jint) cred.uid, (jint) cred.gid };
    (*env)->SetIntArrayRegion(env, out, 0, 3, values);
    return 0;
}

/* --- splice and pipes ----------------------------------------------------------------------------------------- */

/* splice(2), non-blocking; an offset < 0 means "the descriptor's own position" (NULL). */
static jint ct_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jint len) {
    (void) env; (void) clazz;
    if (len < 0) {
        return -EINVAL;
    }
    loff_t in = (loff_t) off_in;
    loff_t outo = (loff_t) off_out;
    return (jint) ct_result(splice(fd_in, off_in < 0 ? NULL : &in, fd_out, off_out < 0 ? NULL : &outo,
                                   (size_t) len, SPLICE_F_NONBLOCK | SPLICE_F_MOVE));
}

/* pipe2(O_NONBLOCK | O_CLOEXEC) into out[0] (read end), out[1] (write end). */
static jint ct_pipe(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    int fds[2];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    CT_RETURN_IF_FAILED(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
    jint values[2] = { fds[0], fds[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, values);
    return 0;
}

/* --- options with struct values ------------------------------------------------------------------------------- */

/* getsockopt(level, name) into `length` bytes of native memory: the length the kernel wrote, or -errno. */
static jint ct_get_raw_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    socklen_t len = (socklen_t) length;
    CT_RETURN_IF_FAILED(getsockopt(fd, level, name, CT_PTR(address), &len));
    return (jint) len;
}

static jint ct_set_raw_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    return (jint) ct_result(setsockopt(fd, level, name, CT_PTR(address), (socklen_t) length));
}

/* TCP_INFO, in the order of CustomTcpInfo's fields, into out[32]. */
static jint ct_tcp_info(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
    (void) clazz;
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    CT_RETURN_IF_FAILED(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
    const jlong values[] = {
        ti.tcpi_state, ti.tcpi_ca_state, ti.tcpi_retransmits, ti.tcpi_probes, ti.tcpi_backoff, ti.tcpi_options,
        ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale, ti.tcpi_rto, ti.tcpi_ato, ti.tcpi_snd_mss, ti.tcpi_rcv_mss,
        ti.tcpi_unacked, ti.tcpi_sacked, ti.tcpi_lost, ti.tcpi_retrans, ti.tcpi_fackets, ti.tcpi_last_data_sent,
        ti.tcpi_last_ack_sent, ti.tcpi_last_data_recv, ti.tcpi_last_ack_recv, ti.tcpi_pmtu, ti.tcpi_rcv_ssthresh,
        ti.tcpi_rtt, ti.tcpi_rttvar, ti.tcpi_snd_ssthresh, ti.tcpi_snd_cwnd, ti.tcpi_advmss, ti.tcpi_reordering,
        ti.tcpi_rcv_rtt, ti.tcpi_rcv_space, ti.tcpi_total_retrans,
    };
    if (out == NULL || (*env)->GetArrayLength(env, out) < CT_ARRAY_LENGTH(values)) {
        return -EINVAL;
    }
    (*env)->SetLongArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
    return 0;
}

/* TCP_MD5SIG for one peer: `ip` is 4 or 16 bytes (mapped on an IPv6 socket); an empty key removes it. */
static jint ct_set_tcp_md5sig(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jbyteArray key) {
    (void) clazz;
    struct tcp_md5sig sig;
    memset(&sig, 0, sizeof(sig));
    if (ip == NULL) {
        return -EINVAL;
    }
    jsize ip_len = (*env)->GetArrayLength(env, ip);
    if (ip_len == 4) {
        struct sockaddr_in *in4 = (struct sockaddr_in *) &sig.tcpm_addr;
        in4->sin_family = AF_INET;
        (*env)->GetByteArrayRegion(env, ip, 0, 4, (jbyte *) &in4->sin_addr.s_addr);
    } else if (ip_len == 16) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &sig.tcpm_addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_scope_id = (uint32_t) scope_id;
        (*env)->GetByteArrayRegion(env, ip, 0, 16, (jbyte *) in6->sin6_addr.s6_addr);
    } else {
        return -EINVAL;
    }
    if (key != NULL) {
        jsize key_len = (*env)->GetArrayLength(env, key);
        if (key_len > TCP_MD5SIG_MAXKEYLEN) {
            return -EINVAL;
        }
        sig.tcpm_keylen = (uint16_t) key_len;
        (*env)->GetByteArrayRegion(env, key, 0, key_len, (jbyte *) sig.tcpm_key);
    }
    return (jint) ct_result(setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)));
}

static void ct_unix_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        CT_MAX_FDS_PER_MESSAGE, MSG_CTRUNC, TCP_MD5SIG_MAXKEYLEN,
        CT_F_SPLICE | CT_F_PEER_PID | CT_F_TCP_INFO | CT_F_TCP_MD5SIG,
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static const JNINativeMethod ct_unix_methods[] = {
    { "constants", "([I)V", (void *) ct_unix_constants },
    { "sendFd", "(II)I", (void *) ct_send_fd },
    { "recvFds", "(I[I)I", (void *) ct_recv_fds },
    { "peerCredentials", "(I[I)I", (void *) ct_peer_credentials },
    { "splice", "(IJIJI)I", (void *) ct_splice },
    { "pipe", "([I)I", (void *) ct_pipe },
    { "getRawOption", "(IIIJI)I", (void *) ct_get_raw_option },
    { "setRawOption", "(IIIJI)I", (void *) ct_set_raw_option },
    { "tcpInfo", "(I[J)I", (void *) ct_tcp_info },
    { "setTcpMd5Sig", "(I[BI[B)I", (void *) ct_set_tcp_md5sig },
};

const struct ct_natives ct_unix_natives = {
    "dev/customtransport/internal/UnixNative", ct_unix_methods, CT_ARRAY_LENGTH(ct_unix_methods),
};
