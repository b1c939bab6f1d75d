/*
 * KernelNative's Linux natives (kernel.h): splice(2), TCP_INFO in Linux's struct tcp_info, and per-peer TCP_MD5SIG
 * keys. The rest of KernelNative is in kernel.c.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "faults.h"
#include "kernel.h"
#include "transport.h"

_Static_assert(TCP_MD5SIG_MAXKEYLEN == CT_TCP_MD5SIG_MAXKEYLEN, "KernelNative's constants report the kernel's limit");

int ct_os_kernel_features(void) {
    return CT_F_SPLICE | CT_F_TCP_INFO | CT_F_TCP_MD5SIG;
}

/* An offset < 0 is NULL: the descriptor's own position. */
jint ct_os_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jint len) {
    (void) env; (void) clazz;
    if (len < 0) {
        return -EINVAL;
    }
    loff_t in = (loff_t) off_in;
    loff_t outo = (loff_t) off_out;
    ssize_t n;
    CT_RESTART(n, ct_sys_splice(fd_in, off_in < 0 ? NULL : &in, fd_out, off_out < 0 ? NULL : &outo, (size_t) len,
                                SPLICE_F_NONBLOCK | SPLICE_F_MOVE));
    return (jint) ct_result(n);
}

jint ct_os_tcp_info(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
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

jint ct_os_set_tcp_md5sig(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jbyteArray key) {
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
