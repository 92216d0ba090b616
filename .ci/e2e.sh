#!/usr/bin/env bash
# Starts the release build on a fresh database and runs the Playwright suite against it.
# Usage: .ci/e2e.sh sqlite | .ci/e2e.sh <postgres database url> <postgres admin url>
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${VOX_E2E_PORT:-3107}
work=$(mktemp -d)

if [ "$1" = sqlite ]; then
  database_url="sqlite://$work/vox.db"
else
  database_url=$1
  psql "$2" -qc "CREATE DATABASE \"${database_url##*/}\"" >/dev/null
fi

if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "port $PORT is already serving something; stop it or set VOX_E2E_PORT" >&2; exit 1
fi

# A real SMTP server (aiosmtpd) that keeps what it receives, for the invitation tests.
python3 end2end/support/smtp_sink.py >"$work/smtp.log" 2>&1 &
smtp_pid=$!
trap 'kill $smtp_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '^ready' "$work/smtp.log" 2>/dev/null && break; sleep 0.1; done
read -r _ smtp_port smtp_api_port < <(grep '^ready' "$work/smtp.log") || { cat "$work/smtp.log" >&2; exit 1; }

# Rate limits are tested by the Rust suite; here they would only throttle the fuzzer.
VOX_ADDR=127.0.0.1:$PORT DATABASE_URL=$database_url LEPTOS_SITE_ROOT=target/site VOX_LOG=warn \
  VOX_API_RATE_LIMIT=1000000 VOX_PUBLIC_RATE_LIMIT=1000000 \
  VOX_WEBHOOK_ALLOW_NETS=127.0.0.1/32 VOX_WEBHOOK_ALLOW_HTTP=true \
  VOX_SMTP_URL="smtp://127.0.0.1:$smtp_port" \
  target/release/vox >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid $smtp_pid 2>/dev/null; wait $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

healthy=false
for _ in $(seq 1 150); do
  kill -0 $server_pid 2>/dev/null || break
  if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then healthy=true; break; fi
  sleep 0.2
done
if [ "$healthy" != true ]; then
  echo "the server did not become healthy" >&2; cat "$work/server.log" >&2; exit 1
fi

# A customer's site on another origin, for the embed tests.
SITE_PORT=${VOX_E2E_SITE_PORT:-3108}
# Its Content-Security-Policy names Vox's address, so it is served with this run's port.
cp -r end2end/customer-site "$work/site"
sed -i "s#http://127.0.0.1:3107#http://127.0.0.1:$PORT#g" "$work/site/index.html"
python3 -m http.server "$SITE_PORT" --bind 127.0.0.1 --directory "$work/site" >"$work/site.log" 2>&1 &
site_pid=$!
trap 'kill $server_pid $site_pid $smtp_pid 2>/dev/null; wait $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

if ! (cd end2end && VOX_E2E_BASE_URL="http://127.0.0.1:$PORT" VOX_E2E_SITE_URL="http://127.0.0.1:$SITE_PORT" \
    VOX_E2E_SMTP_API="http://127.0.0.1:$smtp_api_port" VOX_E2E_SMTP_PORT="$smtp_port" npx playwright test); then
  echo "--- server log ---"; tail -n 100 "$work/server.log"; exit 1
fi

if [ "${VOX_E2E_SCHEMATHESIS:-}" = 1 ]; then
  echo "== schemathesis against /api/openapi.json =="
  if ! .ci/schemathesis.sh "http://127.0.0.1:$PORT"; then
    echo "--- server log ---"; tail -n 100 "$work/server.log"; exit 1
  fi
fi
