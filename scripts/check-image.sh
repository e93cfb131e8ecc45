#!/usr/bin/env bash
# Runs the Dockerfile's final stage without a container engine, as close as this machine allows:
# a fresh Debian bookworm root from mmdebstrap stands in for debian:bookworm-slim, the .deb from
# scripts/package.sh stands in for the build stage's (the build stage runs the same scripts), and
# the final stage's RUN, USER, WORKDIR and ENTRYPOINT are read from the Dockerfile and carried out
# with chroot. Then the entrypoint runs as that user.
#
# Opt-in (not part of scripts/test.sh): it needs root, mmdebstrap (apt-get install mmdebstrap)
# and about 200 MB from the Debian mirror per run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root (chroot)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "check-image: apt-get install mmdebstrap" >&2; exit 1; }

deb=$(scripts/package.sh | tee /dev/stderr | tail -n 1 | sed -n 's/^package: ok: //p')
[ -f "$deb" ] || { echo "check-image: scripts/package.sh made no .deb" >&2; exit 1; }

root=$(mktemp -d)
cleanup() {
  umount "$root/proc" "$root/dev" 2>/dev/null || true
  if mountpoint -q "$root/proc" || mountpoint -q "$root/dev"; then
    echo "check-image: $root still has mounts; left it in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT

# The final stage: everything after the last FROM.
final=$(awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END{printf "%s", stage}' Dockerfile)
grep -q '^FROM debian:bookworm-slim$' <<<"$final" || { echo "check-image: final stage is not debian:bookworm-slim" >&2; exit 1; }
run=$(awk '/^RUN /{on=1; sub(/^RUN /, "")} on{print; if ($0 !~ /\\$/) on=0}' <<<"$final")
user=$(sed -n 's/^USER //p' <<<"$final" | tail -n 1)
workdir=$(sed -n 's/^WORKDIR //p' <<<"$final" | tail -n 1)
entrypoint=$(sed -n 's/^ENTRYPOINT //p' <<<"$final" | tail -n 1)
[ "$entrypoint" = '["fetchpool"]' ] || { echo "check-image: ENTRYPOINT is $entrypoint" >&2; exit 1; }
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] \
  || { echo "check-image: the image must not run as root (USER '$user')" >&2; exit 1; }

echo "--- mmdebstrap bookworm (standing in for debian:bookworm-slim)"
mmdebstrap --quiet --variant=apt --mode=root bookworm "$root"
mkdir -p "$root/tmp/packages"
cp "$deb" "$root/tmp/packages/"   # COPY --from=build /src/build/packages/*.deb /tmp/packages/
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount --bind /proc "$root/proc"
mount --bind /dev "$root/dev"

echo "--- RUN (from the Dockerfile)"
echo "$run"
chroot "$root" /bin/sh -c "$run"

echo "--- as USER $user in WORKDIR $workdir: fetchpool"
chroot --userspec="$user" "$root" /bin/sh -c "
  set -e
  cd '$workdir'
  id
  fetchpool --version
  touch written && rm written && echo 'WORKDIR is writable'
  status=0
  printf 'http://127.0.0.1:1/\n' | fetchpool --no-progress || status=\$?
  test \$status -eq 1
  ! command -v c++ && ! command -v cmake && echo 'no toolchain in the image'
  test -s /etc/ssl/certs/ca-certificates.crt && echo 'CA certificates present'
"
echo "check-image: ok"
