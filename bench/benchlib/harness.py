"""The harness state shared by setup and scenarios: logging, the broken/warning lists, every
process and mount it owns (so one cleanup can undo them on any exit path), timed runs and
their raw rows, and the Markdown report being built.
"""
from __future__ import annotations

import csv
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import fmt

CSV_HEADER = ["scenario", "tool", "run", "n", "wall_s", "cpu_s", "maxrss_kb", "rc", "conns",
              "requests", "ok"]


class Fatal(Exception):
    """A required tool or resource is missing: the run cannot go on (exit 2)."""


class Interrupted(Exception):
    """SIGINT/SIGTERM/SIGHUP arrived; carries the shell-style exit status (128 + signal)."""

    def __init__(self, rc: int) -> None:
        super().__init__(f"interrupted (exit {rc})")
        self.rc = rc


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def tail(path: Path, n: int) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-n:]
    except OSError:
        return []


@dataclass
class Row:
    """One tool invocation, as written to latest.csv."""
    scenario: str
    tool: str
    run: int
    n: int
    wall_s: float
    cpu_s: float
    maxrss_kb: int
    rc: int
    conns: int
    requests: int
    ok: bool
    cpu_digits: int = 4   # /usr/bin/time's CPU only has 10 ms resolution: fewer digits

    def csv_fields(self) -> list[str]:
        return [self.scenario, self.tool, str(self.run), str(self.n), f"{self.wall_s:.6f}",
                f"{self.cpu_s:.{self.cpu_digits}f}", str(self.maxrss_kb), str(self.rc),
                str(self.conns), str(self.requests), "1" if self.ok else "0"]


@dataclass
class Agg:
    """One tool's timed runs (run > 0, ok) in one scenario; failed runs only counted."""
    n: int
    good: int
    bad: int
    wall: float      # median
    cpu: float       # median, seconds
    rss: int         # max, KiB
    conns: float     # median
    cpu_mean: float  # mean: scenario 4's runs are shorter than the kernel's CPU tick

    @property
    def rate(self) -> float:
        return fmt.div(self.n, self.wall) if self.good else 0.0


class Harness:
    def __init__(self, work: Path, out_md: Path, keep: bool) -> None:
        self.work = work
        self.out_md = out_md
        self.keep = keep
        self.setup_log = work / "setup.log"
        self.errlog = work / "stderr.log"
        self.setup_log.touch()
        self.errlog.touch()
        self.rows: list[Row] = []
        self.report: list[str] | None = None   # None until the header is written
        self.broken: list[str] = []
        self.warnings: list[str] = []
        self.extra_reqs: list[str] = []
        self.servers: list[subprocess.Popen[bytes]] = []
        self.timed: subprocess.Popen[bytes] | None = None
        self.mounts: list[Path] = []
        self.shmdir: Path | None = None
        self.stats_base = ""    # server the current scenario talks to (stub_status counters)
        self._interrupted = False
        # stub_status requests must never go through a proxy from the environment
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ------------------------------------------------------------ reporting ---
    def warn(self, msg: str) -> None:
        self.warnings.append(msg)
        log(f"warning: {msg}")

    def fail(self, msg: str) -> None:
        """Something the exit status must show (fetchpool failed, wrong output)."""
        self.broken.append(msg)
        log(f"BROKEN: {msg}")

    def md(self, *lines: str) -> None:
        assert self.report is not None
        self.report.extend(lines)

    # ------------------------------------------------------- signals, cleanup ---
    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        # Raise once: a second Ctrl-C while the first unwinds must not skip the cleanup.
        if not self._interrupted:
            self._interrupted = True
            raise Interrupted(128 + signum)

    def start_server(self, argv: Sequence[str], logfile: Path) -> subprocess.Popen[bytes]:
        """A long-running helper (nginx, delay server) in its own process group, so a
        terminal Ctrl-C reaches only us and cleanup can kill the whole group."""
        with open(logfile, "ab") as out:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                 process_group=0)
        self.servers.append(p)
        return p

    def stop_server(self, p: subprocess.Popen[bytes]) -> None:
        _kill_group(p, grace=5.0)
        if p in self.servers:
            self.servers.remove(p)

    def cleanup(self, rc: int) -> None:
        """Undo everything on every exit path, then save the (partial) report and CSV."""
        self._interrupted = True    # from here on a signal must not interrupt the cleanup
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if self.timed is not None:
            _kill_group(self.timed, grace=10.0)
            self.timed = None
        for p in list(self.servers):
            self.stop_server(p)
        for m in self.mounts:
            if subprocess.run(["umount", str(m)], stderr=subprocess.DEVNULL).returncode != 0:
                subprocess.run(["umount", "-l", str(m)], stderr=subprocess.DEVNULL)
        self.mounts.clear()
        if self.report is not None:
            if rc != 0:
                self.report.append("")
                self.report.append(f"**Run did not complete (exit {rc}).** Broken: "
                                   f"{' '.join(self.broken) or 'see log'}")
            try:
                self.out_md.parent.mkdir(parents=True, exist_ok=True)
                self.out_md.write_text("\n".join(self.report) + "\n")
                self.write_csv(csv_path(self.out_md))
                if self.keep:   # next to the data and logs, as the bash version left them
                    shutil.copyfile(self.out_md, self.work / "report.md")
                    self.write_csv(self.work / "raw.csv")
            except OSError as e:
                log(f"could not write {self.out_md}: {e}")
        if self.keep:
            log(f"kept temp dir: {self.work}" + (f" and {self.shmdir}" if self.shmdir else ""))
        else:
            shutil.rmtree(self.work, ignore_errors=True)
            if self.shmdir:
                shutil.rmtree(self.shmdir, ignore_errors=True)

    # ------------------------------------------------------------ commands ---
    def run(self, argv: Sequence[str], *, stdout: int | IO[Any] | None = subprocess.PIPE,
            stderr: int | IO[Any] | None = subprocess.STDOUT,
            **kw: Any) -> subprocess.CompletedProcess[str]:
        """subprocess.run that, when interrupted, TERMs the child instead of KILLing it, so
        a `timeout` wrapper can still pass the signal on to what it runs."""
        with subprocess.Popen(argv, stdin=kw.pop("stdin", subprocess.DEVNULL), stdout=stdout,
                              stderr=stderr, text=True, **kw) as p:
            try:
                out, err = p.communicate()
            except BaseException:
                _kill_group(p, grace=10.0, group=False)
                raise
            return subprocess.CompletedProcess(p.args, p.returncode, out or "", err or "")

    def setup_cmd(self, argv: Sequence[str], **kw: Any) -> bool:
        """A setup step whose output only matters when it fails: into setup.log."""
        with open(self.setup_log, "a") as f:
            return self.run(argv, stdout=f, stderr=f, **kw).returncode == 0

    def server_stats(self) -> tuple[int, int]:
        """nginx stub_status "accepts" and "requests" (each call adds one of each)."""
        try:
            with self._opener.open(f"{self.stats_base}/nginx_status", timeout=5) as r:
                lines = r.read().decode(errors="replace").splitlines()
            f = lines[2].split()
            return int(f[0]), int(f[2])
        except (OSError, ValueError, IndexError):
            return 0, 0

    # ---------------------------------------------------------- measurement ---
    def measure(self, scen: str, tool: str, run: int, n: int, expect: int, cmd: Sequence[str],
                *, stdin: str | Callable[[IO[bytes]], None] = "/dev/null",
                stdout: str = "/dev/null", tmo: int, ok_rcs: tuple[int, ...] = (0,)) -> Row:
        """Time one tool invocation under `timeout` and `/usr/bin/time`, check that the
        server saw at least `expect` requests (-1: do not check) and record a raw row. An exit
        status outside `ok_rcs` is a failure (runs where every URL must fail pass (1,)).

        stdin is a file, or a function that streams URLs into a pipe (scenario 2: never
        stored; its CPU is then taken from /usr/bin/time so the generator is left out).
        Wall comes from our clock, CPU (user+sys of the tool and its waited-for children)
        from getrusage(RUSAGE_CHILDREN) deltas: microseconds instead of time's 10 ms.
        """
        tf = self.work / "time.out"
        err_path = self.work / "last.err"
        tf.unlink(missing_ok=True)
        argv = ["timeout", "-k", "5", str(tmo), "/usr/bin/time", "-f", "%U %S %M", "-o",
                str(tf), *cmd]
        a0, r0 = self.server_stats()
        ru0 = _children_cpu()
        t0 = time.perf_counter()
        with open(stdout, "wb") as out, open(err_path, "wb") as err:
            if callable(stdin):
                p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out, stderr=err)
                self.timed = p
                threading.Thread(target=_feed, args=(stdin, p.stdin), daemon=True).start()
            else:
                with open(stdin, "rb") as inp:
                    p = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=err)
                    self.timed = p
            rc = p.wait()
        self.timed = None
        t1 = time.perf_counter()
        ru1 = _children_cpu()
        a1, r1 = self.server_stats()
        if rc < 0:        # timeout itself killed: report it the way a shell would
            rc = 128 - rc
        conns, reqs = a1 - a0 - 1, r1 - r0 - 1
        u, s, m = _parse_time(tf)
        if callable(stdin):
            cpu, digits = u + s, 3
        else:
            cpu, digits = max(0.0, ru1 - ru0), 4
        with open(self.errlog, "a") as f:
            f.write(f"== {scen} {tool} run {run} rc={rc}\n")
            f.writelines(line + "\n" for line in tail(err_path, 5))
        # Fewer requests than URLs = URLs skipped. More can only be other traffic on the
        # port (the machine is shared) or retries: noted, not a failure.
        ok = rc in ok_rcs and not (expect >= 0 and reqs < expect)
        if expect >= 0 and reqs > expect:
            self.extra_reqs.append(
                f"scenario {scen}: {tool} run {run}: nginx saw {reqs - expect} requests more "
                f"than the {expect} URLs (other traffic on the port, or retries); timing may "
                f"be disturbed")
        row = Row(scen, tool, run, n, t1 - t0, cpu, m, rc, conns, reqs, ok, digits)
        self.rows.append(row)
        if not ok:
            why = f"timed out after {tmo}s" if rc in (124, 137) else f"exit {rc}"
            if expect >= 0 and reqs < expect:
                why += f", server saw only {reqs} requests for {expect} URLs"
            msg = f"scenario {scen}: {tool} run {run} failed ({why})"
            if tool.startswith("fetchpool"):
                self.fail(msg)
            else:
                self.warn(msg)
        return row

    def check_summary(self, out: Path, n: int, scen: str) -> None:
        """fetchpool's own count of failures, from its last `Summary:` line (warm-up run)."""
        text = ""
        for path in (out, self.work / "last.err"):
            try:
                text += path.read_text(errors="replace")
            except OSError:
                pass
        lines = [ln for ln in text.splitlines() if ln.startswith("Summary: ")]
        if not lines:
            self.warn(f"scenario {scen}: fetchpool printed no 'Summary:' line")
            return
        line = lines[-1]
        m = re.match(r"Summary: (\d+) total, (\d+) ok, (\d+) failed", line)
        if not m:
            self.warn(f"scenario {scen}: unparsable summary: {line}")
            return
        total, okc, failed = map(int, m.groups())
        if total != n or okc != n or failed != 0:
            self.fail(f"scenario {scen}: fetchpool reported '{line}' for {n} URLs")

    def agg(self, scen: str, tool: str) -> Agg:
        rows = [r for r in self.rows if r.scenario == scen and r.tool == tool]
        timed = [r for r in rows if r.ok and r.run > 0]
        return Agg(n=timed[-1].n if timed else 0, good=len(timed),
                   bad=sum(1 for r in rows if not r.ok),
                   wall=fmt.median([r.wall_s for r in timed]),
                   cpu=fmt.median([r.cpu_s for r in timed]),
                   rss=max((r.maxrss_kb for r in timed), default=0),
                   conns=fmt.median([r.conns for r in timed]),
                   cpu_mean=fmt.mean([r.cpu_s for r in timed]))

    def write_csv(self, path: Path) -> None:
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(CSV_HEADER)
            w.writerows(r.csv_fields() for r in self.rows)


def csv_path(out_md: Path) -> Path:
    """latest.md → latest.csv; a name without .md just gets .csv appended."""
    s = str(out_md)
    return Path((s[:-3] if s.endswith(".md") else s) + ".csv")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _parse_time(tf: Path) -> tuple[float, float, int]:
    """Last line of /usr/bin/time -f '%U %S %M' (a killed command adds a line before it)."""
    lines = tail(tf, 1)
    try:
        u, s, m = lines[0].split()
        return float(u), float(s), int(m)
    except (IndexError, ValueError):
        return 0.0, 0.0, 0


def _feed(gen: Callable[[IO[bytes]], None], pipe: IO[bytes] | None) -> None:
    assert pipe is not None
    try:
        gen(pipe)
    except (OSError, ValueError):
        pass   # the tool exited (or was killed) before reading everything
    finally:
        try:
            pipe.close()   # EOF for the tool; on EPIPE at least the fd is not leaked
        except OSError:
            pass


def _kill_group(p: subprocess.Popen[Any], grace: float, group: bool = True) -> None:
    """TERM, wait up to `grace` s, then KILL what is left of its process group.

    Servers lead their own group (process_group=0); `timeout` makes one itself. Killing
    the group after the leader was reaped is safe: a group id is not reused while any
    member lives, and ESRCH just means nothing is left.
    """
    if p.poll() is None:
        try:
            p.terminate()
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
    if group:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if p.poll() is None:
        p.kill()
    p.wait()
