#!/usr/bin/python3
"""Builds src/models/imagenet-mnv2/: the early stages of an ImageNet MobileNetV2 as a patch-feature
image tower (kind "cnn", no text tower) for rarity-only scoring (PatchCore / MuSc style).

No model hub is reachable from here, but the npm registry is: nsfwjs@4.4.0 (MIT) ships a Keras
MobileNetV2 (alpha 1.0, 224) in TensorFlow.js layers format. Its authors fine-tuned it from
`block_11_expand` on (the topology marks every layer before it `trainable: false`), so the
convolution kernels and BatchNorm gamma/beta of the stem and blocks 0..10 are Keras's ImageNet
weights, stored uint8-quantised (tfjs: value = q * scale + min). Their BatchNorm moving statistics
are not ImageNet's: they match inputs scaled x / 255 (what nsfwjs feeds), not Keras's
x / 127.5 - 1, so they were re-estimated during fine-tuning (see preprocessing_check).
The default export is block 12, one of the two fine-tuned stride-16 blocks (11, 12): on the shared
tune splits its patches separated defects better than any frozen block (docs/QUALITY.md), and
PROVENANCE.md names the fine-tuned layers it includes.

Run from the repository root (needs node 20 + npm with registry access, python3-numpy,
python3-onnx, python3-scipy for the check photo):

    /usr/bin/python3 src/models/make_imagenet_model.py             # rewrites src/models/imagenet-mnv2/
    /usr/bin/python3 src/models/make_imagenet_model.py --size 320 --blocks 10 --out /tmp/mnv2-320
    /usr/bin/python3 src/models/make_imagenet_model.py --second-scale 160 \
        --views IDENTITY,HFLIP,VFLIP,ROT180 --out /tmp/mnv2-224+160

Steps: `npm pack nsfwjs@4.4.0` into the cache (integrity checked), `npm install
@tensorflow/tfjs@4.22.0` there (pure JS, CPU backend); tfjs_reference.mjs dumps the topology and
weights; numpy dequantises, folds BatchNorm into the convolutions and writes the ONNX graph (opset
17, symbolic batch); the graph (run by a small numpy interpreter) and an unfolded float64 numpy
forward of the Keras layers are both compared with tfjs's own output of the truncated Keras model
on the reference input; reference.json records tfjs's output for the Java contract test.

Outputs of image.onnx (input pixel_values float32 [N, 3, S, S], RGB, normalised per manifest):
  patch_tokens_<b>  output of block b (block_b_add, or block_b_project_BN where the block has no
                    residual), [N, rows*cols, C] row-major over the grid of the first (finest)
                    exported block; coarser blocks are resized to it bilinearly (ONNX Resize
                    linear/half_pixel = tf.image.resizeBilinear(halfPixelCenters=true) = PyTorch
                    align_corners=False). No neighbourhood averaging: the scorer does it.
  patch_tokens_<b>_s<PX>
                    with --second-scale PX (one block): the same layers run again on the input
                    resized to PX x PX in the graph (linear/half_pixel), block b's grid resized to
                    the first; manifest layer SECOND_SCALE_LAYER + b. Not the default: it measured
                    best on the tune splits with four views, short of the adoption margin, at about
                    twice the compute (docs/QUALITY.md).
  image_embeds      mean over the grid of the last exported block, before any resize, [N, C].
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = 'nsfwjs@4.4.0'
INTEGRITY = ('sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa'
             '7dc+MA==')
TFJS = '@tensorflow/tfjs@4.22.0'
MODEL_SUBDIR = 'package/dist/models/mobilenet_v2'
LAST_IMAGENET_BLOCK = 10  # block_11_expand and later are trainable in the topology: fine-tuned
# Blocks 11 and 12 (stride 16, 96 channels, like block 10) were fine-tuned by the nsfwjs authors from
# the ImageNet weights; they may be exported, and PROVENANCE.md then says which layers were. Block 13
# (stride 32) and later are the classifier's: too coarse for patches, refused.
LAST_BLOCK = 12
# A manifest's layer numbers name its patch outputs and are unique; the block run a second time on
# the downscaled input (--second-scale) is numbered this much above the block (block 12 -> 112).
SECOND_SCALE_LAYER = 100
# Preprocessing, established by preprocessing_check() (rerun on every build; the build fails if
# it disagrees): the BatchNorm moving statistics of the stem and blocks 0..10 match a photo scaled
# x / 255 and not Keras's x / 127.5 - 1, and nsfwjs's own classify() feeds img / 255 (RGB). So the
# tensor is plain [0, 1] RGB: mean 0, std 1. (Keras's ImageNet MobileNetV2 itself expects
# x / 127.5 - 1, i.e. mean 0.5 std 0.5; these weights no longer do, see PROVENANCE.md.)
MEAN = [0.0, 0.0, 0.0]
STD = [1.0, 1.0, 1.0]
INPUT_SCALE, INPUT_OFFSET = 1.0 / 255.0, 0.0  # the same rule on 0..255 pixels
TOLERANCE = 1e-4  # the contract tests' (first 64 values and sums, absolute up to 1, relative above)
# Every value: float32 through 20-odd layers (BatchNorm scales up to ~30 where a quantised variance
# is 0) is about 1e-4 from float64 at worst in tfjs and in the folded graph alike, so two float32
# implementations may differ by twice that (seen: 1.3e-4 for block 2 at 256 px, 3.9e-5 at the default).
ALL_VALUES_TOLERANCE = 3e-4


# ---------------------------------------------------------------- fetching
def run(cmd, cwd=None):
    print('+ ' + ' '.join(cmd), file=sys.stderr)
    return subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.PIPE, text=True).stdout


def fetch(cache):
    """npm pack the pinned package into the cache, check its integrity, extract the model."""
    os.makedirs(cache, exist_ok=True)
    tarball = os.path.join(cache, 'nsfwjs-4.4.0.tgz')
    if not os.path.exists(tarball):
        run(['npm', 'pack', PACKAGE, '--silent'], cwd=cache)
    with open(tarball, 'rb') as fh:
        data = fh.read()
    integrity = 'sha512-' + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if integrity != INTEGRITY:
        sys.exit('%s: integrity %s, expected %s' % (tarball, integrity, INTEGRITY))
    pkg = os.path.join(cache, 'package')
    if not os.path.exists(os.path.join(cache, MODEL_SUBDIR, 'model.min.js')):
        with tarfile.open(tarball) as tar:
            members = [m for m in tar.getmembers() if m.isfile() and (
                m.name in ('package/LICENSE', 'package/package.json')
                or m.name.startswith(MODEL_SUBDIR + '/')) and '..' not in m.name.split('/')]
            tar.extractall(cache, members=members)  # regular files under package/ only
    with open(os.path.join(pkg, 'package.json')) as fh:
        meta = json.load(fh)
    return {'dir': os.path.join(cache, MODEL_SUBDIR), 'license': os.path.join(pkg, 'LICENSE'),
            'integrity': integrity, 'sha1': hashlib.sha1(data).hexdigest(),
            'version': meta['version'], 'license_id': meta.get('license')}


def ensure_tfjs(cache):
    tfjs = os.path.join(cache, 'tfjs')
    if not os.path.exists(os.path.join(tfjs, 'node_modules', '@tensorflow', 'tfjs', 'package.json')):
        os.makedirs(tfjs, exist_ok=True)
        run(['npm', 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', tfjs, TFJS])
    return tfjs


# ---------------------------------------------------------------- Keras topology and weights
def load_keras(dump):
    with open(os.path.join(dump, 'topology.json')) as fh:
        topo = json.load(fh)
    with open(os.path.join(dump, 'weights.json')) as fh:
        specs = json.load(fh)
    with open(os.path.join(dump, 'weights.bin'), 'rb') as fh:
        blob = fh.read()
    weights, quant, off = {}, {}, 0
    for s in specs:
        n = int(np.prod(s['shape']))
        q = s.get('quantization')
        if s['dtype'] != 'float32':
            sys.exit('weight %s: dtype %s not supported' % (s['name'], s['dtype']))
        if q is None:
            v = np.frombuffer(blob, '<f4', n, off).astype(np.float32)
            off += 4 * n
        elif q['dtype'] == 'uint8' and 'min' in q and 'scale' in q:
            # tfjs io.decodeWeights: values[i] = v * scale + min (float64 maths, stored float32)
            v = (np.frombuffer(blob, np.uint8, n, off).astype(np.float64) * q['scale']
                 + q['min']).astype(np.float32)
            off += n
            quant[q['dtype']] = quant.get(q['dtype'], 0) + 1
        else:
            sys.exit('weight %s: quantization %s not supported' % (s['name'], q))
        weights[s['name']] = v.reshape(s['shape'])
    if off != len(blob):
        sys.exit('weights.bin: %d bytes, manifest uses %d' % (len(blob), off))
    layers = topo['model_config']['config']['layers']
    return layers, weights, quant, topo.get('keras_version')


def stage_layer(layers, block):
    names = {l['name'] for l in layers}
    prefix = 'expanded_conv' if block == 0 else 'block_%d' % block
    for suffix in ('_add', '_project_BN'):
        if prefix + suffix in names:
            return prefix + suffix
    sys.exit('MobileNetV2 has no block %d' % block)


def cut(layers, stages):
    """Layers needed for the stages (the list is in topological order), and those of them that the
    nsfwjs authors fine-tuned (`trainable` in the topology): the provenance names them."""
    idx = {l['name']: i for i, l in enumerate(layers)}
    last = max(idx[s] for s in stages)
    kept = layers[:last + 1]
    thawed = [l['name'] for l in kept if l['config'].get('trainable', False)]
    return kept, thawed


def inbound(layer):
    return [n[0] for n in layer['inbound_nodes'][0]] if layer['inbound_nodes'] else []


# ---------------------------------------------------------------- numpy forward (Keras semantics)
def _conv_nhwc(x, k, stride, depthwise):
    """x [N,H,W,C] already padded, k [kh,kw,C,O] (depthwise: [kh,kw,C,1]); valid cross-correlation."""
    kh, kw = k.shape[:2]
    H = (x.shape[1] - kh) // stride + 1
    W = (x.shape[2] - kw) // stride + 1
    out = None
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * (H - 1) + 1:stride, j:j + stride * (W - 1) + 1:stride, :]
            t = patch * k[i, j, :, 0] if depthwise else np.tensordot(patch, k[i, j], axes=([3], [0]))
            out = t if out is None else out + t
    return out


def _same_pad(k, stride):
    if stride != 1:
        sys.exit("padding 'same' with stride %d not supported (Keras pads explicitly)" % stride)
    return (k - 1) // 2, k - 1 - (k - 1) // 2


def keras_forward(layers, W, x, stats=None):
    """Unfolded float64 forward of the Keras layers on NHWC x. Returns {layer name: NHWC output}.
    With stats (a dict), records the per-channel mean and variance of every BatchNorm's input."""
    env = {}
    for l in layers:
        c, name, cls = l['config'], l['name'], l['class_name']
        ins = [env[n] for n in inbound(l)]
        if cls == 'InputLayer':
            y = x.astype(np.float64)
        elif cls == 'ZeroPadding2D':
            (t, b), (le, r) = c['padding']
            y = np.pad(ins[0], ((0, 0), (t, b), (le, r), (0, 0)))
        elif cls in ('Conv2D', 'DepthwiseConv2D'):
            dw = cls == 'DepthwiseConv2D'
            k = W[name + ('/depthwise_kernel' if dw else '/kernel')].astype(np.float64)
            assert c['dilation_rate'] == [1, 1] and c['activation'] == 'linear'
            assert c['strides'][0] == c['strides'][1] and not c['use_bias']
            if dw:
                assert c.get('depth_multiplier', 1) == 1
            s = c['strides'][0]
            inp = ins[0]
            if c['padding'] == 'same':
                ph, pw = _same_pad(k.shape[0], s), _same_pad(k.shape[1], s)
                inp = np.pad(inp, ((0, 0), ph, pw, (0, 0)))
            y = _conv_nhwc(inp, k, s, dw)
        elif cls == 'BatchNormalization':
            assert c['center'] and c['scale'] and c['axis'] in (-1, 3)
            if stats is not None:
                stats[name] = (ins[0].mean((0, 1, 2)), ins[0].var((0, 1, 2)))
            g, b = W[name + '/gamma'].astype(np.float64), W[name + '/beta'].astype(np.float64)
            m, v = W[name + '/moving_mean'].astype(np.float64), W[name + '/moving_variance'].astype(np.float64)
            y = (ins[0] - m) / np.sqrt(v + c['epsilon']) * g + b
        elif cls == 'ReLU':
            assert c.get('negative_slope', 0) == 0 and c.get('threshold', 0) == 0
            y = np.clip(ins[0], 0, c['max_value'])
        elif cls == 'Add':
            y = ins[0] + ins[1]
        else:
            sys.exit('layer %s: %s not supported' % (name, cls))
        env[name] = y
    return env


def upsample_bilinear(x, rows, cols):
    """NCHW bilinear resize with half-pixel centres (source = (dst + 0.5) / f - 0.5, clamped)."""
    def axis(n_in, n_out):
        src = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
        i0 = np.floor(src).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, src - i0
    r0, r1, fr = axis(x.shape[2], rows)
    c0, c1, fc = axis(x.shape[3], cols)
    top = x[:, :, r0, :] * (1 - fr)[:, None] + x[:, :, r1, :] * fr[:, None]
    return top[:, :, :, c0] * (1 - fc) + top[:, :, :, c1] * fc


def numpy_outputs(layers, W, stages, x_nchw, second=None):
    """The exported outputs, from the unfolded Keras forward (float64), in ONNX output order."""
    env = keras_forward(layers, W, x_nchw.transpose(0, 2, 3, 1))
    feats = [env[s].transpose(0, 3, 1, 2) for s in stages]
    if second:
        small = upsample_bilinear(x_nchw.astype(np.float64), second, second)
        feats.append(keras_forward(layers, W, small.transpose(0, 2, 3, 1))[stages[0]].transpose(0, 3, 1, 2))
    rows, cols = feats[0].shape[2:]
    outs = []
    for f in feats:
        if f.shape[2:] != (rows, cols):
            f = upsample_bilinear(f, rows, cols)
        outs.append(f.transpose(0, 2, 3, 1).reshape(f.shape[0], rows * cols, f.shape[1]))
    outs.append(feats[len(stages) - 1].mean((2, 3)))
    return outs


# ---------------------------------------------------------------- preprocessing check
def preprocessing_check(layers, W, size):
    """Which input scaling the BatchNorm moving statistics were estimated with. A photo (scipy's
    raccoon face, 768x1024) in 6 crops of size x size is run under each candidate; per BatchNorm,
    the crops' batch mean of its input is compared with moving_mean, in units of
    sqrt(moving_variance + eps), and the variance ratio as |log(batch var / moving var)|. Median
    over channels, then over layers. Only a comparison: one photo is not the training set."""
    from scipy import misc, ndimage
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        photo = misc.face().astype(np.float64)  # [768, 1024, 3] RGB uint8 values
    crops = []
    for zoom in (size / 768.0, 2 * size / 768.0):
        img = ndimage.zoom(photo, (zoom, zoom, 1), order=1)
        h, w = img.shape[:2]
        for oy, ox in ((0, 0), ((h - size) // 2, (w - size) // 2), (h - size, w - size)):
            crops.append(img[oy:oy + size, ox:ox + size])
    pixels = np.clip(np.stack(crops), 0, 255)
    candidates = {'x / 255 (nsfwjs; mean 0, std 1)': pixels / 255.0,
                  'x / 127.5 - 1 (Keras ImageNet; mean 0.5, std 0.5)': pixels / 127.5 - 1.0,
                  'x - ImageNet mean / std (torchvision)':
                      (pixels / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]}
    bns = [l for l in layers if l['class_name'] == 'BatchNormalization']
    result = {}
    for label, x in candidates.items():
        stats = {}
        keras_forward(layers, W, x, stats)
        mean_err, var_err = [], []
        for l in bns:
            n, eps = l['name'], l['config']['epsilon']
            bm, bv = stats[n]
            mm = W[n + '/moving_mean'].astype(np.float64)
            mv = W[n + '/moving_variance'].astype(np.float64) + eps
            live = bv > 1e-6  # dead channels (all-zero kernels) say nothing
            mean_err.append(np.median(np.abs(bm - mm)[live] / np.sqrt(mv[live])))
            var_err.append(np.median(np.abs(np.log((bv[live] + eps) / mv[live]))))
        result[label] = {'first_bn_mean_err': float(mean_err[0]),
                         'median_mean_err': float(np.median(mean_err)),
                         'median_abs_log_var_ratio': float(np.median(var_err))}
    return result


# ---------------------------------------------------------------- ONNX graph (BatchNorm folded)
def build_onnx(layers, W, stages, size, second=None):
    """The graph. With `second` (pixels) the same tower runs a second time, on the input resized
    to second x second, and its stage, resized to the first grid, is one more output
    (second_output_name)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    made = set()
    consumers = {}
    for l in layers:
        for n in inbound(l):
            consumers.setdefault(n, []).append(l['name'])
    by_name = {l['name']: l for l in layers}

    def const(arr, nme):
        if nme not in made:  # a second pass reuses the first one's weights
            made.add(nme)
            inits.append(numpy_helper.from_array(np.asarray(arr), nme))
        return nme

    def resize(x, rows, cols, out):
        """x (NCHW) resized bilinearly (half-pixel centres) to rows x cols, for any batch size."""
        nodes.append(helper.make_node('Shape', [x], [out + '/shape'], name=out + '/shape'))
        nodes.append(helper.make_node(
            'Slice', [out + '/shape', const(np.array([0], np.int64), 'batch_channels/start'),
                      const(np.array([2], np.int64), 'batch_channels/end')],
            [out + '/nc'], name=out + '/nc'))
        nodes.append(helper.make_node(
            'Concat', [out + '/nc', const(np.array([rows, cols], np.int64), 'hw/%dx%d' % (rows, cols))],
            [out + '/sizes'], name=out + '/sizes', axis=0))
        nodes.append(helper.make_node('Resize', [x, '', '', out + '/sizes'], [out], name=out,
                                      mode='linear', coordinate_transformation_mode='half_pixel'))
        return out

    def tower(source, prefix):
        """The layers' nodes on input tensor `source`, their tensors and nodes named prefix + name."""
        env, pending_pad = {}, {}
        for l in layers:
            emit(l, env, pending_pad, source, prefix)
        return env

    def emit(l, env, pending_pad, source, prefix):
        c, name, cls = l['config'], l['name'], l['class_name']
        ins = inbound(l)
        if cls == 'InputLayer':
            env[name] = source
        elif cls == 'ZeroPadding2D':
            (t, b), (le, r) = c['padding']
            assert all(by_name[u]['class_name'] in ('Conv2D', 'DepthwiseConv2D') for u in consumers[name])
            pending_pad[name] = [t, le, b, r]  # merged into the following convolution
            env[name] = env[ins[0]]
        elif cls in ('Conv2D', 'DepthwiseConv2D'):
            dw = cls == 'DepthwiseConv2D'
            k = W[name + ('/depthwise_kernel' if dw else '/kernel')].astype(np.float64)
            kh, kw = k.shape[:2]
            s = c['strides'][0]
            if c['padding'] == 'same':
                (pt, pb), (pl, pr) = _same_pad(kh, s), _same_pad(kw, s)
                pads = [pt, pl, pb, pr]
            else:
                pads = pending_pad.get(ins[0], [0, 0, 0, 0])
            # Keras kernel [kh, kw, in, out] -> ONNX [out, in/group, kh, kw]
            w = k.transpose(2, 3, 0, 1) if dw else k.transpose(3, 2, 0, 1)
            (bn,) = consumers[name]
            bnl = by_name[bn]
            assert bnl['class_name'] == 'BatchNormalization', name + ' is not followed by BatchNorm'
            g, b = W[bn + '/gamma'].astype(np.float64), W[bn + '/beta'].astype(np.float64)
            m, v = W[bn + '/moving_mean'].astype(np.float64), W[bn + '/moving_variance'].astype(np.float64)
            scale = g / np.sqrt(v + bnl['config']['epsilon'])
            wf = (w * scale[:, None, None, None]).astype(np.float32)
            bf = (b - m * scale).astype(np.float32)
            attrs = dict(kernel_shape=[kh, kw], strides=[s, s], pads=pads, dilations=[1, 1])
            if dw:
                attrs['group'] = int(w.shape[0])
            nodes.append(helper.make_node('Conv', [env[ins[0]], const(wf, name + '/w'),
                                                   const(bf, name + '/b')], [prefix + bn],
                                          name=prefix + name, **attrs))
            env[name] = None
        elif cls == 'BatchNormalization':
            env[name] = prefix + name  # produced by the folded convolution
        elif cls == 'ReLU':
            lo = const(np.float32(0), name + '/min')
            hi = const(np.float32(c['max_value']), name + '/max')
            nodes.append(helper.make_node('Clip', [env[ins[0]], lo, hi], [prefix + name],
                                          name=prefix + name))
            env[name] = prefix + name
        elif cls == 'Add':
            nodes.append(helper.make_node('Add', [env[i] for i in ins], [prefix + name],
                                          name=prefix + name))
            env[name] = prefix + name
        else:
            sys.exit('layer %s: %s not supported' % (name, cls))

    env = tower('pixel_values', '')
    grids = [feature_grid(layers, s, size) for s in stages]
    rows, cols = grids[0]
    dims = [channels(layers, W, s) for s in stages]
    outputs = []
    for s, (r, cc), d in zip(stages, grids, dims):
        x = env[s]
        if (r, cc) != (rows, cols):
            if rows % r or cols % cc:
                sys.exit('block %s grid %dx%d does not divide %dx%d' % (s, r, cc, rows, cols))
            x = resize(x, rows, cols, s + '/up')
        nodes.append(helper.make_node('Transpose', [x], [s + '/nhwc'], perm=[0, 2, 3, 1]))
        shape = const(np.array([0, rows * cols, d], np.int64), s + '/shape')
        out = output_name(s)
        nodes.append(helper.make_node('Reshape', [s + '/nhwc', shape], [out]))
        outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, ['N', rows * cols, d]))
    if second:
        (s,), (d,) = stages, dims
        pre = 's%d/' % second
        x = tower(resize('pixel_values', second, second, pre + 'pixel_values'), pre)[s]
        x = resize(x, rows, cols, pre + s + '/up')
        nodes.append(helper.make_node('Transpose', [x], [pre + s + '/nhwc'], perm=[0, 2, 3, 1]))
        out = second_output_name(s, second)
        nodes.append(helper.make_node('Reshape', [pre + s + '/nhwc', s + '/shape'], [out]))
        outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, ['N', rows * cols, d]))
    nodes.append(helper.make_node('ReduceMean', [env[stages[-1]]], ['image_embeds'], axes=[2, 3],
                                  keepdims=0))
    outputs.append(helper.make_tensor_value_info('image_embeds', TensorProto.FLOAT, ['N', dims[-1]]))
    inp = helper.make_tensor_value_info('pixel_values', TensorProto.FLOAT, ['N', 3, size, size])
    graph = helper.make_graph(nodes, 'clipline_imagenet_mnv2', [inp], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)],
                              producer_name='clipline make_imagenet_model.py')
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def output_name(stage):
    return 'patch_tokens_%d' % block_of(stage)


def second_output_name(stage, second):
    return '%s_s%d' % (output_name(stage), second)


def block_of(stage):
    return 0 if stage.startswith('expanded_conv') else int(stage.split('_')[1])


def channels(layers, W, stage):
    """Channels of a stage output: those of the projection convolution of its block."""
    prefix = stage.rsplit('_', 1)[0] if stage.endswith('_add') else stage[:-len('_BN')]
    if stage.endswith('_add'):
        prefix += '_project'
    return int(W[prefix + '/kernel'].shape[-1])


def feature_grid(layers, stage, size):
    """Spatial size of a stage output for a size x size input, following pads and strides."""
    h = size
    for l in layers:
        c = l['config']
        if l['class_name'] == 'ZeroPadding2D':
            (t, b), _ = c['padding']
            h += t + b
        elif l['class_name'] in ('Conv2D', 'DepthwiseConv2D'):
            k, s = c['kernel_size'][0], c['strides'][0]
            h = h if c['padding'] == 'same' else (h - k) // s + 1
        if l['name'] == stage:
            return h, h
    raise KeyError(stage)


def run_graph(model, feeds):
    """Minimal numpy interpreter for exactly the operators build_onnx emits (the Debian onnx package
    has no onnx.reference); checks the folded graph against the unfolded Keras forward."""
    from onnx import numpy_helper
    env = dict(feeds)
    env[''] = None
    for t in model.graph.initializer:
        env[t.name] = numpy_helper.to_array(t)
    for nd in model.graph.node:
        a = {at.name: at for at in nd.attribute}
        x = [env[i] for i in nd.input]
        op = nd.op_type
        if op == 'Conv':
            inp, w, b = x
            t, le, bo, r = a['pads'].ints
            s = a['strides'].ints[0]
            group = a['group'].i if 'group' in a else 1
            p = np.pad(inp, ((0, 0), (0, 0), (t, bo), (le, r))).transpose(0, 2, 3, 1)
            if group == 1:
                k = w.transpose(2, 3, 1, 0)
            else:
                assert group == inp.shape[1] == w.shape[0] and w.shape[1] == 1
                k = w.transpose(2, 3, 0, 1)
            y = (_conv_nhwc(p, k, s, group > 1) + b).transpose(0, 3, 1, 2)
        elif op == 'Clip':
            y = np.clip(x[0], x[1], x[2])
        elif op == 'Add':
            y = x[0] + x[1]
        elif op == 'Resize':
            assert a['mode'].s == b'linear' and a['coordinate_transformation_mode'].s == b'half_pixel'
            y = upsample_bilinear(x[0], int(x[3][2]), int(x[3][3]))  # the `sizes` input
        elif op == 'Shape':
            y = np.array(x[0].shape, np.int64)
        elif op == 'Slice':
            y = x[0][int(x[1][0]):int(x[2][0])]
        elif op == 'Concat':
            y = np.concatenate(x, axis=a['axis'].i)
        elif op == 'Transpose':
            y = x[0].transpose(a['perm'].ints)
        elif op == 'Reshape':
            y = x[0].reshape([x[0].shape[i] if v == 0 else int(v) for i, v in enumerate(x[1])])
        elif op == 'ReduceMean':
            y = x[0].mean(tuple(a['axes'].ints), keepdims=bool(a['keepdims'].i))
        else:
            raise ValueError('operator %s not supported by run_graph' % op)
        env[nd.output[0]] = y if op in ('Shape', 'Slice', 'Concat') else np.asarray(y, np.float32)
    return [env[o.name] for o in model.graph.output]


# ---------------------------------------------------------------- folder
def reference_input(size, n=1):
    count = n * 3 * size * size
    return np.sin(0.001 * np.arange(count, dtype=np.float64)).astype(np.float32).reshape(n, 3, size, size)


def worst(a, b):
    """Largest error under the contract tests' rule: absolute up to 1, relative above."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float((np.abs(a - b) / np.maximum(1.0, np.abs(b))).max()), float(np.abs(a - b).max())


def manifest(size, stages, grid, dims, name, views, interpolation, second=None):
    return {
        'format': 1,
        'name': name,
        'kind': 'cnn',
        'description': 'ImageNet MobileNetV2 (Keras, alpha 1.0) stem + blocks 0..%d%s, BatchNorm folded, '
                       'uint8-quantised weights (BatchNorm statistics re-estimated on [0, 1] input) from '
                       'nsfwjs@4.4.0 (MIT); patch features of block%s %s '
                       'on one %dx%d grid%s%s; frames stretched to the input with %s interpolation; '
                       'no text tower: rarity-only. Made by '
                       'src/models/make_imagenet_model.py; see PROVENANCE.md.'
                       % (block_of(stages[-1]),
                          '' if block_of(stages[-1]) <= LAST_IMAGENET_BLOCK else
                          ' (blocks %d..%d fine-tuned by the nsfwjs authors)'
                          % (LAST_IMAGENET_BLOCK + 1, block_of(stages[-1])),
                          's' if len(stages) > 1 else '', ', '.join(str(block_of(s)) for s in stages),
                          grid[0], grid[1],
                          '' if not second else ', and of the same tower on the input resized to %dx%d '
                          '(its grid resized to the first)' % (second, second),
                          '' if views == ['IDENTITY'] else ', run on the test-time views ' + ', '.join(views),
                          interpolation),
        'image': {
            'file': 'image.onnx', 'input': 'pixel_values', 'height': size, 'width': size,
            'resize': 'STRETCH', 'interpolation': interpolation, 'channels': 'RGB',
            'mean': MEAN, 'std': STD, 'grid': list(grid), 'embedding': 'image_embeds',
            'patches': [{'output': output_name(s), 'layer': block_of(s), 'dim': d}
                        for s, d in zip(stages, dims)]
                       + ([{'output': second_output_name(stages[0], second),
                            'layer': SECOND_SCALE_LAYER + block_of(stages[0]), 'dim': dims[0]}]
                          if second else []),
            'views': views,
        },
        'patchProjection': None,
    }


def provenance(pkg, layers, stages, size, grid, dims, quant, keras_version, prep, errors, tfjs_version,
               thawed, views, interpolation, second=None):
    lines = [
        '# Provenance of this model folder',
        '',
        'Made by `src/models/make_imagenet_model.py` (rerun it to reproduce; the ONNX file is rebuilt',
        'from the npm package, never edited by hand).',
        '',
        '## Source',
        '',
        '- npm package `nsfwjs@%s` (licence %s, text in `LICENSE`, copyright 2019 Infinite Red, Inc.),'
        % (pkg['version'], pkg['license_id']),
        '  tarball integrity `%s`,' % pkg['integrity'],
        '  shasum (sha1) `%s`;' % pkg['sha1'],
        '- model `dist/models/mobilenet_v2/` (`model.min.js`: Keras %s topology and weights manifest;'
        % keras_version,
        '  `group1-shard1of1.min.js`: the weights, base64). nsfwjs is an NSFW classifier: a Keras',
        '  MobileNetV2 (alpha 1.0, 224x224) from ImageNet weights with a new 5-class head.',
        '',
        '## What is used',
        '',
        '- Layers `input_1` .. `%s`: the stem (`Conv1`) and inverted-residual blocks 0 .. %d.'
        % (stages[-1], block_of(stages[-1])),
    ] + ([
        '  All of them are `trainable: false` in the topology (the first trainable layer is',
        '  `block_11_expand`): the stem and blocks 0 .. %d are ImageNet weights.' % LAST_IMAGENET_BLOCK,
    ] if not thawed else [
        '  The stem and blocks 0 .. %d are `trainable: false` in the topology: ImageNet weights. The %d'
        % (LAST_IMAGENET_BLOCK, len(thawed)),
        '  layers from `%s` to `%s` (blocks %d .. %d) are `trainable`: the nsfwjs authors'
        % (thawed[0], thawed[-1], LAST_IMAGENET_BLOCK + 1, block_of(stages[-1])),
        '  fine-tuned them from the ImageNet weights on their NSFW photos. They are still general',
        '  mid-level features of photos (no layer here sees the classifier\'s classes), and measured',
        '  better than the frozen blocks on the shared tune splits (docs/QUALITY.md).',
    ]) + [
        '  Blocks %d .. 16, `Conv_1` and the head are not used; the script refuses blocks after %d.'
        % (block_of(stages[-1]) + 1, LAST_BLOCK),
        '- Weights: every tensor is uint8-quantised per tensor (%s), dequantised as tfjs does,' % (
            ', '.join('%d tensors %s' % (n, d) for d, n in quant.items())),
        '  `value = q * scale + min`. So they are the ImageNet weights to within half a quantisation',
        '  step (1/510 of each tensor\'s range), not bit-exact. A few BatchNorm variances quantise to',
        '  exactly 0 (range starting at 0); Keras\'s epsilon 1e-3 keeps them finite, and tfjs',
        '  computes with the same values.',
        '- BatchNorm moving statistics: not ImageNet\'s. The convolution kernels and gamma/beta of',
        '  these layers are, per the topology, the untouched ImageNet values, but the moving',
        '  mean/variance match inputs scaled `x / 255` (what nsfwjs\'s `classify` feeds), not the',
        '  `x / 127.5 - 1` of Keras\'s ImageNet MobileNetV2: they were evidently re-estimated on the',
        '  fine-tuning data. A BatchNorm re-estimated on the new input range absorbs the range change',
        '  (the first convolution is linear), so with `x / 255` the features are ImageNet features',
        '  renormalised to the NSFW data\'s statistics; fed `x / 127.5 - 1` the first BatchNorm would',
        '  be off by more than one standard deviation per channel. Check on a photo (scipy\'s raccoon face, 6 crops',
        '  of %dx%d), per BatchNorm |batch mean - moving mean| / moving std and |log(batch var /' % (size, size),
        '  moving var)|, medians over channels and layers (first BatchNorm in brackets):',
        '',
    ]
    for label, r in prep.items():
        lines.append('  - %s: mean error %.2f (%.2f), log variance ratio %.2f'
                     % (label, r['median_mean_err'], r['first_bn_mean_err'],
                        r['median_abs_log_var_ratio']))
    lines += [
        '',
        '  Hence the manifest\'s mean 0 / std 1 on [0, 1] RGB.',
        '- BatchNorm is folded into the preceding convolution (float64, then float32);',
        '  `ZeroPadding2D((0, 1), (0, 1))` before stride-2 convolutions becomes the Conv\'s pads.',
        '',
        '## Outputs (input %dx%d)' % (size, size),
        '',
    ]
    for s, d in zip(stages, dims):
        g = feature_grid(layers, s, size)
        lines.append('- `%s`: `%s`, %d channels, %dx%d%s' % (
            output_name(s), s, d, g[0], g[1], '' if g == grid else
            ', resized to %dx%d (bilinear, half-pixel centres)' % grid))
    if second:
        g = feature_grid(layers, stages[0], second)
        lines.append('- `%s`: `%s` of the same layers run a second time, on the input resized to %dx%d'
                     % (second_output_name(stages[0], second), stages[0], second, second))
        lines.append('  (bilinear, half-pixel centres, inside the graph), %d channels, %dx%d, resized to %dx%d'
                     % (dims[0], g[0], g[1], grid[0], grid[1]))
    lines += [
        '- `image_embeds`: mean of `%s` over its grid (before resizing), %d channels' % (stages[-1], dims[-1]),
        '',
        'The manifest lists the test-time views %s (`image.views`, docs/MODEL_FORMAT.md): the worker'
        % ', '.join('`%s`' % v for v in views),
        'runs this graph once per view of each frame and maps every view\'s patches back onto the',
        'frame\'s grid; the graph itself is the same for any views.',
        '',
        'The worker stretches each frame to %dx%d with `%s` interpolation (`image.interpolation`)%s'
        % (size, size, interpolation, '.' if interpolation != 'AREA' else
           ':\na frame larger than the input in both directions is shrunk by averaging all the frame pixels\n'
           'each input pixel covers, so a thin crack or a small pit still darkens it; bilinear resizing\n'
           'samples four of them and skips the rest (OpenCV\'s `INTER_AREA`; a frame smaller than the\n'
           'input in either direction is interpolated linearly).'),
        '',
        '## Checks (reference input `sin(0.001 * i)`)',
        '',
        '`reference.json` holds the output of TensorFlow.js %s (CPU backend) running the nsfwjs' % tfjs_version,
        'Keras topology cut after the exported layers with tfjs\'s own weight decoding, the coarser',
        'stage%s resized by `tf.image.resizeBilinear(halfPixelCenters = true)`. Largest differences from it'
        % (' and the second pass\'s input' if second else ''),
        '(absolute up to 1, relative above; absolute in brackets):',
        '',
    ]
    for label, (rel, ab) in errors.items():
        lines.append('- %s: %.2g (%.2g)' % (label, rel, ab))
    lines.append('')
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--size', type=int, default=224,
                    help='input height = width in pixels, a multiple of 16 (default 224, ImageNet-native)')
    ap.add_argument('--blocks', default='12',
                    help='MobileNetV2 blocks exported, finest first, each at most %d (default 12: '
                         'stride 16, 96 channels; blocks after %d were fine-tuned by nsfwjs)'
                         % (LAST_BLOCK, LAST_IMAGENET_BLOCK))
    ap.add_argument('--views', default='IDENTITY,HFLIP,VFLIP',
                    help='test-time views the worker runs the tower on (docs/MODEL_FORMAT.md, '
                         '"image.views"; default IDENTITY,HFLIP,VFLIP, chosen in docs/QUALITY.md, '
                         'fifth round); IDENTITY for one pass per frame')
    ap.add_argument('--interpolation', default='AREA', choices=['AREA', 'BILINEAR', 'BICUBIC'],
                    help='how the worker resizes a frame to the input ("image.interpolation"; default AREA, '
                         'which averages every frame pixel when it shrinks a frame, chosen in '
                         'docs/QUALITY.md, sixth round)')
    ap.add_argument('--second-scale', type=int, default=None, metavar='PX',
                    help='also run the tower on the input resized to PX x PX (a multiple of 16, below '
                         '--size) and give its grid, resized to the first, as one more patch output '
                         '(one block only): it sees large, faint defects better at about 1.5 x the '
                         'compute of the same views (docs/QUALITY.md, 160 px; not the default)')
    ap.add_argument('--out', default=os.path.join(HERE, 'imagenet-mnv2'))
    ap.add_argument('--name', default=None,
                    help='model name (default imagenet-mnv2-b<blocks>-<size>, then -<n>views for n > 1, '
                         'then -<interpolation> unless BILINEAR)')
    ap.add_argument('--cache', default=os.path.join(os.path.expanduser('~'), '.cache', 'clipline',
                                                    'imagenet-mnv2'),
                    help='where the npm tarball, tfjs and intermediate files live (not in git)')
    args = ap.parse_args()
    blocks = [int(b) for b in args.blocks.split(',')]
    if blocks != sorted(set(blocks)) or blocks[-1] > LAST_BLOCK or blocks[0] < 0:
        sys.exit('--blocks: increasing, between 0 and %d' % LAST_BLOCK)
    if args.size % 16 or args.size < 32:
        sys.exit('--size: a multiple of 16, at least 32')
    second = args.second_scale
    if second is not None and (second % 16 or not 32 <= second < args.size or len(blocks) != 1):
        sys.exit('--second-scale: a multiple of 16, at least 32 and below --size, with one block')
    views = args.views.split(',')
    if 'IDENTITY' not in views or len(set(views)) != len(views) or not set(views) <= {
            'IDENTITY', 'HFLIP', 'VFLIP', 'ROT180'}:
        sys.exit('--views: IDENTITY and any of HFLIP, VFLIP, ROT180, each once')
    name = args.name or 'imagenet-mnv2-b%s-%d%s' % ('-'.join(map(str, blocks)), args.size,
                                                   '' if len(views) == 1 else '-%dviews' % len(views))
    if not args.name and second:
        name = name.replace('-%d' % args.size, '-%d+%d' % (args.size, second), 1)
    if not args.name and args.interpolation != 'BILINEAR':
        name += '-' + args.interpolation.lower()

    import onnx

    pkg = fetch(args.cache)
    tfjs = ensure_tfjs(args.cache)
    script = os.path.join(HERE, 'tfjs_reference.mjs')
    dump = os.path.join(args.cache, 'dump')
    run(['node', script, 'dump', pkg['dir'], dump])
    all_layers, W, quant, keras_version = load_keras(dump)
    stages = [stage_layer(all_layers, b) for b in blocks]
    layers, thawed = cut(all_layers, stages)

    prep = preprocessing_check(layers, W, args.size)
    for label, r in prep.items():
        print('preprocessing %-52s mean err %.3f (first BN %.3f), |log var ratio| %.3f'
              % (label, r['median_mean_err'], r['first_bn_mean_err'], r['median_abs_log_var_ratio']))
    best = min(prep, key=lambda k: prep[k]['median_mean_err'] + prep[k]['median_abs_log_var_ratio'])
    if not best.startswith('x / 255'):
        sys.exit('the BatchNorm statistics fit %s better than x / 255: revisit MEAN/STD' % best)

    model = build_onnx(layers, W, stages, args.size, second)
    names = [o.name for o in model.graph.output]
    grid = feature_grid(layers, stages[0], args.size)
    dims = [channels(layers, W, s) for s in stages]

    ref_dir = os.path.join(args.cache, 'reference-%d-%s%s' % (args.size, '-'.join(map(str, blocks)),
                                                            '-s%d' % second if second else ''))
    run(['node', script, 'run', pkg['dir'], tfjs, str(args.size), ','.join(stages), ref_dir]
        + ([str(second)] if second else []))
    with open(os.path.join(ref_dir, 'tfjs.json')) as fh:
        tf_record = json.load(fh)
    tf_out = [np.fromfile(os.path.join(ref_dir, n + '.f32'), '<f4').reshape(tf_record['outputs'][n]['shape'])
              for n in names]

    x = reference_input(args.size)
    got = run_graph(model, {'pixel_values': x})
    ref = numpy_outputs(layers, W, stages, x, second)
    errors = {}
    for i, n in enumerate(names):
        errors['ONNX graph (numpy interpreter) vs tfjs, ' + n] = worst(got[i], tf_out[i])
        errors['unfolded float64 numpy forward vs tfjs, ' + n] = worst(ref[i], tf_out[i])
    for label, (rel, ab) in errors.items():
        print('%-70s %.3g (abs %.3g)' % (label, rel, ab))
        if rel > ALL_VALUES_TOLERANCE:
            sys.exit('%s: %g exceeds %g' % (label, rel, ALL_VALUES_TOLERANCE))
    for i, n in enumerate(names):  # what the Java contract test will check, at its tolerance
        want = tf_record['outputs'][n]
        flat = got[i].astype(np.float64).ravel()
        first = worst(flat[:len(want['first64'])], want['first64'])[0]
        sums = max(abs(flat.sum() - want['sum']), abs(np.abs(flat).sum() - want['abs_sum'])) / want['abs_sum']
        if max(first, sums) > TOLERANCE:
            sys.exit('%s: the contract test would fail (first64 %g, sums %g)' % (n, first, sums))
    # Symbolic batch: two different images in one batch give the per-image results (to float32
    # rounding, which reaches 2e-5 here: BLAS sums in another order for another batch size).
    x2 = np.concatenate([x, np.flip(x, 3).copy()])
    got2 = run_graph(model, {'pixel_values': x2})
    solo = run_graph(model, {'pixel_values': x2[1:]})
    for i, n in enumerate(names):
        if max(worst(got2[i][:1], got[i])[0], worst(got2[i][1:], solo[i])[0]) > TOLERANCE:
            sys.exit('batch of 2 differs from single images in output %s' % n)

    os.makedirs(args.out, exist_ok=True)
    onnx.save(model, os.path.join(args.out, 'image.onnx'))
    with open(os.path.join(args.out, 'clipline-model.json'), 'w') as fh:
        json.dump(manifest(args.size, stages, grid, dims, name, views, args.interpolation, second), fh,
                  indent=2)
        fh.write('\n')
    record = {
        'input': {'name': 'pixel_values', 'shape': list(x.shape),
                  'formula': 'input[i] = sin(0.001 * i) over the flat row-major index'},
        'source': 'TensorFlow.js %s, %s backend, nsfwjs Keras model cut after %s'
                  % (tf_record['version'], tf_record['backend'], ', '.join(stages)),
        'outputs': {n: tf_record['outputs'][n] for n in names},
    }
    with open(os.path.join(args.out, 'reference.json'), 'w') as fh:
        json.dump(record, fh, indent=1)
        fh.write('\n')
    shutil.copyfile(pkg['license'], os.path.join(args.out, 'LICENSE'))
    with open(os.path.join(args.out, 'PROVENANCE.md'), 'w') as fh:
        fh.write(provenance(pkg, layers, stages, args.size, grid, dims, quant, keras_version, prep, errors,
                            tf_record['version'], thawed, views, args.interpolation, second))
    size = os.path.getsize(os.path.join(args.out, 'image.onnx'))
    print('wrote %s (image.onnx %d bytes, grid %dx%d, outputs %s, dims %s)'
          % (args.out, size, grid[0], grid[1], names, dims + [dims[-1]]))


if __name__ == '__main__':
    main()
