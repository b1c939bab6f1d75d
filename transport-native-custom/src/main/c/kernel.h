/*
 * KernelNative's internal contract: the natives whose whole body differs per OS, defined by kernel_linux.c on Linux
 * and kernel_bsd.c on macOS and the BSDs (and in the kqueue emulation build), registered by kernel.c. What an OS
 * lacks answers -EOPNOTSUPP and is absent from its features word.
 */
#ifndef CT_KERNEL_H
#define CT_KERNEL_H

#include "transport.h"

/* The longest TCP_MD5SIG key, which KernelNative's constants report so that Java refuses a longer one before
 * calling: Linux's TCP_MD5SIG_MAXKEYLEN (kernel_linux.c pins it), also where there are no per-peer keys. */
#define CT_TCP_MD5SIG_MAXKEYLEN 80

/* The CT_F_* bits (transport.h) of the natives below that this OS has: KernelNative's features word. */
int ct_os_kernel_features(void);

/* splice(2), non-blocking; an offset < 0 means "the descriptor's own position". */
jint ct_os_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jint len);

/* TCP_INFO, in the order of CustomTcpInfo's fields, into out[32]. */
jint ct_os_tcp_info(JNIEnv *env, jclass clazz, jint fd, jlongArray out);

/* TCP_MD5SIG for one peer: `ip` is 4 or 16 bytes (mapped on an IPv6 socket); an empty or null key removes it. */
jint ct_os_set_tcp_md5sig(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jbyteArray key);

#endif /* CT_KERNEL_H */
