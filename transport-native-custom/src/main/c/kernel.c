/*
 * KernelNative: the calls that reach past portable sockets into the kernel's own interfaces: options in the
 * kernel's struct layouts (raw getsockopt/setsockopt from native memory, TCP_INFO, TCP_MD5SIG) and splice(2) with
 * the pipes it moves data through. Raw options and pipes are the same everywhere and live here; splice, TCP_INFO
 * and TCP_MD5SIG are per-OS natives (kernel.h). Every native is one syscall and returns its result or -errno.
 */
#include <sys/socket.h>

#include "kernel.h"
#include "sockos.h"
#include "transport.h"

/* A non-blocking, close-on-exec pipe into out[0] (read end), out[1] (write end). */
static jint ct_pipe(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    int fds[2];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    int rc = ct_os_pipe(fds);
    if (rc < 0) {
        return rc;
    }
    jint values[2] = { fds[0], fds[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, values);
    return 0;
}

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

static void ct_kernel_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = { CT_TCP_MD5SIG_MAXKEYLEN, ct_os_kernel_features() };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static const JNINativeMethod ct_kernel_methods[] = {
    { "constants", "([I)V", (void *) ct_kernel_constants },
    { "splice", "(IJIJI)I", (void *) ct_os_splice },
    { "pipe", "([I)I", (void *) ct_pipe },
    { "getRawOption", "(IIIJI)I", (void *) ct_get_raw_option },
    { "setRawOption", "(IIIJI)I", (void *) ct_set_raw_option },
    { "tcpInfo", "(I[J)I", (void *) ct_os_tcp_info },
    { "setTcpMd5Sig", "(I[BI[B)I", (void *) ct_os_set_tcp_md5sig },
};

const struct ct_natives ct_kernel_natives = {
    "dev/customtransport/internal/KernelNative", ct_kernel_methods, CT_ARRAY_LENGTH(ct_kernel_methods),
};
