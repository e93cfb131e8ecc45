"""Scenarios 6 and 7 (issue 16, cost per URL): many https URLs over HTTP/2 to one host
(127.0.0.1) verified with a CA file (--cacert; many names and the system trust store are
scenario_internet.py's), and a large pool on a latency-bound run. Same shape as scenarios.py:
`run_*` measures (warm-up round 0 checked but not timed, tools interleaved), `table_*` renders
from the raw rows only.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from . import fmt
from .harness import log
from .scenarios import CURL, Ctx, curl_config, failed_cell, write_lines


# -------------------------------------------------------------- scenario 6 ---
def s6_tools(ctx: Ctx) -> list[str]:
    return ["fetchpool", "curl-Z"] + (["go-pool"] if ctx.env.go else [])


def s6_cmd(ctx: Ctx, tool: str) -> list[str]:
    """Every client verifies the server against the run's own certificate."""
    w, cert, workers = ctx.work, str(ctx.env.cert), ctx.cfg.s6_workers
    if tool == "fetchpool":
        return [ctx.env.fp, *ctx.env.fp_workers(workers), "--cacert", cert]
    if tool == "curl-Z":
        return [*CURL, "--cacert", cert, "-Z", "--parallel-max", str(workers), "-K",
                str(w / "s6.curl.cfg")]
    # Go reads its roots from SSL_CERT_FILE; its default transport speaks HTTP/2 over TLS.
    return ["env", f"SSL_CERT_FILE={cert}", ctx.env.go, f"-workers={workers}"]


def run_s6(ctx: Ctx) -> None:
    n, m, w = ctx.cfg.s6_n, ctx.cfg.small_files, ctx.work
    log(f"scenario 6: {n} https URLs over HTTP/2, {ctx.cfg.s6_workers} concurrent")
    urls = [f"{ctx.env.tbase}/small/f{i % m:05d}" for i in range(n)]
    write_lines(w / "s6.urls", urls)
    curl_config(urls, w / "s6.curl.cfg")
    for run in ctx.rounds():
        for tool in s6_tools(ctx):
            stdin = "/dev/null" if tool == "curl-Z" else str(w / "s6.urls")
            ctx.measure("6", tool, run, n, n, s6_cmd(ctx, tool), stdin=stdin)


def table_s6(ctx: Ctx) -> None:
    h, n, workers = ctx.h, ctx.cfg.s6_n, ctx.cfg.s6_workers
    go_rate = h.agg("6", "go-pool").rate if ctx.env.go else 0.0
    h.md(f"## 6. HTTPS over HTTP/2, one host, CA file (`--cacert`): {fmt.commas(n)} × 1 KiB, "
         f"{workers} concurrent", "",
         f"| tool | wall (median of {ctx.cfg.runs}) | URLs/s | CPU ms/URL | peak RSS | conns | "
         "vs Go pool |", "|---|---|---|---|---|---|---|")
    labels = {"fetchpool": f"**fetchpool** `{' '.join(ctx.env.fp_workers(workers))} --cacert`",
              "curl-Z": f"curl -Z --parallel-max {workers} --cacert",
              "go-pool": f"Go worker pool -workers={workers} (SSL_CERT_FILE)"}
    for tool in s6_tools(ctx):
        a = h.agg("6", tool)
        if a.good == 0:
            h.md(f"| {labels[tool]} | {failed_cell(a)} | | | | | |")
            continue
        vs_go = fmt.ratio(fmt.div(a.rate, go_rate)) if go_rate else "–"
        h.md(f"| {labels[tool]} | {fmt.wall(a.wall)} | {fmt.commas(a.rate)} | "
             f"{fmt.num('%.3f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
             f"{fmt.num('%d', a.conns)} | {vs_go} |")
    h.md("", "nginx `listen ssl http2` with a self-signed certificate made by `openssl` at bench "
         "start; every client verifies it (`--cacert`, Go: `SSL_CERT_FILE`). `conns` = TCP (and "
         "so TLS) connections nginx accepted; fetchpool's workers each keep one (no shared "
         "connection cache across threads in libcurl), curl -Z multiplexes over one.", "")


def scenario6(ctx: Ctx) -> None:
    if not ctx.env.tbase:
        ctx.h.md("## 6. HTTPS over HTTP/2, one host, CA file: skipped (no TLS server)", "")
        return
    run_s6(ctx)
    table_s6(ctx)


# -------------------------------------------------------------- scenario 7 ---
def s7_tools(ctx: Ctx) -> list[str]:
    return ["fetchpool"] + (["go-pool"] if ctx.env.go else [])


def run_s7(ctx: Ctx) -> None:
    cfg, w, n, workers = ctx.cfg, ctx.work, ctx.cfg.s7_n, ctx.cfg.s7_workers
    log(f"scenario 7: {n} URLs delayed {cfg.s7_delay:g}s ({ctx.env.delay_backend}), "
        f"{workers} workers")
    write_lines(w / "s7.urls", [f"{ctx.env.d7base}/delay7/{i}" for i in range(n)])
    ctx.h.stats_base = ctx.env.d7base   # a Python delay server counts its own requests
    try:
        for run in ctx.rounds():
            for tool in s7_tools(ctx):
                cmd = ([ctx.env.fp, *ctx.env.fp_workers(workers)] if tool == "fetchpool"
                       else [ctx.env.go, f"-workers={workers}"])
                ctx.measure("7", tool, run, n, n, cmd, stdin=str(w / "s7.urls"))
    finally:
        ctx.h.stats_base = ctx.env.base


def table_s7(ctx: Ctx) -> None:
    h, cfg, n, workers = ctx.h, ctx.cfg, ctx.cfg.s7_n, ctx.cfg.s7_workers
    ideal = math.ceil(n / workers) * cfg.s7_delay
    h.md(f"## 7. Many workers: {fmt.commas(n)} URLs each delayed {cfg.s7_delay * 1000:.0f} ms, "
         f"{workers} workers", "",
         f"| tool | wall (median of {cfg.runs}) | CPU ms/URL | peak RSS | RSS per worker | "
         "ideal | ideal / wall |", "|---|---|---|---|---|---|---|")
    for tool in s7_tools(ctx):
        a = h.agg("7", tool)
        label = (f"**fetchpool** `{' '.join(ctx.env.fp_workers(workers))}`" if tool == "fetchpool"
                 else f"Go worker pool -workers={workers}")
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | | |")
            continue
        per_worker = f"{a.rss / workers:.0f} KiB" if a.rss else "–"
        h.md(f"| {label} | {fmt.wall(a.wall)} | {fmt.num('%.3f', fmt.div(1000 * a.cpu, a.n))} | "
             f"{fmt.rss(a.rss)} | {per_worker} | {fmt.wall(ideal)} | "
             f"{fmt.num('%.0f%%', fmt.div(100 * ideal, a.wall))} |")
    h.md("", f"Ideal = ⌈{n} / {workers}⌉ × {cfg.s7_delay:g} s. Peak RSS from `/usr/bin/time "
         "%M`, the maximum over the timed runs; RSS per worker = peak RSS ÷ workers.", "")


def scenario7(ctx: Ctx) -> None:
    if not ctx.env.d7base:
        ctx.h.md("## 7. Many workers: skipped (no delay backend)", "")
        return
    run_s7(ctx)
    table_s7(ctx)


SCENARIOS: dict[str, Callable[[Ctx], None]] = {"6": scenario6, "7": scenario7}
