#!/bin/sh
# readme-keys.sh GENDOC README: replaces the lines between the key-table
# markers of README with `GENDOC readme-keys` (used by `make docs`).
set -eu
gendoc=$1 readme=$2
tmp=$(mktemp)
"$gendoc" readme-keys >"$tmp.keys"
awk -v keys="$tmp.keys" '
	/<!-- keys:begin -->/ { print; while ((getline l < keys) > 0) print l; skip = 1; next }
	/<!-- keys:end -->/ { skip = 0 }
	!skip { print }
' "$readme" >"$tmp"
mv "$tmp" "$readme"
rm -f "$tmp.keys"
