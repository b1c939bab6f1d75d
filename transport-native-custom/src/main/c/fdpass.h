/* Descriptor passing (fdpass.c), registered by both unix natives tables. */
#ifndef CT_FDPASS_H
#define CT_FDPASS_H

#include "transport.h"

/* The most descriptors one received message may carry here; more are reported with MSG_CTRUNC. */
#define CT_MAX_FDS_PER_MESSAGE 16

jint ct_send_fd(JNIEnv *env, jclass clazz, jint socket_fd, jint fd);
jint ct_recv_fds(JNIEnv *env, jclass clazz, jint socket_fd, jintArray out);

#endif /* CT_FDPASS_H */
