/**
 * medflow's SIMD kernels for tensors of tfjs's wasm backend. Unlike the image kernels, this
 * module imports the backend's own memory (its heap, shared between threads in the threaded
 * build), so it works on tensors where they live: no copies in or out. For that it must never
 * write memory it was not given: no data segments, no stack, no statics in memory (the build
 * checks the first; wasm-kernels' loader refuses a module with data).
 */

/**
 * The gradient of MaxPooling2D with disjoint, complete 2×2 windows over NHWC float32 tensors
 * (kernel/src/engine/backend/wasm/max_pool_grad.ts): each output's gradient goes to the first
 * position of its window, in row-major order, that holds the window's maximum; every other
 * input position gets 0. x and dx: (2 · outRows) × (2 · outWidth) × c; g: outRows × outWidth
 * × c (batch and rows folded into outRows). c must be a multiple of 4.
 */
export function maxPoolGrad2x2F32(
  x: usize,
  g: usize,
  dx: usize,
  outRows: i32,
  outWidth: i32,
  c: i32
): void {
  const pixel = (<usize>c) << 2;
  const row = pixel * <usize>(2 * outWidth);
  let gi = g;
  for (let r = 0; r < outRows; r++) {
    const top = <usize>(2 * r) * row;
    for (let ox = 0; ox < outWidth; ox++) {
      const i0 = top + <usize>(2 * ox) * pixel;
      const i1 = i0 + pixel;
      const i2 = i0 + row;
      const i3 = i2 + pixel;
      for (let ch: usize = 0; ch < pixel; ch += 16, gi += 16) {
        const a = v128.load(x + i0 + ch);
        const b = v128.load(x + i1 + ch);
        const d = v128.load(x + i2 + ch);
        const e = v128.load(x + i3 + ch);
        // Running maximum with strict comparisons, as the scalar loop: a later equal value
        // (or a NaN) never takes over.
        const takeB = f32x4.gt(b, a);
        const ab = v128.bitselect(b, a, takeB);
        const takeD = f32x4.gt(d, ab);
        const abd = v128.bitselect(d, ab, takeD);
        const takeE = f32x4.gt(e, abd);
        const v = v128.load(gi);
        // Lane masks of the winner: e if takeE, else d if takeD, else b if takeB, else a.
        const notE = v128.not(takeE);
        const winD = v128.and(takeD, notE);
        const notDE = v128.andnot(notE, takeD);
        const winB = v128.and(takeB, notDE);
        const winA = v128.andnot(notDE, takeB);
        v128.store(dx + i0 + ch, v128.and(v, winA));
        v128.store(dx + i1 + ch, v128.and(v, winB));
        v128.store(dx + i2 + ch, v128.and(v, winD));
        v128.store(dx + i3 + ch, v128.and(v, takeE));
      }
    }
  }
}
