/*
 * KernelNative's natives on macOS and the BSDs (kernel.h), also what the kqueue emulation build on Linux takes
 * (build.sh). What the BSDs lack is -EOPNOTSUPP, and absent from the features word (Java: NativeFeatures), so the
 * Java side can say so before calling: splice(2) (Linux's), TCP_INFO in Linux's layout (FreeBSD's struct differs
 * and macOS has TCP_CONNECTION_INFO instead), and per-peer TCP_MD5SIG keys (FreeBSD's TCP_MD5SIG is a flag whose
 * keys live in the IPsec key database; macOS has none). Raw options and pipes work here too (kernel.c).
 */
#include "kernel.h"
#include "transport.h"

int ct_os_kernel_features(void) {
    return 0;
}

jint ct_os_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jint len) {
    (void) env; (void) clazz; (void) fd_in; (void) off_in; (void) fd_out; (void) off_out; (void) len;
    return -EOPNOTSUPP;
}

jint ct_os_tcp_info(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
    (void) env; (void) clazz; (void) fd; (void) out;
    return -EOPNOTSUPP;
}

jint ct_os_set_tcp_md5sig(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jbyteArray key) {
    (void) env; (void) clazz; (void) fd; (void) ip; (void) scope_id; (void) key;
    return -EOPNOTSUPP;
}
