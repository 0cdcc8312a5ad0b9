#!/usr/bin/python3
"""Performance target of the foundation issue (#2).

`prune-opt --prune-unstructured=ratio=0.5 --prune-report=output=...` on a
synthetic BERT-base model (about 110M f32 parameters, bench/gen_bert.py) must
take at most 2x the wall time and 1.5x the peak memory (max RSS) of stock
`mlir-opt` parsing and printing the same file, for text (.mlir, hex blobs) and
MLIR bytecode inputs. The output format follows the input (text -> text,
bytecode -> --emit-bytecode) and both tools write to a file in bench/out/,
removed before each run so neither pays for truncating an old one.

Each measurement is `/usr/bin/time -f "%e %M"` around the tool; baseline and
prune-opt runs are interleaved, with `sync` before each; the best (lowest)
time and the median max RSS of --runs runs are reported (the best time is the
most stable figure on a machine that other jobs share).

Usage:
  bench/run_issue2.py [--prune-opt build/bin/prune-opt]
                      [--mlir-opt /usr/lib/llvm-22/bin/mlir-opt]
                      [--runs 3] [--ratio 0.5] [--regen] [--keep-outputs]
  (or PRUNE_OPT=... bench/run_issue2.sh)

Needs /usr/bin/time (Debian package `time`; the script installs it with
apt-get when it is missing and it runs as root) and, to generate the model,
/usr/bin/python3 with numpy (Debian package python3-numpy).
Exit status: 0 when every target passes, 1 when one fails, 2 on errors.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIME = "/usr/bin/time"
TIME_LIMIT = 2.0
RSS_LIMIT = 1.5


def die(msg):
    print(f"run_issue2: error: {msg}", file=sys.stderr)
    sys.exit(2)


def ensure_time():
    if os.path.exists(TIME):
        return
    # GNU time is not in a minimal Debian image: `apt-get install time`.
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("run_issue2: installing GNU time (apt-get install time)",
              file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "time"], check=False,
                       stdout=subprocess.DEVNULL)
    if not os.path.exists(TIME):
        die(f"{TIME} is missing; install it with `apt-get install time`")


def measure(cmd, out_path, log_path):
    """Runs `cmd` under /usr/bin/time; returns (seconds, max RSS in MB)."""
    if os.path.exists(out_path):
        os.remove(out_path)
    # Flush the previous run's output so its write-back does not slow this
    # run down.
    os.sync()
    tfile = log_path + ".time"
    with open(log_path, "w") as log:
        rc = subprocess.run([TIME, "-f", "%e %M %U %S", "-o", tfile] + cmd,
                            stdout=log, stderr=log).returncode
    if rc != 0:
        with open(log_path) as log:
            tail = log.read()[-2000:]
        die(f"command failed ({rc}): {' '.join(cmd)}\n{tail}")
    with open(tfile) as f:
        seconds, kb, user, system = f.read().split()[-4:]
    return float(seconds), int(kb) / 1024.0, float(user) + float(system)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prune-opt",
                    default=os.environ.get(
                        "PRUNE_OPT", os.path.join(ROOT, "build/bin/prune-opt")))
    ap.add_argument("--mlir-opt",
                    default=os.environ.get("MLIR_OPT",
                                           "/usr/lib/llvm-22/bin/mlir-opt"))
    ap.add_argument("--out-dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--runs", type=int, default=3,
                    help="runs per tool for text input")
    ap.add_argument("--runs-bytecode", type=int, default=5,
                    help="runs per tool for bytecode input (cheap, noisy)")
    ap.add_argument("--ratio", type=float, default=0.5)
    ap.add_argument("--regen", action="store_true",
                    help="regenerate the model even if it exists")
    ap.add_argument("--keep-outputs", action="store_true",
                    help="keep the printed outputs in the out dir")
    ap.add_argument("--formats", default="text,bytecode")
    args = ap.parse_args()

    ensure_time()
    for tool in (args.prune_opt, args.mlir_opt):
        if not os.access(tool, os.X_OK):
            die(f"{tool} is not an executable (build prune-opt, or pass "
                f"--prune-opt)")
    os.makedirs(args.out_dir, exist_ok=True)
    text_in = os.path.join(args.out_dir, "bert.mlir")
    bc_in = os.path.join(args.out_dir, "bert.mlirbc")

    if args.regen or not os.path.exists(text_in):
        print("generating the model ...", file=sys.stderr)
        start = time.time()
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_bert.py"),
                        "-o", text_in], check=True)
        print(f"  {time.time() - start:.1f} s", file=sys.stderr)
    if (args.regen or not os.path.exists(bc_in) or
            os.path.getmtime(bc_in) < os.path.getmtime(text_in)):
        print("converting to bytecode ...", file=sys.stderr)
        subprocess.run([args.mlir_opt, text_in, "--emit-bytecode", "-o",
                        bc_in], check=True)

    report = os.path.join(args.out_dir, "issue2-report.json")
    load_before = os.getloadavg()[0]
    results = {}
    for fmt in args.formats.split(","):
        src = text_in if fmt == "text" else bc_in
        ext = ".mlir" if fmt == "text" else ".mlirbc"
        emit = [] if fmt == "text" else ["--emit-bytecode"]
        base_out = os.path.join(args.out_dir, "baseline.out" + ext)
        prune_out = os.path.join(args.out_dir, "pruned.out" + ext)
        cmds = {
            "mlir-opt": ([args.mlir_opt, src] + emit + ["-o", base_out],
                         base_out),
            "prune-opt": ([args.prune_opt, src,
                           f"--prune-unstructured=ratio={args.ratio}",
                           f"--prune-report=output={report}"] + emit +
                          ["-o", prune_out], prune_out),
        }
        samples = {name: [] for name in cmds}
        runs = args.runs if fmt == "text" else args.runs_bytecode
        for run in range(runs):
            for name, (cmd, out) in cmds.items():
                log = os.path.join(args.out_dir, f"{name}.{fmt}.log")
                t, m, cpu = measure(cmd, out, log)
                samples[name].append((t, m))
                print(f"  {fmt:8s} run {run + 1}/{runs} {name:9s} "
                      f"{t:7.2f} s {m:8.0f} MB  (cpu {cpu:.2f} s)",
                      file=sys.stderr)
        with open(report) as f:
            total = json.load(f)["total"]
        results[fmt] = {
            name: (min(t for t, _ in s),
                   statistics.median(m for _, m in s))
            for name, s in samples.items()
        }
        results[fmt]["sparsity"] = total["sparsity"]
        results[fmt]["params"] = total["params"]
        if not args.keep_outputs:
            for _, out in cmds.values():
                if os.path.exists(out):
                    os.remove(out)

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print()
    print(f"Machine: {os.cpu_count()} cores, {cpu}, {platform.system()} "
          f"{platform.release()}; {time.strftime('%Y-%m-%d')}")
    print(f"prune-opt: {args.prune_opt}")
    print(f"Model: {os.path.relpath(text_in, ROOT)} "
          f"({os.path.getsize(text_in) / 2**20:.0f} MiB text, "
          f"{os.path.getsize(bc_in) / 2**20:.0f} MiB bytecode); best time and "
          f"median max RSS of {args.runs} (text) / {args.runs_bytecode} "
          f"(bytecode) runs; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; targets: time <= {TIME_LIMIT}x, "
          f"max RSS <= {RSS_LIMIT}x of mlir-opt")
    print()
    header = ("| input    | mlir-opt s | mlir-opt MB | prune-opt s | "
              "prune-opt MB | time ratio | RSS ratio | result |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) +
          "|")
    failed = False
    for fmt, r in results.items():
        bt, bm = r["mlir-opt"]
        pt, pm = r["prune-opt"]
        tr, mr = pt / bt, pm / bm
        ok_t, ok_m = tr <= TIME_LIMIT, mr <= RSS_LIMIT
        verdict = ("PASS" if ok_t and ok_m else
                   "FAIL (" + ", ".join(
                       w for w, ok in (("time", ok_t), ("memory", ok_m))
                       if not ok) + ")")
        failed |= not (ok_t and ok_m)
        print(f"| {fmt:8s} | {bt:10.2f} | {bm:11.0f} | {pt:11.2f} | "
              f"{pm:12.0f} | {tr:9.2f}x | {mr:8.2f}x | {verdict} |")
    print()
    for fmt, r in results.items():
        print(f"{fmt}: prune-report says {r['params']} parameters, "
              f"sparsity {r['sparsity']:.4f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
