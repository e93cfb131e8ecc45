"""Command line, environment variables and the sizes of each mode (full and --smoke)."""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

# Internet-shaped scenarios (issue 22): many host names, system trust store, real resolver; they
# run in a private mount namespace (see inet_env.py).
INET_SCENARIOS = ("https-hosts", "https-one-host", "http-hosts", "latency-hosts")
ALL_SCENARIOS = ("1", "2", "3", "4", "5", "6", "7", "state", "hosts", "report", *INET_SCENARIOS)
INET_ORDERS = ("interleaved", "grouped", "shuffled")   # which host URL i goes to

USAGE = """\
usage: bench/run.py [options]          (bench/run.sh is the same)
  --smoke             small sizes, 1 run each, no hyperfine (CI; < ~2 min)
  --fetchpool PATH    fetchpool binary (default: $FETCHPOOL, ./build/fetchpool,
                      then fetchpool on PATH)
  --scenarios LIST    comma list of scenarios to run (default 1,2,3,4,5,6,7,state,hosts,
                      report,https-hosts,https-one-host,http-hosts,latency-hosts)
  --fp-flags FLAGS    also time fetchpool with these extra flags, as its own row, in the
                      internet-shaped scenarios (repeatable; e.g. --fp-flags=--http1.1)
  --runs N            timed runs per tool (default 5, smoke 1); +1 warm-up
  --no-install        never call apt-get
  --keep              keep the temp dir (data, logs) for inspection
  --out FILE          report file (default bench/results/latest.md)
environment: FETCHPOOL, GO_PEER (prebuilt Go worker pool binary),
             BENCH_RUNS, BENCH_TIMEOUT (seconds per tool call),
             BENCH_DELAY_BACKEND=python (force the Python delay server),
             BENCH_FP_FLAGS (like --fp-flags; several variants separated by ';'),
             BENCH_INET_ORDER=interleaved|grouped|shuffled (host order of the URL lists),
             BENCH_INET_SKIP=curl-Z,wget2 (peers to leave out of the internet-shaped scenarios)
"""


@dataclass
class Config:
    bench_dir: Path
    root: Path
    smoke: bool
    fetchpool: str
    scenarios: set[str]
    runs: int
    install: bool
    keep: bool
    out_md: Path
    tmo: int = 0            # seconds per tool call
    tmo_big: int = 0        # for runs of more than 100,000 URLs
    s1_n: int = 0           # scenario 1 URLs
    s2_small: int = 0       # scenario 2 streamed URLs
    s2_big: int = 0
    s3_files: int = 0       # scenario 3 big files
    s3_mib: int = 0
    s4_loop: int = 0        # scenario 4 loop iterations
    s5_n: int = 0           # scenario 5 delayed URLs
    hosts_small: int = 0    # scenario hosts: URLs on as many distinct hosts
    hosts_big: int = 0
    report_n: int = 0       # scenario report: results merged from 16 shards
    wrk_secs: int = 0
    small_files: int = 10000
    s5_delay: float = 0.2
    s5_workers: int = 50
    s6_n: int = 0           # scenario 6 https URLs over HTTP/2
    s6_workers: int = 16
    s7_n: int = 0           # scenario 7 delayed URLs, many workers
    s7_workers: int = 0
    s7_delay: float = 0.3
    inet_n: int = 0         # https-hosts, https-one-host, http-hosts: URLs
    inet_hosts: int = 0     # host names they are spread over (https-one-host: one)
    lat_n: int = 0          # latency-hosts: delayed URLs over lat_hosts names
    lat_hosts: int = 0
    lat_delay: float = 0.05
    inet_workers: int = 16
    inet_order: str = INET_ORDERS[0]
    fp_variants: list[list[str]] = field(default_factory=list)   # extra fetchpool flag sets
    env: dict[str, str] = field(default_factory=dict)

    @property
    def s1_xargs_n(self) -> int:
        """xargs spawns one curl per URL: 1,000 is enough to extrapolate from."""
        return min(self.s1_n, 1000)

    def has(self, scen: str) -> bool:
        return scen in self.scenarios

    def timeout_for(self, n: int) -> int:
        return self.tmo_big if n > 100000 else self.tmo


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"run.py: {message}", file=sys.stderr)
        print(USAGE, file=sys.stderr, end="")
        sys.exit(2)


def parse(argv: list[str], bench_dir: Path) -> Config:
    env = dict(os.environ)
    p = _Parser(add_help=False, allow_abbrev=False)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--fetchpool", default=env.get("FETCHPOOL", ""))
    p.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    p.add_argument("--runs", default=env.get("BENCH_RUNS", ""))
    p.add_argument("--no-install", dest="install", action="store_false")
    p.add_argument("--keep", action="store_true", default=env.get("BENCH_KEEP", "0") not in ("", "0"))
    p.add_argument("--out", default=env.get("BENCH_OUT") or str(bench_dir / "results" / "latest.md"))
    p.add_argument("--fp-flags", action="append", default=[])
    p.add_argument("-h", "--help", action="store_true")
    a = p.parse_args(argv)
    if a.help:
        print(USAGE, end="")
        sys.exit(0)
    runs_s = a.runs or ("1" if a.smoke else "5")
    if not runs_s.isdigit() or int(runs_s) < 1:
        print("run.py: --runs must be >= 1", file=sys.stderr)
        sys.exit(2)
    cfg = Config(bench_dir=bench_dir, root=bench_dir.parent, smoke=a.smoke, fetchpool=a.fetchpool,
                 scenarios={s.strip() for s in a.scenarios.split(",") if s.strip()},
                 runs=int(runs_s), install=a.install, keep=a.keep, out_md=Path(a.out), env=env)
    variants = [v for v in env.get("BENCH_FP_FLAGS", "").split(";") + a.fp_flags if v.strip()]
    try:
        cfg.fp_variants = [shlex.split(v) for v in variants]
    except ValueError as e:
        print(f"run.py: --fp-flags/BENCH_FP_FLAGS: {e}", file=sys.stderr)
        sys.exit(2)
    cfg.inet_order = env.get("BENCH_INET_ORDER") or INET_ORDERS[0]
    if cfg.inet_order not in INET_ORDERS:
        print(f"run.py: BENCH_INET_ORDER must be one of {', '.join(INET_ORDERS)}", file=sys.stderr)
        sys.exit(2)
    tmo_env = env.get("BENCH_TIMEOUT", "")
    if tmo_env and not tmo_env.isdigit():
        print("run.py: BENCH_TIMEOUT must be a whole number of seconds", file=sys.stderr)
        sys.exit(2)
    if a.smoke:
        cfg.tmo = cfg.tmo_big = int(tmo_env or 120)
        cfg.s1_n, cfg.s2_small, cfg.s2_big = 1000, 10000, 20000
        cfg.s3_files, cfg.s3_mib, cfg.s4_loop, cfg.s5_n, cfg.wrk_secs = 2, 10, 20, 50, 2
        cfg.s6_n, cfg.s7_n, cfg.s7_workers = 300, 512, 256
        cfg.hosts_small, cfg.hosts_big = 10000, 20000
        cfg.report_n = 20000
        cfg.inet_n, cfg.inet_hosts, cfg.lat_n, cfg.lat_hosts = 200, 50, 100, 25
    else:
        cfg.tmo, cfg.tmo_big = int(tmo_env or 300), int(tmo_env or 1200)
        cfg.s1_n, cfg.s2_small, cfg.s2_big = 10000, 10000, 1000000
        cfg.s3_files, cfg.s3_mib, cfg.s4_loop, cfg.s5_n, cfg.wrk_secs = 20, 100, 50, 200, 3
        cfg.s6_n, cfg.s7_n, cfg.s7_workers = 3000, 4096, 1024
        cfg.hosts_small, cfg.hosts_big = 10000, 1000000
        cfg.report_n = 1000000
        cfg.inet_n, cfg.inet_hosts, cfg.lat_n, cfg.lat_hosts = 2000, 500, 1000, 250
    return cfg
