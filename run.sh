#!/usr/bin/env bash
# Runs the whole platform: installs what is missing, builds, and starts the Aspire AppHost, which starts PostgreSQL,
# Redis and RabbitMQ, the four services, the gateway on http://127.0.0.1:5080 and the Aspire dashboard on
# http://127.0.0.1:18888 (its login link is printed below).
#   ./run.sh              everything
#   ./run.sh --no-redis   without Redis (services use their in-memory cache)
#   ./run.sh --replicas 2 two instances of every service behind the gateway
# Ctrl+C (or SIGTERM) stops everything it started. `aspire run` (dotnet tool restore first) does the same.
set -euo pipefail
cd "$(dirname "$0")"
for arg in "$@"; do [ "$arg" = --no-redis ] && export NO_REDIS=1; done
source scripts/prerequisites.sh
ensure_platform_prerequisites

dotnet build aspire.sln -c Release -v quiet -nologo -clp:ErrorsOnly
# What AppHost/Properties/launchSettings.json gives `aspire run` and `dotnet run`: Development, and the dashboard on
# plain HTTP on loopback (no developer certificate needed).
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:18888}"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://127.0.0.1:18889}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://127.0.0.1:18890}"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
echo "Gateway: http://127.0.0.1:5080 (health: /health). Dashboard: $ASPNETCORE_URLS (login link below)."
exec dotnet AppHost/bin/Release/net10.0/AppHost.dll "$@"
