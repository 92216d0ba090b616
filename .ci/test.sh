#!/usr/bin/env bash
# Runs every test of Vox on a fresh or prepared machine:
#   1. installs the tools it needs (idempotent);
#   2. Rust unit and integration tests on SQLite, then the integration tests on PostgreSQL;
#   3. a release build, then the Playwright suite in Debian Chromium against it,
#      once on SQLite and once on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
# Incremental caches only help when editing; in a test run they cost tens of GB.
export CARGO_INCREMENTAL=0

step() { printf '\n\033[1;34m== %s ==\033[0m\n' "$*"; }
started=$(date +%s)

step "tools"
.ci/install-tools.sh --with-browser
python3 -m pip install -q --disable-pip-version-check 'schemathesis>=4.3,<5' 'standardwebhooks>=1.0' 'aiosmtpd>=1.4' 2>&1 | grep -v "Running pip as the 'root' user" || true

step "PostgreSQL"
PG_ADMIN_URL=$(.ci/postgres.sh)
echo "using $PG_ADMIN_URL"
drop_test_databases() {
  { psql "$PG_ADMIN_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'vox_test_%' OR datname LIKE 'vox_e2e_%'" 2>/dev/null || true; } \
    | while read -r db; do psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true; done
}
drop_test_databases
# Cleanup must never turn a passing run into a failure.
trap 'status=$?; drop_test_databases; .ci/postgres.sh stop || true; exit $status' EXIT

step "Rust tests on SQLite"
VOX_TEST_DATABASE=sqlite cargo test -p app -p server

step "Rust integration tests on PostgreSQL"
VOX_TEST_DATABASE=postgres TEST_DATABASE_URL="$PG_ADMIN_URL" cargo test -p app -p server

step "release build"
.ci/build.sh

step "Playwright and schemathesis on SQLite"
VOX_E2E_SCHEMATHESIS=1 .ci/e2e.sh sqlite

step "Playwright on PostgreSQL"
.ci/e2e.sh "${PG_ADMIN_URL%/*}/vox_e2e_$(date +%s)" "$PG_ADMIN_URL"

echo
echo "all tests passed in $(( $(date +%s) - started )) s"
