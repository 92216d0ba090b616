#!/usr/bin/env bash
# Builds the survey widget's own wasm bundle into target/site/pkg/widget/:
# cargo (wasm32, size-optimised profile) → wasm-bindgen (--target web) →
# short import names (.ci/tools/short-imports.js) → wasm-opt -Oz (npm
# binaryen; Debian's breaks the wasm) → terser (the glue JavaScript) → boot.js.
# cargo-leptos builds the dashboard bundle; this one is separate so that
# visitors of a survey download only the widget.
# Two widget bundles: pkg/widget/ for surveys of the seven classic question
# types, and pkg/widget/every-type/ for the rest, split into a main module
# (renders and hydrates the form) and chunks fetched once it has hydrated:
# the survey's rules (app/src/widget/engine.rs) and the rarer controls (only
# for surveys that use them); the survey page picks the smaller bundle when
# it suffices.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
site=${LEPTOS_SITE_ROOT:-target/site}/pkg/widget
wasm=target/wasm32-unknown-unknown/wasm-release/vox_widget.wasm

# bundle OUT_DIR [CARGO_FEATURES]: one bundle, built, optimised and precompressed into OUT_DIR.
bundle() {
  local out=$1
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  if [[ ${2:-} == *split* ]]; then
    # Split points (app/src/widget/engine.rs, newer_controls.rs) become
    # chunks of their own, fetched on demand: the linker keeps its relocations for
    # wasm_split_cli, which writes the main module, the chunks and their
    # loader (__wasm_split.js); wasm-bindgen then makes the main module's glue.
    cargo rustc -p widget-frontend --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm-release \
      --features "$2" -- -C link-args=--emit-relocs
    wasm-split-cli --target web --out-name vox_widget "$wasm" "$out.tmp"
    wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$out.tmp" \
      --out-name vox_widget "$out.tmp/vox_widget.wasm"
    rm "$out.tmp/vox_widget.wasm"
  else
    cargo build -p widget-frontend --lib --target wasm32-unknown-unknown --profile wasm-release ${2:+--features "$2"}
    wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" --out-name vox_widget "$wasm"
  fi
  # The glue's imports get short names (wasm-bindgen's carry a hash each: 4 KB gzip of the first load).
  node .ci/tools/short-imports.js "$out.tmp/vox_widget_bg.wasm" "$out.tmp/vox_widget.js"
  # Two -Oz rounds: the second finds what the first one's inlining and merging
  # exposed (about 0.6 KB gzip); the toolchain's name sections are dropped.
  local features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types"
  for module in "$out.tmp"/*.wasm; do
    wasm-opt -Oz $features -o "$module" "$module"
    wasm-opt -Oz --strip-producers --strip-target-features $features -o "$module" "$module"
  done
  # Property names stay (the wasm imports its glue by name); a quarter less to download.
  for script in "$out.tmp"/*.js; do
    terser "$script" --module --compress --mangle -o "$script"
  done
  # The page loads this module; it has no inline code, so the widget page's
  # Content-Security-Policy needs no 'unsafe-inline' for scripts.
  cat > "$out.tmp/boot.js" <<'JS'
import init, { hydrate } from "./vox_widget.js";
init({ module_or_path: new URL("./vox_widget_bg.wasm", import.meta.url) }).then(() => hydrate());
JS
  # Precompressed copies, made once here rather than by the server on every
  # request: brotli at its best quality, and gzip by zopfli (a better deflate
  # encoder that any gzip reader decodes; ~5 % smaller than gzip -9).
  NODE_PATH="$PWD/.ci/tools/node_modules" node -e '
  const fs = require("fs"), zlib = require("zlib"), zopfli = require("@gfx/zopfli"), dir = process.argv[1];
  (async () => {
    for (const f of fs.readdirSync(dir)) {
      const data = fs.readFileSync(`${dir}/${f}`);
      fs.writeFileSync(`${dir}/${f}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      const gz = await zopfli.gzipAsync(data, { numiterations: 15 });
      if (!zlib.gunzipSync(gz).equals(data)) throw new Error(`zopfli round trip failed for ${f}`);
      fs.writeFileSync(`${dir}/${f}.gz`, gz);
    }
  })().catch((e) => { console.error(e); process.exit(1); });' "$out.tmp"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

bundle "$site.every-type" split
bundle "$site" classic
rm -rf "$site/every-type" && mv "$site.every-type" "$site/every-type"
ls -l "$site" "$site/every-type"
