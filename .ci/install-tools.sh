#!/usr/bin/env bash
# Installs every build and test tool Vox needs, from crates.io, npm and Debian only.
# Idempotent: each step checks first, so a second run takes seconds.
# Usage: .ci/install-tools.sh [--with-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
CARGO_LEPTOS_VERSION=0.3.11
WASM_SPLIT_VERSION=0.2.3
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1;34m[install]\033[0m %s\n' "$*"; }

# Unpacks a crate that `cargo info` has put into the local registry cache and
# prints the directory; used for tools whose own lock file pins crates that no
# longer build here (pinned below).
unpack_crate() {
  local name=$1 version=$2 dest
  cargo info "$name@$version" >/dev/null 2>&1 || true
  local crate
  crate=$(ls "$HOME"/.cargo/registry/cache/index.crates.io-*/"$name-$version.crate" 2>/dev/null | head -n1)
  [ -n "$crate" ] || { echo "could not download $name $version from crates.io" >&2; exit 1; }
  dest=$(mktemp -d)
  tar -xzf "$crate" -C "$dest"
  echo "$dest/$name-$version"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes, once per machine)"
  src=$(unpack_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  # Its lock file pins webpki-roots 1.0.11, which crates.io no longer serves.
  (cd "$src" && cargo update -p webpki-roots --precise 1.0.10 && cargo install --path . --locked --force)
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once per machine)"
  src=$(unpack_crate cargo-leptos "$CARGO_LEPTOS_VERSION")
  # Its lock pins cargo-util-schemas 0.14.2, which needs a newer rustc than this machine has.
  # no_downloads: use wasm-bindgen and wasm-opt from PATH instead of fetching binaries.
  (cd "$src" && cargo update -p cargo-util-schemas --precise 0.14.1 \
     && cargo install --path . --locked --features no_downloads --force)
fi

# Splits the every-type widget bundle into a main module and per-control chunks
# (.ci/build-widget.sh); the version must match leptos' wasm_split_helpers.
if [ ! -x "$HOME/.cargo/bin/wasm-split-cli" ] || [ "$(cat "$HOME/.cargo/.wasm-split-version" 2>/dev/null)" != "$WASM_SPLIT_VERSION" ]; then
  log "building wasm-split-cli $WASM_SPLIT_VERSION (about a minute, once per machine)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary --force
  echo "$WASM_SPLIT_VERSION" > "$HOME/.cargo/.wasm-split-version"
fi

# wasm-opt from npm: Debian's binaryen 108 silently breaks the release wasm.
if [ ! -x .ci/tools/node_modules/.bin/wasm-opt ] || ! cmp -s .ci/tools/package-lock.json .ci/tools/node_modules/.installed-lock.json; then
  log "installing wasm-opt (npm binaryen), terser and zopfli"
  (cd .ci/tools && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock.json)
fi

if [ "${1:-}" = "--with-browser" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  # Reinstall whenever the lock file changed since the last install.
  if ! cmp -s end2end/package-lock.json end2end/node_modules/.installed-lock.json; then
    log "installing the end-to-end test packages (Playwright runner; the browser is Debian's)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
      && cp package-lock.json node_modules/.installed-lock.json)
  fi
fi
log "tools ready"
