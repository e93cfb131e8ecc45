#!/bin/sh
# The benchmark harness is bench/run.py (see bench/README.md); this name stays for scripts/test.sh.
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
