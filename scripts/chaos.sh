#!/usr/bin/env bash
# Chaos run (issue 15, docs/FAULTS.md): a 4-validator + 1-observer devnet of real processes under a steady open-loop
# vote load; each cycle kills (SIGKILL) or freezes (SIGSTOP/SIGCONT) up to f validators or the observer, some kills
# just as a block commits, and restarts them. At the end every acknowledged vote's receipt is verified, all nodes must
# hold the same blocks, no validator may have signed twice, and the chain is audited. The last line is
#   cycles=N acked=N lost=N forks=N double_signs=N recoveries_p99_ms=N audit=ok|failed
# and the exit status is non-zero on any loss, fork, double sign, failed audit or unrecovered cycle.
# Environment: CYCLES (default 10; 200 for the long run), RATE (votes/s, default 100), SEED (the fault schedule),
# PORT (first validator's port, default 7900), VOTECHAIN (a built votechain executable; default: build Node here).
# On failure the devnet folder (every node's node.log) is kept and its path printed.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${CYCLES:-10}"
rate="${RATE:-100}"
port="${PORT:-7900}"
work="$(mktemp -d "${TMPDIR:-/tmp}/votechain-chaos.XXXXXX")"

source scripts/lib/devnet.sh
exe="$(votechain_exe)"

start_devnet "$exe" "$work" --validators 4 --observers 1 --base-port "$port"
seed=()
if [ -n "${SEED:-}" ]; then seed=(--seed "$SEED"); fi
if ! "$exe" devnet chaos --dir "$work/devnet" --cycles "$cycles" --rate "$rate" "${seed[@]}"; then
  devnet_keep=1
  echo "chaos run failed; the devnet's folder and logs are kept in $work" >&2
  exit 1
fi
