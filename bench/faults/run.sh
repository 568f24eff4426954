#!/usr/bin/env bash
# Fault suite (issue 19): the platform with two instances of each service (the real AppHost, in-process through
# Aspire's testing builder, on free ports and throwaway data), steady mixed load through the gateway, and while it
# runs, in turn: Redis killed and restarted, RabbitMQ frozen 30 s, PostgreSQL restarted, one instance of each service
# killed, the gateway restarted. Reports client-visible failures by status and time to recover per fault, then audits
# the databases: nothing lost, nothing doubled. With --soak DURATION: the same load for that long, sampling memory,
# connections, relay slots, job leases and outbox backlog. --record appends the report to bench/RESULTS.md.
#   bench/faults/run.sh [--soak 30m] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
record=0; soak=
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) soak=$2; shift ;;
    --record) record=1 ;;
    *) echo "usage: bench/faults/run.sh [--soak 30m] [--record]" >&2; exit 2 ;;
  esac
  shift
done
source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
dotnet build "$root/bench/faults/FaultsBench" -c Release -v quiet -nologo -clp:ErrorsOnly
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
DOTNET_ENVIRONMENT=Development NO_COLOR=1 dotnet "$root/bench/faults/FaultsBench/bin/Release/net10.0/FaultsBench.dll" \
  ${soak:+--soak "$soak"} --report "$report" || status=$?
if [ $record = 1 ] && [ -s "$report" ]; then
  if [ -n "$soak" ]; then title="Soak, $soak"; command="bench/faults/run.sh --soak $soak --record"; else title="Fault suite"; command="bench/faults/run.sh --record"; fi
  { echo; echo "### $title ($(date -u +%Y-%m-%d), two instances of each service)"; echo
    echo "Command: \`$command\`"; echo; cat "$report"; } >> "$root/bench/RESULTS.md"
fi
exit $status
