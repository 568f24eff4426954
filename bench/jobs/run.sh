#!/usr/bin/env bash
# Jobs per second through the JobRunner (lease claim with FOR UPDATE SKIP LOCKED, conditional finish) with no-op
# handlers, with 1 and 2 runner instances on one PostgreSQL. --record appends the result to bench/RESULTS.md.
#   bench/jobs/run.sh [--jobs 2000] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=2000; record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2; shift ;;
    --record) record=1 ;;
  esac
  shift
done
source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
dotnet build "$root/bench/jobs/JobsBench" -c Release -v quiet -nologo -clp:ErrorsOnly
out=$(dotnet "$root/bench/jobs/JobsBench/bin/Release/net10.0/JobsBench.dll" "$jobs" 1,2)
echo "$out"
table=$(printf '| runners | jobs | seconds | jobs/s |\n|---|---|---|---|\n'
  sed -E 's/runners=([0-9]+) jobs=([0-9]+) seconds=([0-9.]+) jobs_per_second=([0-9]+)/| \1 | \2 | \3 | \4 |/' <<<"$out")
if [ $record = 1 ]; then
  { echo; echo "### Job runner throughput ($(date -u +%Y-%m-%d), no-op handlers)"; echo
    echo "Command: \`bench/jobs/run.sh --jobs $jobs --record\` (each runner instance is its own host with one worker, in one process)"
    echo; echo "$table"; } >> "$root/bench/RESULTS.md"
fi
