#!/usr/bin/env bash
# Compiles the JNI layer into one shared library; run by Maven (exec-maven-plugin, compile phase).
#
#   build.sh <output dir> <os> <arch>
#
# <os> and <arch> name the file (<output dir>/libcustomtransport_<os>_<arch>.so, as the Java loader looks for it),
# and <os> (with the emulation below) chooses the per-OS sources: this script is the one place that lists them.
#
# Environment: CC (default gcc; the cross compiler for linux-aarch_64 on an x86_64 host, see pom.xml), JAVA_HOME
# (the JDK whose include/ to use), CT_EXTRA_CFLAGS / CT_EXTRA_LDFLAGS
# (e.g. "-fsanitize=address,undefined").
#
# CT_KQUEUE_EMULATION_PREFIX (Linux only, for tests; Maven: -Dkqueue.emulation.prefix=<dir>): the install prefix of
# a libkqueue build. The kqueue backend (poller_kqueue.c) then replaces poller_epoll.c, compiled against
# libkqueue's <sys/event.h> and linked to its library (found at run time through the rpath), and the BSD datagram
# and kernel files (datagram_bsd.c, kernel_bsd.c, portable enough to build on Linux) replace the Linux ones, so that
# the tests run the natives macOS and FreeBSD ship; Linux's socket and option files stay (socket_linux.c,
# sockopt_linux.c). Such a library is for exercising that code here, never for shipping.
#
# CT_FAULT_INJECTION=1 (Linux with epoll only; Maven: the faults-native execution writes it to
# target/faults-native/, never into the jar): adds faults.c and -DCT_FAULTS, so that the syscalls of faults.h can
# fail on purpose at the rates the tests set (see faults.c). For tests only.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 <output dir> <os> <arch>" >&2
    exit 2
fi
out_dir=$1
os=$2
arch=$3
kqueue_prefix=${CT_KQUEUE_EMULATION_PREFIX:-}
fault_injection=${CT_FAULT_INJECTION:-}
if [ -n "$fault_injection" ] && [ "$os" != linux ]; then
    echo "build.sh: fault injection (CT_FAULT_INJECTION) wraps the Linux epoll natives only" >&2
    exit 1
fi
if [ -n "$fault_injection" ] && [ -n "$kqueue_prefix" ]; then
    echo "build.sh: fault-injection library skipped: it wraps the epoll natives, and this build emulates kqueue"
    exit 0
fi

# Every per-OS file, by role: the poller backend (poller.h), the socket calls whose form differs (sockos.h), the
# option table (sockopt.h), and the OS parts of DatagramNative (datagram.h) and KernelNative (kernel.h).
case "$os" in
    linux)
        if [ -n "$kqueue_prefix" ]; then
            per_os=(poller_kqueue.c socket_linux.c sockopt_linux.c datagram_bsd.c kernel_bsd.c) # the emulation
        else
            per_os=(poller_epoll.c socket_linux.c sockopt_linux.c datagram_linux.c kernel_linux.c)
        fi ;;
    osx|freebsd|openbsd|netbsd|dragonfly)
        if [ -n "$kqueue_prefix" ]; then
            echo "build.sh: kqueue.emulation.prefix is for Linux builds; $os has a kqueue of its own" >&2
            exit 1
        fi
        per_os=(poller_kqueue.c socket_bsd.c sockopt_bsd.c datagram_bsd.c kernel_bsd.c) ;;
    unsupported)
        echo "build.sh: no native build profile in pom.xml matches this platform ($arch)" >&2
        exit 1 ;;
    *)
        echo "build.sh: no native sources for the OS '$os'" >&2
        exit 1 ;;
esac

src_dir=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-gcc}
java_home=${JAVA_HOME:?JAVA_HOME must name a JDK}
jni_md_dir="$java_home/include/$os"
[ "$os" = osx ] && jni_md_dir="$java_home/include/darwin"

sources=()
common=(jni_onload.c system.c socket.c netty_unix.c unix.c datagram.c kernel.c)
[ -n "$fault_injection" ] && common+=(faults.c)
for s in "${common[@]}" "${per_os[@]}"; do
    sources+=("$src_dir/$s")
done

cflags=(-std=c11 -O2 -g -fPIC -Wall -Wextra -Werror -fvisibility=hidden -D_GNU_SOURCE -fno-omit-frame-pointer
        -I"$java_home/include" -I"$jni_md_dir")
case "$os" in
    linux) ldflags=(-shared -Wl,-z,relro,-z,now -Wl,--no-undefined -ldl) ;;
    osx) ldflags=(-shared -Wl,-undefined,error) ;;
    *) ldflags=(-shared -Wl,-z,relro,-z,now -Wl,--no-undefined) ;; # the BSDs: dlopen/dladdr are in libc
esac
[ -n "$fault_injection" ] && cflags+=(-DCT_FAULTS -pthread)
if [ -n "$kqueue_prefix" ]; then
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
