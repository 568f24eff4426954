#!/usr/bin/env bash
# Gateway benchmark: the same small JSON endpoint directly, through our YARP gateway (as the AppHost runs it: h2c
# to the service; anonymous and with a bearer token, an API key and a session cookie; and anonymous over HTTP/1.1
# keep-alive like the others), through a default YARP app (over HTTP/1.1 and over h2c) and through nginx
# (keep-alive to the backend), in one run with wrk; prints requests/s, p50/p99, the ratio to direct and the CPU
# time each proxy and the backend spend per request. Target: every authenticated row at or above nginx's ratio.
#   bench/gateway/run.sh [--duration 10s] [--connections 50] [--rounds 3] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
record=0; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) WRK_DURATION=$2; shift ;;
    --connections) WRK_CONNECTIONS=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --record) record=1 ;;
  esac
  shift
done
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx-light >/dev/null

source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
# The solution holds the backend and the default YARP app too.
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

backend=$(free_port); backend_h2c=$(free_port); gateway_h2=$(free_port); gateway_h1=$(free_port); bare=$(free_port); bare_h2c=$(free_port)
nginx_port=$(free_port)
# The backend serves HTTP/1.1 and, on a second port, HTTP/2 with prior knowledge, as the AppHost's services do.
Kestrel__Endpoints__http__Url=http://127.0.0.1:$backend \
  Kestrel__Endpoints__h2c__Url=http://127.0.0.1:$backend_h2c Kestrel__Endpoints__h2c__Protocols=Http2 \
  dotnet "$root/bench/gateway/Backend/bin/Release/net10.0/Backend.dll" >"$work/backend.log" 2>&1 &
pids+=($!)
backend_pid=$!

# Credentials are real: the platform runs under the AppHost (its own data directory, limits lifted for one client),
# and the benchmarked gateways introspect through its identity. They sign with the platform's internal JWT key,
# written before the AppHost starts so that identity trusts their service tokens.
data="$work/platform"
mkdir -p "$data/keys" && chmod 700 "$data/keys"
(umask 077; openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$data/keys/internal-jwt.pem")
signing_key=$(openssl pkcs8 -topk8 -nocrypt -in "$data/keys/internal-jwt.pem" -outform DER | base64 -w0)
apphost_ports "$data"
RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
  RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000 \
  NO_COLOR=1 dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" >"$work/apphost.log" 2>&1 &
pids+=($!)
apphost_pid=$!
# What apphost_ports exported is the AppHost's alone: the benchmarked processes run as a deployment runs them.
unset DOTNET_ENVIRONMENT ASPIRE_ALLOW_UNSECURED_TRANSPORT ASPNETCORE_URLS ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL
platform="http://127.0.0.1:$gateway"
wait_http "$platform/health" 400 || { tail -50 "$work/apphost.log"; exit 1; }
identity_port=$(printf '%s\n' "${args[@]}" | sed -n 's/^--Ports:identity=//p')

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
sign_in_code() { # TARGET -> a fresh code from the development outbox
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$1\"}" "$platform/api/identity/codes"
  curl -fsS "$platform/api/identity/dev/outbox?target=$1" | json '[0]["code"]'
}
admin=admin@example.test
token=$(curl -fsS -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$admin\",\"code\":\"$(sign_in_code $admin)\"}" \
  "$platform/api/identity/sign-in" | json '["accessToken"]')
key=$(curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d '{"name":"gateway-bench","scopes":["api"]}' \
  "$platform/api/identity/api-keys" | json '["key"]')
# A cookie session, created as a page of the platform's own origin would create it.
browser=bench-browser@example.test
session=$(curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' -H "Origin: $platform" \
  -d "{\"channel\":\"email\",\"target\":\"$browser\",\"code\":\"$(sign_in_code $browser)\"}" "$platform/api/identity/sessions" \
  | sed -n 's/^[Ss]et-[Cc]ookie: sid=\([^;]*\).*/\1/p')
[ -n "$token" ] && [ -n "$key" ] && [ -n "$session" ] || { echo "could not get a token, an API key and a session" >&2; exit 1; }

# The benchmarked gateways: the anonymous route /api/bench/** and the authenticated /api/private/** both reach the
# backend (as a service of audience "bench"); identity is the platform's. Runtime settings are the AppHost's.
start_gateway() { # PORT [VARIABLE=VALUE...]
  local port=$1; shift
  (cd "$root/gateway/Gateway" && exec env ASPNETCORE_URLS=http://127.0.0.1:$port InternalAuth__SigningKey="$signing_key" \
    Gateway__AnonymousRoutes__100='GET /api/bench/**' \
    RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
    RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000 \
    ReverseProxy__Routes__bench__ClusterId=bench \
    ReverseProxy__Routes__bench__Match__Path='/api/bench/{**rest}' \
    ReverseProxy__Routes__private__ClusterId=bench \
    ReverseProxy__Routes__private__Match__Path='/api/private/{**rest}' \
    ReverseProxy__Routes__private__Transforms__0__PathPattern='/api/bench/{**rest}' \
    services__identity__http__0=http://127.0.0.1:$identity_port \
    DOTNET_GCgen0size=0x2000000 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$@" \
    dotnet bin/Release/net10.0/Gateway.dll) >"$work/gateway-$port.log" 2>&1 &
}
start_gateway "$gateway_h2" ReverseProxy__Clusters__bench__Destinations__primary__Address=http://127.0.0.1:$backend_h2c \
  ReverseProxy__Clusters__bench__HttpRequest__Version=2 ReverseProxy__Clusters__bench__HttpRequest__VersionPolicy=RequestVersionExact
pids+=($!)
gateway_pid=$!
start_gateway "$gateway_h1" ReverseProxy__Clusters__bench__Destinations__primary__Address=http://127.0.0.1:$backend
pids+=($!)
gateway_h1_pid=$!

# The same route in a default YARP app, to show what the gateway's own pipeline costs on top of YARP.
ASPNETCORE_URLS=http://127.0.0.1:$bare \
  ReverseProxy__Routes__bench__ClusterId=bench \
  ReverseProxy__Routes__bench__Match__Path='/api/bench/{**rest}' \
  ReverseProxy__Clusters__bench__Destinations__primary__Address=http://127.0.0.1:$backend \
  dotnet "$root/bench/gateway/BareYarp/bin/Release/net10.0/BareYarp.dll" >"$work/bare.log" 2>&1 &
pids+=($!)
bare_pid=$!
# And the default YARP app over h2c, as the gateway proxies: what the gateway's own pipeline adds is the difference.
ASPNETCORE_URLS=http://127.0.0.1:$bare_h2c \
  ReverseProxy__Routes__bench__ClusterId=bench \
  ReverseProxy__Routes__bench__Match__Path='/api/bench/{**rest}' \
  ReverseProxy__Clusters__bench__Destinations__primary__Address=http://127.0.0.1:$backend_h2c \
  ReverseProxy__Clusters__bench__HttpRequest__Version=2 \
  ReverseProxy__Clusters__bench__HttpRequest__VersionPolicy=RequestVersionExact \
  dotnet "$root/bench/gateway/BareYarp/bin/Release/net10.0/BareYarp.dll" >"$work/bare-h2c.log" 2>&1 &
pids+=($!)
bare_h2c_pid=$!

{ nginx_head "$work"; cat <<CONF; } >"$work/nginx.conf"
http {
  access_log off;
  upstream backend { server 127.0.0.1:$backend; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
nginx_pid=$!

# Each path: label, URL, the proxy's process (the backend's for direct), and the credential header it sends. The
# authenticated rows cost the gateway a cache lookup, its rate limits and the caller's internal JWT per request.
anonymous=/api/bench/hello private=/api/private/hello
paths=(
  "direct|http://127.0.0.1:$backend$anonymous|$backend_pid|"
  "gateway|http://127.0.0.1:$gateway_h2$anonymous|$gateway_pid|"
  "gateway-bearer|http://127.0.0.1:$gateway_h2$private|$gateway_pid|Authorization: Bearer $token"
  "gateway-api-key|http://127.0.0.1:$gateway_h2$private|$gateway_pid|x-api-key: $key"
  "gateway-cookie|http://127.0.0.1:$gateway_h2$private|$gateway_pid|Cookie: sid=$session"
  "gateway-http1|http://127.0.0.1:$gateway_h1$anonymous|$gateway_h1_pid|"
  "default-yarp|http://127.0.0.1:$bare$anonymous|$bare_pid|"
  "default-yarp-h2c|http://127.0.0.1:$bare_h2c$anonymous|$bare_h2c_pid|"
  "nginx|http://127.0.0.1:$nginx_port$anonymous|$nginx_pid|"
)
for entry in "${paths[@]}"; do
  IFS='|' read -r label url _ header <<<"$entry"
  [ -n "$header" ] || wait_http "$url" 60
  # Every path must answer 200 with what it sends, or its figure means nothing.
  status=$(curl -sS -o /dev/null -w '%{http_code}' ${header:+-H "$header"} "$url")
  [ "$status" = 200 ] || { echo "$label answered $status" >&2; exit 1; }
done

# Warm up each (JIT, connection pools, the gateway's caller cache), then measure.
for entry in "${paths[@]}"; do
  IFS='|' read -r label url _ header <<<"$entry"
  WRK_DURATION=3s WRK_HEADER=$header wrk_run warm "$url" >/dev/null
done
# Rounds interleave the paths so a noisy neighbour hits them alike; each path's figures are its medians across
# rounds, and its ratio is taken to direct in the same round.
results=$work/results
for round in $(seq "$rounds"); do
  for entry in "${paths[@]}"; do
    IFS='|' read -r label url pid header <<<"$entry"
    line=$(WRK_HEADER=$header wrk_cpu_run "$label" "$url" "$pid" "$backend_pid")
    echo "$round $line" >>"$results"
  done
done
gateway_rss=$(rss_mib "$gateway_pid")

# round label rps p50 p99 proxy_us backend_us -> per label: medians of rps, p50, p99, CPU and ratio to direct.
medians=$(awk '
  $2 == "direct" { direct[$1] = $3 }
  { rows[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) { split(rows[i], f, " "); print f[2], f[3], f[4], f[5], f[6], f[7], f[3] / direct[f[1]] }
  }' "$results" | sort -k1,1 -s | awk '
  function median(list, n,   sorted, i, j, t) {
    for (i = 1; i <= n; i++) sorted[i] = list[i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  function flush() { if (label != "") printf "%s %.0f %.2f %.2f %.1f %.1f %.2f\n", label, median(r, n), median(a, n), median(b, n), median(c, n), median(d, n), median(q, n) }
  $1 != label { flush(); label = $1; n = 0 }
  { n++; r[n] = $2; a[n] = $3; b[n] = $4; c[n] = $5; d[n] = $6; q[n] = $7 }
  END { flush() }')
by_round=$(awk '$2 == "direct" { direct[$1] = $3 } { rps[$1, $2] = $3; if (!($2 in seen)) { seen[$2]; order[++k] = $2 } ; last = $1 }
  END { for (round = 1; round <= last; round++) { line = ""
          for (i = 2; i <= k; i++) line = line (i > 2 ? " / " : "") sprintf("%.2f", rps[round, order[i]] / direct[round])
          print line } }' "$results" | paste -sd';' | sed 's/;/; /g')
labels=$(printf '%s\n' "${paths[@]}" | cut -d'|' -f1 | tail -n +2 | paste -sd/ | sed 's|/| / |g')
table=$(printf '| path | requests/s | p50 ms | p99 ms | ratio to direct | proxy CPU µs/req | backend CPU µs/req |\n|---|---|---|---|---|---|---|\n'
  for entry in "${paths[@]}"; do
    awk -v l="${entry%%|*}" '$1 == l { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $7, ($1 == "direct" ? "-" : $5), $6 }' <<<"$medians"
  done)
nginx_ratio=$(awk '$1 == "nginx" { print $7 }' <<<"$medians")
verdict=$(awk -v n="$nginx_ratio" '$1 ~ /^gateway-(bearer|api-key|cookie)$/ { printf "%s %s %s nginx (%s); ", $1, $7, ($7 >= n ? ">=" : "<"), n }' <<<"$medians")
echo "$table"
echo "ratios to direct by round ($labels): $by_round"
echo "authenticated rows against nginx: ${verdict%; }"
echo "gateway RSS after the run: ${gateway_rss} MiB"

if [ $record = 1 ]; then
  {
    echo
    echo "### Gateway ($(date -u +%Y-%m-%d), wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-50} -d${WRK_DURATION:-10s})"
    echo
    echo "Command: \`bench/gateway/run.sh --rounds $rounds --record\` (each path's medians across $rounds interleaved rounds)"
    echo
    echo "$table"
    echo
    echo "Ratios to direct by round ($labels): $by_round."
    echo
    echo "Authenticated rows against nginx (target: at or above it): ${verdict%; }."
    echo
    echo "Gateway resident memory after the run: ${gateway_rss} MiB."
  } >> "$root/bench/RESULTS.md"
fi
