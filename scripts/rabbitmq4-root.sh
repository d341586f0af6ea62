#!/usr/bin/env bash
# Prepares a Debian 13 (trixie) root holding rabbitmq-server 4.0.x (Erlang 27), from which the
# integration tests start RabbitMQ 4 nodes through chroot (RabbitMqNode, with
# -Dtether.it.rabbitmq-root=DIR). Debian 12, the machine's own system, ships only 3.10.8.
#
#   scripts/rabbitmq4-root.sh [DIR]      (default /var/cache/tether/trixie-rabbitmq4; run as root)
#
# Prints DIR (and only DIR) on standard output when the root is ready; everything else goes to
# standard error. Idempotent and cached on the machine:
# - the root is built once with `debootstrap --variant=minbase --include=rabbitmq-server trixie`
#   (about a minute, from Debian's archive); DIR/.tether-ready is written only after the root was
#   built completely and its rabbitmq-server checked, so a half-built root (an interrupted run) is
#   removed and built again;
# - proc is mounted on DIR/proc and /dev bound on DIR/dev unless they already are.
# Undo: umount DIR/proc DIR/dev && rm -rf DIR.
set -euo pipefail

root=${1:-${TETHER_RABBITMQ4_ROOT:-/var/cache/tether/trixie-rabbitmq4}}
suite=trixie
mirror=${TETHER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
marker="$root/.tether-ready"

say() { echo "rabbitmq4-root: $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap, mount and chroot need it)"

is_mounted() { # true when $1 is a mount point
    awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/self/mounts
}

mount_into_root() {
    mkdir -p "$root/proc" "$root/dev"
    is_mounted "$root/proc" || mount -t proc proc "$root/proc"
    is_mounted "$root/dev" || mount --bind /dev "$root/dev"
}

unmount_root() {
    for m in "$root/dev" "$root/proc"; do
        if is_mounted "$m"; then umount "$m" || umount -l "$m"; fi
    done
}

# The version of rabbitmq-server installed in the root, from its dpkg database.
root_version() {
    chroot "$root" dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null
}

verify_root() {
    [ -x "$root/usr/lib/rabbitmq/bin/rabbitmq-server" ] && [ -x "$root/usr/lib/rabbitmq/bin/rabbitmqctl" ] \
        && [ -n "$(root_version)" ]
}

if [ -f "$marker" ] && verify_root; then
    mount_into_root
    say "cached root $root with rabbitmq-server $(root_version)"
    echo "$root"
    exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y debootstrap >&2 || { apt-get update >&2 && apt-get install -y debootstrap >&2; } \
        || fail "cannot install debootstrap from the machine's apt sources"
fi

# A clear message when Debian's archive is unreachable, before a long debootstrap fails obscurely.
archive_reachable() { # without wget or curl, debootstrap's own failure message has to do
    if command -v wget >/dev/null 2>&1; then
        wget -q -O /dev/null --timeout=20 --tries=2 "$mirror/dists/$suite/Release"
    elif command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 20 --retry 1 "$mirror/dists/$suite/Release"
    fi
}
if ! archive_reachable; then
    fail "cannot reach Debian's archive ($mirror/dists/$suite/Release): the RabbitMQ 4 root cannot be built
  without it. Check the network (or set TETHER_DEBIAN_MIRROR to a reachable Debian mirror) and run again."
fi

if [ -e "$root" ]; then
    say "removing the incomplete root $root (no $marker)"
    unmount_root
    rm -rf --one-file-system "$root"
fi
mkdir -p "$(dirname "$root")"
say "building $root: debootstrap --variant=minbase --include=rabbitmq-server $suite (about a minute)"
begin=$(date +%s)
if ! debootstrap --variant=minbase --include=rabbitmq-server "$suite" "$root" "$mirror" >&2; then
    unmount_root
    fail "debootstrap of $suite into $root failed (see its output above, and $root/debootstrap/debootstrap.log
  if it exists). If it could not download packages, Debian's archive ($mirror) is unreachable."
fi
mount_into_root
verify_root || fail "$root has no working rabbitmq-server after debootstrap"
# Debian's postinst may have started processes in the root (epmd did here); the tests start
# their own. End those whose root is this one, by process id.
for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$(readlink -f "$root")" ]; then
        say "ending process ${p#/proc/} left by the installation: $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)"
        kill "${p#/proc/}" 2>/dev/null || true
    fi
done
date -u +%FT%TZ > "$marker"
say "built $root with rabbitmq-server $(root_version) in $(( $(date +%s) - begin )) s"
echo "$root"
