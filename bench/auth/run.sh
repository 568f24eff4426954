#!/usr/bin/env bash
# Authentication cost at the gateway: requests/s of one identity route through the whole platform, anonymous
# and with a bearer token and an API key (introspected once, then served from the gateway's cache with the
# internal JWT minted once per entry), in one run with wrk. Target: authenticated / anonymous >= 0.8.
#   bench/auth/run.sh [--duration 10s] [--connections 50] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) WRK_DURATION=$2; shift ;;
    --connections) WRK_CONNECTIONS=$2; shift ;;
    --record) record=1 ;;
  esac
  shift
done
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

data=$(mktemp -u /tmp/auth-bench-XXXXXX)
apphost_ports "$data"
trap 'kill -TERM $apphost_pid 2>/dev/null; wait $apphost_pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
# The benchmark is one client address and one credential: lift the per-IP and per-credential limits for it.
RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000 \
NO_COLOR=1 dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" > "$data.log" 2>&1 &
apphost_pid=$!
base="http://127.0.0.1:$gateway"
wait_http "$base/health" 180 || { tail -50 "$data.log"; exit 1; }

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
admin=admin@example.test
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$admin\"}" "$base/api/identity/codes"
code=$(curl -fsS "$base/api/identity/dev/outbox?target=$admin" | json '[0]["code"]')
token=$(curl -fsS -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$admin\",\"code\":\"$code\"}" "$base/api/identity/sign-in" | json '["accessToken"]')
key=$(curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d '{"name":"bench"}' "$base/api/identity/api-keys" | json '["key"]')

url="$base/api/identity/oauth/providers"
# The same route must answer 200 to both kinds of caller, or the comparison means nothing.
curl -fsS -o /dev/null "$url"; curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$url"; curl -fsS -o /dev/null -H "x-api-key: $key" "$url"

wrk_auth() { # LABEL HEADER...
  local label=$1; shift
  local out; out=$(wrk -t"${WRK_THREADS:-1}" -c"${WRK_CONNECTIONS:-50}" -d"${WRK_DURATION:-10s}" --latency "$@" "$url")
  grep -q "Non-2xx" <<<"$out" && { echo "$label: non-2xx answers" >&2; echo "$out" >&2; exit 1; }
  echo "$label $(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")"
}

# Warm up (JIT tiering, connection pools, the gateway's cache), then alternate the three kinds of caller twice
# so drift on this small machine hits all of them alike; each kind's figure is the mean of its two runs.
WRK_DURATION=10s wrk_auth warm >/dev/null
for h in "Authorization: Bearer $token" "x-api-key: $key"; do WRK_DURATION=5s wrk_auth warm -H "$h" >/dev/null; done
runs=()
for round in 1 2; do
  runs+=("$(wrk_auth anonymous)" "$(wrk_auth bearer -H "Authorization: Bearer $token")" "$(wrk_auth api_key -H "x-api-key: $key")")
done
summary=$(printf '%s\n' "${runs[@]}" | awk '{n[$1]++; r[$1]+=$2; p50[$1]+=$3; p99[$1]+=$4}
  END {for (k in n) printf "%s %.0f %.2f %.2f\n", k, r[k]/n[k], p50[k]/n[k], p99[k]/n[k]}')
anonymous_rps=$(awk '$1=="anonymous" {print $2}' <<<"$summary")

report=$(
  echo "| caller | requests/s | p50 ms | p99 ms | ratio to anonymous |"
  echo "|---|---|---|---|---|"
  for kind in anonymous bearer api_key; do
    awk -v k="$kind" -v a="$anonymous_rps" '$1==k {printf "| %s | %s | %s | %s | %.2f |\n", $1, $2, $3, $4, $2 / a}' <<<"$summary"
  done
)
echo "$report"
if [ $record = 1 ]; then
  { echo; echo "### Authentication at the gateway ($(date -u +%Y-%m-%d))"; echo
    echo "Command: \`bench/auth/run.sh --record\` (wrk -c${WRK_CONNECTIONS:-50} -d${WRK_DURATION:-10s}, GET /api/identity/oauth/providers through the whole platform; target: authenticated / anonymous >= 0.8)"
    echo; echo "$report"; } >> "$root/bench/RESULTS.md"
fi
