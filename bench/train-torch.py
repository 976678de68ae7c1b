"""PyTorch (CPU) side of `npm run bench:train` (bench/train-compare.mjs drives both sides).

  /usr/bin/python3 bench/train-torch.py prepare --size 64 --count 64 --out /tmp/x.npy
      writes real PneumoniaMNIST training images, resized (bilinear) to size×size, scaled to
      [0, 1], as float32 NHWC [count, size, size, 1], plus their labels as <out>.labels.npy.
  /usr/bin/python3 bench/train-torch.py run --data /tmp/x.npy [--threads 2] [--seconds 6]
                                            [--channels-last]
      trains and then runs inference on those bytes and prints one JSON line of images/s.
      --channels-last keeps model and batches in NHWC memory order, which lets oneDNN skip its
      layout conversions (much faster on this CPU build); the default is PyTorch's NCHW.

The model matches bench/train-compare.mjs: 3 × (Conv 3×3 'same', no bias → BatchNorm → ReLU →
MaxPool 2) with 16/32/64 filters, Flatten, Linear(2); Adam (lr 1e-3), softmax cross-entropy
from logits, batch 32.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def prepare(size, count, out):
    import torch

    with np.load(os.path.join(ROOT, 'data', 'medmnist', 'pneumoniamnist.npz')) as npz:
        images = npz['train_images'][:count].astype(np.float32) / 255.0
        labels = npz['train_labels'][:count, 0].astype(np.int32)
    # Resize with torch so that the bytes are produced once, here, and read by both sides.
    resized = torch.nn.functional.interpolate(
        torch.from_numpy(images)[:, None], size=(size, size), mode='bilinear', align_corners=False
    )
    nhwc = resized.permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)
    np.save(out, nhwc)
    np.save(out + '.labels.npy', labels)


def build_model(size):
    import torch.nn as nn

    layers = []
    channels = 1
    for filters in (16, 32, 64):
        layers += [
            nn.Conv2d(channels, filters, 3, padding=1, bias=False),
            nn.BatchNorm2d(filters),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]
        channels = filters
    side = size // 8
    layers += [nn.Flatten(), nn.Linear(64 * side * side, 2)]
    return nn.Sequential(*layers)


def timed(fn, warmup, seconds, min_steps):
    """Runs fn `warmup` times untimed, then until `seconds` and `min_steps` are both reached."""
    for _ in range(warmup):
        fn()
    steps = 0
    t0 = time.perf_counter()
    while True:
        fn()
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and steps >= min_steps:
            return steps, elapsed


def run(data, threads, batch, seconds, warmup, min_steps, channels_last):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x_all = np.load(data)
    y_all = np.load(data + '.labels.npy')
    size = x_all.shape[1]
    # The file is NHWC (tfjs's layout); torch convolutions want NCHW.
    x_all = torch.from_numpy(x_all).permute(0, 3, 1, 2)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    x_all = x_all.contiguous(memory_format=layout)
    y_all = torch.from_numpy(y_all.astype(np.int64))
    batches = [
        (x_all[i : i + batch], y_all[i : i + batch])
        for i in range(0, x_all.shape[0] - batch + 1, batch)
    ]
    model = build_model(size).to(memory_format=layout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    state = {'i': 0}

    def train_step():
        x, y = batches[state['i'] % len(batches)]
        state['i'] += 1
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    model.train()
    steps, elapsed = timed(train_step, warmup, seconds, min_steps)
    train = steps * batch / elapsed

    def infer_step():
        x, _ = batches[state['i'] % len(batches)]
        state['i'] += 1
        return model(x).numpy()

    model.eval()
    with torch.inference_mode():
        isteps, ielapsed = timed(infer_step, warmup, seconds / 2, min_steps)
    infer = isteps * batch / ielapsed
    print(
        json.dumps(
            {
                'size': size,
                'threads': torch.get_num_threads(),
                'torch': torch.__version__,
                'layout': 'NHWC' if channels_last else 'NCHW',
                'train': train,
                'trainSteps': steps,
                'infer': infer,
                'inferSteps': isteps,
            }
        )
    )


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('prepare')
    p.add_argument('--size', type=int, required=True)
    p.add_argument('--count', type=int, default=64)
    p.add_argument('--out', required=True)
    r = sub.add_parser('run')
    r.add_argument('--data', required=True)
    r.add_argument('--threads', type=int, default=2)
    r.add_argument('--batch', type=int, default=32)
    r.add_argument('--seconds', type=float, default=6.0)
    r.add_argument('--warmup', type=int, default=3)
    r.add_argument('--min-steps', type=int, default=5)
    r.add_argument('--channels-last', action='store_true')
    args = parser.parse_args(argv)
    if args.cmd == 'prepare':
        prepare(args.size, args.count, args.out)
    else:
        run(
            args.data,
            args.threads,
            args.batch,
            args.seconds,
            args.warmup,
            args.min_steps,
            args.channels_last,
        )


if __name__ == '__main__':
    main(sys.argv[1:])
