import { fixedPointGaussian, fixedPointWeights, gaussianKernel, integerBlur } from './gaussian';
import { withoutImageKernels } from '../simd/wasm-kernels';

test('fixed-point weights sum to exactly one for every size and sigma', () => {
  for (const bits of [8, 16]) {
    for (const size of [3, 5, 7, 9, 11, 15, 31]) {
      for (const sigma of [0, 0.3, 1, 1.5, 2, 5]) {
        const w = fixedPointWeights(gaussianKernel(size, sigma), bits);
        expect(w.reduce((a, b) => a + b, 0)).toBe(2 ** bits);
        expect(Array.from(w)).toEqual(Array.from(w).reverse());
      }
    }
  }
});

test('the 7-tap sigma-2 kernel is the one cv2.GaussianBlur uses for 8-bit images', () => {
  // OpenCV 4.x getGaussianKernelFixedPoint_ED(getGaussianKernelBitExact(7, 2), 8).
  expect(Array.from(fixedPointGaussian(7, 2, 'uint8').weights)).toEqual([
    18, 34, 48, 56, 48, 34, 18
  ]);
  // Error diffusion, not independent rounding: those would sum to 256 here only by chance.
  expect(Array.from(fixedPointGaussian(5, 0, 'uint8').weights)).toEqual([16, 64, 96, 64, 16]);
});

test('a blur of interleaved channels equals the blur of each channel alone', () => {
  const h = 9;
  const w = 13;
  const rgb = new Uint8Array(h * w * 3).map((_, i) => (i * 37) % 256);
  const kernel = fixedPointGaussian(5, 1.2, 'uint8');
  const joint = integerBlur(rgb, h, w, 3, kernel, 'reflect_101');
  for (let ch = 0; ch < 3; ch++) {
    const plane = rgb.filter((_, i) => i % 3 === ch);
    const alone = withoutImageKernels(() => integerBlur(plane, h, w, 1, kernel, 'reflect_101'));
    expect(Array.from(joint.filter((_, i) => i % 3 === ch))).toEqual(Array.from(alone));
  }
});
