#!/usr/bin/env bash
# Builds the survey widget's own wasm bundle into target/site/pkg/widget/:
# cargo (wasm32, size-optimised profile) → wasm-bindgen (--target web) →
# wasm-opt -Oz (npm binaryen; Debian's breaks the wasm) → terser (the glue
# JavaScript) → boot.js.
# cargo-leptos builds the dashboard bundle; this one is separate so that
# visitors of a survey download only the widget.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.ci/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=${LEPTOS_SITE_ROOT:-target/site}/pkg/widget
wasm=target/wasm32-unknown-unknown/wasm-release/vox_widget.wasm

cargo build -p widget-frontend --lib --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" --out-name vox_widget "$wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types -o "$out.tmp/vox_widget_bg.wasm" "$out.tmp/vox_widget_bg.wasm"
# Property names stay (the wasm imports its glue by name); a quarter less to download.
terser "$out.tmp/vox_widget.js" --module --compress --mangle -o "$out.tmp/vox_widget.js"
# The page loads this module; it has no inline code, so the widget page's
# Content-Security-Policy needs no 'unsafe-inline' for scripts.
cat > "$out.tmp/boot.js" <<'JS'
import init, { hydrate } from "./vox_widget.js";
init({ module_or_path: new URL("./vox_widget_bg.wasm", import.meta.url) }).then(() => hydrate());
JS
# Precompressed copies (brotli at its best quality takes a second; the server
# serves these instead of compressing the bundle on every request).
node -e '
const fs = require("fs"), zlib = require("zlib"), dir = process.argv[1];
for (const f of fs.readdirSync(dir)) {
  const data = fs.readFileSync(`${dir}/${f}`);
  fs.writeFileSync(`${dir}/${f}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
  fs.writeFileSync(`${dir}/${f}.gz`, zlib.gzipSync(data, { level: 9 }));
}' "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
ls -l "$out"
