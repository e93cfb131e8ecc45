"""Environment of the internet-shaped scenarios (issue 22): names resolved by the system resolver
and HTTPS verified against the system trust store, without ever editing the machine.

run.py calls enter_namespace() first, while the process is still single-threaded: the whole
harness then lives in a private mount namespace (unshare(CLONE_NEWNS), every mount made private),
so the tools it times run there with no wrapper in the timed portion. setup() bind-mounts copies
over /etc/hosts (the bench names -> 127.0.0.1), /etc/ssl/certs (bundle and hashed directory with a
test CA added: Debian's libcurl reads both, Go and GnuTLS the bundle) and /etc/resolv.conf (a
nameserver nothing answers on). The mounts exist only in this namespace: they vanish with the
harness on every exit path, SIGKILL included, and the machine's files are never written.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import environment
from .config import INET_SCENARIOS, Config
from .environment import Env
from .harness import Harness, log, tail

CLONE_NEWNS = 0x00020000
MS_REC, MS_PRIVATE = 0x4000, 0x40000
DOMAIN = "bench.test"
CERTS = Path("/etc/ssl/certs")
BUNDLE = "ca-certificates.crt"
DEAD_NS = "127.0.0.153"   # resolv.conf's nameserver: loopback, so no query can leave the machine
# Variables that point tools away from their default trust store or send traffic to a proxy:
# unset while these scenarios run, so every tool uses the system store and connects directly.
ENV_OFF = ("SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "NIX_SSL_CERT_FILE", "http_proxy",
           "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")

_ns = {"host": "", "error": "the harness did not enter a private mount namespace"}


class SetupError(Exception):
    """These scenarios cannot run here; the others are unaffected."""


def host_name(i: int) -> str:
    """i from 1: h0001.bench.test."""
    return f"h{i:04d}.{DOMAIN}"


def enter_namespace(cfg: Config) -> None:
    """unshare(CLONE_NEWNS) for this process and its future children, then make every mount
    private so nothing mounted later propagates back. Needs root; failures only skip the
    internet-shaped scenarios (recorded, reported when they run)."""
    if not any(cfg.has(s) for s in INET_SCENARIOS):
        return
    if os.geteuid() != 0:
        _ns["error"] = ("needs root: /etc/hosts and the CA store are replaced by bind mounts in a "
                        "private mount namespace (unshare -m); run bench/run.py as root")
        return
    try:
        host = os.readlink("/proc/self/ns/mnt")
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
            raise OSError(ctypes.get_errno(), "mount --make-rprivate /")
    except (OSError, AttributeError) as e:
        _ns["error"] = f"could not set up a private mount namespace: {e}"
        return
    _ns.update(host=host, error="")


def _check_private() -> None:
    """Never bind-mount over /etc unless it provably cannot reach the machine's namespace."""
    if _ns["error"]:
        raise SetupError(_ns["error"])
    if os.readlink("/proc/self/ns/mnt") == _ns["host"]:
        raise SetupError("still in the machine's mount namespace")
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        opt = line.split(" - ")[0].split()[6:]
        if any(o.startswith("shared:") for o in opt):
            raise SetupError(f"a mount still propagates to the machine: {line}")


@contextlib.contextmanager
def clean_env() -> Iterator[None]:
    saved = {k: os.environ.pop(k) for k in ENV_OFF if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


@dataclass
class Inet:
    error: str = ""
    port: int = 0          # bench nginx, http (also stub_status)
    tport: int = 0         # same nginx, TLS + HTTP/2 with the *.bench.test certificate
    lat_port: int = 0      # latency-hosts server (nginx echo_sleep or bench/delay_server.py)
    lat_stats: str = ""
    lat_backend: str = ""
    ca_name: str = ""

    @property
    def stats(self) -> str:
        return f"http://127.0.0.1:{self.port}"


_setup: Inet | None = None


def setup(cfg: Config, h: Harness, env: Env) -> Inet:
    """Once per run, on the first internet-shaped scenario; Inet.error says why they are skipped."""
    global _setup
    if _setup is None:
        _setup = Inet()
        try:
            _prepare(cfg, h, env, _setup)
        except (SetupError, OSError) as e:
            _setup.error = str(e)
            h.warn(f"internet-shaped scenarios skipped: {e}")
    return _setup


def _prepare(cfg: Config, h: Harness, env: Env, inet: Inet) -> None:
    _check_private()
    if not shutil.which("openssl"):
        raise SetupError("openssl is needed for the test CA")
    d = h.work / "inet"
    d.mkdir(mode=0o755)
    log("internet-shaped scenarios: test CA, /etc/hosts, CA store and resolv.conf copies")
    inet.ca_name = _make_ca(h, d)
    names = max(cfg.inet_hosts, cfg.lat_hosts)
    hosts = Path("/etc/hosts").read_text()
    (d / "hosts").write_text(hosts + ("" if hosts.endswith("\n") else "\n")
                             + "# fetchpool bench (private mount namespace)\n"
                             + "".join(f"127.0.0.1 {host_name(i)}\n" for i in range(1, names + 1)))
    _copy_certs(h, d)
    (d / "resolv.conf").write_text(f"# fetchpool bench: no DNS\nnameserver {DEAD_NS}\n"
                                   "options timeout:1 attempts:1\n")
    _warn_dns_listener(h)
    binds = [(d / "hosts", Path("/etc/hosts")), (d / "certs", CERTS)]
    if Path("/etc/resolv.conf").exists():
        binds.append((d / "resolv.conf", Path("/etc/resolv.conf")))
    nss = d / "nsswitch.conf"
    if _files_first_copy(nss):
        binds.append((nss, Path("/etc/nsswitch.conf")))
    for src, dst in binds:
        os.chmod(src, 0o755 if src.is_dir() else 0o644)
        if not h.setup_cmd(["mount", "--bind", str(src), str(dst)]):
            raise SetupError(f"mount --bind {src} {dst} failed (see setup log)")
        h.mounts.append(dst)
    if h.run(["getent", "hosts", host_name(1)]).returncode != 0:
        raise SetupError(f"{host_name(1)} does not resolve through /etc/hosts")
    _start_nginx(cfg, h, env, d, inet)
    with clean_env():   # the probe runs the way the timed tools will: system store, no proxy
        for url in (f"https://{host_name(1)}:{inet.tport}/small/f00000",
                    f"http://{host_name(names)}:{inet.port}/small/f00000"):
            r = h.run(["curl", "-sS", "--fail", "-o", "/dev/null", url])
            if r.returncode != 0:
                raise SetupError(f"curl {url} without --cacert failed: {r.stdout.strip()}")
    log(f"internet-shaped: {names} names -> 127.0.0.1, nginx http :{inet.port}, https "
        f":{inet.tport}; latency server: {inet.lat_backend or 'not needed'}")


def _make_ca(h: Harness, d: Path) -> str:
    """A fresh CA per run (a random suffix in its name) and one leaf for *.bench.test."""
    name = f"fetchpool bench test CA {secrets.token_hex(4)}"
    (d / "leaf.ext").write_text(
        f"subjectAltName=DNS:*.{DOMAIN},DNS:{DOMAIN}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    steps = [
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout",
         str(d / "ca.key"), "-out", str(d / "ca.pem"), "-subj", f"/CN={name}",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "leaf.key"),
         "-out", str(d / "leaf.csr"), "-subj", f"/CN=*.{DOMAIN}"],
        ["openssl", "x509", "-req", "-in", str(d / "leaf.csr"), "-CA", str(d / "ca.pem"),
         "-CAkey", str(d / "ca.key"), "-set_serial", f"0x{secrets.token_hex(8)}", "-days", "2",
         "-out", str(d / "leaf.pem"), "-extfile", str(d / "leaf.ext")],
    ]
    for argv in steps:
        if not h.setup_cmd(argv):
            raise SetupError(f"{' '.join(argv[:3])} failed (see setup log)")
    (d / "leaf.key").chmod(0o644)   # nginx workers may run as another user
    return name


def _copy_certs(h: Harness, d: Path) -> None:
    """/etc/ssl/certs copied (symlinks kept), the test CA appended to the bundle and added to
    the hashed directory."""
    copy = d / "certs"
    shutil.copytree(CERTS, copy, symlinks=True)
    ca = (d / "ca.pem").read_text()
    bundle = copy / BUNDLE
    text = bundle.read_text() if bundle.exists() else ""
    bundle.unlink(missing_ok=True)   # if it was a symlink, never write through it
    bundle.write_text(text + ("" if text.endswith("\n") or not text else "\n") + ca)
    (copy / "fetchpool-bench-ca.pem").write_text(ca)
    if not h.setup_cmd(["openssl", "rehash", str(copy)]):
        log("openssl rehash reported problems (see setup log)")
    if not any(p.is_symlink() and os.readlink(p) == "fetchpool-bench-ca.pem"
               for p in copy.iterdir()):
        raise SetupError("openssl rehash did not link the test CA")


def _files_first_copy(dst: Path) -> bool:
    """The system's nsswitch.conf is used as it is when hosts: starts with files (Debian's
    default); otherwise a copy with `hosts: files dns` is written to dst (True)."""
    try:
        text = Path("/etc/nsswitch.conf").read_text()
    except OSError as e:
        raise SetupError(f"no /etc/nsswitch.conf: {e}") from e
    lines = text.splitlines()
    for i, line in enumerate(lines):
        f = line.split("#")[0].split()
        if f and f[0] == "hosts:":
            if len(f) > 1 and f[1] == "files":
                return False
            lines[i] = "hosts: files dns"
            dst.write_text("\n".join(lines) + "\n")
            return True
    dst.write_text(text + "\nhosts: files dns\n")
    return True


def _warn_dns_listener(h: Harness) -> None:
    """Unknown names would go to DEAD_NS:53; a local resolver listening there could forward
    them, so say so (the scenarios only look up names that /etc/hosts has)."""
    want = {"00000000", "".join(f"{int(b):02X}" for b in reversed(DEAD_NS.split(".")))}
    try:
        rows = [ln.split() for ln in Path("/proc/net/udp").read_text().splitlines()[1:]]
    except OSError:
        return
    if any(r[1].split(":") in ([a, "0035"] for a in want) for r in rows if len(r) > 1):
        h.warn(f"something listens on UDP port 53 of {DEAD_NS}: lookups of unknown names "
               "would reach it")


def _start_nginx(cfg: Config, h: Harness, env: Env, d: Path, inet: Inet) -> None:
    """A second nginx of the same shape as the main one (1 worker, keep-alive, stub_status),
    so its counters see only these scenarios: http on one port, TLS + HTTP/2 on another."""
    ngx = h.work / "nginx-inet"
    (ngx / "tmp").mkdir(parents=True, exist_ok=True)
    echo = (cfg.has("latency-hosts") and os.path.isfile(environment.ECHO_MOD)
            and cfg.env.get("BENCH_DELAY_BACKEND") != "python")
    load_echo = f"load_module {environment.ECHO_MOD};" if echo else ""
    delay_loc = (f'location /delay/ {{ echo_sleep {cfg.lat_delay:g}; echo_duplicate 1024 "a"; }}'
                 if echo else "")
    for attempt in range(1, 6):
        port, tport = environment.free_port(), environment.free_port()
        tls = environment.TLS_SERVER.format(port=tport, cert=d / "leaf.pem", key=d / "leaf.key",
                                            www=env.www)
        (ngx / "nginx.conf").write_text(environment.NGINX_CONF.format(
            load_echo=load_echo, ngx=ngx, port=port, www=env.www, delay_loc=delay_loc,
            tls_server=tls))
        p = h.start_server(["nginx", "-p", str(ngx), "-c", str(ngx / "nginx.conf"),
                            "-e", str(ngx / "error.log")], ngx / "stdout.log")
        if environment._wait_up(p, f"http://127.0.0.1:{port}/nginx_status", 50):
            inet.port, inet.tport = port, tport
            break
        log(f"inet nginx did not come up (attempt {attempt}): "
            f"{' '.join(tail(ngx / 'error.log', 2))}")
        h.stop_server(p)
    else:
        raise SetupError("could not start the bench nginx")
    if echo:
        inet.lat_port, inet.lat_stats = inet.port, inet.stats
        inet.lat_backend = f"nginx echo_sleep {cfg.lat_delay:g}"
    elif cfg.has("latency-hosts"):
        base = environment.python_delay_server(cfg, h, cfg.lat_delay)
        if base:
            inet.lat_port, inet.lat_stats = int(base.rsplit(":", 1)[1]), base
            inet.lat_backend = f"bench/delay_server.py {cfg.lat_delay:g}"

