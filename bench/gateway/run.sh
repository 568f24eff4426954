#!/usr/bin/env bash
# Gateway benchmark: the same small JSON endpoint directly, through our YARP gateway and through nginx
# (keep-alive to the backend), in one run with wrk; prints requests/s, p50/p99 and the ratio to direct.
#   bench/gateway/run.sh [--duration 10s] [--connections 50] [--record]
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
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx-light >/dev/null

dotnet build "$root/bench/gateway/Backend" -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build "$root/gateway/Gateway" -c Release -v quiet -nologo -clp:ErrorsOnly

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

backend=$(free_port); gateway=$(free_port); nginx_port=$(free_port)
ASPNETCORE_URLS=http://127.0.0.1:$backend dotnet "$root/bench/gateway/Backend/bin/Release/net10.0/Backend.dll" >"$work/backend.log" 2>&1 &
pids+=($!)
# The gateway needs its signing key; the bench route is anonymous and one client must not be rate limited.
(cd "$root/gateway/Gateway" && ASPNETCORE_URLS=http://127.0.0.1:$gateway \
  InternalAuth__SigningKey="$(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0)" \
  Gateway__AnonymousRoutes__100='GET /api/bench/**' \
  RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
  ReverseProxy__Routes__bench__ClusterId=bench \
  ReverseProxy__Routes__bench__Match__Path='/api/bench/{**rest}' \
  ReverseProxy__Clusters__bench__Destinations__primary__Address=http://127.0.0.1:$backend \
  exec dotnet bin/Release/net10.0/Gateway.dll) >"$work/gateway.log" 2>&1 &
pids+=($!)
gateway_pid=$!

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
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

path=/api/bench/hello
wait_http "http://127.0.0.1:$backend$path"; wait_http "http://127.0.0.1:$gateway$path"; wait_http "http://127.0.0.1:$nginx_port$path"

# Warm up each (JIT, connection pools), then measure.
for port in $backend $gateway $nginx_port; do WRK_DURATION=3s wrk_run warm "http://127.0.0.1:$port$path" >/dev/null; done
direct=$(wrk_run direct "http://127.0.0.1:$backend$path")
via_gateway=$(wrk_run gateway "http://127.0.0.1:$gateway$path")
via_nginx=$(wrk_run nginx "http://127.0.0.1:$nginx_port$path")
gateway_rss=$(rss_mib "$gateway_pid")

direct_rps=$(awk '{print $2}' <<<"$direct")
table=$(printf '| path | requests/s | p50 ms | p99 ms | ratio to direct |\n|---|---|---|---|---|\n'
  for row in "$direct" "$via_gateway" "$via_nginx"; do
    awk -v d="$direct_rps" '{printf "| %s | %.0f | %s | %s | %.2f |\n", $1, $2, $3, $4, $2/d}' <<<"$row"
  done)
echo "$table"
echo "gateway RSS after the run: ${gateway_rss} MiB"

if [ $record = 1 ]; then
  {
    echo
    echo "### Gateway ($(date -u +%Y-%m-%d), wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-50} -d${WRK_DURATION:-10s})"
    echo
    echo 'Command: `bench/gateway/run.sh --record`'
    echo
    echo "$table"
    echo
    echo "Gateway resident memory after the run: ${gateway_rss} MiB."
  } >> "$root/bench/RESULTS.md"
fi
