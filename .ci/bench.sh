#!/usr/bin/env bash
# The benchmark harness (README "Performance"): builds release, then runs
# vox-bench, which starts the real server on a fresh SQLite database and on a
# fresh PostgreSQL database, measures a trivial-handler ceiling in the same
# run, and prints a table; JSON goes to target/bench/ (git-ignored).
# Not part of the test command: its numbers are not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
.ci/install-tools.sh
.ci/build.sh
# Same features as cargo-leptos's server build, so nothing is compiled twice.
cargo build --release -p server --no-default-features --bin vox-bench
PG_ADMIN_URL=$(.ci/postgres.sh)
bench_db="vox_bench_$(date +%s)"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$bench_db\"" >/dev/null
trap 'psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$bench_db\" WITH (FORCE)" >/dev/null 2>&1 || true; .ci/postgres.sh stop || true' EXIT
VOX_BENCH_POSTGRES_URL="${PG_ADMIN_URL%/*}/$bench_db" target/release/vox-bench
