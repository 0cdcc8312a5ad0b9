"""Writes the PTX of every `gpu.binary` in an MLIR file (format=isa) to
<outdir>/<binary name>.ptx and prints the names."""
import os
import re
import sys

text = open(sys.argv[1]).read()
outdir = sys.argv[2]
os.makedirs(outdir, exist_ok=True)
for m in re.finditer(r'gpu\.binary @(\w+)\s*\[#gpu\.object<(.*?)>\]\s*$', text,
                     re.M):
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
    ptx = re.sub(r'\\([0-9A-Fa-f]{2})', lambda h: chr(int(h.group(1), 16)),
                 strings[-1])
    with open(os.path.join(outdir, m.group(1) + ".ptx"), "w") as f:
        f.write(ptx)
    print(m.group(1))
