# Sourced by the scripts that need a throwaway devnet or the votechain executable (votechain_exe, at the end).
# start_devnet EXE WORK ARGS... starts `EXE devnet --dir WORK/devnet ARGS...` in the background (output in
# WORK/devnet.out), stops it and removes WORK on exit (also on Ctrl-C or error), and returns once the devnet says its
# nodes serve (bounded wait).
start_devnet() {
  local exe="$1" work="$2"
  shift 2
  "$exe" devnet --dir "$work/devnet" "$@" > "$work/devnet.out" 2>&1 &
  devnet_pid=$!
  devnet_work="$work"
  trap stop_devnet EXIT
  for _ in $(seq 1 240); do
    grep -q "^running" "$work/devnet.out" && return 0
    kill -0 "$devnet_pid" 2>/dev/null || { cat "$work/devnet.out"; exit 1; }
    sleep 0.5
  done
  echo "the devnet did not start" >&2
  cat "$work/devnet.out"
  exit 1
}

# Set devnet_keep=1 to keep WORK (the nodes' logs) after a failure.
stop_devnet() {
  kill -TERM "$devnet_pid" 2>/dev/null || true
  wait "$devnet_pid" 2>/dev/null || true
  if [ "${devnet_keep:-0}" != 1 ]; then rm -rf "$devnet_work"; fi
}

# Prints the votechain executable to run: $VOTECHAIN when set, else this checkout's Node built (Release) first. Run
# from the repository's root.
votechain_exe() {
  if [ -n "${VOTECHAIN:-}" ]; then echo "$VOTECHAIN"; return; fi
  dotnet build Node -c Release --nologo -v quiet > /dev/null || return 1
  echo Node/bin/Release/net10.0/votechain
}
