// Renames the glue imports of a wasm-bindgen module (module "./<name>_bg.js") to short
// names, in the wasm and in its JavaScript glue alike. wasm-bindgen names each
// import after its Rust binding plus a hash (`__wbg_setattribute_3c9f…`):
// a hundred-odd such names, written twice, are incompressible bytes in the
// widget's first load.
// Usage: node short-imports.js module.wasm glue.js
const fs = require("fs");
const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = fs.readFileSync(wasmPath);

function readLeb(buf, at) {
  let value = 0, shift = 0, byte;
  do { byte = buf[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, at];
}
function leb(value) {
  const out = [];
  do { let byte = value & 0x7f; value = Math.floor(value / 128); if (value) byte |= 0x80; out.push(byte); } while (value);
  return Buffer.from(out);
}
function name(text) { const bytes = Buffer.from(text, "utf8"); return Buffer.concat([leb(bytes.length), bytes]); }
function readName(buf, at) { const [len, start] = readLeb(buf, at); return [buf.toString("utf8", start, start + len), start + len]; }
// The rest of an import after its names: kind byte and its description.
function skipDesc(buf, at) {
  const kind = buf[at++];
  const limits = (p) => { const flags = buf[p++]; p = readLeb(buf, p)[1]; return flags & 1 ? readLeb(buf, p)[1] : p; };
  if (kind === 0) return readLeb(buf, at)[1];
  if (kind === 1) return limits(at + 1);
  if (kind === 2) return limits(at);
  if (kind === 3) return at + 2;
  if (kind === 4) return readLeb(buf, at + 1)[1];
  throw new Error(`unknown import kind ${kind}`);
}

let at = 8, out = [wasm.subarray(0, 8)];
const renamed = new Map();
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = readLeb(wasm, at + 1);
  const end = body + size;
  if (id !== 2) { out.push(wasm.subarray(at, end)); at = end; continue; }
  let [count, p] = readLeb(wasm, body);
  const entries = [leb(count)];
  for (let i = 0; i < count; i++) {
    const [module, afterModule] = readName(wasm, p);
    const [field, afterField] = readName(wasm, afterModule);
    const descEnd = skipDesc(wasm, afterField);
    let short = field;
    if (module === "wbg" || module.endsWith("_bg.js")) {
      if (!renamed.has(field)) renamed.set(field, `_${renamed.size.toString(36)}`);
      short = renamed.get(field);
    }
    entries.push(name(module), name(short), wasm.subarray(afterField, descEnd));
    p = descEnd;
  }
  const section = Buffer.concat(entries);
  out.push(Buffer.from([2]), leb(section.length), section);
  at = end;
}

let js = fs.readFileSync(jsPath, "utf8");
// Longest first, whole names only, so that no name is cut inside another.
for (const [from, to] of [...renamed].sort((a, b) => b[0].length - a[0].length)) {
  const pattern = new RegExp(`\\b${from}\\b`, "g");
  const found = js.match(pattern);
  if (!found) throw new Error(`${from} is not in ${jsPath}`);
  js = js.replace(pattern, to);
}
fs.writeFileSync(wasmPath, Buffer.concat(out));
fs.writeFileSync(jsPath, js);
console.log(`short-imports: ${renamed.size} imports renamed in ${wasmPath}`);
