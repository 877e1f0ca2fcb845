# Sourced by bench/run.sh: CPU profiles of the server under the benchmark's load.
#
# With BENCH_PROFILE=DIR, the measured run of each endpoint in the first round (not /health/live, not
# the warm-up) is sampled with `perf record` (cpu-clock, 199 Hz, DWARF call stacks) on the
# server process only, and DIR/<db>-<part>-e<index>-<path>.svg is its flame graph (inferno: `cargo install
# inferno`), with the .folded stacks beside it (one line per stack, for reading with
# grep). perf and inferno are needed only then. The sampling costs the server a few per cent
# of its core: figures of a profiled run are not the benchmark's.

# profile_slug PATH: a file name for an endpoint's path.
profile_slug() {
  local s=${1%%\?*}
  s=${s#/}
  s=${s//\//-}
  s=${s//[^A-Za-z0-9_-]/}
  printf '%s' "${s:-root}"
}

# profile_start SECONDS PATH: starts sampling the server for SECONDS when this endpoint has
# no profile yet; sets profile_pid and profile_out (empty when not sampling).
profile_start() {
  profile_pid="" profile_out=""
  [ -n "${BENCH_PROFILE:-}" ] || return 0
  [ "$2" != "$CEILING_PATH" ] && [ "$1" = "$DURATION" ] && [ "${r:-1}" = 1 ] || return 0
  command -v perf >/dev/null && command -v inferno-flamegraph >/dev/null ||
    die "BENCH_PROFILE needs perf and inferno (cargo install inferno)"
  mkdir -p "$BENCH_PROFILE"
  # `db`, `r` (round), `e` (endpoint index) and `runs` (the part's runs file) are
  # measure_pair's locals.
  local part=${runs:-}
  part=${part##*/}
  part=${part%-runs.tsv}
  profile_out="$BENCH_PROFILE/${db:-server}-${part:+$part-}e${e:-0}-$(profile_slug "$2")"
  if [ -e "$profile_out.svg" ]; then
    profile_out=""
    return 0
  fi
  perf record -q -e cpu-clock -F 199 --call-graph dwarf,8192 -p "$server_pid" \
    -o "$profile_out.data" -- sleep "$1" >/dev/null 2>&1 &
  profile_pid=$!
}

# profile_finish TITLE: waits for the sampling and writes the flame graph.
profile_finish() {
  [ -n "$profile_pid" ] || return 0
  wait "$profile_pid" || true
  # Generic arguments are cut from the frames (they make most of a Rust frame's name), so
  # the same function is one frame and the picture stays small enough to keep.
  perf script -i "$profile_out.data" 2>/dev/null | inferno-collapse-perf |
    python3 "$here/profile_fold.py" >"$profile_out.folded" || true
  inferno-flamegraph --title "$1 ($db)" --width 1400 --minwidth 1 \
    <"$profile_out.folded" >"$profile_out.svg" 2>/dev/null ||
    log "profile of $1: no flame graph (see $profile_out.folded)"
  rm -f "$profile_out.data"
  profile_pid="" profile_out=""
}
