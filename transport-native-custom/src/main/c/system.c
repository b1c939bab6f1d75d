/*
 * SystemNative: the errno numbers of this OS, their text, and which backend was compiled. Side-effect free, so
 * these are the first natives the loader calls.
 */
#include <string.h>

#include "poller.h"

/* In the order of Errno.NAMES (Java); the two lists must change together. */
static const int ct_errno_values[] = {
    EAGAIN, EWOULDBLOCK, EBADF, ENOTCONN, ECONNREFUSED, ECONNRESET, EPIPE, EINPROGRESS,
    EALREADY, EISCONN, ENETUNREACH, EHOSTUNREACH, EINTR, ENOENT, EMFILE, ENFILE, ENOBUFS,
    ENOMEM, ETIMEDOUT, EADDRINUSE, EADDRNOTAVAIL, ECONNABORTED, EINVAL, EOPNOTSUPP,
    ENOPROTOOPT, ENOSYS, EPERM, EACCES, ENOTSOCK, EFAULT, EMSGSIZE, EAFNOSUPPORT, ENOTDIR,
    EEXIST, ESHUTDOWN, EPROTOTYPE, ENAMETOOLONG,
};

static void ct_errno_values_native(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    jint values[CT_ARRAY_LENGTH(ct_errno_values)];
    for (jint i = 0; i < CT_ARRAY_LENGTH(ct_errno_values); i++) {
        values[i] = ct_errno_values[i];
    }
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

/*
 * strerror_r comes in two shapes: glibc with _GNU_SOURCE returns a char * (which may or may not point into buf),
 * while musl and the BSDs follow XSI and return 0 or an error number, writing into buf. _Generic picks the right
 * reading from the declared return type, so neither a libc list nor a feature-macro guess is needed.
 */
static const char *ct_strerror_gnu(char *text, const char *buf) {
    (void) buf;
    return text;
}

static const char *ct_strerror_xsi(int rc, const char *buf) {
    return rc == 0 ? buf : NULL;
}

#define CT_STRERROR(e, buf, len) \
    _Generic(strerror_r((e), (buf), (len)), char *: ct_strerror_gnu, default: ct_strerror_xsi)( \
        strerror_r((e), (buf), (len)), (buf))

jstring ct_strerror_string(JNIEnv *env, int err) {
    char buf[256];
    char text[256];
    buf[0] = '\0';
    const char *found = CT_STRERROR(err, buf, sizeof(buf));
    if (found == NULL || found[0] == '\0') {
        found = "unknown error";
    }
    /* NewStringUTF wants modified UTF-8; a localised message may be in any encoding, so keep it to ASCII. */
    size_t i = 0;
    for (; found[i] != '\0' && i < sizeof(text) - 1; i++) {
        unsigned char c = (unsigned char) found[i];
        text[i] = (char) (c < 0x20 || c > 0x7e ? '?' : c);
    }
    text[i] = '\0';
    /* Not on the hot path: only called to build an exception message. */
    return (*env)->NewStringUTF(env, text);
}

static jstring ct_strerror(JNIEnv *env, jclass clazz, jint err) {
    (void) clazz;
    return ct_strerror_string(env, err);
}

static jint ct_backend(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return ct_poller_backend();
}

static const JNINativeMethod ct_system_methods[] = {
    { "errnoValues", "([I)V", (void *) ct_errno_values_native },
    { "strerror", "(I)Ljava/lang/String;", (void *) ct_strerror },
    { "backend", "()I", (void *) ct_backend },
};

const struct ct_natives ct_system_natives = {
    "dev/customtransport/internal/SystemNative", ct_system_methods, CT_ARRAY_LENGTH(ct_system_methods),
};
