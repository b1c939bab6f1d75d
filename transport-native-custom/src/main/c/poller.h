/*
 * The poller backend contract. Exactly one backend file is compiled per OS (poller_epoll.c on Linux,
 * poller_kqueue.c on the BSDs and macOS); each defines the symbols below and nothing else visible to the other
 * files. Its natives follow transport.h: one syscall per call, result or -errno, no Java objects, and the kernel
 * writes events straight into the caller's off-heap ring (eventsAddress), which Java decodes in place.
 */
#ifndef CT_POLLER_H
#define CT_POLLER_H

#include "transport.h"

/* The values SystemNative.backend() reports. */
#define CT_BACKEND_EPOLL 1
#define CT_BACKEND_KQUEUE 2

/* Which backend this library was compiled with (one of the values above). */
int ct_poller_backend(void);

/* The backend's natives: EpollNative or KqueueNative. */
extern const struct ct_natives ct_poller_natives;

#endif /* CT_POLLER_H */
