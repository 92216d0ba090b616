#!/usr/bin/env bash
# Builds Vox (release) and serves it on http://127.0.0.1:3000 with an embedded
# SQLite database under ./data/. Every VOX_* / DATABASE_URL variable applies.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
.ci/install-tools.sh
.ci/build.sh
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
exec target/release/vox
