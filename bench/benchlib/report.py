"""The report's header and footer: enough context (load, versions, commit) to judge numbers
from a shared, noisy machine later, and the warnings that explain FAILED cells."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from . import fmt
from .config import Config
from .environment import Env
from .harness import Harness


def _out(argv: list[str]) -> str:
    """stdout+stderr of a version query; "" when the tool is missing or fails to start."""
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _field(text: str, line: int, field: int) -> str:
    """Like awk 'NR==line {print $field}' (1-based)."""
    try:
        return text.splitlines()[line - 1].split()[field - 1]
    except IndexError:
        return ""


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(": ", 1)[1]
    except (OSError, IndexError):
        pass
    return ""


def header(cfg: Config, h: Harness, env: Env) -> None:
    commit = _out(["git", "-C", str(cfg.root), "rev-parse", "--short", "HEAD"]).strip()
    if not commit or " " in commit:
        commit = "?"
    nginx = _out(["nginx", "-v"]).strip().rsplit("nginx/", 1)[-1]
    peers = f"curl {_field(_out(['curl', '--version']), 1, 2)}"
    if env.go:
        go = _field(_out(["go", "version"]), 1, 3) if shutil.which("go") else ""
        peers += f", Go worker pool ({go})"
    if "wget2" in env.have:
        peers += f", wget2 {_field(_out(['wget2', '--version']), 1, 3)}"
    if "aria2c" in env.have:
        peers += f", aria2 {_field(_out(['aria2c', '--version']), 1, 3)}"
    if "wrk" in env.have:
        peers += ", wrk"
    if "hyperfine" in env.have:
        peers += f", {_out(['hyperfine', '--version']).strip()}"
    h.report = [
        "# fetchpool benchmark results",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; mode: "
        f"{'smoke' if cfg.smoke else 'full'}; runs per tool: {cfg.runs} (median) + 1 warm-up",
        f"- machine: {len(os.sched_getaffinity(0))} cores, {_cpu_model()}, kernel "
        f"{os.uname().release}, load avg at start: {loadavg()}",
        f"- fetchpool: `{env.fp}` ({env.fp_version}); repo commit {commit}",
        f"- server: nginx {nginx}, 1 worker, keep-alive, access_log off, on 127.0.0.1 (client "
        f"and server share the cores)",
        f"- peers: {peers}",
        "- ratios are throughput ratios (URLs/s of the row ÷ URLs/s of the reference, = "
        "wall_ref ÷ wall_row at equal URL counts): > 1 means faster than the reference. CPU = "
        "user+sys of the client process (and its children) per URL; peak RSS = max over the "
        "timed runs.",
        "",
    ]


def footer(h: Harness, harness_secs: float) -> None:
    h.md("---", f"Total harness time: {fmt.num('%.0f', harness_secs)} s (after setup); load avg "
         f"at end: {loadavg()}.")
    if h.warnings:
        h.md("", "Warnings:", *(f"- {w}" for w in h.warnings))
    if h.extra_reqs:
        h.md("", f"Foreign traffic: {len(h.extra_reqs)} run(s) saw more requests than URLs, "
             "e.g.:", *(f"- {w}" for w in h.extra_reqs[:5]))
    if h.broken:
        h.md("", "**BROKEN:**", *(f"- {w}" for w in h.broken))
