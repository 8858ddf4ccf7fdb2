#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kver.sh - print the newest Debian bookworm 6.12 kernel ABI ("6.12.117+deb12-amd64").
#
# Debian replaces linux-*-6.12.N packages with every security update and
# drops old ones from the archive, so the version is never hard-coded: the
# project builds against, and boots, the newest one the archive offers.
# The answer needs both the headers and the unsigned image to exist.
set -euo pipefail

# newest: print the newest version that has both packages, or nothing.
newest() {
	local hdr img
	hdr=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' | sort -u)
	img=$(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned$/\1/p' | sort -u)
	comm -12 <(echo "$hdr") <(echo "$img") | sed '/^$/d' | sort -V | tail -n 1
}

ver=$(newest)
if [[ -z $ver ]]; then
	# A fresh machine may have empty package lists.
	apt-get update -qq >&2
	ver=$(newest)
fi
if [[ -z $ver ]]; then
	echo "kver.sh: no linux-headers-6.12.*+deb12-amd64 in the apt archive" >&2
	exit 1
fi
echo "$ver"
