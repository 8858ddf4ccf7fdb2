#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-tools-guest.sh - the guest half of tests/vm-tools-check.sh (the guest
# has no python3): puts DMA load on every device (examples/dma-jobs, one
# process per device, each owning NeuronCore 0), reads the fdinfo of those
# processes itself before and after each neuron-top run, runs the tools,
# and prints every output between "@@BEGIN name@@" and "@@END name@@"
# lines for the host to check.
set -u
out=/tmp/vm-tools
mkdir -p $out
section() { # NAME FILE
	echo "@@BEGIN $1@@"
	cat "$2"
	echo "@@END $1@@"
}
# The fdinfo of every accel fd of the given processes, as the test sees it.
snapshot() { # FILE PID...
	f=$1
	shift
	: >"$f"
	for p in "$@"; do
		for fd in /proc/"$p"/fd/*; do
			case $(readlink "$fd") in
			/dev/accel/*)
				echo "fdinfo-of: $p ${fd##*/}" >>"$f"
				cat /proc/"$p"/fdinfo/"${fd##*/}" >>"$f"
				;;
			esac
		done
	done
}
ndev=$(ls /dev/accel | wc -l)

# 1. Load: one dma-jobs per device for long enough for every reading.
pids=
for i in $(seq 0 $((ndev - 1))); do
	dma-jobs "$i" 30 >$out/jobs$i.log 2>&1 &
	pids="$pids $!"
done
echo "$pids" >$out/pids
# One file in two processes (this shell, and a child that inherits it):
# one client, under the lower pid.
exec 9<>/dev/accel/accel3
sleep 60 &
sleeper=$!
echo "$$ $sleeper" >$out/shared
sleep 4
snapshot $out/fd0 $pids
neuron-top --once -d 2 >$out/top.txt 2>&1
echo $? >$out/top.rc
snapshot $out/fd1 $pids
neuron-top --prometheus -d 1 >$out/prom.txt 2>$out/prom.err
echo $? >$out/prom.rc
snapshot $out/fd2 $pids
neuron-ls --json >$out/ls.json 2>&1
neuron-ls --cdi >$out/cdi.json 2>&1
echo $? >$out/cdi.rc

# 2. Unprivileged: nobody sees his own process, and is told about others.
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>/etc/passwd
echo "nogroup:x:65534:" >>/etc/group
chmod 666 /dev/accel/accel*
su -s /bin/sh nobody -c 'dma-jobs 0 12' >$out/jobs-nobody.log 2>&1 9>&- &
nobody_pid=$!
sleep 4
# su's child is the dma-jobs process of nobody
su -s /bin/sh nobody -c 'neuron-top --once -d 1' >$out/top-nobody.txt 2>&1 9>&-
echo $? >$out/top-nobody.rc
ps -o pid,user,comm 2>/dev/null | grep dma-jobs >$out/ps.txt || ps | grep dma-jobs >$out/ps.txt

exec 9>&-
kill $sleeper
rc=0
for p in $pids $nobody_pid; do
	wait "$p" || rc=1
done
echo $rc >$out/jobs.rc
cat $out/jobs*.log >$out/jobs.txt

# 3. neuron-load messages (the devices are idle and empty again).
truncate -s 4294967297 /tmp/big
neuron-load /tmp/big >$out/load-big.txt 2>&1
echo "exit $?" >>$out/load-big.txt
truncate -s 4294967296 /tmp/c1
truncate -s 4294967296 /tmp/c2
neuron-load /tmp/c1 /tmp/c2 >$out/load-full.txt 2>&1
echo "exit $?" >>$out/load-full.txt
printf 'one small file' >/tmp/one
neuron-load --no-progress /tmp/one /tmp/one >$out/load-one.txt 2>&1
echo "exit $?" >>$out/load-one.txt
# 2,000 files of 1..200 bytes: packed into a few DRAM buffers, not 2,000.
mkdir -p /tmp/tiny
awk 'BEGIN { for (i = 0; i < 2000; i++) { f = sprintf("/tmp/tiny/%04d", i);
	n = 1 + (i * 7919) % 200; s = "";
	for (j = 0; j < n; j++) s = s sprintf("%c", 33 + (i * 31 + j * 7) % 90);
	printf "%s", s > f; close(f) } }'
neuron-load --no-progress /tmp/tiny >$out/load-tiny.txt 2>&1
echo "exit $?" >>$out/load-tiny.txt
neuron-load /sys/kernel/uevent_seqnum /proc/uptime >$out/load-pseudo.txt 2>&1
echo "exit $?" >>$out/load-pseudo.txt
neuron-ls >/dev/full 2>$out/ls-full.txt
echo "exit $?" >>$out/ls-full.txt
neuron-top --once -d 0.2 >/dev/full 2>$out/top-full.txt
echo "exit $?" >>$out/top-full.txt
neuron-ls --cdi >/dev/full 2>>$out/top-full.txt
echo "exit $?" >>$out/top-full.txt

for f in pids shared top.rc top.txt fd0 fd1 prom.rc prom.err prom.txt fd2 ls.json cdi.rc cdi.json \
	 top-nobody.rc top-nobody.txt ps.txt jobs.rc jobs.txt load-big.txt load-full.txt \
	 load-one.txt load-tiny.txt load-pseudo.txt ls-full.txt top-full.txt; do
	section "$f" $out/$f
done
echo "@@DONE@@"
