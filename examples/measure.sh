#!/bin/sh
# measure.sh runs each example bug's Caught test on seeds 1 to 20, in
# stress mode (plain go test) and in controlled mode (interleave test),
# and prints one line per run: bug, mode, strategy, seed, what the test
# logged; then, per bug, mode and strategy, the executions to the first
# failure, median (worst), their mean (steadier than a median of 20 when
# comparing changes), and the seeds that found it.
# Run it from the module root: examples/measure.sh [seeds] [extra flags];
# EXAMPLES="hits:TestLoadStoreCaught ..." picks the bugs, MODES the modes,
# STRATEGIES="random pct pos learned-pct window-pct" the controlled
# strategies (default: the default one).
set -u
seeds=${1:-20}
shift 2>/dev/null
dir=$(mktemp -d)
go build -o "$dir/interleave" ./cmd/interleave || exit 1
all="hits:TestLoadStoreCaught intern:TestCheckThenActCaught inventory:TestStripedCaught inventory:TestUnlockedAtCaught
logbuf:TestSignalCaught lazyconn:TestDoubleDialCaught stats:TestTornCaught firstwins:TestUnbufferedCaught"
for spec in ${EXAMPLES:-$all}; do
	pkg=${spec%%:*} test=${spec#*:}
	go test -c -o "$dir/$pkg.stress" "./examples/$pkg" || exit 1
	"$dir/interleave" test -c -o "$dir/$pkg.controlled" "./examples/$pkg" 2>/dev/null || exit 1
	for mode in ${MODES:-stress controlled}; do
		strategies=default
		[ "$mode" = controlled ] && strategies=${STRATEGIES:-default}
		for strategy in $strategies; do
			flag=
			[ "$strategy" = default ] || flag=-stress.strategy=$strategy
			s=1
			while [ "$s" -le "$seeds" ]; do
				line=$("$dir/$pkg.$mode" -test.run "^$test\$" -test.v -test.count=1 -test.timeout=120s -stress.seed=$s $flag "$@" 2>&1 |
					grep -E 'found after|not caught|missed|panic:|FAIL:' | head -1)
				echo "$pkg/${test#Test} $mode $strategy $s $line"
				s=$((s + 1))
			done
		done
	done
done | tee "$dir/runs"
# The summary: median (worst) of the executions to the first failure.
awk '{
	k = $1 " " $2 " " $3; keys[k] = 1; n[k] += 0
	for (i = 5; i < NF; i++) if ($i == "found" && $(i+1) == "after") { v[k, ++n[k]] = $(i+2); sum[k] += $(i+2); break }
	seeds[k]++
}
END {
	for (k in keys) {
		m = n[k]
		for (i = 2; i <= m; i++) for (j = i; j > 1 && v[k, j-1] > v[k, j]; j--) { t = v[k, j]; v[k, j] = v[k, j-1]; v[k, j-1] = t }
		if (m == 0) printf "%s: found on 0/%d\n", k, seeds[k]
		else printf "%s: %s (%s), mean %.1f, found on %d/%d\n", k, v[k, int(m/2)+1], v[k, m], sum[k] / m, m, seeds[k]
	}
}' "$dir/runs" | sort
rm -r "$dir"
