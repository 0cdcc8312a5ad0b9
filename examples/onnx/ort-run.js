// Runs an ONNX model in onnxruntime-node (CPU) on raw little-endian f32
// inputs and writes raw f32 outputs: the reference for mlir-prune's ONNX
// tests and walkthrough.
//   node ort-run.js <npm_dir> <model.onnx> <out prefix> name=d0,d1,..:file.f32 ...
// Writes <out prefix>.<k>.f32 per output and prints "k name shape" lines.
const path = require('path');
const fs = require('fs');
const [npmDir, model, outPrefix, ...specs] = process.argv.slice(2);
const ort = require(path.join(path.resolve(npmDir), 'node_modules', 'onnxruntime-node'));
(async () => {
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  for (const spec of specs) {
    // Names may hold ':' and '=' (onnx::Gemm_0): split at the last ones.
    const colon = spec.lastIndexOf(':');
    const lhs = spec.slice(0, colon), file = spec.slice(colon + 1);
    const eq = lhs.lastIndexOf('=');
    const name = lhs.slice(0, eq), dims = lhs.slice(eq + 1);
    const shape = dims.split(',').map(Number);
    const buf = fs.readFileSync(file);
    const data = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(data), shape);
  }
  const results = await session.run(feeds);
  session.outputNames.forEach((name, k) => {
    const t = results[name];
    fs.writeFileSync(`${outPrefix}.${k}.f32`, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    console.log(`${k} ${name} ${t.dims.join(',')}`);
  });
})().catch((e) => { console.error(String(e)); process.exit(1); });
