#!/usr/bin/env bash
# Gateway benchmark: the same small JSON endpoint directly, through our YARP gateway (as the AppHost runs it: h2c
# to the service; and over HTTP/1.1 keep-alive like the others), through a default YARP app (over HTTP/1.1 and
# over h2c) and through nginx (keep-alive to the backend), in one run with wrk; prints requests/s, p50/p99, the ratio to direct and the CPU
# time each proxy and the backend spend per request.
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

dotnet build "$root/bench/gateway/Backend" -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build "$root/bench/gateway/BareYarp" -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build "$root/gateway/Gateway" -c Release -v quiet -nologo -clp:ErrorsOnly

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

backend=$(free_port); backend_h2c=$(free_port); gateway=$(free_port); gateway_h1=$(free_port); bare=$(free_port); bare_h2c=$(free_port)
nginx_port=$(free_port)
# The backend serves HTTP/1.1 and, on a second port, HTTP/2 with prior knowledge, as the AppHost's services do.
Kestrel__Endpoints__http__Url=http://127.0.0.1:$backend \
  Kestrel__Endpoints__h2c__Url=http://127.0.0.1:$backend_h2c Kestrel__Endpoints__h2c__Protocols=Http2 \
  dotnet "$root/bench/gateway/Backend/bin/Release/net10.0/Backend.dll" >"$work/backend.log" 2>&1 &
pids+=($!)
backend_pid=$!
# The gateway needs its signing key; the bench route is anonymous, one client must not be rate limited, and the
# backend stands where identity would, found through the AppHost's variables. Its runtime settings are the AppHost's too.
signing_key=$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0)
start_gateway() { # PORT [VARIABLE=VALUE...]
  local port=$1; shift
  (cd "$root/gateway/Gateway" && exec env ASPNETCORE_URLS=http://127.0.0.1:$port InternalAuth__SigningKey="$signing_key" \
    Gateway__AnonymousRoutes__100='GET /api/bench/**' \
    RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
    ReverseProxy__Routes__bench__ClusterId=identity \
    ReverseProxy__Routes__bench__Match__Path='/api/bench/{**rest}' \
    services__identity__http__0=http://127.0.0.1:$backend \
    DOTNET_GCgen0size=0x2000000 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$@" \
    dotnet bin/Release/net10.0/Gateway.dll) >"$work/gateway-$port.log" 2>&1 &
}
start_gateway "$gateway" services__identity__h2c__0=http://127.0.0.1:$backend_h2c
pids+=($!)
gateway_pid=$!
start_gateway "$gateway_h1"
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

path=/api/bench/hello
for port in $backend $gateway $gateway_h1 $bare $bare_h2c $nginx_port; do wait_http "http://127.0.0.1:$port$path"; done

# Warm up each (JIT, connection pools), then measure.
for port in $backend $gateway $gateway_h1 $bare $bare_h2c $nginx_port; do WRK_DURATION=3s wrk_run warm "http://127.0.0.1:$port$path" >/dev/null; done
# Rounds interleave the paths so a noisy neighbour hits them alike; the table shows the round with the
# median gateway ratio, and every round's ratios are listed under it.
rows=()
for round in $(seq "$rounds"); do
  direct=$(wrk_cpu_run direct "http://127.0.0.1:$backend$path" "$backend_pid" "$backend_pid")
  via_gateway=$(wrk_cpu_run gateway "http://127.0.0.1:$gateway$path" "$gateway_pid" "$backend_pid")
  via_gateway_h1=$(wrk_cpu_run gateway-http1 "http://127.0.0.1:$gateway_h1$path" "$gateway_h1_pid" "$backend_pid")
  via_bare=$(wrk_cpu_run default-yarp "http://127.0.0.1:$bare$path" "$bare_pid" "$backend_pid")
  via_bare_h2c=$(wrk_cpu_run default-yarp-h2c "http://127.0.0.1:$bare_h2c$path" "$bare_h2c_pid" "$backend_pid")
  via_nginx=$(wrk_cpu_run nginx "http://127.0.0.1:$nginx_port$path" "$nginx_pid" "$backend_pid")
  rows+=("$direct|$via_gateway|$via_gateway_h1|$via_bare|$via_bare_h2c|$via_nginx")
done
gateway_rss=$(rss_mib "$gateway_pid")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", y[2] / x[2] }'; }
summary=""; ranked=()
for row in "${rows[@]}"; do
  IFS='|' read -r d g h b b2 n <<<"$row"
  summary+="$(ratio "$d" "$g") / $(ratio "$d" "$h") / $(ratio "$d" "$b") / $(ratio "$d" "$b2") / $(ratio "$d" "$n"); "
  ranked+=("$(ratio "$d" "$g")|$row")
done
median=$(printf '%s\n' "${ranked[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
IFS='|' read -r _ direct via_gateway via_gateway_h1 via_bare via_bare_h2c via_nginx <<<"$median"

direct_rps=$(awk '{print $2}' <<<"$direct")
# CPU per request: the proxy's own (for direct, the backend's) and the backend's, in microseconds.
table=$(printf '| path | requests/s | p50 ms | p99 ms | ratio to direct | proxy CPU µs/req | backend CPU µs/req |\n|---|---|---|---|---|---|---|\n'
  for row in "$direct" "$via_gateway" "$via_gateway_h1" "$via_bare" "$via_bare_h2c" "$via_nginx"; do
    awk -v d="$direct_rps" '{proxy = ($1 == "direct") ? "-" : $5; printf "| %s | %.0f | %s | %s | %.2f | %s | %s |\n", $1, $2, $3, $4, $2/d, proxy, $6}' <<<"$row"
  done)
echo "$table"
# The table's round is the gateway's median; each path's own median across rounds is the fairer comparison.
medians=$(for column in 1 2 3 4 5; do
  tr ';' '\n' <<<"${summary%; }" | awk -F' / ' -v c=$column 'NF {print $c + 0}' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
done | paste -sd/ | sed 's|/| / |g')
echo "ratios by round (gateway / gateway over HTTP/1.1 / default YARP / default YARP over h2c / nginx): ${summary%; }"
echo "median ratio of each path across rounds: $medians"
echo "gateway RSS after the run: ${gateway_rss} MiB"

if [ $record = 1 ]; then
  {
    echo
    echo "### Gateway ($(date -u +%Y-%m-%d), wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-50} -d${WRK_DURATION:-10s})"
    echo
    echo "Command: \`bench/gateway/run.sh --rounds $rounds --record\` (median of $rounds interleaved rounds)"
    echo
    echo "$table"
    echo
    echo "Ratios by round (gateway / gateway over HTTP/1.1 / default YARP / default YARP over h2c / nginx): ${summary%; }."
    echo
    echo "Median ratio of each path across rounds: $medians."
    echo
    echo "Gateway resident memory after the run: ${gateway_rss} MiB."
  } >> "$root/bench/RESULTS.md"
fi
