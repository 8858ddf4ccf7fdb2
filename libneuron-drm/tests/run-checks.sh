#!/bin/sh
# SPDX-License-Identifier: MIT
# `make check` of libneuron-drm: host tests that need no device.
# Prints one line per check and ends with "N passed, N failed, N skipped";
# exits non-zero if anything failed.
set -u
B=${1:-build}
: "${MAKE:=make}" "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
pass=0 fail=0 skip=0
# The tools in $B find the library there without their RUNPATH too (a
# package build drops it: TOOL_RPATH=).
LD_LIBRARY_PATH=$B${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
log=$(mktemp /tmp/neuron-drm-check.XXXXXX)
trap 'rm -f "$log"' EXIT INT TERM

result() { # name status(0 pass, 77 skip, else fail) [why]
	case $2 in
	0) pass=$((pass + 1)); echo "PASS $1" ;;
	77) skip=$((skip + 1)); echo "SKIP $1${3:+ ($3)}" ;;
	*) fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/  /' "$log" ;;
	esac
}

# 1. unit tests (their own per-test lines, counted individually)
unit() { # BINARY
	"$1" >"$log" 2>&1
	rc=$?
	grep -v '^[0-9]* passed' "$log"
	set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log")
	if [ $# -eq 3 ]; then
		pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
		# crashed after its summary, or failed without saying so
		[ $rc -eq 0 ] || [ "$2" -gt 0 ] || fail=$((fail + 1))
	else
		result "$(basename "$1")" 1
	fi
}
unit "$B/tests/neuron_drm_unit"
[ -x "$B/tests/neuron_load_unit" ] && unit "$B/tests/neuron_load_unit"
unit "$B/tests/neuron_top_unit"

# 2. ABI: exported symbols, versions, soname
sh tests/check-symbols.sh "$B/libneuron-drm.so.1" libneuron-drm.sym \
	libneuron-drm.so.1 >"$log" 2>&1
result abi-symbols $?

# 2b. one version: the .pc file and the tools' --version report the
#     project's VERSION file (the generated header carries it to both)
want=$(cat "${KSRC:-..}/VERSION")
{
	got_pc=$(PKG_CONFIG_PATH="$B" PKG_CONFIG_LIBDIR= $PKG_CONFIG --modversion libneuron-drm)
	echo "VERSION $want, .pc $got_pc"
	[ "$got_pc" = "$want" ] || exit 1
	for t in "$B"/neuron-*; do
		line=$("$t" --version | sed -n 1p)
		echo "$line"
		[ "$line" = "$(basename "$t") $want" ] || exit 1
	done
} >"$log" 2>&1
result version $?

# 3. the public header compiles on its own, in C99 and in C++ (not
#    -pedantic: libdrm's drm.h itself uses anonymous unions)
printf '#include <neuron_drm.h>\nint main(void) { return 0; }\n' > "$log.c"
$CC -std=c99 -Wall -Wextra -Werror -Iinclude -I"$B/include" \
	$($PKG_CONFIG --cflags libdrm) -o /dev/null "$log.c" >"$log" 2>&1
result header-c99 $?
if command -v c++ >/dev/null 2>&1; then
	cp "$log.c" "$log.cc"
	c++ -Wall -Wextra -Werror -Iinclude -I"$B/include" \
		$($PKG_CONFIG --cflags libdrm) -o /dev/null "$log.cc" >"$log" 2>&1
	result header-c++ $?
	rm -f "$log.cc"
else
	result header-c++ 77 "no C++ compiler"
fi
rm -f "$log.c"

# 4. tools use the library only: no private ioctl calls
if grep -n 'ioctl\s*(' tools/*.c >"$log" 2>&1; then
	result tools-library-only 1
else
	result tools-library-only 0
fi

# 4b. libdrm underneath: the DRM core ioctls are libdrm's calls, never the
#     library's own code, and the shared library links libdrm
{
	! grep -nE 'DRM_IOCTL_(VERSION|GEM_CLOSE|PRIME_|SYNCOBJ_|GET_CAP|SET_CLIENT_CAP)' src/*.c &&
	readelf -d "$B/libneuron-drm.so.1" | grep -F '[libdrm.so.2]'
} >"$log" 2>&1
result lib-links-libdrm $?

# 5. neuron-ls: --help works, --json is valid JSON even with no device
"$B/neuron-ls" --help >"$log" 2>&1
result neuron-ls-help $?
if command -v python3 >/dev/null 2>&1; then
	rc=0
	"$B/neuron-ls" --json >"$log.json" 2>"$log" || rc=$?
	# 0: devices listed, 3: no device -- both must print valid JSON
	if { [ $rc -eq 0 ] || [ $rc -eq 3 ]; } &&
	   python3 -m json.tool "$log.json" >>"$log" 2>&1; then
		result neuron-ls-json 0
	else
		echo "exit status $rc" >>"$log"
		result neuron-ls-json 1
	fi
	rm -f "$log.json"
else
	result neuron-ls-json 77 "no python3"
fi
"$B/neuron-ls" --state --json >"$log" 2>&1
case $? in 0|3) result neuron-ls-state 0 ;; *) result neuron-ls-state 1 ;; esac
"$B/neuron-ls" --no-such-option >"$log" 2>&1
if [ $? -eq 2 ]; then result neuron-ls-usage 0; else result neuron-ls-usage 1; fi

# 5b. write errors: output that could not be written is a failure (1), and
#     says so, whatever the tool would have returned otherwise
exit_status() { # NAME STATUS COMMAND ARGS...: COMMAND exits with STATUS
	name=$1 want=$2
	shift 2
	"$@" >"$log" 2>&1
	got=$?
	if [ $got -eq "$want" ]; then
		result "$name" 0
	else
		echo "exit status $got, expected $want" >>"$log"
		result "$name" 1
	fi
}

write_error() { # NAME ARGS...
	name=$1
	shift
	if [ ! -w /dev/full ]; then
		result "$name" 77 "no /dev/full"
		return
	fi
	"$@" >/dev/full 2>"$log"
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'write error on standard output' "$log"; then
		result "$name" 0
	else
		echo "exit status $rc, expected 1 and a write error message" >>"$log"
		result "$name" 1
	fi
}
write_error neuron-ls-write-error "$B/neuron-ls"
write_error neuron-ls-json-write-error "$B/neuron-ls" --json
write_error neuron-ls-help-write-error "$B/neuron-ls" --help
# --cdi: a bad kind is a usage error; no device, no spec (exit 3)
"$B/neuron-ls" --cdi --cdi-kind neuron >"$log" 2>&1
rc=$?
"$B/neuron-ls" --cdi --json >>"$log" 2>&1
rc2=$?
if [ $rc -eq 2 ] && [ $rc2 -eq 2 ] && grep -q 'want vendor/class' "$log"; then
	result neuron-ls-cdi-usage 0
else
	result neuron-ls-cdi-usage 1
fi

# 5c. neuron-top without a terminal: a clear usage error, not a hang;
#     --once and --prometheus need none (no device here: exit 3)
if "$B/neuron-ls" >/dev/null 2>&1 || [ $? -ne 3 ]; then
	result neuron-top-no-device 77 "this host has neuron devices"
else
	"$B/neuron-top" </dev/null >"$log" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'not a terminal' "$log"; then
		"$B/neuron-top" --once -d 0.1 >"$log" 2>&1
		rc1=$?
		"$B/neuron-top" --prometheus -d 0.1 >"$log" 2>&1
		rc2=$?
		if [ $rc1 -eq 3 ] && [ $rc2 -eq 3 ] && grep -qx 'neuron_devices 0' "$log" &&
		   grep -qx '# TYPE neuron_devices gauge' "$log"; then
			result neuron-top-no-device 0
		else
			echo "exit statuses $rc1 $rc2" >>"$log"
			result neuron-top-no-device 1
		fi
	else
		result neuron-top-no-device 1
	fi
fi
write_error neuron-top-write-error "$B/neuron-top" --prometheus -d 0.1
# the terminal view in a pseudo-terminal: draw, refresh, sort keys, q
if command -v python3 >/dev/null 2>&1; then
	python3 tests/top-tty-check.py "$B/neuron-top" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then result neuron-top-terminal 77 "$(cat "$log")"
	else result neuron-top-terminal $rc; fi
else
	result neuron-top-terminal 77 "no python3"
fi

# 6. neuron-load command line: exit statuses of the input side
if [ -x "$B/neuron-load" ]; then
	d=$(mktemp -d /tmp/neuron-load-check.XXXXXX)
	mkdir -p "$d/tree/sub"
	printf 'model' >"$d/tree/a.onnx"
	printf 'tensor' >"$d/tree/sub/b.pb"
	: >"$d/empty.pb"
	expect() { # NAME STATUS ARGS...
		n=$1 w=$2
		shift 2
		exit_status "$n" "$w" "$B/neuron-load" "$@"
	}
	expect neuron-load-usage 2
	expect neuron-load-help 0 --help
	expect neuron-load-empty-file 4 --host-only "$d/empty.pb"
	expect neuron-load-missing-file 4 "$d/missing.pb"
	expect neuron-load-host-only 0 --host-only -v "$d/tree"
	# one file: "1 file", never "1 files"; named twice: loaded once
	{
		"$B/neuron-load" --host-only "$d/tree/a.onnx" "$d/tree/a.onnx" 2>&1 &&
		"$B/neuron-load" --host-only --no-progress "$d/tree/a.onnx" 2>&1
	} >"$log"
	if [ $? -eq 0 ] && grep -q 'host only: 1 file, ' "$log" &&
	   grep -q '1 file named more than once: loaded once' "$log" &&
	   ! grep -q '1 files' "$log"; then
		result neuron-load-plurals 0
	else
		result neuron-load-plurals 1
	fi
	# --help names the real limit (one DRAM channel), and one kind of unit
	"$B/neuron-load" --help >"$log" 2>&1
	if grep -q 'larger than one DRAM channel' "$log" &&
	   ! grep -q 'larger than device DRAM' "$log" && ! grep -q 'MB/s' "$log"; then
		result neuron-load-help-limit 0
	else
		result neuron-load-help-limit 1
	fi
	# files of /proc: not "empty file", rejected as what they are
	expect neuron-load-proc-file 4 --host-only /proc/self/status
	if grep -q 'empty' "$log" || ! grep -q 'a file of proc' "$log"; then
		result neuron-load-proc-message 1
	else
		result neuron-load-proc-message 0
	fi
	write_error neuron-load-write-error "$B/neuron-load" --host-only "$d/tree"
	if "$B/neuron-ls" >/dev/null 2>&1 || [ $? -ne 3 ]; then
		result neuron-load-no-device 77 "this host has neuron devices"
	else
		expect neuron-load-no-device 3 "$d/tree"
	fi
	rm -rf "$d"
fi

# 6b. neuron-bench-infer command line (its figures need a device: the VM
#     tools check and "make bench" run it)
if [ -x "$B/neuron-bench-infer" ]; then
	bi_expect() { # NAME STATUS ARGS...
		n=$1 w=$2
		shift 2
		exit_status "$n" "$w" "$B/neuron-bench-infer" "$@"
	}
	bi_expect neuron-bench-infer-help 0 --help
	bi_expect neuron-bench-infer-usage 2 --no-such-option
	bi_expect neuron-bench-infer-bad-size 2 -s 16
	bi_expect neuron-bench-infer-bad-instr 2 -i 16385
	bi_expect neuron-bench-infer-bad-count 2 -n 0
	bi_expect neuron-bench-infer-bad-time 2 -t -1
	write_error neuron-bench-infer-help-write-error "$B/neuron-bench-infer" --help
	if "$B/neuron-ls" >/dev/null 2>&1 || [ $? -ne 3 ]; then
		result neuron-bench-infer-no-device 77 "this host has neuron devices"
	else
		bi_expect neuron-bench-infer-no-device 3 -n 1
	fi
fi

# 7. example built against the installed library through pkg-config
$MAKE -s example-check >"$log" 2>&1
result example-check $?

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
