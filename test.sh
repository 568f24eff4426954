#!/usr/bin/env bash
# Runs every test project against real PostgreSQL, Redis and RabbitMQ, which the test fixtures start
# themselves on free loopback ports. Installs what is missing first, as run.sh does.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
ensure_platform_prerequisites || exit 1
ensure_browser_prerequisites || exit 1

dotnet build aspire.sln -c Release -v quiet -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
status=0
# One project at a time: each starts its own servers, and the machine has two cores.
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=normal" \
    --blame-hang-timeout 10m "$@" || status=1
  [ -f "$results/$name.trx" ] || { echo "$name produced no results"; status=1; echo 1 > "$results/$name.crashed"; }
done

count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(( $(count failed) + $(ls "$results"/*.crashed 2>/dev/null | wc -l) ))
[ "$failed" -gt 0 ] && status=1
# Name every failed test once more at the end, with the start of its message, where a truncated log still shows it.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] && awk '
    /<UnitTestResult / { failed = /outcome="Failed"/; if (failed) { match($0, /testName="[^"]*"/); print "FAILED: " substr($0, RSTART, RLENGTH) } }
    failed && /<Message>/ { inside = 1; lines = 0 }
    inside { line = $0; sub(/.*<Message>/, "", line); if (sub(/<\/Message>.*/, "", line)) inside = 0
             gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line)
             if (lines++ < 12) print "  " line }
  ' "$trx"
done
rm -rf "$results"
echo "$passed passed, $failed failed"
exit $status
