#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# version-check.sh - one version everywhere.
#
# The project's version is defined once, in the file VERSION.  The library
# (.pc, version header, tools' --version), the module (MODULE_VERSION via
# the root Kbuild) and the DKMS configuration (PACKAGE_VERSION, filled in
# when installed) derive it at build time.  debian/changelog is the one
# place that must repeat it literally: dpkg takes a package's version from
# there.  This script fails unless the changelog agrees, nothing that must
# derive the version carries a literal one, and every built artefact that
# exists in the tree reports VERSION.  debian/rules runs it before building.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
bad() { echo "version-check: FAIL: $*"; status=1; }
ok() { echo "version-check: $1: $2"; [[ $2 == "$ver" ]] || bad "$1 says '$2', VERSION says $ver"; }

ver=$(cat VERSION)
[[ $ver =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || bad "VERSION '$ver' is not MAJOR.MINOR.MICRO"

# Native package: the changelog's version is VERSION, with no Debian revision.
if command -v dpkg-parsechangelog >/dev/null; then
	ok debian/changelog "$(dpkg-parsechangelog -l debian/changelog -S Version)"
else
	ok debian/changelog "$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)"
fi
grep -q '^PACKAGE_VERSION="#MODULE_VERSION#"$' dkms.conf ||
	bad "dkms.conf must say PACKAGE_VERSION=\"#MODULE_VERSION#\" (filled in from VERSION)"
if grep -qE '^#define NEURON_DRM_VERSION_(MAJOR|MINOR|MICRO)' libneuron-drm/include/neuron_drm.h; then
	bad "neuron_drm.h must take its version macros from the generated neuron_drm_version.h"
fi

# Built artefacts, where they exist.
ko=drivers/accel/neuron/neuron.ko
[[ -f $ko ]] && ok "modinfo -F version $ko" "$(modinfo -F version "$ko")"
for pc in libneuron-drm/build/libneuron-drm.pc build/stage/opt/neuron/lib/pkgconfig/libneuron-drm.pc; do
	[[ -f $pc ]] && ok "$pc" "$(sed -n 's/^Version: //p' "$pc")"
done
for t in libneuron-drm/build/neuron-*; do
	[[ -f $t && -x $t ]] && ok "$t --version" "$("$t" --version | sed -n '1s/^[^ ]* //p')"
done
[[ $status -eq 0 ]] && echo "version-check: $ver everywhere"
exit $status
