#!/usr/bin/env bash
# Builds the comparison runner's C programs (the load generator and the raw epoll echo server); run by Maven.
#
#   build.sh <output dir>
#
# Environment: CC (default gcc). The programs land in <output dir>, which is inside the jar, so the runner can
# extract them next to its results.
set -euo pipefail
out_dir=${1:?usage: build.sh <output dir>}
src_dir=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-gcc}
cflags=(-std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE)
mkdir -p "$out_dir"
"$cc" "${cflags[@]}" -o "$out_dir/loadgen.tmp" "$src_dir/loadgen_main.c" "$src_dir/stream.c" "$src_dir/churn.c" \
    "$src_dir/idle.c" "$src_dir/bench.c"
"$cc" "${cflags[@]}" -o "$out_dir/echo_server.tmp" "$src_dir/echo_server.c" "$src_dir/bench.c"
mv -f "$out_dir/loadgen.tmp" "$out_dir/loadgen"
mv -f "$out_dir/echo_server.tmp" "$out_dir/echo_server"
