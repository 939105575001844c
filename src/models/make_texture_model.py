#!/usr/bin/python3
"""Builds Clipline's embedded default model: a training-free texture encoder (no learned weights).

A fixed filter bank on the gray image, pooled to a patch grid, exported as an ONNX graph (opset 17,
symbolic batch) plus its manifest (docs/MODEL_FORMAT.md, kind "texture", no text tower) and a
reference.json for the Java contract test. Needs only numpy and onnx (Debian: python3-numpy,
python3-onnx). Run from the repository root:

    /usr/bin/python3 src/models/make_texture_model.py            # writes src/models/texture/
    /usr/bin/python3 src/models/make_texture_model.py measure DATASET tune|report ['{"orient":0}']
                                                  # design measurement (also needs python3-pil)

Design (chosen by measuring on magnetic_tile, see docs/QUALITY.md): per "layer" l with scale s_l,
on the gray image g (mean of the normalised channels):
  channels  = Gabor energies sqrt(even^2 + odd^2) at `orient` orientations (wavelength 2.5 s),
              difference of Gaussians blur_s(g) - blur_2s(g), local std sqrt(blur_s(g^2) - blur_s(g)^2),
              local mean blur_s(g)
  pooled    = per grid cell: average, maximum and minimum of every channel
  per image = subtract the image mean of every pooled channel and divide by its image std
              (lighting invariance: features describe how a patch differs from the rest of the tile)
  constant  = one channel of value `const`, so that after the scorer's L2 normalisation patches
              close to the image's typical texture all point the same way
Layers differ in receptive field (s = 2 and 4 px at 256 px). make_texture_v2.py (texture-v2) reuses
this module's filters, GraphBuilder, pool_standardise, write_folder and measure harness. `image_embeds` = image mean of the
last layer's pooled channels before standardisation (absolute texture statistics of the image). All padding replicates the edge, as the numpy reference does.
"""
import json
import os
import sys

import numpy as np

DESIGN = dict(size=256, grid=16, scales=[2.0, 4.0], orient=4, intensity=True, maxpool=True,
              center=True, instnorm=True, const=2.0)
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
EPS = 1e-6


def gauss1d(s):
    r = int(np.ceil(3 * s))
    x = np.arange(-r, r + 1)
    k = np.exp(-x ** 2 / (2 * s * s))
    return (k / k.sum()).astype(np.float32)


def gabor(s, theta, lam):
    r = int(np.ceil(2.5 * s))
    y, x = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float64)
    xr = x * np.cos(theta) + y * np.sin(theta)
    yr = -x * np.sin(theta) + y * np.cos(theta)
    env = np.exp(-(xr ** 2 + (0.5 * yr) ** 2) / (2 * s * s))
    even = env * np.cos(2 * np.pi * xr / lam)
    even -= env * (even.sum() / env.sum())  # zero DC: flat regions give no response
    odd = env * np.sin(2 * np.pi * xr / lam)
    n = np.abs(even).sum()
    return (even / n).astype(np.float32), (odd / n).astype(np.float32)


def layer_channels(d, s):
    """Names of the per-pixel channels of one layer, in order."""
    names = []
    for t in range(d['orient']):
        names.append('gabor%d' % t)
    names += ['dog', 'std'] + (['mean'] if d['intensity'] else [])
    return names


def feature_dim(d):
    per = len(layer_channels(d, 0)) * (3 if d['maxpool'] else 1)
    return per + (1 if d['const'] else 0)


# ---------------------------------------------------------------- numpy reference (same maths)
def _conv2d_edge(x, k):
    """x [N,H,W], k [kh,kw] odd: edge-padded cross-correlation, same size (via FFT)."""
    rh, rw = k.shape[0] // 2, k.shape[1] // 2
    p = np.pad(x.astype(np.float64), ((0, 0), (rh, rh), (rw, rw)), mode='edge')
    hh, ww = p.shape[1:]
    kf = np.fft.rfft2(k[::-1, ::-1].astype(np.float64), s=(hh, ww))
    y = np.fft.irfft2(np.fft.rfft2(p) * kf, s=(hh, ww))
    return y[:, 2 * rh:2 * rh + x.shape[1], 2 * rw:2 * rw + x.shape[2]].astype(np.float32)


def _blur(x, s):
    k = gauss1d(s)
    return _conv2d_edge(_conv2d_edge(x, k[None, :]), k[:, None])


def numpy_features(pixels, d=DESIGN, embedding=False):
    """pixels [N,3,H,W] normalised as the manifest says -> list of [N, grid*grid, dim] per layer
    (plus the [N, dim - 1] image embedding at the end when asked)."""
    g = pixels.astype(np.float32).mean(1)
    layers = []
    for s in d['scales']:
        ch = []
        for t in range(d['orient']):
            ev, od = gabor(s, np.pi * t / d['orient'], 2.5 * s)
            ch.append(np.sqrt(_conv2d_edge(g, ev) ** 2 + _conv2d_edge(g, od) ** 2 + EPS))
        m1 = _blur(g, s)
        ch.append(m1 - _blur(g, 2 * s))
        ch.append(np.sqrt(np.maximum(_blur(g * g, s) - m1 * m1, 0) + EPS))
        if d['intensity']:
            ch.append(m1)
        f, emb = pool_standardise(np.stack(ch, 1), d)
        layers.append(f)
    return layers + [emb] if embedding else layers


def pool_standardise(x, d):
    """x [N,C,size,size] per-pixel channels -> ([N, grid*grid, dim] patch features, [N, C'] image
    means of the pooled channels): cell avg (and max, min), per-image centring and RMS scaling, the
    constant channel. Shared by every texture model's numpy reference."""
    n, c, grid = x.shape[0], x.shape[1], d['grid']
    cell = d['size'] // grid
    x = x.reshape(n, c, grid, cell, grid, cell)
    parts = [x.mean((3, 5))]
    if d['maxpool']:
        parts += [x.max((3, 5)), x.min((3, 5))]
    f = np.concatenate(parts, 1)
    emb = f.mean((2, 3))
    if d['center']:
        f = f - f.mean((2, 3), keepdims=True)
    if d['instnorm']:
        f = f / (np.sqrt((f * f).mean((2, 3), keepdims=True)) + 1e-3)
    if d['const']:
        f = np.concatenate([f, np.full_like(f[:, :1], d['const'])], 1)
    return (f.reshape(n, f.shape[1], -1).transpose(0, 2, 1).astype(np.float32),
            emb.astype(np.float32))


# ---------------------------------------------------------------- ONNX graph
class GraphBuilder:
    """Collects ONNX nodes and initialisers with unique names; the helpers every texture graph uses."""

    def __init__(self):
        self.nodes, self.inits, self.counter = [], [], 0

    def name(self, prefix):
        self.counter += 1
        return '%s_%d' % (prefix, self.counter)

    def const(self, arr, prefix='c'):
        from onnx import numpy_helper
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def node(self, op, inputs, **attrs):
        from onnx import helper
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def conv_edge(self, x, k):
        """x [N,1,H,W]; k [C,kh,kw] -> [N,C,H,W], edge padding like the numpy reference."""
        rh, rw = k.shape[1] // 2, k.shape[2] // 2
        pads = self.const(np.array([0, 0, rh, rw, 0, 0, rh, rw], np.int64), 'pads')
        p = self.node('Pad', [x, pads], mode='edge')
        return self.node('Conv', [p, self.const(k[:, None].astype(np.float32), 'w')])

    def blur(self, x, s):
        k = gauss1d(s)
        return self.conv_edge(self.conv_edge(x, k[None, None, :]), k[None, :, None])

    def pool_standardise(self, x, d, dim, out):
        """Graph version of pool_standardise: writes patch output `out`; returns (its value info,
        the name of the [N, C'] image means)."""
        from onnx import TensorProto, helper
        node, const = self.node, self.const
        size, grid = d['size'], d['grid']
        cell = size // grid
        parts = [node('AveragePool', [x], kernel_shape=[cell, cell], strides=[cell, cell])]
        if d['maxpool']:
            parts.append(node('MaxPool', [x], kernel_shape=[cell, cell], strides=[cell, cell]))
            parts.append(node('Neg', [node('MaxPool', [node('Neg', [x])], kernel_shape=[cell, cell],
                                             strides=[cell, cell])]))
        f = node('Concat', parts, axis=1)
        emb = node('ReduceMean', [f], axes=[2, 3], keepdims=0)  # image statistics, [N, C']
        if d['center']:
            f = node('Sub', [f, node('ReduceMean', [f], axes=[2, 3], keepdims=1)])
        if d['instnorm']:
            rms = node('Sqrt', [node('ReduceMean', [node('Mul', [f, f])], axes=[2, 3], keepdims=1)])
            f = node('Div', [f, node('Add', [rms, const(np.float32(1e-3))])])
        if d['const']:
            one = node('Slice', [f, const(np.array([0], np.int64)), const(np.array([1], np.int64)),
                                 const(np.array([1], np.int64))])
            c = node('Add', [node('Mul', [one, const(np.float32(0))]), const(np.float32(d['const']))])
            f = node('Concat', [f, c], axis=1)
        flat = node('Reshape', [f, const(np.array([0, dim, grid * grid], np.int64))])
        self.nodes.append(helper.make_node('Transpose', [flat], [out], perm=[0, 2, 1]))
        return helper.make_tensor_value_info(out, TensorProto.FLOAT, ['N', grid * grid, dim]), emb

    def finish(self, outputs, emb, emb_dim, d, graph_name, producer):
        """Adds `image_embeds` = emb, the input, opset 17 / IR 8, and checks the model."""
        import onnx
        from onnx import TensorProto, helper
        self.nodes.append(helper.make_node('Identity', [emb], ['image_embeds']))
        outputs.append(helper.make_tensor_value_info('image_embeds', TensorProto.FLOAT, ['N', emb_dim]))
        inp = helper.make_tensor_value_info('pixel_values', TensorProto.FLOAT, ['N', 3, d['size'], d['size']])
        graph = helper.make_graph(self.nodes, graph_name, [inp], outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name=producer)
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def build_model(d=DESIGN):
    G = GraphBuilder()
    node, const, conv_edge, blur = G.node, G.const, G.conv_edge, G.blur
    size = d['size']
    g = node('ReduceMean', ['pixel_values'], axes=[1], keepdims=1)  # [N,1,H,W]
    outputs = []
    for li, s in enumerate(d['scales']):
        ch = []
        if d['orient']:
            ks = []
            for t in range(d['orient']):
                ev, od = gabor(s, np.pi * t / d['orient'], 2.5 * s)
                ks += [ev, od]
            resp = conv_edge(g, np.stack(ks))  # [N, 2*orient, H, W]: even0, odd0, even1, ...
            sq = node('Mul', [resp, resp])
            shp = const(np.array([0, d['orient'], 2, size, size], np.int64), 'shape')
            pair = node('Reshape', [sq, shp])
            energy = node('ReduceSum', [pair, const(np.array([2], np.int64), 'axes')], keepdims=0)
            ch.append(node('Sqrt', [node('Add', [energy, const(np.float32(EPS))])]))
        m1 = blur(g, s)
        ch.append(node('Sub', [m1, blur(g, 2 * s)]))
        var = node('Sub', [blur(node('Mul', [g, g]), s), node('Mul', [m1, m1])])
        ch.append(node('Sqrt', [node('Add', [node('Relu', [var]), const(np.float32(EPS))])]))
        if d['intensity']:
            ch.append(m1)
        x = node('Concat', ch, axis=1) if len(ch) > 1 else ch[0]
        info, emb = G.pool_standardise(x, d, feature_dim(d), 'patch_tokens_%d' % (li + 1))
        outputs.append(info)
    return G.finish(outputs, emb, feature_dim(d) - (1 if d['const'] else 0), d, 'clipline_texture',
                    'clipline make_texture_model.py')


def run_graph(model, feeds):
    """Minimal numpy interpreter for exactly the operators build_model emits (the Debian onnx
    package has no onnx.reference); an independent check of the graph against numpy_features."""
    from onnx import numpy_helper
    env = dict(feeds)
    for t in model.graph.initializer:
        env[t.name] = numpy_helper.to_array(t)
    for nd in model.graph.node:
        a = {at.name: at for at in nd.attribute}
        x = [env[i] for i in nd.input]
        op = nd.op_type
        if op == 'Pad':
            k = len(x[1]) // 2
            y = np.pad(x[0], [(int(x[1][i]), int(x[1][i + k])) for i in range(k)], mode='edge')
        elif op == 'Conv':
            inp, w = x
            kh, kw = w.shape[2], w.shape[3]
            H, W = inp.shape[2] - kh + 1, inp.shape[3] - kw + 1
            y = np.zeros((inp.shape[0], w.shape[0], H, W), np.float32)
            for i in range(kh):
                for j in range(kw):
                    y += np.einsum('nchw,oc->nohw', inp[:, :, i:i + H, j:j + W], w[:, :, i, j])
        elif op in ('Mul', 'Add', 'Sub', 'Div'):
            y = {'Mul': np.multiply, 'Add': np.add, 'Sub': np.subtract, 'Div': np.divide}[op](x[0], x[1])
        elif op == 'Sqrt':
            y = np.sqrt(x[0])
        elif op == 'Relu':
            y = np.maximum(x[0], 0)
        elif op == 'Neg':
            y = -x[0]
        elif op == 'Reshape':
            shape = [x[0].shape[i] if v == 0 else int(v) for i, v in enumerate(x[1])]
            y = x[0].reshape(shape)
        elif op == 'ReduceSum':
            y = x[0].sum(tuple(int(v) for v in x[1]), keepdims=bool(a['keepdims'].i))
        elif op == 'ReduceMean':
            y = x[0].mean(tuple(a['axes'].ints), keepdims=bool(a['keepdims'].i))
        elif op == 'Concat':
            y = np.concatenate(x, a['axis'].i)
        elif op in ('AveragePool', 'MaxPool'):
            c = a['kernel_shape'].ints[0]
            n_, ch, H, W = x[0].shape
            r = x[0].reshape(n_, ch, H // c, c, W // c, c)
            y = r.mean((3, 5)) if op == 'AveragePool' else r.max((3, 5))
        elif op == 'Slice':
            sl = [slice(None)] * x[0].ndim
            sl[int(x[3][0])] = slice(int(x[1][0]), int(x[2][0]))
            y = x[0][tuple(sl)]
        elif op == 'Identity':
            y = x[0]
        elif op == 'Transpose':
            y = x[0].transpose(a['perm'].ints)
        else:
            raise ValueError('operator %s not supported by run_graph' % op)
        env[nd.output[0]] = np.asarray(y, np.float32)
    return [env[o.name] for o in model.graph.output]


def manifest(d=DESIGN):
    return {
        'format': 1,
        'name': 'texture-v1',
        'kind': 'texture',
        'description': 'Training-free texture encoder (fixed filter bank: Gabor energies, DoG, '
                       'local mean/std; cell avg/max/min; per-image standardised); no text tower. '
                       'Made by src/models/make_texture_model.py.',
        'image': {
            'file': 'image.onnx', 'input': 'pixel_values', 'height': d['size'], 'width': d['size'],
            'resize': 'STRETCH', 'interpolation': 'BICUBIC', 'channels': 'RGB',
            'mean': MEAN, 'std': STD, 'grid': [d['grid'], d['grid']], 'embedding': 'image_embeds',
            'patches': [{'output': 'patch_tokens_%d' % (i + 1), 'layer': i + 1,
                         'dim': feature_dim(d)} for i in range(len(d['scales']))],
        },
        'patchProjection': None,
    }


def reference_input(d=DESIGN):
    n = 3 * d['size'] * d['size']
    return np.sin(0.001 * np.arange(n, dtype=np.float64)).astype(np.float32).reshape(1, 3, d['size'], d['size'])


def main(out_dir):
    write_folder(out_dir, build_model(), manifest(), lambda x: numpy_features(x, embedding=True),
                 reference_input(), feature_dim(DESIGN))


def write_folder(out_dir, model, manifest_json, reference_fn, x, dim):
    """Saves image.onnx and the manifest, checks the graph (numpy interpreter) against the numpy
    reference `reference_fn` at batch 1 and 2, and records reference.json for the contract test."""
    import onnx

    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, 'image.onnx'))
    with open(os.path.join(out_dir, 'clipline-model.json'), 'w') as fh:
        json.dump(manifest_json, fh, indent=2)
        fh.write('\n')
    names = [o.name for o in model.graph.output]
    got = run_graph(model, {'pixel_values': x})
    # The ONNX graph must compute what the numpy reference computes (1e-4, relative above 1, as
    # the Java contract tests compare).
    ref = reference_fn(x)
    for i, r in enumerate(ref):
        err = float((np.abs(got[i] - r) / np.maximum(1, np.abs(r))).max())
        if err > 1e-4:
            sys.exit('ONNX output %s differs from the numpy reference by %g' % (names[i], err))
    # Symbolic batch: two different images in one batch give the per-image results.
    x2 = np.concatenate([x, np.flip(x, 3).copy()])
    got2 = run_graph(model, {'pixel_values': x2})
    solo = run_graph(model, {'pixel_values': x2[1:]})
    for i in range(len(names)):
        if np.abs(got2[i][:1] - got[i]).max() > 1e-5 or np.abs(got2[i][1:] - solo[i]).max() > 1e-5:
            sys.exit('batch of 2 differs from single images in output %s' % names[i])
    record = {
        'input': {'name': 'pixel_values', 'shape': list(x.shape),
                  'formula': 'input[i] = sin(0.001 * i) over the flat row-major index'},
        'outputs': {},
    }
    for nme, val in zip(names, got):
        flat = val.astype(np.float64).ravel()
        record['outputs'][nme] = {'shape': list(val.shape),
                                  'first64': [float(v) for v in val.ravel()[:64]],
                                  'sum': float(flat.sum()), 'abs_sum': float(np.abs(flat).sum())}
    with open(os.path.join(out_dir, 'reference.json'), 'w') as fh:
        json.dump(record, fh, indent=1)
        fh.write('\n')
    size = os.path.getsize(os.path.join(out_dir, 'image.onnx'))
    print('wrote %s (image.onnx %d bytes, dims %d, outputs %s)' % (out_dir, size, dim, names))


# ---------------------------------------------------------------- design measurement (prototype)
# A Python prototype of the streaming scorer, used only to choose the encoder design; the Java
# engine (io.clipline.scoring) is the product and `clipline eval` re-measures with it. Differences:
# eviction here does not repair stale "nearest earlier" values, and AUROCs include warm-up frames.
# Needs python3-pil in addition (image decoding), only in this mode.
def _measure(dataset, part, seeds, design_overrides, base=DESIGN, features=None):
    """`features(pixels, design)` -> list of [N, patches, dim] (default: numpy_features)."""
    import csv
    import hashlib
    import time
    from PIL import Image

    features = features or numpy_features
    d = dict(base)
    d.update(design_overrides)
    rows = list(csv.DictReader(open(os.path.join(dataset, 'manifest.csv'))))
    groups = {r['path']: r['group'] for r in csv.DictReader(open(os.path.join(dataset, 'groups.csv')))}
    # Grouped split by physical tile: md5(group) % 10 < 4 -> tune, else report. Never mixed.
    want = (lambda h: h < 4) if part == 'tune' else (lambda h: h >= 4)
    rows = [r for r in rows if want(int(hashlib.md5(groups[r['path']].encode()).hexdigest(), 16) % 10)]
    size, grid = d['size'], d['grid']
    t0 = time.time()
    mean = np.array(MEAN, np.float32)[:, None, None]
    std = np.array(STD, np.float32)[:, None, None]
    feats, masks, labels, scopes, maskok = [], [], [], [], []
    for b in range(0, len(rows), 32):
        batch = rows[b:b + 32]
        px = []
        for r in batch:
            im = Image.open(os.path.join(dataset, r['path'])).convert('RGB').resize((size, size), Image.BICUBIC)
            px.append((np.asarray(im, np.float32).transpose(2, 0, 1) / 255.0 - mean) / std)
            m = np.zeros((size, size), bool)
            if r['mask_path']:
                mi = Image.open(os.path.join(dataset, r['mask_path'])).convert('L').resize((size, size), Image.BILINEAR)
                m = np.asarray(mi) > 127
            masks.append(m)
            labels.append(int(r['label']))
            scopes.append(os.path.basename(r['path']).split('_')[0])
            maskok.append(not (int(r['label']) == 1 and not m.any()))  # 4 Uneven with empty masks
        ls = features(np.stack(px), d)
        for j in range(len(batch)):
            feats.append([l[j] for l in ls])
    labels, scopes = np.array(labels), np.array(scopes)
    res = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        score, maps = {}, {}
        for sc in sorted(set(scopes)):
            order = np.where(scopes == sc)[0]
            order = order[rng.permutation(len(order))]
            banks, hist = None, []
            for i in order:
                fl = []
                for l in feats[i]:
                    fl += [_l2n(l), _l2n(_nbr_mean(l, grid))]
                if banks is None:
                    banks = [_Bank(3 * grid * grid) for _ in fl]
                a = np.mean([bk.score_update(f) for bk, f in zip(banks, fl)], 0).reshape(grid, grid)
                m = _blur(_resize(a, size)[None], 4.0 * size / 518)[0]
                raw = float(m.max())
                h = np.array(hist[-200:])
                med = float(np.median(h)) if len(h) else raw
                sd = 1.4826 * float(np.median(np.abs(h - med))) + 1e-3 if len(h) > 2 else 1e-3
                hist.append(raw)
                score[i] = (raw - med) / sd
                maps[i] = ((m - med) / sd).reshape(64, size // 64, 64, size // 64).mean((1, 3))
        keep = np.arange(len(labels))
        ia = _auroc([score[i] for i in keep], labels)
        pk = [i for i in keep if maskok[i]]
        pm = np.concatenate([maps[i].ravel() for i in pk])
        gt = np.concatenate([masks[i].reshape(64, size // 64, 64, size // 64).mean((1, 3)).ravel() >= 0.5 for i in pk])
        res.append((ia, _auroc(pm, gt)))
    r = np.array(res)
    print(json.dumps(dict(part=part, images=len(labels), defective=int(labels.sum()), design=design_overrides,
                          image_auroc=round(float(r[:, 0].mean()), 4), image_sd=round(float(r[:, 0].std()), 4),
                          pixel_auroc=round(float(r[:, 1].mean()), 4), pixel_sd=round(float(r[:, 1].std()), 4),
                          orders=len(seeds), seconds=round(time.time() - t0))), flush=True)


def _l2n(f):
    return f / np.maximum(np.linalg.norm(f, axis=-1, keepdims=True), 1e-12)


def _nbr_mean(f, g):
    x = np.pad(f.reshape(g, g, -1), ((1, 1), (1, 1), (0, 0)), mode='edge')
    return sum(x[i:i + g, j:j + g] for i in range(3) for j in range(3)).reshape(g * g, -1) / 9


def _resize(m, size):
    g = m.shape[0]
    c = np.maximum((np.arange(size) + 0.5) * g / size - 0.5, 0)
    i0 = np.minimum(np.floor(c).astype(int), g - 1)
    i1 = np.minimum(i0 + 1, g - 1)
    w = c - i0
    r = m[i0] * (1 - w)[:, None] + m[i1] * w[:, None]
    return r[:, i0] * (1 - w)[None] + r[:, i1] * w[None]


def _auroc(s, y):
    s, y = np.asarray(s, np.float64), np.asarray(y, bool)
    _, inv, cnt = np.unique(s, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(cnt) - (cnt - 1) / 2.0)[inv]
    n1, n0 = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


class _Bank:
    """RareCLIP bank (ALGORITHMS §3) with k=3, 99th-percentile calibration, top 30 %, 200 rows."""

    def __init__(self, cap, rows=200, k=3, top=0.3):
        self.cap, self.rows, self.k, self.top = cap, rows, k, top
        self.F = self.S = self.ms = None

    def score_update(self, f):
        n = f.shape[0]
        ss = f @ f.T
        within = np.where(np.tri(n, n, -1, bool), ss, -np.inf).max(1).astype(np.float32)  # j < i
        if self.F is None:
            self.F, self.S, self.ms = f.copy(), np.ones((1, n), np.float32), within
            self._evict()
            return np.zeros(n, np.float32)
        sim = f @ self.F.T
        idx = np.argpartition(-sim, self.k - 1, axis=1)[:, :self.k]
        top = np.take_along_axis(sim, idx, 1)
        q = np.quantile(top, 0.99)
        q = q if q > 0 else 1.0
        p = np.einsum('nj,tnj->tn', np.clip(top / q, 0, 1), self.S[:, idx]) / self.k
        t = p.shape[0]
        keep = max(1, int(np.ceil(self.top * t - 1e-9)))
        a = 1 - np.sort(p, 0)[t - keep:].mean(0)
        cur = np.clip(sim.max(0) / q, 0, 1)
        self.S = np.concatenate([np.concatenate([self.S, p], 1),
                                 np.concatenate([cur, np.ones(n, np.float32)])[None]], 0)[-self.rows:]
        self.F = np.concatenate([self.F, f])
        self.ms = np.concatenate([self.ms, np.maximum(sim.max(1), within).astype(np.float32)])
        self._evict()
        return a

    def _evict(self):
        m = self.F.shape[0]
        if m > self.cap:
            order = np.lexsort((-np.arange(m), -self.ms))
            keep = np.sort(order[m - self.cap:])
            self.F, self.S, self.ms = self.F[keep], self.S[:, keep], self.ms[keep]


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'measure':
        # measure <dataset dir> <tune|report> [design overrides as JSON]
        _measure(sys.argv[2], sys.argv[3], (0,) if sys.argv[3] == 'tune' else (0, 1, 2),
                 json.loads(sys.argv[4]) if len(sys.argv) > 4 else {})
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'texture'))
