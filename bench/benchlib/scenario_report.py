"""Scenario report: `fetchpool report` merging the JSON Lines of 16 shards (issue 28). The
shards are written here, as 16 runs of `--shard K/16` over one list would write them (run and
end records, results with every column, 1% failures), so the figure is the merge alone: results
per second and peak RSS, which must stay flat however many results stream through.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import fmt
from .harness import log

if TYPE_CHECKING:
    from .scenarios import Ctx

SHARDS = 16
M64 = (1 << 64) - 1
REPORTS = {"--junit": "report.xml", "--sarif": "report.sarif", "--markdown": "report.md",
           "--html": "report.html"}


def shard_of(url: str, n: int) -> int:
    """fetchpool's --shard: FNV-1a of the URL, splitmix64's finaliser, multiply-shift."""
    h = 0xcbf29ce484222325
    for c in url.encode():
        h = ((h ^ c) * 0x100000001b3) & M64
    h ^= h >> 30
    h = (h * 0xbf58476d1ce4e5b9) & M64
    h ^= h >> 27
    h = (h * 0x94d049bb133111eb) & M64
    h ^= h >> 31
    return (h * n >> 64) + 1


def write_shards(work: Path, n: int) -> list[Path]:
    urls = [f"http://h{i % 997}.example/p/{i}?q=x" for i in range(n)]
    digest = hashlib.sha256("".join(u + "\n" for u in urls).encode()).hexdigest()
    files = [work / f"report-shard-{k}.jsonl" for k in range(1, SHARDS + 1)]
    outs = [open(f, "w") for f in files]
    counts = [0] * SHARDS
    failed = [0] * SHARDS
    for k, out in enumerate(outs, 1):
        out.write(json.dumps({"type": "run", "run": f"{k:016x}", "fetchpool": "bench",
                              "shard": k, "shards": SHARDS, "files": ["urls.txt"], "workers": 64,
                              "started": "2026-01-01T00:00:00.000Z", "state": False},
                             separators=(",", ":")) + "\n")
    for i, url in enumerate(urls):
        k = shard_of(url, SHARDS)
        ok = i % 100 != 0
        us = 1000 + (i * 7919) % 400000
        counts[k - 1] += 1
        failed[k - 1] += not ok
        outs[k - 1].write(
            f'{{"type":"result","index":{i + 1},"url":"{url}","ok":{str(ok).lower()},'
            f'"status":{200 if ok else 404},"bytes":1256,"ms":{us // 1000},"attempts":1,'
            f'"error":{"null" if ok else chr(34) + "HTTP 404" + chr(34)},'
            f'"error_kind":{"null" if ok else chr(34) + "http_status" + chr(34)},'
            f'"effective_url":"{url}","ip":"127.0.0.1","dns_ms":0.5,"connect_ms":1.25,'
            f'"tls_ms":0.0,"first_byte_ms":{us / 1000:.3f},"total_ms":{us / 1000:.3f},'
            f'"saved_to":null,"skipped":false,"warning":false,"file":"urls.txt","cached":false,'
            f'"change":null,"elapsed_us":{us},"fail_runs":0,"failing_since_ms":null}}\n')
    for k, out in enumerate(outs, 1):
        c, f = counts[k - 1], failed[k - 1]
        out.write(json.dumps({"type": "end", "run": f"{k:016x}", "finished": True,
                              "stopped_by": None, "list": "sha256:" + digest, "list_urls": n,
                              "urls": c, "results": c}, separators=(",", ":")) + "\n")
        out.write(json.dumps({"type": "summary", "total": c, "ok": c - f, "failed": f,
                              "warned": 0, "retries": 0, "elapsed_s": 1.0},
                             separators=(",", ":")) + "\n")
        out.close()
    return files


def run_report(ctx: Ctx) -> None:
    n = ctx.cfg.report_n
    log(f"scenario report: writing {SHARDS} shards of {fmt.commas(n)} results")
    files = write_shards(ctx.env.tmpfs, n)
    out = ctx.env.tmpfs / "report.out"
    # The report files go to the tmpfs too, never into the working directory.
    reports = [ctx.env.tmpfs / name for name in REPORTS.values()]
    four = [str(a) for flag, path in zip(REPORTS, reports) for a in (flag, path)]
    for name, flags in {"report -q": [], "report -q, four reports": four}.items():
        for run in ctx.rounds():
            # 1% of the URLs fail: exit status 1 is the expected outcome.
            row = ctx.h.measure("report", name, run, n, -1,
                                [ctx.env.fp, "report", "-q", *flags, *map(str, files)],
                                stdout=str(out), tmo=ctx.cfg.timeout_for(n), ok_rcs=(1,))
            text = out.read_text(errors="replace") if out.exists() else ""
            m = re.search(r"Summary: (\d+) total, (\d+) ok, (\d+) failed", text)
            if row.ok and not (m and int(m.group(1)) == n and int(m.group(3)) == (n + 99) // 100):
                ctx.h.fail(f"scenario report: {text[-300:]!r} for {n} results")
            out.unlink(missing_ok=True)
    for f in [*files, *reports]:
        f.unlink(missing_ok=True)


def table_report(ctx: Ctx) -> None:
    h, n = ctx.h, ctx.cfg.report_n
    h.md(f"## Report: `fetchpool report` merging {fmt.commas(n)} results from {SHARDS} shards", "",
         "| run | results/s | wall | CPU | peak RSS | target |", "|---|---|---|---|---|---|")
    for name in ("report -q", "report -q, four reports"):
        a = h.agg("report", name)
        if a.good == 0:
            h.md(f"| `{name}` | FAILED (see warnings below) | | | | |")
            continue
        target = "≥ 500,000 results/s, ≤ 64 MiB" if name == "report -q" else "≤ 64 MiB"
        h.md(f"| `{name}` | {fmt.commas(a.rate)} | {fmt.wall(a.wall)} | {fmt.wall(a.cpu)} | "
             f"{fmt.rss(a.rss)} | {target} |")
    h.md("", f"{SHARDS} files written by the harness as `--shard K/{SHARDS}` runs would write them "
         "(each result with every column; 1% failures), read from a tmpfs; stdout to a tmpfs "
         "file. The four reports are `--junit --sarif --markdown --html`.", "")


def scenario_report(ctx: Ctx) -> None:
    run_report(ctx)
    table_report(ctx)
