"""Checks that a mgpu* runtime library provides what lowered host code calls.

    check_runtime_abi.py --lib LIB [--source SRC --cuda-include DIR] a.ll ...

For every `.ll` file, prints the mgpu* functions it declares. Then checks
that `nm -D --defined-only LIB` exports each of them and, when clang is on
PATH and --source is given, that the `define` clang emits for each one in
SRC has the same return and parameter types as the `declare` (pointers of
any type are `ptr`; C++ `bool` is `i1 zeroext`, which the x86-64 and AArch64
ABIs pass like the `i8` MLIR declares). Prints OK or FAIL lines; exits 1 on
any failure.
"""

import argparse
import re
import shutil
import subprocess
import sys

HEAD = re.compile(r"^(declare|define)\s+(?:[a-z_]+\s+)*?(\S+)\s+@(mgpu\w+)\(", re.M)


def norm_type(t):
    t = t.strip()
    # Drop the SSA name and parameter attributes.
    t = re.sub(r"\s%[\w.]+$", "", t)
    t = re.sub(r"\b(noundef|signext|nocapture|readonly|writeonly|noalias)\b", "", t).strip()
    if t.endswith("*") or t.endswith('*"') or t == "ptr":
        return "ptr"
    if re.match(r"^i1\s+zeroext$", t):
        return "i8"
    t = re.sub(r"\bzeroext\b", "", t).strip()
    return t


def split_params(text, start):
    """Parameter types of the list that opens just before `start`; skips
    nested brackets and quoted names such as %"struct.(anonymous ...)"."""
    out, depth, cur, quoted = [], 0, "", False
    for ch in text[start:]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "([{<":
            depth += 1
        elif not quoted and ch in ")]}>":
            if depth == 0 and ch == ")":
                break
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [norm_type(p) for p in out]


def signatures(text, kind):
    sigs = {}
    for m in HEAD.finditer(text):
        if m.group(1) == kind:
            sigs[m.group(3)] = (norm_type(m.group(2)), split_params(text, m.end()))
    return sigs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", required=True)
    p.add_argument("--source")
    p.add_argument("--cuda-include")
    p.add_argument("ll", nargs="+")
    a = p.parse_args()

    declared = {}
    for path in a.ll:
        sigs = signatures(open(path).read(), "declare")
        print("%s: %s" % (path.rsplit("/", 1)[-1], " ".join(sorted(sigs))))
        for name, sig in sigs.items():
            if name in declared and declared[name] != sig:
                print("FAIL: %s declared differently across inputs: %s vs %s"
                      % (name, declared[name], sig))
                return 1
            declared[name] = sig

    nm = subprocess.run(["nm", "-D", "--defined-only", a.lib],
                        capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in nm.splitlines() if line.split()}
    missing = sorted(set(declared) - exported)
    print("exported: %d of %d declared" % (len(declared) - len(missing), len(declared)))
    failed = False
    for name in missing:
        print("FAIL: %s is declared by the lowered code but not exported" % name)
        failed = True

    clang = shutil.which("clang")
    if a.source and clang:
        cmd = [clang, "-S", "-emit-llvm", "-O0", "-std=c++17", "-x", "c++", a.source, "-o", "-"]
        if a.cuda_include:
            cmd[1:1] = ["-I", a.cuda_include]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            print("FAIL: %s exited with %d:\n%s" % (" ".join(cmd), res.returncode,
                                                  res.stderr[-2000:]))
            return 1
        defined = signatures(res.stdout, "define")
        for name, sig in sorted(declared.items()):
            if name not in defined:
                print("FAIL: %s has no definition in %s" % (name, a.source))
                failed = True
            elif defined[name] != sig:
                print("FAIL: %s: lowered code declares %s, the runtime defines %s"
                      % (name, sig, defined[name]))
                failed = True
        print("signatures: compared %d with clang" % len(declared))
    else:
        print("signatures: not compared (no clang or no --source)")
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
