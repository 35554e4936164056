#!/bin/bash
# The manual pages cannot drift from the code: every option name in lib/cfg's
# option table and every hook phase appears in dpbond-interfaces(5), every
# long option of dpbond and dpbondctl in its page, and each page renders
# with groff's every warning on (-ww) and none given.
# Usage: man.sh SOURCE_ROOT
set -euo pipefail
src=$1
man=$src/doc/man
fail=0

# The page's text with roff's escapes for hyphens and fonts taken out.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$1"; }

# has TEXT WORD: WORD appears in TEXT as a whole word (a name ending in '-'
# is a prefix, written as in `vxlan-*`).
has() {
	case $2 in
	*-) grep -qF -- "$2" <<<"$1" ;;
	*) grep -qE -- "(^|[^a-z0-9_-])${2//./\\.}([^a-z0-9_-]|$)" <<<"$1" ;;
	esac
}

# names FILE START: the first strings of the table that starts at the line
# matching START and ends at the next "};".
names() {
	awk -v start="$2" '$0 ~ start { on = 1 } on { print } on && /^[ \t]*};/ { exit }' "$1" |
		grep -o '{ "[^"]*"' | sed -e 's/^{ "//' -e 's/"$//' | sort -u
}

check() {  # check PAGE WHAT NAME...
	local page=$1 what=$2 n=0 missing=0 text
	shift 2
	text=$(plain "$page")
	for name in "$@"; do
		n=$((n + 1))
		if ! has "$text" "$name"; then
			echo "FAIL: $what '$name' is not in $(basename "$page")"
			missing=$((missing + 1))
		fi
	done
	[ "$missing" -eq 0 ] && echo "ok: $n ${what}s in $(basename "$page")"
	[ "$missing" -eq 0 ] || fail=1
}

# At least MIN names, or the extraction itself is broken.
need() {  # need MIN WHAT NAME...
	local min=$1 what=$2
	shift 2
	if [ $# -lt "$min" ]; then
		echo "FAIL: found only $# ${what}s in the source (at least $min expected): did the table move?"
		fail=1
	fi
}

mapfile -t cfg_opts < <(names "$src/lib/cfg/cfg_option.c" '^static const struct opt_desc opts\[\] = \{')
need 60 "config option" "${cfg_opts[@]}"
check "$man/dpbond-interfaces.5" "config option" "${cfg_opts[@]}"

# Options cfg_option() recognises outside the table (prefixes and spellings).
mapfile -t cfg_words < <(grep -oE 'strn?cmp\(norm, "[a-z0-9-]+"' "$src/lib/cfg/cfg_option.c" |
			 sed -e 's/.*"\(.*\)"/\1/' | sort -u)
need 4 "special option" "${cfg_words[@]}"
check "$man/dpbond-interfaces.5" "special option" "${cfg_words[@]}"

mapfile -t hooks < <(sed -n '/^#define DPB_HOOK_PHASES/,/^$/p' "$src/lib/cfg/dpb_cfg.h" |
		     grep -oE '"[a-z-]+"' | tr -d '"')
need 6 "hook phase" "${hooks[@]}"
check "$man/dpbond-interfaces.5" "hook phase" "${hooks[@]}"

mapfile -t dpbond_opts < <(names "$src/app/dpbond/main.c" 'struct option longopts\[\] = \{' | sed 's/^/--/')
need 10 "dpbond option" "${dpbond_opts[@]}"
check "$man/dpbond.8" "dpbond option" "${dpbond_opts[@]}"

mapfile -t ctl_opts < <(names "$src/app/dpbondctl/dpbondctl.c" 'struct option longopts\[\] = \{' | sed 's/^/--/')
need 2 "dpbondctl option" "${ctl_opts[@]}"
check "$man/dpbondctl.8" "dpbondctl option" "${ctl_opts[@]}"

mapfile -t pve_opts < <(names "$src/app/dpbond-pve/dpbond_pve.c" 'struct option longs\[\] = \{' | sed 's/^/--/')
need 5 "dpbond-pve option" "${pve_opts[@]}"
check "$man/dpbond-pve.8" "dpbond-pve option" "${pve_opts[@]}"

# dpbond-cutover is a script: its options are the patterns of its first
# `case $opt in`, up to the commands.
mapfile -t cut_opts < <(sed -n '/^\tcase \$opt in/,/^\ttry|confirm/p' "$src/app/dpbond-cutover/dpbond-cutover.in" |
			grep -oE -- '--[a-z][a-z-]*' | sort -u)
need 14 "dpbond-cutover option" "${cut_opts[@]}"
check "$man/dpbond-cutover.8" "dpbond-cutover option" "${cut_opts[@]}"

# Rendering: no warning of any kind (-ww), as man(1) would format the page.
for page in "$man"/dpbond.8 "$man"/dpbondctl.8 "$man"/dpbond-pve.8 "$man"/dpbond-cutover.8 "$man"/dpbond-interfaces.5; do
	if ! warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1) || [ -n "$warnings" ]; then
		echo "FAIL: $(basename "$page") does not render cleanly:"
		echo "$warnings"
		fail=1
	elif ! LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null | grep -q '^SEE ALSO'; then
		echo "FAIL: $(basename "$page") rendered without its SEE ALSO section"
		fail=1
	else
		echo "ok: $(basename "$page") renders without warnings"
	fi
done

exit "$fail"
