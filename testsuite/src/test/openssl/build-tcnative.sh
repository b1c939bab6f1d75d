#!/bin/sh
# Builds netty-tcnative's JNI library against this machine's OpenSSL, for the testsuite's openssl run
# (testsuite/pom.xml). The published io.netty:netty-tcnative (the dynamically linked flavour) of the newest version
# served here, 2.0.81, needs OpenSSL 3.2 (SSL_get0_group_name@OPENSSL_3.2.0), and Debian 12 has 3.0; its older ones
# need OpenSSL 1.0. Its sources jar holds the C files, with a fallback for OpenSSL before 3.2; Maven unpacks them, and
# netty-jni-util's, into the source directory. The library is named libnetty_tcnative.so, the last name Netty's
# loader tries, so it is found through java.library.path whatever the architecture.
#
#   build-tcnative.sh why-not            prints why it cannot build here in one line, or nothing
#   build-tcnative.sh <src dir> <out.so> builds
#
# Needs gcc, JAVA_HOME (a JDK), the OpenSSL and APR headers and libraries (Debian: libssl-dev libapr1-dev; at run
# time libssl3 and libapr1).
set -eu

cc="${CC:-gcc}"
apr_includes() {
  if command -v apr-1-config >/dev/null 2>&1; then
    apr-1-config --includes
  else
    echo "-I/usr/include/apr-1.0"
  fi
}

why_not() {
  command -v "$cc" >/dev/null 2>&1 || { echo "$cc is not on PATH"; return; }
  [ -f "${JAVA_HOME:-}/include/jni.h" ] || { echo "no jni.h under JAVA_HOME=${JAVA_HOME:-<unset>}"; return; }
  probe="${TMPDIR:-/tmp}/tcnative-probe.$$"
  # The headers and the libraries the build links against: one tiny program shows that all are there.
  if ! printf '#include <openssl/ssl.h>\n#include <apr.h>\nint main(void) { return SSL_library_init() && 0; }\n' \
      | "$cc" $(apr_includes) -x c - -o "$probe" -lssl -lcrypto -lapr-1 >/dev/null 2>&1; then
    rm -f "$probe"
    echo "no OpenSSL or APR development files (apt-get install libssl-dev libapr1-dev)"
    return
  fi
  rm -f "$probe"
}

if [ "${1:-}" = why-not ]; then
  why_not
  exit 0
fi

src="${1:?source directory}"
out="${2:?output library}"
mkdir -p "$(dirname "$out")"
# -w: the warnings are netty-tcnative's (OpenSSL 3.0 deprecations), not ours to fix.
"$cc" -O2 -fPIC -shared -w -D_REENTRANT -D_GNU_SOURCE $(apr_includes) -I"$src" \
  -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" \
  "$src"/*.c -o "$out" -lssl -lcrypto -lapr-1
