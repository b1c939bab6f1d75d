/*
 * The kqueue backend (macOS, FreeBSD and the other BSDs): the natives of KqueueNative. Terse on purpose; the
 * contract is in KqueueNative's Javadoc and poller.h.
 *
 * Java writes the change list (struct kevent entries) into off-heap memory itself, at the offsets constants()
 * reports, and hands it to the next wait: interest changes and the wait are one kevent call.
 *
 * CT_KQUEUE_EMULATION is defined when this file is built on Linux against libkqueue (a test-only build, see
 * build.sh). The emulation is not the kernel; where it differs, the Java side is told through constants().
 */
#include <fcntl.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include "poller.h"

#define CT_NANOS_PER_SECOND 1000000000LL

/* Java writes and reads the entries with 64-bit, 16-bit and 32-bit accesses at these offsets. */
_Static_assert(sizeof(((struct kevent *) 0)->ident) == 8, "kevent.ident must be 64-bit");
_Static_assert(sizeof(((struct kevent *) 0)->filter) == 2, "kevent.filter must be 16-bit");
_Static_assert(sizeof(((struct kevent *) 0)->flags) == 2, "kevent.flags must be 16-bit");
_Static_assert(sizeof(((struct kevent *) 0)->fflags) == 4, "kevent.fflags must be 32-bit");
_Static_assert(sizeof(((struct kevent *) 0)->data) == 8, "kevent.data must be 64-bit");
_Static_assert(sizeof(((struct kevent *) 0)->udata) == 8, "kevent.udata must be 64-bit");
_Static_assert(sizeof(time_t) == 8, "the timeout cap assumes a 64-bit time_t");

#ifdef CT_KQUEUE_EMULATION
#define CT_KQUEUE_EMULATED 1
#else
#define CT_KQUEUE_EMULATED 0
#endif

int ct_poller_backend(void) {
    return CT_BACKEND_KQUEUE;
}

static void ct_kqueue_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        EVFILT_READ, EVFILT_WRITE, EVFILT_USER,
        EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE, EV_CLEAR, EV_RECEIPT, EV_EOF, EV_ERROR,
        (jint) NOTE_TRIGGER,
        (jint) sizeof(struct kevent),
        (jint) offsetof(struct kevent, ident), (jint) offsetof(struct kevent, filter),
        (jint) offsetof(struct kevent, flags), (jint) offsetof(struct kevent, fflags),
        (jint) offsetof(struct kevent, data), (jint) offsetof(struct kevent, udata),
        CT_KQUEUE_EMULATED,
        EBADF, ENOENT, EPIPE,
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static jint ct_kqueue_create(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    int kq = kqueue();
    if (kq < 0) {
        return -errno;
    }
    /* A kqueue is not inherited across fork(2), but its number would survive an exec: close it there. */
    if (fcntl(kq, F_SETFD, FD_CLOEXEC) < 0) {
        int err = errno;
        close(kq);
        return -err;
    }
    return kq;
}

/*
 * kevent(kq, changes, nchanges, events, nevents, timeout): applies the change list and collects events in one
 * call. A negative timeout blocks; Java caps huge ones (some kernels answer EINVAL to them). -EINTR is returned,
 * not retried: the changes were applied, and Java waits again with the time that remains.
 */
static jint ct_kqueue_kevent(JNIEnv *env, jclass clazz, jint kq, jlong changes, jint nchanges, jlong events,
                             jint nevents, jlong nanos) {
    (void) env; (void) clazz;
    struct timespec ts;
    struct timespec *timeout = NULL;
    if (nanos >= 0) {
        ts.tv_sec = (time_t) (nanos / CT_NANOS_PER_SECOND);
        ts.tv_nsec = (long) (nanos % CT_NANOS_PER_SECOND);
        timeout = &ts;
    }
    return (jint) ct_result(kevent(kq, CT_PTR(changes), nchanges, CT_PTR(events), nevents, timeout));
}

/* Registers the EVFILT_USER wakeup event (ident 0, EV_CLEAR so each trigger is reported once). */
static jint ct_kqueue_add_user(JNIEnv *env, jclass clazz, jint kq, jlong token) {
    (void) env; (void) clazz;
    struct kevent ev;
    EV_SET(&ev, 0, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, CT_PTR(token));
    return (jint) ct_result(kevent(kq, &ev, 1, NULL, 0, NULL));
}

/*
 * Any thread: triggers the EVFILT_USER event, making a blocked kevent return. The token goes along again because
 * a change to an existing event replaces its udata (FreeBSD does so for every change, NOTE_TRIGGER included).
 */
static jint ct_kqueue_trigger(JNIEnv *env, jclass clazz, jint kq, jlong token) {
    (void) env; (void) clazz;
    struct kevent ev;
    EV_SET(&ev, 0, EVFILT_USER, 0, NOTE_TRIGGER, 0, CT_PTR(token));
    return (jint) ct_result(kevent(kq, &ev, 1, NULL, 0, NULL));
}

static const JNINativeMethod ct_kqueue_methods[] = {
    { "constants", "([I)V", (void *) ct_kqueue_constants },
    { "create", "()I", (void *) ct_kqueue_create },
    { "kevent", "(IJIJIJ)I", (void *) ct_kqueue_kevent },
    { "addUserEvent", "(IJ)I", (void *) ct_kqueue_add_user },
    { "trigger", "(IJ)I", (void *) ct_kqueue_trigger },
};

const struct ct_natives ct_poller_natives = {
    "dev/customtransport/internal/KqueueNative", ct_kqueue_methods, CT_ARRAY_LENGTH(ct_kqueue_methods),
};
