#!/usr/bin/env bash
# Runs the whole platform: installs what is missing, builds, and starts the AppHost, which starts
# PostgreSQL, Redis and RabbitMQ, the four services and the gateway on http://127.0.0.1:5080.
#   ./run.sh              everything
#   ./run.sh --no-redis   without Redis (services use their in-memory cache)
# Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
for arg in "$@"; do [ "$arg" = --no-redis ] && export NO_REDIS=1; done
source scripts/prerequisites.sh
ensure_platform_prerequisites

dotnet build aspire.sln -c Release -v quiet -nologo -clp:ErrorsOnly
exec dotnet AppHost/bin/Release/net10.0/AppHost.dll "$@"
