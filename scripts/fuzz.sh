#!/usr/bin/env bash
# Fuzzes VoteChain's untrusted-input entry points with afl-fuzz over SharpFuzz-instrumented assemblies
# (docs/FAULTS.md; the targets are in Tests/Fuzzing).
#
#   bash scripts/fuzz.sh                         # every target, 1,000,000 executions each (the long run)
#   TARGETS="tx block" EXECS=20000 bash scripts/fuzz.sh
#
# TARGETS     targets to fuzz (default: all; `votechain-fuzz list` names them)
# EXECS       executions per target (default 1000000); afl-fuzz stops at about that many
# SEEDS_ONLY  1: start from the seeds alone, not the whole corpus (the test suite's short run: calibrating the whole
#             corpus would take most of a few thousand executions)
# OUT         where afl-fuzz keeps its findings (default: a temporary folder, removed unless something was found)
# SAVE=1      adds the new inputs afl-fuzz found interesting (minimized with afl-cmin) to Tests/Fuzzing/corpus
#
# Prints one line per target, `target=T execs=N crashes=N hangs=N corpus=N`, and last
# `fuzz: targets=N execs=N crashes=N hangs=N`; exits 1 on any crash or hang (and replays the crashing inputs).
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
execs="${EXECS:-1000000}"
corpus="$root/Tests/Fuzzing/corpus"
dictionaries="$root/Tests/Fuzzing/dictionaries"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz is missing: installing Debian's afl++ package with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null 2>&1; } \
    || { echo "fuzz.sh: could not install afl++" >&2; exit 1; }
fi
dotnet tool restore >/dev/null

if [ -z "${VOTECHAIN_FUZZ_BUILT:-}" ]; then
  flock /tmp/votechain-build.lock dotnet build Tests/Fuzzing/VoteChain.Fuzzing.csproj -c Release -v q -nologo >/dev/null
fi

work="$(mktemp -d /tmp/votechain-fuzz.XXXXXX)"
out="${OUT:-$work/findings}"
keep=0
mkdir -p "$out"
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "findings kept in $out"; fi; }
trap cleanup EXIT

# Instrument copies, never the build output: instrumentation rewrites the assemblies in place.
cp -r Tests/Fuzzing/bin/Release/net10.0 "$work/bin"
for assembly in "$work"/bin/VoteChain.*.dll "$work/bin/votechain.dll" "$work/bin/Google.Protobuf.dll"; do
  dotnet tool run sharpfuzz "$assembly" >/dev/null
done
harness="$work/bin/votechain-fuzz"
# Instrumented code outside afl-fuzz's run loop has no coverage map to write to: list and replay with the plain build.
plain="$root/Tests/Fuzzing/bin/Release/net10.0/votechain-fuzz"

# The same environment for afl-fuzz and afl-cmin: dotnet starts slowly and the machine is shared, so generous
# timeouts, no CPU pinning, no screen; /tmp is fine for throwaway folders.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1 AFL_ALLOW_TMP=1

targets="${TARGETS:-$("$plain" list | awk '{print $1}' | tr '\n' ' ')}"
total_execs=0 total_crashes=0 total_hangs=0 count=0
for target in $targets; do
  [ -d "$corpus/$target" ] || { echo "fuzz.sh: no corpus for target '$target' in $corpus" >&2; exit 2; }
  inputs="$corpus/$target"
  if [ "${SEEDS_ONLY:-0}" = 1 ]; then
    inputs="$work/seeds-$target"
    mkdir -p "$inputs"
    for file in "$corpus/$target"/*; do
      case "$(basename "$file")" in afl-*) ;; *) cp "$file" "$inputs/" ;; esac
    done
  fi
  dictionary=()
  if [ -f "$dictionaries/$target.dict" ]; then dictionary=(-x "$dictionaries/$target.dict"); fi
  afl-fuzz -i "$inputs" -o "$out/$target" -t 5000 -m none -E "$execs" "${dictionary[@]}" -- "$harness" run "$target" \
    > "$work/$target.log" 2>&1 || { cat "$work/$target.log" >&2; echo "fuzz.sh: afl-fuzz failed on $target" >&2; keep=1; exit 1; }
  stats="$out/$target/default/fuzzer_stats"
  stat() { awk -v k="$1" '$1 == k {print $3}' "$stats" | grep . || echo 0; }
  done_execs="$(stat execs_done)" crashes="$(stat saved_crashes)" hangs="$(stat saved_hangs)"
  queue="$(find "$out/$target/default/queue" -maxdepth 1 -type f | wc -l)"
  echo "target=$target execs=$done_execs crashes=$crashes hangs=$hangs corpus=$queue"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    keep=1
    "$plain" replay "$target" "$out/$target/default/crashes" "$out/$target/default/hangs" || true
  elif [ "$done_execs" -lt "$execs" ]; then
    echo "fuzz.sh: afl-fuzz stopped $target after $done_execs executions, short of $execs" >&2
    keep=1
    exit 1
  elif [ "${SAVE:-0}" = 1 ]; then
    afl-cmin -i "$out/$target/default/queue" -o "$work/min-$target" -t 5000 -m none -- "$harness" run "$target" \
      > "$work/cmin-$target.log" 2>&1 || { cat "$work/cmin-$target.log" >&2; echo "fuzz.sh: afl-cmin failed on $target" >&2; exit 1; }
    known="$(sha256sum "$corpus/$target"/* | cut -c1-64)"
    for file in "$work/min-$target"/*; do
      hash="$(sha256sum "$file" | cut -c1-64)"
      grep -q "$hash" <<< "$known" || cp "$file" "$corpus/$target/afl-${hash:0:16}"
    done
  fi
  total_execs=$((total_execs + done_execs)) total_crashes=$((total_crashes + crashes)) total_hangs=$((total_hangs + hangs))
  count=$((count + 1))
done
echo "fuzz: targets=$count execs=$total_execs crashes=$total_crashes hangs=$total_hangs"
[ "$total_crashes" = 0 ] && [ "$total_hangs" = 0 ]
