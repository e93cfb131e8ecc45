"""Scenario hosts: memory with one host per URL. N URLs on N distinct loopback addresses
(http://127.X.Y.Z:PORT/) to a port nothing listens on, so every connect is refused at once,
streamed through stdin; peak RSS at two sizes, with and without --host-stats (which keeps
every host's totals by design, so its cost per host is what the table reports).
"""
from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import fmt
from .harness import log

if TYPE_CHECKING:
    from .scenarios import Ctx

FLAGS: dict[str, list[str]] = {"plain": [], "host-stats": ["--host-stats"]}


def closed_port() -> int:
    """A port the kernel just handed out and nobody listens on: bound, never listened, closed.
    Nothing listens on it on any 127.x address either (a wildcard listener would have kept
    the kernel from handing it out)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def host_urls(n: int, port: int) -> Callable[[IO[bytes]], None]:
    """n URLs, the i-th on 127.(i>>16).(i>>8).i (i from 1: 127.0.0.0 is no host address),
    written in blocks straight into the pipe, never stored."""
    def feed(pipe: IO[bytes]) -> None:
        for start in range(1, n + 1, 65536):
            pipe.write("".join(
                f"http://127.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:{port}/\n"
                for i in range(start, min(n + 1, start + 65536))).encode())
    return feed


def summary_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines()
                 if ln.startswith("Summary: ")]
    except OSError:
        return ""
    return lines[-1] if lines else ""


def run_hosts(ctx: Ctx) -> None:
    port = closed_port()
    fp = [ctx.env.fp, *ctx.env.fp_workers(16), "-q"]
    out = ctx.env.tmpfs / "hosts.out"
    for size in (ctx.cfg.hosts_small, ctx.cfg.hosts_big):
        for name, flags in FLAGS.items():
            log(f"scenario hosts: {fmt.commas(size)} distinct hosts, {name}")
            # Every URL fails (refused): exit status 1 is the expected outcome.
            row = ctx.h.measure("hosts", f"{name}@{size}", 1, size, -1, [*fp, *flags],
                                stdin=host_urls(size, port), stdout=str(out),
                                tmo=ctx.cfg.timeout_for(size), ok_rcs=(1,))
            line = summary_line(out)
            m = re.match(r"Summary: (\d+) total, (\d+) ok, (\d+) failed", line)
            if row.ok and not (m and int(m.group(1)) == size and int(m.group(3)) == size):
                ctx.h.fail(f"scenario hosts: '{line}' for {size} refused URLs")
            out.unlink(missing_ok=True)


def table_hosts(ctx: Ctx) -> None:
    h, small, big = ctx.h, ctx.cfg.hosts_small, ctx.cfg.hosts_big
    h.md(f"## Hosts: {fmt.commas(big)} URLs on as many distinct hosts, all refused", "",
         f"| run | peak RSS, {fmt.commas(small)} hosts | peak RSS, {fmt.commas(big)} hosts | "
         f"growth per extra host | URLs/s at {fmt.commas(big)} | target |",
         "|---|---|---|---|---|---|")
    for name in FLAGS:
        a_small, a_big = h.agg("hosts", f"{name}@{small}"), h.agg("hosts", f"{name}@{big}")
        if a_small.good == 0 or a_big.good == 0:
            h.md(f"| `{name}` | FAILED (see warnings below) | | | | |")
            continue
        per_host = fmt.div(1024 * (a_big.rss - a_small.rss), big - small)
        target = "≤ 32 MiB" if name == "plain" else "(see docs/performance.md)"
        label = "no per-host flags" if name == "plain" else "`--host-stats`"
        h.md(f"| {label} | {fmt.rss(a_small.rss)} | {fmt.rss(a_big.rss)} | "
             f"{fmt.num('%.0f', per_host)} bytes | {fmt.commas(a_big.rate)} | {target} |")
    h.md("", "`-q -w 16`, URLs `http://127.X.Y.Z:PORT/` streamed through stdin, PORT one nothing "
         "listens on, so each connect is refused at once; output to a tmpfs file (its last "
         "`Summary:` line is checked). One run per size.", "")


def scenario_hosts(ctx: Ctx) -> None:
    run_hosts(ctx)
    table_hosts(ctx)
