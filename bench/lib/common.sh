# Shared by the benchmark scripts: free ports, waiting for HTTP, wrk runs, process memory.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() { # wait_http URL [seconds]
  local deadline=$((SECONDS + ${2:-60}))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "timed out waiting for $1" >&2; return 1; }
    sleep 0.2
  done
}

# wrk_run LABEL URL -> prints "LABEL rps p50_ms p99_ms" using wrk's latency distribution; WRK_HEADER, when set, is
# sent with every request. Any non-2xx answer fails the run: its figure would mean nothing.
wrk_run() {
  local out; out=$(wrk -t"${WRK_THREADS:-1}" -c"${WRK_CONNECTIONS:-50}" -d"${WRK_DURATION:-10s}" --latency ${WRK_HEADER:+-H "$WRK_HEADER"} "$2")
  grep -q "Non-2xx" <<<"$out" && { echo "$1: non-2xx answers from $2" >&2; echo "$out" >&2; return 1; }
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$1 $rps $(to_ms "$p50") $(to_ms "$p99")"
}

to_ms() { # wrk prints 512.00us, 1.23ms or 1.02s
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

# cpu_ticks PID -> user+system CPU of PID and its direct children, in clock ticks (nginx's worker is a child).
cpu_ticks() {
  local t=0 p
  for p in $1 $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    t=$((t + $(awk '{print $14+$15}' /proc/"$p"/stat 2>/dev/null || echo 0)))
  done
  echo $t
}

# wrk_cpu_run LABEL URL PROXY_PID BACKEND_PID -> "LABEL rps p50 p99 proxy_us_per_req backend_us_per_req":
# CPU time per request is what the throughput ratio hides when cores are shared.
wrk_cpu_run() {
  local hz; hz=$(getconf CLK_TCK)
  local p0 b0 p1 b1 line
  p0=$(cpu_ticks "$3"); b0=$(cpu_ticks "$4")
  line=$(wrk_run "$1" "$2") || return 1
  p1=$(cpu_ticks "$3"); b1=$(cpu_ticks "$4")
  awk -v l="$line" -v p=$((p1 - p0)) -v b=$((b1 - b0)) -v hz="$hz" -v d="${WRK_DURATION:-10s}" 'BEGIN {
    split(l, f, " "); secs = d + 0; n = f[2] * secs
    printf "%s %.1f %.1f\n", l, p * 1e6 / hz / n, b * 1e6 / hz / n }'
}

# apphost_ports DATA_DIR -> sets the array `args` (data directory and a free port per resource) and $gateway, and
# exports what the AppHost needs to run as run.sh runs it: Development, its dashboard on plain HTTP at free ports.
apphost_ports() {
  export DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
  ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)"
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)"
  export ASPNETCORE_URLS ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL
  args=(--data-dir "$1")
  local name port
  for name in gateway identity users pool promo postgres cache messaging; do
    port=$(free_port); args+=("--Ports:$name=$port"); [ $name = gateway ] && gateway=$port
  done
  return 0
}

# nginx_head WORK -> the start of a one-worker nginx.conf keeping its pid and error log in WORK; add the http block.
nginx_head() {
  printf 'worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log;\nevents { worker_connections 1024; }\n' "$1" "$1"
}
