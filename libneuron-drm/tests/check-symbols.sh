#!/bin/sh
# SPDX-License-Identifier: MIT
# The shared library must export exactly the functions named in the version
# script, all in a NEURON_DRM_* version node, and carry the right SONAME.
# usage: check-symbols.sh LIBRARY VERSION-SCRIPT SONAME
set -eu
lib=$1 script=$2 soname=$3

want=$(sed -n 's/^[[:space:]]*\(neuron_drm_[a-z0-9_]*\);.*/\1/p' "$script" | sort)
have=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^NEURON_DRM_' | sort)
bad_ver=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^NEURON_DRM_' |
	  grep -v '@@NEURON_DRM_1\.[0-9]*$' || true)
have=$(echo "$have" | sed 's/@.*//')

if [ "$want" != "$have" ]; then
	echo "exported symbols differ from $script:" >&2
	printf '%s\n' "$want" > /tmp/neuron-sym-want.$$
	printf '%s\n' "$have" > /tmp/neuron-sym-have.$$
	diff -u /tmp/neuron-sym-want.$$ /tmp/neuron-sym-have.$$ >&2 || true
	rm -f /tmp/neuron-sym-want.$$ /tmp/neuron-sym-have.$$
	exit 1
fi
if [ -n "$bad_ver" ]; then
	echo "symbols without a NEURON_DRM_1.x version: $bad_ver" >&2
	exit 1
fi
got=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$got" != "$soname" ]; then
	echo "SONAME is '$got', expected '$soname'" >&2
	exit 1
fi
# Every exported function must be declared in the public header.
hdr=$(dirname "$script")/include/neuron_drm.h
for s in $want; do
	grep -q "[ *]$s(" "$hdr" || { echo "$s not declared in $hdr" >&2; exit 1; }
done
exit 0
