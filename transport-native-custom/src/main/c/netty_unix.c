/*
 * The natives of Netty's own unix types (io.netty.channel.unix.FileDescriptor, Errors, Limits), so that applications
 * can keep using those types with our channels when no Netty native library is loaded. Portable POSIX: compiled on
 * every platform; UnixNative's registerNettyUnix (unix_linux.c, unix_bsd.c) binds them.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockos.h"
#include "transport.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/*
 * The signatures and results are those the Java code of netty-transport-native-unix-common expects (it checks
 * for negative errno values itself). Registering them on a class whose natives Netty's epoll library registered
 * first is harmless: both implementations do the same syscall and return the same thing.
 */

static jint ct_nfd_open(JNIEnv *env, jclass clazz, jstring path) {
    (void) clazz;
    if (path == NULL) {
        return -EINVAL;
    }
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL) {
        return -ENOMEM;
    }
    /* As Netty opens it: a file to write (splice into) from the start. */
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int err = errno;
    (*env)->ReleaseStringUTFChars(env, path, p);
    return fd < 0 ? -err : fd;
}

static jint ct_nfd_close(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    /* EINTR: on Linux the descriptor is released anyway (see socket.c's close). */
    if (close(fd) < 0 && errno != EINTR) {
        return -errno;
    }
    return 0;
}

static jint ct_nfd_write(JNIEnv *env, jclass clazz, jint fd, jobject buf, jint pos, jint limit) {
    (void) clazz;
    char *base = buf == NULL ? NULL : (*env)->GetDirectBufferAddress(env, buf);
    if (base == NULL || limit < pos) {
        return -EINVAL;
    }
    return (jint) ct_result(write(fd, base + pos, (size_t) (limit - pos)));
}

static jint ct_nfd_write_address(JNIEnv *env, jclass clazz, jint fd, jlong address, jint pos, jint limit) {
    (void) env; (void) clazz;
    if (limit < pos) {
        return -EINVAL;
    }
    return (jint) ct_result(write(fd, (char *) CT_PTR(address) + pos, (size_t) (limit - pos)));
}

static jlong ct_nfd_writev(JNIEnv *env, jclass clazz, jint fd, jobjectArray buffers, jint offset, jint length,
                           jlong max_bytes) {
    (void) clazz;
    struct iovec iov[IOV_MAX];
    if (buffers == NULL || length < 0 || length > IOV_MAX) {
        return -EINVAL;
    }
    int count = 0;
    jlong total = 0;
    for (jint i = offset; i < offset + length && total < max_bytes; i++) {
        jobject b = (*env)->GetObjectArrayElement(env, buffers, i);
        if (b == NULL) {
            return -EINVAL;
        }
        char *base = (*env)->GetDirectBufferAddress(env, b);
        jclass bc = (*env)->GetObjectClass(env, b);
        jmethodID position = (*env)->GetMethodID(env, bc, "position", "()I");
        jmethodID limit = (*env)->GetMethodID(env, bc, "limit", "()I");
        jint p = position == NULL ? 0 : (*env)->CallIntMethod(env, b, position);
        jint l = limit == NULL ? 0 : (*env)->CallIntMethod(env, b, limit);
        (*env)->DeleteLocalRef(env, bc);
        (*env)->DeleteLocalRef(env, b);
        if (base == NULL || (*env)->ExceptionCheck(env)) {
            return -EINVAL;
        }
        jlong len = l - p;
        if (total + len > max_bytes) {
            len = max_bytes - total;
        }
        iov[count].iov_base = base + p;
        iov[count].iov_len = (size_t) len;
        count++;
        total += len;
    }
    return ct_result(writev(fd, iov, count));
}

static jlong ct_nfd_writev_addresses(JNIEnv *env, jclass clazz, jint fd, jlong address, jint length) {
    (void) env; (void) clazz;
    return ct_result(writev(fd, CT_PTR(address), length));
}

static jint ct_nfd_read(JNIEnv *env, jclass clazz, jint fd, jobject buf, jint pos, jint limit) {
    (void) clazz;
    char *base = buf == NULL ? NULL : (*env)->GetDirectBufferAddress(env, buf);
    if (base == NULL || limit < pos) {
        return -EINVAL;
    }
    return (jint) ct_result(read(fd, base + pos, (size_t) (limit - pos)));
}

static jint ct_nfd_read_address(JNIEnv *env, jclass clazz, jint fd, jlong address, jint pos, jint limit) {
    (void) env; (void) clazz;
    if (limit < pos) {
        return -EINVAL;
    }
    return (jint) ct_result(read(fd, (char *) CT_PTR(address) + pos, (size_t) (limit - pos)));
}

static jlong ct_nfd_new_pipe(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    int fds[2];
    int rc = ct_os_pipe(fds);
    if (rc < 0) {
        return rc;
    }
    return ((jlong) fds[0] << 32) | (uint32_t) fds[1];
}

static const JNINativeMethod ct_netty_fd_methods[] = {
    { "open", "(Ljava/lang/String;)I", (void *) ct_nfd_open },
    { "close", "(I)I", (void *) ct_nfd_close },
    { "write", "(ILjava/nio/ByteBuffer;II)I", (void *) ct_nfd_write },
    { "writeAddress", "(IJII)I", (void *) ct_nfd_write_address },
    { "writev", "(I[Ljava/nio/ByteBuffer;IIJ)J", (void *) ct_nfd_writev },
    { "writevAddresses", "(IJI)J", (void *) ct_nfd_writev_addresses },
    { "read", "(ILjava/nio/ByteBuffer;II)I", (void *) ct_nfd_read },
    { "readAddress", "(IJII)I", (void *) ct_nfd_read_address },
    { "newPipe", "()J", (void *) ct_nfd_new_pipe },
};

#define CT_ERRNO_GETTER(fn, value) \
    static jint fn(JNIEnv *env, jclass clazz) { (void) env; (void) clazz; return (value); }

CT_ERRNO_GETTER(ct_e_enoent, ENOENT)
CT_ERRNO_GETTER(ct_e_ebadf, EBADF)
CT_ERRNO_GETTER(ct_e_epipe, EPIPE)
CT_ERRNO_GETTER(ct_e_econnreset, ECONNRESET)
CT_ERRNO_GETTER(ct_e_enotconn, ENOTCONN)
CT_ERRNO_GETTER(ct_e_eagain, EAGAIN)
CT_ERRNO_GETTER(ct_e_ewouldblock, EWOULDBLOCK)
CT_ERRNO_GETTER(ct_e_einprogress, EINPROGRESS)
CT_ERRNO_GETTER(ct_e_econnrefused, ECONNREFUSED)
CT_ERRNO_GETTER(ct_e_eisconn, EISCONN)
CT_ERRNO_GETTER(ct_e_ealready, EALREADY)
CT_ERRNO_GETTER(ct_e_enetunreach, ENETUNREACH)
CT_ERRNO_GETTER(ct_e_ehostunreach, EHOSTUNREACH)

static jstring ct_e_str_error(JNIEnv *env, jclass clazz, jint err) {
    (void) clazz;
    return ct_strerror_string(env, err);
}

static const JNINativeMethod ct_netty_errors_methods[] = {
    { "errnoENOENT", "()I", (void *) ct_e_enoent },
    { "errnoEBADF", "()I", (void *) ct_e_ebadf },
    { "errnoEPIPE", "()I", (void *) ct_e_epipe },
    { "errnoECONNRESET", "()I", (void *) ct_e_econnreset },
    { "errnoENOTCONN", "()I", (void *) ct_e_enotconn },
    { "errnoEAGAIN", "()I", (void *) ct_e_eagain },
    { "errnoEWOULDBLOCK", "()I", (void *) ct_e_ewouldblock },
    { "errnoEINPROGRESS", "()I", (void *) ct_e_einprogress },
    { "errorECONNREFUSED", "()I", (void *) ct_e_econnrefused },
    { "errorEISCONN", "()I", (void *) ct_e_eisconn },
    { "errorEALREADY", "()I", (void *) ct_e_ealready },
    { "errorENETUNREACH", "()I", (void *) ct_e_enetunreach },
    { "errorEHOSTUNREACH", "()I", (void *) ct_e_ehostunreach },
    { "strError", "(I)Ljava/lang/String;", (void *) ct_e_str_error },
};

static jlong ct_l_ssize_max(JNIEnv *env, jclass clazz) { (void) env; (void) clazz; return SSIZE_MAX; }
static jint ct_l_iov_max(JNIEnv *env, jclass clazz) { (void) env; (void) clazz; return IOV_MAX; }
static jint ct_l_uio_max_iov(JNIEnv *env, jclass clazz) { (void) env; (void) clazz; return UIO_MAXIOV; }
static jint ct_l_sizeof_jlong(JNIEnv *env, jclass clazz) { (void) env; (void) clazz; return sizeof(jlong); }
static jint ct_l_sun_path_size(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return (jint) sizeof(((struct sockaddr_un *) 0)->sun_path);
}

static const JNINativeMethod ct_netty_limits_methods[] = {
    { "ssizeMax", "()J", (void *) ct_l_ssize_max },
    { "iovMax", "()I", (void *) ct_l_iov_max },
    { "uioMaxIov", "()I", (void *) ct_l_uio_max_iov },
    { "sizeOfjlong", "()I", (void *) ct_l_sizeof_jlong },
    { "udsSunPathSize", "()I", (void *) ct_l_sun_path_size },
};

/*
 * Binds the natives above to the classes Java passes (Netty's FileDescriptor, ErrorsStaticallyReferencedJniMethods
 * and LimitsStaticallyReferencedJniMethods, wherever a user's shading put them; null skips one). Called from Java
 * after loading, never from JNI_OnLoad, because it takes classes Java has already resolved. 0, or -1 with the
 * NoSuchMethodError pending (the Netty version does not match).
 */
jint ct_register_netty_unix(JNIEnv *env, jclass clazz, jclass fd_class, jclass errors_class,
                                   jclass limits_class) {
    (void) clazz;
    if (fd_class != NULL && (*env)->RegisterNatives(env, fd_class, ct_netty_fd_methods,
                                                    CT_ARRAY_LENGTH(ct_netty_fd_methods)) != JNI_OK) {
        return -1;
    }
    if (errors_class != NULL && (*env)->RegisterNatives(env, errors_class, ct_netty_errors_methods,
                                                        CT_ARRAY_LENGTH(ct_netty_errors_methods)) != JNI_OK) {
        return -1;
    }
    if (limits_class != NULL && (*env)->RegisterNatives(env, limits_class, ct_netty_limits_methods,
                                                        CT_ARRAY_LENGTH(ct_netty_limits_methods)) != JNI_OK) {
        return -1;
    }
    return 0;
}

