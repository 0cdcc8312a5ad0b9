# examples/gen_examples.py regenerates the committed example models byte
# for byte (fixed seed), and each stays under 1 MB.
#
# RUN: %python %s %prune_src
# REQUIRES: numpy

import filecmp
import os
import subprocess
import sys
import tempfile

src = sys.argv[1]
examples = os.path.join(src, "examples")
failed = False
with tempfile.TemporaryDirectory() as tmp:
    subprocess.check_call([sys.executable, os.path.join(examples, "gen_examples.py"), tmp])
    for name in ["mlp.mlir", "cnn.mlir", "transformer.mlir"]:
        committed = os.path.join(examples, name)
        if not filecmp.cmp(committed, os.path.join(tmp, name), shallow=False):
            print("FAIL: examples/%s differs from gen_examples.py's output; "
                  "rerun the generator" % name)
            failed = True
        if os.path.getsize(committed) >= 1 << 20:
            print("FAIL: examples/%s is 1 MB or more" % name)
            failed = True
sys.exit(1 if failed else 0)
