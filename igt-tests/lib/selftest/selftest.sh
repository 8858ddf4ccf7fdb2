#!/bin/bash
# SPDX-License-Identifier: MIT
# selftest.sh BINARY - checks the harness contract on the build host.
#
# Runs the self-test binary (igt_selftest.c) in every mode and compares exit
# codes and output lines with what IGT tooling expects.  Prints one line per
# check and the project's summary line; exits non-zero on any failure.
set -euo pipefail

bin=${1:?usage: selftest.sh path/to/igt_selftest}
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# check NAME WANT_EXIT WANT_REGEX ARGS... : run the binary, compare.
check() {
	local name=$1 want=$2 regex=$3 rc=0
	shift 3
	"$bin" "$@" >"$out" 2>&1 || rc=$?
	if [[ $rc -ne $want ]]; then
		echo "FAIL $name: exit $rc, expected $want"; sed 's/^/    /' "$out"
		failed=$((failed + 1))
	elif [[ -n $regex ]] && ! grep -Eq -- "$regex" "$out"; then
		echo "FAIL $name: output lacks /$regex/"; sed 's/^/    /' "$out"
		failed=$((failed + 1))
	else
		echo "ok   $name (exit $rc)"
		passed=$((passed + 1))
	fi
}

list="pass-asserts pass-formatted-7 fail-assert fail-assert-eq fail-ioctl fail-ioctl-wrong-errno skip-require skip-explicit crash group-skipped after-group no-device-skips no-qmp-skips"
check list-subtests 0 "" --list-subtests
if [[ $("$bin" --list-subtests | tr '\n' ' ') != "$list " ]]; then
	echo "FAIL list-subtests: got: $("$bin" --list-subtests | tr '\n' ' ')"
	failed=$((failed + 1))
fi
check help 0 '^Usage: ' --help
check describe 0 'passing form' --describe
check bad-option 79 'unknown option' --bogus
check unknown-subtest 79 'unknown subtest' --run-subtest no-such-test

check pass 0 '^Subtest pass-asserts: SUCCESS \([0-9]+\.[0-9]{3}s\)$' --run-subtest pass-asserts
check pass-starting 0 '^Starting subtest: pass-asserts$' --run-subtest pass-asserts
check pass-formatted 0 '^Subtest pass-formatted-7: SUCCESS' --run-subtest pass-formatted-7
check pass-glob 0 '^Subtest pass-formatted-7: SUCCESS' --run-subtest 'pass-*'
check fail-assert 98 '^Subtest fail-assert: FAIL' --run-subtest fail-assert
check fail-assert-msg 98 'Failed assertion: null_fd < 0' --run-subtest fail-assert
check fail-assert-eq 98 'values: 2 == 3' --run-subtest fail-assert-eq
check fail-ioctl 98 '^Subtest fail-ioctl: FAIL' --run-subtest fail-ioctl
check fail-ioctl-wrong-errno 98 'expected -1/Invalid argument' --run-subtest fail-ioctl-wrong-errno
check skip-require 77 '^Subtest skip-require: SKIP' --run-subtest skip-require
check skip-explicit 77 'explicitly skipped' --run-subtest skip-explicit
check crash 98 '^Subtest crash: CRASH' --run-subtest crash
check group-fixture-skip 77 '^Subtest group-skipped: SKIP' --run-subtest group-skipped
check after-group 0 '^Subtest after-group: SUCCESS' --run-subtest after-group
check no-device 77 'no neuron device' --run-subtest no-device-skips
check no-qmp 77 'no QMP port' --run-subtest no-qmp-skips
check all-skipped 77 '' --run-subtest 'skip-*,no-*'
check pass-and-skip 0 '' --run-subtest 'pass-*,skip-*'
check fail-wins 98 '' --run-subtest 'pass-*,skip-*,fail-assert'
# Without --run-subtest everything runs in one process (the crash ends it).
check run-all 98 '^Subtest fail-ioctl: FAIL' 

echo "$passed passed, $failed failed, 0 skipped"
[[ $failed -eq 0 ]]
