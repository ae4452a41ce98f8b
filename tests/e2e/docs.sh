#!/bin/sh
# End-to-end: the documentation agrees with the program. config.example,
# the README's key table and the man page are generated from the command,
# key, settings and colour tables (tools/gendoc.c; `make docs`); these
# checks fail when a table changes and the docs were not regenerated.
. "$(dirname "$0")/../lib.sh"

BIN=$(dirname "$PODCUE")
GENDOC="$BIN/gendoc"
MAN="$BIN/podcue.1"
if [ ! -x "$GENDOC" ] || [ ! -s "$MAN" ]; then
	not_ok "gendoc and the man page are built" "missing $GENDOC or $MAN"
	finish
fi

"$GENDOC" config >"$T/config.example"
if cmp -s "$T/config.example" "$ROOT/config.example"; then
	ok "config.example matches the settings, bindings and colours (make docs)"
else
	not_ok "config.example matches the settings, bindings and colours (make docs)" \
		"$(diff "$ROOT/config.example" "$T/config.example" | head -10)"
fi

"$GENDOC" readme-keys >"$T/keys.md"
awk '/<!-- keys:end -->/ { p = 0 } p { print } /<!-- keys:begin -->/ { p = 1 }' \
	"$ROOT/README.md" >"$T/readme-keys.md"
if [ -s "$T/readme-keys.md" ] && cmp -s "$T/keys.md" "$T/readme-keys.md"; then
	ok "README's key table is the one generated from the command table"
else
	not_ok "README's key table is the one generated from the command table" \
		"$(diff "$T/readme-keys.md" "$T/keys.md" | head -10)"
fi

# Every key the help screen shows appears in the README and the man page.
"$GENDOC" help-keys | sort -u >"$T/help-keys"
check "the help screen has keys" test "$(wc -l <"$T/help-keys")" -gt 20
missing_readme="" missing_man=""
if command -v man >/dev/null 2>&1; then
	MANWIDTH=200 man -l "$MAN" 2>/dev/null | sed 's/.\x08//g' >"$T/man.txt"
else
	sed 's/\\-/-/g; s/\\fB//g; s/\\fR//g' "$MAN" >"$T/man.txt"
fi
while IFS= read -r k; do
	grep -qF "\`$k\`" "$ROOT/README.md" || missing_readme="$missing_readme $k"
	grep -qF -- "$k" "$T/man.txt" || missing_man="$missing_man $k"
done <"$T/help-keys"
check "every help-screen key is in the README" test -z "$missing_readme"
[ -z "$missing_readme" ] || echo "#   missing:$missing_readme"
check "every help-screen key is in the man page" test -z "$missing_man"
[ -z "$missing_man" ] || echo "#   missing:$missing_man"
check "the man page names every named command" \
	sh -c "for c in \$(\"$GENDOC\" readme-keys | sed -n 's/^| [^|]* | \`\\([a-z-]*\\)\` .*/\\1/p'); do grep -qF -- \"\$c\" \"$T/man.txt\" || exit 1; done"

# One version everywhere (include/version.h): what --version prints, the
# man page's header and the default User-Agent in config.example.
version=$("$PODCUE" --version)
th=$(sed -n 's/^\.TH PODCUE 1 "[^"]*" "\([^"]*\)".*/\1/p' "$MAN")
ua=$(sed -n 's/^set user_agent //p' "$ROOT/config.example")
check "podcue --version prints a version" sh -c 'case "$1" in "podcue "[0-9]*.*) ;; *) exit 1 ;; esac' _ "$version"
check "the man page has the version of podcue --version" test "$th" = "$version"
check "the default User-Agent has the version of podcue --version" \
	test "$ua" = "podcue/${version#podcue }"
finish
