#!/usr/bin/python3
"""fetchpool benchmark harness. See bench/README.md.

    bench/run.py [--smoke] [--fetchpool PATH] [--scenarios 1,2,...,https-hosts,...] [--runs N]
                 [--no-install] [--keep] [--out FILE] [--fp-flags FLAGS]

Everything runs against 127.0.0.1 only: the harness starts its own nginx (own prefix, config
and files in a temp dir, free port) and kills everything it started on every exit path. It
reports timings and never fails on them; it exits non-zero only when something is broken
(fetchpool failed / skipped URLs / timed out: 1; a required tool — fetchpool, nginx, curl,
/usr/bin/time — is missing: 2; interrupted: 128 + signal).

Standard library only: it must run under Debian 12's /usr/bin/python3 with nothing installed.
Python reads the whole program before running it, so editing these files during a run cannot
break that run (the bash version needed a { ... } block for that).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ left in the source tree
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from benchlib import (config, environment, inet_env, report, scenario_internet,  # noqa: E402
                      scenarios, scenarios_pool)
from benchlib.harness import Fatal, Harness, Interrupted, log, tail  # noqa: E402


def run_all(cfg: config.Config, h: Harness) -> int:
    """Setup, scenarios, report; returns 1 when something was broken, else 0."""
    unknown = sorted(cfg.scenarios - set(config.ALL_SCENARIOS))
    if unknown:
        log(f"ignoring unknown scenario(s): {','.join(unknown)}")
    env = environment.prepare(cfg, h)
    report.header(cfg, h, env)
    ctx = scenarios.Ctx(cfg, h, env)
    t_start = time.perf_counter()
    log(f"fetchpool: {env.fp} (workers flag: {' '.join(env.fp_workers(16))}; --output-dir: "
        f"{'yes' if env.fp_has_outdir else 'no'}); Go peer: {env.go or 'none'}")
    table = {**scenarios.SCENARIOS, **scenarios_pool.SCENARIOS, **scenario_internet.SCENARIOS}
    for name in config.ALL_SCENARIOS:
        if cfg.has(name):
            table[name](ctx)
    report.footer(h, time.perf_counter() - t_start)
    assert h.report is not None
    sys.stdout.write("\n".join(h.report) + "\n")
    sys.stdout.flush()
    if h.broken:
        log("stderr of the tools (tail):")
        for line in tail(h.errlog, 40):
            print(line, file=sys.stderr)
        return 1
    log(f"report written to {cfg.out_md}")
    return 0


def main(argv: list[str]) -> int:
    cfg = config.parse(argv, BENCH_DIR)
    # Before any thread or mount exists: the whole run moves into a private mount namespace
    # (internet-shaped scenarios only), so their tools need no wrapper in the timed portion.
    inet_env.enter_namespace(cfg)
    work = Path(tempfile.mkdtemp(prefix="fetchpool-bench.", dir=os.environ.get("TMPDIR") or "/tmp"))
    work.chmod(0o755)   # nginx workers may run as another user
    h = Harness(work, cfg.out_md, cfg.keep)
    h.install_signal_handlers()
    rc = 2
    try:
        rc = run_all(cfg, h)
    except Fatal as e:
        log(f"ERROR: {e}")
        rc = 2
    except Interrupted as e:
        log(f"interrupted; cleaning up (exit {e.rc})")
        rc = e.rc
    except Exception:  # a bug in the harness is broken too, but cleanup must still run
        log("ERROR: internal error in the harness:\n" + traceback.format_exc())
        rc = 2
    finally:
        h.cleanup(rc)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
