"""Internet-shaped scenarios (issue 22): lists that hit many host names, resolved by the system
resolver (/etc/hosts), over HTTPS verified against the system trust store (no --cacert), as real
URL lists do. Environment in inet_env.py (private mount namespace, test CA, own nginx).

Same shape as scenarios.py: a warm-up round 0 checked but not timed, then the timed rounds with
the tools interleaved; the tables are rendered from the raw rows only. URL i goes to host
i mod H by default, so every host comes back once per H URLs: a tool that keeps an idle
connection per host reuses it, one with a small connection cache opens a new one (`conns`).
BENCH_INET_ORDER=grouped puts each host's URLs in a row instead (concurrent requests to a new
host: shared dials, HTTP/2 multiplexing).
"""
from __future__ import annotations

import os

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import fmt, inet_env
from .config import INET_SCENARIOS, Config
from .harness import log
from .inet_env import Inet, host_name
from .scenario_hosts import summary_line
from .scenarios import CURL, Ctx, curl_config, failed_cell, write_lines


@dataclass(frozen=True)
class Spec:
    key: str          # the scenario's name in --scenarios and latest.csv
    title: str
    scheme: str
    n: int            # URLs
    hosts: int        # distinct host names (which URL goes where: cfg.inet_order)
    delay: float = 0.0


def specs(cfg: Config) -> dict[str, Spec]:
    n, hosts, w = cfg.inet_n, cfg.inet_hosts, cfg.inet_workers
    lat_ms = cfg.lat_delay * 1000
    return {s.key: s for s in (
        Spec("https-hosts", f"HTTPS, many hosts: {fmt.commas(n)} × 1 KiB over {hosts} names × "
             f"{n // hosts}, system trust store, {w} concurrent", "https", n, hosts),
        Spec("https-one-host", f"HTTPS, one host name: {fmt.commas(n)} × 1 KiB, system trust "
             f"store, {w} concurrent", "https", n, 1),
        Spec("http-hosts", f"HTTP, many hosts: {fmt.commas(n)} × 1 KiB over {hosts} names × "
             f"{n // hosts}, system resolver, {w} concurrent", "http", n, hosts),
        Spec("latency-hosts", f"Latency, many hosts: {fmt.commas(cfg.lat_n)} URLs over "
             f"{cfg.lat_hosts} names, each delayed {lat_ms:.0f} ms server-side, {w} concurrent",
             "http", cfg.lat_n, cfg.lat_hosts, cfg.lat_delay),
    )}


def variant(flags: list[str]) -> str:
    return "fetchpool " + " ".join(flags)


def tools(ctx: Ctx) -> list[str]:
    """fetchpool, one row per --fp-flags/BENCH_FP_FLAGS variant, then the peers present."""
    t = ["fetchpool", *(variant(v) for v in ctx.cfg.fp_variants)]
    if ctx.env.go:
        t.append("go-pool")
    if "wget2" in ctx.env.have:
        t.append("wget2")
    t.append("curl-Z")
    # BENCH_INET_SKIP=curl-Z,wget2: leave peers out while iterating (curl -Z alone takes ~80 s a
    # run on https-hosts: it reads the whole CA bundle for every connection).
    skip = set(filter(None, os.environ.get("BENCH_INET_SKIP", "").split(",")))
    return [x for x in t if x not in skip]


def label(ctx: Ctx, tool: str) -> str:
    w = ctx.cfg.inet_workers
    if tool.startswith("fetchpool"):
        return f"**fetchpool** `{' '.join(ctx.env.fp_workers(w))}{tool[len('fetchpool'):]}`"
    return {"go-pool": f"Go worker pool -workers={w}", "wget2": f"wget2 --max-threads={w}",
            "curl-Z": f"curl -Z --parallel-max {w}"}[tool]


def command(ctx: Ctx, tool: str, urls: Path, curl_cfg: Path) -> list[str]:
    """Nobody gets a CA option: every tool verifies against the system trust store."""
    w = ctx.cfg.inet_workers
    if tool.startswith("fetchpool"):
        flags = next((v for v in ctx.cfg.fp_variants if variant(v) == tool), [])
        return [ctx.env.fp, *ctx.env.fp_workers(w), *flags]
    if tool == "go-pool":
        return [ctx.env.go, f"-workers={w}"]
    if tool == "wget2":
        return ["wget2", "-q", "--no-config", f"--max-threads={w}", "--tries=1", "-O",
                "/dev/null", "-i", str(urls)]
    return [*CURL, "-Z", "--parallel-max", str(w), "-K", str(curl_cfg)]


ORDER_NOTE = {"interleaved": "URL i on host i mod {h}, each host comes back once every {h} URLs",
              "grouped": "each host's URLs in a row, fetched at the same time",
              "shuffled": "interleaved, then shuffled (fixed seed)"}


def host_order(n: int, hosts: int, order: str) -> list[int]:
    """Host index of URL i. interleaved: i mod H, a host comes back once per H URLs (idle
    connections must be kept for all of them); grouped: each host's URLs in a row, so they run
    at the same time (dials and HTTP/2 streams shared or not); shuffled: a fixed-seed mix."""
    if order == "grouped":
        return [i * hosts // n for i in range(n)]
    idx = [i % hosts for i in range(n)]
    if order == "shuffled":
        random.Random(22).shuffle(idx)
    return idx


def make_urls(ctx: Ctx, spec: Spec, inet: Inet) -> list[str]:
    if spec.delay:
        port = inet.lat_port
    else:
        port = inet.tport if spec.scheme == "https" else inet.port
    m = ctx.cfg.small_files
    hosts = host_order(spec.n, spec.hosts, ctx.cfg.inet_order)
    return [f"{spec.scheme}://{host_name(hosts[i] + 1)}:{port}"
            + (f"/delay/{i}" if spec.delay else f"/small/f{i % m:05d}") for i in range(spec.n)]


def check_go(ctx: Ctx, out: Path, spec: Spec) -> None:
    """The Go peer exits 0 even when URLs fail; its Summary line tells (warm-up run)."""
    m = re.match(r"Summary: (\d+) total, (\d+) ok", summary_line(out))
    if not (m and int(m.group(1)) == spec.n and int(m.group(2)) == spec.n):
        ctx.h.warn(f"scenario {spec.key}: Go pool: '{summary_line(out)}' for {spec.n} URLs")


def run(ctx: Ctx, spec: Spec, inet: Inet) -> None:
    w = ctx.work
    urls_f, cfg_f = w / f"{spec.key}.urls", w / f"{spec.key}.curl.cfg"
    urls = make_urls(ctx, spec, inet)
    write_lines(urls_f, urls)
    curl_config(urls, cfg_f)
    log(f"scenario {spec.key}: {spec.n} {spec.scheme} URLs over {spec.hosts} name(s), "
        f"runs={ctx.cfg.runs}")
    ctx.h.stats_base = inet.lat_stats if spec.delay else inet.stats
    try:
        with inet_env.clean_env():
            for rnd in ctx.rounds():
                log(f"scenario {spec.key}: round {rnd}/{ctx.cfg.runs}"
                    + (" (warm-up, verified)" if rnd == 0 else ""))
                for tool in tools(ctx):
                    check = rnd == 0 and (tool.startswith("fetchpool") or tool == "go-pool")
                    out = w / f"{spec.key}.out" if check else Path("/dev/null")
                    stdin = "/dev/null" if tool in ("wget2", "curl-Z") else str(urls_f)
                    ctx.measure(spec.key, tool, rnd, spec.n, spec.n,
                                command(ctx, tool, urls_f, cfg_f), stdin=stdin, stdout=str(out))
                    if check and tool == "go-pool":
                        check_go(ctx, out, spec)
                    elif check:
                        ctx.h.check_summary(out, spec.n, spec.key)
    finally:
        ctx.h.stats_base = ctx.env.base


def table(ctx: Ctx, spec: Spec, inet: Inet) -> None:
    h, w = ctx.h, ctx.cfg.inet_workers
    go = h.agg(spec.key, "go-pool")    # no Go rows: NaN medians, so every ratio prints "–"
    go_per_conn = fmt.div(go.cpu, go.conns)
    ideal = math.ceil(spec.n / w) * spec.delay
    extra = " ideal / wall |" if spec.delay else ""
    h.md(f"## {spec.title}", "",
         f"| tool | wall (median of {ctx.cfg.runs}) | URLs/s | CPU (user+sys) | conns | "
         f"CPU ms/conn | wall ÷ Go | CPU ÷ Go | CPU/conn ÷ Go |{extra}",
         "|---|---|---|---|---|---|---|---|---|" + ("---|" if spec.delay else ""))
    for tool in tools(ctx):
        a = h.agg(spec.key, tool)
        if a.good == 0:
            h.md(f"| {label(ctx, tool)} | {failed_cell(a)} | | | | | | | |" + (" |" * bool(extra)))
            continue
        per_conn = fmt.div(a.cpu, a.conns)
        row = (f"| {label(ctx, tool)} | {fmt.wall(a.wall)} | {fmt.commas(a.rate)} | "
               f"{fmt.wall(a.cpu)} | {fmt.num('%d', a.conns)} | "
               f"{fmt.num('%.2f', 1000 * per_conn)} | {fmt.ratio(fmt.div(a.wall, go.wall))} | "
               f"{fmt.ratio(fmt.div(a.cpu, go.cpu))} | "
               f"{fmt.ratio(fmt.div(per_conn, go_per_conn))} |")
        if spec.delay:
            row += f" {fmt.num('%.0f%%', fmt.div(100 * ideal, a.wall))} |"
        h.md(row)
    if spec.hosts == 1:
        notes = f"Every URL on `{spec.scheme}://{host_name(1)}:PORT/`"
    else:
        notes = (f"{ctx.cfg.inet_order.capitalize()} host order (`BENCH_INET_ORDER`): "
                 + ORDER_NOTE[ctx.cfg.inet_order].format(h=spec.hosts)
                 + f"; `{spec.scheme}://hNNNN.bench.test:PORT/`")
    notes += ", names resolved through /etc/hosts by each tool's own resolver"
    if spec.scheme == "https":
        notes += (", nginx `listen ssl http2` with one RSA-2048 certificate for `*.bench.test` "
                  f"signed by a test CA made at bench start ({inet.ca_name}); no tool gets a CA "
                  "option, every one verifies against the system trust store (the bundle and "
                  "the hashed directory, the test CA added)")
    if spec.delay:
        notes += (f"; delay: {inet.lat_backend}. Ideal = ⌈{spec.n} / {w}⌉ × {spec.delay:g} s "
                  f"= {fmt.wall(ideal)}")
    h.md("", notes + ". `conns` = TCP connections the server accepted per run (stub_status); CPU "
         "per connection = CPU ÷ conns. ÷ Go = this row's median ÷ the Go pool's, same run "
         "(> 1 = costlier than Go). Private mount namespace, bodies discarded.", "")


def _scenario(key: str) -> Callable[[Ctx], None]:
    def scenario(ctx: Ctx) -> None:
        spec = specs(ctx.cfg)[key]
        inet = inet_env.setup(ctx.cfg, ctx.h, ctx.env)
        why = inet.error or ("" if inet.lat_port or not spec.delay else "no delay server")
        if why:
            log(f"scenario {key} skipped: {why}")
            ctx.h.md(f"## {spec.title}: skipped ({why})", "")
            return
        run(ctx, spec, inet)
        table(ctx, spec, inet)
    return scenario


SCENARIOS: dict[str, Callable[[Ctx], None]] = {k: _scenario(k) for k in INET_SCENARIOS}
