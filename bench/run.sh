#!/usr/bin/env bash
# fetchpool benchmark harness. See bench/README.md.
#
#   bench/run.sh [--smoke] [--fetchpool PATH] [--scenarios 1,2,3,4,5] [--runs N]
#                [--no-install] [--keep] [--out FILE]
#
# Everything runs against 127.0.0.1 only: the script starts its own nginx (own
# prefix, config and files in a temp dir, free port) and kills everything it
# started on every exit path. It reports timings and never fails on them; it
# exits non-zero only when something is broken (fetchpool failed / skipped URLs /
# timed out, or a required tool — fetchpool, nginx, curl, /usr/bin/time — is
# missing).
#
# The whole script is one { ... } block so bash parses it before running it
# (editing the file during a run cannot break that run).
{
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --smoke             small sizes, 1 run each, no hyperfine (CI; < ~2 min)
  --fetchpool PATH    fetchpool binary (default: $FETCHPOOL, ./build/fetchpool,
                      then fetchpool on PATH)
  --scenarios LIST    comma list of scenarios to run (default 1,2,3,4,5)
  --runs N            timed runs per tool (default 5, smoke 1); +1 warm-up
  --no-install        never call apt-get
  --keep              keep the temp dir (data, logs) for inspection
  --out FILE          report file (default bench/results/latest.md)
environment: FETCHPOOL, GO_PEER (prebuilt Go worker pool binary),
             BENCH_RUNS, BENCH_TIMEOUT (seconds per tool call),
             BENCH_DELAY_BACKEND=python (force the Python delay server)
EOF
}

SMOKE=0
FP=${FETCHPOOL:-}
SCENARIOS=1,2,3,4,5
RUNS=${BENCH_RUNS:-}
INSTALL=1
KEEP=${BENCH_KEEP:-0}
OUT_MD=${BENCH_OUT:-$BENCH_DIR/results/latest.md}
while (($#)); do
  case $1 in
    --smoke) SMOKE=1 ;;
    --fetchpool) FP=${2:?--fetchpool needs a path}; shift ;;
    --fetchpool=*) FP=${1#*=} ;;
    --scenarios) SCENARIOS=${2:?}; shift ;;
    --scenarios=*) SCENARIOS=${1#*=} ;;
    --runs) RUNS=${2:?}; shift ;;
    --runs=*) RUNS=${1#*=} ;;
    --no-install) INSTALL=0 ;;
    --keep) KEEP=1 ;;
    --out) OUT_MD=${2:?}; shift ;;
    --out=*) OUT_MD=${1#*=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# ---------------------------------------------------------------- sizes ----
if ((SMOKE)); then
  RUNS=${RUNS:-1}
  TMO=${BENCH_TIMEOUT:-120}; TMO_BIG=$TMO
  S1_N=1000                       # scenario 1 URLs
  S2_SMALL=10000; S2_BIG=20000    # scenario 2 streamed URLs
  S3_FILES=2; S3_MIB=10           # scenario 3 big files
  S4_LOOP=20                      # scenario 4 loop iterations
  S5_N=50                         # scenario 5 delayed URLs
  WRK_SECS=2
else
  RUNS=${RUNS:-5}
  TMO=${BENCH_TIMEOUT:-300}; TMO_BIG=${BENCH_TIMEOUT:-1200}
  S1_N=10000
  S2_SMALL=10000; S2_BIG=1000000
  S3_FILES=20; S3_MIB=100
  S4_LOOP=50
  S5_N=200
  WRK_SECS=3
fi
S1_XARGS_N=$((S1_N < 1000 ? S1_N : 1000))
SMALL_FILES=10000
S5_DELAY=0.2; S5_WORKERS=50
[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 1)) || { echo "run.sh: --runs must be >= 1" >&2; exit 2; }

# ------------------------------------------------------------- plumbing ----
log() { printf '[bench %(%T)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
BROKEN=()
broken() { BROKEN+=("$*"); log "BROKEN: $*"; }
WARNINGS=()
warn() { WARNINGS+=("$*"); log "warning: $*"; }
EXTRA_REQS=()
has_scen() { [[ ,$SCENARIOS, == *,$1,* ]]; }

WORK=""; SHMDIR=""; MOUNTS=(); PIDS=(); CUR_PID=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $CUR_PID ]]; then kill -TERM "$CUR_PID" 2>/dev/null; wait "$CUR_PID" 2>/dev/null; fi
  local pid kids
  for pid in "${PIDS[@]}"; do
    kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
    kill -TERM "$pid" 2>/dev/null
    for _ in {1..50}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2086  # kids is a list of pids
    kill -KILL "$pid" $kids 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  if [[ -n $WORK && -f $WORK/report.md ]]; then
    if ((rc != 0)); then
      printf '\n**Run did not complete (exit %d).** Broken: %s\n' "$rc" "${BROKEN[*]:-see log}" >>"$WORK/report.md"
    fi
    mkdir -p "$(dirname "$OUT_MD")" && cp "$WORK/report.md" "$OUT_MD"
    [[ -f $WORK/raw.csv ]] && cp "$WORK/raw.csv" "${OUT_MD%.md}.csv"
  fi
  if ((KEEP)); then
    log "kept temp dir: $WORK ${SHMDIR:+and $SHMDIR}"
  else
    [[ -n $WORK ]] && rm -rf "$WORK"
    [[ -n $SHMDIR ]] && rm -rf "$SHMDIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fetchpool-bench.XXXXXX")
chmod 755 "$WORK"   # nginx workers may run as another user
SETUP_LOG=$WORK/setup.log; : >"$SETUP_LOG"
RAW=$WORK/raw.csv
echo "scenario,tool,run,n,wall_s,cpu_s,maxrss_kb,rc,conns,requests,ok" >"$RAW"
ERRLOG=$WORK/stderr.log; : >"$ERRLOG"

# --------------------------------------------------------------- install ---
SUDO=()
if [[ $(id -u) != 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else SUDO=(none); fi
fi
APT_UPDATED=0
apt_install() {
  ((INSTALL)) || return 1
  [[ ${SUDO[0]:-} == none ]] && return 1
  command -v apt-get >/dev/null || return 1
  local apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -q -y -o DPkg::Lock::Timeout=300)
  log "apt-get install $*"
  if "${apt[@]}" install --no-install-recommends "$@" >>"$SETUP_LOG" 2>&1; then return 0; fi
  if ((APT_UPDATED == 0)); then
    APT_UPDATED=1
    "${apt[@]}" update >>"$SETUP_LOG" 2>&1 || true
    "${apt[@]}" install --no-install-recommends "$@" >>"$SETUP_LOG" 2>&1 && return 0
  fi
  return 1
}
# ensure CMD PACKAGE: true if CMD is (now) available
ensure() {
  command -v "$1" >/dev/null 2>&1 && return 0
  apt_install "$2" || true
  command -v "$1" >/dev/null 2>&1
}

ensure curl curl || die "curl is required (apt-get install curl)"
ensure nginx nginx || die "nginx is required (apt-get install nginx)"
[[ -x /usr/bin/time ]] || apt_install time || true
[[ -x /usr/bin/time ]] || die "/usr/bin/time is required (apt-get install time)"
ensure timeout coreutils || die "timeout (coreutils) is required"
ECHO_MOD=/usr/lib/nginx/modules/ngx_http_echo_module.so
if has_scen 5 && [[ ! -f $ECHO_MOD ]]; then apt_install libnginx-mod-http-echo || true; fi
HAVE_WRK=0; has_scen 1 && ensure wrk wrk && HAVE_WRK=1
HAVE_WGET2=0; has_scen 1 && ensure wget2 wget2 && HAVE_WGET2=1
HAVE_ARIA2=0; has_scen 1 && ensure aria2c aria2 && HAVE_ARIA2=1
HAVE_HYPERFINE=0
if has_scen 4 && ((!SMOKE)); then ensure hyperfine hyperfine && HAVE_HYPERFINE=1; fi

# fetchpool binary
if [[ -z $FP ]]; then
  for c in "$ROOT/build/fetchpool" "$ROOT/build/src/fetchpool"; do [[ -x $c ]] && { FP=$c; break; }; done
  [[ -z $FP ]] && FP=$(command -v fetchpool || true)
fi
[[ -n $FP ]] || die "fetchpool binary not found: build it (cmake -B build && cmake --build build) or pass --fetchpool PATH / FETCHPOOL=PATH"
[[ $FP == */* ]] || FP=$(command -v "$FP" || echo "$FP")
[[ -x $FP ]] || die "fetchpool binary not executable: $FP"
FP=$(cd "$(dirname "$FP")" && pwd)/$(basename "$FP")
FP_HELP=$(timeout 10 "$FP" --help 2>&1 </dev/null || true)
# Workers flag: fetchpool has -w/--workers N; the Go peer (usable as a stand-in) has -workers=N.
fp_workers() {
  if grep -q -- '--workers' <<<"$FP_HELP"; then echo "--workers $1"
  elif grep -qE -- '(^|[[:space:],])-workers' <<<"$FP_HELP"; then echo "-workers=$1"
  else echo "-w $1"; fi
}
FP_HAS_OUTDIR=0; grep -q -- '--output-dir' <<<"$FP_HELP" && FP_HAS_OUTDIR=1
FP_VERSION=$(timeout 10 "$FP" --version 2>/dev/null </dev/null | head -n1) || FP_VERSION=""
[[ -n $FP_VERSION ]] || FP_VERSION="no --version"

# Go worker pool peer: optional, built from ../shared/peers/go-workerpool if present.
GO=""
GO_SRC=$ROOT/../shared/peers/go-workerpool
if [[ -n ${GO_PEER:-} ]]; then
  [[ -x $GO_PEER ]] && GO=$GO_PEER || warn "GO_PEER=$GO_PEER is not executable; Go peer skipped"
elif [[ -f $GO_SRC/main.go ]]; then
  # Smoke mode does not install golang-go (~80 MB download) to stay fast on a fresh
  # machine; it uses go when present (BENCH_INSTALL_GO=1 installs it anyway).
  if { ((SMOKE)) && [[ ${BENCH_INSTALL_GO:-0} != 1 ]] && command -v go >/dev/null; } ||
     { { ((!SMOKE)) || [[ ${BENCH_INSTALL_GO:-0} == 1 ]]; } && ensure go golang-go; }; then
    log "building Go peer from $GO_SRC"
    gocache=()
    [[ -z ${HOME:-} && -z ${GOCACHE:-} ]] && gocache=(GOCACHE="$WORK/gocache")
    if (cd "$GO_SRC" && env "${gocache[@]}" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
          timeout 600 go build -o "$WORK/go-workerpool" .) >>"$SETUP_LOG" 2>&1; then
      GO=$WORK/go-workerpool
    else
      warn "Go peer failed to build (see setup log); skipped"
    fi
  else
    if ((SMOKE)); then log "go not installed (smoke mode does not install it); Go peer skipped"
    else warn "golang-go not available; Go peer skipped"; fi
  fi
else
  log "no Go peer source at $GO_SRC; Go peer skipped"
fi

# ------------------------------------------------------ tmpfs for output ----
TMPFS=""; TMPFS_KIND=""
if [[ $(id -u) == 0 ]]; then
  mkdir -p "$WORK/tmpfs"
  if mount -t tmpfs -o size=3g,mode=0755 fetchpool-bench "$WORK/tmpfs" 2>>"$SETUP_LOG"; then
    MOUNTS+=("$WORK/tmpfs"); TMPFS=$WORK/tmpfs; TMPFS_KIND="own tmpfs mount"
  fi
fi
if [[ -z $TMPFS && -d /dev/shm && -w /dev/shm ]]; then
  SHMDIR=$(mktemp -d /dev/shm/fetchpool-bench.XXXXXX); TMPFS=$SHMDIR; TMPFS_KIND="/dev/shm"
fi
if [[ -z $TMPFS ]]; then mkdir -p "$WORK/out"; TMPFS=$WORK/out; TMPFS_KIND="disk (no tmpfs available)"; fi

# ---------------------------------------------------------------- data -----
WWW=$WORK/www
mkdir -p "$WWW/small"
log "generating $SMALL_FILES x 1 KiB files"
(cd "$WWW/small" && head -c $((1024 * SMALL_FILES)) /dev/urandom | split -b 1024 -a 5 -d - f)
if has_scen 3; then
  log "generating $S3_FILES x $S3_MIB MiB files"
  mkdir -p "$WWW/big"
  head -c $((S3_MIB * 1048576)) /dev/urandom >"$WWW/big/b00"
  for ((i = 1; i < S3_FILES; i++)); do cp "$WWW/big/b00" "$WWW/big/$(printf 'b%02d' "$i")"; done
  cat "$WWW"/big/* >/dev/null   # into page cache
fi
chmod -R a+rX "$WWW"

# --------------------------------------------------------------- servers ---
# A port below the ephemeral range (client connections use those as source ports, and a
# busy loopback can hold the one we picked), free for a connect on 127.0.0.1.
free_port() {
  local p lo=32768 _hi
  read -r lo _hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((lo > 12000)) || lo=32768
  for _ in {1..100}; do
    p=$((10000 + RANDOM % (lo - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
DELAY_BACKEND=none
if has_scen 5; then
  if [[ ${BENCH_DELAY_BACKEND:-} != python && -f $ECHO_MOD ]]; then DELAY_BACKEND="echo"
  elif command -v python3 >/dev/null; then DELAY_BACKEND=python
  else warn "no nginx echo module and no python3: scenario 5 skipped"; fi
fi

NGX=$WORK/nginx
mkdir -p "$NGX/tmp"
NGX_PID=""; PORT=""
start_nginx() {
  local attempt load_echo="" delay_loc=""
  if [[ $DELAY_BACKEND == echo ]]; then
    load_echo="load_module $ECHO_MOD;"
    delay_loc="location /delay/ { echo_sleep $S5_DELAY; echo_duplicate 1024 \"a\"; }"
  fi
  for attempt in 1 2 3 4 5; do
    PORT=$(free_port) || die "no free port found"
    cat >"$NGX/nginx.conf" <<EOF
$load_echo
worker_processes 1;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 8192; }
worker_rlimit_nofile 16384;
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 120s; keepalive_requests 1000000;
  open_file_cache max=20000 inactive=120s;
  default_type application/octet-stream;
  client_body_temp_path $NGX/tmp/body; proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi; uwsgi_temp_path $NGX/tmp/uwsgi; scgi_temp_path $NGX/tmp/scgi;
  server {
    listen 127.0.0.1:$PORT backlog=4096;
    root $WWW;
    location = /nginx_status { stub_status; }
    $delay_loc
  }
}
EOF
    nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" </dev/null >>"$NGX/stdout.log" 2>&1 &
    NGX_PID=$!; PIDS+=("$NGX_PID")
    for _ in {1..50}; do
      curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/nginx_status" && return 0
      kill -0 "$NGX_PID" 2>/dev/null || break
      sleep 0.1
    done
    log "nginx did not come up on port $PORT (attempt $attempt): $(tail -n 2 "$NGX/error.log" 2>/dev/null | tr '\n' ' ')"
    kill "$NGX_PID" 2>/dev/null || true
    wait "$NGX_PID" 2>/dev/null || true
    unset 'PIDS[-1]'
  done
  tail -n 20 "$NGX/error.log" >&2 || true
  die "could not start nginx"
}
log "starting nginx"
start_nginx
BASE=http://127.0.0.1:$PORT
log "nginx pid $NGX_PID on $BASE"

DBASE=""
if [[ $DELAY_BACKEND == echo ]]; then
  DBASE=$BASE
elif [[ $DELAY_BACKEND == python ]]; then
  DPORT=$(free_port) || die "no free port"
  python3 "$BENCH_DIR/delay_server.py" "$DPORT" "$S5_DELAY" </dev/null >>"$WORK/delay_server.log" 2>&1 &
  DPID=$!; PIDS+=("$DPID")
  for _ in {1..150}; do   # up to ~15 s: python start-up on a loaded machine
    curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$DPORT/nginx_status" && { DBASE=http://127.0.0.1:$DPORT; break; }
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $DBASE ]] || { warn "delay server did not start ($(tail -n 3 "$WORK/delay_server.log" | tr '\n' ' ')): scenario 5 skipped"; DELAY_BACKEND=none; }
fi

# server-side counters: "accepts requests" (each stats call adds 1 of each).
# STATS_BASE is the server the current scenario talks to (nginx, or the delay server).
STATS_BASE=$BASE
server_stats() {
  curl -s --max-time 5 "$STATS_BASE/nginx_status" 2>/dev/null | awk 'NR==3{print $1, $3; f=1} END{if(!f) print "0 0"}'
}

# ---------------------------------------------------------- measurement ----
# measure SCEN TOOL RUN N EXPECT_REQS STDIN STDOUT CMD...
#   STDIN: a file, or gen:N to stream N URLs (cycling over the 1 KiB files) from awk.
#   EXPECT_REQS: requests nginx must see (-1: do not check). Appends a row to raw.csv,
#   sets LAST_OK/LAST_RC/LAST_WALL. Wall from bash's clock; CPU (user+sys, including
#   waited-for children) and peak RSS from /usr/bin/time.
gen_urls() { awk -v n="$1" -v b="$BASE/small/f" -v m="$SMALL_FILES" 'BEGIN{for(i=0;i<n;i++) printf "%s%05d\n", b, i%m}'; }
LAST_OK=0; LAST_WALL=0
# user+sys of this shell's waited-for children, from two `times` snapshots
# (line 2 = children, e.g. "0m1.234s 0m0.056s"); /usr/bin/time only has 10 ms resolution.
children_cpu_delta() {
  awk 'function sec(x,  p) { sub(/s$/, "", x); split(x, p, "m"); return p[1] * 60 + p[2] }
       FNR == 2 { v = sec($1) + sec($2); if (NR == FNR) a = v; else b = v }
       END { d = b - a; if (d < 0) d = 0; printf "%.4f", d }' "$1" "$2"
}
measure() {
  local scen=$1 tool=$2 run=$3 n=$4 expect=$5 in=$6 out=$7; shift 7
  local tf=$WORK/time.out tmo=$TMO rc=0 a0 r0 a1 r1 t0 t1
  ((n > 100000)) && tmo=$TMO_BIG
  rm -f "$tf"
  read -r a0 r0 < <(server_stats)
  times >"$WORK/times.0"
  t0=$EPOCHREALTIME
  if [[ $in == gen:* ]]; then
    gen_urls "${in#gen:}" | timeout -k 5 "$tmo" /usr/bin/time -f '%U %S %M' -o "$tf" "$@" >"$out" 2>"$WORK/last.err" &
  else
    timeout -k 5 "$tmo" /usr/bin/time -f '%U %S %M' -o "$tf" "$@" <"$in" >"$out" 2>"$WORK/last.err" &
  fi
  CUR_PID=$!
  wait "$CUR_PID" || rc=$?
  CUR_PID=""
  t1=$EPOCHREALTIME
  times >"$WORK/times.1"
  read -r a1 r1 < <(server_stats)
  local conns=$((a1 - a0 - 1)) reqs=$((r1 - r0 - 1)) u=0 s=0 m=0
  [[ -s $tf ]] && read -r u s m < <(tail -n 1 "$tf")
  [[ $u =~ ^[0-9.]+$ ]] || { u=0; s=0; m=0; }
  local cpu
  if [[ $in == gen:* ]]; then
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.3f", u+s}')   # exclude the awk generator
  else
    cpu=$(children_cpu_delta "$WORK/times.0" "$WORK/times.1")       # ms resolution
  fi
  { echo "== $scen $tool run $run rc=$rc"; tail -n 5 "$WORK/last.err"; } >>"$ERRLOG"
  # Fewer requests than URLs = URLs skipped. More can only be other traffic on the
  # port (the machine is shared) or retries: noted, not a failure.
  local ok=1
  ((rc == 0)) || ok=0
  if ((expect >= 0 && reqs < expect)); then ok=0; fi
  if ((expect >= 0 && reqs > expect)); then
    EXTRA_REQS+=("scenario $scen: $tool run $run: nginx saw $((reqs - expect)) requests more than the $expect URLs (other traffic on the port, or retries); timing may be disturbed")
  fi
  LAST_OK=$ok
  LAST_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')
  echo "$scen,$tool,$run,$n,$LAST_WALL,$cpu,$m,$rc,$conns,$reqs,$ok" >>"$RAW"
  if ((!ok)); then
    local why="exit $rc"; ((rc == 124 || rc == 137)) && why="timed out after ${tmo}s"
    ((expect >= 0 && reqs < expect)) && why+=", server saw only $reqs requests for $expect URLs"
    if [[ $tool == fetchpool* ]]; then broken "scenario $scen: $tool run $run failed ($why)"
    else warn "scenario $scen: $tool run $run failed ($why)"; fi
  fi
  return 0
}

# check the Summary line of a fetchpool run (warm-up only; timed runs go to /dev/null)
check_summary() { # FILE N SCEN
  local line total okc failed
  line=$(cat "$1" "$WORK/last.err" 2>/dev/null | grep -E '^Summary: ' | tail -n 1 || true)
  if [[ -z $line ]]; then warn "scenario $3: fetchpool printed no 'Summary:' line"; return; fi
  read -r total okc failed < <(sed -nE 's/^Summary: ([0-9]+) total, ([0-9]+) ok, ([0-9]+) failed.*/\1 \2 \3/p' <<<"$line") || true
  if [[ -z ${failed:-} ]]; then warn "scenario $3: unparsable summary: $line"; return; fi
  if ((total != $2 || okc != $2 || failed != 0)); then broken "scenario $3: fetchpool reported '$line' for $2 URLs"; fi
}

# aggregate raw rows of one SCEN/TOOL (timed runs only: run > 0, ok):
# prints: n good bad wall_median cpu_median rss_max conns_median cpu_mean
agg() {
  awk -F, -v s="$1" -v t="$2" '
    function med(a, k,   i, j, x) {
      if (k == 0) return "nan"
      for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }
      return (k % 2) ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
    }
    NR > 1 && $1 == s && $2 == t {
      if ($11 != 1) { bad++; next }
      if ($3 > 0) { k++; w[k] = $5 + 0; c[k] = $6 + 0; csum += $6; cn[k] = $9 + 0; if ($7 + 0 > rss) rss = $7 + 0; n = $4 }
    }
    END { printf "%d %d %d %s %s %d %s %s\n", n, k, bad, med(w, k), med(c, k), rss, med(cn, k), (k ? csum / k : "nan") }' "$RAW"
}
# number formatting
f() { awk -v x="$2" "BEGIN{printf \"$1\", x}"; }
commas() { awk -v x="$1" 'BEGIN{s=sprintf("%d", x+0.5); r=""; while(length(s)>3){r="," substr(s,length(s)-2) r; s=substr(s,1,length(s)-3)} print s r}'; }
calc() { awk "BEGIN{x=($1); printf \"%.6f\", x}"; }
fmt_wall() { awk -v x="$1" 'BEGIN{ if (x < 0.1) printf "%.1f ms", x*1000; else if (x < 10) printf "%.3f s", x; else printf "%.1f s", x }'; }
fmt_rss() { awk -v x="$1" 'BEGIN{printf "%.1f MiB", x/1024}'; }
fmt_ratio() { awk -v x="$1" 'BEGIN{ if (x == "" || x == "nan" || x <= 0) print "–"; else printf "%.2f×", x }'; }

REPORT=$WORK/report.md
md() { printf '%s\n' "$*" >>"$REPORT"; }

# Per tool aggregate into shell vars: A_N A_GOOD A_BAD A_WALL A_CPU A_RSS A_CONNS A_CPU_MEAN A_RATE
load_agg() {
  read -r A_N A_GOOD A_BAD A_WALL A_CPU A_RSS A_CONNS A_CPU_MEAN < <(agg "$1" "$2")
  if ((A_GOOD > 0)); then A_RATE=$(calc "$A_N / $A_WALL"); else A_RATE=0; fi
}
failed_cell() { # shown when a tool has no good run
  echo "FAILED ($A_BAD bad run(s), see warnings below)"
}

# ------------------------------------------------------------- header ------
{
  echo "# fetchpool benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); mode: $( ((SMOKE)) && echo smoke || echo full ); runs per tool: $RUNS (median) + 1 warm-up"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), kernel $(uname -r), load avg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- fetchpool: \`$FP\` ${FP_VERSION:+($FP_VERSION)}; repo commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "- server: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, keep-alive, access_log off, on 127.0.0.1 (client and server share the cores)"
  echo "- peers: curl $(curl --version | awk 'NR==1{print $2}')$( [[ -n $GO ]] && echo ", Go worker pool ($(go version 2>/dev/null | awk '{print $3}'))")$( ((HAVE_WGET2)) && echo ", wget2 $(wget2 --version 2>/dev/null | awk 'NR==1{print $3}')")$( ((HAVE_ARIA2)) && echo ", aria2 $(aria2c --version | awk 'NR==1{print $3}')")$( ((HAVE_WRK)) && echo ", wrk")$( ((HAVE_HYPERFINE)) && echo ", $(hyperfine --version)")"
  echo "- ratios are throughput ratios (URLs/s of the row ÷ URLs/s of the reference, = wall_ref ÷ wall_row at equal URL counts): > 1 means faster than the reference. CPU = user+sys of the client process (and its children) per URL; peak RSS = max over the timed runs."
  echo
} >"$REPORT"

read -ra FPW16 <<<"$(fp_workers 16)"
CURL=(curl -sS --no-progress-meter --fail)

# ----------------------------------------------------------- scenario 1 ----
scenario1() {
  local n=$S1_N run tool
  log "scenario 1: $n x 1 KiB, 16 concurrent, runs=$RUNS"
  gen_urls "$n" >"$WORK/s1.urls"
  head -n "$S1_XARGS_N" "$WORK/s1.urls" >"$WORK/s1x.urls"
  awk '{printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0}' "$WORK/s1.urls" >"$WORK/s1.curl.cfg"
  local tools=(fetchpool curl-Z)
  [[ -n $GO ]] && tools+=(go-pool)
  ((HAVE_WGET2)) && tools+=(wget2)
  ((HAVE_ARIA2)) && tools+=(aria2c)
  tools+=(xargs-curl)
  for ((run = 0; run <= RUNS; run++)); do
    log "scenario 1: round $run/$RUNS$( ((run == 0)) && echo ' (warm-up, verified)')"
    for tool in "${tools[@]}"; do
      case $tool in
        fetchpool)
          if ((run == 0)); then
            measure 1 fetchpool 0 "$n" "$n" "$WORK/s1.urls" "$WORK/s1.fp.out" "$FP" "${FPW16[@]}"
            check_summary "$WORK/s1.fp.out" "$n" 1
          else
            measure 1 fetchpool "$run" "$n" "$n" "$WORK/s1.urls" /dev/null "$FP" "${FPW16[@]}"
          fi ;;
        curl-Z) measure 1 curl-Z "$run" "$n" "$n" /dev/null /dev/null "${CURL[@]}" -Z --parallel-max 16 -K "$WORK/s1.curl.cfg" ;;
        go-pool) measure 1 go-pool "$run" "$n" "$n" "$WORK/s1.urls" /dev/null "$GO" -workers=16 ;;
        wget2) measure 1 wget2 "$run" "$n" "$n" /dev/null /dev/null wget2 -q --no-config --max-threads=16 --tries=1 -O /dev/null -i "$WORK/s1.urls" ;;
        aria2c)
          rm -rf "$TMPFS/aria2"; mkdir -p "$TMPFS/aria2"
          measure 1 aria2c "$run" "$n" "$n" /dev/null /dev/null aria2c -q -j 16 -i "$WORK/s1.urls" -d "$TMPFS/aria2" \
            --allow-overwrite=true --auto-file-renaming=false --file-allocation=none --max-tries=1 \
            --console-log-level=error --summary-interval=0 --download-result=hide --disk-cache=0
          rm -rf "$TMPFS/aria2" ;;
        xargs-curl) measure 1 xargs-curl "$run" "$S1_XARGS_N" "$S1_XARGS_N" "$WORK/s1x.urls" /dev/null xargs -P 16 -n 1 curl -sf -o /dev/null ;;
      esac
    done
  done
  local wrk_rps=0
  if ((HAVE_WRK)); then
    log "scenario 1: wrk -t1 -c16 -d${WRK_SECS}s ceiling"
    measure 1 wrk 1 0 -1 /dev/null "$WORK/wrk.out" wrk -t1 -c16 -d"${WRK_SECS}s" "$BASE/small/f00000"
    wrk_rps=$(awk '/^Requests\/sec:/{print $2}' "$WORK/wrk.out")
    local wrk_n; wrk_n=$(awk '/requests in/{print $1; exit}' "$WORK/wrk.out")
    [[ -n $wrk_rps && -n $wrk_n ]] || { wrk_rps=0; wrk_n=0; }
    # store the request count as n for CPU/request (the row has n=0 until here)
    sed -i -E "s/^1,wrk,1,0,/1,wrk,1,$wrk_n,/" "$RAW"
  fi

  load_agg 1 curl-Z; local curl_rate=$A_RATE
  local go_rate=0; [[ -n $GO ]] && { load_agg 1 go-pool; go_rate=$A_RATE; }
  md "## 1. Many small files: $(commas "$n") × 1 KiB, 16 concurrent"
  md ""
  md "| tool | wall (median of $RUNS) | URLs/s | CPU ms/URL | peak RSS | conns | vs curl -Z | vs Go pool | % of wrk |"
  md "|---|---|---|---|---|---|---|---|---|"
  local label
  for tool in "${tools[@]}"; do
    load_agg 1 "$tool"
    case $tool in
      fetchpool) label="**fetchpool** \`${FPW16[*]}\`" ;;
      curl-Z) label="curl -Z --parallel-max 16 -K cfg" ;;
      go-pool) label="Go worker pool -workers=16" ;;
      wget2) label="wget2 --max-threads=16 -O /dev/null" ;;
      aria2c) label="aria2c -j 16 (writes to tmpfs)" ;;
      xargs-curl) label="xargs -P 16 -n 1 curl ($(commas "$S1_XARGS_N") URLs)" ;;
    esac
    if ((A_GOOD == 0)); then md "| $label | $(failed_cell) | | | | | | | |"; continue; fi
    local wall_cell; wall_cell=$(fmt_wall "$A_WALL")
    if [[ $tool == xargs-curl && $A_N != "$n" ]]; then wall_cell+=" (≈ $(fmt_wall "$(calc "$A_WALL * $n / $A_N")") for $(commas "$n"), extrapolated)"; fi
    local pct="–"; [[ $wrk_rps != 0 ]] && pct=$(awk -v x="$(calc "100 * $A_RATE / $wrk_rps")" 'BEGIN{printf (x < 10 ? "%.1f%%" : "%.0f%%"), x}')
    md "| $label | $wall_cell | $(commas "$A_RATE") | $(f %.3f "$(calc "1000 * $A_CPU / $A_N")") | $(fmt_rss "$A_RSS") | $(f %d "$A_CONNS") | $(fmt_ratio "$(calc "$A_RATE / ($curl_rate + 1e-12)")") | $([[ $go_rate != 0 ]] && fmt_ratio "$(calc "$A_RATE / $go_rate")" || echo –) | $pct |"
  done
  if ((HAVE_WRK)); then
    load_agg 1 wrk
    if ((A_GOOD > 0)) && [[ $wrk_rps != 0 ]]; then
      md "| wrk -t1 -c16 (one 1 KiB file, ${WRK_SECS} s; ceiling) | ${WRK_SECS} s (fixed) | $(commas "$wrk_rps") | $(f %.3f "$(calc "1000 * $A_CPU / ($A_N + 1e-12)")") | $(fmt_rss "$A_RSS") | $(f %d "$A_CONNS") | $(fmt_ratio "$(calc "$wrk_rps / ($curl_rate + 1e-12)")") | $([[ $go_rate != 0 ]] && fmt_ratio "$(calc "$wrk_rps / $go_rate")" || echo –) | 100% |"
    else
      md "| wrk | FAILED | | | | | | | |"
    fi
  fi
  md ""
  md "Bodies are discarded (curl/fetchpool/Go/wget2 to /dev/null; aria2c cannot discard, so it writes into a tmpfs dir that is emptied between runs). \`conns\` = TCP connections nginx accepted in the run (from stub_status): it shows connection reuse. fetchpool's own output goes to /dev/null."
  md ""
}

# ----------------------------------------------------------- scenario 2 ----
scenario2() {
  local tools=(fetchpool) tool size
  [[ -n $GO ]] && tools+=(go-pool)
  log "scenario 2: streamed stdin, $(commas "$S2_SMALL") and $(commas "$S2_BIG") URLs"
  for size in "$S2_SMALL" "$S2_BIG"; do
    for tool in "${tools[@]}"; do
      log "scenario 2: $tool, $(commas "$size") URLs"
      if [[ $tool == fetchpool ]]; then
        measure 2 "fetchpool@$size" 1 "$size" "$size" "gen:$size" /dev/null "$FP" "${FPW16[@]}"
      else
        measure 2 "go-pool@$size" 1 "$size" "$size" "gen:$size" /dev/null "$GO" -workers=16
      fi
    done
  done
  md "## 2. Streaming: $(commas "$S2_BIG") URLs piped through stdin, 16 concurrent"
  md ""
  md "| tool | URLs | wall (1 run) | URLs/s | CPU ms/URL | peak RSS | RSS ratio vs $(commas "$S2_SMALL") | vs Go pool |"
  md "|---|---|---|---|---|---|---|---|"
  local go_rate rss_small label
  for tool in "${tools[@]}"; do
    for size in "$S2_SMALL" "$S2_BIG"; do
      go_rate=0; if [[ -n $GO ]]; then load_agg 2 "go-pool@$size"; go_rate=$A_RATE; fi
      load_agg 2 "$tool@$S2_SMALL"; rss_small=$A_RSS
      load_agg 2 "$tool@$size"
      [[ $tool == fetchpool ]] && label="**fetchpool** \`${FPW16[*]}\`" || label="Go worker pool -workers=16"
      if ((A_GOOD == 0)); then md "| $label | $(commas "$size") | $(failed_cell) | | | | | |"; continue; fi
      md "| $label | $(commas "$size") | $(fmt_wall "$A_WALL") | $(commas "$A_RATE") | $(f %.4f "$(calc "1000 * $A_CPU / $A_N")") | $(fmt_rss "$A_RSS") | $( ((rss_small > 0)) && fmt_ratio "$(calc "$A_RSS / $rss_small")" || echo –) | $([[ $go_rate != 0 ]] && fmt_ratio "$(calc "$A_RATE / $go_rate")" || echo –) |"
    done
  done
  md ""
  md "URLs come from an awk generator cycling over the 10,000 files, piped into the tool (never stored). A flat RSS (ratio ≈ 1.00×) means memory does not grow with the input size. Output to /dev/null; success checked by exit code and nginx's request counter."
  md ""
}

# ----------------------------------------------------------- scenario 3 ----
scenario3() {
  local n=$S3_FILES bytes=$((S3_FILES * S3_MIB * 1048576)) run tool i
  log "scenario 3: $n x $S3_MIB MiB, 4 concurrent, runs=$RUNS"
  for ((i = 0; i < n; i++)); do printf '%s/big/b%02d\n' "$BASE" "$i"; done >"$WORK/s3.urls"
  local s3urls; mapfile -t s3urls <"$WORK/s3.urls"
  awk '{printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0}' "$WORK/s3.urls" >"$WORK/s3.curl.cfg"
  local FPW4; read -ra FPW4 <<<"$(fp_workers 4)"
  local tools=(fetchpool curl-Z)
  [[ -n $GO ]] && tools+=(go-pool)
  for ((run = 0; run <= RUNS; run++)); do
    for tool in "${tools[@]}"; do
      case $tool in
        fetchpool) measure 3 fetchpool "$run" "$n" "$n" "$WORK/s3.urls" /dev/null "$FP" "${FPW4[@]}" ;;
        curl-Z) measure 3 curl-Z "$run" "$n" "$n" /dev/null /dev/null "${CURL[@]}" -Z --parallel-max 4 -K "$WORK/s3.curl.cfg" ;;
        go-pool) measure 3 go-pool "$run" "$n" "$n" "$WORK/s3.urls" /dev/null "$GO" -workers=4 ;;
      esac
    done
  done
  # to files on tmpfs
  local otools=()
  ((FP_HAS_OUTDIR)) && otools+=(fetchpool-o)
  curl --help all 2>/dev/null | grep -q -- '--output-dir' && otools+=(curl-Z-o)
  otools+=(cat)
  local d=$TMPFS/s3out
  for ((run = 0; run <= RUNS; run++)); do
    for tool in "${otools[@]}"; do
      rm -rf "$d"; mkdir -p "$d"
      case $tool in
        fetchpool-o) measure 3o fetchpool-o "$run" "$n" "$n" "$WORK/s3.urls" /dev/null "$FP" "${FPW4[@]}" --output-dir "$d" ;;
        curl-Z-o) measure 3o curl-Z-o "$run" "$n" "$n" /dev/null /dev/null "${CURL[@]}" -Z --parallel-max 4 --output-dir "$d" --remote-name-all "${s3urls[@]}" ;;
        cat) measure 3o cat "$run" "$n" -1 /dev/null /dev/null sh -c 'for f in "$1"/*; do cat "$f" >"$2/${f##*/}"; done' sh "$WWW/big" "$d" ;;
      esac
      local got; got=$(find "$d" -type f -printf '%s\n' | awk '{t += $1} END {printf "%d", t}')
      if ((LAST_OK && got != bytes)); then
        if [[ $tool == fetchpool-o ]]; then broken "scenario 3: fetchpool --output-dir wrote $got bytes, expected $bytes"
        else warn "scenario 3: $tool wrote $got bytes, expected $bytes"; fi
      fi
    done
  done
  rm -rf "$d"

  load_agg 3 curl-Z; local curl_rate=$A_RATE label
  md "## 3. Big files: $n × $S3_MIB MiB, 4 concurrent"
  md ""
  md "Discarding the bodies:"
  md ""
  md "| tool | wall (median of $RUNS) | URLs/s | GiB/s | CPU ms/URL | peak RSS | vs curl -Z |"
  md "|---|---|---|---|---|---|---|"
  for tool in "${tools[@]}"; do
    load_agg 3 "$tool"
    case $tool in
      fetchpool) label="**fetchpool** \`${FPW4[*]}\`" ;;
      curl-Z) label="curl -Z --parallel-max 4, -o /dev/null" ;;
      go-pool) label="Go worker pool -workers=4" ;;
    esac
    if ((A_GOOD == 0)); then md "| $label | $(failed_cell) | | | | | |"; continue; fi
    md "| $label | $(fmt_wall "$A_WALL") | $(f %.1f "$A_RATE") | $(f %.2f "$(calc "$bytes / $A_WALL / 1073741824")") | $(f %.1f "$(calc "1000 * $A_CPU / $A_N")") | $(fmt_rss "$A_RSS") | $(fmt_ratio "$(calc "$A_RATE / ($curl_rate + 1e-12)")") |"
  done
  md ""
  md "Writing the files into a tmpfs dir ($TMPFS_KIND), vs \`cat\` of the same files from the page cache into the same tmpfs:"
  md ""
  md "| tool | wall (median of $RUNS) | GiB/s | CPU ms/URL | peak RSS | vs cat |"
  md "|---|---|---|---|---|---|"
  load_agg 3o cat; local cat_rate=$A_RATE
  ((FP_HAS_OUTDIR)) || md "| **fetchpool** --output-dir | skipped: \`fetchpool --help\` does not mention --output-dir | | | | |"
  for tool in "${otools[@]}"; do
    load_agg 3o "$tool"
    case $tool in
      fetchpool-o) label="**fetchpool** \`${FPW4[*]} --output-dir DIR\`" ;;
      curl-Z-o) label="curl -Z --parallel-max 4 --output-dir DIR --remote-name-all" ;;
      cat) label="cat FILE > DIR/FILE (page cache → tmpfs, sequential)" ;;
    esac
    if ((A_GOOD == 0)); then md "| $label | $(failed_cell) | | | | |"; continue; fi
    md "| $label | $(fmt_wall "$A_WALL") | $(f %.2f "$(calc "$bytes / $A_WALL / 1073741824")") | $(f %.1f "$(calc "1000 * $A_CPU / $A_N")") | $(fmt_rss "$A_RSS") | $(fmt_ratio "$(calc "$A_RATE / ($cat_rate + 1e-12)")") |"
  done
  md ""
}

# ----------------------------------------------------------- scenario 4 ----
scenario4() {
  local url=$BASE/small/f00000 i tool
  echo "$url" >"$WORK/s4.url"
  log "scenario 4: one URL, loop of $S4_LOOP$( ((HAVE_HYPERFINE)) && echo ' + hyperfine')"
  # loop with /usr/bin/time: wall (incl. the timeout+time wrappers), CPU, RSS; `true` is the wrapper baseline
  for ((i = 0; i <= S4_LOOP; i++)); do
    measure 4 fetchpool "$i" 1 1 "$WORK/s4.url" /dev/null "$FP"
    measure 4 curl "$i" 1 1 /dev/null /dev/null curl -s -o /dev/null "$url"
    measure 4 true "$i" 1 -1 /dev/null /dev/null true
  done
  local hf_fp="" hf_curl=""
  if ((HAVE_HYPERFINE)); then
    local qfp qurl
    printf -v qfp '%q < %q > /dev/null' "$FP" "$WORK/s4.url"
    printf -v qurl 'curl -s -o /dev/null %q' "$url"
    if timeout -k 5 "$TMO" hyperfine --style none --warmup 5 --runs 50 --export-json "$WORK/hf.json" \
        -n fetchpool "$qfp" -n curl "$qurl" >>"$ERRLOG" 2>&1; then
      read -r hf_fp hf_curl < <(awk -F'[:,]' '/"median"/{gsub(/ /, "", $2); printf "%s ", $2}' "$WORK/hf.json") || true
    else
      warn "scenario 4: hyperfine failed"
    fi
  fi
  load_agg 4 true; local base=$A_WALL base_cpu=$A_CPU_MEAN
  load_agg 4 curl; local curl_wall=$A_WALL curl_net
  curl_net=$(calc "$curl_wall - $base")
  md "## 4. One URL: start-up cost"
  md ""
  md "| tool | wall (median of $S4_LOOP, minus wrapper) | URLs/s | CPU ms (minus wrapper) | peak RSS | vs curl |$( ((HAVE_HYPERFINE)) && echo ' hyperfine median | hyperfine vs curl |')"
  md "|---|---|---|---|---|---|$( ((HAVE_HYPERFINE)) && echo '---|---|')"
  local label hfv
  for tool in fetchpool curl; do
    load_agg 4 "$tool"
    [[ $tool == fetchpool ]] && { label="**fetchpool** (1 URL on stdin)"; hfv=$hf_fp; } || { label="curl -s -o /dev/null URL"; hfv=$hf_curl; }
    if ((A_GOOD == 0)); then md "| $label | $(failed_cell) | | | | |$( ((HAVE_HYPERFINE)) && echo ' | |')"; continue; fi
    local net; net=$(calc "$A_WALL - $base")
    local extra=""
    if ((HAVE_HYPERFINE)); then
      if [[ -n $hfv && -n $hf_curl ]]; then extra=" $(fmt_wall "$hfv") | $(fmt_ratio "$(calc "$hf_curl / $hfv")") |"; else extra=" – | – |"; fi
    fi
    md "| $label | $(fmt_wall "$net") | $(f %.0f "$(calc "1 / $net")") | $(f %.2f "$(calc "1000 * ($A_CPU_MEAN - $base_cpu)")") | $(fmt_rss "$A_RSS") | $(fmt_ratio "$(calc "$curl_net / $net")") |$extra"
  done
  md ""
  md "Each iteration spawns the process. The loop's wall is measured around \`timeout /usr/bin/time CMD\`; CPU is the mean over the loop (the kernel samples CPU time per tick, so one short run is too coarse). The median wall and mean CPU of \`true\` under the same wrappers ($(fmt_wall "$base"), $(f %.2f "$(calc "1000 * $base_cpu")") ms CPU) are subtracted.$( ((HAVE_HYPERFINE)) && echo ' hyperfine: 5 warm-ups, 50 runs, shell start-up corrected.')"
  md ""
}

# ----------------------------------------------------------- scenario 5 ----
scenario5() {
  [[ -n $DBASE ]] || { md "## 5. Latency-bound: skipped (no delay backend)"; md ""; return; }
  local n=$S5_N run tool expect=$S5_N
  STATS_BASE=$DBASE
  log "scenario 5: $n URLs delayed ${S5_DELAY}s ($DELAY_BACKEND), $S5_WORKERS concurrent"
  for ((i = 0; i < n; i++)); do echo "$DBASE/delay/$i"; done >"$WORK/s5.urls"
  awk '{printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0}' "$WORK/s5.urls" >"$WORK/s5.curl.cfg"
  local FPW; read -ra FPW <<<"$(fp_workers "$S5_WORKERS")"
  local tools=(fetchpool curl-Z)
  [[ -n $GO ]] && tools+=(go-pool)
  for ((run = 0; run <= RUNS; run++)); do
    for tool in "${tools[@]}"; do
      case $tool in
        fetchpool) measure 5 fetchpool "$run" "$n" "$expect" "$WORK/s5.urls" /dev/null "$FP" "${FPW[@]}" ;;
        curl-Z) measure 5 curl-Z "$run" "$n" "$expect" /dev/null /dev/null "${CURL[@]}" -Z --parallel-max "$S5_WORKERS" -K "$WORK/s5.curl.cfg" ;;
        go-pool) measure 5 go-pool "$run" "$n" "$expect" "$WORK/s5.urls" /dev/null "$GO" -workers="$S5_WORKERS" ;;
      esac
    done
  done
  STATS_BASE=$BASE
  local ideal; ideal=$(calc "int(($n + $S5_WORKERS - 1) / $S5_WORKERS) * $S5_DELAY")
  md "## 5. Latency-bound: $n URLs each delayed $(f %.0f "$(calc "$S5_DELAY * 1000")") ms server-side, $S5_WORKERS concurrent"
  md ""
  md "| tool | wall (median of $RUNS) | URLs/s | CPU ms/URL | peak RSS | ideal | ideal / wall |"
  md "|---|---|---|---|---|---|---|"
  local label
  for tool in "${tools[@]}"; do
    load_agg 5 "$tool"
    case $tool in
      fetchpool) label="**fetchpool** \`${FPW[*]}\`" ;;
      curl-Z) label="curl -Z --parallel-max $S5_WORKERS" ;;
      go-pool) label="Go worker pool -workers=$S5_WORKERS" ;;
    esac
    if ((A_GOOD == 0)); then md "| $label | $(failed_cell) | | | | | |"; continue; fi
    md "| $label | $(fmt_wall "$A_WALL") | $(commas "$A_RATE") | $(f %.3f "$(calc "1000 * $A_CPU / $A_N")") | $(fmt_rss "$A_RSS") | $(fmt_wall "$ideal") | $(f '%.0f%%' "$(calc "100 * $ideal / $A_WALL")") |"
  done
  md ""
  md "Delay: $([[ $DELAY_BACKEND == echo ]] && echo "nginx \`echo_sleep $S5_DELAY\` (non-blocking timer)" || echo "bench/delay_server.py (threaded Python server, used when the nginx echo module is missing)"). Ideal = ⌈$n / $S5_WORKERS⌉ × $S5_DELAY s."
  md ""
}

# --------------------------------------------------------------- main ------
T_START=$EPOCHREALTIME
log "fetchpool: $FP (workers flag: ${FPW16[*]}; --output-dir: $( ((FP_HAS_OUTDIR)) && echo yes || echo no)); Go peer: ${GO:-none}"
has_scen 1 && scenario1
has_scen 2 && scenario2
has_scen 3 && scenario3
has_scen 4 && scenario4
has_scen 5 && scenario5

md "---"
md "Total harness time: $(f %.0f "$(calc "$EPOCHREALTIME - $T_START")") s (after setup); load avg at end: $(cut -d' ' -f1-3 /proc/loadavg)."
if ((${#WARNINGS[@]})); then
  md ""; md "Warnings:"; for w in "${WARNINGS[@]}"; do md "- $w"; done
fi
if ((${#EXTRA_REQS[@]})); then
  md ""; md "Foreign traffic: ${#EXTRA_REQS[@]} run(s) saw more requests than URLs, e.g.:"
  for w in "${EXTRA_REQS[@]:0:5}"; do md "- $w"; done
fi
if ((${#BROKEN[@]})); then
  md ""; md "**BROKEN:**"; for w in "${BROKEN[@]}"; do md "- $w"; done
fi
cat "$REPORT"
if ((${#BROKEN[@]})); then
  log "stderr of the tools (tail):"; tail -n 40 "$ERRLOG" >&2
  exit 1
fi
log "report written to $OUT_MD"
exit 0
}
