#!/usr/bin/env bash
# HTTP benchmark of bayanihan on SQLite and/or PostgreSQL (see bench/README.md).
#
#   bash bench/run.sh [MODE]                                (default: all)
#
#   sqlite | postgres                  directory part on that database
#   directory                          directory part on both databases
#   auth-sqlite | auth-postgres        auth part on that database
#   auth                               auth part on both databases
#   courses-sqlite | courses-postgres  courses part on that database
#   courses                            courses part on both databases
#   community-sqlite | community-postgres  community part on that database
#   community                          community part on both databases
#   cohorts-sqlite | cohorts-postgres  cohorts part on that database
#   cohorts                            cohorts part on both databases
#   library-sqlite | library-postgres  library part on that database
#   library                            library part on both databases
#   assessment-sqlite | assessment-postgres  assessment part on that database
#   assessment                         assessment part on both databases
#   needs-sqlite | needs-postgres      needs part on that database
#   needs                              needs part on both databases
#   followup-sqlite | followup-postgres  follow-up part on that database
#   followup                           follow-up part on both databases
#   dashboards-sqlite | dashboards-postgres  dashboards part on that database
#   dashboards                         dashboards part on both databases
#   growth-sqlite | growth-postgres    directory, courses and community parts on that
#                                      database, on one seed (the growth table: run it at
#                                      BENCH_SCALE=10000 and 100000)
#   growth                             the same on both databases
#   all                                every part on both databases
#
# Environment:
#   BENCH_DURATION     seconds per measured wrk run            (default 10; auth needs >= 3)
#   BENCH_ROUNDS       rounds of (ceiling, endpoint) pairs      (default 3)
#   BENCH_SCALE        synthetic organisations and members      (default 10000;
#                      also N/10 courses of 50 lessons, enrolments, completions)
#   BENCH_CONNECTIONS  wrk connections                          (default 64)
#   BENCH_WARMUP       seconds of warm-up per endpoint          (default 2; 0 skips)
#   BENCH_LOGIN_CONNECTIONS  wrk connections of the login load (default 16)
#   BENCH_PROBE_DELAY_MS     pause between a probe's requests  (default 10)
#   BENCH_SQLITE_FROM  SQLite only: a data folder (BAYANIHAN_DATA_DIR: the database and
#                      its search index) left by `seed --scale BENCH_SCALE`, copied
#                      instead of seeding (a large scale seeds for many minutes)
#   BENCH_POSTGRES_FROM  PostgreSQL only: the same, a directory holding a stopped cluster
#                      in pg/ (made by `.ci/pg start DIR/pg`, seeded, then `.ci/pg stop`)
#                      and the server's data folder (its search index) in data/; both
#                      copied, the copy started by `.ci/pg resume`
#   BENCH_BIN          a release binary (built with the postgres feature) to measure
#                      instead of building one
#   BENCH_PROFILE      a directory: CPU profile (flame graph) of each endpoint's first
#                      measured run there (bench/profile.sh; needs perf and inferno)
#   BENCH_COHORTS_PER_RUN, BENCH_COHORTS_LEADERS  cohorts part: fresh cohorts per
#                      nomination run (default 20), leaders nominating (default 500)
#   BENCH_LIBRARY_UPLOADS, BENCH_LIBRARY_UPLOAD_MB  library part: clients uploading at
#                      once (default 20) and the size of each file in MB (default 100)
#   BENCH_ASSESSMENT_LEARNERS  assessment part: synthetic learners with a prepared
#                      attempt per run (default 200)
#   BENCH_FOLLOWUP_PARTICIPANTS  follow-up part: synthetic participants whose plans and
#                      check-ins are used (default 4000)
#   BENCH_FOLLOWUP_POST_SECONDS  follow-up part: seconds of each check-in POST run
#                      (default 1: every request a fresh check-in)
#
# Directory part: the server (one HTTP worker) and PostgreSQL are pinned to CPU 0, wrk
# (two threads) to CPU 1. For every round and endpoint, GET /health/live (the ceiling)
# runs right before the endpoint, so drift cancels out: an endpoint's ratio is its mean
# req/s over the rounds divided by the mean req/s of the ceiling runs paired with it.
# Get-by-id spreads its requests over random ids 1..BENCH_SCALE.
# Auth part: the same pairing for GET /api/v1/me (bearer token) and POST
# /api/v1/auth/refresh (chains of single-use refresh tokens, bench/refresh.lua); then
# login saturation: the server with two workers on CPUs 0-1, wrk logging in on
# BENCH_LOGIN_CONNECTIONS connections, while two low-rate probes (GET /health/live,
# GET /api/v1/me) measure the latency everyone else sees.
# Courses part: the same pairing for the catalogue page, a course with its outline (random
# public course), a lesson with its content (random lesson of 50 sampled public courses),
# and, as a synthetic member with a bearer token, PUT lesson completion (random lesson of
# the member's courses) and GET progress (random course of the member's); the id lists
# come from the API before the runs (bench/course_ids.py).
# Community part: the same pairing, as a synthetic member with a bearer token, for a
# community's thread list (random of the member's communities with >= 100 threads), a
# thread page of 50 posts (random thread with >= 50 posts), creating a post (random thread
# of the member's communities) and search (a random word of the seed's vocabulary that has
# hits); id lists from the API (bench/community_ids.py).
# Cohorts part: the same pairing, as the demo coordinator, for the cohort list, a cohort
# page (random cohort) and the selection view of the scale seed's large call (N/10
# nominations); and, as synthetic union leaders (one bearer token each), creating
# nominations: every request a fresh (cohort, nominee) pair, from cohorts made for each
# run (bench/cohort_ids.py writes the request lines, bench/report.lua's `lines` mode
# sends each once).
# Library part: the same pairing, anonymous, for a library search (a random word with
# hits), a resource page (random public resource), a static asset (STATIC_PATH, the
# server's fastest way to send bytes), a library file of the same size, and 64 parallel
# ranged downloads (1 MiB at a random offset of a 64 MiB file; bench/library_ids.py
# uploads the files); then BENCH_LIBRARY_UPLOADS clients upload a file at once, at 1/10
# of BENCH_LIBRARY_UPLOAD_MB and then at the full size, and the server's peak RSS
# (VmHWM, reset between the two) shows whether memory grows with the file size.
# Assessment part: the same pairing for saving an answer, submitting a 20-question attempt
# and starting an attempt (synthetic learners of the scale pre-test, one bearer token each;
# bench/assessment_ids.py prepares, before every round, an open attempt per learner with all
# 20 questions answered, and writes one request a line), and, as the demo admin, a survey's
# results at N responses (the scale seed's survey).
# Follow-up part: the same pairing for submitting a check-in (a fresh plan and round each
# request, synthetic participants of the scale seed's completed cohort, one bearer token
# each), changing a check-in (PATCH, every request a change), and a union leader's list of
# their union's plans (leader000001); bench/followup_ids.py writes the request lines.
# The tables go to stdout and to bench/results/[auth-|courses-]<db>-<timestamp>.md;
# progress to stderr.
set -Eeuo pipefail
trap 'echo "[bench] error: line $LINENO: $BASH_COMMAND failed" >&2' ERR

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/profile.sh
. "$here/profile.sh"
root=$(cd "$here/.." && pwd)
cd "$root"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

# do_directory / do_auth / do_courses: which parts run, on each database of dbs.
do_directory=0
do_auth=0
do_courses=0
do_community=0
do_cohorts=0
do_library=0
do_assessment=0
do_needs=0
do_followup=0
do_dashboards=0
case "${1:-all}" in
  sqlite | postgres) dbs=("$1"); do_directory=1 ;;
  directory) dbs=(sqlite postgres); do_directory=1 ;;
  auth-sqlite | auth-postgres) dbs=("${1#auth-}"); do_auth=1 ;;
  auth) dbs=(sqlite postgres); do_auth=1 ;;
  courses-sqlite | courses-postgres) dbs=("${1#courses-}"); do_courses=1 ;;
  courses) dbs=(sqlite postgres); do_courses=1 ;;
  community-sqlite | community-postgres) dbs=("${1#community-}"); do_community=1 ;;
  community) dbs=(sqlite postgres); do_community=1 ;;
  cohorts-sqlite | cohorts-postgres) dbs=("${1#cohorts-}"); do_cohorts=1 ;;
  cohorts) dbs=(sqlite postgres); do_cohorts=1 ;;
  library-sqlite | library-postgres) dbs=("${1#library-}"); do_library=1 ;;
  library) dbs=(sqlite postgres); do_library=1 ;;
  assessment-sqlite | assessment-postgres) dbs=("${1#assessment-}"); do_assessment=1 ;;
  assessment) dbs=(sqlite postgres); do_assessment=1 ;;
  needs-sqlite | needs-postgres) dbs=("${1#needs-}"); do_needs=1 ;;
  needs) dbs=(sqlite postgres); do_needs=1 ;;
  followup-sqlite | followup-postgres) dbs=("${1#followup-}"); do_followup=1 ;;
  followup) dbs=(sqlite postgres); do_followup=1 ;;
  dashboards-sqlite | dashboards-postgres) dbs=("${1#dashboards-}"); do_dashboards=1 ;;
  dashboards) dbs=(sqlite postgres); do_dashboards=1 ;;
  growth-sqlite | growth-postgres) dbs=("${1#growth-}"); do_directory=1; do_courses=1; do_community=1 ;;
  growth) dbs=(sqlite postgres); do_directory=1; do_courses=1; do_community=1 ;;
  all) dbs=(sqlite postgres); do_directory=1; do_auth=1; do_courses=1; do_community=1; do_cohorts=1; do_library=1; do_assessment=1; do_needs=1; do_followup=1; do_dashboards=1 ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
SCALE=${BENCH_SCALE:-10000}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-2}
LOGIN_CONNECTIONS=${BENCH_LOGIN_CONNECTIONS:-16}
PROBE_DELAY_MS=${BENCH_PROBE_DELAY_MS:-10}
WRK_THREADS=2
SERVER_CPU=0
CLIENT_CPU=1
P99_MAX_MS=10
# Auth part.
AUTH_P99_MAX_MS=20
LOGIN_MIN_PER_S=50
POOL_PER_CONNECTION=4 # refresh tokens in the pool per wrk connection
PROBE_CONNECTIONS=2
DEMO_EMAIL=member@demo.bayanihan.org
DEMO_PASSWORD=bayanihan-demo-2026 # seed --demo / --scale: every demo and synthetic account
# Courses part.
COURSES_P99_MAX_MS=20
COURSES_SAMPLE=50 # public courses whose lessons GET /api/v1/lessons/{id} spreads over

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for var in DURATION ROUNDS SCALE CONNECTIONS WARMUP LOGIN_CONNECTIONS PROBE_DELAY_MS; do
  [[ ${!var} =~ ^[0-9]+$ ]] || die "BENCH_$var must be a whole number, not '${!var}'"
done
((DURATION >= 1 && ROUNDS >= 1 && SCALE >= 1)) || die "BENCH_DURATION, BENCH_ROUNDS and BENCH_SCALE must be at least 1"
((CONNECTIONS >= WRK_THREADS)) || die "BENCH_CONNECTIONS must be at least $WRK_THREADS"
((LOGIN_CONNECTIONS >= WRK_THREADS)) || die "BENCH_LOGIN_CONNECTIONS must be at least $WRK_THREADS"
((do_auth == 0 || DURATION >= 3)) ||
  die "the auth part needs BENCH_DURATION >= 3 (its probes start 1 s after the login load and stop 1 s before it)"
((SCALE >= 10000)) || log "warning: BENCH_SCALE=$SCALE is below 10000; the targets assume at least 10,000 organisations"
# The synthetic member of the courses part's write and progress runs: member000005 (index 4
# in src/seed/learning.rs) is enrolled in two synthetic self-paced courses of 50 lessons,
# 10 done in each (member000001, index 0, has finished a demo course of 7 lessons).
COURSES_MEMBER=$(printf 'member%06d@scale.bayanihan.test' $((SCALE >= 5 ? 5 : 1)))

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

# Auth part, ratios: GET /api/v1/me with a bearer token, POST /api/v1/auth/refresh along
# chains of refresh tokens (bench/refresh.lua); no ratio target, p99 < AUTH_P99_MAX_MS.
POOL_SIZE=$((POOL_PER_CONNECTION * CONNECTIONS))
auth_names=("GET /api/v1/me (bearer)"
  "POST /api/v1/auth/refresh (chains from $POOL_SIZE logins)")
auth_targets=(- -)

# Courses part: names (completed with the sizes of the id lists once they are known),
# paths, extra report.lua arguments (FILE: an id list of course_ids.py in the database's
# directory), minimum ratio to the ceiling; p99 < COURSES_P99_MAX_MS. Indexes 3 and 4 run
# with the member's bearer token.
courses_paths=("/api/v1/courses?limit=20"
  "/api/v1/courses"
  "/api/v1/lessons"
  "/api/v1/me/lessons"
  "/api/v1/me/courses")
courses_args=(""
  "idfile FILE:course-ids.txt"
  "idfile FILE:lesson-ids.txt"
  "idfile FILE:member-lessons.txt suffix /completion method PUT"
  "idfile FILE:member-courses.txt suffix /progress")
courses_targets=(0.3 0.3 0.3 0.15 0.3)

# Community part: paths, extra report.lua arguments, ratio targets and p99 limits (ms).
# Every run sends the synthetic member's bearer token.
COMMUNITY_MEMBER=$COURSES_MEMBER
# The member's notifications run before posting (index COMMUNITY_POST), whose fan-out leaves
# background work (emails, indexing) behind; search runs after it, on the grown index.
community_paths=("/api/v1/communities"
  "/api/v1/threads"
  "/api/v1/me/notifications?limit=20"
  "/api/v1/me/notifications/unread-count"
  "/api/v1/threads"
  "/api/v1/search/posts")
community_args=("idfile FILE:community-ids.txt suffix /threads?limit=20"
  "idfile FILE:thread-ids.txt suffix /posts?limit=50"
  ""
  ""
  "idfile FILE:post-thread-ids.txt suffix /posts"
  "idfile FILE:search-words.txt param q suffix &limit=20")
COMMUNITY_POST=4
community_targets=(0.25 0.25 0.12 0.12 0.1 -)
community_p99=(20 20 20 20 20 50)
# Cohorts part: the coordinator's three reads, then nominations (index 2) by leaders.
COHORTS_COORDINATOR=coordinator@demo.bayanihan.org
COHORTS_PER_RUN=${BENCH_COHORTS_PER_RUN:-20} # fresh cohorts per nomination run (x leaders = lines)
COHORTS_LEADERS=${BENCH_COHORTS_LEADERS:-500} # synthetic leaders logged in to nominate
cohorts_paths=("/api/v1/cohorts?limit=20"
  "/api/v1/cohorts"
  "/api/v1/cohorts"
  "/api/v1/cohorts"
  "/api/v1/calendar-feeds"
  "/api/v1/sessions"
  "/api/v1/cohorts")
cohorts_args=(""
  "idfile FILE:cohort-ids.txt"
  "lines FILE:nominate-RUN.txt stride $WRK_THREADS"
  "idfile FILE:selection-ids.txt suffix /selection"
  "idfile FILE:feed-tokens.txt"
  "idfile FILE:session-ids.txt suffix /attendance?limit=100"
  "idfile FILE:reach-ids.txt suffix /reach")
cohorts_targets=(0.1 0.1 0.02 0.02 0.05 0.05 0.005)
cohorts_p99=(20 20 50 100 50 50 500)
# Library part: paths, report.lua arguments, p99 limits (ms); no ratio targets (issue 14
# asks for the figures). Downloads are compared with STATIC_PATH, an asset the server
# keeps in memory (Swagger UI's bundle).
STATIC_PATH=/docs/swagger-ui-bundle.js
LIBRARY_UPLOADS=${BENCH_LIBRARY_UPLOADS:-20}
LIBRARY_UPLOAD_MB=${BENCH_LIBRARY_UPLOAD_MB:-100}
RANGE_FILE_BYTES=$((64 * 1024 * 1024))
RANGE_BYTES=$((1024 * 1024))
library_paths=("/api/v1/resources"
  "/api/v1/resources"
  "$STATIC_PATH"
  "DOWNLOAD"
  "RANGED")
library_args=("idfile FILE:search-words.txt param q suffix &limit=20"
  "idfile FILE:resource-ids.txt"
  ""
  ""
  "range $RANGE_FILE_BYTES $RANGE_BYTES")
library_targets=(- - - - -)
library_p99=(50 20 50 100 500)
# Assessment part: save an answer, submit, start (request lines per round, each with its
# learner's token), then the survey's results (index 3, as the demo admin).
ASSESSMENT_ADMIN=admin@demo.bayanihan.org
ASSESSMENT_LEARNERS=${BENCH_ASSESSMENT_LEARNERS:-200}
assessment_paths=("/api/v1/attempts"
  "/api/v1/attempts"
  "/api/v1/lessons"
  "/api/v1/surveys")
assessment_args=("lines FILE:save-RUN.txt stride $WRK_THREADS method PUT"
  "lines FILE:submit-RUN.txt stride $WRK_THREADS"
  "lines FILE:start-RUN.txt stride $WRK_THREADS"
  "idfile FILE:survey-ids.txt suffix /results")
assessment_targets=(0.1 0.05 0.05 0.02)
assessment_p99=(50 100 100 200)
# Needs part (issue 15): a round's totals by topic x country x target group, as the demo
# coordinator, over the scale seed's synthetic round (one need per synthetic union).
NEEDS_COORDINATOR=coordinator@demo.bayanihan.org
needs_paths=("/api/v1/needs-rounds")
needs_args=("idfile FILE:round-ids.txt suffix /totals")
needs_targets=(0.02)
needs_p99=(200)
# Follow-up part: submit a check-in, change one (request lines per round, each with its
# participant's token), then a leader's list of their union's plans (index 2).
FOLLOWUP_PARTICIPANTS=${BENCH_FOLLOWUP_PARTICIPANTS:-4000}
# Seconds of each measured run of the check-in POST: short, so that every request is a fresh
# check-in (a slice holds about (PARTICIPANTS x 6 - PARTICIPANTS x 2/3) / (ROUNDS + 1)).
FOLLOWUP_POST_SECONDS=${BENCH_FOLLOWUP_POST_SECONDS:-1}
followup_paths=("/api/v1/action-plans"
  "/api/v1/check-ins"
  "UNION")
followup_args=("lines FILE:checkin-RUN.txt stride $WRK_THREADS"
  "lines FILE:patch-RUN.txt stride $WRK_THREADS method PATCH"
  "")
followup_targets=(0.05 0.05 0.1)
followup_p99=(100 100 50)
# Dashboards part (issue 16): the dashboards of the scale programme (every scale cohort:
# 10,050 participants at N = 10,000), of its largest cohort, of a demo course and of a
# demo union, as the demo coordinator; then the programme's participant export, once.
dashboards_paths=("/api/v1/programmes" "/api/v1/cohorts" "/api/v1/courses" "/api/v1/organisations")
dashboards_args=("idfile FILE:programme-ids.txt suffix /dashboard"
  "idfile FILE:cohort-ids.txt suffix /dashboard"
  "idfile FILE:course-ids.txt suffix /dashboard"
  "idfile FILE:organisation-ids.txt suffix /dashboard")
dashboards_targets=(0.1 0.1 0.1 0.1)
dashboards_p99=(50 50 50 50)
COMMUNITY_POST_BODY='{"body":"Thank you for sharing this. In our union we tried the same approach with the shop stewards and it worked well."}'

# --- cleanup --------------------------------------------------------------------------

tmp=""
server_pid=""
pg_dir=""
bg_pids=() # wrk runs in the background (login saturation)

stop_server() {
  [ -n "$server_pid" ] || return 0
  local pid=$server_pid
  server_pid=""
  memory_note "$pid" "${FUNCNAME[1]%_part}"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# memory_note PID PART: the server's peak resident memory since it started (VmHWM; the
# library part resets it before each upload round) and, at the end, its anonymous and
# file-backed resident memory (RssAnon: heap and stacks; RssFile: mapped files such as
# the search index), to stderr and to bench/results/memory-<timestamp>.md.
memory_note() {
  local status="/proc/$1/status" hwm anon file
  [ -r "$status" ] || return 0
  hwm=$(awk '/^VmHWM/ {print $2}' "$status")
  anon=$(awk '/^RssAnon/ {print $2}' "$status")
  file=$(awk '/^RssFile/ {print $2}' "$status")
  [ -n "$hwm" ] || return 0
  log "${db:-?}: $2: server peak RSS $((hwm / 1024)) MiB; at the end RssAnon $((${anon:-0} / 1024)) MiB, RssFile $((${file:-0} / 1024)) MiB"
  printf '| %s | %s | %d | %d | %d |\n' "${db:-?}" "$2" "$((hwm / 1024))" "$((${anon:-0} / 1024))" "$((${file:-0} / 1024))" \
    >>"$here/results/memory-$stamp.md"
}

stop_pg() {
  [ -n "$pg_dir" ] || return 0
  "$root/.ci/pg" stop "$pg_dir" >/dev/null 2>&1 || true
  pg_dir=""
}

stop_bg() {
  local pid
  for pid in "${bg_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  bg_pids=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_bg
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
((do_courses == 0 && do_community == 0 && do_cohorts == 0 && do_library == 0 && do_assessment == 0 && do_needs == 0 && do_followup == 0 && do_dashboards == 0)) || command -v python3 >/dev/null 2>&1 || die "python3 is needed (bench/course_ids.py)"
taskset -c "$CLIENT_CPU" true 2>/dev/null ||
  die "CPU $CLIENT_CPU is not available (nproc=$(nproc)); the server runs on CPU $SERVER_CPU and wrk on CPU $CLIENT_CPU"
BOTH_CPUS="$SERVER_CPU,$CLIENT_CPU" # login saturation: server, PostgreSQL and wrk share these

if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
  [ -x "$bin" ] || die "BENCH_BIN=$bin is not an executable"
  log "using $bin (BENCH_BIN), not building"
else
  log "building: cargo build --release --features postgres"
  cargo build --release --features postgres >&2
  bin="${CARGO_TARGET_DIR:-$root/target}/release/bayanihan"
fi
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
courses_params_line="Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; member endpoints as $COURSES_MEMBER (a fresh login before each pair)"
auth_params_line="Run (ratios): ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; refresh pool topped up to $POOL_SIZE tokens before each run"
sat_params_line="Run (login saturation): ${DURATION}s x $ROUNDS rounds (+ ${WARMUP}s warm-up); server BAYANIHAN_WORKERS=2, server, PostgreSQL and every wrk on CPUs $BOTH_CPUS; login load wrk -t$WRK_THREADS -c$LOGIN_CONNECTIONS as $DEMO_EMAIL; probes wrk -t1 -c$PROBE_CONNECTIONS, ${PROBE_DELAY_MS} ms between a connection's requests, from 1 s after the load starts to 1 s before it ends"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bayanihan-bench.XXXXXX")
chmod 755 "$tmp" # the PostgreSQL cluster runs as the postgres user and lives below
mkdir -p "$here/results"

# --- helpers --------------------------------------------------------------------------

# pin_pg DIR CPUS: pins the postmaster and the processes it already forked to CPUS;
# backends forked later inherit the affinity.
pin_pg() {
  local pid child cpus=$2
  pid=$(head -n1 "$1/data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] || die "no postmaster pid in $1/data/postmaster.pid"
  taskset -a -cp "$cpus" "$pid" >/dev/null
  for child in $(ps -o pid= --ppid "$pid"); do
    taskset -a -cp "$cpus" "$child" >/dev/null 2>&1 || true
  done
}

# start_server DIR URL CPUS WORKERS LOG: starts the server on a free port, sets
# $server_pid and $base.
start_server() {
  local dir=$1 url=$2 cpus=$3 workers=$4 slog=$5 line=""
  BAYANIHAN_BIND=127.0.0.1:0 BAYANIHAN_DATA_DIR="$dir/data" DATABASE_URL="$url" \
    BAYANIHAN_WORKERS="$workers" BAYANIHAN_LOG_FORMAT=pretty RUST_LOG="warn,bayanihan::startup=info" \
    taskset -c "$cpus" "$bin" serve 2>"$slog" >/dev/null &
  server_pid=$!
  for _ in $(seq 1 600); do
    line=$(grep -o -m1 'listening on http://[0-9.]*:[0-9]*' "$slog" || true)
    [ -n "$line" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$slog" >&2; die "the server exited during start-up"; }
    sleep 0.1
  done
  [ -n "$line" ] || { cat "$slog" >&2; die "no 'listening on' line from the server within 60 s"; }
  base=${line#listening on }
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" || true)" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$slog" >&2; die "the server exited"; }
    sleep 0.1
  done
  cat "$slog" >&2
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

# parse_result LABEL OUTPUT: checks wrk's output and prints the fields of its RESULT line,
# tab-separated: rps p50_ms p99_ms non2xx errors ok_rps overloaded starved lost left
# (those three only from refresh.lua, else 0) bytes secs (what wrk read, in how long; 0
# from refresh.lua).
parse_result() {
  local label=$1 out=$2 line
  line=$(grep -m1 '^RESULT ' <<<"$out") || { printf '%s\n' "$out" >&2; die "no RESULT line from wrk on $label"; }
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the run on $label"
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%.3f\n", v["rps"], v["p50_ms"], v["p99_ms"], v["non2xx"],
           v["errors"], v["ok_rps"], v["overloaded"], v["starved"], v["lost"], v["left"], v["bytes"], v["secs"] }' <<<"$line"
}

# wrk_result LABEL COMMAND...: runs a wrk command line and prints parse_result's fields.
wrk_result() {
  local label=$1 out
  shift
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "wrk failed on $label"
  fi
  parse_result "$label" "$out"
}

# run_wrk SECONDS PATH [SCRIPT ARGS...]: report.lua on CPU 1, BENCH_CONNECTIONS
# connections; prints parse_result's fields. Extra wrk options (e.g. -H) in wrk_opts.
wrk_opts=()
run_wrk() {
  local secs=$1 path=$2
  shift 2
  local extra=()
  if [ $# -gt 0 ]; then extra=(-- "$@"); fi
  profile_start "$secs" "$path"
  wrk_result "$path" taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency \
    "${wrk_opts[@]}" -s "$here/report.lua" "$base$path" "${extra[@]}"
  profile_finish "$path"
}

# report DB RUNS_TSV NAMES TARGETS P99_MAX: prints the Markdown table. NAMES and TARGETS
# hold one endpoint a line; a target of "-" means no ratio target.
# RUNS_TSV columns: round, endpoint index, kind (ceiling|endpoint), rps, p50, p99, non2xx, errors, ...
report() {
  local db=$1 runs=$2 names=$3 targets=$4 p99max=$5
  awk -F'\t' -v db="$db" -v names="$names" -v targets="$targets" -v p99max="$p99max" \
    -v ceiling="GET $CEILING_PATH" '
    BEGIN { n = split(names, name, "\n"); split(targets, target, "\n"); split(p99max, p99lim, "\n") }
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
        has_ratio = target[e] != "-" && target[e] != ""
        why = ""
        if (has_ratio && ratio < target[e] + 0) why = why ", ratio"
        limit = (p99lim[e] != "" ? p99lim[e] : p99lim[1]) + 0
        if (p99[e] >= limit) why = why ", p99"
        if (bad[e] > 0) why = why ", non-2xx"
        if (err[e] > 0) why = why ", socket errors"
        result = why == "" ? "pass" : "**miss** (" substr(why, 3) ")"
        goal = (has_ratio ? "ratio >= " target[e] ", " : "") "p99 < " limit " ms, non-2xx = 0"
        printf "| `%s` | %.0f | %.2f | %.2f | %d | %d | %.2f (of %.0f) | %s | %s |\n",
          name[e], mean, p50[e] / cnt[e], p99[e], bad[e], err[e], ratio, cmean, goal, result
      }
    }' "$runs"
}

# raw_runs RUNS_TSV NAMES: every measured run, in order, as a Markdown table.
raw_runs() {
  awk -F'\t' -v names="$2" -v ceiling="GET $CEILING_PATH" '
    BEGIN { split(names, name, "\n")
            print "| round | endpoint | req/s | p50 ms | p99 ms | non-2xx | socket errors |"
            print "|---:|---|---:|---:|---:|---:|---:|" }
    { printf "| %d | `%s` | %.0f | %.2f | %.2f | %d | %d |\n", $1, ($3 == "ceiling" ? ceiling " (before " name[$2 + 1] ")" : name[$2 + 1]), $4, $5, $6, $7, $8 }' "$1"
}

# serve_part DB DIR URL NAME LABEL: a part's server, one worker on SERVER_CPU (with
# PostgreSQL pinned there), logging to DIR/server-NAME.log; says where it listens.
serve_part() {
  if [ -n "$pg_dir" ]; then pin_pg "$pg_dir" "$SERVER_CPU"; fi
  start_server "$2" "$3" "$SERVER_CPU" 1 "$2/server-$4.log"
  log "$1: $5: server at $base (pid $server_pid)"
}

# warm_up LABEL COUNT RUNNER ARGS...: BENCH_WARMUP seconds of the ceiling, then of each
# of COUNT endpoints (RUNNER INDEX SECONDS ARGS...); nothing when BENCH_WARMUP is 0.
warm_up() {
  local label=$1 count=$2 e
  shift 2
  ((WARMUP > 0)) || return 0
  log "$label warm-up, ${WARMUP}s per endpoint"
  run_wrk "$WARMUP" "$CEILING_PATH" >/dev/null
  for ((e = 0; e < count; e++)); do
    "$1" "$e" "$WARMUP" "${@:2}" >/dev/null
  done
}

# measure_pair DB RUNS ROUND INDEX NAME COMMAND...: a ceiling run right before the
# endpoint's run (COMMAND, printing parse_result's fields), both appended to RUNS.
measure_pair() {
  local db=$1 runs=$2 r=$3 e=$4 name=$5 c_res res f
  shift 5
  c_res=$(run_wrk "$DURATION" "$CEILING_PATH")
  res=$("$@")
  printf '%s\t%s\tceiling\t%s\n%s\t%s\tendpoint\t%s\n' "$r" "$e" "$c_res" "$r" "$e" "$res" >>"$runs"
  IFS=$'\t' read -r -a f <<<"$res"
  log "$db: round $r/$ROUNDS $name: ${f[0]} req/s vs ceiling ${c_res%%$'\t'*} req/s (non-2xx ${f[3]})"
}

# run_listed INDEX SECONDS PART LISTS_DIR: endpoint INDEX of PART (PART_paths, with the
# report.lua arguments of PART_args; FILE: an id list in LISTS_DIR).
run_listed() {
  local -n listed_paths="$3_paths" listed_args="$3_args"
  local words=()
  read -r -a words <<<"${listed_args[$1]}"
  run_wrk "$2" "${listed_paths[$1]}" "${words[@]/#FILE:/$4/}"
}

# publish DB FILE TITLE PARAMS DB_LINE LEAD TABLE RUNS NAMES FOOTER...: a part's report on
# stdout and in FILE (LEAD, unless empty, a paragraph before TABLE; each FOOTER a line
# after it), then every run of RUNS in FILE only.
publish() {
  local db=$1 file=$2 title=$3 params=$4 db_line=$5 lead=$6 table=$7 runs=$8 names=$9
  shift 9
  {
    echo "## bayanihan benchmark: $title"
    echo
    echo "$machine_line"
    echo
    echo "$params"
    echo
    echo "$db_line"
    echo
    if [ -n "$lead" ]; then
      echo "$lead"
      echo
    fi
    echo "$table"
    echo
    printf '%s\n' "$@"
  } | tee "$file"
  {
    echo
    echo "### Every run"
    echo
    raw_runs "$runs" "$names"
  } >>"$file"
  echo
  log "$db: written to ${file#"$root"/}"
}

# --- auth helpers ---------------------------------------------------------------------

login_body() { printf '{"email":"%s","password":"%s"}' "$1" "$DEMO_PASSWORD"; }

# json_string FIELD FILE: the value of a string field of a flat JSON object.
json_string() { { grep -o "\"$1\" *: *\"[^\"]*\"" "$2" || true; } | head -n1 | sed 's/.*: *"\(.*\)"$/\1/'; }

# access_token [EMAIL]: logs in as EMAIL (default: the demo member) and prints the access token.
access_token() {
  local code token email=${1:-$DEMO_EMAIL}
  code=$(curl -s -o "$tmp/login.json" -w '%{http_code}' -X POST "$base/api/v1/auth/login" \
    -H 'content-type: application/json' -d "$(login_body "$email")" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/login.json" >&2 || true; echo >&2; die "login as $email answered $code, not 200"; }
  token=$(json_string access_token "$tmp/login.json")
  [ -n "$token" ] || die "no access_token in the login answer"
  printf '%s\n' "$token"
}

check_me() {
  local code
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $1" "$base/api/v1/me" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET /api/v1/me answered $code, not 200"; }
}

# fill_pool FILE: logs in as synthetic members (member000001@scale.bayanihan.test, ...,
# round robin over BENCH_SCALE; each login is a session of its own) until FILE holds
# POOL_SIZE unspent refresh tokens. Four logins at a time.
pool_next=0
fill_pool() {
  local file=$1 have need i j idx code token failed=0 pids=()
  local dir="$tmp/pool-logins"
  touch "$file"
  have=$(grep -c . "$file" || true)
  need=$((POOL_SIZE - have))
  ((need > 0)) || return 0
  rm -rf "$dir" && mkdir -p "$dir"
  for ((i = 0; i < need; i++)); do
    idx=$((pool_next % SCALE + 1))
    pool_next=$((pool_next + 1))
    curl -s -o "$dir/$i.json" -w '%{http_code}' -X POST "$base/api/v1/auth/login" \
      -H 'content-type: application/json' \
      -d "$(login_body "$(printf 'member%06d@scale.bayanihan.test' "$idx")")" >"$dir/$i.code" 2>/dev/null &
    pids+=($!)
    if ((${#pids[@]} == 4)); then
      wait "${pids[@]}" || true
      pids=()
    fi
  done
  if ((${#pids[@]} > 0)); then wait "${pids[@]}" || true; fi
  for ((j = 0; j < need; j++)); do
    code=$(cat "$dir/$j.code" 2>/dev/null || true)
    token=""
    if [ "$code" = 200 ]; then token=$(json_string refresh_token "$dir/$j.json"); fi
    if [ -n "$token" ]; then
      printf '%s\n' "$token" >>"$file"
    else
      failed=$((failed + 1))
      if ((failed == 1)); then
        log "a pool login answered ${code:-nothing}: $(head -c 500 "$dir/$j.json" 2>/dev/null || true)"
      fi
    fi
  done
  ((failed == 0)) || die "$failed of $need logins for the refresh pool failed"
  log "refresh pool: $need logins, now $POOL_SIZE tokens"
}

# check_refresh FILE: one refresh with the first token of FILE, which is replaced by the new one.
check_refresh() {
  local file=$1 token code new
  token=$(head -n1 "$file")
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST "$base/api/v1/auth/refresh" \
    -H 'content-type: application/json' -d "{\"refresh_token\":\"$token\"}" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "POST /api/v1/auth/refresh answered $code, not 200"; }
  new=$(json_string refresh_token "$tmp/body")
  [ -n "$new" ] || die "no refresh_token in the refresh answer"
  { printf '%s\n' "$new"; tail -n +2 "$file"; } >"$file.new" && mv "$file.new" "$file"
}

# run_me SECONDS: GET /api/v1/me with a fresh access token (they live 15 minutes).
run_me() {
  local token
  token=$(access_token)
  wrk_opts=(-H "Authorization: Bearer $token")
  run_wrk "$1" /api/v1/me
  wrk_opts=()
}

# run_refresh SECONDS POOL_FILE: tops the pool up, then refresh.lua on it.
run_refresh() {
  fill_pool "$2"
  wrk_result /api/v1/auth/refresh taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${1}s" --latency \
    -s "$here/refresh.lua" "$base/api/v1/auth/refresh" -- pool "$2" threads "$WRK_THREADS"
}

# run_auth_endpoint INDEX SECONDS POOL_FILE
run_auth_endpoint() {
  case $1 in
    0) run_me "$2" ;;
    1) run_refresh "$2" "$3" ;;
  esac
}

# saturation_round SECONDS TAG: login load on CPUs 0-1 and, from 1 s in to 1 s before its
# end, the two probes. Prints three lines "kind<TAB>parse_result fields" (login, live, me).
saturation_round() {
  local secs=$1 tag=$2 token probe_secs=$(($1 - 2)) rc=0 pid kind
  token=$(access_token)
  local out="$tmp/sat-$tag"
  env BENCH_BODY="$(login_body "$DEMO_EMAIL")" taskset -c "$BOTH_CPUS" wrk -t"$WRK_THREADS" -c"$LOGIN_CONNECTIONS" \
    -d"${secs}s" --latency -s "$here/report.lua" "$base/api/v1/auth/login" >"$out.login" 2>&1 &
  bg_pids+=($!)
  if ((probe_secs >= 1)); then
    sleep 1
    env BENCH_DELAY_MS="$PROBE_DELAY_MS" taskset -c "$BOTH_CPUS" wrk -t1 -c"$PROBE_CONNECTIONS" -d"${probe_secs}s" \
      --latency -s "$here/report.lua" "$base$CEILING_PATH" >"$out.live" 2>&1 &
    bg_pids+=($!)
    env BENCH_DELAY_MS="$PROBE_DELAY_MS" taskset -c "$BOTH_CPUS" wrk -t1 -c"$PROBE_CONNECTIONS" -d"${probe_secs}s" \
      --latency -H "Authorization: Bearer $token" -s "$here/report.lua" "$base/api/v1/me" >"$out.me" 2>&1 &
    bg_pids+=($!)
  fi
  for pid in "${bg_pids[@]}"; do
    wait "$pid" || rc=$?
  done
  bg_pids=()
  for kind in login live me; do
    [ -f "$out.$kind" ] || continue
    ((rc == 0)) || { cat "$out.$kind" >&2; }
    printf '%s\t%s\n' "$kind" "$(parse_result "$kind" "$(cat "$out.$kind")")"
  done
  ((rc == 0)) || die "a wrk of the login saturation failed (exit $rc)"
}

# saturation_report DB RUNS_TSV: the login saturation table.
# RUNS_TSV columns: round, kind (login|live|me), rps, p50, p99, non2xx, errors, ok_rps, overloaded.
saturation_report() {
  awk -F'\t' -v db="$1" -v lc="$LOGIN_CONNECTIONS" -v pc="$PROBE_CONNECTIONS" -v delay="$PROBE_DELAY_MS" \
    -v min_login="$LOGIN_MIN_PER_S" -v p99max="$AUTH_P99_MAX_MS" -v ceiling="$CEILING_PATH" '
    {
      k = $2; n[k]++; ok[k] += $8; p50[k] += $4
      if ($5 > p99[k]) p99[k] = $5
      bad[k] += $6; err[k] += $7; over[k] += $9
    }
    function row(k, label, goal, why) {
      if (!n[k]) return
      if (bad[k] > 0) why = why ", non-2xx"
      if (err[k] > 0) why = why ", socket errors"
      printf "| %s | %.1f | %.2f | %.2f | %d | %d | %d | %s | %s |\n", label, ok[k] / n[k], p50[k] / n[k], p99[k],
        bad[k], over[k], err[k], goal, why == "" ? "pass" : "**miss** (" substr(why, 3) ")"
    }
    END {
      printf "| load / probe (%s) | 2xx/s | p50 ms | p99 ms | non-2xx | of which 503 | socket errors | target | result |\n", db
      printf "|---|---:|---:|---:|---:|---:|---:|---|---|\n"
      row("login", "`POST /api/v1/auth/login` (" lc " connections)", "logins/s >= " min_login ", non-2xx = 0",
        (n["login"] && ok["login"] / n["login"] < min_login + 0) ? ", logins/s" : "")
      row("live", "`GET " ceiling "` probe (" pc " connections, " delay " ms apart)", "p99 < " p99max " ms, non-2xx = 0",
        (p99["live"] >= p99max + 0) ? ", p99" : "")
      row("me", "`GET /api/v1/me` probe (" pc " connections, " delay " ms apart)", "p99 < " p99max " ms, non-2xx = 0",
        (p99["me"] >= p99max + 0) ? ", p99" : "")
    }' "$2"
}

saturation_raw() {
  awk -F'\t' -v ceiling="$CEILING_PATH" '
    BEGIN { label["login"] = "POST /api/v1/auth/login"; label["live"] = "GET " ceiling " probe"; label["me"] = "GET /api/v1/me probe"
            print "| round | load / probe | 2xx/s | p50 ms | p99 ms | non-2xx | of which 503 | socket errors |"
            print "|---:|---|---:|---:|---:|---:|---:|---:|" }
    { printf "| %d | `%s` | %.1f | %.2f | %.2f | %d | %d | %d |\n", $1, label[$2], $8, $4, $5, $6, $9, $7 }' "$1"
}

# --- courses helpers ------------------------------------------------------------------

# run_course INDEX SECONDS LISTS_DIR TOKEN: endpoint INDEX of the courses part (report.lua,
# ids from LISTS_DIR); prints parse_result's fields. Indexes 3 and 4 send the bearer TOKEN.
run_course() {
  local e=$1 secs=$2 lists=$3 token=$4 words=()
  read -r -a words <<<"${courses_args[$e]}"
  if ((${#words[@]} > 0)); then words=("${words[@]/#FILE:/$lists/}"); fi
  if ((e >= 3)); then wrk_opts=(-H "Authorization: Bearer $token"); fi
  run_wrk "$secs" "${courses_paths[$e]}" "${words[@]}"
  wrk_opts=()
}

# check_courses LISTS_DIR TOKEN: each endpoint of the courses part answers 2xx once, with
# the first id of its list (the completion may answer 201 or 200).
check_courses() {
  local lists=$1 token=$2 course lesson member_lesson member_course code spec method path auth
  course=$(head -n1 "$lists/course-ids.txt")
  lesson=$(head -n1 "$lists/lesson-ids.txt")
  member_lesson=$(head -n1 "$lists/member-lessons.txt")
  member_course=$(head -n1 "$lists/member-courses.txt")
  for spec in "GET ${courses_paths[0]} -" "GET ${courses_paths[1]}/$course -" "GET ${courses_paths[2]}/$lesson -" \
    "PUT ${courses_paths[3]}/$member_lesson/completion bearer" "GET ${courses_paths[4]}/$member_course/progress bearer"; do
    read -r method path auth <<<"$spec"
    local opts=(-s -o "$tmp/body" -w '%{http_code}' -X "$method")
    if [ "$auth" = bearer ]; then opts+=(-H "Authorization: Bearer $token"); fi
    code=$(curl "${opts[@]}" "$base$path" || true)
    [[ $code == 20[01] ]] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "$method $path answered $code, not 2xx"; }
  done
}

# --- the parts --------------------------------------------------------------------------

# run_directory INDEX SECONDS: endpoint INDEX of the directory part.
run_directory() {
  # shellcheck disable=SC2086 # ep_args holds words on purpose
  run_wrk "$2" "${ep_paths[$1]}" ${ep_args[$1]}
}

directory_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names
  serve_part "$db" "$dir" "$url" directory directory
  check_endpoints
  warm_up "$db:" "${#ep_paths[@]}" run_directory

  local runs="$dir/runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!ep_paths[@]}"; do
      c_res=$(run_wrk "$DURATION" "$CEILING_PATH")
      res=$(run_directory "$e" "$DURATION")
      printf '%s\t%s\tceiling\t%s\n%s\t%s\tendpoint\t%s\n' "$r" "$e" "$c_res" "$r" "$e" "$res" >>"$runs"
      ceil_rps=${c_res%%$'\t'*}
      log "$db: round $r/$ROUNDS ${ep_names[$e]}: ${res%%$'\t'*} req/s vs ceiling $ceil_rps req/s"
    done
  done

  stop_server

  local table file="$here/results/$db-$stamp.md"
  names=$(printf '%s\n' "${ep_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${ep_targets[@]}")" "$P99_MAX_MS")
  publish "$db" "$file" "$db" "$params_line" "$db_line" "" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs."
}

auth_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names
  local pool="$dir/refresh-pool.txt"
  : >"$pool"

  # 1. Ratios to /health/live: server and PostgreSQL on CPU 0, wrk on CPU 1.
  serve_part "$db" "$dir" "$url" auth auth
  check_me "$(access_token)"
  fill_pool "$pool"
  check_refresh "$pool"

  warm_up "$db: auth" "${#auth_names[@]}" run_auth_endpoint "$pool"

  local runs="$dir/auth-runs.tsv" starved=0 lost=0 f
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!auth_names[@]}"; do
      if ((e == 1)); then fill_pool "$pool"; fi # before the ceiling: the pair stays adjacent
      c_res=$(run_wrk "$DURATION" "$CEILING_PATH")
      res=$(run_auth_endpoint "$e" "$DURATION" "$pool")
      printf '%s\t%s\tceiling\t%s\n%s\t%s\tendpoint\t%s\n' "$r" "$e" "$c_res" "$r" "$e" "$res" >>"$runs"
      ceil_rps=${c_res%%$'\t'*}
      IFS=$'\t' read -r -a f <<<"$res"
      local extra=""
      if ((e == 1)); then
        starved=$((starved + f[7]))
        lost=$((lost + f[8]))
        extra=" (non-2xx ${f[3]}, starved ${f[7]}, lost ${f[8]}, ${f[9]} tokens left)"
      fi
      log "$db: round $r/$ROUNDS ${auth_names[$e]}: ${f[0]} req/s vs ceiling $ceil_rps req/s$extra"
    done
  done
  local reused
  reused=$(grep -c 'spent refresh token presented again' "$dir/server-auth.log" || true)
  stop_server

  # 2. Login saturation: two workers, server, PostgreSQL and wrk on CPUs 0-1.
  if [ -n "$pg_dir" ]; then pin_pg "$pg_dir" "$BOTH_CPUS"; fi
  start_server "$dir" "$url" "$BOTH_CPUS" 2 "$dir/server-saturation.log"
  log "$db: login saturation: server at $base (pid $server_pid), BAYANIHAN_WORKERS=2 on CPUs $BOTH_CPUS"
  check_me "$(access_token)"
  if ((WARMUP > 0)); then
    log "$db: login warm-up, ${WARMUP}s"
    wrk_result "login warm-up" env BENCH_BODY="$(login_body "$DEMO_EMAIL")" taskset -c "$BOTH_CPUS" \
      wrk -t"$WRK_THREADS" -c"$LOGIN_CONNECTIONS" -d"${WARMUP}s" -s "$here/report.lua" "$base/api/v1/auth/login" >/dev/null
  fi
  local sat="$dir/saturation.tsv" line kind
  : >"$sat"
  for ((r = 1; r <= ROUNDS; r++)); do
    # Not in a pipe or $(...): the wrk processes stay children of this shell (cleanup).
    saturation_round "$DURATION" "$r" >"$tmp/sat-round.tsv"
    while IFS= read -r line; do
      printf '%s\t%s\n' "$r" "$line" >>"$sat"
      IFS=$'\t' read -r -a f <<<"$line"
      kind=${f[0]}
      log "$db: saturation round $r/$ROUNDS $kind: ${f[6]} 2xx/s, p99 ${f[3]} ms, non-2xx ${f[4]} (503: ${f[7]})"
    done <"$tmp/sat-round.tsv"
  done
  stop_server

  local file="$here/results/auth-$db-$stamp.md"
  names=$(printf '%s\n' "${auth_names[@]}")
  {
    echo "## bayanihan benchmark: auth, $db"
    echo
    echo "$machine_line"
    echo
    echo "$auth_params_line"
    echo
    echo "$sat_params_line"
    echo
    echo "$db_line"
    echo
    echo "### Ratios to /health/live ($db)"
    echo
    report "$db" "$runs" "$names" "$(printf '%s\n' "${auth_targets[@]}")" "$AUTH_P99_MAX_MS"
    echo
    echo "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs."
    echo "Refresh chains: $starved requests found their thread's pool empty, $lost 2xx answers had no refresh_token, the server saw $reused spent tokens presented again."
    echo
    echo "### Login saturation on CPUs $BOTH_CPUS ($db)"
    echo
    saturation_report "$db" "$sat"
    echo
    echo "2xx/s and p50 are means over the rounds, p99 the worst round; latencies include non-2xx answers (503 overloaded is answered at once)."
  } | tee "$file"
  {
    echo
    echo "### Every run"
    echo
    raw_runs "$runs" "$names"
    echo
    saturation_raw "$sat"
  } >>"$file"
  echo
  log "$db: written to ${file#"$root"/}"
}

courses_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token="" summary f
  local lists="$dir/courses-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" courses courses
  summary=$(python3 "$here/course_ids.py" "$base" "$lists" "$COURSES_MEMBER" "$DEMO_PASSWORD" "$COURSES_SAMPLE") ||
    die "$db: could not fetch the id lists of the courses part"
  log "$db: courses: $summary"
  token=$(access_token "$COURSES_MEMBER")
  check_courses "$lists" "$token"

  local n_courses n_lessons n_sampled n_member_lessons n_member_courses
  n_courses=$(grep -c . "$lists/course-ids.txt")
  n_lessons=$(grep -c . "$lists/lesson-ids.txt")
  n_sampled=$((n_courses < COURSES_SAMPLE ? n_courses : COURSES_SAMPLE))
  n_member_lessons=$(grep -c . "$lists/member-lessons.txt")
  n_member_courses=$(grep -c . "$lists/member-courses.txt")
  local courses_names=("GET /api/v1/courses?limit=20"
    "GET /api/v1/courses/{id} (random of $n_courses public courses)"
    "GET /api/v1/lessons/{id} (random of $n_lessons lessons of $n_sampled public courses)"
    "PUT /api/v1/me/lessons/{id}/completion (random of the member's $n_member_lessons lessons)"
    "GET /api/v1/me/courses/{id}/progress (random of the member's $n_member_courses courses)")

  warm_up "$db: courses" "${#courses_paths[@]}" run_course "$lists" "$token"

  local runs="$dir/courses-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!courses_paths[@]}"; do
      # A fresh access token (they live 15 minutes) before the ceiling: the pair stays adjacent.
      if ((e >= 3)); then token=$(access_token "$COURSES_MEMBER"); fi
      measure_pair "$db" "$runs" "$r" "$e" "${courses_names[$e]}" run_course "$e" "$DURATION" "$lists" "$token"
    done
  done
  stop_server

  local table file="$here/results/courses-$db-$stamp.md"
  names=$(printf '%s\n' "${courses_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${courses_targets[@]}")" "$COURSES_P99_MAX_MS")
  publish "$db" "$file" "courses, $db" "$courses_params_line" "$db_line" \
    "Id lists (bench/course_ids.py): $summary" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs." \
    "Completion: a lesson done already answers 200 and changes nothing (both count as 2xx); after the first pass over the member's lessons nearly every PUT is such a repeat."
}

# run_community INDEX SECONDS LISTS_DIR TOKEN: endpoint INDEX of the community part.
run_community() {
  local e=$1 secs=$2 lists=$3 token=$4 words=()
  read -r -a words <<<"${community_args[$e]}"
  words=("${words[@]/#FILE:/$lists/}")
  wrk_opts=(-H "Authorization: Bearer $token")
  if ((e == COMMUNITY_POST)); then
    BENCH_BODY="$COMMUNITY_POST_BODY" run_wrk "$secs" "${community_paths[$e]}" "${words[@]}"
  else
    run_wrk "$secs" "${community_paths[$e]}" "${words[@]}"
  fi
  wrk_opts=()
}

# check_community LISTS_DIR TOKEN: each endpoint answers 2xx once with the first id of its list.
check_community() {
  local lists=$1 token=$2 community thread reply word code
  community=$(head -n1 "$lists/community-ids.txt")
  thread=$(head -n1 "$lists/thread-ids.txt")
  reply=$(head -n1 "$lists/post-thread-ids.txt")
  word=$(head -n1 "$lists/search-words.txt")
  for path in "/api/v1/communities/$community/threads?limit=20" "/api/v1/threads/$thread/posts?limit=50" \
    "/api/v1/search/posts?q=$word&limit=20" /api/v1/me/notifications?limit=20 /api/v1/me/notifications/unread-count; do
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path" || true)
    [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET $path answered $code, not 200"; }
  done
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$COMMUNITY_POST_BODY" "$base/api/v1/threads/$reply/posts" || true)
  [ "$code" = 201 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "POST /api/v1/threads/$reply/posts answered $code, not 201"; }
}

community_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token="" summary f
  local lists="$dir/community-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" community community
  summary=$(python3 "$here/community_ids.py" "$base" "$lists" "$COMMUNITY_MEMBER" "$DEMO_PASSWORD") ||
    die "$db: could not fetch the id lists of the community part"
  log "$db: community: $summary"
  token=$(access_token "$COMMUNITY_MEMBER")
  check_community "$lists" "$token"

  local n_communities n_threads n_reply n_words
  n_communities=$(grep -c . "$lists/community-ids.txt")
  n_threads=$(grep -c . "$lists/thread-ids.txt")
  n_reply=$(grep -c . "$lists/post-thread-ids.txt")
  n_words=$(grep -c . "$lists/search-words.txt")
  local community_names=("GET /api/v1/communities/{id}/threads?limit=20 (random of $n_communities communities)"
    "GET /api/v1/threads/{id}/posts?limit=50 (random of $n_threads threads with >= 50 posts)"
    "GET /api/v1/me/notifications?limit=20 (the member's own)"
    "GET /api/v1/me/notifications/unread-count (the member's own)"
    "POST /api/v1/threads/{id}/posts (random of $n_reply threads)"
    "GET /api/v1/search/posts?q={word}&limit=20 (random of $n_words words)")

  # Every round of the reads before posting, then every round of posting and search (search
  # is measured after posting on purpose). Posting leaves its fan-out's emails to be sent,
  # and reads measured while they are (on PostgreSQL the notifications at a quarter of their
  # speed) would measure the email worker: so the reads are warmed up here, before any
  # posting, and posting and search right before their first runs.
  warm_up "$db: community" "$COMMUNITY_POST" run_community "$lists" "$token"

  local runs="$dir/community-runs.tsv" first last span
  : >"$runs"
  for span in "0 $COMMUNITY_POST" "$COMMUNITY_POST ${#community_paths[@]}"; do
    read -r first last <<<"$span"
    for ((r = 1; r <= ROUNDS; r++)); do
      for ((e = first; e < last; e++)); do
        token=$(access_token "$COMMUNITY_MEMBER")
        if ((r == 1 && e >= COMMUNITY_POST && WARMUP > 0)); then
          run_community "$e" "$WARMUP" "$lists" "$token" >/dev/null
        fi
        measure_pair "$db" "$runs" "$r" "$e" "${community_names[$e]}" run_community "$e" "$DURATION" "$lists" "$token"
      done
    done
  done
  stop_server

  local table file="$here/results/community-$db-$stamp.md"
  names=$(printf '%s\n' "${community_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${community_targets[@]}")" "$(printf '%s\n' "${community_p99[@]}")")
  publish "$db" "$file" "community, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; every request as $COMMUNITY_MEMBER (a fresh login before each pair)" "$db_line" \
    "Id lists (bench/community_ids.py): $summary" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs."
}

# run_cohorts INDEX SECONDS LISTS_DIR TOKEN RUN: endpoint INDEX of the cohorts part; RUN
# picks the nomination lines (0 for the warm-up, then the round).
run_cohorts() {
  local e=$1 secs=$2 lists=$3 token=$4 run=$5 words=()
  read -r -a words <<<"${cohorts_args[$e]}"
  words=("${words[@]/#FILE:/$lists/}")
  words=("${words[@]/RUN/$run}")
  # Nominations carry each line's own token; the calendar feed is read without a login.
  if ((e != 2 && e != 4)); then wrk_opts=(-H "Authorization: Bearer $token"); fi
  run_wrk "$secs" "${cohorts_paths[$e]}" "${words[@]}"
  wrk_opts=()
}

# check_cohorts LISTS_DIR TOKEN: each read answers 200 once with the first id of its list.
check_cohorts() {
  local lists=$1 token=$2 cohort selection feed session reach code
  cohort=$(head -n1 "$lists/cohort-ids.txt")
  selection=$(head -n1 "$lists/selection-ids.txt")
  feed=$(head -n1 "$lists/feed-tokens.txt")
  session=$(head -n1 "$lists/session-ids.txt")
  reach=$(head -n1 "$lists/reach-ids.txt")
  for path in "/api/v1/cohorts?limit=20" "/api/v1/cohorts/$cohort" "/api/v1/cohorts/$selection/selection" \
    "/api/v1/calendar-feeds/$feed" "/api/v1/sessions/$session/attendance?limit=100" "/api/v1/cohorts/$reach/reach"; do
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path" || true)
    [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET $path answered $code, not 200"; }
  done
}

cohorts_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token="" summary f
  local lists="$dir/cohort-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" cohorts cohorts
  log "$db: cohorts: logging in $COHORTS_LEADERS leaders, making $(((ROUNDS + 1) * COHORTS_PER_RUN)) cohorts"
  summary=$(python3 "$here/cohort_ids.py" "$base" "$lists" "$DEMO_PASSWORD" $((ROUNDS + 1)) \
    "$COHORTS_PER_RUN" "$COHORTS_LEADERS") || die "$db: could not prepare the cohorts part"
  log "$db: cohorts: $summary"
  token=$(access_token "$COHORTS_COORDINATOR")
  check_cohorts "$lists" "$token"

  local n_cohorts n_lines
  n_cohorts=$(grep -c . "$lists/cohort-ids.txt")
  n_lines=$(grep -c . "$lists/nominate-1.txt")
  local cohorts_names=("GET /api/v1/cohorts?limit=20"
    "GET /api/v1/cohorts/{id} (random of $n_cohorts cohorts)"
    "POST /api/v1/cohorts/{id}/nominations (each of $n_lines fresh pairs once)"
    "GET /api/v1/cohorts/{id}/selection (the large call)"
    "GET /api/v1/calendar-feeds/{token} (a lineage e-trainer's own feed, anonymous)"
    "GET /api/v1/sessions/{id}/attendance?limit=100 (the largest lineage training's first session)"
    "GET /api/v1/cohorts/{id}/reach (the scale lineage's root ToT)")

  warm_up "$db: cohorts" "${#cohorts_paths[@]}" run_cohorts "$lists" "$token" 0

  local runs="$dir/cohorts-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!cohorts_paths[@]}"; do
      token=$(access_token "$COHORTS_COORDINATOR")
      measure_pair "$db" "$runs" "$r" "$e" "${cohorts_names[$e]}" run_cohorts "$e" "$DURATION" "$lists" "$token" "$r"
    done
  done
  stop_server

  local table file="$here/results/cohorts-$db-$stamp.md"
  names=$(printf '%s\n' "${cohorts_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${cohorts_targets[@]}")" "$(printf '%s\n' "${cohorts_p99[@]}")")
  publish "$db" "$file" "cohorts, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; reads as $COHORTS_COORDINATOR (a fresh login before each pair), nominations as $COHORTS_LEADERS synthetic leaders" "$db_line" \
    "Prepared (bench/cohort_ids.py): $summary" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs. A nomination run that outlasts its fresh pairs shows the repeats as non-2xx (409 already_nominated)."
}

# run_library INDEX SECONDS LISTS_DIR: endpoint INDEX of the library part, anonymous.
run_library() {
  local e=$1 secs=$2 lists=$3 words=() path=${library_paths[$1]}
  read -r -a words <<<"${library_args[$e]}"
  words=("${words[@]/#FILE:/$lists/}")
  case $path in
    DOWNLOAD) path=$(head -n1 "$lists/download-path.txt") ;;
    RANGED) path=$(head -n1 "$lists/range-path.txt") ;;
  esac
  run_wrk "$secs" "$path" "${words[@]}"
}

# vm_kib PID FIELD: a field of /proc/PID/status (VmRSS, VmHWM) in KiB.
vm_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# upload_round LISTS_DIR TOKEN BYTES: every resource of upload-ids.txt gets a text file of
# BYTES bytes, all clients at once (curl); prints "ok seconds peak_kib" (ok: 201 answers).
# The server's peak RSS is reset first where the kernel allows it (clear_refs 5).
upload_round() {
  local lists=$1 token=$2 bytes=$3 file="$tmp/upload.txt" id i=0 t0 t1 ok pids=()
  python3 -c 'import sys
line = b"Bayanihan: the spirit of communal unity and cooperation.\n"
n = int(sys.argv[1]); sys.stdout.buffer.write((line * (n // len(line) + 1))[:n])' "$bytes" >"$file"
  echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || true
  t0=$(date +%s.%N)
  while read -r id; do
    [ -n "$id" ] || continue
    i=$((i + 1))
    curl -s -o "$tmp/upload-$i.json" -w '%{http_code}\n' -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
      "$base/api/v1/resources/$id/files?language=en&file_name=upload-$i.txt" >"$tmp/upload-$i.code" &
    pids+=($!)
  done <"$lists/upload-ids.txt"
  for id in "${pids[@]}"; do wait "$id" || true; done
  t1=$(date +%s.%N)
  ok=$(cat "$tmp"/upload-*.code | grep -c '^201$' || true)
  kill -0 "$server_pid" 2>/dev/null || die "the server died during the uploads"
  printf '%s %.1f %s\n' "$ok" "$(echo "$t1 - $t0" | bc -l)" "$(vm_kib "$server_pid" VmHWM)"
  rm -f "$file" "$tmp"/upload-*.code "$tmp"/upload-*.json
}

library_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names summary f token
  local lists="$dir/library-ids"
  mkdir -p "$lists"
  # Room for every upload of the part under the trainer's quota.
  BAYANIHAN_LIBRARY_QUOTA_BYTES=$((4 * LIBRARY_UPLOADS * LIBRARY_UPLOAD_MB * 1000 * 1000 + RANGE_FILE_BYTES * 2)) \
    serve_part "$db" "$dir" "$url" library library
  summary=$(python3 "$here/library_ids.py" "$base" "$lists" "$DEMO_PASSWORD" "$STATIC_PATH" \
    "$RANGE_FILE_BYTES" "$LIBRARY_UPLOADS") || die "$db: could not prepare the library part"
  log "$db: library: $summary"
  local n_resources n_words static_bytes
  n_resources=$(grep -c . "$lists/resource-ids.txt")
  n_words=$(grep -c . "$lists/search-words.txt")
  static_bytes=$(curl -s -o /dev/null -w '%{size_download}' "$base$STATIC_PATH")
  local library_names=("GET /api/v1/resources?q={word}&limit=20 (random of $n_words words)"
    "GET /api/v1/resources/{id} (random of $n_resources public resources)"
    "GET $STATIC_PATH (static, $static_bytes bytes)"
    "GET /api/v1/resources/{id}/files/{file_id}/content (a public file of $static_bytes bytes)"
    "GET (same, 64 MiB file) with Range: 1 MiB at a random offset")

  warm_up "$db: library" "${#library_paths[@]}" run_library "$lists"

  local runs="$dir/library-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!library_paths[@]}"; do
      measure_pair "$db" "$runs" "$r" "$e" "${library_names[$e]}" run_library "$e" "$DURATION" "$lists"
    done
  done

  # Uploads: the server's memory at rest, then at a tenth of the size, then at the size.
  local rest small big small_mb=$(((LIBRARY_UPLOAD_MB + 9) / 10))
  rest=$(vm_kib "$server_pid" VmRSS)
  token=$(access_token trainer@demo.bayanihan.org)
  log "$db: library: $LIBRARY_UPLOADS clients upload $small_mb MB each at once"
  small=$(upload_round "$lists" "$token" $((small_mb * 1000 * 1000)))
  log "$db: library: $LIBRARY_UPLOADS clients upload $LIBRARY_UPLOAD_MB MB each at once"
  big=$(upload_round "$lists" "$token" $((LIBRARY_UPLOAD_MB * 1000 * 1000)))
  stop_server

  local table file="$here/results/library-$db-$stamp.md"
  names=$(printf '%s\n' "${library_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${library_targets[@]}")" "$(printf '%s\n' "${library_p99[@]}")")
  local throughput
  throughput=$(awk -F'\t' -v names="$names" '
    BEGIN { n = split(names, name, "\n")
            print "| endpoint | MB/s (read by wrk, headers included) | ceiling runs paired with it, MB/s |"
            print "|---|---:|---:|" }
    { e = $2 + 1
      if ($3 == "ceiling") { cb[e] += $14; cs[e] += $15 } else { b[e] += $14; s[e] += $15 } }
    END { for (e = 1; e <= n; e++) if (s[e] > 0)
            printf "| `%s` | %.1f | %.1f |\n", name[e], b[e] / s[e] / 1e6, (cs[e] > 0 ? cb[e] / cs[e] / 1e6 : 0) }' "$runs")
  local uploads
  uploads=$(printf '%s\n%s\n' "$small_mb $small" "$LIBRARY_UPLOAD_MB $big" | awk -v n="$LIBRARY_UPLOADS" -v rest="$rest" '
    BEGIN { print "| uploads at once | file size | 201 answers | seconds (all) | MB/s (all) | server peak RSS (VmHWM) | server RSS at rest before |"
            print "|---:|---:|---:|---:|---:|---:|---:|" }
    { printf "| %d | %d MB | %d | %.1f | %.0f | %.0f MiB | %.0f MiB |\n", n, $1, $2, $3, ($3 > 0 ? n * $1 / $3 : 0), $4 / 1024, rest / 1024 }')
  publish "$db" "$file" "library, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; every read anonymous; uploads as trainer@demo.bayanihan.org with curl, $LIBRARY_UPLOADS at once" "$db_line" \
    "Prepared (bench/library_ids.py): $summary" "$table"$'\n\n'"$throughput"$'\n\n'"$uploads" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs. Peak RSS is reset (clear_refs) before each upload round where the kernel allows it; otherwise it is the peak since the server started."
}

# run_assessment INDEX SECONDS LISTS_DIR TOKEN RUN: endpoint INDEX of the assessment part;
# RUN picks the request lines (0 for the warm-up, then the round).
run_assessment() {
  local e=$1 secs=$2 lists=$3 token=$4 run=$5 words=()
  read -r -a words <<<"${assessment_args[$e]}"
  words=("${words[@]/#FILE:/$lists/}")
  words=("${words[@]/RUN/$run}")
  # The request lines carry each learner's own token; the results go with the admin's.
  if ((e == 3)); then wrk_opts=(-H "Authorization: Bearer $token"); fi
  run_wrk "$secs" "${assessment_paths[$e]}" "${words[@]}"
  wrk_opts=()
}

# prepare_assessment LISTS_DIR RUN: bench/assessment_ids.py for that run; prints its summary.
prepare_assessment() {
  python3 "$here/assessment_ids.py" "$base" "$1" "$DEMO_PASSWORD" "$ASSESSMENT_LEARNERS" "$2" ||
    die "could not prepare the assessment part (run $2)"
}

assessment_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token="" summary f
  local lists="$dir/assessment-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" assessment assessment
  summary=$(prepare_assessment "$lists" 0)
  log "$db: assessment: $summary"
  token=$(access_token "$ASSESSMENT_ADMIN")
  local survey code
  survey=$(head -n1 "$lists/survey-ids.txt")
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/surveys/$survey/results" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET /api/v1/surveys/$survey/results answered $code, not 200"; }

  local assessment_names=("PUT /api/v1/attempts/{id}/answers/{question_id} ($ASSESSMENT_LEARNERS open attempts x 20 questions)"
    "POST /api/v1/attempts/{id}/submit (20 answers; each of $ASSESSMENT_LEARNERS once, then repeats)"
    "POST /api/v1/lessons/{id}/quiz/attempts (each of $ASSESSMENT_LEARNERS learners starts, then resumes)"
    "GET /api/v1/surveys/{id}/results (the scale survey, $SCALE responses)")

  warm_up "$db: assessment" "${#assessment_paths[@]}" run_assessment "$lists" "$token" 0

  local runs="$dir/assessment-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    summary=$(prepare_assessment "$lists" "$r")
    log "$db: assessment: $summary"
    for e in "${!assessment_paths[@]}"; do
      token=$(access_token "$ASSESSMENT_ADMIN")
      measure_pair "$db" "$runs" "$r" "$e" "${assessment_names[$e]}" run_assessment "$e" "$DURATION" "$lists" "$token" "$r"
    done
  done
  stop_server

  local table file="$here/results/assessment-$db-$stamp.md"
  names=$(printf '%s\n' "${assessment_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${assessment_targets[@]}")" "$(printf '%s\n' "${assessment_p99[@]}")")
  publish "$db" "$file" "assessment, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; attempts as $ASSESSMENT_LEARNERS synthetic learners (prepared before each round by bench/assessment_ids.py), results as $ASSESSMENT_ADMIN" "$db_line" \
    "" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs. Submit and start have $ASSESSMENT_LEARNERS fresh requests a round: a run that outlasts them repeats them (a repeat submit changes nothing; a repeat start resumes the open attempt, 200)."
}

# needs_part DB DIR URL DB_LINE: the needs totals of the scale round (issue 15, item 7).
needs_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token f round code
  local lists="$dir/needs-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" needs needs
  token=$(access_token "$NEEDS_COORDINATOR")
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/needs-rounds?limit=100" || true)
  [ "$code" = 200 ] || die "GET /api/v1/needs-rounds answered $code, not 200"
  round=$(python3 -c 'import json,sys; print(next(r["id"] for r in json.load(open(sys.argv[1]))["items"] if r["title"] == "Synthetic needs round"))' "$tmp/body") ||
    die "no synthetic needs round: was the database seeded with --scale?"
  printf '%s\n' "$round" >"$lists/round-ids.txt"
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/needs-rounds/$round/totals" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "GET /api/v1/needs-rounds/$round/totals answered $code, not 200"; }
  local needs_names=("GET /api/v1/needs-rounds/{id}/totals (the scale round, $SCALE needs)")
  wrk_opts=(-H "Authorization: Bearer $token")
  warm_up "$db: needs" "${#needs_paths[@]}" run_listed needs "$lists"
  local runs="$dir/needs-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!needs_paths[@]}"; do
      measure_pair "$db" "$runs" "$r" "$e" "${needs_names[$e]}" run_listed "$e" "$DURATION" needs "$lists"
    done
  done
  wrk_opts=()
  stop_server

  local table file="$here/results/needs-$db-$stamp.md"
  names=$(printf '%s\n' "${needs_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${needs_targets[@]}")" "$(printf '%s\n' "${needs_p99[@]}")")
  publish "$db" "$file" "needs, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; as $NEEDS_COORDINATOR" "$db_line" \
    "" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs (sent with the same bearer token)."
}

# run_followup INDEX SECONDS LISTS_DIR RUN: endpoint INDEX of the follow-up part; RUN picks
# the request lines (0 for the warm-up, then the round).
run_followup() {
  local e=$1 secs=$2 lists=$3 run=$4 words=() path
  path=${followup_paths[$e]}
  if ((e == 2)); then
    # The union list, as its leader.
    path=$(sed -n 1p "$lists/union.txt")
    wrk_opts=(-H "Authorization: Bearer $(sed -n 2p "$lists/union.txt")")
  else
    read -r -a words <<<"${followup_args[$e]}"
    words=("${words[@]/#FILE:/$lists/}")
    words=("${words[@]/RUN/$run}")
  fi
  run_wrk "$secs" "$path" "${words[@]}"
  wrk_opts=()
}

followup_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names summary f secs
  local lists="$dir/followup-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" followup follow-up
  summary=$(python3 "$here/followup_ids.py" "$base" "$lists" "$DEMO_PASSWORD" "$FOLLOWUP_PARTICIPANTS" "$ROUNDS") ||
    die "could not prepare the follow-up part"
  log "$db: follow-up: $summary"

  local followup_names=("POST /api/v1/action-plans/{id}/check-ins (two step reports; a fresh plan and round each, ${FOLLOWUP_POST_SECONDS}s runs)"
    "PATCH /api/v1/check-ins/{id} (two step reports, one changed each time)"
    "GET /api/v1/organisations/{id}/action-plans (as the union's leader)")

  warm_up "$db: follow-up" "${#followup_paths[@]}" run_followup "$lists" 0

  local runs="$dir/followup-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!followup_paths[@]}"; do
      secs=$DURATION
      ((e == 0)) && secs=$FOLLOWUP_POST_SECONDS
      measure_pair "$db" "$runs" "$r" "$e" "${followup_names[$e]}" run_followup "$e" "$secs" "$lists" "$r"
    done
  done
  stop_server

  local table file="$here/results/followup-$db-$stamp.md"
  names=$(printf '%s\n' "${followup_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${followup_targets[@]}")" "$(printf '%s\n' "${followup_p99[@]}")")
  publish "$db" "$file" "follow-up, $db" "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; check-ins as $FOLLOWUP_PARTICIPANTS synthetic participants (request lines by bench/followup_ids.py), the union list as leader000001" "$db_line" \
    "" "$table" "$runs" "$names" \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs (sent with the same bearer token)." \
    "req/s and p50 are means over the rounds, p99 the worst round; ratio = mean req/s / mean req/s of the paired /health/live runs. Each run has its own slice of plans without a round-1 check-in: a run that outlasts it repeats them, and the repeats answer 409 \`check_in_exists\` (counted as non-2xx)."
}

# dashboards_part DB DIR URL DB_LINE: the four dashboards at scale and the participant
# export of the scale programme (issue 16, item 6).
dashboards_part() {
  local db=$1 dir=$2 url=$3 db_line=$4 r e res c_res ceil_rps names token f code programme
  local lists="$dir/dashboards-ids"
  mkdir -p "$lists"
  serve_part "$db" "$dir" "$url" dashboards dashboards
  token=$(access_token "$NEEDS_COORDINATOR")
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/programmes?limit=100" || true)
  [ "$code" = 200 ] || die "GET /api/v1/programmes answered $code, not 200"
  python3 - "$tmp/body" "$lists" <<'PY' || die "no scale programme: was the database seeded with --scale?"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
scale = next(p for p in items if p["name"] == "Scale programme")
demo = next(p for p in items if p["name"] != "Scale programme")
out = sys.argv[2]
open(out + "/programme-ids.txt", "w").write("%d\n" % scale["id"])
open(out + "/cohort-ids.txt", "w").write("%d\n" % scale["cohort_ids"][-1])
open(out + "/course-ids.txt", "w").write("%d\n" % demo["course_ids"][0])
PY
  # The largest cohort of the programme, and a union with participants: from the dashboard.
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/programmes/$(cat "$lists/programme-ids.txt")/dashboard" || true)
  [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "the programme dashboard answered $code, not 200"; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); u=[c["organisation_id"] for c in d["reach"]["union"] if c["organisation_id"]]; print(u[0] if u else 1)' "$tmp/body" >"$lists/organisation-ids.txt"
  programme=$(cat "$lists/programme-ids.txt")
  for e in "${!dashboards_paths[@]}"; do
    read -r -a f <<<"${dashboards_args[$e]}"
    local id_file=${f[1]#FILE:}
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base${dashboards_paths[$e]}/$(head -n1 "$lists/$id_file")/dashboard" || true)
    [ "$code" = 200 ] || { head -c 2000 "$tmp/body" >&2 || true; echo >&2; die "${dashboards_paths[$e]}/{id}/dashboard answered $code, not 200"; }
  done
  local dashboards_names=("GET /api/v1/programmes/{id}/dashboard (the scale programme)"
    "GET /api/v1/cohorts/{id}/dashboard (a scale cohort)"
    "GET /api/v1/courses/{id}/dashboard (a demo course)"
    "GET /api/v1/organisations/{id}/dashboard (the programme's largest union)")
  wrk_opts=(-H "Authorization: Bearer $token")
  warm_up "$db: dashboards" "${#dashboards_paths[@]}" run_listed dashboards "$lists"
  local runs="$dir/dashboards-runs.tsv"
  : >"$runs"
  for ((r = 1; r <= ROUNDS; r++)); do
    for e in "${!dashboards_paths[@]}"; do
      measure_pair "$db" "$runs" "$r" "$e" "${dashboards_names[$e]}" run_listed "$e" "$DURATION" dashboards "$lists"
    done
  done
  wrk_opts=()

  # The export: one download, timed, with the server's resident memory before and after
  # (flat memory: the peak must not grow with the rows).
  local rss_before rss_after hwm t0 t1 rows
  rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
  t0=$(date +%s.%N)
  code=$(curl -s -o "$tmp/export.csv" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/programmes/$programme/participants.csv" || true)
  t1=$(date +%s.%N)
  [ "$code" = 200 ] || die "the participant export answered $code, not 200"
  rss_after=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
  rows=$(($(wc -l <"$tmp/export.csv") - 1))
  local export_line
  export_line=$(printf 'Participant export of the scale programme: %d rows, %s bytes in %.2f s; server RSS %d KiB before, %d KiB after, peak %d KiB.' \
    "$rows" "$(wc -c <"$tmp/export.csv")" "$(echo "$t1 - $t0" | bc)" "$rss_before" "$rss_after" "$hwm")
  log "$db: $export_line"
  stop_server

  local table file="$here/results/dashboards-$db-$stamp.md"
  names=$(printf '%s\n' "${dashboards_names[@]}")
  table=$(report "$db" "$runs" "$names" "$(printf '%s\n' "${dashboards_targets[@]}")" "$(printf '%s\n' "${dashboards_p99[@]}")")
  {
    echo "## bayanihan benchmark: dashboards, $db"
    echo
    echo "$machine_line"
    echo
    echo "Run: ${DURATION}s x $ROUNDS rounds per endpoint (+ ${WARMUP}s warm-up), wrk -t$WRK_THREADS -c$CONNECTIONS on CPU $CLIENT_CPU; server BAYANIHAN_WORKERS=1 on CPU $SERVER_CPU; seed --scale $SCALE; as $NEEDS_COORDINATOR"
    echo
    echo "$db_line"
    echo
    echo "$table"
    echo
    echo "$export_line"
  } >>"$file"
  echo
  log "$db: written to ${file#"$root"/}"
}

# --- one database -----------------------------------------------------------------------

bench_db() {
  local db=$1 dir="$tmp/$1" url
  mkdir -p "$dir/data"
  local db_line="Database: $db"
  case $db in
    sqlite)
      url="sqlite://$dir/data/bayanihan.db"
      ;;
    postgres)
      pg_dir="$dir/pg"
      if [[ -n ${BENCH_POSTGRES_FROM:-} ]]; then
        [[ -f $BENCH_POSTGRES_FROM/pg/data/PG_VERSION ]] ||
          die "BENCH_POSTGRES_FROM=$BENCH_POSTGRES_FROM holds no stopped cluster in pg/data"
        log "postgres: copying the seeded cluster $BENCH_POSTGRES_FROM (seeded at scale $SCALE, as BENCH_SCALE says)"
        cp -a "$BENCH_POSTGRES_FROM/pg" "$pg_dir"
        if [[ -d $BENCH_POSTGRES_FROM/data ]]; then cp -a "$BENCH_POSTGRES_FROM/data/." "$dir/data/"; fi
        url=$("$root/.ci/pg" resume "$pg_dir" | tail -n1)
      else
        log "postgres: starting a throw-away cluster"
        url=$("$root/.ci/pg" start "$pg_dir" | tail -n1)
      fi
      [[ $url == postgres://* ]] || die "unexpected output from .ci/pg start: $url"
      local pg_bin
      pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
      db_line="Database: postgres ($("$pg_bin/postgres" --version 2>/dev/null | head -n1), fsync=off, on the server's CPUs)"
      ;;
  esac

  if [[ $db == sqlite && -n ${BENCH_SQLITE_FROM:-} ]]; then
    [[ -f $BENCH_SQLITE_FROM/bayanihan.db ]] || die "BENCH_SQLITE_FROM=$BENCH_SQLITE_FROM holds no bayanihan.db"
    log "$db: copying the seeded data folder $BENCH_SQLITE_FROM (seeded at scale $SCALE, as BENCH_SCALE says)"
    cp -a "$BENCH_SQLITE_FROM/." "$dir/data/"
    db_line="$db_line (copied from a database seeded with seed --scale $SCALE)"
  elif [[ $db == postgres && -n ${BENCH_POSTGRES_FROM:-} ]]; then
    db_line="$db_line (copied from a cluster seeded with seed --scale $SCALE)"
  else
    log "$db: seeding $SCALE organisations and members, $((SCALE / 10 > 0 ? SCALE / 10 : 1)) synthetic courses"
    local t0=$SECONDS
    BAYANIHAN_DATA_DIR="$dir/data" DATABASE_URL="$url" RUST_LOG=warn \
      "$bin" seed --scale "$SCALE" >"$dir/seed.log" 2>&1 || { cat "$dir/seed.log" >&2; die "$db: seeding failed"; }
    log "$db: seeded in $((SECONDS - t0)) s ($(tail -n1 "$dir/seed.log"))"
  fi

  if ((do_directory)); then directory_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_auth)); then auth_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_courses)); then courses_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_community)); then community_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_cohorts)); then cohorts_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_library)); then library_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_assessment)); then assessment_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_needs)); then needs_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_followup)); then followup_part "$db" "$dir" "$url" "$db_line"; fi
  if ((do_dashboards)); then dashboards_part "$db" "$dir" "$url" "$db_line"; fi

  stop_pg
}

for db in "${dbs[@]}"; do
  bench_db "$db"
done
