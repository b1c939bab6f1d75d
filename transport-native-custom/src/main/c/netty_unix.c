/*
 * The natives of Netty's own unix types (io.netty.channel.unix.FileDescriptor, ErrorsStaticallyReferencedJniMethods,
 * LimitsStaticallyReferencedJniMethods, Buffer), so that applications can keep using those types with our channels
 * when no Netty native library is loaded. Portable POSIX: compiled on every platform.
 *
 * Netty adds natives to these classes from one 4.2.x release to the next (4.2.20 added errnoENAMETOOLONG), and
 * RegisterNatives fails as a whole when one method of its list is not declared. So nothing here registers a fixed
 * list: Java (NettyUnix) walks the natives the running Netty declares and asks for each one by name and signature
 * (NettyUnixNative.bind). A method this Netty lacks is never asked for; one we lack is reported back.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "faults.h"
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
    /* EINTR: the descriptor is released anyway (see socket.c's close). */
    if (ct_sys_close(fd) < 0 && errno != EINTR) {
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
    if (buffers == NULL || offset < 0 || length < 0 || length > IOV_MAX
            || offset > (*env)->GetArrayLength(env, buffers) - length) {
        return -EINVAL;
    }
    /* Netty's FileDescriptor.writev(ByteBuffer[], ...): not on our I/O path, so the positions are asked of Java;
     * every call into Java is checked before the next JNI call (-Xcheck:jni holds us to that). */
    jclass buffer_class = (*env)->FindClass(env, "java/nio/Buffer");
    if (buffer_class == NULL) {
        return -ENOMEM; /* the NoClassDefFoundError stays pending for the caller */
    }
    jmethodID position = (*env)->GetMethodID(env, buffer_class, "position", "()I");
    jmethodID limit = position == NULL ? NULL : (*env)->GetMethodID(env, buffer_class, "limit", "()I");
    (*env)->DeleteLocalRef(env, buffer_class);
    if (limit == NULL) {
        return -ENOMEM;
    }
    int count = 0;
    jlong total = 0;
    for (jint i = offset; i < offset + length && total < max_bytes; i++) {
        jobject b = (*env)->GetObjectArrayElement(env, buffers, i);
        if (b == NULL) {
            return (*env)->ExceptionCheck(env) ? -ENOMEM : -EINVAL;
        }
        char *base = (*env)->GetDirectBufferAddress(env, b);
        jint p = (*env)->CallIntMethod(env, b, position);
        if ((*env)->ExceptionCheck(env)) {
            (*env)->DeleteLocalRef(env, b);
            return -ENOMEM;
        }
        jint l = (*env)->CallIntMethod(env, b, limit);
        (*env)->DeleteLocalRef(env, b);
        if ((*env)->ExceptionCheck(env)) {
            return -ENOMEM;
        }
        if (base == NULL || l < p) {
            return -EINVAL; /* a heap buffer: Netty only passes direct ones */
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
CT_ERRNO_GETTER(ct_e_enametoolong, ENAMETOOLONG)

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
    { "errnoENAMETOOLONG", "()I", (void *) ct_e_enametoolong }, /* Netty 4.2.20+ */
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

/* io.netty.channel.unix.Buffer: used when Netty runs without sun.misc.Unsafe (-Dio.netty.noUnsafe=true). */
static jint ct_b_address_size(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return (jint) sizeof(void *);
}

static jlong ct_b_memory_address(JNIEnv *env, jclass clazz, jobject buffer) {
    (void) clazz;
    return buffer == NULL ? 0 : (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

static jobject ct_b_wrap_memory_address(JNIEnv *env, jclass clazz, jlong address, jint length) {
    (void) clazz;
    /* Netty's contract: a direct ByteBuffer over memory it owns; NULL (with the JVM's exception) if impossible. */
    return (*env)->NewDirectByteBuffer(env, CT_PTR(address), length);
}

static const JNINativeMethod ct_netty_buffer_methods[] = {
    { "addressSize0", "()I", (void *) ct_b_address_size },
    { "memoryAddress0", "(Ljava/nio/ByteBuffer;)J", (void *) ct_b_memory_address },
    { "wrapMemoryAddress", "(JI)Ljava/nio/ByteBuffer;", (void *) ct_b_wrap_memory_address },
};

/* Indexed by NettyUnixNative's TABLE_* constants; the two lists must change together. */
static const struct {
    const JNINativeMethod *methods;
    jint count;
} ct_netty_tables[] = {
    { ct_netty_fd_methods, CT_ARRAY_LENGTH(ct_netty_fd_methods) },
    { ct_netty_errors_methods, CT_ARRAY_LENGTH(ct_netty_errors_methods) },
    { ct_netty_limits_methods, CT_ARRAY_LENGTH(ct_netty_limits_methods) },
    { ct_netty_buffer_methods, CT_ARRAY_LENGTH(ct_netty_buffer_methods) },
};

/*
 * NettyUnixNative.bind: registers our implementation of the native `name` with JNI signature `signature` on
 * `owner`, one of Netty's unix classes (wherever shading put it), looked up in table `table`.
 * 0 = bound; 1 = we have no implementation of that name and signature (the caller names it in the load failure);
 * -EINVAL = no such table or a null argument; -1 = RegisterNatives refused, with its NoSuchMethodError pending.
 * Called from Java after loading, never from JNI_OnLoad: it takes classes Java has already resolved.
 */
static jint ct_netty_bind(JNIEnv *env, jclass clazz, jclass owner, jint table, jstring name, jstring signature) {
    (void) clazz;
    if (owner == NULL || name == NULL || signature == NULL || table < 0
            || table >= CT_ARRAY_LENGTH(ct_netty_tables)) {
        return -EINVAL;
    }
    const char *n = (*env)->GetStringUTFChars(env, name, NULL);
    if (n == NULL) {
        return -ENOMEM;
    }
    const char *sig = (*env)->GetStringUTFChars(env, signature, NULL);
    if (sig == NULL) {
        (*env)->ReleaseStringUTFChars(env, name, n);
        return -ENOMEM;
    }
    jint rc = 1;
    for (jint i = 0; i < ct_netty_tables[table].count; i++) {
        const JNINativeMethod *m = &ct_netty_tables[table].methods[i];
        if (strcmp(m->name, n) == 0 && strcmp(m->signature, sig) == 0) {
            rc = (*env)->RegisterNatives(env, owner, m, 1) == JNI_OK ? 0 : -1;
            break;
        }
    }
    (*env)->ReleaseStringUTFChars(env, signature, sig);
    (*env)->ReleaseStringUTFChars(env, name, n);
    return rc;
}

static const JNINativeMethod ct_netty_unix_methods[] = {
    { "bind", "(Ljava/lang/Class;ILjava/lang/String;Ljava/lang/String;)I", (void *) ct_netty_bind },
};

const struct ct_natives ct_netty_unix_natives = {
    "dev/customtransport/internal/NettyUnixNative", ct_netty_unix_methods, CT_ARRAY_LENGTH(ct_netty_unix_methods),
};
