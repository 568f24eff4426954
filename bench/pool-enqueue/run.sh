#!/usr/bin/env bash
# Enqueue de-duplication through the whole platform: N concurrent POST /api/pool/pool-groups/{id}/sync for one group
# of 3 mothers (pool's upstream simulator), through the gateway as an admin. Prints how many jobs were created and
# how many requests got the live job back; exactly 3 created is the guarantee. The job runner is switched off for
# the run (Jobs__RunnerEnabled=false) so the jobs stay live: otherwise a job finished mid-burst rightly lets a later
# request create a new one. --record appends the result to bench/RESULTS.md.
#   bench/pool-enqueue/run.sh [--attempts 100] [--no-redis] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
attempts=100; record=0; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --attempts) attempts=$2; shift ;;
    --no-redis) extra+=(--no-redis) ;;
    --record) record=1 ;;
  esac
  shift
done
source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

data=$(mktemp -u /tmp/pool-enqueue-XXXXXX)
apphost_ports "$data"; args+=("${extra[@]}")
trap 'kill -TERM $apphost_pid 2>/dev/null; wait $apphost_pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000 \
Jobs__RunnerEnabled=false NO_COLOR=1 dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" > "$data.log" 2>&1 &
apphost_pid=$!
base="http://127.0.0.1:$gateway"
wait_http "$base/health" 180 || { tail -50 "$data.log"; exit 1; }

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
admin=admin@example.test
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$admin\"}" "$base/api/identity/codes"
code=$(curl -fsS "$base/api/identity/dev/outbox?target=$admin" | json '[0]["code"]')
token=$(curl -fsS -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$admin\",\"code\":\"$code\"}" "$base/api/identity/sign-in" | json '["accessToken"]')
post() { curl -fsS -H 'Content-Type: application/json' -H 'X-Domain: pool' -H "Authorization: Bearer $token" -d "$2" "$base$1"; }
group=$(post /api/pool/pool-groups "{\"name\":\"bench-$RANDOM$RANDOM\"}" | json '["id"]')
for i in 1 2 3; do
  post /api/pool/mothers "{\"name\":\"m$i\",\"email\":\"m$i-$RANDOM$RANDOM@bench.test\",\"groupId\":\"$group\",\"accessToken\":\"bench-$i-$RANDOM\"}" >/dev/null
done

result=$(python3 - "$base/api/pool/pool-groups/$group/sync" "$token" "$attempts" <<'PY'
import sys, json, threading, urllib.request
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
results, errors, start = [], [], threading.Barrier(n)
def hit():
    request = urllib.request.Request(url, method="POST", data=b"{}", headers={"Authorization": "Bearer " + token, "X-Domain": "pool", "Content-Type": "application/json"})
    start.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            results.append((response.status, json.load(response)))
    except Exception as e:
        errors.append(str(e))
threads = [threading.Thread(target=hit) for _ in range(n)]
[t.start() for t in threads]; [t.join() for t in threads]
created = sum(r["enqueued"] for _, r in results); reused = sum(r["reused"] for _, r in results)
jobs = {tuple(sorted(r["jobIds"])) for _, r in results}
errors and print("first error:", errors[0], file=sys.stderr)
print(f"requests={n} answered_202={sum(1 for s, _ in results if s == 202)} errors={len(errors)} created={created} reused={reused} distinct_job_sets={len(jobs)}")
PY
)
echo "$result"
if [ $record = 1 ]; then
  { echo; echo "### Pool sync enqueue de-duplication ($(date -u +%Y-%m-%d))"; echo
    echo "Command: \`bench/pool-enqueue/run.sh --attempts $attempts${extra:+ ${extra[*]}} --record\` (one group of 3 mothers, all requests at once through the gateway; expected: created=3)"
    echo; echo "    $result"; } >> "$root/bench/RESULTS.md"
fi
