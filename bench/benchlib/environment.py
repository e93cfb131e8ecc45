"""Everything the scenarios need before the first timed run: tools (installed with apt-get
when missing), the fetchpool binary and its flags, the optional Go peer, a tmpfs for output
files, the generated data, and our own nginx (plus the delay server for scenario 5).
"""
from __future__ import annotations

import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .config import INET_SCENARIOS, Config
from .harness import Fatal, Harness, log, tail

ECHO_MOD = "/usr/lib/nginx/modules/ngx_http_echo_module.so"


@dataclass
class Env:
    fp: str = ""
    fp_help: str = ""
    fp_version: str = ""
    go: str = ""                 # Go worker pool binary, "" when unavailable
    have: set[str] = field(default_factory=set)   # optional tools found: wrk, wget2, ...
    tmpfs: Path = Path()
    tmpfs_kind: str = ""
    www: Path = Path()
    base: str = ""               # http://127.0.0.1:PORT of our nginx
    dbase: str = ""              # server of the delayed URLs, "" = scenario 5 skipped
    delay_backend: str = "none"  # echo | python | none
    tbase: str = ""              # https://127.0.0.1:PORT (TLS + HTTP/2), "" = scenario 6 skipped
    cert: Path = Path()          # its self-signed certificate, the CA file for every client
    d7base: str = ""             # server of scenario 7's delayed URLs, "" = skipped

    @property
    def fp_has_outdir(self) -> bool:
        return "--output-dir" in self.fp_help

    def fp_workers(self, n: int) -> list[str]:
        """fetchpool has -w/--workers N; the Go peer (usable as a stand-in) has -workers=N."""
        if "--workers" in self.fp_help:
            return ["--workers", str(n)]
        if re.search(r"(^|[\s,])-workers", self.fp_help, re.M):
            return [f"-workers={n}"]
        return ["-w", str(n)]


# ------------------------------------------------------------------ install ---
class Installer:
    """apt-get for what is missing, at most one `apt-get update` per run (only on failure,
    since the package lists are usually fresh enough)."""

    def __init__(self, cfg: Config, h: Harness) -> None:
        self.h = h
        self.enabled = cfg.install and shutil.which("apt-get") is not None
        self.sudo: list[str] = []
        self.updated = False
        if os.geteuid() != 0:
            if shutil.which("sudo") and subprocess.run(
                    ["sudo", "-n", "true"], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode == 0:
                self.sudo = ["sudo", "-n"]
            else:
                self.enabled = False

    def install(self, *pkgs: str) -> bool:
        if not self.enabled:
            return False
        apt = [*self.sudo, "env", "DEBIAN_FRONTEND=noninteractive", "timeout", "900", "apt-get",
               "-q", "-y", "-o", "DPkg::Lock::Timeout=300"]
        log(f"apt-get install {' '.join(pkgs)}")
        cmd = [*apt, "install", "--no-install-recommends", *pkgs]
        if self.h.setup_cmd(cmd):
            return True
        if not self.updated:
            self.updated = True
            self.h.setup_cmd([*apt, "update"])
            return self.h.setup_cmd(cmd)
        return False

    def ensure(self, cmd: str, pkg: str) -> bool:
        """True if `cmd` is (now) on PATH."""
        if shutil.which(cmd):
            return True
        self.install(pkg)
        return shutil.which(cmd) is not None


def install_tools(cfg: Config, h: Harness, inst: Installer, env: Env) -> None:
    if not inst.ensure("curl", "curl"):
        raise Fatal("curl is required (apt-get install curl)")
    if not inst.ensure("nginx", "nginx"):
        raise Fatal("nginx is required (apt-get install nginx)")
    if not os.access("/usr/bin/time", os.X_OK):
        inst.install("time")
    if not os.access("/usr/bin/time", os.X_OK):
        raise Fatal("/usr/bin/time is required (apt-get install time)")
    if not inst.ensure("timeout", "coreutils"):
        raise Fatal("timeout (coreutils) is required")
    if (cfg.has("5") or cfg.has("7")) and not os.path.isfile(ECHO_MOD):
        inst.install("libnginx-mod-http-echo")
    if cfg.has("1"):
        for cmd, pkg in (("wrk", "wrk"), ("wget2", "wget2"), ("aria2c", "aria2")):
            if inst.ensure(cmd, pkg):
                env.have.add(cmd)
    if any(cfg.has(s) for s in INET_SCENARIOS) and inst.ensure("wget2", "wget2"):
        env.have.add("wget2")
    if cfg.has("4") and not cfg.smoke and inst.ensure("hyperfine", "hyperfine"):
        env.have.add("hyperfine")


# --------------------------------------------------------- binaries to time ---
def find_fetchpool(cfg: Config, h: Harness, env: Env) -> None:
    fp = cfg.fetchpool
    if not fp:
        for c in (cfg.root / "build" / "fetchpool", cfg.root / "build" / "src" / "fetchpool"):
            if c.is_file() and os.access(c, os.X_OK):
                fp = str(c)
                break
        else:
            fp = shutil.which("fetchpool") or ""
    if not fp:
        raise Fatal("fetchpool binary not found: build it (cmake -B build && cmake --build "
                    "build) or pass --fetchpool PATH / FETCHPOOL=PATH")
    if "/" not in fp:
        fp = shutil.which(fp) or fp
    if not (os.path.isfile(fp) and os.access(fp, os.X_OK)):
        raise Fatal(f"fetchpool binary not executable: {fp}")
    env.fp = os.path.abspath(fp)
    r = h.run(["timeout", "10", env.fp, "--help"])
    env.fp_help = r.stdout
    r = h.run(["timeout", "10", env.fp, "--version"], stderr=subprocess.DEVNULL)
    first = r.stdout.splitlines()[0] if r.stdout.strip() else ""
    env.fp_version = first if r.returncode == 0 and first else "no --version"


def build_go_peer(cfg: Config, h: Harness, inst: Installer, env: Env) -> None:
    """The plain Go worker pool fetchpool's design comes from; optional, built from
    ../shared/peers/go-workerpool next to the repo. Smoke mode does not install golang-go
    (~80 MB download) to stay fast on a fresh machine; it uses go when present."""
    go_peer = cfg.env.get("GO_PEER", "")
    src = cfg.root.parent / "shared" / "peers" / "go-workerpool"
    if go_peer:
        if os.path.isfile(go_peer) and os.access(go_peer, os.X_OK):
            env.go = go_peer
        else:
            h.warn(f"GO_PEER={go_peer} is not executable; Go peer skipped")
        return
    if not (src / "main.go").is_file():
        log(f"no Go peer source at {src}; Go peer skipped")
        return
    install_go = cfg.env.get("BENCH_INSTALL_GO", "0") == "1"
    if cfg.smoke and not install_go:
        have_go = shutil.which("go") is not None
    else:
        have_go = inst.ensure("go", "golang-go")
    if not have_go:
        if cfg.smoke:
            log("go not installed (smoke mode does not install it); Go peer skipped")
        else:
            h.warn("golang-go not available; Go peer skipped")
        return
    log(f"building Go peer from {src}")
    goenv = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    if not goenv.get("HOME") and not goenv.get("GOCACHE"):
        goenv["GOCACHE"] = str(h.work / "gocache")
    out = h.work / "go-workerpool"
    if h.setup_cmd(["timeout", "600", "go", "build", "-o", str(out), "."], cwd=src, env=goenv):
        env.go = str(out)
    else:
        h.warn("Go peer failed to build (see setup log); skipped")


# -------------------------------------------------------------- disk, data ---
def make_tmpfs(h: Harness, env: Env) -> None:
    """Output files go to memory so scenario 3b measures the client, not the disk."""
    if os.geteuid() == 0:
        mnt = h.work / "tmpfs"
        mnt.mkdir()
        if h.setup_cmd(["mount", "-t", "tmpfs", "-o", "size=3g,mode=0755", "fetchpool-bench",
                        str(mnt)]):
            h.mounts.append(mnt)
            env.tmpfs, env.tmpfs_kind = mnt, "own tmpfs mount"
            return
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        h.shmdir = Path(tempfile.mkdtemp(prefix="fetchpool-bench.", dir="/dev/shm"))
        env.tmpfs, env.tmpfs_kind = h.shmdir, "/dev/shm"
        return
    env.tmpfs = h.work / "out"
    env.tmpfs.mkdir()
    env.tmpfs_kind = "disk (no tmpfs available)"


def make_data(cfg: Config, h: Harness, env: Env) -> None:
    """Random bodies so no layer can compress them; distinct small files so scenario 1 is
    not one cached response."""
    env.www = h.work / "www"
    small = env.www / "small"
    small.mkdir(parents=True)
    log(f"generating {cfg.small_files} x 1 KiB files")
    data = os.urandom(1024 * cfg.small_files)
    for i in range(cfg.small_files):
        (small / f"f{i:05d}").write_bytes(data[i * 1024:(i + 1) * 1024])
    if cfg.has("3"):
        log(f"generating {cfg.s3_files} x {cfg.s3_mib} MiB files")
        big = env.www / "big"
        big.mkdir()
        with open(big / "b00", "wb") as f:
            for _ in range(cfg.s3_mib):
                f.write(os.urandom(1 << 20))
        for i in range(1, cfg.s3_files):
            shutil.copyfile(big / "b00", big / f"b{i:02d}")
        buf = bytearray(1 << 20)
        for p in sorted(big.iterdir()):          # into the page cache
            with open(p, "rb", buffering=0) as f:
                while f.readinto(buf):
                    pass
    for d, dirs, files in os.walk(env.www):      # nginx workers may run as another user
        os.chmod(d, 0o755)
        for name in files:
            os.chmod(os.path.join(d, name), 0o644)


# ----------------------------------------------------------------- servers ---
def free_port() -> int:
    """A port below the ephemeral range (client connections use those as source ports, and
    a busy loopback can hold the one we picked) that we can bind on 127.0.0.1."""
    lo = 32768
    try:
        lo = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    if lo <= 12000:
        lo = 32768
    for _ in range(100):
        port = random.randrange(10000, lo)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise Fatal("no free port found")


NGINX_CONF = """\
{load_echo}
worker_processes 1;
daemon off;
pid {ngx}/nginx.pid;
error_log {ngx}/error.log warn;
events {{ worker_connections 8192; }}
worker_rlimit_nofile 16384;
http {{
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 120s; keepalive_requests 1000000;
  open_file_cache max=20000 inactive=120s;
  default_type application/octet-stream;
  client_body_temp_path {ngx}/tmp/body; proxy_temp_path {ngx}/tmp/proxy;
  fastcgi_temp_path {ngx}/tmp/fastcgi; uwsgi_temp_path {ngx}/tmp/uwsgi; scgi_temp_path {ngx}/tmp/scgi;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    root {www};
    location = /nginx_status {{ stub_status; }}
    {delay_loc}
  }}
  {tls_server}
}}
"""

# Scenario 6: the same files over TLS + HTTP/2 (stub_status counts these requests too).
TLS_SERVER = """server {{
    listen 127.0.0.1:{port} ssl http2 backlog=4096;
    ssl_certificate {cert}; ssl_certificate_key {key};
    ssl_session_cache shared:fetchpool_bench:1m;
    http2_max_concurrent_streams 1024;
    root {www};
  }}"""


def make_cert(h: Harness, env: Env) -> bool:
    """A self-signed certificate for 127.0.0.1, made fresh for this run."""
    ngx = h.work / "nginx"
    ngx.mkdir(parents=True, exist_ok=True)
    cert, key = ngx / "cert.pem", ngx / "key.pem"
    ok = h.setup_cmd(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                      "-addext", "subjectAltName=IP:127.0.0.1"])
    if ok:
        env.cert = cert
        key.chmod(0o644)   # nginx workers may run as another user
    return ok


def _up(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as r:
            r.read()
            return bool(r.status == 200)
    except OSError:
        return False


def _wait_up(p: subprocess.Popen[bytes], url: str, tries: int) -> bool:
    for _ in range(tries):
        if _up(url):
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def choose_delay_backend(cfg: Config, env: Env) -> None:
    if cfg.has("5") or cfg.has("7"):
        use_echo = cfg.env.get("BENCH_DELAY_BACKEND") != "python" and os.path.isfile(ECHO_MOD)
        env.delay_backend = "echo" if use_echo else "python"


def start_nginx(cfg: Config, h: Harness, env: Env) -> None:
    """Our own nginx (not the system service): 1 worker, keep-alive, stub_status; a few
    attempts because another engineer's process may grab the port we picked."""
    log("starting nginx")
    ngx = h.work / "nginx"
    (ngx / "tmp").mkdir(parents=True, exist_ok=True)
    load_echo = delay_loc = ""
    if env.delay_backend == "echo":
        load_echo = f"load_module {ECHO_MOD};"
        delay_loc = (f'location /delay/ {{ echo_sleep {cfg.s5_delay:g}; echo_duplicate 1024 "a"; }}'
                     f'\n    location /delay7/ {{ echo_sleep {cfg.s7_delay:g}; '
                     'echo_duplicate 1024 "a"; }')
    tls = cfg.has("6") and make_cert(h, env)
    if cfg.has("6") and not tls:
        h.warn("openssl could not make a certificate: scenario 6 skipped")
    for attempt in range(1, 6):
        port, tport = free_port(), free_port()
        tls_server = (TLS_SERVER.format(port=tport, cert=env.cert, key=env.cert.with_name(
            "key.pem"), www=env.www) if tls else "")
        (ngx / "nginx.conf").write_text(NGINX_CONF.format(
            load_echo=load_echo, ngx=ngx, port=port, www=env.www, delay_loc=delay_loc,
            tls_server=tls_server))
        p = h.start_server(["nginx", "-p", str(ngx), "-c", str(ngx / "nginx.conf"),
                            "-e", str(ngx / "error.log")], ngx / "stdout.log")
        if _wait_up(p, f"http://127.0.0.1:{port}/nginx_status", 50):
            env.base = f"http://127.0.0.1:{port}"
            env.tbase = f"https://127.0.0.1:{tport}" if tls else ""
            log(f"nginx pid {p.pid} on {env.base}" + (f" and {env.tbase}" if tls else ""))
            return
        log(f"nginx did not come up on port {port} (attempt {attempt}): "
            f"{' '.join(tail(ngx / 'error.log', 2))}")
        h.stop_server(p)
    for line in tail(ngx / "error.log", 20):
        print(line, file=sys.stderr)
    raise Fatal("could not start nginx")


def python_delay_server(cfg: Config, h: Harness, delay: float) -> str:
    """bench/delay_server.py answering after `delay` s; its base URL, "" when it failed."""
    port = free_port()
    logfile = h.work / f"delay_server_{port}.log"
    p = h.start_server([sys.executable, str(cfg.bench_dir / "delay_server.py"), str(port),
                        f"{delay:g}"], logfile)
    # up to ~15 s: python start-up on a loaded machine
    if _wait_up(p, f"http://127.0.0.1:{port}/nginx_status", 150):
        return f"http://127.0.0.1:{port}"
    h.warn(f"delay server did not start ({' '.join(tail(logfile, 3))})")
    return ""


def start_delay_server(cfg: Config, h: Harness, env: Env) -> None:
    if env.delay_backend == "echo":
        env.dbase = env.base if cfg.has("5") else ""
        env.d7base = env.base if cfg.has("7") else ""
        return
    if env.delay_backend != "python":
        return
    if cfg.has("5"):
        env.dbase = python_delay_server(cfg, h, cfg.s5_delay)
    if cfg.has("7"):
        env.d7base = python_delay_server(cfg, h, cfg.s7_delay)
    if not (env.dbase or env.d7base):
        env.delay_backend = "none"


def prepare(cfg: Config, h: Harness) -> Env:
    env = Env()
    inst = Installer(cfg, h)
    install_tools(cfg, h, inst, env)
    find_fetchpool(cfg, h, env)
    build_go_peer(cfg, h, inst, env)
    make_tmpfs(h, env)
    make_data(cfg, h, env)
    choose_delay_backend(cfg, env)
    start_nginx(cfg, h, env)
    start_delay_server(cfg, h, env)
    h.stats_base = env.base
    return env
