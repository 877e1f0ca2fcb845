#!/usr/bin/env bash
# HTTP benchmark of bayanihan on SQLite and/or PostgreSQL.
#
#   bash bench/run.sh [sqlite|postgres|all]        (default: all)
#
# Environment:
#   BENCH_DURATION     seconds per measured wrk run            (default 10)
#   BENCH_ROUNDS       rounds of (ceiling, endpoint) pairs      (default 3)
#   BENCH_SCALE        synthetic organisations to seed          (default 10000)
#   BENCH_CONNECTIONS  wrk connections                          (default 64)
#   BENCH_WARMUP       seconds of warm-up per endpoint          (default 2; 0 skips)
#
# Method: the server (one HTTP worker) and PostgreSQL are pinned to CPU 0, wrk (two
# threads) to CPU 1. For every round and endpoint, GET /health/live (the ceiling) runs
# right before the endpoint, so drift cancels out: an endpoint's ratio is its mean
# req/s over the rounds divided by the mean req/s of the ceiling runs paired with it.
# Get-by-id spreads its requests over random ids 1..BENCH_SCALE.
# The tables go to stdout and to bench/results/<db>-<timestamp>.md; progress to stderr.
set -Eeuo pipefail
trap 'echo "[bench] error: line $LINENO: $BASH_COMMAND failed" >&2' ERR

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

case "${1:-all}" in
  sqlite) dbs=(sqlite) ;;
  postgres) dbs=(postgres) ;;
  all) dbs=(sqlite postgres) ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
SCALE=${BENCH_SCALE:-10000}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-2}
WRK_THREADS=2
SERVER_CPU=0
CLIENT_CPU=1
P99_MAX_MS=10

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for var in DURATION ROUNDS SCALE CONNECTIONS WARMUP; do
  [[ ${!var} =~ ^[0-9]+$ ]] || die "BENCH_$var must be a whole number, not '${!var}'"
done
((DURATION >= 1 && ROUNDS >= 1 && SCALE >= 1)) || die "BENCH_DURATION, BENCH_ROUNDS and BENCH_SCALE must be at least 1"
((CONNECTIONS >= WRK_THREADS)) || die "BENCH_CONNECTIONS must be at least $WRK_THREADS"
((SCALE >= 10000)) || log "warning: BENCH_SCALE=$SCALE is below 10000; the targets assume at least 10,000 organisations"

# name | path | extra wrk script arguments | minimum ratio to the ceiling
CEILING_PATH=/health/live
ep_names=("GET /api/v1/organisations?limit=20"
  "GET /api/v1/organisations?limit=20&country=PH"
  "GET /api/v1/organisations/{id} (random 1..$SCALE)")
ep_paths=("/api/v1/organisations?limit=20"
  "/api/v1/organisations?limit=20&country=PH"
  "/api/v1/organisations")
ep_args=("" "" "ids $SCALE")
ep_targets=(0.35 0.35 0.5)

# --- cleanup --------------------------------------------------------------------------

tmp=""
server_pid=""
pg_dir=""

stop_server() {
  [ -n "$server_pid" ] || return 0
  local pid=$server_pid
  server_pid=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_pg() {
  [ -n "$pg_dir" ] || return 0
  "$root/.ci/pg" stop "$pg_dir" >/dev/null 2>&1 || true
  pg_dir=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  stop_pg
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preparation ----------------------------------------------------------------------

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  log "installing wrk (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y wrk >/dev/null 2>&1 ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; } ||
    die "could not install wrk"
  command -v wrk >/dev/null 2>&1 || die "wrk is still missing after apt-get install"
}

command -v taskset >/dev/null 2>&1 || die "taskset (util-linux) is needed"
command -v curl >/dev/null 2>&1 || die "curl is needed"
taskset -c "$CLIENT_CPU" true 2>/dev/null ||
  die "CPU $CLIENT_CPU is not available (nproc=$(nproc)); the server runs on CPU $SERVER_CPU and wrk on CPU $CLIENT_CPU"

log "building: cargo build --release --features postgres"
cargo build --release --features postgres >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/bayanihan"
[ -x "$bin" ] || die "binary not found at $bin"
ensure_wrk

stamp=$(date -u +%Y%m%dT%H%M%SZ)
git_rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$git_rev" != unknown ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  git_rev="$git_rev-dirty"
fi
cpu_model=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
machine_line="Machine: nproc=$(nproc), CPU: ${cpu_model:-unknown}, date: $(date -u +%Y-%m-%dT%H:%M:%SZ), git: $git_rev, $({ wrk -v 2>&1 || true; } | awk 'NR == 1 {print $1, $2}')"
params_line="Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; $SCALE organisations seeded"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bayanihan-bench.XXXXXX")
chmod 755 "$tmp" # the PostgreSQL cluster runs as the postgres user and lives below
mkdir -p "$here/results"

# --- helpers --------------------------------------------------------------------------

# Pins the postmaster and the processes it already forked to CPU 0; backends forked
# later inherit the affinity.
pin_pg() {
  local pid child
  pid=$(head -n1 "$1/data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] || die "no postmaster pid in $1/data/postmaster.pid"
  taskset -a -cp "$SERVER_CPU" "$pid" >/dev/null
  for child in $(ps -o pid= --ppid "$pid"); do
    taskset -a -cp "$SERVER_CPU" "$child" >/dev/null 2>&1 || true
  done
}

# start_server DIR URL: starts the server on a free port, sets $server_pid and $base.
start_server() {
  local dir=$1 url=$2 line=""
  BAYANIHAN_BIND=127.0.0.1:0 BAYANIHAN_DATA_DIR="$dir/data" DATABASE_URL="$url" \
    BAYANIHAN_WORKERS=1 BAYANIHAN_LOG_FORMAT=pretty RUST_LOG="warn,bayanihan::startup=info" \
    taskset -c "$SERVER_CPU" "$bin" serve 2>"$dir/server.log" >/dev/null &
  server_pid=$!
  for _ in $(seq 1 600); do
    line=$(grep -o -m1 'listening on http://[0-9.]*:[0-9]*' "$dir/server.log" || true)
    [ -n "$line" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the server exited during start-up"; }
    sleep 0.1
  done
  [ -n "$line" ] || { cat "$dir/server.log" >&2; die "no 'listening on' line from the server within 60 s"; }
  base=${line#listening on }
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" || true)" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the server exited"; }
    sleep 0.1
  done
  cat "$dir/server.log" >&2
  die "$base/health/ready did not answer 200 within 30 s"
}

# Each endpoint must answer 200 once before it is measured.
check_endpoints() {
  local path code
  for path in "$CEILING_PATH" "${ep_paths[0]}" "${ep_paths[1]}" "${ep_paths[2]}/1" "${ep_paths[2]}/$SCALE"; do
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' "$base$path" || true)
    [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET $path answered $code, not 200"; }
  done
}

# run_wrk SECONDS PATH [SCRIPT ARGS...]: prints "rps p50_ms p99_ms non2xx errors" (tab-separated).
run_wrk() {
  local secs=$1 path=$2 out line
  shift 2
  local extra=()
  if [ $# -gt 0 ]; then extra=(-- "$@"); fi
  if ! out=$(taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency \
    -s "$here/report.lua" "$base$path" "${extra[@]}" 2>&1); then
    printf '%s\n' "$out" >&2
    die "wrk failed on $path"
  fi
  line=$(grep -m1 '^RESULT ' <<<"$out") || { printf '%s\n' "$out" >&2; die "no RESULT line from wrk on $path"; }
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the run on $path"
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%s\t%s\t%s\t%s\t%s\n", v["rps"], v["p50_ms"], v["p99_ms"], v["non2xx"], v["errors"] }' <<<"$line"
}

# report DB RUNS_TSV: prints the Markdown table.
# RUNS_TSV columns: round, endpoint index, kind (ceiling|endpoint), rps, p50, p99, non2xx, errors.
report() {
  local db=$1 runs=$2 names targets
  names=$(printf '%s\n' "${ep_names[@]}")
  targets=$(printf '%s\n' "${ep_targets[@]}")
  awk -F'\t' -v db="$db" -v names="$names" -v targets="$targets" -v p99max="$P99_MAX_MS" \
    -v ceiling="GET $CEILING_PATH" '
    BEGIN { n = split(names, name, "\n"); split(targets, target, "\n") }
    {
      e = $2 + 1
      if ($3 == "ceiling") {
        c_sum[e] += $4; c_n[e]++
        all_rps += $4; all_p50 += $5; all_n++
        if ($6 > all_p99) all_p99 = $6
        all_bad += $7; all_err += $8
      } else {
        rps[e] += $4; p50[e] += $5; cnt[e]++
        if ($6 > p99[e]) p99[e] = $6
        bad[e] += $7; err[e] += $8
      }
    }
    END {
      printf "| endpoint (%s) | req/s | p50 ms | p99 ms | non-2xx | socket errors | ratio to /health/live | target | result |\n", db
      printf "|---|---:|---:|---:|---:|---:|---:|---|---|\n"
      printf "| `%s` (ceiling) | %.0f | %.2f | %.2f | %d | %d | 1.00 | - | - |\n", ceiling,
        all_rps / all_n, all_p50 / all_n, all_p99, all_bad, all_err
      for (e = 1; e <= n; e++) {
        if (!cnt[e]) continue
        mean = rps[e] / cnt[e]; cmean = c_sum[e] / c_n[e]
        ratio = cmean > 0 ? mean / cmean : 0
        why = ""
        if (ratio < target[e] + 0) why = why ", ratio"
        if (p99[e] >= p99max + 0) why = why ", p99"
        if (bad[e] > 0) why = why ", non-2xx"
        if (err[e] > 0) why = why ", socket errors"
        result = why == "" ? "pass" : "**miss** (" substr(why, 3) ")"
        printf "| `%s` | %.0f | %.2f | %.2f | %d | %d | %.2f (of %.0f) | ratio >= %s, p99 < %s ms, non-2xx = 0 | %s |\n",
          name[e], mean, p50[e] / cnt[e], p99[e], bad[e], err[e], ratio, cmean, target[e], p99max, result
      }
    }' "$runs"
}

# raw_runs RUNS_TSV: every measured run, in order, as a Markdown table.
raw_runs() {
  local names
  names=$(printf '%s\n' "${ep_names[@]}")
  awk -F'\t' -v names="$names" -v ceiling="GET $CEILING_PATH" '
    BEGIN { split(names, name, "\n")
            print "| round | endpoint | req/s | p50 ms | p99 ms | non-2xx | socket errors |"
            print "|---:|---|---:|---:|---:|---:|---:|" }
    { printf "| %d | `%s` | %.0f | %.2f | %.2f | %d | %d |\n", $1, ($3 == "ceiling" ? ceiling " (before " name[$2 + 1] ")" : name[$2 + 1]), $4, $5, $6, $7, $8 }' "$1"
}

# --- one database -----------------------------------------------------------------------

bench_db() {
  local db=$1 dir="$tmp/$1" url r e res c_res ceil_rps
  mkdir -p "$dir/data"
  local db_line="Database: $db"
  case $db in
    sqlite)
      url="sqlite://$dir/data/bayanihan.db"
      ;;
    postgres)
      pg_dir="$dir/pg"
      log "postgres: starting a throw-away cluster"
      url=$("$root/.ci/pg" start "$pg_dir" | tail -n1)
      [[ $url == postgres://* ]] || die "unexpected output from .ci/pg start: $url"
      pin_pg "$pg_dir"
      local pg_bin
      pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
      db_line="Database: postgres ($("$pg_bin/postgres" --version 2>/dev/null | head -n1), fsync=off, pinned to CPU $SERVER_CPU)"
      ;;
  esac

  log "$db: seeding $SCALE organisations"
  local t0=$SECONDS
  BAYANIHAN_DATA_DIR="$dir/data" DATABASE_URL="$url" RUST_LOG=warn \
    "$bin" seed --scale "$SCALE" >"$dir/seed.log" 2>&1 || { cat "$dir/seed.log" >&2; die "$db: seeding failed"; }
  log "$db: seeded in $((SECONDS - t0)) s ($(tail -n1 "$dir/seed.log"))"

  start_server "$dir" "$url"
  log "$db: server at $base (pid $server_pid)"
  check_endpoints

  if ((WARMUP > 0)); then
    log "$db: warm-up, ${WARMUP}s per endpoint"
    run_wrk "$WARMUP" "$CEILING_PATH" >/dev/null
    for e in "${!ep_paths[@]}"; do
      # shellcheck disable=SC2086 # ep_args holds words on purpose
      run_wrk "$WARMUP" "${ep_paths[$e]}" ${ep_args[$e]} >/dev/null
    done
  fi

  local runs="$dir/runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!ep_paths[@]}"; do
      c_res=$(run_wrk "$DURATION" "$CEILING_PATH")
      # shellcheck disable=SC2086
      res=$(run_wrk "$DURATION" "${ep_paths[$e]}" ${ep_args[$e]})
      printf '%s\t%s\tceiling\t%s\n%s\t%s\tendpoint\t%s\n' "$r" "$e" "$c_res" "$r" "$e" "$res" >>"$runs"
      ceil_rps=${c_res%%$'\t'*}
      log "$db: round $r/$ROUNDS ${ep_names[$e]}: ${res%%$'\t'*} req/s vs ceiling $ceil_rps req/s"
    done
  done

  stop_server
  stop_pg

  local table file="$here/results/$db-$stamp.md"
  table=$(report "$db" "$runs")
  {
    echo "## bayanihan benchmark: $db"
    echo
    echo "$machine_line"
    echo
    echo "$params_line"
    echo
    echo "$db_line"
    echo
    echo "$table"
    echo
    echo "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs."
  } | tee "$file"
  {
    echo
    echo "### Every run"
    echo
    raw_runs "$runs"
  } >>"$file"
  echo
  log "$db: written to ${file#"$root"/}"
}

for db in "${dbs[@]}"; do
  bench_db "$db"
done
