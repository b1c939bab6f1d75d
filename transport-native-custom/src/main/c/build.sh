#!/usr/bin/env bash
# Compiles the JNI layer into one shared library; run by Maven (exec-maven-plugin, process-classes phase).
#
#   build.sh <output dir> <os> <arch> <backend sources...>
#
# Environment: CC (default gcc; a cross compiler for linux-aarch_64 on an x86_64 host, see pom.xml), JAVA_HOME (the
# JDK whose include/ to use), CT_EXTRA_CFLAGS / CT_EXTRA_LDFLAGS (e.g. "-fsanitize=address,undefined"). The common
# sources are listed here; the per-OS ones (exactly one poller backend and one sockopt table) come from the Maven
# profile of the platform.
#
# CT_KQUEUE_EMULATION_PREFIX (Linux only, for tests; Maven: -Dkqueue.emulation.prefix=<dir>): the install prefix of
# a libkqueue build. The kqueue backend (poller_kqueue.c) then replaces poller_epoll.c, compiled against
# libkqueue's <sys/event.h> and linked to its library (found at run time through the rpath), and the BSD datagram
# and unix files (datagram_bsd.c, unix_bsd.c, portable enough to build on Linux) replace the Linux ones, so that
# the tests run the natives macOS and FreeBSD ship; Linux's socket and option files stay (socket_linux.c,
# sockopt_linux.c). Such a library is for exercising that code here, never for shipping.
set -euo pipefail

if [ $# -lt 4 ]; then
    echo "usage: $0 <output dir> <os> <arch> <backend sources...>" >&2
    exit 2
fi
out_dir=$1
os=$2
arch=$3
shift 3
case "$os" in
    unsupported)
        echo "build.sh: no native build profile in pom.xml matches this platform ($arch)" >&2
        exit 1 ;;
esac

src_dir=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-gcc}
java_home=${JAVA_HOME:?JAVA_HOME must name a JDK}
jni_md_dir="$java_home/include/$os"
[ "$os" = osx ] && jni_md_dir="$java_home/include/darwin"

kqueue_prefix=${CT_KQUEUE_EMULATION_PREFIX:-}
sources=("$src_dir/jni_onload.c" "$src_dir/errors.c" "$src_dir/socket.c" "$src_dir/netty_unix.c" "$src_dir/fdpass.c")
# socket_<os>.c holds the socket calls whose form differs (accept4, sendfile, pipe2). The datagram and unix natives
# come in a Linux form (recvmmsg/sendmmsg, GSO/GRO, SO_PEERCRED, splice, TCP_INFO) and a BSD one (loops of
# recvmsg/sendmsg, LOCAL_PEERCRED, the rest refused); the emulation build takes the BSD one (see above).
case "$os" in
    linux) sources+=("$src_dir/socket_linux.c")
           if [ -n "$kqueue_prefix" ]; then
               sources+=("$src_dir/datagram_bsd.c" "$src_dir/unix_bsd.c")
           else
               sources+=("$src_dir/datagram_linux.c" "$src_dir/unix_linux.c")
           fi ;;
    *) sources+=("$src_dir/socket_bsd.c" "$src_dir/datagram_bsd.c" "$src_dir/unix_bsd.c") ;; # macOS and the BSDs
esac
for s in "$@"; do
    if [ -n "$kqueue_prefix" ] && [ "$s" = poller_epoll.c ]; then
        s=poller_kqueue.c
    fi
    sources+=("$src_dir/$s")
done

cflags=(-std=c11 -O2 -g -fPIC -Wall -Wextra -Werror -fvisibility=hidden -D_GNU_SOURCE -fno-omit-frame-pointer
        -I"$java_home/include" -I"$jni_md_dir")
case "$os" in
    linux) ldflags=(-shared -Wl,-z,relro,-z,now -Wl,--no-undefined -ldl) ;;
    osx) ldflags=(-shared -Wl,-undefined,error) ;;
    *) ldflags=(-shared -Wl,-z,relro,-z,now -Wl,--no-undefined) ;; # the BSDs: dlopen/dladdr are in libc
esac
if [ -n "$kqueue_prefix" ]; then
    if [ "$os" != linux ]; then
        echo "build.sh: kqueue.emulation.prefix is for Linux builds; $os has a kqueue of its own" >&2
        exit 1
    fi
    if [ ! -f "$kqueue_prefix/include/kqueue/sys/event.h" ]; then
        echo "build.sh: no libkqueue headers under $kqueue_prefix/include/kqueue (kqueue.emulation.prefix)" >&2
        exit 1
    fi
    cflags+=(-DCT_KQUEUE_EMULATION -I"$kqueue_prefix/include/kqueue")
    ldflags+=(-L"$kqueue_prefix/lib" -Wl,-rpath,"$kqueue_prefix/lib" -lkqueue)
fi
# Word splitting is wanted here: the extra flags are a space-separated list.
# shellcheck disable=SC2206
extra_cflags=(${CT_EXTRA_CFLAGS:-})
# shellcheck disable=SC2206
extra_ldflags=(${CT_EXTRA_LDFLAGS:-})

mkdir -p "$out_dir"
lib="$out_dir/libcustomtransport_${os}_${arch}.so"
set -x
"$cc" "${cflags[@]}" "${extra_cflags[@]}" -o "$lib.tmp" "${sources[@]}" "${ldflags[@]}" "${extra_ldflags[@]}"
set +x
mv -f "$lib.tmp" "$lib"

# Which C library the file was linked against, so the Java loader can refuse a mismatch (glibc vs musl) with a
# reason instead of a dlopen error.
if [ "$os" = linux ]; then
    libc=glibc
    if "$cc" -dumpmachine | grep -q musl; then
        libc=musl
    fi
    echo "$libc" > "$out_dir/libcustomtransport_${os}_${arch}.libc"
fi
