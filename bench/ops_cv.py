#!/usr/bin/python3
"""OpenCV side of `npm run bench:ops`: times the reference implementation of each case
(kernel/src/engine/modules/reference/reference.py) on the same images.

    ops_cv.py cases.json    ->   prints {"<id>": images_per_second or null}
"""
import importlib.util
import json
import os
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'reference', os.path.join(HERE, '..', 'kernel', 'src', 'engine', 'modules', 'reference', 'reference.py'))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
cv2.setNumThreads(1)  # one thread, like one call of a module (workers parallelise items)


def noise(a, p):
    rng = np.random.default_rng(p['seed'])
    return np.clip(a + rng.normal(0, p['sigma'] * 255 if a.dtype == np.uint8 else p['sigma'] * 65535, a.shape), 0, np.iinfo(a.dtype).max).astype(a.dtype)


def random_flip(a, p):
    return cv2.flip(a, 1)


def random_rotate(a, p):
    h, w = a.shape[:2]
    return cv2.warpAffine(a, cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 7.5, 1), (w, h))


random_affine = random_rotate

EXTRA = {'noise': noise, 'random_flip': random_flip, 'random_rotate': random_rotate, 'random_affine': random_affine}


def images_per_second(fn, a, p, budget=0.25):
    fn(a, p)
    n = 0
    t0 = time.perf_counter()
    while True:
        fn(a, p)
        n += 1
        t = time.perf_counter() - t0
        if t > budget and n >= 3:
            return n / t


def main():
    cases = json.load(open(sys.argv[1]))
    images = {}
    out = {}
    for c in cases:
        a = images.setdefault(c['input'], np.load(c['input']))
        fn = EXTRA.get(c['module']) or getattr(ref, c['module'])
        try:
            out[c['id']] = images_per_second(fn, a, c['params'])
        except cv2.error:
            out[c['id']] = None  # OpenCV does not support this dtype for the operation
    print(json.dumps(out))


if __name__ == '__main__':
    main()
