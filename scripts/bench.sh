#!/usr/bin/env bash
# Starts a 4-validator devnet in a temporary folder, runs `votechain bench` against all four validators,
# prints the figures, audits the resulting chain (timed), and stops the devnet (also on Ctrl-C or error).
# Finally it times a fresh observer syncing the whole chain from the validators (the devnet's observer is stopped
# before the load and its data removed after it). Environment: VOTES (default 100000), PORT (first validator's port,
# default 7600), TLS=1 for a TLS devnet (bench and audit then trust the devnet CA it prints), SYNC=0 to skip the
# observer sync. Extra arguments go to bench.
set -euo pipefail
cd "$(dirname "$0")/.."
votes="${VOTES:-100000}"
port="${PORT:-7600}"
tls=()
scheme=http
if [ "${TLS:-0}" = 1 ]; then tls=(--tls); scheme=https; fi
work="$(mktemp -d "${TMPDIR:-/tmp}/votechain-bench.XXXXXX")"

dotnet build Node -c Release --nologo -v quiet
exe=Node/bin/Release/net10.0/votechain

source scripts/lib/devnet.sh
start_devnet "$exe" "$work" --validators 4 --observers 1 --base-port "$port" "${tls[@]}"
"$exe" devnet stop-node observer0 --dir "$work/devnet" > /dev/null

if [ "$scheme" = https ]; then
  export VOTECHAIN_TLS_CA="$(sed -n 's/^tls ca: //p' "$work/devnet.out")"
fi
nodes="$scheme://127.0.0.1:$port,$scheme://127.0.0.1:$((port + 1)),$scheme://127.0.0.1:$((port + 2)),$scheme://127.0.0.1:$((port + 3))"
"$exe" bench --node "$nodes" --key "$work/devnet/authority.json" --voters "$votes" "$@"
echo "auditing the chain the benchmark made:"
start=$(date +%s%N)
"$exe" audit --node "$scheme://127.0.0.1:$port" --genesis "$work/devnet/genesis.json" | grep -v '^audited ' | tee "$work/audit.out"
echo "audit took $(( ($(date +%s%N) - start) / 1000000 )) ms (wall clock, including the download)"
# Footprint (issue 14): each validator's resident memory now, and its data folder on disk per committed transaction.
echo "footprint after the run:"
for home in "$work"/devnet/validator*; do
  pid="$(pgrep -f -- "start --home $home\$" | head -1 || true)"
  rss_kb="$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
  bytes="$(du -sb "$home/data" | cut -f1)"
  echo "  $(basename "$home"): rss $((rss_kb / 1024)) MB, data $((bytes / 1024 / 1024)) MB"
done


# Observer sync (issue 14): a fresh observer, empty data folder, catches up to the validators' height of now.
if [ "${SYNC:-1}" = 1 ]; then
  observer="$scheme://127.0.0.1:$((port + 4))"
  transactions="$(awk '$1 == "transactions" {print $2}' "$work/audit.out")"
  target="$("$exe" status --node "$scheme://127.0.0.1:$port" --json | sed -n 's/^  "height": \([0-9]*\),$/\1/p')"
  rm -rf "$work/devnet/observer0/data"
  start=$(date +%s%N)
  "$exe" devnet restart observer0 --dir "$work/devnet" > /dev/null
  height=0
  for _ in $(seq 1 7200); do
    height="$("$exe" status --node "$observer" --json 2>/dev/null | sed -n 's/^  "height": \([0-9]*\),$/\1/p')"
    [ "${height:-0}" -ge "$target" ] && break
    sleep 0.25
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "${height:-0}" -ge "$target" ]; then
    echo "observer sync: $transactions transactions ($target blocks) in $ms ms = $(( transactions * 1000 / (ms > 0 ? ms : 1) )) transactions/s (from an empty data folder, process start included)"
  else
    echo "observer sync: reached height ${height:-0} of $target in $ms ms; gave up" >&2
    exit 1
  fi
fi
