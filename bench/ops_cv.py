#!/usr/bin/python3
"""Peer side of `npm run bench:ops`: times OpenCV (the reference implementation of each case,
kernel/src/engine/modules/reference/reference.py) and scikit-image on the same images.

    ops_cv.py --serve    one job {"module", "params", "input"} per stdin line ->
                         one {"cv": images/s or null, "sk": images/s or null} per stdout line

Every peer returns an owned array, as medflow's modules do: numpy's crop/flip/rotate-by-90 are
views, so those peers copy (np.ascontiguousarray) — timing a view against a copy is not a
comparison. Where scikit-image has no such operation, the scikit-image column times the plain
numpy/scipy code a scikit-image user would write (noted in SK_NOTES and in bench/ops.md).
"""
import importlib.util
import json
import math
import os
import sys
import time
import warnings

import cv2
import numpy as np
from scipy import ndimage
from skimage import color, exposure, feature, filters, morphology, transform, util

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'reference', os.path.join(HERE, '..', 'kernel', 'src', 'engine', 'modules', 'reference', 'reference.py'))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
warnings.filterwarnings('ignore', message='Bad rank filter performance')  # skimage's own note on 16-bit rank filters
cv2.setNumThreads(1)  # one thread, like one call of a module (workers parallelise items)


def owned(fn):
    """A peer that returns a contiguous copy where the reference returns a numpy view."""
    return lambda a, p: np.ascontiguousarray(fn(a, p))


def noise(a, p):
    rng = np.random.default_rng(p['seed'])
    return np.clip(a + rng.normal(0, p['sigma'] * 255 if a.dtype == np.uint8 else p['sigma'] * 65535, a.shape), 0, np.iinfo(a.dtype).max).astype(a.dtype)


def random_flip(a, p):
    return cv2.flip(a, 1)


def random_rotate(a, p):
    h, w = a.shape[:2]
    return cv2.warpAffine(a, cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 7.5, 1), (w, h))


random_affine = random_rotate

CV_EXTRA = {'noise': noise, 'random_flip': random_flip, 'random_rotate': random_rotate,
            'random_affine': random_affine}
for name in ('crop', 'center_crop', 'depad', 'auto_crop'):
    CV_EXTRA[name] = owned(getattr(ref, name))


# ---- scikit-image peers (same operation, skimage's own call; dtype back as medflow returns) ----

def like(a, out):
    """skimage's float results back to the input's integer dtype, as the module returns."""
    if a.dtype.kind == 'f':
        return out.astype(a.dtype)
    info = np.iinfo(a.dtype)
    return np.clip(np.rint(out), info.min, info.max).astype(a.dtype)


def sk_crop(a, p):
    h, w = a.shape[:2]
    t, l = p['top'], p['left']
    return util.crop(a, ((t, h - t - p['height']), (l, w - l - p['width'])), copy=True)


def sk_center_crop(a, p):
    h, w = a.shape[:2]
    t, l = (h - p['height']) // 2, (w - p['width']) // 2
    return util.crop(a, ((t, h - t - p['height']), (l, w - l - p['width'])), copy=True)


def sk_depad(a, p):
    return util.crop(a, ((p['top'], p['bottom']), (p['left'], p['right'])), copy=True)


def sk_resize(a, p):
    shape = (p['height'], p['width'])
    if p['interpolation'] == 'area':
        return like(a, transform.resize_local_mean(a, shape, preserve_range=True))
    order = 0 if p['interpolation'] == 'nearest' else 1
    return like(a, transform.resize(a, shape, order=order, preserve_range=True, anti_aliasing=False))


def sk_rotate(a, p):
    if p['angle'] % 90 == 0:
        return np.ascontiguousarray(np.rot90(a, int(p['angle'] // 90)))
    return like(a, transform.rotate(a, p['angle'], order=1, preserve_range=True, cval=p['fill']))


def sk_gamma(a, p):
    return exposure.adjust_gamma(a, p['gamma'], p['gain'])


def sk_hist_eq(a, p):
    if p['method'] == 'global':
        return like(a, exposure.equalize_hist(a) * np.iinfo(a.dtype).max)
    out = exposure.equalize_adapthist(a, kernel_size=p['kernel_size'], clip_limit=p['limit'] / 100)
    return like(a, out * np.iinfo(a.dtype).max)


def sk_ct_windowing(a, p):
    c, w = (p['center'], p['width']) if p['preset'] == 'custom' else ref.PRESETS[p['preset']]
    out = np.uint8 if p['output'] == 'uint8' else (0.0, 1.0)
    r = exposure.rescale_intensity(a, in_range=(c - w / 2, c + w / 2), out_range=out)
    return r if p['output'] == 'uint8' else r.astype(np.float32)


FOOTPRINTS = {'rect': lambda k: morphology.square(k), 'cross': lambda k: cv2.getStructuringElement(cv2.MORPH_CROSS, (k, k)),
              'ellipse': lambda k: cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))}
SK_MORPH = {'erosion': morphology.erosion, 'dilation': morphology.dilation, 'opening': morphology.opening,
            'closing': morphology.closing, 'tophat': morphology.white_tophat, 'blackhat': morphology.black_tophat}


def sk_morphology(a, p):
    fp = FOOTPRINTS[p['kernel_shape']](p['kernel_size'])
    out = a
    for _ in range(p['iterations']):
        if p['operation'] == 'gradient':
            out = morphology.dilation(out, fp) - morphology.erosion(out, fp)
        else:
            out = SK_MORPH[p['operation']](out, fp)
    return out


def sigma_of(k, sigma):
    return sigma if sigma > 0 else 0.3 * ((k - 1) * 0.5 - 1) + 0.8  # OpenCV's rule, as the module


def sk_gaussian(a, p):
    k = p['kernel_size']
    s = sigma_of(k, p['sigma'])
    return like(a, filters.gaussian(a, s, mode='mirror', truncate=((k - 1) / 2) / s, preserve_range=True))


def sk_box_blur(a, p):
    k = p['kernel_size']
    return filters.rank.mean(a, morphology.square(k))


def sk_median(a, p):
    k = p['kernel_size']
    return filters.median(a, morphology.square(k))


def sk_sharpen(a, p):
    if p['method'] == 'kernel':
        s = p['amount']
        k = np.array([[0, -s, 0], [-s, 1 + 4 * s, -s], [0, -s, 0]])
        return like(a, ndimage.convolve(a.astype(np.float64), k, mode='mirror'))
    return like(a, filters.unsharp_mask(a, p['sigma'], p['amount'], preserve_range=True))


def sk_sobel(a, p):
    f = a.astype(np.float32)
    if p['direction'] == 'x':
        return filters.sobel_v(f)
    if p['direction'] == 'y':
        return filters.sobel_h(f)
    return filters.sobel(f)


def sk_laplacian(a, p):
    return filters.laplace(a.astype(np.float32), ksize=3)


def sk_canny(a, p):
    return (feature.canny(a, sigma=1e-6, low_threshold=p['low'], high_threshold=p['high']) * 255).astype(np.uint8)


def sk_threshold(a, p):
    on, off = (0, p['max_value']) if p['invert'] else (p['max_value'], 0)
    if p['method'] == 'adaptive':
        t = filters.threshold_local(a, p['block_size'], method='mean' if p['adaptive_method'] == 'mean' else 'gaussian', offset=p['C'])
    elif p['method'] == 'otsu':
        t = filters.threshold_otsu(a, nbins=256 if a.dtype == np.uint8 else 65536)
    else:
        t = p['threshold']
    return np.where(a > t, on, off).astype(a.dtype)


def sk_noise(a, p):
    return util.img_as_ubyte(util.random_noise(a, mode='gaussian', seed=p['seed'], var=p['sigma'] ** 2)) if a.dtype == np.uint8 \
        else util.img_as_uint(util.random_noise(a, mode='gaussian', seed=p['seed'], var=p['sigma'] ** 2))


def sk_random_rotate(a, p):
    return like(a, transform.rotate(a, 7.5, order=1, preserve_range=True))


def sk_random_affine(a, p):
    h, w = a.shape[:2]
    m = transform.AffineTransform(rotation=math.radians(7.5), scale=1.05, translation=(3, -2))
    return like(a, transform.warp(a, m.inverse, order=1, preserve_range=True))


def scale_to(a, lo, hi, p):
    return exposure.rescale_intensity(a, in_range=(lo, hi), out_range=(p['min'], p['max'])).astype(np.float32)


SK = {
    'rescale': lambda a, p: scale_to(a, *ref.value_range(a), p),
    'min_max_normalization': lambda a, p: scale_to(a, a.min(), a.max(), p),
    'z_score': ref.z_score,  # numpy (scikit-image has no z-score)
    'resize': sk_resize,
    'crop': sk_crop,
    'center_crop': sk_center_crop,
    'pad': lambda a, p: util.pad(a, ((p['top'], p['bottom']), (p['left'], p['right'])), mode='reflect')
    if hasattr(util, 'pad') else np.pad(a, ((p['top'], p['bottom']), (p['left'], p['right'])), mode='reflect'),
    'depad': sk_depad,
    'auto_crop': owned(ref.auto_crop),  # numpy
    'flip': lambda a, p: np.ascontiguousarray(a[:, ::-1] if p['axis'] == 'horizontal' else a[::-1] if p['axis'] == 'vertical' else a[::-1, ::-1]),
    'rotate': sk_rotate,
    'clipping': ref.clipping,  # numpy
    'invert': lambda a, p: util.invert(a),
    'linear_function': lambda a, p: like(a, a * p['slope'] + p['intercept']),  # numpy
    'bit_reduction': ref.bit_reduction,  # numpy
    'gamma_correction': sk_gamma,
    'histogram_equalization': sk_hist_eq,
    'ct_windowing': sk_ct_windowing,
    'grayscale': lambda a, p: util.img_as_ubyte(color.rgb2gray(a)),
    'morphology': sk_morphology,
    'gaussian_blur': sk_gaussian,
    'box_blur': sk_box_blur,
    'median_filter': sk_median,
    'sharpen': sk_sharpen,
    'sobel': sk_sobel,
    'laplacian': sk_laplacian,
    'canny': sk_canny,
    'threshold': sk_threshold,
    'noise': sk_noise,
    'random_flip': lambda a, p: np.ascontiguousarray(a[:, ::-1]),
    'random_rotate': sk_random_rotate,
    'random_affine': sk_random_affine,
}


def images_per_second(fn, a, p, warm=0.1, window=0.15):
    """As bench/ops.mjs: a warm-up, then the best of three windows, in images per CPU-second."""
    def run(seconds):
        calls = 0
        w0 = time.perf_counter()
        t0 = time.process_time()
        while True:
            fn(a, p)
            calls += 1
            if time.perf_counter() - w0 > seconds:
                return calls / max(time.process_time() - t0, 1e-6)
    run(warm)
    return max(run(window), run(window), run(window))


def timed(fn, a, p):
    try:
        return images_per_second(fn, a, p)
    except (cv2.error, ValueError, TypeError):
        return None  # the library does not support this dtype for the operation


def main():
    """--serve: one JSON job {module, params, input} per stdin line, one {cv, sk} per line."""
    images = {}
    for line in sys.stdin:
        c = json.loads(line)
        a = images.setdefault(c['input'], np.load(c['input']))
        p = c['params']
        out = {'cv': timed(CV_EXTRA.get(c['module']) or getattr(ref, c['module']), a, p),
               'sk': timed(SK[c['module']], a, p)}
        print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
