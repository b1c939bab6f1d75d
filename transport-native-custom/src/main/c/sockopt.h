/*
 * The per-OS table behind SocketNative.getOption/setOption (sockopt_linux.c, sockopt_bsd.c): it maps the option
 * ids of SocketNative (Java) to this platform's (level, optname) and says how the value crosses the boundary.
 * socket.c does the getsockopt/setsockopt itself.
 */
#ifndef CT_SOCKOPT_H
#define CT_SOCKOPT_H

#include <jni.h>

/* How an option's value is carried. */
enum ct_optkind {
    CT_OPT_INT,     /* a plain int */
    CT_OPT_LINGER,  /* struct linger, whose l_linger is in seconds; Java sees seconds, or -1 for off */
};

struct ct_sockopt {
    int level;
    int name;
    enum ct_optkind kind;
};

/* Fills *out for a SocketNative option id: 0, or -ENOPROTOOPT for an id this platform does not have. */
int ct_sockopt_find(jint id, struct ct_sockopt *out);

#endif /* CT_SOCKOPT_H */
