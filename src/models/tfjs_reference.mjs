// Helper of make_imagenet_model.py: reads nsfwjs's tfjs MobileNetV2 (model.min.js + base64
// weight shards, UMD modules) and runs the truncated network with TensorFlow.js itself, so that
// the ONNX export is checked against the library the weights were published for.
//
//   node tfjs_reference.mjs dump MODEL_DIR OUT_DIR
//       writes OUT_DIR/topology.json (Keras model config), weights.json (the weights manifest,
//       quantisation fields included) and weights.bin (the shards' bytes, concatenated)
//   node tfjs_reference.mjs run MODEL_DIR TFJS_DIR SIZE STAGE_LAYERS OUT_DIR [SECOND]
//       builds the Keras topology cut after the comma-separated STAGE_LAYERS (input SIZE x SIZE),
//       loads the weights with tfjs's own decoder (tf.io.decodeWeights: uint8 -> v * scale + min),
//       runs it on CPU (pure-JS backend) on the reference input and writes OUT_DIR/tfjs.json
//       (per output: shape, first64, sum, abs_sum) and OUT_DIR/<output>.f32 (all values).
//
// The reference input is input[i] = sin(0.001 * i) over the flat index of a [1, 3, SIZE, SIZE]
// NCHW tensor in the model's normalised space (x / 127.5 - 1), transposed to NHWC for tfjs.
// Outputs, named as in the ONNX graph:
//   patch_tokens_<block>  stage output, NHWC flattened to [1, rows*cols, C]; stages coarser than
//                         the first are resized to the first stage's grid with
//                         tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true)
//   patch_tokens_<block>_s<SECOND>
//                         with SECOND (one stage only): the same layers run on the reference input
//                         resized to SECOND x SECOND, their stage resized to the first grid, both
//                         with tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true)
//   image_embeds          mean over rows and cols of the last stage, before any resize
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

function loadUmd(file) {
  // The files are UMD bundles: given `module` and `exports` they assign module.exports. Evaluated
  // here rather than require()d, so that no package.json "type" can turn them into ES modules.
  const module = { exports: {} };
  new Function('module', 'exports', fs.readFileSync(file, 'utf8'))(module, module.exports);
  return module.exports;
}

function readModel(modelDir) {
  const model = loadUmd(path.join(modelDir, 'model.min.js'));
  const manifest = model.weightsManifest;
  const chunks = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const b64 = loadUmd(path.join(modelDir, p + '.min.js'));
      if (typeof b64 !== 'string') throw new Error(p + ': expected a base64 string');
      chunks.push(Buffer.from(b64, 'base64'));
    }
  }
  const bin = Buffer.concat(chunks);
  const specs = manifest.flatMap((g) => g.weights);
  let expected = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const bytes = s.quantization ? { uint8: 1, uint16: 2, float16: 2 }[s.quantization.dtype] : 4;
    expected += n * bytes;
  }
  if (expected !== bin.length) {
    throw new Error(`weights manifest wants ${expected} bytes, shards hold ${bin.length}`);
  }
  return { topology: model.modelTopology, specs, bin };
}

function dump(modelDir, outDir) {
  const { topology, specs, bin } = readModel(modelDir);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'topology.json'), JSON.stringify(topology));
  fs.writeFileSync(path.join(outDir, 'weights.json'), JSON.stringify(specs));
  fs.writeFileSync(path.join(outDir, 'weights.bin'), bin);
  console.log(`dumped ${specs.length} weights, ${bin.length} bytes`);
}

function truncate(topology, size, stages) {
  const t = JSON.parse(JSON.stringify(topology));
  const config = t.model_config.config;
  const last = Math.max(...stages.map((s) => config.layers.findIndex((l) => l.name === s)));
  for (const s of stages) {
    if (!config.layers.some((l) => l.name === s)) throw new Error('no layer ' + s);
  }
  config.layers = config.layers.slice(0, last + 1); // the layers list is in topological order
  const input = config.layers[0];
  input.config.batch_input_shape = [null, size, size, 3];
  config.output_layers = stages.map((s) => [s, 0, 0]);
  return t;
}

function summary(values, shape) {
  let sum = 0;
  let absSum = 0;
  for (const v of values) {
    sum += v;
    absSum += Math.abs(v);
  }
  return { shape, first64: Array.from(values.slice(0, 64)), sum, abs_sum: absSum };
}

async function cutModel(tf, topology, specs, bin, size, stages) {
  const model = await tf.models.modelFromJSON({ modelTopology: truncate(topology, size, stages) });
  const all = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), specs);
  const wanted = new Set(model.weights.map((w) => w.originalName));
  const used = {};
  for (const name of Object.keys(all)) {
    if (wanted.has(name)) used[name] = all[name];
  }
  model.loadWeights(used, true); // strict: every weight of the cut model must be set
  return model;
}

async function run(modelDir, tfjsDir, size, stageList, outDir, second) {
  const tf = createRequire(path.resolve(tfjsDir) + '/')('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  const stages = stageList.split(',');
  const { topology, specs, bin } = readModel(modelDir);
  const model = await cutModel(tf, topology, specs, bin, size, stages);

  const n = 3 * size * size;
  const nchw = new Float32Array(n);
  for (let i = 0; i < n; i++) nchw[i] = Math.fround(Math.sin(0.001 * i));
  const x = tf.tensor4d(nchw, [1, 3, size, size]).transpose([0, 2, 3, 1]);
  const t0 = Date.now();
  let outs = model.predict(x);
  if (!Array.isArray(outs)) outs = [outs];
  const [, rows, cols] = outs[0].shape;
  const record = {
    backend: tf.getBackend(),
    version: tf.version.tfjs,
    stages,
    input: { shape: [1, 3, size, size], formula: 'input[i] = sin(0.001 * i) over the flat row-major index' },
    outputs: {},
  };
  fs.mkdirSync(outDir, { recursive: true });
  const emit = (name, tensor) => {
    const values = tensor.dataSync();
    const shape = tensor.shape.length === 4
      ? [tensor.shape[0], tensor.shape[1] * tensor.shape[2], tensor.shape[3]]
      : tensor.shape;
    record.outputs[name] = summary(values, shape);
    fs.writeFileSync(path.join(outDir, name + '.f32'), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  };
  for (let s = 0; s < stages.length; s++) {
    const block = stages[s].match(/^block_(\d+)_/)[1];
    const out = outs[s].shape[1] === rows && outs[s].shape[2] === cols
      ? outs[s]
      : tf.image.resizeBilinear(outs[s], [rows, cols], false, true);
    emit('patch_tokens_' + block, out);
  }
  if (second) {
    if (stages.length !== 1) throw new Error('a second scale takes one stage');
    const small = await cutModel(tf, topology, specs, bin, second, stages);
    const resized = tf.image.resizeBilinear(x, [second, second], false, true);
    const out = tf.image.resizeBilinear(small.predict(resized), [rows, cols], false, true);
    emit('patch_tokens_' + stages[0].match(/^block_(\d+)_/)[1] + '_s' + second, out);
  }
  emit('image_embeds', tf.mean(outs[outs.length - 1], [1, 2]));
  record.millis = Date.now() - t0;
  fs.writeFileSync(path.join(outDir, 'tfjs.json'), JSON.stringify(record, null, 1));
  console.log(`tfjs ${record.version} (${record.backend}): ${Object.keys(record.outputs).join(', ')} in ${record.millis} ms`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'dump' && args.length === 2) {
  dump(args[0], args[1]);
} else if (mode === 'run' && (args.length === 5 || args.length === 6)) {
  await run(args[0], args[1], parseInt(args[2], 10), args[3], args[4],
    args.length === 6 ? parseInt(args[5], 10) : 0);
} else {
  console.error('usage: node tfjs_reference.mjs dump MODEL_DIR OUT_DIR | run MODEL_DIR TFJS_DIR SIZE STAGE_LAYERS OUT_DIR [SECOND]');
  process.exit(2);
}
