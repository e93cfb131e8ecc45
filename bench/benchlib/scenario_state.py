"""Scenario state: what --state FILE costs on scenario 1, peak RSS streaming 10k and 1M distinct
URLs into a state, and the rate of a run answered wholly from that state's cache.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import fmt
from .harness import log
from .scenarios import small_urls, write_lines

if TYPE_CHECKING:
    from .scenarios import Ctx


CACHED_RUNS = 3  # each adds a run's results to the state; the median is reported


def distinct_urls(ctx: Ctx, n: int, path: Path) -> None:
    """n distinct URLs (a query string makes each one new; nginx ignores it) into a file, so a
    state of n URLs really holds n rows. The file is fed to stdin: still streamed for fetchpool."""
    m = ctx.cfg.small_files
    base = ctx.env.base
    with open(path, "w") as f:
        for start in range(0, n, 10000):
            f.write("".join(f"{base}/small/f{i % m:05d}?u={i}\n"
                            for i in range(start, min(n, start + 10000))))


def fresh_state(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def state_bytes(path: Path) -> int:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal")
               if Path(str(path) + s).exists())


def run_state(ctx: Ctx) -> dict[str, float]:
    """The --state figures: its cost on scenario 1, RSS streaming 10k and 1M URLs into a state,
    and the rate of a run answered wholly from the cache of that 1M-URL state."""
    w, n1 = ctx.work, ctx.cfg.s1_n
    state = w / "state.db"
    urls = w / "state-s1.urls"
    write_lines(urls, small_urls(ctx, n1))
    fp = [ctx.env.fp, *ctx.env.fp_workers(16)]
    log(f"scenario state: {n1} x 1 KiB with and without --state, runs={ctx.cfg.runs}")
    for run in ctx.rounds():
        ctx.measure("state", "fetchpool", run, n1, n1, fp, stdin=str(urls))
        fresh_state(state)
        ctx.measure("state", "fetchpool --state", run, n1, n1, [*fp, "--state", str(state)],
                    stdin=str(urls))
    extra: dict[str, float] = {}
    for size in (ctx.cfg.s2_small, ctx.cfg.s2_big):
        log(f"scenario state: {fmt.commas(size)} distinct URLs streamed into a fresh state")
        listing = w / f"state-{size}.urls"
        distinct_urls(ctx, size, listing)
        fresh_state(state)
        ctx.measure("state", f"record@{size}", 1, size, size, [*fp, "--state", str(state)],
                    stdin=str(listing))
        extra[f"bytes@{size}"] = state_bytes(state)
        log(f"scenario state: {fmt.commas(size)} URLs, all cached, {CACHED_RUNS} runs")
        for run in range(1, CACHED_RUNS + 1):  # one run is too noisy on a shared machine
            row = ctx.h.measure("state", f"cached@{size}", run, size, -1,
                                [*fp, "--state", str(state), "--max-cache-age", "1d"],
                                stdin=str(listing), tmo=ctx.cfg.timeout_for(size))
            if row.requests > 0:
                ctx.h.fail(f"scenario state: the all-cached run fetched {row.requests} URLs")
        listing.unlink(missing_ok=True)
    fresh_state(state)
    return extra


def table_state(ctx: Ctx, extra: dict[str, float]) -> None:
    h, n1, small, big = ctx.h, ctx.cfg.s1_n, ctx.cfg.s2_small, ctx.cfg.s2_big
    plain, with_state = h.agg("state", "fetchpool"), h.agg("state", "fetchpool --state")
    ratio = fmt.div(with_state.wall, plain.wall)
    h.md(f"## State: `--state FILE` ({fmt.commas(n1)} × 1 KiB; {fmt.commas(big)} URLs)", "",
         "| figure | measured | target |", "|---|---|---|",
         f"| {fmt.commas(n1)} × 1 KiB, wall with `--state` / without (medians of "
         f"{ctx.cfg.runs}) | {fmt.wall(with_state.wall)} / {fmt.wall(plain.wall)} = "
         f"{fmt.ratio(ratio)} | ≤ 1.15× |")
    rec_small, rec_big = h.agg("state", f"record@{small}"), h.agg("state", f"record@{big}")
    flat = fmt.ratio(rec_big.rss / rec_small.rss) if rec_small.rss else "–"
    h.md(f"| peak RSS recording {fmt.commas(small)} / {fmt.commas(big)} URLs | "
         f"{fmt.rss(rec_small.rss)} / {fmt.rss(rec_big.rss)} ({flat}) | ≤ 32 MiB, flat |")
    cached = h.agg("state", f"cached@{big}")
    h.md(f"| all {fmt.commas(big)} URLs cached (`--max-cache-age 1d`, no fetches) | "
         f"{fmt.commas(cached.rate)} URLs/s, {fmt.wall(cached.wall)} (median of {cached.good}), "
         f"peak RSS {fmt.rss(cached.rss)} | ≥ 200,000 URLs/s |")
    per_url = fmt.div(extra.get(f"bytes@{big}", 0.0), big)
    h.md(f"| state size after one run of {fmt.commas(big)} URLs | "
         f"{fmt.commas(extra.get(f'bytes@{big}', 0.0))} bytes, {fmt.num('%.0f', per_url)} "
         "bytes per URL | (see docs/performance.md) |", "",
         "Each URL is distinct (`?u=N`), so the state really holds that many rows; output to "
         "/dev/null. The cached run reads the state written by the recording run before it.", "")


def scenario_state(ctx: Ctx) -> None:
    table_state(ctx, run_state(ctx))
