#!/usr/bin/env sh
# Writes deploy/.env (passwords and the metrics token, mode 0600, ignored by git) and a self-signed certificate for
# the proxy in deploy/compose/tls/, unless they exist. Replace the certificate with your own (cert.pem, key.pem).
#   deploy/compose/generate-secrets.sh [public URL, default https://localhost]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
env_file="$here/../.env"
public_url=${1:-https://localhost}
umask 077

if [ -e "$env_file" ]; then
  echo "$env_file exists; leaving it as it is" >&2
else
  {
    echo "PUBLIC_URL=$public_url"
    echo "POSTGRES_PASSWORD=$(openssl rand -hex 32)"
    echo "REDIS_PASSWORD=$(openssl rand -hex 32)"
    echo "METRICS_TOKEN=$(openssl rand -hex 32)"
  } >"$env_file"
  echo "wrote $env_file"
fi

mkdir -p "$here/tls"
if [ -e "$here/tls/key.pem" ]; then
  echo "$here/tls/key.pem exists; leaving it as it is" >&2
else
  host=$(printf '%s' "$public_url" | sed -e 's|^[a-z]*://||' -e 's|[:/].*$||')
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 397 \
    -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
    -keyout "$here/tls/key.pem" -out "$here/tls/cert.pem" 2>/dev/null
  # nginx reads the key as root before it drops privileges; unprivileged images need it readable by their user.
  chmod 644 "$here/tls/cert.pem"
  echo "wrote a self-signed certificate for $host to $here/tls/"
fi
