#!/bin/sh
# End-to-end: podcue installed like a desktop program. `make install
# DESTDIR= PREFIX=/usr` installs exactly the program, the man page,
# config.example and podcue.desktop (Terminal=true, named by MPRIS's
# DesktopEntry), and the installed program runs; debian/ declares the
# libraries podcue links and libmpv, which it opens at run time.
#
# Building the .deb takes over a minute on two cores, so by default this
# checks debian/ and the install; PODCUE_DEB_BUILD=1 also runs
# `dpkg-buildpackage -us -uc -b` on a copy of the tree, checks the .deb's
# files and Depends, runs lintian (no errors) and the unpacked program.
. "$(dirname "$0")/../lib.sh"

BUILD=$(dirname "$PODCUE")
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROOTFS="$T/root"
# -o: install what the build made, never rebuild it (with other flags)
# under the tests running on it.
if make -s -C "$ROOT" BUILD="$BUILD" -o "$BUILD/podcue" -o "$BUILD/podcue.1" install \
	DESTDIR="$ROOTFS" PREFIX=/usr >"$T/install.out" 2>&1; then
	ok "make install DESTDIR= PREFIX=/usr"
else
	not_ok "make install DESTDIR= PREFIX=/usr" "$(tail -5 "$T/install.out")"
	finish
fi
(cd "$ROOTFS" && find . -type f | sort) >"$T/files"
cat >"$T/want" <<'LIST'
./usr/bin/podcue
./usr/share/applications/podcue.desktop
./usr/share/doc/podcue/config.example
./usr/share/man/man1/podcue.1
LIST
check "the installed files are exactly the program, man page, example and desktop entry" \
	cmp "$T/want" "$T/files"
D="$ROOTFS/usr/share/applications/podcue.desktop"
check "the desktop entry runs podcue in a terminal" sh -c \
	"grep -qx 'Exec=podcue' '$D' && grep -qx 'Terminal=true' '$D' && grep -qx 'Type=Application' '$D'"
check "MPRIS's DesktopEntry names it" grep -q 'get_identity' "$ROOT/src/mpris.c"
if command -v desktop-file-validate >/dev/null 2>&1; then
	check "desktop-file-validate accepts it" desktop-file-validate "$D"
else
	skip "desktop-file-validate accepts it" "desktop-file-validate is not installed"
fi
check "the installed program runs" sh -c "'$ROOTFS/usr/bin/podcue' --version | grep -q '^podcue '"
check "the installed program reads a cache" "$ROOTFS/usr/bin/podcue" --db "$DB" podcasts
make -s -C "$ROOT" BUILD="$BUILD" uninstall DESTDIR="$ROOTFS" PREFIX=/usr >/dev/null 2>&1
check "make uninstall leaves no file behind" sh -c "[ -z \"\$(find '$ROOTFS' -type f)\" ]"

# debian/: the libraries of the Makefile's pkg-config list are build
# dependencies; libmpv (dlopened, so invisible to shlibs) is declared.
C="$ROOT/debian/control"
for dev in libncurses-dev libmpv-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev \
	libjansson-dev libsystemd-dev debhelper-compat; do
	check "Build-Depends has $dev" grep -q "$dev" "$C"
done
check "Depends declares libmpv (opened with dlopen)" grep -q '^Depends:.*libmpv2' "$C"
check "Depends takes the linked libraries from shlibs" grep -q '^Depends:.*\${shlibs:Depends}' "$C"
check "debian/rules is executable and installs to /usr" sh -c \
	"[ -x '$ROOT/debian/rules' ] && grep -q 'PREFIX=/usr' '$ROOT/debian/rules'"
check "debian/changelog parses" dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version

if [ "${PODCUE_DEB_BUILD:-0}" != 1 ]; then
	skip "dpkg-buildpackage builds the .deb" "slow (over a minute): PODCUE_DEB_BUILD=1 runs it (apt-get install debhelper lintian)"
	finish
fi
if ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1; then
	skip "dpkg-buildpackage builds the .deb" "dpkg-dev or debhelper is not installed"
	finish
fi
mkdir -p "$T/pkg/podcue"
(cd "$ROOT" && git ls-files -co --exclude-standard | grep -v '^build/' | tar -cf - -T -) |
	tar -xf - -C "$T/pkg/podcue"
if (cd "$T/pkg/podcue" && dpkg-buildpackage -us -uc -b) >"$T/deb.out" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds the .deb"
else
	not_ok "dpkg-buildpackage -us -uc -b builds the .deb" "$(tail -10 "$T/deb.out")"
	finish
fi
DEB=$(ls "$T"/pkg/podcue_*_*.deb | grep -v dbgsym | head -1)
dpkg-deb -c "$DEB" | awk '{print $6}' | grep -v '/$' | sort >"$T/debfiles"
for f in ./usr/bin/podcue ./usr/share/applications/podcue.desktop \
	./usr/share/man/man1/podcue.1.gz ./usr/share/doc/podcue/copyright; do
	check "the .deb has $f" grep -qx "$f" "$T/debfiles"
done
DEPS=$(dpkg-deb -f "$DEB" Depends)
for lib in libcurl4 libjansson4 libncursesw6 libsqlite3-0 libsystemd0 libxml2 libmpv2; do
	check "the .deb depends on $lib" sh -c "echo '$DEPS' | grep -q '$lib'"
done
if command -v lintian >/dev/null 2>&1; then
	lintian "$DEB" >"$T/lintian.out" 2>&1
	check "lintian finds no errors" sh -c "! grep -q '^E:' '$T/lintian.out'"
fi
dpkg-deb -x "$DEB" "$T/unpacked"
check "the packaged program runs" "$T/unpacked/usr/bin/podcue" --db "$DB" podcasts
finish
