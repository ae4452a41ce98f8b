#!/bin/sh
# Installs the Debian packages podcue's build, tests and demo need.
# Idempotent: does nothing when every package is already installed.
# Uses apt-get as root, sudo otherwise. libsystemd-dev: MPRIS (sd-bus);
# dbus-daemon, dbus-bin (dbus-run-session, dbus-send, dbus-monitor), systemd
# (busctl) and playerctl: tests/e2e/mpris.sh; dpkg-dev, debhelper and
# lintian: the Debian package (tests/e2e/package.sh); python3-mygpoclient
# (gPodder's client library, the other device), php-cli and php-sqlite3
# (oPodSync from ../shared): tests/e2e/sync.sh.
set -eu

PKGS="build-essential pkg-config
libncurses-dev libmpv-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev libjansson-dev
libcmocka-dev
clang libclang-rt-14-dev python3 tmux ffmpeg valgrind espeak-ng sqlite3 ncurses-term locales
libsystemd-dev dbus-daemon dbus-bin systemd playerctl
dpkg-dev
python3-mygpoclient php-cli php-sqlite3"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "podcue: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "podcue: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
