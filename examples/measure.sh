#!/bin/sh
# measure.sh runs each example bug's Caught test on seeds 1 to 20, in
# stress mode (plain go test) and in controlled mode (interleave test),
# and prints one line per run: bug, mode, seed, what the test logged.
# Run it from the module root: examples/measure.sh [seeds] [extra flags];
# EXAMPLES="hits:TestLoadStoreCaught ..." picks the bugs, MODES the modes.
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
		s=1
		while [ "$s" -le "$seeds" ]; do
			line=$("$dir/$pkg.$mode" -test.run "^$test\$" -test.v -test.count=1 -test.timeout=120s -stress.seed=$s "$@" 2>&1 |
				grep -E 'found after|not caught|missed|panic:|FAIL:' | head -1)
			echo "$pkg $mode $s $line"
			s=$((s + 1))
		done
	done
done
rm -r "$dir"
