#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host half of tests/vm-tools-check.sh: check what the guest printed.

Usage: vm-tools-check.py CONSOLE-TEXT CDI-SCHEMA
"""
import json
import math
import re
import sys

text = open(sys.argv[1], errors="replace").read()
schema_path = sys.argv[2]
passed = failed = 0


def section(name):
    m = re.search(r"^@@BEGIN %s@@\n(.*?)^@@END %s@@$" % (re.escape(name), re.escape(name)),
                  text, re.S | re.M)
    if not m:
        raise AssertionError("guest section %s missing" % name)
    return m.group(1)


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print("PASS " + name)
    except Exception as e:  # every failure, whatever raised it
        failed += 1
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e))


UNITS = {"B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}


def size_bytes(s):
    """'123', '4 KiB' (the kernel's fdinfo) or '4 MiB' (neuron-top) in bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*(B|KiB|MiB|GiB|TiB)?\s*", s)
    if not m:
        raise AssertionError("bad size %r" % s)
    return int(m.group(1)) << UNITS[m.group(2) or "B"]


def fdinfo_snapshot(name):
    """{pid: {key: value}} of the accel fds of the job processes."""
    snap, cur = {}, None
    for line in section(name).splitlines():
        m = re.match(r"fdinfo-of: (\d+) (\d+)$", line)
        if m:
            cur = snap.setdefault(int(m.group(1)), {})
            continue
        if cur is not None and ":" in line:
            k, v = line.split(":", 1)
            cur[k.strip()] = v.strip()
    return snap


def engine_ns(fd):
    m = re.fullmatch(r"(\d+) ns", fd["drm-engine-dma"])
    return int(m.group(1))


pids = [int(p) for p in section("pids").split()]
fd0, fd1, fd2 = (fdinfo_snapshot(n) for n in ("fd0", "fd1", "fd2"))
ls = json.loads(section("ls.json"))
MEM_KEYS = [("HOST", "drm-total-host"), ("HOST-RES", "drm-resident-host"),
            ("DRAM", "drm-total-dram"), ("DRAM-RES", "drm-resident-dram")]


def top_tables(txt):
    """(device rows, client rows) of neuron-top's plain text."""
    lines = txt.splitlines()
    devs, clients, mode = [], [], None
    for line in lines:
        if line.startswith("DEV  NODE"):
            mode = "dev"
            continue
        if line.startswith("DEV      PID") or re.match(r"DEV\s+PID\s+COMMAND", line):
            mode = "client"
            continue
        if not line.strip():
            mode = None
            continue
        if mode == "dev":
            devs.append(line.split())
        elif mode == "client":
            m = re.match(r"\s*(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\d+)"
                         r"\s+(\d+ \w+)\s+(\d+ \w+)\s+(\d+ \w+)\s+(\d+ \w+)\s*$", line)
            if m:
                clients.append(m.groups())
            elif not line.startswith("("):
                raise AssertionError("client row does not parse: %r" % line)
    return devs, clients


def t_jobs_ran():
    assert len(pids) == 4, pids
    assert section("jobs.rc").strip() == "0", section("jobs.txt")
    assert section("jobs.txt").count("verified") == 5, section("jobs.txt")


def t_top_once():
    assert section("top.rc").strip() == "0", section("top.txt")
    devs, clients = top_tables(section("top.txt"))
    assert len(devs) == 4, devs
    for i, d in enumerate(devs):
        assert d[0] == str(i) and d[1] == "/dev/accel/accel%d" % i and d[3] == "ready", d
        assert d[4].startswith("up:") and d[5].startswith("up:"), d  # ring links
        owners = d[-1].split(",")
        assert owners[0] == str(pids[i]), (d, pids[i])  # dma-jobs owns NC 0
    for i, pid in enumerate(pids):
        rows = [c for c in clients if int(c[1]) == pid]
        assert len(rows) == 1, (pid, clients)
        dev, _, comm, client, busy, ns, jobs, *mem = rows[0]
        before, after = fd0[pid], fd1[pid]
        assert dev == str(i) and comm == "dma-jobs", rows[0]
        assert client == after["drm-client-id"], (client, after)
        # busy % moving: the counter grew, and neuron-top saw a rate above 0
        assert engine_ns(after) > engine_ns(before), (before, after)
        assert float(busy) > 0, rows[0]
        assert engine_ns(before) <= int(ns) <= engine_ns(after), (ns, before, after)
        assert int(after["neuron-jobs-submitted"]) >= int(jobs) >= int(before["neuron-jobs-submitted"])
        for (col, key), val in zip(MEM_KEYS, mem):
            assert size_bytes(val) == size_bytes(after[key]), (col, val, after[key])
    # neuron-top's own device files are not listed
    assert all(c[2] != "neuron-top" for c in clients), clients
    # a file shared by two processes (fork): one client, the lower pid
    shell, sleeper = (int(x) for x in section("shared").split())
    rows = [c for c in clients if int(c[1]) in (shell, sleeper)]
    assert len(rows) == 1 and int(rows[0][1]) == min(shell, sleeper), (rows, shell, sleeper)
    assert rows[0][0] == "3", rows


def t_top_nobody():
    assert section("top-nobody.rc").strip() == "0", section("top-nobody.txt")
    txt = section("top-nobody.txt")
    devs, clients = top_tables(txt)
    assert len(devs) == 4, txt
    assert len(clients) == 1 and clients[0][2] == "dma-jobs", clients
    assert int(clients[0][1]) not in pids, clients  # his own, not root's
    assert "Other users' processes are not shown" in txt, txt


# ---- Prometheus text exposition format (version 0.0.4), strictly --------
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
VALUE = r"[^\s]+"


def parse_prometheus(txt):
    """[(name, {labels}, value)]; raises on anything the format forbids."""
    samples, types, helps, seen, done = [], {}, {}, set(), set()
    current = None
    assert txt.endswith("\n"), "no final newline"
    for n, line in enumerate(txt.split("\n")[:-1], 1):
        where = "line %d: %r" % (n, line)
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % NAME, line)
            if not m:
                assert not line.startswith("# HELP") and not line.startswith("# TYPE"), where
                continue
            kind, name, rest = m.groups()
            if kind == "TYPE":
                assert rest in ("counter", "gauge", "histogram", "summary", "untyped"), where
                assert name not in types, "second TYPE " + where
                assert name not in done and name != current, "TYPE after samples " + where
                types[name] = rest
            else:
                assert name not in helps, "second HELP " + where
                assert re.fullmatch(r"([^\\]|\\\\|\\n)*", rest), "HELP escape " + where
                helps[name] = rest
            continue
        assert line.strip(), "empty line " + where
        m = re.fullmatch(r"(%s)(\{(.*)\})? (%s)( -?\d+)?" % (NAME, VALUE), line)
        assert m, where
        name, _, body, value, _ts = m.groups()
        labels = {}
        if body:
            pos = 0
            while pos < len(body):
                lm = re.compile(r'(%s)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)' % LABEL).match(body, pos)
                assert lm, "labels " + where
                k = lm.group(1)
                assert k not in labels and not k.startswith("__"), "label " + where
                labels[k] = lm.group(2).replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
                pos = lm.end()
                assert lm.group(3) == "," or pos == len(body), where
        assert value in ("NaN", "+Inf", "-Inf") or re.fullmatch(
            r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value), "value " + where
        family = name
        for suffix in ("_total", "_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in types:
                family = name[: -len(suffix)]
        if family not in types:
            family = name
        # a family's samples stand together, after its TYPE line
        if family != current:
            assert family not in done, "family %s split %s" % (family, where)
            if current:
                done.add(current)
            current = family
        assert family in types, "sample before TYPE " + where
        if types[family] == "counter":
            assert name.endswith("_total"), "counter without _total " + where
            assert float(value) >= 0, where
        key = (name, tuple(sorted(labels.items())))
        assert key not in seen, "duplicate series " + where
        seen.add(key)
        samples.append((name, labels, float(value)))
    for name in types:
        assert name in helps, "no HELP for " + name
    return samples


def t_prometheus():
    assert section("prom.rc").strip() == "0", section("prom.err")
    s = parse_prometheus(section("prom.txt"))

    def get(name, **lab):
        v = [x for x in s if x[0] == name and all(x[1].get(k) == str(w) for k, w in lab.items())]
        return v

    assert get("neuron_devices")[0][2] == 4
    assert len(get("neuron_device_info")) == 4
    for d in ls["devices"]:
        i = d["index"]
        info = get("neuron_device_info", device=i)[0][1]
        assert info["pci_slot"] == d["pci_slot"] and info["node"] == d["node"], info
        assert info["device_id"] == d["device_id"], (info, d)
        assert get("neuron_device_firmware_ready", device=i)[0][2] == 1
        assert [x[2] for x in get("neuron_device_link_up", device=i)] == [1, 1]
        total = sum(r["total"] for r in d["memory"]["regions"] if r["type"] == "dram")
        assert get("neuron_device_dram_total_bytes", device=i)[0][2] == total
        assert get("neuron_device_dram_used_bytes", device=i)[0][2] == d["memory"]["dram_used"]
        assert get("neuron_core_owner_pid", device=i, core=0)[0][2] == pids[i]
    for i, pid in enumerate(pids):
        before, after = fd1[pid], fd2[pid]
        busy = get("neuron_client_engine_busy_seconds_total", pid=pid)
        assert len(busy) == 1 and busy[0][1]["device"] == str(i), busy
        assert busy[0][1]["command"] == "dma-jobs", busy
        ns = round(busy[0][2] * 1e9)
        assert engine_ns(before) - 1000 <= ns <= engine_ns(after) + 1000, (ns, before, after)
        assert get("neuron_client_engine_busy_ratio", pid=pid)[0][2] > 0
        assert get("neuron_client_engine_capacity", pid=pid)[0][2] == int(after["drm-engine-capacity-dma"])
        for region in ("host", "dram"):
            for kind in ("total", "shared", "active", "resident"):
                v = get("neuron_client_memory_bytes", pid=pid, region=region, kind=kind)
                key = "drm-%s-%s" % (kind, region)
                if kind == "active":
                    continue  # changes with every job: only its presence
                assert len(v) == 1 and v[0][2] == size_bytes(after[key]), (key, v, after[key])
        subm = get("neuron_client_jobs_total", pid=pid, state="submitted")[0][2]
        assert int(before["neuron-jobs-submitted"]) <= subm <= int(after["neuron-jobs-submitted"])


def t_prometheus_parser_rejects():
    """The parser above must catch what it claims to (it is the test)."""
    bad = [
        "x 1\n",                                        # sample before TYPE
        "# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",  # duplicate
        "# HELP x h\n# TYPE x gauge\nx{a=1} 1\n",       # unquoted label
        "# HELP x h\n# TYPE x counter\nx 1\n",          # counter without _total
        "# HELP x h\n# TYPE x gauge\nx one\n",          # bad value
        "# HELP x h\n# TYPE x gauge\nx 1",              # no final newline
        "# HELP x h\n# TYPE x gauge\n# HELP y h\n# TYPE y gauge\nx 1\ny 1\nx 2\n",  # split
        "# HELP x h\n# TYPE x gauge\nx{a=\"\\q\"} 1\n",  # bad escape
    ]
    for b in bad:
        try:
            parse_prometheus(b)
        except AssertionError:
            continue
        raise AssertionError("accepted: %r" % b)
    ok = '# HELP x_total h\n# TYPE x_total counter\nx_total{a="q\\"\\\\\\n"} 1.5e3\n'
    assert parse_prometheus(ok)[0][1]["a"] == 'q"\\\n'


def t_cdi():
    import jsonschema
    assert section("cdi.rc").strip() == "0", section("cdi.json")
    spec = json.loads(section("cdi.json"))
    jsonschema.validate(spec, json.load(open(schema_path)))
    assert spec["kind"] == "aws.amazon.com/neuron"
    names = [d["name"] for d in spec["devices"]]
    assert len(names) == len(set(names)) == 5, names
    nodes = {}
    for d in spec["devices"]:
        for n in d["containerEdits"]["deviceNodes"]:
            assert n["type"] == "c" and n["permissions"] == "rw", n
            assert n["path"] == "/dev/accel/accel%d" % n["minor"], n
            nodes.setdefault(d["name"], []).append(n["path"])
    for i in range(4):
        assert nodes[str(i)] == ["/dev/accel/accel%d" % i], nodes
    assert nodes["all"] == ["/dev/accel/accel%d" % i for i in range(4)], nodes
    # The schema is strict: it rejects what the spec forbids.
    for broken in ({"kind": "neuron"}, {"cdiVersion": 5}, {"devices": []}):
        b = dict(spec, **broken)
        try:
            jsonschema.validate(b, json.load(open(schema_path)))
        except jsonschema.ValidationError:
            continue
        raise AssertionError("schema accepted %r" % broken)


def t_load_messages():
    big = section("load-big.txt")
    assert big.rstrip().endswith("exit 4"), big
    assert "larger than one device DRAM channel" in big, big
    assert "(4294967297 bytes) > 4.0 GiB (4294967296 bytes)" in big, big
    full = section("load-full.txt")
    assert full.rstrip().endswith("exit 4"), full
    free = sum(r["total"] for r in ls["devices"][0]["memory"]["regions"] if r["type"] == "dram")
    assert free < 8 << 30, free  # the reserved page
    assert "need 8.0 GiB (8589934592 bytes)" in full, full
    assert "only 8.0 GiB (%d bytes) is free" % free in full, full
    one = section("load-one.txt")
    assert one.rstrip().endswith("exit 0"), one
    assert "1 file named more than once: loaded once" in one, one
    assert "neuron-load: 1 file, " in one and "1 files" not in one, one
    assert "the 1 file verified bit-exact" in one and "on all 4 devices" in one, one
    assert "MiB/s" in one and "MB/s" not in one, one
    one_dev = section("load-1dev.txt")
    assert "the file verified bit-exact (byte compare) on the device" in one_dev, one_dev
    assert "all 2 files verified" in one_dev and "on the 1 device" in one_dev, one_dev
    assert "1 devices" not in one_dev and "1 files" not in one_dev, one_dev
    assert "1 file, " in one_dev and "; 1 device, ring: 0" in one_dev, one_dev
    pseudo = section("load-pseudo.txt")
    assert pseudo.rstrip().endswith("exit 4"), pseudo
    assert "a file of sysfs" in pseudo and "a file of proc" in pseudo, pseudo
    assert "empty" not in pseudo and "shrank" not in pseudo, pseudo


def t_load_packing():
    # A runtime packs small tensors into a few large buffers: 2,000 files
    # of 1..200 bytes must not become 2,000 DRAM buffer objects per device.
    t = section("load-tiny.txt")
    assert t.rstrip().endswith("exit 0"), t
    assert "all 2000 files verified bit-exact" in t and "on all 4 devices" in t, t
    m = re.search(r"\), 4 devices, (\d+) DRAM buffers? of ([0-9.]+) (B|KiB|MiB) per device", t)
    assert m, t
    assert 1 <= int(m.group(1)) <= 2000 // 100, m.group(0)
    # Every phase and the total, in one unit system.
    for phase in ("setup", "transfer", "free", "total"):
        assert re.search(r"^  %s +[0-9.]+ s" % phase, t, re.M), (phase, t)
    # Where the transfer's time went; the files are read once.
    assert re.search(r"of it: reading the files [0-9.]+ s, comparing [0-9.]+ s, "
                     r"waiting for DMA [0-9.]+ s \(\d+ jobs\)", t), t
    assert re.search(r"^  total +[0-9.]+ s +[0-9.]+ MiB/s", t, re.M), t
    assert "allocate: done, " in t, t


def t_write_errors():
    for name in ("ls-full.txt", "top-full.txt"):
        t = section(name)
        assert t.count("write error on standard output") == t.count("exit 1") >= 1, t
        assert "exit 0" not in t, t


def t_bench_infer():
    rc = section("bench-infer.rc")
    assert rc.rstrip().endswith("exit 0"), rc
    j = json.loads(section("bench-infer.json"))
    kinds = ["xfer4", "program", "program_long", "submit", "submit_long"]
    figs = j["figures"]
    assert [(f["kind"], f["in_flight"]) for f in figs] == \
        [(k, d) for k in kinds for d in (1, 8, 64)], figs
    for f in figs:
        assert f["round_trips"] == 20 and f["per_s"] > 0, f
        if f["in_flight"] == 1:
            assert 0 < f["p50_us"] <= f["p99_us"], f
            # the submit call is part of its round trip, sample by sample
            assert 0 < f["call_p50_us"] <= f["p50_us"], f
            assert f["call_p50_us"] <= f["call_p99_us"] <= f["p99_us"], f
    # the long program: about 16 times the hardware descriptors
    assert j["program_long"]["hw_descs"] >= 15 * j["program"]["hw_descs"], j
    goals = [r for r in j["summary"] if r["goal_min_ratio"] is not None]
    assert len(goals) == 3 and all(r["goal_min_ratio"] == 0.5 for r in goals), goals
    for r in j["summary"]:
        assert r["value"] > 0 and r["baseline_value"] > 0, r
        assert math.isclose(r["ratio"], r["value"] / r["baseline_value"], rel_tol=1e-2, abs_tol=1e-3), r
    v = j["verify"]
    # 20 warm-up and 20 timed round trips per figure; the 12 figures of the
    # programs and plain submits each add 1 to the semaphore and write the event.
    assert v["ok"] and v["data_bit_exact"], v
    assert v["semaphore"] == v["semaphore_expected"] == 12 * 40, v
    assert v["nq_entries"] + v["nq_dropped"] == v["nq_expected"] == 12 * 40, v


check("vm-tools-jobs", t_jobs_ran)
check("vm-tools-top-once", t_top_once)
check("vm-tools-top-unprivileged", t_top_nobody)
check("vm-tools-prometheus-parser", t_prometheus_parser_rejects)
check("vm-tools-prometheus", t_prometheus)
check("vm-tools-cdi", t_cdi)
check("vm-tools-load-messages", t_load_messages)
check("vm-tools-load-packing", t_load_packing)
check("vm-tools-write-errors", t_write_errors)
check("vm-tools-bench-infer", t_bench_infer)
print("%d passed, %d failed, 0 skipped" % (passed, failed))
sys.exit(1 if failed else 0)
