#!/usr/bin/env bash
# Runs the whole test suite and prints, as its last line, "N passed, N failed[, N skipped]" counted from the
# real results (the TRX files the test run writes). Exits non-zero on any failure or if nothing could run.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Storage").
set -uo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d "${TMPDIR:-/tmp}/votechain-tests.XXXXXX")"
trap 'rm -rf "$results"' EXIT

# The metrics test checks /metrics with Prometheus's own checker, promtool, from Debian's prometheus package. Where it
# is missing, only promtool is taken from that package (apt-get download, unpacked into a cache folder and put on PATH):
# installing the package would also install a Prometheus server, which a systemd machine would start. If it cannot be
# had, that test is reported as skipped.
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  local tools="${XDG_CACHE_HOME:-$HOME/.cache}/votechain/promtool"
  if [ ! -x "$tools/promtool" ]; then
    echo "promtool is missing: fetching it from Debian's prometheus package with apt-get for the metrics test"
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/votechain-promtool.XXXXXX")"
    if ! (cd "$work" \
        && { apt-get download prometheus || { apt-get update -qq && apt-get download prometheus; }; } \
        && dpkg-deb -x prometheus_*.deb unpacked \
        && install -D -m 0755 unpacked/usr/bin/promtool "$tools/promtool") >/dev/null 2>&1; then
      echo "promtool could not be fetched; the metrics format test will be reported as skipped"
    fi
    rm -rf "$work"
  fi
  if [ -x "$tools/promtool" ]; then
    export PATH="$tools:$PATH"
  fi
}
ensure_promtool

# The pages' tests drive Debian's Chromium through Playwright (never a browser Playwright would download). Where it is
# missing it is installed with apt-get (root needed); if that fails, those tests are reported as skipped.
ensure_chromium() {
  [ -n "${VOTECHAIN_CHROMIUM:-}" ] && return 0
  command -v chromium >/dev/null 2>&1 && return 0
  echo "chromium is missing: installing Debian's chromium package with apt-get for the browser tests"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }; }; then
    echo "chromium could not be installed; the browser tests will be reported as skipped"
  fi
}
ensure_chromium

# Paper ballots: the printer draws with the DejaVu fonts through SkiaSharp (which needs libfontconfig1), and the print ->
# scan walk rasterizes the real PDF with pdftoppm (poppler-utils). Missing ones are installed with apt-get (root
# needed); without pdftoppm that walk is reported as skipped, without the fonts printing fails with its own message.
ensure_paper_ballot_tools() {
  command -v pdftoppm >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
    && ldconfig -p 2>/dev/null | grep -q libfontconfig.so.1 && return 0
  echo "poppler-utils, fonts-dejavu-core or libfontconfig1 is missing: installing them with apt-get for the paper ballot tests"
  local packages="poppler-utils fonts-dejavu-core libfontconfig1"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null 2>&1; }; }; then
    echo "they could not be installed; the print -> scan walk will be reported as skipped"
  fi
}
ensure_paper_ballot_tools

# The build bundles the pages with npm (Node/Web/ui); without it the node builds without pages and their tests fail.
ensure_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  echo "npm is missing: installing Debian's nodejs and npm packages with apt-get to build the web pages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1; } \
    || echo "nodejs and npm could not be installed; the node builds without its pages and their tests will fail"
}
ensure_npm

# Partition tests: nodes in network namespaces of their own (ip netns, iproute2), cut apart with nftables rules. nft is
# installed with apt-get where missing (root needed); without it, or without the right to create namespaces, those
# tests are reported as skipped with the reason.
ensure_partition_tools() {
  command -v nft >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 && return 0
  echo "nft or ip is missing: installing Debian's nftables and iproute2 packages with apt-get for the partition tests"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables iproute2 >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables iproute2 >/dev/null 2>&1; } \
    || echo "nftables could not be installed; the partition tests will be skipped"
}
ensure_partition_tools

# One results folder per test project, so that no two TRX files can collide; a failed project leaves a marker beside them.
run_tests() {
  local project="$1" name
  shift
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build --logger trx --results-directory "$results/$name" "$@" || touch "$results/$name.failed"
}

status=0
# Runs a project with its console output kept aside and printed once it is done, so that two projects running at once
# do not interleave their lines.
run_tests_aside() {
  local project="$1" log
  shift
  log="$results/$(basename "$project" .csproj).log"
  run_tests "$project" "$@" > "$log" 2>&1
  cat "$log"
}

if dotnet build VoteChain.sln -c Release; then
  # The integration tests run first and alone: their real processes are timing-sensitive. The other projects are pure
  # computation and in-process nodes, each about one core's work: they follow two at a time on this 2-core machine
  # (five at once took longer than two lanes), the longest first so that the lanes end together (the simulator's
  # seeds about 90 s, Node 70, Consensus 55, the rest half a minute together).
  integration="$(find Tests -name 'VoteChain.Integration.Tests.csproj')"
  if [ -n "$integration" ]; then
    run_tests "$integration" "$@"
  fi
  others=()
  for name in Simulation Node Consensus; do
    others+=($(find Tests -name "VoteChain.$name.Tests.csproj"))
  done
  for project in $(find Tests -name '*.Tests.csproj' | sort); do
    [[ " ${others[*]} " == *" $project "* || "$project" == "$integration" ]] || others+=("$project")
  done
  lanes=2
  for project in "${others[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$lanes" ]; do
      wait -n
    done
    run_tests_aside "$project" "$@" &
  done
  wait
  if compgen -G "$results/*.failed" >/dev/null; then
    status=1
  fi
else
  status=1
fi

passed=0
failed=0
skipped=0
count() { grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*" || echo 0; }
shopt -s nullglob
trx_files=("$results"/*/*.trx)
for trx in "${trx_files[@]}"; do
  passed=$((passed + $(count "$trx" passed)))
  failed=$((failed + $(count "$trx" failed) + $(count "$trx" error) + $(count "$trx" timeout) + $(count "$trx" aborted)))
  # A test that did not run (ignored, or inconclusive through Assume) may be missing from notExecuted but never
  # from total - executed: count whichever is larger, so that no skip goes unreported.
  not_run=$(( $(count "$trx" total) - $(count "$trx" executed) ))
  not_executed=$(count "$trx" notExecuted)
  skipped=$((skipped + (not_run > not_executed ? not_run : not_executed)))
done

if [ "${#trx_files[@]}" -eq 0 ]; then
  echo "no test results were written (did the build fail?)" >&2
  [ "$status" -eq 0 ] && status=1
fi
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
