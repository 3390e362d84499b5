#!/usr/bin/env bash
# Soak (issue 15, docs/FAULTS.md): a 4-validator + 1-observer devnet of real processes under a steady open-loop vote
# load with no faults, every node's memory, handles, threads and data folder sampled as it goes. The load revotes for
# a fixed set of voters, so the state stays the same size: memory and handles must level off once the nodes are warm,
# and the data folders grow only with the chain. Writes soak.csv, soak.svg and soak.png to OUT; the last line is
#   soak: minutes=N acked=N lost=N forks=N double_signs=N rss_mb_start=N rss_mb_end=N rss_mb_peak=N ... audit=ok|failed
# and the exit status is non-zero on any loss, fork, double sign, failed audit, a node not running at a sample, or (in
# runs of 10 minutes or more) memory, handle or thread growth after warm-up, or disk growth far beyond the chain's.
# Environment: DURATION (seconds, default 3600), RATE (votes/s, default 800: half the sustainable rate measured in
# docs/PERFORMANCE.md), VOTERS (default 20000: each revotes every VOTERS/RATE seconds), SAMPLE (seconds between samples,
# default 60), OUT (default ./soak-results), PORT (default 7950),
# VOTECHAIN (a built votechain executable; default: build Node here).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-3600}"
rate="${RATE:-800}"
sample="${SAMPLE:-60}"
voters="${VOTERS:-20000}"
out="${OUT:-$PWD/soak-results}"
port="${PORT:-7950}"

source scripts/lib/devnet.sh
exe="$(votechain_exe)"

work="$(mktemp -d "${TMPDIR:-/tmp}/votechain-soak.XXXXXX")"
start_devnet "$exe" "$work" --validators 4 --observers 1 --base-port "$port"
if ! "$exe" devnet soak --dir "$work/devnet" --rate "$rate" --duration "$duration" --sample-seconds "$sample" --voters "$voters" --out "$out"; then
  devnet_keep=1
  echo "soak failed; the devnet's folder and logs are kept in $work" >&2
  exit 1
fi
