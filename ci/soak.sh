#!/usr/bin/env bash
# Nightly soak: runs every subject and mutant (stress mode under the race
# detector, controlled mode without it, where it could see nothing) for a
# given time, on one shard of the seed space, then fuzzes every target, and
# leaves a summary and every failure's artifacts in the output directory:
# summary.md (both tables), stress/ and controlled/ (each an HTML report,
# summary.json and artifacts/), the fuzzers' logs and crashers/.
#
#   ci/soak.sh [-total 40m] [-shard 0/1] [-seed N] [-fuzztime 2m] [-out soak-out]
#
# Shards split the seed space: shard i of n searches from seed N + i*2^32,
# so n machines running shards 0..n-1 with the same -seed never repeat each
# other's scenarios. The exit status is non-zero if a verdict was not the
# expected one or the fuzzer found a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

total=40m shard=0/1 seed=$(date -u +%Y%m%d) fuzztime=2m out=soak-out
while [ $# -gt 0 ]; do
  case "$1" in
    -total) total=$2; shift 2 ;;
    -shard) shard=$2; shift 2 ;;
    -seed) seed=$2; shift 2 ;;
    -fuzztime) fuzztime=$2; shift 2 ;;
    -out) out=$2; shift 2 ;;
    -h|-help|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (try -help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
status=0

# scale prints a third of duration d, times k, as a Go duration.
scale() {
  local d=$1 k=$2 secs
  case "$d" in
    *h) secs=$(( ${d%h} * 3600 )) ;;
    *m) secs=$(( ${d%m} * 60 )) ;;
    *s) secs=${d%s} ;;
    *) echo "soak.sh: -total $d: use a whole number of s, m or h" >&2; exit 2 ;;
  esac
  echo "$(( secs * k / 3 ))s"
}

scale "$total" 1 >/dev/null || exit 2

# Stress mode runs under the race detector. Controlled mode does not: the
# scheduler orders every step, so the detector could see nothing there;
# it gets a third of the time, at full speed.
echo "== stress runs under -race: shard $shard, seed $seed"
go run ./cmd/interleave -race -mode stress -total "$(scale "$total" 2)" -shard "$shard" -seed "$seed" -out "$out/stress" -markdown > "$out/summary.md" || status=1
echo "== controlled runs: shard $shard, seed $seed"
go run ./cmd/interleave -mode controlled -total "$(scale "$total" 1)" -shard "$shard" -seed "$seed" -out "$out/controlled" -markdown | tail -n +3 >> "$out/summary.md" || status=1
cat "$out/summary.md"

if [ "$fuzztime" != 0 ]; then
  for target in FuzzCounter FuzzStack FuzzLimiter FuzzPool; do
    echo "== fuzzing $target for $fuzztime"
    # The fuzzer starts from the target's seeds and from the inputs it
    # kept in GOCACHE on earlier runs; the last status line says how many
    # executions it ran. interleave test builds the subjects instrumented,
    # so the counter's and the stack's inputs run in controlled mode (the
    # targets run auto mode: plain go test -fuzz would be stress mode).
    if go run ./cmd/interleave test -interleave.rewrite=golang.org/x/time/rate -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" ./fuzz > "$out/$target.log" 2>&1; then
      execs=$(grep -o 'execs: [0-9]*' "$out/$target.log" | tail -n 1 | cut -d' ' -f2)
      echo "| fuzz | $target | pass: ${execs:-0} executions in $fuzztime |" >> "$out/summary.md"
    else
      status=1
      echo "$target found a failure: see $out/$target.log"
      echo "| fuzz | $target | failure: see $target.log |" >> "$out/summary.md"
    fi
    tail -n 3 "$out/$target.log"
  done
  # Inputs the fuzzer wrote are failures: keep them with the artifacts.
  new=$(git status --porcelain --untracked-files=all fuzz/testdata | awk '{print $2}')
  if [ -n "$new" ]; then
    mkdir -p "$out/crashers"
    for f in $new; do cp --parents "$f" "$out/crashers/"; done
  fi
fi
exit $status
