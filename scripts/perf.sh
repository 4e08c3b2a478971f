#!/usr/bin/env bash
# Reproduces docs/performance.md and its chart with one command:
#  - the side-by-side verification benchmarks (./bench), core's benchmarks
#    and each adapter's middleware benchmark, in one go test run each;
#  - the load test: every example app as a real process on loopback under a
#    closed-loop load generator (bounded in requests and time);
#  - bench/cmd/perfreport writes the page and the SVG chart from the results.
#
#   BENCHTIME=1s LOAD_DURATION=3s ./scripts/perf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${BENCHTIME:-1s}
duration=${LOAD_DURATION:-3s}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "==> building the example apps"
go build -o "$work/bin/" ./examples/nethttp ./examples/gin ./examples/echo ./examples/fiber ./examples/chi ./examples/echov5 ./examples/fiberv3

echo "==> benchmarks (benchtime $benchtime)"
{
  go test -run '^$' -bench 'Compare|Realistic' -benchtime="$benchtime" ./bench
  go test -run '^$' -bench 'Authenticate|RawSignatures|Authorise' -benchtime="$benchtime" ./core
  go test -run '^$' -bench 'SessionWarm' -benchtime="$benchtime" ./core/hostedui
  go test -run '^$' -bench 'AdmitBearer' -benchtime="$benchtime" ./core/adapterkit
  go test -run '^$' -bench 'TokenSourceShared' -benchtime="$benchtime" ./core/m2m
  # RPC calls over loopback vary run to run: the page shows the median of 6 (perfreport's rpcCount)
  go test -run '^$' -bench 'GRPCUnary|ConnectUnary' -count 6 -benchtime="$benchtime" ./bench
  for m in nethttpauth ginauth echoauth fiberauth; do
    go test -run '^$' -bench Middleware -benchtime="$benchtime" "./$m" | sed "s/^BenchmarkMiddleware/BenchmarkMiddleware\/$m/"
  done
} | tee "$work/bench.txt" | grep -E '^Benchmark' || true

echo "==> load test ($duration per phase)"
go run ./bench/cmd/loadtest -bin "$work/bin" -out "$work/load.json" -duration "$duration"

mkdir -p docs/assets
go run ./bench/cmd/perfreport -bench "$work/bench.txt" -load "$work/load.json" -md docs/performance.md -svg docs/assets/performance.svg
echo "==> wrote docs/performance.md and docs/assets/performance.svg"
