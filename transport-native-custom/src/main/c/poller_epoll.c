/*
 * The epoll backend: the natives of EpollNative. Terse on purpose; the contract is in EpollNative's Javadoc and
 * poller.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "poller.h"

/* epoll_pwait2 (Linux 5.11) has number 441 on every architecture we build for; older headers lack the name. */
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

/* epoll_pwait2 takes a struct __kernel_timespec; struct timespec has that layout only where time_t is 64-bit. */
_Static_assert(sizeof(time_t) == 8, "epoll_pwait2 needs a 64-bit time_t");

/* Per-epoll busy poll (Linux 6.9): the uapi layout of struct epoll_params and its ioctls, which glibc's
 * <sys/epoll.h> does not carry yet. The kernel rejects a non-zero pad and prefer_busy_poll above 1. */
struct ct_epoll_params {
    uint32_t busy_poll_usecs;
    uint16_t busy_poll_budget;
    uint8_t prefer_busy_poll;
    uint8_t pad;
};
_Static_assert(sizeof(struct ct_epoll_params) == 8, "struct epoll_params is 8 bytes in the kernel's uapi");
#define CT_EPIOCSPARAMS _IOW(0x8A, 0x01, struct ct_epoll_params)
#define CT_EPIOCGPARAMS _IOR(0x8A, 0x02, struct ct_epoll_params)

#define CT_NANOS_PER_SECOND 1000000000LL

int ct_poller_backend(void) {
    return CT_BACKEND_EPOLL;
}

static void ct_epoll_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        (jint) EPOLLIN, (jint) EPOLLOUT, (jint) EPOLLERR, (jint) EPOLLHUP, (jint) EPOLLRDHUP, (jint) EPOLLET,
        EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL,
        (jint) sizeof(struct epoll_event), (jint) offsetof(struct epoll_event, data),
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static jint ct_epoll_create(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return (jint) ct_result(epoll_create1(EPOLL_CLOEXEC));
}

static jint ct_epoll_ctl(JNIEnv *env, jclass clazz, jint epfd, jint op, jint fd, jint events, jlong token) {
    (void) env; (void) clazz;
    /* A non-NULL event even for EPOLL_CTL_DEL: kernels before 2.6.9 rejected NULL there. */
    struct epoll_event ev = { .events = (uint32_t) events, .data.u64 = (uint64_t) token };
    return (jint) ct_result(ct_sys_epoll_ctl(epfd, op, fd, &ev));
}

static jint ct_epoll_wait_millis(JNIEnv *env, jclass clazz, jint epfd, jlong events, jint max, jint millis) {
    (void) env; (void) clazz;
    /* EINTR goes back to Java, which waits again with the time that remains, not the original timeout. */
    return (jint) ct_result(ct_sys_epoll_wait(epfd, CT_PTR(events), max, millis));
}

static jint ct_epoll_wait_nanos(JNIEnv *env, jclass clazz, jint epfd, jlong events, jint max, jlong nanos) {
    (void) env; (void) clazz;
    struct timespec ts;
    struct timespec *timeout = NULL; /* NULL: block until an event */
    if (nanos >= 0) {
        ts.tv_sec = (time_t) (nanos / CT_NANOS_PER_SECOND);
        ts.tv_nsec = (long) (nanos % CT_NANOS_PER_SECOND);
        timeout = &ts;
    }
    /* Through syscall(2): glibc has a wrapper only since 2.35. The kernel ignores the sigset size when the mask
     * is NULL. ENOSYS (kernel before 5.11, or a seccomp filter) is returned as is: Java falls back once. */
    return (jint) ct_result(ct_sys_epoll_pwait2(epfd, CT_PTR(events), max, timeout));
}

static jint ct_epoll_busy_poll(JNIEnv *env, jclass clazz, jint epfd, jint micros, jint budget) {
    (void) env; (void) clazz;
    if (micros < 0 || budget < 0 || budget > UINT16_MAX) {
        return -EINVAL;
    }
    struct ct_epoll_params params = {
        .busy_poll_usecs = (uint32_t) micros, .busy_poll_budget = (uint16_t) budget, .prefer_busy_poll = 0,
    };
    return (jint) ct_result(ioctl(epfd, CT_EPIOCSPARAMS, &params));
}

static jint ct_epoll_busy_poll_micros(JNIEnv *env, jclass clazz, jint epfd) {
    (void) env; (void) clazz;
    struct ct_epoll_params params = { 0 };
    if (ioctl(epfd, CT_EPIOCGPARAMS, &params) < 0) {
        return -errno;
    }
    return params.busy_poll_usecs > INT32_MAX ? -EOVERFLOW : (jint) params.busy_poll_usecs;
}

static jint ct_event_fd(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return (jint) ct_result(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
}

static jint ct_event_fd_write(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    if (eventfd_write(fd, 1) == 0) {
        return 0;
    }
    if (errno != EAGAIN) {
        return -errno;
    }
    /* The counter is saturated, so the fd is readable and the loop will wake; drain it once and write again so
     * that this wakeup is still counted after the loop reads the counter. */
    eventfd_t ignored;
    if (eventfd_read(fd, &ignored) < 0 && errno != EAGAIN) {
        return -errno;
    }
    return (jint) ct_result(eventfd_write(fd, 1));
}

static jint ct_timer_fd(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    return (jint) ct_result(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
}

static jint ct_timer_fd_arm(JNIEnv *env, jclass clazz, jint fd, jlong nanos) {
    (void) env; (void) clazz;
    if (nanos < 0) {
        return -EINVAL;
    }
    /* One-shot (no interval); an all-zero it_value disarms. */
    struct itimerspec spec = {
        .it_value = { .tv_sec = (time_t) (nanos / CT_NANOS_PER_SECOND), .tv_nsec = (long) (nanos % CT_NANOS_PER_SECOND) },
    };
    return (jint) ct_result(timerfd_settime(fd, 0, &spec, NULL));
}

static const JNINativeMethod ct_epoll_methods[] = {
    { "constants", "([I)V", (void *) ct_epoll_constants },
    { "create", "()I", (void *) ct_epoll_create },
    { "ctl", "(IIIIJ)I", (void *) ct_epoll_ctl },
    { "waitMillis", "(IJII)I", (void *) ct_epoll_wait_millis },
    { "waitNanos", "(IJIJ)I", (void *) ct_epoll_wait_nanos },
    { "busyPoll", "(III)I", (void *) ct_epoll_busy_poll },
    { "busyPollMicros", "(I)I", (void *) ct_epoll_busy_poll_micros },
    { "eventFd", "()I", (void *) ct_event_fd },
    { "eventFdWrite", "(I)I", (void *) ct_event_fd_write },
    { "timerFd", "()I", (void *) ct_timer_fd },
    { "timerFdArm", "(IJ)I", (void *) ct_timer_fd_arm },
};

const struct ct_natives ct_poller_natives = {
    "dev/customtransport/internal/EpollNative", ct_epoll_methods, CT_ARRAY_LENGTH(ct_epoll_methods),
};
