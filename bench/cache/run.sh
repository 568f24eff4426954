#!/usr/bin/env bash
# Cache benchmark: get/set/incr per second through ICacheProvider on Redis next to redis-benchmark against the
# same server with the same number of concurrent clients (no pipelining), and gets/s of the memory provider
# on one thread. Prints the ratios; --record appends them to bench/RESULTS.md.
#   bench/cache/run.sh [--clients 50] [--seconds 5] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
clients=50; seconds=5; record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --record) record=1 ;;
  esac
  shift
done
command -v redis-server >/dev/null || apt-get install -y -qq redis-server >/dev/null

dotnet build "$root/bench/cache/CacheBench" -c Release -v quiet -nologo -clp:ErrorsOnly
bench="$root/bench/cache/CacheBench/bin/Release/net10.0/CacheBench.dll"

port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null; wait 2>/dev/null' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done

requests=$((clients * 4000))
declare -A ref ours
for op in set get incr; do
  ref[$op]=$(redis-benchmark -p "$port" -c "$clients" -n "$requests" -t "$op" -P 1 -q --csv | tail -n 1 | cut -d, -f2 | tr -d '"')
done
while read -r _ op rps; do ours[$op]=$rps; done < <(dotnet "$bench" redis "127.0.0.1:$port" "$clients" "$seconds")
memory=$(dotnet "$bench" memory "$seconds" | awk '{print $3}')

table=$(printf '| operation | redis-benchmark ops/s | ICacheProvider (Redis) ops/s | ratio |\n|---|---|---|---|\n'
  for op in get set incr; do
    awk -v o="$op" -v r="${ref[$op]}" -v c="${ours[$op]}" 'BEGIN {printf "| %s | %.0f | %.0f | %.2f |\n", o, r, c, c/r}'
  done)
echo "$table"
echo "memory provider: $memory get/s on one thread"

if [ $record = 1 ]; then
  {
    echo
    echo "### Cache ($(date -u +%Y-%m-%d), $clients concurrent clients, no pipelining)"
    echo
    echo 'Command: `bench/cache/run.sh --record`'
    echo
    echo "$table"
    echo
    echo "Memory provider: $(printf '%.0f' "$memory") get/s on one thread (target: over 5,000,000)."
  } >> "$root/bench/RESULTS.md"
fi
