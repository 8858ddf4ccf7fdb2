#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkseries.py - the upstream patch series, generated from the tree.

    mkseries.py --kernel GIT_DIR --base REV --out DIR

Reads scripts/patches/series (the manifest: which patch adds which files,
and which parts of shared files), builds one commit per patch on top of
REV in the kernel git repository GIT_DIR without touching its work tree
(a private index, hash-object, commit-tree), and writes the series with
"git format-patch --cover-letter" into DIR.  The commits are reproducible:
same tree, same manifest, same patches.

Shared files are cut, never annotated: a "cut FILE REGEX" under a patch
says that the unit of FILE starting at the line REGEX matches (exactly
one line must match) appears with that patch and is absent before it.
A unit is found from its first line:
  * a kernel-doc member line (" * @name: ...") - that member's text;
  * a line of a comment of its own (a DOC: section) - the comment;
  * "#if..." (make: "ifeq"...) - up to its "#endif" ("endif");
  * "case X:" / "default:" - up to the next label or the switch's end;
  * the body of an unbraced if/for/while/else - with its head;
  * anything else - one C statement, declaration, definition or
    initializer entry: up to where the brackets balance on a line ending
    in ";", ",", "}" or a line without a "\\" continuation (make, cpp).
    A comment directly above belongs to it, and so does an
    "if (ret...)"/"if (IS_ERR(...))" check right after a statement.
"cut FILE A .. B" cuts from the unit at A to the end of the unit at B;
"A >> B" is the first line B matches after the line A matches; "cutall"
cuts the unit of every line that matches; "cutline" just the line (an
operand of a multi-line expression: when the last one goes, its ";"
moves up).  "drop" ("dropline": the line), at the top of the manifest:
never in the series.
"core PATCH", at the top too: a ready-made patch to the kernel outside
the driver (scripts/patches/PATCH, a "git format-patch" file by the
manifest's author), committed as it is before the driver's patches, in
the order of the manifest.
Automatic cuts: '#include "X.h"', a Makefile's "X.o" line and a toctree
entry go with our X.h, X.c, X.rst.  Afterwards, blank lines are not
doubled, and a braced block left with one single-line statement loses
its braces (checkpatch).

Loud failures: a file of the driver's directories in no patch and not
excluded, a cut that matches no line or several, a last step that is
not the tree byte for byte (less the drops).
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDIR = os.path.join(ROOT, 'scripts', 'patches')
# What the series consists of: every file here is in a patch or excluded.
OWNED_DIRS = ['drivers/accel/neuron', 'Documentation/accel/neuron']
UAPI = 'include/uapi/drm/neuron_accel.h'
ABI = 'Documentation/ABI/testing/sysfs-driver-neuron'
SHORT_DIR = 'drivers/accel/neuron/'


class Fail(Exception):
    pass


def fail(msg):
    raise Fail(msg)


# ---------------------------------------------------------------------------
# The manifest.
# ---------------------------------------------------------------------------
class Patch:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.files = []
        self.cuts = []          # (kind, file, regex, regex2, lineno)


def full_path(p):
    return p if '/' in p else SHORT_DIR + p


def parse_manifest(path):
    hdr = {'exclude': [], 'drop': [], 'author': None, 'ignore': [], 'core': []}
    patches = []
    with open(path) as f:
        lines = f.read().split('\n')
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        word, _, rest = line.partition(' ')
        rest = rest.strip()
        where = f'{path}:{n}'
        if word == 'patch':
            patches.append(Patch(rest, n))
        elif word == 'core':
            if patches:
                fail(f'{where}: "core" patches come before every "patch"')
            hdr['core'].append(os.path.join(PDIR, rest))
        elif word == 'author':
            hdr['author'] = rest
        elif word == 'exclude':
            hdr['exclude'] += [full_path(p) for p in rest.split()]
        elif word == 'files':
            if not patches:
                fail(f'{where}: "files" before any "patch"')
            patches[-1].files += [full_path(p) for p in rest.split()]
        elif word in ('cut', 'cutall', 'cutline', 'drop', 'dropline'):
            file, _, rx = rest.partition(' ')
            rx = rx.strip()
            rx2 = None
            if ' .. ' in rx:
                rx, rx2 = rx.split(' .. ', 1)
            if not rx:
                fail(f'{where}: {word} needs FILE REGEX')
            cut = (word, full_path(file), rx, rx2, where)
            if word in ('drop', 'dropline'):
                hdr['drop'].append(('cutline' if word == 'dropline' else word,) + cut[1:])
            elif not patches:
                fail(f'{where}: "{word}" before any "patch"')
            else:
                patches[-1].cuts.append(cut)
        else:
            fail(f'{where}: unknown keyword "{word}"')
    if not patches:
        fail(f'{path}: no patches')
    return hdr, patches


# ---------------------------------------------------------------------------
# Units of a file.
# ---------------------------------------------------------------------------
DOC_MEMBER = re.compile(r'^\s*\*\s+@[\w.\-]+(\[\])?:')


def code_part(line):
    """The line without strings, char constants and comments (roughly)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    line = re.sub(r'/\*.*?\*/', '', line)
    line = re.sub(r'//.*', '', line)
    if '/*' in line:
        line = line[:line.index('/*')]
    return line


def depth_of(line):
    c = code_part(line)
    return sum(c.count(x) for x in '([{') - sum(c.count(x) for x in ')]}')


def comment_above(lines, i, make=False):
    """First line of the comment directly above line i (or i)."""
    j = i - 1
    if j < 0:
        return i
    s = lines[j].strip()
    if make:
        while j >= 0 and lines[j].startswith('#'):
            j -= 1
        return j + 1
    if s.startswith('//'):
        while j > 0 and lines[j - 1].strip().startswith('//'):
            j -= 1
        return j
    if s.endswith('*/'):
        while j >= 0 and '/*' not in lines[j]:
            j -= 1
        return j if j >= 0 else i
    return i


def statement_end(lines, i, make):
    depth = 0
    j = i
    cpp = make or lines[i].lstrip().startswith('#')
    while j < len(lines):
        line = lines[j]
        if cpp:
            if not line.rstrip().endswith('\\'):
                return j
            j += 1
            continue
        depth += depth_of(line)
        code = code_part(line).rstrip()
        if depth <= 0 and (code.endswith((';', ',', '}')) or
                           (depth < 0 and code.endswith(')'))):
            return j
        j += 1
    fail(f'unit starting at line {i + 1} does not end')


def unit(lines, i, make):
    """(first, last) line indexes of the unit starting at line i."""
    s = lines[i].strip()
    if DOC_MEMBER.match(lines[i]):
        j = i
        while j + 1 < len(lines):
            n = lines[j + 1].strip()
            if DOC_MEMBER.match(lines[j + 1]) or n in ('*', '*/') or \
               not n.startswith('*'):
                break
            j += 1
        return i, j
    if re.match(r'\*(\s|/|$)', s) or s.startswith('/*') and '*/' not in s:
        # A comment on its own (a DOC: section): all of it.
        a = i
        while a > 0 and '/*' not in lines[a]:
            a -= 1
        b = i
        while '*/' not in lines[b]:
            b += 1
        return a, b
    if make and re.match(r'(ifeq|ifneq|ifdef|ifndef)\b', s):
        nest = 0
        for j in range(i, len(lines)):
            t = lines[j].strip()
            if re.match(r'(ifeq|ifneq|ifdef|ifndef)\b', t):
                nest += 1
            elif t == 'endif':
                nest -= 1
                if nest == 0:
                    return comment_above(lines, i, make), j
        fail(f'no endif for line {i + 1}')
    if re.match(r'#\s*if', s):
        nest = 0
        for j in range(i, len(lines)):
            t = lines[j].strip()
            if re.match(r'#\s*if', t):
                nest += 1
            elif re.match(r'#\s*endif', t):
                nest -= 1
                if nest == 0:
                    return comment_above(lines, i), j
        fail(f'no #endif for line {i + 1}')
    if re.match(r'(case\b.*|default\s*):', s):
        ind = len(lines[i]) - len(lines[i].lstrip())
        j = i + 1
        while j < len(lines):
            t = lines[j]
            tind = len(t) - len(t.lstrip())
            if t.strip() and (tind < ind or (tind == ind and re.match(
                    r'(case\b.*|default\s*):|}', t.strip()))):
                break
            j += 1
        return comment_above(lines, i), j - 1
    # The body of an unbraced if/for/while/else goes with its head.
    if not make and i > 0 and re.match(r'(if|for|while|else)\b', lines[i - 1].strip()) \
       and not code_part(lines[i - 1]).rstrip().endswith((';', '{', '}')):
        return unit(lines, i - 1, make)
    first = comment_above(lines, i, make)
    last = statement_end(lines, i, make)
    # The error check of a call is part of it.
    if not make and code_part(lines[last]).rstrip().endswith(';'):
        k = last + 1
        if k < len(lines) and re.match(r'if \((ret\b|IS_ERR\()', lines[k].strip()):
            last = statement_end(lines, k, make)
    return first, last


def find_line(lines, rx, what):
    if ' >> ' in rx:
        # "ANCHOR >> REGEX": the first line REGEX matches after ANCHOR's.
        anchor, rx = rx.split(' >> ', 1)
        a = find_line(lines, anchor, what)
        for n in range(a + 1, len(lines)):
            if re.search(rx, lines[n]):
                return n
        fail(f'{what}: /{rx}/ matches nothing after line {a + 1}')
    hits = [n for n, line in enumerate(lines) if re.search(rx, line)]
    if len(hits) != 1:
        fail(f'{what}: /{rx}/ matches {len(hits)} lines' +
             (''.join(f'\n    {h + 1}: {lines[h]}' for h in hits[:5])))
    return hits[0]


def cut_lines(path, lines, cuts, present):
    """The file's lines without the units of @cuts and automatic cuts."""
    make = os.path.basename(path) in ('Makefile', 'Kbuild', 'Kconfig')
    gone = set()
    movesemi = []
    starts = []
    for kind, _, rx, rx2, where in cuts:
        if kind == 'cutall':
            hits = [n for n, line in enumerate(lines) if re.search(rx, line)]
            if not hits:
                fail(f'{where} in {path}: /{rx}/ matches nothing')
            starts += [(kind, n, None) for n in hits]
        else:
            starts.append((kind, find_line(lines, rx, f'{where} in {path}'),
                           rx2 and find_line(lines, rx2, f'{where} in {path}')))
    for kind, i, i2 in starts:
        if kind == 'cutline':
            gone.add(i)
            if code_part(lines[i]).rstrip().endswith(';'):
                movesemi.append(i)
            continue
        a, b = unit(lines, i, make)
        if i2 is not None:
            b = unit(lines, i2, make)[1]
        gone.update(range(a, b + 1))
    d = os.path.dirname(path)
    for n, line in enumerate(lines):
        m = re.match(r'\s*#include\s+"([^"]+)"', line)
        if m and os.path.normpath(os.path.join(d, m.group(1))) in all_ours - present:
            gone.add(n)
        m = re.match(r'\s*(\w+)\.o\b', line)
        if make and m and os.path.join(d, m.group(1) + '.c') in all_ours - present:
            gone.add(n)
        m = re.match(r'   ([\w\-]+)$', line)
        if path.endswith('.rst') and m and \
           os.path.join(d, m.group(1) + '.rst') in all_ours - present:
            gone.add(n)
    out = []
    for n, line in enumerate(lines):
        if n in gone:
            if n in movesemi:
                for k in range(len(out) - 1, -1, -1):
                    if out[k].strip():
                        if re.search(r'(\|\||&&|[|&+,])\s*$', out[k]):
                            out[k] = re.sub(r'\s*(\|\||&&|[|&+,])\s*$', '', out[k]) + ';'
                        break
            continue
        out.append(line)
    # Blank lines left doubled, or at the edge of a block, or a "\" before nothing.
    res = []
    for n, line in enumerate(out):
        nxt = out[n + 1] if n + 1 < len(out) else None
        if not line.strip():
            if not res or not res[-1].strip() or res[-1].rstrip().endswith('{'):
                continue
            if nxt is not None and nxt.strip() in ('}', '};', '*/') and not make:
                continue
        if make and line.rstrip().endswith('\\') and (nxt is None or not nxt.strip()):
            line = line.rstrip()[:-1].rstrip()
        if not make and line.strip().startswith('}'):
            while res and not res[-1].strip():
                res.pop()
        res.append(line)
    while res and not res[-1].strip():
        res.pop()
    if not make and path.endswith('.c'):
        n = 0
        while n + 2 < len(res):
            a, b, c = res[n], res[n + 1], res[n + 2]
            ind = len(a) - len(a.lstrip())
            if re.match(r'\s*(if|for|while)\b.*\) \{$', a) and \
               b.rstrip().endswith(';') and depth_of(b) == 0 and \
               c == a[:ind] + '}' and \
               (n + 3 >= len(res) or not res[n + 3].strip().startswith('else')):
                res[n:n + 3] = [a[:-2], b]
            n += 1
    return res


# ---------------------------------------------------------------------------
# The kernel's own files a new driver touches.
# ---------------------------------------------------------------------------
def insert_after(text, anchor_rx, new, what):
    lines = text.split('\n')
    n = find_line(lines, anchor_rx, what)
    lines.insert(n + 1, new)
    return '\n'.join(lines)


def hook_edits(git, base):
    def show(p):
        return run(['git', 'show', f'{base}:{p}'], cwd=git)
    out = {}
    out['drivers/accel/Kconfig'] = insert_after(
        show('drivers/accel/Kconfig'), r'^source "drivers/accel/ivpu/Kconfig"$',
        'source "drivers/accel/neuron/Kconfig"', 'drivers/accel/Kconfig')
    out['drivers/accel/Makefile'] = insert_after(
        show('drivers/accel/Makefile'), r'^obj-\$\(CONFIG_DRM_ACCEL_IVPU\)\s',
        'obj-$(CONFIG_DRM_ACCEL_NEURON)\t\t+= neuron/', 'drivers/accel/Makefile')
    out['Documentation/accel/index.rst'] = insert_after(
        show('Documentation/accel/index.rst'), r'^   amdxdna/index$',
        '   neuron/index', 'Documentation/accel/index.rst')
    with open(os.path.join(PDIR, 'MAINTAINERS')) as f:
        entry = f.read().rstrip('\n')
    m = show('MAINTAINERS').split('\n')
    n = find_line(m, r'^DRM ACCEL DRIVER FOR ROCKCHIP NPU$', 'MAINTAINERS')
    m[n:n] = entry.split('\n') + ['']
    out['MAINTAINERS'] = '\n'.join(m)
    return out


# ---------------------------------------------------------------------------
# git plumbing.
# ---------------------------------------------------------------------------
def run(cmd, cwd=None, env=None, data=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, input=data, capture_output=True,
                       text=True)
    if p.returncode:
        fail(f'{" ".join(cmd)}: {p.stderr.strip()}')
    return p.stdout


def read_message(name):
    path = os.path.join(PDIR, 'msg', name + '.txt')
    try:
        with open(path) as f:
            text = f.read().strip('\n')
    except OSError:
        fail(f'no commit message {path}')
    subject, _, body = text.partition('\n\n')
    if '\n' in subject:
        fail(f'{path}: the subject is one line, then a blank line')
    return subject, body


def core_commit(git, env, parent, path, author):
    """Commit the ready-made patch @path on @parent (index: env's)."""
    try:
        with open(path) as f:
            mbox = f.read()
    except OSError:
        fail(f'no core patch {path}')
    # As "git am" reads it: the subject without "[PATCH n/m]".
    msgf = os.path.join(os.path.dirname(env['GIT_INDEX_FILE']), '.msg')
    info = run(['git', 'mailinfo', msgf, os.devnull], cwd=git, data=mbox)
    with open(msgf) as f:
        body = f.read().strip('\n')
    os.unlink(msgf)
    head = dict(line.split(': ', 1) for line in info.strip().split('\n') if ': ' in line)
    who = f"{head.get('Author')} <{head.get('Email')}>"
    if who != author:
        fail(f'{path}: from {who}, not from the series\' author {author}')
    if f'\nSigned-off-by: {author}' not in '\n' + body:
        fail(f'{path}: no "Signed-off-by: {author}"')
    run(['git', 'apply', '--cached', '--whitespace=error-all', '-'], cwd=git,
        env=env, data=mbox)
    tree = run(['git', 'write-tree'], cwd=git, env=env).strip()
    msg = f"{head['Subject']}\n\n{body}\n"
    return run(['git', 'commit-tree', tree, '-p', parent], cwd=git, env=env,
               data=msg).strip()


all_ours = set()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', required=True, help='git repository of the kernel tree')
    ap.add_argument('--base', default='HEAD', help='the commit to build on')
    ap.add_argument('--out', required=True, help='directory for the patches')
    ap.add_argument('--branch', default='neuron-series')
    args = ap.parse_args()

    hdr, patches = parse_manifest(os.path.join(PDIR, 'series'))
    if not hdr['author']:
        fail('the manifest names no "author"')

    # Every file of ours is in exactly one patch, or excluded.
    ours = run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '--'] + OWNED_DIRS + [UAPI, ABI], cwd=ROOT).split()
    all_ours.update(ours)
    owner = {}
    for p in patches:
        for f in p.files:
            if f in owner:
                fail(f'{f} is in patch "{owner[f]}" and in patch "{p.name}"')
            if f not in ours:
                fail(f'patch "{p.name}": {f} is not a file of the tree')
            owner[f] = p.name
    for f in hdr['exclude']:
        if f not in ours:
            fail(f'exclude: {f} is not a file of the tree')
    loose = [f for f in ours if f not in owner and f not in hdr['exclude']]
    if loose:
        fail('not in any patch (add them to scripts/patches/series): ' + ' '.join(loose))
    order = {p.name: k for k, p in enumerate(patches)}
    for p in patches:
        for c in p.cuts:
            if c[1] not in owner:
                fail(f'{c[4]}: {c[1]} is in no patch')
            if order[owner[c[1]]] >= order[p.name]:
                fail(f'{c[4]}: {c[1]} comes with patch "{owner[c[1]]}", '
                     f'not before "{p.name}": the cut would do nothing')

    content = {}
    for f in owner:
        with open(os.path.join(ROOT, f)) as fh:
            content[f] = fh.read().split('\n')
            if content[f] and content[f][-1] == '':
                content[f].pop()

    git = args.kernel
    base = run(['git', 'rev-parse', '--verify', args.base + '^{commit}'], cwd=git).strip()
    hooks = hook_edits(git, base)
    name, email = re.match(r'(.*?)\s*<(.*)>$', hdr['author']).groups()
    date = run(['git', 'log', '-1', '--format=%ad', '--date=raw'], cwd=ROOT).strip()
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(os.path.abspath(args.out), '.index'),
               GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=date,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email,
               GIT_COMMITTER_DATE=date)
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith('.patch'):
            os.unlink(os.path.join(args.out, old))
    run(['git', 'read-tree', base], cwd=git, env=env)

    parent = base
    for path in hdr['core']:
        parent = core_commit(git, env, parent, path, hdr['author'])
    present = set()
    for k, p in enumerate(patches):
        present.update(p.files)
        later = [c for q in patches[k + 1:] for c in q.cuts] + hdr['drop']
        files = {}
        for f in sorted(present):
            lines = cut_lines(f, content[f], [c for c in later if c[1] == f], present)
            files[f] = '\n'.join(lines) + '\n'
        if k == len(patches) - 1:
            # The whole series is the tree, bit for bit, but for the drops
            # and the toctree entries of excluded documents.
            dropped = {c[1] for c in hdr['drop']}
            for f in present - dropped:
                if f.endswith('.rst'):
                    continue
                if files[f] != '\n'.join(content[f]) + '\n':
                    fail(f'the series does not end with {f} as it is in the tree')
        if k == 0:
            files.update(hooks)
        for f, text in files.items():
            blob = run(['git', 'hash-object', '-w', '--stdin'], cwd=git, data=text).strip()
            run(['git', 'update-index', '--add', '--cacheinfo', f'100644,{blob},{f}'],
                cwd=git, env=env)
        tree = run(['git', 'write-tree'], cwd=git, env=env).strip()
        subject, body = read_message(p.name)
        msg = f'{subject}\n\n{body}\n\nSigned-off-by: {name} <{email}>\n'
        parent = run(['git', 'commit-tree', tree, '-p', parent], cwd=git, env=env,
                     data=msg).strip()
    os.unlink(env['GIT_INDEX_FILE'])
    run(['git', 'update-ref', f'refs/heads/{args.branch}', parent], cwd=git)

    run(['git', 'format-patch', '-q', '--cover-letter', '--no-signature',
         '--zero-commit', '--base', base, '-o', os.path.abspath(args.out),
         f'{base}..{parent}'], cwd=git, env=env)
    subject, body = read_message('cover')
    cover = sorted(x for x in os.listdir(args.out) if x.startswith('0000-'))[0]
    cpath = os.path.join(args.out, cover)
    with open(cpath) as f:
        text = f.read()
    text = text.replace('*** SUBJECT HERE ***', subject).replace('*** BLURB HERE ***', body)
    with open(cpath, 'w') as f:
        f.write(text)
    print(f'mkseries: {len(hdr["core"])} core and {len(patches)} driver patches '
          f'on {base[:12]} in {args.out}', file=sys.stderr)
    print(parent)


if __name__ == '__main__':
    try:
        main()
    except Fail as e:
        print(f'mkseries: FAIL: {e}', file=sys.stderr)
        sys.exit(1)
