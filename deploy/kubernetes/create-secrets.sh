#!/usr/bin/env bash
# Creates the platform's secrets in the cluster: keys generated here (never written to disk or the repo) and the
# connection strings of the external servers, taken from the environment:
#   IDENTITY_DB USERS_DB POOL_DB PROMO_DB  each service's own role on its own database (Npgsql connection strings)
#   MESSAGING                              amqp://user:password@host:5672/vhost
#   CACHE                                  host:6379,password=...,ssl=true (optional: without it, memory caches)
# A secret that exists is kept: generating its keys again would make the data they protect unreadable.
#   create-secrets.sh [--namespace NS] [--dry-run]   (--dry-run prints the Secrets as YAML instead)
set -euo pipefail
namespace=platform; dry_run=0
while [ $# -gt 0 ]; do
  case $1 in
    --namespace) namespace=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for name in IDENTITY_DB USERS_DB POOL_DB PROMO_DB MESSAGING; do
  [ -n "${!name:-}" ] || { echo "$name is not set" >&2; exit 2; }
done

key() { openssl rand -base64 32; }
signing_der=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0)
public_der=$(base64 -d <<<"$signing_der" | openssl pkey -inform DER -pubout -outform DER | base64 -w0)

secret() { # name, then key=value pairs
  local name=$1; shift
  local literals=() pair
  for pair in "$@"; do literals+=("--from-literal=$pair"); done
  if [ $dry_run = 1 ]; then
    echo "---"
    kubectl create secret generic "$name" --namespace "$namespace" "${literals[@]}" --dry-run=client -o yaml
  elif kubectl get secret "$name" --namespace "$namespace" >/dev/null 2>&1; then
    echo "secret/$name exists, kept"
  else
    kubectl create secret generic "$name" --namespace "$namespace" "${literals[@]}"
  fi
}

connections=("ConnectionStrings__messaging=$MESSAGING")
[ -n "${CACHE:-}" ] && connections+=("ConnectionStrings__cache=$CACHE")
secret connections "${connections[@]}"
secret internal-jwt-public-key "InternalAuth__PublicKey=$public_der"
secret gateway "InternalAuth__SigningKey=$signing_der"
secret identity "ConnectionStrings__identitydb=$IDENTITY_DB" "DataProtection__KeyEncryptionKey=$(key)" "Identity__SecretKey=$(key)"
secret users "ConnectionStrings__usersdb=$USERS_DB" "DataProtection__KeyEncryptionKey=$(key)"
secret pool "ConnectionStrings__pooldb=$POOL_DB" "DataProtection__KeyEncryptionKey=$(key)"
secret promo "ConnectionStrings__promodb=$PROMO_DB" "DataProtection__KeyEncryptionKey=$(key)" "Promo__PaymentSecret=$(key)"
