/**
 * A 3×3, stride-1 convolution of NHWC float32 tensors by Winograd's algorithm
 * (kernel/src/engine/backend/wasm/winograd_conv.ts), with output tiles of 2×2 (F(2×2, 3×3),
 * ./winograd.ts) or 4×4 (F(4×4, 3×3), ./winograd-f4.ts): per block of tiles,
 *   1. the input transform V = Bᵀ d B of each tile and input channel;
 *   2. one matrix product per position ξ of the transform (16 or 36):
 *      M[ξ] (tiles × co) = V[ξ] (tiles × ci) · U[ξ] (ci × co), U the transformed filter;
 *   3. the output transform Y = Aᵀ M A, plus bias, then ReLU / ReLU6, and with `pool` the 2×2
 *      MaxPooling of the tile's outputs, written to y.
 * The tiles go through in blocks so that a block's V and M (scratch memory that the caller
 * gives: points · (block · (ci + co) + 32) floats, see xiBytes) stay in cache between the three
 * steps: done tensor-wide, the transforms would move 4-8× the input and output through memory.
 *
 * Tiles [t0, t1) of all n · ⌈ho/tile⌉ · ⌈wo/tile⌉ are computed, so threads can share the
 * tiles. ci and co must be multiples of 4.
 */
import {
  blockProduct,
  filterRowFloats,
  inputTransform,
  outputTransform,
  xiBytes
} from './winograd';
import { inputTransform4, outputTransform4 } from './winograd-f4';

export function winogradConv3x3F32(
  x: usize,
  u: usize,
  bias: usize,
  y: usize,
  scratch: usize,
  n: i32,
  h: i32,
  w: i32,
  ci: i32,
  co: i32,
  ho: i32,
  wo: i32,
  padTop: i32,
  padLeft: i32,
  activation: i32,
  pool: bool,
  t0: i32,
  t1: i32,
  block: i32,
  tile: i32
): void {
  const points = (tile + 2) * (tile + 2);
  const v = scratch;
  const vStride = xiBytes(block, (<usize>ci) << 2);
  const mStride = xiBytes(block, (<usize>co) << 2);
  const uStride = filterRowFloats(ci, co) << 2;
  const m = scratch + <usize>points * vStride;
  const tilesW = (wo + tile - 1) / tile;
  const tilesH = (ho + tile - 1) / tile;
  for (let b0 = t0; b0 < t1; b0 += block) {
    const count = min(block, t1 - b0);
    const rows = (count + 3) & ~3; // whole groups of four for the product
    if (tile == 4) {
      inputTransform4(x, v, b0, count, h, w, ci, tilesH, tilesW, padTop, padLeft, block);
    } else {
      inputTransform(x, v, b0, count, h, w, ci, tilesH, tilesW, padTop, padLeft, block);
    }
    for (let xi = 0; xi < points; xi++) {
      const vXi = v + <usize>xi * vStride;
      const mXi = m + <usize>xi * mStride;
      blockProduct(vXi, u + <usize>xi * uStride, mXi, rows, ci, co);
    }
    if (tile == 4) {
      outputTransform4(m, bias, y, b0, count, co, ho, wo, tilesH, tilesW, activation, pool, block);
    } else {
      outputTransform(m, bias, y, b0, count, co, ho, wo, tilesH, tilesW, activation, pool, block);
    }
  }
}
