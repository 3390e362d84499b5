#!/usr/bin/env bash
# Measures what two hostile-client patterns cost a node: one SubmitStream of 4 MiB messages (memory) and a flood of
# one bad-signature envelope (CPU). Starts a 1-validator devnet in a temporary folder, runs scripts/attack/attack.cs
# against it, prints the node's CPU seconds and resident memory (from /proc), and stops the devnet.
# Environment: EXE (votechain executable, default: this checkout's Release build), PORT (default 7800),
# STREAM_MESSAGES (default 250), FLOOD_REQUESTS (default 10). Node settings can be changed with VOTECHAIN_ variables,
# e.g. VOTECHAIN_limits__submit_rate_per_second=1000000 to see the flood's cost without the rate limit.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-7800}"
work="$(mktemp -d "${TMPDIR:-/tmp}/votechain-attack.XXXXXX")"
if [[ -z "${EXE:-}" ]]; then
  dotnet build Node -c Release --nologo -v quiet
  EXE=Node/bin/Release/net10.0/votechain
fi

source scripts/lib/devnet.sh
start_devnet "$EXE" "$work" --validators 1 --observers 0 --base-port "$port"
pid="$(pgrep -f -- "start --home $work/devnet/validator0" | head -1)"
url="http://127.0.0.1:$port"
dotnet run scripts/attack/attack.cs -- "$url" "$pid" big-stream "${STREAM_MESSAGES:-250}"
# The largest envelope a node takes (mempool.max_tx_bytes is 256 KiB by default), many of them on one stream.
dotnet run scripts/attack/attack.cs -- "$url" "$pid" big-stream 2000 $((256 * 1024 - 64))
dotnet run scripts/attack/attack.cs -- "$url" "$pid" bad-flood "${FLOOD_REQUESTS:-10}"
