"""Scenario 3: big files, bandwidth at 4 concurrent: 20 x 100 MiB discarded, then written with
--output-dir into a tmpfs, against curl -Z, the Go pool and cat (the local-copy ceiling).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from . import fmt
from .config import Config
from .harness import log
from .scenarios import CURL, curl_config, failed_cell, write_lines

if TYPE_CHECKING:
    from .scenarios import Ctx


S3_LABELS = {
    "curl-Z": "curl -Z --parallel-max 4, -o /dev/null",
    "go-pool": "Go worker pool -workers=4",
    "curl-Z-o": "curl -Z --parallel-max 4 --output-dir DIR --remote-name-all",
    "cat": "cat FILE > DIR/FILE (page cache → tmpfs, sequential)",
}


def s3_tools(ctx: Ctx) -> tuple[list[str], list[str]]:
    """(tools that discard the bodies, tools that write files into the tmpfs)"""
    discard = ["fetchpool", "curl-Z"] + (["go-pool"] if ctx.env.go else [])
    files = ["fetchpool-o"] if ctx.env.fp_has_outdir else []
    curl_help = ctx.h.run(["curl", "--help", "all"]).stdout
    if "--output-dir" in curl_help:
        files.append("curl-Z-o")
    return discard, files + ["cat"]


def s3_bytes(cfg: Config) -> int:
    return cfg.s3_files * cfg.s3_mib * 1048576


def run_s3_discard(ctx: Ctx, tools: list[str], urls: list[str]) -> None:
    n, w = ctx.cfg.s3_files, ctx.work
    for run in ctx.rounds():
        for tool in tools:
            if tool == "fetchpool":
                cmd = [ctx.env.fp, *ctx.env.fp_workers(4)]
                ctx.measure("3", tool, run, n, n, cmd, stdin=str(w / "s3.urls"))
            elif tool == "curl-Z":
                cmd = [*CURL, "-Z", "--parallel-max", "4", "-K", str(w / "s3.curl.cfg")]
                ctx.measure("3", tool, run, n, n, cmd)
            elif tool == "go-pool":
                ctx.measure("3", tool, run, n, n, [ctx.env.go, "-workers=4"],
                            stdin=str(w / "s3.urls"))


def dir_bytes(d: Path) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def run_s3_files(ctx: Ctx, tools: list[str], urls: list[str]) -> None:
    """Writing the files: every tool's output is checked byte for byte in total size."""
    n, d, want = ctx.cfg.s3_files, ctx.env.tmpfs / "s3out", s3_bytes(ctx.cfg)
    for run in ctx.rounds():
        for tool in tools:
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
            if tool == "fetchpool-o":
                cmd = [ctx.env.fp, *ctx.env.fp_workers(4), "--output-dir", str(d)]
                ok = ctx.measure("3o", tool, run, n, n, cmd, stdin=str(ctx.work / "s3.urls"))
            elif tool == "curl-Z-o":
                cmd = [*CURL, "-Z", "--parallel-max", "4", "--output-dir", str(d),
                       "--remote-name-all", *urls]
                ok = ctx.measure("3o", tool, run, n, n, cmd)
            else:   # the local-copy ceiling: same files, page cache → same tmpfs
                cmd = ["sh", "-c", 'for f in "$1"/*; do cat "$f" >"$2/${f##*/}"; done', "sh",
                       str(ctx.env.www / "big"), str(d)]
                ok = ctx.measure("3o", tool, run, n, -1, cmd)
            got = dir_bytes(d)
            if ok and got != want:
                msg = f"{tool} wrote {got} bytes, expected {want}"
                if tool == "fetchpool-o":
                    ctx.h.fail(f"scenario 3: fetchpool --output-dir wrote {got} bytes, "
                               f"expected {want}")
                else:
                    ctx.h.warn(f"scenario 3: {msg}")
    shutil.rmtree(d, ignore_errors=True)


def table_s3(ctx: Ctx, discard: list[str], files: list[str]) -> None:
    h, n, mib, runs = ctx.h, ctx.cfg.s3_files, ctx.cfg.s3_mib, ctx.cfg.runs
    gib = s3_bytes(ctx.cfg) / 1073741824
    w4 = " ".join(ctx.env.fp_workers(4))
    curl_rate = h.agg("3", "curl-Z").rate
    h.md(f"## 3. Big files: {n} × {mib} MiB, 4 concurrent", "", "Discarding the bodies:", "",
         f"| tool | wall (median of {runs}) | URLs/s | GiB/s | CPU ms/URL | peak RSS | vs curl -Z |",
         "|---|---|---|---|---|---|---|")
    for tool in discard:
        a = h.agg("3", tool)
        label = f"**fetchpool** `{w4}`" if tool == "fetchpool" else S3_LABELS[tool]
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | | |")
            continue
        h.md(f"| {label} | {fmt.wall(a.wall)} | {fmt.num('%.1f', a.rate)} | "
             f"{fmt.num('%.2f', fmt.div(gib, a.wall))} | "
             f"{fmt.num('%.1f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
             f"{fmt.ratio(fmt.div(a.rate, curl_rate))} |")
    h.md("", f"Writing the files into a tmpfs dir ({ctx.env.tmpfs_kind}), vs `cat` of the same "
         "files from the page cache into the same tmpfs:", "",
         f"| tool | wall (median of {runs}) | GiB/s | CPU ms/URL | peak RSS | vs cat |",
         "|---|---|---|---|---|---|")
    cat_rate = h.agg("3o", "cat").rate
    if not ctx.env.fp_has_outdir:
        h.md("| **fetchpool** --output-dir | skipped: `fetchpool --help` does not mention "
             "--output-dir | | | | |")
    for tool in files:
        a = h.agg("3o", tool)
        label = (f"**fetchpool** `{w4} --output-dir DIR`" if tool == "fetchpool-o"
                 else S3_LABELS[tool])
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | |")
            continue
        h.md(f"| {label} | {fmt.wall(a.wall)} | {fmt.num('%.2f', fmt.div(gib, a.wall))} | "
             f"{fmt.num('%.1f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
             f"{fmt.ratio(fmt.div(a.rate, cat_rate))} |")
    h.md("")


def scenario3(ctx: Ctx) -> None:
    n = ctx.cfg.s3_files
    log(f"scenario 3: {n} x {ctx.cfg.s3_mib} MiB, 4 concurrent, runs={ctx.cfg.runs}")
    urls = [f"{ctx.env.base}/big/b{i:02d}" for i in range(n)]
    write_lines(ctx.work / "s3.urls", urls)
    curl_config(urls, ctx.work / "s3.curl.cfg")
    discard, files = s3_tools(ctx)
    run_s3_discard(ctx, discard, urls)
    run_s3_files(ctx, files, urls)
    table_s3(ctx, discard, files)
