#!/bin/sh
# Performance target of the foundation issue: see bench/run_issue2.py.
# PRUNE_OPT=path/to/prune-opt bench/run_issue2.sh [run_issue2.py options]
# Needs /usr/bin/time (Debian package `time`) and python3-numpy.
exec /usr/bin/python3 "$(dirname "$0")/run_issue2.py" "$@"
