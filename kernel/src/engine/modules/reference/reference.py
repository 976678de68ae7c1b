#!/usr/bin/python3
"""Reference outputs of medflow's image-processing modules, computed with OpenCV, scikit-image
and numpy (Debian's python3-opencv / python3-skimage).

    reference.py cases.json out_dir

cases.json is a list of {"id", "module", "params", "input"} where input is an .npy file;
each result is written to out_dir/<id>.npy. Parameters have medflow's names and meanings
(with defaults filled in); each function below says which library call it checks against.
"""
import json
import math
import sys

import cv2
import numpy as np
from skimage import exposure, filters, util

BORDERS = {
    'constant': cv2.BORDER_CONSTANT,
    'edge': cv2.BORDER_REPLICATE,
    'reflect': cv2.BORDER_REFLECT,
    'reflect_101': cv2.BORDER_REFLECT_101,
    'wrap': cv2.BORDER_WRAP,
}


def value_range(a):
    if a.dtype == np.uint8:
        return 0, 255
    if a.dtype == np.uint16:
        return 0, 65535
    return 0, 1  # float images of the tests are rescaled to [0, 1]


def rescale(a, p):
    lo, hi = value_range(a)
    return ((a.astype(np.float32) - lo) * np.float32((p['max'] - p['min']) / (hi - lo)) + p['min']).astype(np.float32)


def min_max_normalization(a, p):
    out = np.empty(a.shape, np.float32)
    cv2.normalize(a.astype(np.float32), out, p['min'], p['max'], cv2.NORM_MINMAX)
    return out


def z_score(a, p):
    f = a.astype(np.float64)
    return ((f - f.mean()) / (f.std() + p['epsilon'])).astype(np.float32)


def resize(a, p):
    flag = {'nearest': cv2.INTER_NEAREST, 'bilinear': cv2.INTER_LINEAR, 'area': cv2.INTER_AREA}
    return cv2.resize(a, (p['width'], p['height']), interpolation=flag[p['interpolation']])


def crop(a, p):
    return a[p['top']:p['top'] + p['height'], p['left']:p['left'] + p['width']]


def center_crop(a, p):
    t = (a.shape[0] - p['height']) // 2
    l = (a.shape[1] - p['width']) // 2
    return a[t:t + p['height'], l:l + p['width']]


def pad(a, p):
    return cv2.copyMakeBorder(a, p['top'], p['bottom'], p['left'], p['right'], BORDERS[p['mode']], value=[p['value']] * 4)


def depad(a, p):
    h, w = a.shape[:2]
    return a[p['top']:h - p['bottom'], p['left']:w - p['right']]


def auto_crop(a, p):
    fg = a > p['threshold']
    if fg.ndim == 3:
        fg = fg.any(axis=2)
    ys, xs = np.nonzero(fg)
    if len(ys) == 0:
        return a
    m = p['margin']
    y0, y1 = max(0, ys.min() - m), min(a.shape[0] - 1, ys.max() + m)
    x0, x1 = max(0, xs.min() - m), min(a.shape[1] - 1, xs.max() + m)
    return a[y0:y1 + 1, x0:x1 + 1]


def flip(a, p):
    return cv2.flip(a, {'horizontal': 1, 'vertical': 0, 'both': -1}[p['axis']])


def rotate(a, p):
    q = p['angle'] / 90
    if q == int(q):
        k = int(q) % 4
        return a if k == 0 else cv2.rotate(a, [None, cv2.ROTATE_90_COUNTERCLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE][k])
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), p['angle'], 1)
    flag = cv2.INTER_NEAREST if p['interpolation'] == 'nearest' else cv2.INTER_LINEAR
    return cv2.warpAffine(a, m, (w, h), flags=flag, borderMode=cv2.BORDER_CONSTANT, borderValue=[p['fill']] * 4)


def clipping(a, p):
    return np.clip(a, p['min'], p['max']).astype(a.dtype)


def invert(a, p):
    return util.invert(a)  # skimage: dtype max - a for unsigned ints, 1 - a for floats in [0, 1]


def linear_function(a, p):
    return cv2.addWeighted(a, p['slope'], a, 0, p['intercept'])  # saturate(slope * a + intercept)


def bit_reduction(a, p):
    bits = 8 if a.dtype == np.uint8 else 16
    mask = (1 << bits) - (1 << (bits - p['bits']))
    return np.bitwise_and(a, np.array(mask, a.dtype))


def gamma_correction(a, p):
    if a.dtype.kind == 'f':
        return exposure.adjust_gamma(a, p['gamma'], p['gain']).astype(a.dtype)
    lo, hi = value_range(a)
    lut = np.clip(np.rint(hi * p['gain'] * (np.arange(hi + 1) / hi) ** p['gamma']), 0, hi).astype(a.dtype)
    return lut[a]


def tile_grid(h, w, k):
    return max(1, round(h / k)), max(1, round(w / k))


def histogram_equalization(a, p):
    if p['method'] == 'global':
        return cv2.equalizeHist(a)
    ty, tx = tile_grid(a.shape[0], a.shape[1], p['kernel_size'])
    return cv2.createCLAHE(clipLimit=p['limit'], tileGridSize=(tx, ty)).apply(a)


MORPH = {'erosion': cv2.MORPH_ERODE, 'dilation': cv2.MORPH_DILATE, 'opening': cv2.MORPH_OPEN,
         'closing': cv2.MORPH_CLOSE, 'gradient': cv2.MORPH_GRADIENT, 'tophat': cv2.MORPH_TOPHAT,
         'blackhat': cv2.MORPH_BLACKHAT}
SHAPES = {'rect': cv2.MORPH_RECT, 'ellipse': cv2.MORPH_ELLIPSE, 'cross': cv2.MORPH_CROSS}


def morphology(a, p):
    k = cv2.getStructuringElement(SHAPES[p['kernel_shape']], (p['kernel_size'],) * 2)
    return cv2.morphologyEx(a, MORPH[p['operation']], k, iterations=p['iterations'])


def gaussian_blur(a, p):
    k = p['kernel_size']
    return cv2.GaussianBlur(a, (k, k), p['sigma'], borderType=cv2.BORDER_REFLECT_101)


def box_blur(a, p):
    k = p['kernel_size']
    return cv2.blur(a, (k, k), borderType=cv2.BORDER_REFLECT_101)


def median_filter(a, p):
    return cv2.medianBlur(a, p['kernel_size'])


def sharpen(a, p):
    s = p['amount']
    if p['method'] == 'kernel':
        k = np.array([[0, -s, 0], [-s, 1 + 4 * s, -s], [0, -s, 0]], np.float32)
        return cv2.filter2D(a, -1, k, borderType=cv2.BORDER_REFLECT_101)
    blurred = cv2.GaussianBlur(a, (0, 0), p['sigma'])
    return cv2.addWeighted(a, 1 + s, blurred, -s, 0)


def sobel(a, p):
    k = p['kernel_size']
    gx = lambda: cv2.Sobel(a, cv2.CV_32F, 1, 0, ksize=k)
    gy = lambda: cv2.Sobel(a, cv2.CV_32F, 0, 1, ksize=k)
    if p['direction'] == 'x':
        return gx()
    if p['direction'] == 'y':
        return gy()
    return cv2.magnitude(gx(), gy())


def laplacian(a, p):
    return cv2.Laplacian(a, cv2.CV_32F, ksize=p['kernel_size'])


def canny(a, p):
    return cv2.Canny(a, p['low'], p['high'], apertureSize=p['kernel_size'], L2gradient=p['l2_gradient'])


def threshold(a, p):
    kind = cv2.THRESH_BINARY_INV if p['invert'] else cv2.THRESH_BINARY
    if p['method'] == 'adaptive':
        m = cv2.ADAPTIVE_THRESH_MEAN_C if p['adaptive_method'] == 'mean' else cv2.ADAPTIVE_THRESH_GAUSSIAN_C
        return cv2.adaptiveThreshold(a, p['max_value'], m, kind, p['block_size'], p['C'])
    if p['method'] == 'otsu' and a.dtype.kind == 'f':
        t = filters.threshold_otsu(a)
        on, off = (0, p['max_value']) if p['invert'] else (p['max_value'], 0)
        return np.where(a > t, on, off).astype(a.dtype)
    if p['method'] == 'otsu':
        if a.dtype == np.uint8:
            return cv2.threshold(a, 0, p['max_value'], kind | cv2.THRESH_OTSU)[1]
        t = filters.threshold_otsu(a, nbins=65536)  # uint16: OpenCV 4.6's Otsu is 8-bit only
        on, off = (0, p['max_value']) if p['invert'] else (p['max_value'], 0)
        return np.where(a > t, on, off).astype(a.dtype)
    return cv2.threshold(a, p['threshold'], p['max_value'], kind)[1]


PRESETS = {'lung': (-600, 1500), 'mediastinum': (50, 350), 'bone': (400, 1800), 'brain': (40, 80)}


def ct_windowing(a, p):
    c, w = (p['center'], p['width']) if p['preset'] == 'custom' else PRESETS[p['preset']]
    t = np.clip((a.astype(np.float64) - (c - w / 2)) / w, 0, 1)
    return np.rint(t * 255).astype(np.uint8) if p['output'] == 'uint8' else t.astype(np.float32)


def grayscale(a, p):
    if a.ndim == 2:
        return a
    if p['method'] == 'average':
        return np.rint(a.astype(np.float64).mean(axis=2)).astype(a.dtype) if a.dtype.kind != 'f' else a.mean(axis=2).astype(a.dtype)
    return cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)


def warp_affine(a, p):
    """The deterministic part of random_rotate / random_affine: cv2.warpAffine with the matrix."""
    h, w = a.shape[:2]
    m = np.array(p['matrix'], np.float64).reshape(2, 3)
    return cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=[p['fill']] * 4)


def main():
    cases = json.load(open(sys.argv[1]))
    out_dir = sys.argv[2]
    for case in cases:
        a = np.load(case['input'])
        out = globals()[case['module']](a, case['params'])
        np.save(f"{out_dir}/{case['id']}.npy", np.ascontiguousarray(out))


if __name__ == '__main__':
    main()
