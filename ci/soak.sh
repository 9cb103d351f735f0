#!/usr/bin/env bash
# Nightly soak: runs every subject and mutant under the race detector for a
# given time, on one shard of the seed space, then fuzzes every target, and
# leaves a summary and every failure's artifacts in the output directory.
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

echo "== stress and controlled runs: total $total, shard $shard, seed $seed"
go run ./cmd/interleave -race -total "$total" -shard "$shard" -seed "$seed" -out "$out" -markdown > "$out/summary.md" || status=1
cat "$out/summary.md"

if [ "$fuzztime" != 0 ]; then
  for target in FuzzCounter FuzzStack FuzzLimiter FuzzPool; do
    echo "== fuzzing $target for $fuzztime"
    if ! go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" ./fuzz > "$out/$target.log" 2>&1; then
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
