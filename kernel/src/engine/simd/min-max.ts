/**
 * Erosion / dilation chains (morphology's operations, iterations included) on one-channel
 * uint8 and uint16 images in the SIMD kernels of kernel/assembly/minmax.ts. The image goes
 * into WebAssembly memory once, every step of the chain ping-pongs between two buffers there,
 * and the result comes out once.
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

/** Columns [x0, x1) of the kernel shared by the kernel rows at offsets dys (from the centre). */
export interface MaskRun {
  x0: number;
  x1: number;
  dys: number[];
}

/** Runs whose row windows are combined in one pass over the output. */
const GROUP = 8;

/**
 * src after each of `ops` in turn (min = erosion, max = dilation) with the kernel given by its
 * runs (kernel width kw, anchor at the centre); null where these kernels do not apply (other
 * dtypes, kernels not loaded, a kernel without its centre row), and the caller loops in
 * TypeScript.
 */
export function minMaxChainSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  runs: MaskRun[],
  kw: number,
  ops: ('min' | 'max')[]
): T | null {
  const k = imageKernels();
  // The run holding the centre row goes first: it writes every output row (its dy = 0 is
  // always inside the image), and the other runs then fold into rows already written.
  const centre = runs.findIndex(r => r.dys.includes(0));
  if (!k || centre < 0) return null;
  runs = [runs[centre], ...runs.filter((_, i) => i !== centre)];
  const size = src.BYTES_PER_ELEMENT;
  const { combineRows, rect } = k.exports;
  const n = h * w;
  const rx = (kw - 1) >> 1;
  k.reset();
  let cur = k.put(src);
  let next = k.alloc(n * size);
  const [only] = runs;
  if (runs.length === 1 && only.dys.every((dy, i) => i === 0 || dy === only.dys[i - 1] + 1)) {
    // A rectangle (one run of columns over consecutive rows): column extremes, then the
    // row window, row by row, with no intermediate image.
    // Two lines: the kernel computes output rows in pairs.
    const line = k.alloc(2 * ((w + 2 * kw + 16) * size + 16));
    const [e0, e1] = [only.dys[0], only.dys[only.dys.length - 1]];
    for (const op of ops) {
      rect(
        size,
        cur,
        next,
        line,
        h,
        w,
        only.x0 - rx,
        only.x1 - 1 - rx,
        e0,
        e1,
        op === 'min' ? 1 : 0
      );
      [cur, next] = [next, cur];
    }
    return k.take(src, cur, n);
  }
  // Up to GROUP runs are combined in one pass, each from its own row-window buffer (large
  // ellipses have dozens of runs: the next group folds into the rows the first wrote).
  const windows = runs.slice(0, GROUP).map(() => k.alloc(n * size));
  const pad = k.alloc((w + 2 * kw + 16) * size);
  const picked = k.alloc((runs.reduce((m, r) => Math.max(m, r.dys.length), 0) * GROUP + 1) * 4);
  for (const op of ops) {
    const isMin = op === 'min' ? 1 : 0;
    for (let g = 0; g < runs.length; g += GROUP) {
      const sources: number[] = [];
      runs.slice(g, g + GROUP).forEach((run, i) => {
        // A one-pixel run at the centre column (ellipse tips, cross arms) is the image itself.
        const identity = run.x0 === rx && run.x1 === rx + 1;
        // Otherwise its row window: the rectangle of one row (e0 = e1 = 0).
        if (!identity) {
          rect(size, cur, windows[i], pad, h, w, run.x0 - rx, run.x1 - 1 - rx, 0, 0, isMin);
        }
        for (const dy of run.dys) sources.push(identity ? cur : windows[i], dy);
      });
      const list = k.put(Int32Array.from(sources));
      combineRows(size, next, h, w, list, sources.length / 2, picked, g > 0 ? 1 : 0, isMin);
    }
    [cur, next] = [next, cur];
  }
  return k.take(src, cur, n);
}
