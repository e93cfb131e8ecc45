"""Scenarios 1, 2, 4 and 5 of the performance issue (3, state and hosts have files of their
own), and what they share. Each has a `run_*` that measures (a warm-up
round 0 that is checked but not timed, then the timed rounds, tools interleaved so load
changes on the shared machine hit every tool alike) and a `table_*` that renders Markdown
from the raw rows only, so the tables show exactly what latest.csv holds.
"""
from __future__ import annotations

import json
import math
import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import fmt
from .config import Config
from .environment import Env
from .harness import Agg, Harness, log

CURL = ["curl", "-sS", "--no-progress-meter", "--fail"]


@dataclass
class Ctx:
    cfg: Config
    h: Harness
    env: Env

    @property
    def work(self) -> Path:
        return self.h.work

    def measure(self, scen: str, tool: str, run: int, n: int, expect: int, cmd: list[str],
                stdin: str | Callable[[IO[bytes]], None] = "/dev/null",
                stdout: str = "/dev/null") -> bool:
        """Harness.measure with this mode's timeout (longer for the 1M-URL run)."""
        row = self.h.measure(scen, tool, run, n, expect, cmd, stdin=stdin, stdout=stdout,
                             tmo=self.cfg.timeout_for(n))
        return row.ok

    def rounds(self) -> range:
        return range(self.cfg.runs + 1)


def failed_cell(a: Agg) -> str:
    return f"FAILED ({a.bad} bad run(s), see warnings below)"


def curl_config(urls: list[str], path: Path) -> None:
    """curl -K file: one URL per entry, each with its own -o /dev/null."""
    path.write_text("".join(f'url = "{u}"\noutput = "/dev/null"\n' for u in urls))


def small_urls(ctx: Ctx, n: int) -> list[str]:
    m = ctx.cfg.small_files
    return [f"{ctx.env.base}/small/f{i % m:05d}" for i in range(n)]


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines))


# -------------------------------------------------------------- scenario 1 ---
S1_LABELS = {
    "curl-Z": "curl -Z --parallel-max 16 -K cfg",
    "go-pool": "Go worker pool -workers=16",
    "wget2": "wget2 --max-threads=16 -O /dev/null",
    "aria2c": "aria2c -j 16 (writes to tmpfs)",
}


def s1_tools(ctx: Ctx) -> list[str]:
    tools = ["fetchpool", "curl-Z"]
    if ctx.env.go:
        tools.append("go-pool")
    tools += [t for t in ("wget2", "aria2c") if t in ctx.env.have]
    return tools + ["xargs-curl"]


def run_s1_tool(ctx: Ctx, tool: str, run: int) -> None:
    n, w = ctx.cfg.s1_n, ctx.work
    urls, cfgf = str(w / "s1.urls"), str(w / "s1.curl.cfg")
    if tool == "fetchpool":
        out = w / "s1.fp.out" if run == 0 else Path("/dev/null")
        ctx.measure("1", tool, run, n, n, [ctx.env.fp, *ctx.env.fp_workers(16)], stdin=urls,
                    stdout=str(out))
        if run == 0:
            ctx.h.check_summary(out, n, "1")
    elif tool == "curl-Z":
        ctx.measure("1", tool, run, n, n, [*CURL, "-Z", "--parallel-max", "16", "-K", cfgf])
    elif tool == "go-pool":
        ctx.measure("1", tool, run, n, n, [ctx.env.go, "-workers=16"], stdin=urls)
    elif tool == "wget2":
        ctx.measure("1", tool, run, n, n, ["wget2", "-q", "--no-config", "--max-threads=16",
                                           "--tries=1", "-O", "/dev/null", "-i", urls])
    elif tool == "aria2c":
        # aria2c cannot discard bodies: a tmpfs dir, emptied between runs
        d = ctx.env.tmpfs / "aria2"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        ctx.measure("1", tool, run, n, n, [
            "aria2c", "-q", "-j", "16", "-i", urls, "-d", str(d), "--allow-overwrite=true",
            "--auto-file-renaming=false", "--file-allocation=none", "--max-tries=1",
            "--console-log-level=error", "--summary-interval=0", "--download-result=hide",
            "--disk-cache=0"])
        shutil.rmtree(d, ignore_errors=True)
    elif tool == "xargs-curl":
        xn = ctx.cfg.s1_xargs_n
        ctx.measure("1", tool, run, xn, xn, ["xargs", "-P", "16", "-n", "1", "curl", "-sf", "-o",
                                             "/dev/null"], stdin=str(w / "s1x.urls"))


def run_wrk(ctx: Ctx) -> float:
    """wrk on one file with 16 connections: the most server and loopback give (req/s)."""
    secs = ctx.cfg.wrk_secs
    log(f"scenario 1: wrk -t1 -c16 -d{secs}s ceiling")
    out = ctx.work / "wrk.out"
    row = ctx.h.measure("1", "wrk", 1, 0, -1, ["wrk", "-t1", "-c16", f"-d{secs}s",
                                               f"{ctx.env.base}/small/f00000"],
                        stdout=str(out), tmo=ctx.cfg.tmo)
    text = out.read_text(errors="replace") if out.exists() else ""
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    reqs = re.search(r"^\s*(\d+) requests in", text, re.M)
    if not (rps and reqs):
        return 0.0
    row.n = int(reqs.group(1))   # requests made: the table shows CPU per request
    return float(rps.group(1))


def run_s1(ctx: Ctx) -> float:
    n = ctx.cfg.s1_n
    log(f"scenario 1: {n} x 1 KiB, 16 concurrent, runs={ctx.cfg.runs}")
    urls = small_urls(ctx, n)
    write_lines(ctx.work / "s1.urls", urls)
    write_lines(ctx.work / "s1x.urls", urls[:ctx.cfg.s1_xargs_n])
    curl_config(urls, ctx.work / "s1.curl.cfg")
    for run in ctx.rounds():
        log(f"scenario 1: round {run}/{ctx.cfg.runs}" + (" (warm-up, verified)" if run == 0 else ""))
        for tool in s1_tools(ctx):
            run_s1_tool(ctx, tool, run)
    return run_wrk(ctx) if "wrk" in ctx.env.have else 0.0


def table_s1(ctx: Ctx, wrk_rps: float) -> None:
    h, n, secs = ctx.h, ctx.cfg.s1_n, ctx.cfg.wrk_secs
    curl_rate = h.agg("1", "curl-Z").rate
    go_rate = h.agg("1", "go-pool").rate if ctx.env.go else 0.0

    def vs_go(rate: float) -> str:
        return fmt.ratio(fmt.div(rate, go_rate)) if go_rate else "–"

    h.md(f"## 1. Many small files: {fmt.commas(n)} × 1 KiB, 16 concurrent", "",
         f"| tool | wall (median of {ctx.cfg.runs}) | URLs/s | CPU ms/URL | peak RSS | conns | "
         "vs curl -Z | vs Go pool | % of wrk |",
         "|---|---|---|---|---|---|---|---|---|")
    for tool in s1_tools(ctx):
        a = h.agg("1", tool)
        if tool == "fetchpool":
            label = f"**fetchpool** `{' '.join(ctx.env.fp_workers(16))}`"
        elif tool == "xargs-curl":
            label = f"xargs -P 16 -n 1 curl ({fmt.commas(ctx.cfg.s1_xargs_n)} URLs)"
        else:
            label = S1_LABELS[tool]
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | | | | |")
            continue
        wall = fmt.wall(a.wall)
        if tool == "xargs-curl" and a.n != n:
            wall += (f" (≈ {fmt.wall(a.wall * n / a.n)} for {fmt.commas(n)}, extrapolated)")
        pct = fmt.percent(100 * a.rate / wrk_rps) if wrk_rps else "–"
        h.md(f"| {label} | {wall} | {fmt.commas(a.rate)} | "
             f"{fmt.num('%.3f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
             f"{fmt.num('%d', a.conns)} | {fmt.ratio(fmt.div(a.rate, curl_rate))} | "
             f"{vs_go(a.rate)} | {pct} |")
    if "wrk" in ctx.env.have:
        a = h.agg("1", "wrk")
        if a.good > 0 and wrk_rps:
            h.md(f"| wrk -t1 -c16 (one 1 KiB file, {secs} s; ceiling) | {secs} s (fixed) | "
                 f"{fmt.commas(wrk_rps)} | {fmt.num('%.3f', fmt.div(1000 * a.cpu, a.n))} | "
                 f"{fmt.rss(a.rss)} | {fmt.num('%d', a.conns)} | "
                 f"{fmt.ratio(fmt.div(wrk_rps, curl_rate))} | {vs_go(wrk_rps)} | 100% |")
        else:
            h.md("| wrk | FAILED | | | | | | | |")
    h.md("", "Bodies are discarded (curl/fetchpool/Go/wget2 to /dev/null; aria2c cannot discard, "
         "so it writes into a tmpfs dir that is emptied between runs). `conns` = TCP "
         "connections nginx accepted in the run (from stub_status): it shows connection "
         "reuse. fetchpool's own output goes to /dev/null.", "")


def scenario1(ctx: Ctx) -> None:
    table_s1(ctx, run_s1(ctx))


# -------------------------------------------------------------- scenario 2 ---
def url_stream(ctx: Ctx, n: int) -> Callable[[IO[bytes]], None]:
    """Writes n URLs cycling over the small files into the tool's stdin, never stored:
    one precomputed block of all files, repeated, so the generator costs little CPU."""
    m = ctx.cfg.small_files
    block = "".join(f"{ctx.env.base}/small/f{i:05d}\n" for i in range(m)).encode()
    line_len = len(block) // m     # every line has the same length (%05d)

    def feed(pipe: IO[bytes]) -> None:
        for _ in range(n // m):
            pipe.write(block)
        pipe.write(block[:(n % m) * line_len])
    return feed


def s2_tools(ctx: Ctx) -> list[str]:
    return ["fetchpool", "go-pool"] if ctx.env.go else ["fetchpool"]


def run_s2(ctx: Ctx) -> None:
    small, big = ctx.cfg.s2_small, ctx.cfg.s2_big
    log(f"scenario 2: streamed stdin, {fmt.commas(small)} and {fmt.commas(big)} URLs")
    for size in (small, big):
        for tool in s2_tools(ctx):
            log(f"scenario 2: {tool}, {fmt.commas(size)} URLs")
            cmd = ([ctx.env.fp, *ctx.env.fp_workers(16)] if tool == "fetchpool"
                   else [ctx.env.go, "-workers=16"])
            ctx.measure("2", f"{tool}@{size}", 1, size, size, cmd, stdin=url_stream(ctx, size))


def table_s2(ctx: Ctx) -> None:
    h, small, big = ctx.h, ctx.cfg.s2_small, ctx.cfg.s2_big
    h.md(f"## 2. Streaming: {fmt.commas(big)} URLs piped through stdin, 16 concurrent", "",
         f"| tool | URLs | wall (1 run) | URLs/s | CPU ms/URL | peak RSS | RSS ratio vs "
         f"{fmt.commas(small)} | vs Go pool |",
         "|---|---|---|---|---|---|---|---|")
    for tool in s2_tools(ctx):
        label = (f"**fetchpool** `{' '.join(ctx.env.fp_workers(16))}`" if tool == "fetchpool"
                 else "Go worker pool -workers=16")
        rss_small = h.agg("2", f"{tool}@{small}").rss
        for size in (small, big):
            go_rate = h.agg("2", f"go-pool@{size}").rate if ctx.env.go else 0.0
            a = h.agg("2", f"{tool}@{size}")
            if a.good == 0:
                h.md(f"| {label} | {fmt.commas(size)} | {failed_cell(a)} | | | | | |")
                continue
            rss_ratio = fmt.ratio(a.rss / rss_small) if rss_small > 0 else "–"
            vs_go = fmt.ratio(fmt.div(a.rate, go_rate)) if go_rate else "–"
            h.md(f"| {label} | {fmt.commas(size)} | {fmt.wall(a.wall)} | {fmt.commas(a.rate)} | "
                 f"{fmt.num('%.4f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
                 f"{rss_ratio} | {vs_go} |")
    h.md("", "URLs come from a generator cycling over the 10,000 files, piped into the tool "
         "(never stored). A flat RSS (ratio ≈ 1.00×) means memory does not grow with the input "
         "size. Output to /dev/null; success checked by exit code and nginx's request counter.",
         "")


def scenario2(ctx: Ctx) -> None:
    run_s2(ctx)
    table_s2(ctx)


# -------------------------------------------------------------- scenario 4 ---
def run_s4_loop(ctx: Ctx, url: str) -> None:
    """Spawns each process: wall includes the timeout+time wrappers, which `true` measures
    so the table can subtract them."""
    for i in range(ctx.cfg.s4_loop + 1):
        ctx.measure("4", "fetchpool", i, 1, 1, [ctx.env.fp], stdin=str(ctx.work / "s4.url"))
        ctx.measure("4", "curl", i, 1, 1, ["curl", "-s", "-o", "/dev/null", url])
        ctx.measure("4", "true", i, 1, -1, ["true"])


def run_hyperfine(ctx: Ctx, url: str) -> dict[str, float]:
    """Median seconds per command name; {} when hyperfine failed."""
    hf_json = ctx.work / "hf.json"
    qfp = f"{shlex.quote(ctx.env.fp)} < {shlex.quote(str(ctx.work / 's4.url'))} > /dev/null"
    qurl = f"curl -s -o /dev/null {shlex.quote(url)}"
    cmd = ["timeout", "-k", "5", str(ctx.cfg.tmo), "hyperfine", "--style", "none", "--warmup",
           "5", "--runs", "50", "--export-json", str(hf_json), "-n", "fetchpool", qfp,
           "-n", "curl", qurl]
    with open(ctx.h.errlog, "a") as log_f:
        ok = ctx.h.run(cmd, stdout=log_f, stderr=log_f).returncode == 0
    try:
        if ok:
            return {r["command"]: float(r["median"])
                    for r in json.loads(hf_json.read_text())["results"]}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    ctx.h.warn("scenario 4: hyperfine failed")
    return {}


def table_s4(ctx: Ctx, hf: dict[str, float] | None) -> None:
    h, loop = ctx.h, ctx.cfg.s4_loop
    t = h.agg("4", "true")
    base, base_cpu = t.wall, t.cpu_mean
    curl_net = h.agg("4", "curl").wall - base
    hf_cols = hf is not None
    h.md("## 4. One URL: start-up cost", "",
         f"| tool | wall (median of {loop}, minus wrapper) | URLs/s | CPU ms (minus wrapper) | "
         "peak RSS | vs curl |" + (" hyperfine median | hyperfine vs curl |" if hf_cols else ""),
         "|---|---|---|---|---|---|" + ("---|---|" if hf_cols else ""))
    for tool, label in (("fetchpool", "**fetchpool** (1 URL on stdin)"),
                        ("curl", "curl -s -o /dev/null URL")):
        a = h.agg("4", tool)
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | |" + (" | |" if hf_cols else ""))
            continue
        net = a.wall - base
        extra = ""
        if hf is not None:
            hfv, hf_curl = hf.get(tool), hf.get("curl")
            extra = (f" {fmt.wall(hfv)} | {fmt.ratio(fmt.div(hf_curl, hfv))} |"
                     if hfv and hf_curl else " – | – |")
        h.md(f"| {label} | {fmt.wall(net)} | {fmt.num('%.0f', fmt.div(1, net))} | "
             f"{fmt.num('%.2f', 1000 * (a.cpu_mean - base_cpu))} | {fmt.rss(a.rss)} | "
             f"{fmt.ratio(fmt.div(curl_net, net))} |{extra}")
    h.md("", "Each iteration spawns the process. The loop's wall is measured around `timeout "
         "/usr/bin/time CMD`; CPU is the mean over the loop (the kernel samples CPU time per "
         "tick, so one short run is too coarse). The median wall and mean CPU of `true` under "
         f"the same wrappers ({fmt.wall(base)}, {fmt.num('%.2f', 1000 * base_cpu)} ms CPU) are "
         "subtracted." + (" hyperfine: 5 warm-ups, 50 runs, shell start-up corrected."
                          if hf_cols else ""), "")


def scenario4(ctx: Ctx) -> None:
    url = f"{ctx.env.base}/small/f00000"
    (ctx.work / "s4.url").write_text(url + "\n")
    have_hf = "hyperfine" in ctx.env.have
    log(f"scenario 4: one URL, loop of {ctx.cfg.s4_loop}" + (" + hyperfine" if have_hf else ""))
    run_s4_loop(ctx, url)
    table_s4(ctx, run_hyperfine(ctx, url) if have_hf else None)


# -------------------------------------------------------------- scenario 5 ---
def s5_tools(ctx: Ctx) -> list[str]:
    return ["fetchpool", "curl-Z"] + (["go-pool"] if ctx.env.go else [])


def run_s5(ctx: Ctx) -> None:
    cfg, w, n, workers = ctx.cfg, ctx.work, ctx.cfg.s5_n, ctx.cfg.s5_workers
    log(f"scenario 5: {n} URLs delayed {cfg.s5_delay:g}s ({ctx.env.delay_backend}), "
        f"{workers} concurrent")
    urls = [f"{ctx.env.dbase}/delay/{i}" for i in range(n)]
    write_lines(w / "s5.urls", urls)
    curl_config(urls, w / "s5.curl.cfg")
    ctx.h.stats_base = ctx.env.dbase   # the delay server counts its own requests
    try:
        for run in ctx.rounds():
            for tool in s5_tools(ctx):
                if tool == "fetchpool":
                    ctx.measure("5", tool, run, n, n, [ctx.env.fp, *ctx.env.fp_workers(workers)],
                                stdin=str(w / "s5.urls"))
                elif tool == "curl-Z":
                    ctx.measure("5", tool, run, n, n, [*CURL, "-Z", "--parallel-max",
                                                       str(workers), "-K", str(w / "s5.curl.cfg")])
                else:
                    ctx.measure("5", tool, run, n, n, [ctx.env.go, f"-workers={workers}"],
                                stdin=str(w / "s5.urls"))
    finally:
        ctx.h.stats_base = ctx.env.base


def table_s5(ctx: Ctx) -> None:
    h, cfg, n, workers = ctx.h, ctx.cfg, ctx.cfg.s5_n, ctx.cfg.s5_workers
    ideal = math.ceil(n / workers) * cfg.s5_delay
    h.md(f"## 5. Latency-bound: {n} URLs each delayed {cfg.s5_delay * 1000:.0f} ms server-side, "
         f"{workers} concurrent", "",
         f"| tool | wall (median of {cfg.runs}) | URLs/s | CPU ms/URL | peak RSS | ideal | "
         "ideal / wall |",
         "|---|---|---|---|---|---|---|")
    for tool in s5_tools(ctx):
        a = h.agg("5", tool)
        label = {"fetchpool": f"**fetchpool** `{' '.join(ctx.env.fp_workers(workers))}`",
                 "curl-Z": f"curl -Z --parallel-max {workers}",
                 "go-pool": f"Go worker pool -workers={workers}"}[tool]
        if a.good == 0:
            h.md(f"| {label} | {failed_cell(a)} | | | | | |")
            continue
        h.md(f"| {label} | {fmt.wall(a.wall)} | {fmt.commas(a.rate)} | "
             f"{fmt.num('%.3f', fmt.div(1000 * a.cpu, a.n))} | {fmt.rss(a.rss)} | "
             f"{fmt.wall(ideal)} | {fmt.num('%.0f%%', fmt.div(100 * ideal, a.wall))} |")
    delay = (f"nginx `echo_sleep {cfg.s5_delay:g}` (non-blocking timer)"
             if ctx.env.delay_backend == "echo" else
             "bench/delay_server.py (threaded Python server, used when the nginx echo module "
             "is missing)")
    h.md("", f"Delay: {delay}. Ideal = ⌈{n} / {workers}⌉ × {cfg.s5_delay:g} s.", "")


def scenario5(ctx: Ctx) -> None:
    if not ctx.env.dbase:
        ctx.h.md("## 5. Latency-bound: skipped (no delay backend)", "")
        return
    run_s5(ctx)
    table_s5(ctx)


# Last: these use Ctx and the helpers above.
from .scenario_big_files import scenario3  # noqa: E402
from .scenario_hosts import scenario_hosts  # noqa: E402
from .scenario_report import scenario_report  # noqa: E402
from .scenario_state import scenario_state  # noqa: E402

SCENARIOS: dict[str, Callable[[Ctx], None]] = {
    "1": scenario1, "2": scenario2, "3": scenario3, "4": scenario4, "5": scenario5,
    "state": scenario_state, "hosts": scenario_hosts, "report": scenario_report,
}
