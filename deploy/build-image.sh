#!/bin/sh
# Builds the `corral:local` image FROM scratch: the binaries (corral-scheduler, corral-agent,
# corral), the shared libraries they load, and the few host tools job scripts and the fault test
# use (sh, sleep, cat, ...) with theirs. No registry is needed or reached.
#   deploy/build-image.sh           release binaries (built here)
#   deploy/build-image.sh debug     the debug binaries `cargo test` already built (CI)
set -eu
profile=${1:-release}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
case "$profile" in
    release) cargo build --release --locked -p corral-scheduler -p corral-agent -p corral-ctl ;;
    debug) cargo build --locked -p corral-scheduler -p corral-agent -p corral-ctl ;;
    *) echo "build-image.sh: profile $profile: not release or debug" >&2; exit 2 ;;
esac
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/rootfs/usr/local/bin" "$context/rootfs/tmp" "$context/rootfs/data" "$context/rootfs/jobs"
for binary in corral-scheduler corral-agent corral; do
    cp "target/$profile/$binary" "$context/rootfs/usr/local/bin/"
done
tools="/bin/sh /bin/grep /bin/sleep /bin/cat /bin/echo /bin/ls /bin/mkdir /bin/rm /bin/date /usr/bin/env /usr/bin/seq /usr/bin/wc /usr/bin/head /usr/bin/tr /usr/bin/sort /usr/bin/uniq"
for tool in $tools; do
    mkdir -p "$context/rootfs$(dirname "$tool")"
    cp -L "$tool" "$context/rootfs$tool"
done
# Every shared library the binaries and tools load, at the same path.
for file in "$context"/rootfs/usr/local/bin/* $tools; do
    ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r lib; do
    mkdir -p "$context/rootfs$(dirname "$lib")"
    cp -L "$lib" "$context/rootfs$lib"
done
chmod 1777 "$context/rootfs/tmp" "$context/rootfs/jobs"
cp "$here/Dockerfile" "$context/"
docker build -q -t corral:local "$context"
echo "built corral:local"
