#!/usr/bin/env bash
# The release build: server and dashboard bundle (cargo-leptos), then the
# widget bundle. Used by the run command and the test command alike.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release
.ci/build-widget.sh
# The embed loader, minified (the server falls back to the readable source).
terser server/assets/embed.js --compress --mangle --toplevel -o "${LEPTOS_SITE_ROOT:-target/site}/embed.js"
