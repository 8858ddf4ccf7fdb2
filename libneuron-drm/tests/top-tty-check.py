#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""neuron-top's terminal view in a pseudo-terminal (TERM=vt100, 40x132):
it draws, refreshes (the clock of its header moves), changes the sort
order on s, p and b, and quits on q with status 0.  curses sends only what
changed, so the output goes through a small VT100 screen model.

Usage: top-tty-check.py NEURON-TOP   (exit 0 pass, 1 fail, 77 skip)
"""
import os
import pty
import re
import select
import struct
import sys
import termios
import fcntl
import time

ROWS, COLS = 40, 132
CSI = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z@])")
exe = sys.argv[1]
if not any(os.path.exists(d + "/v/vt100") for d in ("/usr/share/terminfo", "/lib/terminfo")):
    print("no terminfo entry for vt100")
    sys.exit(77)


class Screen:
    """Enough of a VT100 for what ncurses sends it."""

    def __init__(self):
        self.rows = [[" "] * COLS for _ in range(ROWS)]
        self.r = self.c = 0
        self.saved = (0, 0)
        self.pending = ""

    def put(self, ch):
        if self.c >= COLS:
            self.c = COLS - 1
        self.rows[self.r][self.c] = ch
        self.c += 1

    def feed(self, data):
        s = self.pending + data
        self.pending = ""
        i = 0
        while i < len(s):
            ch = s[i]
            if ch == "\x1b":
                rest = s[i:]
                # an escape sequence cut by a read: keep it for the next
                if rest == "\x1b" or re.fullmatch(r"\x1b(\[[?0-9;]*|[()])", rest):
                    self.pending = rest
                    return
                m = CSI.match(s, i)
                if m:
                    self.csi(m.group(1), m.group(2))
                    i = m.end()
                    continue
                nxt = s[i + 1]
                if nxt in "()":      # character set: no text
                    i += 3
                elif nxt == "7":
                    self.saved = (self.r, self.c)
                    i += 2
                elif nxt == "8":
                    self.r, self.c = self.saved
                    i += 2
                elif nxt == "M":
                    self.r = max(0, self.r - 1)
                    i += 2
                else:                # ESC =, ESC >, ...: no text
                    i += 2
                continue
            if ch == "\r":
                self.c = 0
            elif ch == "\n":
                self.r = min(ROWS - 1, self.r + 1)
            elif ch == "\b":
                self.c = max(0, self.c - 1)
            elif ch == "\t":
                self.c = min(COLS - 1, (self.c // 8 + 1) * 8)
            elif ch >= " ":
                self.put(ch)
            i += 1

    def csi(self, params, final):
        nums = [int(x) if x.isdigit() else 0 for x in params.lstrip("?").split(";")] if params else []
        n = nums[0] if nums and nums[0] else 1
        if final in "Hf":
            self.r = min(ROWS, (nums[0] if nums and nums[0] else 1)) - 1
            self.c = min(COLS, (nums[1] if len(nums) > 1 and nums[1] else 1)) - 1
        elif final == "A":
            self.r = max(0, self.r - n)
        elif final == "B":
            self.r = min(ROWS - 1, self.r + n)
        elif final == "C":
            self.c = min(COLS - 1, self.c + n)
        elif final == "D":
            self.c = max(0, self.c - n)
        elif final == "K":
            mode = nums[0] if nums else 0
            lo, hi = {0: (self.c, COLS), 1: (0, self.c + 1), 2: (0, COLS)}[mode]
            for k in range(lo, hi):
                self.rows[self.r][k] = " "
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 2:
                self.rows = [[" "] * COLS for _ in range(ROWS)]
            elif mode == 0:
                for k in range(self.c, COLS):
                    self.rows[self.r][k] = " "
                for rr in range(self.r + 1, ROWS):
                    self.rows[rr] = [" "] * COLS
        # m (attributes), h/l (modes), r (scroll region): no text change

    def line(self, r):
        return "".join(self.rows[r]).rstrip()


screen = Screen()
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="vt100")
    os.environ.pop("LINES", None)
    os.environ.pop("COLUMNS", None)
    os.execv(exe, [exe, "-d", "0.3"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))


def pump(secs):
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                screen.feed(os.read(fd, 65536).decode("latin-1"))
            except OSError:
                return


def wait_header(pattern, secs=10):
    end = time.time() + secs
    while time.time() < end:
        pump(0.1)
        m = re.search(pattern, screen.line(0))
        if m:
            return m
    raise AssertionError("header never matched %r; screen:\n%s" %
                         (pattern, "\n".join(screen.line(r) for r in range(8))))


def main():
    m = wait_header(r"^neuron-top (\d\d:\d\d:\d\d) - every [\d.]+ s - sort: busy ")
    first = m.group(1)
    # refreshed: the clock of the reading moves on by itself
    wait_header(r"^neuron-top (?!%s)\d\d:\d\d:\d\d - " % re.escape(first), 5)
    assert "DEV  NODE" in "\n".join(screen.line(r) for r in range(ROWS)), "no device table"
    for key, name in ((b"s", "memory"), (b"p", "pid"), (b"b", "busy"), (b"s", "memory")):
        os.write(fd, key)
        wait_header(r" - sort: %s " % name)
    os.write(fd, b"q")
    end = time.time() + 10
    while time.time() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "exit status %r" % status
            return
        pump(0.05)
    raise AssertionError("q did not quit")


try:
    main()
except AssertionError as e:
    print("FAIL: %s" % e)
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    sys.exit(1)
print("terminal view: drew, refreshed, sorted by memory, pid, busy, quit with 0")
