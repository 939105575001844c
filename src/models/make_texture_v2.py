#!/usr/bin/python3
"""Builds texture-v2: the weight-free fallback encoder (no learned weights, needs nothing at all).

Shares the filters, the pooling / per-image standardisation, the ONNX graph builder, the numpy
graph interpreter, the folder writer and the `measure` harness with make_texture_model.py
(texture-v1, whose folder src/models/texture/ this script never touches). Run from the repository root:

    /usr/bin/python3 src/models/make_texture_v2.py            # writes src/models/texture-v2/
    /usr/bin/python3 src/models/make_texture_v2.py measure DATASET tune|report ['{"grid":16}']

Designed on the tune splits of two sets (magnetic_tile, bsdata), see docs/texture-v2-design.md.
Per layer l with filter scale s_l, on the gray image g (mean of the normalised channels), after
an optional local contrast normalisation g <- (g - blur_L(g)) / sqrt(var_L(g) + eps):
  channels  = texture-v1's (Gabor energies at `orient` orientations, DoG blur_s - blur_2s, local
              std, local mean), plus optionally a dark-blob detector relu(blur_1.6s(g) - blur_s(g))
              and `hog` half-wave rectified directional derivatives of blur_s(g) (signed gradient
              orientation energies, HOG-like)
  pooled    = per grid cell: average, maximum and minimum of every channel (one common grid)
  per image = centred and divided by the image RMS of every pooled channel, plus a constant channel
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_texture_model as v1  # noqa: E402

# std_eps: floor under the local variance (v1: 1e-6). sqrt(var) has an infinite slope at 0, so with
# 1e-6 float32 round-off in var = blur(g^2) - blur(g)^2 showed in min-pooled std at s = 1 (7e-4).
DESIGN = dict(v1.DESIGN, grid=16, scales=[2.0, 4.0], lcn=0.0, lcn_eps=1e-2, blob=True, hog=8,
              std_eps=1e-4, std='var')
NAME = 'texture-v2'


def channel_names(d):
    names = ['gabor%d' % t for t in range(d['orient'])] + ['dog', 'std']
    names += ['mean'] if d['intensity'] else []
    names += ['blob'] if d['blob'] else []
    names += ['grad%d' % t for t in range(d['hog'])]
    return names


def feature_dim(d):
    return len(channel_names(d)) * (3 if d['maxpool'] else 1) + (1 if d['const'] else 0)


def grad_kernels(n):
    """n signed directional derivatives (central differences) at angles 2*pi*t/n, [n, 3, 3]."""
    dx = np.zeros((3, 3)); dx[1, 0], dx[1, 2] = -0.5, 0.5
    dy = dx.T
    return np.stack([np.cos(2 * np.pi * t / n) * dx + np.sin(2 * np.pi * t / n) * dy
                     for t in range(n)]).astype(np.float32)


# ---------------------------------------------------------------- numpy reference
def numpy_features(pixels, d=DESIGN, embedding=False):
    conv, blur = v1._conv2d_edge, v1._blur
    g = pixels.astype(np.float32).mean(1)
    if d['lcn']:
        mu = blur(g, d['lcn'])
        g = (g - mu) / np.sqrt(np.maximum(blur(g * g, d['lcn']) - mu * mu, 0) + d['lcn_eps'])
    layers = []
    for s in d['scales']:
        ch = []
        for t in range(d['orient']):
            ev, od = v1.gabor(s, np.pi * t / d['orient'], 2.5 * s)
            ch.append(np.sqrt(conv(g, ev) ** 2 + conv(g, od) ** 2 + v1.EPS))
        m1 = blur(g, s)
        ch.append(m1 - blur(g, 2 * s))
        if d['std'] == 'resid':  # local RMS of the residual g - blur_s(g): no cancellation
            ch.append(np.sqrt(blur((g - m1) ** 2, s) + d['std_eps']))
        else:  # texture-v1's local std, sqrt(blur_s(g^2) - blur_s(g)^2)
            ch.append(np.sqrt(np.maximum(blur(g * g, s) - m1 * m1, 0) + d['std_eps']))
        if d['intensity']:
            ch.append(m1)
        if d['blob']:
            ch.append(np.maximum(blur(g, 1.6 * s) - m1, 0))
        for k in grad_kernels(d['hog']) if d['hog'] else []:
            ch.append(np.maximum(conv(m1, k), 0))
        f, emb = v1.pool_standardise(np.stack(ch, 1), d)
        layers.append(f)
    return layers + [emb] if embedding else layers


# ---------------------------------------------------------------- ONNX graph (same maths)
def build_model(d=DESIGN):
    G = v1.GraphBuilder()
    node, const, conv_edge, blur = G.node, G.const, G.conv_edge, G.blur
    size, dim = d['size'], feature_dim(d)
    g = node('ReduceMean', ['pixel_values'], axes=[1], keepdims=1)  # [N,1,H,W]
    if d['lcn']:
        mu = blur(g, d['lcn'])
        var = node('Sub', [blur(node('Mul', [g, g]), d['lcn']), node('Mul', [mu, mu])])
        sd = node('Sqrt', [node('Add', [node('Relu', [var]), const(np.float32(d['lcn_eps']))])])
        g = node('Div', [node('Sub', [g, mu]), sd])
    outputs = []
    for li, s in enumerate(d['scales']):
        ch = []
        if d['orient']:
            ks = []
            for t in range(d['orient']):
                ks += list(v1.gabor(s, np.pi * t / d['orient'], 2.5 * s))
            resp = conv_edge(g, np.stack(ks))  # [N, 2*orient, H, W]: even0, odd0, even1, ...
            pair = node('Reshape', [node('Mul', [resp, resp]),
                                    const(np.array([0, d['orient'], 2, size, size], np.int64))])
            energy = node('ReduceSum', [pair, const(np.array([2], np.int64))], keepdims=0)
            ch.append(node('Sqrt', [node('Add', [energy, const(np.float32(v1.EPS))])]))
        m1 = blur(g, s)
        ch.append(node('Sub', [m1, blur(g, 2 * s)]))
        if d['std'] == 'resid':
            r = node('Sub', [g, m1])
            var = blur(node('Mul', [r, r]), s)
        else:
            var = node('Relu', [node('Sub', [blur(node('Mul', [g, g]), s), node('Mul', [m1, m1])])])
        ch.append(node('Sqrt', [node('Add', [var, const(np.float32(d['std_eps']))])]))
        if d['intensity']:
            ch.append(m1)
        if d['blob']:
            ch.append(node('Relu', [node('Sub', [blur(g, 1.6 * s), m1])]))
        if d['hog']:
            ch.append(node('Relu', [conv_edge(m1, grad_kernels(d['hog']))]))
        x = node('Concat', ch, axis=1)
        info, emb = G.pool_standardise(x, d, dim, 'patch_tokens_%d' % (li + 1))
        outputs.append(info)
    return G.finish(outputs, emb, dim - (1 if d['const'] else 0), d, 'clipline_texture_v2',
                    'clipline make_texture_v2.py')


def manifest(d=DESIGN):
    m = v1.manifest(d)
    m['name'] = NAME
    m['description'] = ('Training-free texture encoder, v2 (fixed filters at %s px%s: Gabor energies, '
                        'DoG, local mean/std%s%s; cell avg/max/min on a %dx%d grid; per-image '
                        'standardised); no text tower. Made by src/models/make_texture_v2.py.'
                        % ('/'.join('%g' % s for s in d['scales']),
                           ', after local contrast normalisation' if d['lcn'] else '',
                           ', dark blobs' if d['blob'] else '',
                           ', %d gradient orientations' % d['hog'] if d['hog'] else '',
                           d['grid'], d['grid']))
    m['image']['grid'] = [d['grid'], d['grid']]
    m['image']['patches'] = [{'output': 'patch_tokens_%d' % (i + 1), 'layer': i + 1,
                              'dim': feature_dim(d)} for i in range(len(d['scales']))]
    return m


def main(out_dir):
    v1.write_folder(out_dir, build_model(), manifest(), lambda x: numpy_features(x, embedding=True),
                    v1.reference_input(DESIGN), feature_dim(DESIGN))


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'measure':
        v1._measure(sys.argv[2], sys.argv[3], (0,) if sys.argv[3] == 'tune' else (0, 1, 2),
                    json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}, DESIGN, numpy_features)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else
             os.path.join(os.path.dirname(os.path.abspath(__file__)), 'texture-v2'))
