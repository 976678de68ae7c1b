/**
 * The reference cases: each module's parameters, the images it runs on and the documented
 * tolerance against OpenCV / scikit-image (reference.py). `tol` is the largest allowed
 * absolute difference per pixel (0: bit-exact); `mismatch` (optional) the largest fraction of
 * pixels allowed to exceed it, for the few algorithms whose OpenCV version uses a fixed-point
 * shortcut we do not replicate. `why` says where conventions differ.
 */
import type { InputName } from './inputs';

export interface ReferenceCase {
  module: string;
  params: Record<string, unknown>;
  inputs: InputName[];
  tol: number;
  mismatch?: number;
  why?: string;
}

const FIXED_POINT = 'OpenCV computes 8-bit results in fixed point: off by at most 1 grey level';

export const CASES: ReferenceCase[] = [
  { module: 'rescale', params: {}, inputs: ['u8b', 'u16'], tol: 1e-6 },
  { module: 'rescale', params: { min: -1, max: 1 }, inputs: ['u8b'], tol: 1e-6 },
  { module: 'min_max_normalization', params: {}, inputs: ['u8b', 'u16', 'f32'], tol: 1e-6 },
  { module: 'z_score', params: {}, inputs: ['u8b', 'u16', 'f32'], tol: 1e-5 },
  // resize
  {
    module: 'resize',
    params: { height: 40, width: 50, interpolation: 'nearest' },
    inputs: ['u8b', 'u16', 'rgb', 'f32'],
    tol: 0
  },
  {
    module: 'resize',
    params: { height: 50, width: 37, interpolation: 'bilinear' },
    inputs: ['u8b', 'u16', 'rgb'],
    tol: 1,
    why: FIXED_POINT
  },
  {
    module: 'resize',
    params: { height: 50, width: 37, interpolation: 'bilinear' },
    inputs: ['f32'],
    tol: 1e-5
  },
  {
    module: 'resize',
    params: { height: 42, width: 42, interpolation: 'area' },
    inputs: ['u8b', 'u16', 'rgb'],
    tol: 1,
    why: 'OpenCV rounds 2×2 averages half up in its SIMD path; we round half to even'
  },
  {
    module: 'resize',
    params: { height: 30, width: 37, interpolation: 'area' },
    inputs: ['u8b', 'rgb'],
    tol: 1,
    why: FIXED_POINT
  },
  {
    module: 'resize',
    params: { height: 30, width: 37, interpolation: 'area' },
    inputs: ['f32'],
    tol: 1e-5
  },
  {
    module: 'resize',
    params: { height: 100, width: 120, interpolation: 'area' },
    inputs: ['f32'],
    tol: 1e-5
  },
  // geometry
  {
    module: 'crop',
    params: { top: 3, left: 5, height: 20, width: 30 },
    inputs: ['u8b', 'rgb', 'f32'],
    tol: 0
  },
  { module: 'center_crop', params: { height: 41, width: 30 }, inputs: ['u8b', 'rgb'], tol: 0 },
  ...(['constant', 'edge', 'reflect', 'reflect_101', 'wrap'] as const).map(mode => ({
    module: 'pad',
    params: { top: 3, bottom: 5, left: 7, right: 2, mode, value: mode === 'constant' ? 7 : 0 },
    inputs: ['u8b', 'rgb', 'u16'] as InputName[],
    tol: 0
  })),
  {
    module: 'depad',
    params: { top: 3, bottom: 5, left: 7, right: 2 },
    inputs: ['u8b', 'rgb'],
    tol: 0
  },
  { module: 'auto_crop', params: { threshold: 100, margin: 2 }, inputs: ['u8c', 'u8'], tol: 0 },
  ...(['horizontal', 'vertical', 'both'] as const).map(axis => ({
    module: 'flip',
    params: { axis },
    inputs: ['rgb', 'u16'] as InputName[],
    tol: 0
  })),
  ...[90, 180, 270, -90].map(angle => ({
    module: 'rotate',
    params: { angle },
    inputs: ['rgb', 'u16'] as InputName[],
    tol: 0
  })),
  {
    module: 'rotate',
    params: { angle: 30 },
    inputs: ['u8b', 'rgb'],
    tol: 1,
    why: FIXED_POINT
  },
  { module: 'rotate', params: { angle: -17.5, fill: 0.25 }, inputs: ['f32'], tol: 1e-5 },
  { module: 'rotate', params: { angle: 45, interpolation: 'nearest' }, inputs: ['u8b'], tol: 0 },
  // intensity
  { module: 'clipping', params: { min: 50, max: 200 }, inputs: ['u8b'], tol: 0 },
  { module: 'clipping', params: { min: 1000, max: 40000 }, inputs: ['u16'], tol: 0 },
  { module: 'invert', params: {}, inputs: ['u8b', 'u16', 'f32'], tol: 0 },
  {
    module: 'linear_function',
    params: { slope: 1.7, intercept: -30 },
    inputs: ['u8b', 'u16', 'f32'],
    tol: 0
  },
  { module: 'bit_reduction', params: { bits: 3 }, inputs: ['u8b'], tol: 0 },
  { module: 'bit_reduction', params: { bits: 10 }, inputs: ['u16'], tol: 0 },
  { module: 'gamma_correction', params: { gamma: 0.5 }, inputs: ['u8b', 'u16'], tol: 0 },
  { module: 'gamma_correction', params: { gamma: 2.2, gain: 0.9 }, inputs: ['u8b'], tol: 0 },
  { module: 'gamma_correction', params: { gamma: 2.2, gain: 0.9 }, inputs: ['f32'], tol: 1e-6 },
  { module: 'histogram_equalization', params: {}, inputs: ['u8b', 'u8c'], tol: 0 },
  {
    module: 'histogram_equalization',
    params: { method: 'adaptive', kernel_size: 21, limit: 2 },
    inputs: ['u8b', 'u16'],
    tol: 0
  },
  {
    module: 'histogram_equalization',
    params: { method: 'adaptive', kernel_size: 16, limit: 3.5 },
    inputs: ['u8b', 'u8c'],
    tol: 0
  },
  {
    module: 'histogram_equalization',
    params: { method: 'adaptive', kernel_size: 28, limit: 0 },
    inputs: ['u8b'],
    tol: 0
  },
  {
    module: 'ct_windowing',
    params: { preset: 'lung' },
    inputs: ['hu'],
    tol: 0,
    why: 'numpy reference (OpenCV has no windowing)'
  },
  { module: 'ct_windowing', params: { preset: 'bone' }, inputs: ['hu'], tol: 0 },
  { module: 'ct_windowing', params: { center: -300, width: 900 }, inputs: ['hu'], tol: 0 },
  {
    module: 'ct_windowing',
    params: { preset: 'mediastinum', output: 'float32' },
    inputs: ['hu'],
    tol: 1e-6
  },
  { module: 'grayscale', params: {}, inputs: ['rgb'], tol: 0 },
  { module: 'grayscale', params: { method: 'average' }, inputs: ['rgb'], tol: 0 },
  // morphology
  ...(['erosion', 'dilation', 'opening', 'closing', 'gradient', 'tophat', 'blackhat'] as const).map(
    operation => ({
      module: 'morphology',
      params: { operation, kernel_shape: 'rect', kernel_size: 3 },
      inputs: ['u8b', 'u16', 'f32'] as InputName[],
      tol: 0
    })
  ),
  ...(['ellipse', 'cross'] as const).flatMap(kernel_shape =>
    [5, 7].map(kernel_size => ({
      module: 'morphology',
      params: { operation: 'opening', kernel_shape, kernel_size, iterations: 2 },
      inputs: ['u8b', 'rgb'] as InputName[],
      tol: 0
    }))
  ),
  {
    module: 'morphology',
    params: { operation: 'gradient', kernel_shape: 'ellipse', kernel_size: 9 },
    inputs: ['u8b'],
    tol: 0
  },
  // filters
  // 8/16-bit Gaussians are OpenCV's bit-exact fixed point on both sides (modules/gaussian.ts).
  { module: 'gaussian_blur', params: { kernel_size: 5 }, inputs: ['u8b', 'rgb', 'u16'], tol: 0 },
  { module: 'gaussian_blur', params: { kernel_size: 5 }, inputs: ['f32'], tol: 1e-5 },
  {
    module: 'gaussian_blur',
    params: { kernel_size: 0, sigma: 1.5 },
    inputs: ['u8b', 'rgb', 'u16'],
    tol: 0
  },
  { module: 'gaussian_blur', params: { kernel_size: 9, sigma: 2 }, inputs: ['u8b', 'u16'], tol: 0 },
  { module: 'gaussian_blur', params: { kernel_size: 7, sigma: 0 }, inputs: ['u8b', 'u16'], tol: 0 },
  { module: 'gaussian_blur', params: { kernel_size: 0, sigma: 1.5 }, inputs: ['f32'], tol: 1e-5 },
  { module: 'gaussian_blur', params: { kernel_size: 9, sigma: 2 }, inputs: ['f32'], tol: 1e-5 },
  {
    module: 'box_blur',
    params: { kernel_size: 3 },
    inputs: ['u8b', 'rgb', 'u16'],
    tol: 0
  },
  { module: 'box_blur', params: { kernel_size: 31 }, inputs: ['u8b'], tol: 0 },
  {
    module: 'box_blur',
    params: { kernel_size: 31 },
    inputs: ['u16'],
    tol: 1,
    mismatch: 0.005,
    why: 'exact means here; cv2.blur of uint16 with large kernels is off by one on 0.2 % of pixels'
  },
  { module: 'box_blur', params: { kernel_size: 5 }, inputs: ['f32'], tol: 1e-5 },
  {
    module: 'median_filter',
    params: { kernel_size: 3 },
    inputs: ['u8b', 'u16', 'rgb', 'f32'],
    tol: 0
  },
  { module: 'median_filter', params: { kernel_size: 5 }, inputs: ['u8b', 'u16'], tol: 0 },
  { module: 'median_filter', params: { kernel_size: 7 }, inputs: ['u8b'], tol: 0 },
  { module: 'sharpen', params: { amount: 1, sigma: 1 }, inputs: ['u8b', 'u16'], tol: 0 },
  { module: 'sharpen', params: { amount: 1.5, sigma: 2 }, inputs: ['f32'], tol: 1e-5 },
  { module: 'sharpen', params: { method: 'kernel', amount: 1 }, inputs: ['u8b', 'f32'], tol: 1e-5 },
  ...(['x', 'y', 'magnitude'] as const).map(direction => ({
    module: 'sobel',
    params: { direction, kernel_size: 3 },
    inputs: ['u8b', 'u16', 'f32'] as InputName[],
    tol: 1e-3,
    why: 'float32 sums in OpenCV, float64 here'
  })),
  { module: 'sobel', params: { direction: 'x', kernel_size: 5 }, inputs: ['u8b'], tol: 1e-3 },
  { module: 'sobel', params: { direction: 'y', kernel_size: 1 }, inputs: ['u8b'], tol: 1e-3 },
  {
    module: 'sobel',
    params: { direction: 'magnitude', kernel_size: 7 },
    inputs: ['f32'],
    tol: 1e-3
  },
  ...[1, 3, 5].map(kernel_size => ({
    module: 'laplacian',
    params: { kernel_size },
    inputs: ['u8b', 'u16', 'f32'] as InputName[],
    tol: 1e-3
  })),
  // binary
  { module: 'canny', params: { low: 50, high: 150 }, inputs: ['u8b', 'u8c'], tol: 0 },
  { module: 'canny', params: { low: 30, high: 90, l2_gradient: true }, inputs: ['u8b'], tol: 0 },
  { module: 'canny', params: { low: 400, high: 1200, kernel_size: 5 }, inputs: ['u8b'], tol: 0 },
  { module: 'threshold', params: { threshold: 100 }, inputs: ['u8b'], tol: 0 },
  {
    module: 'threshold',
    params: { threshold: 30000, max_value: 65535, invert: true },
    inputs: ['u16'],
    tol: 0
  },
  { module: 'threshold', params: { method: 'otsu' }, inputs: ['u8b', 'u8c'], tol: 0 },
  {
    module: 'threshold',
    params: { method: 'otsu', max_value: 1 },
    inputs: ['f32'],
    tol: 0,
    why: 'scikit-image threshold_otsu (256 bins) for float images'
  },
  {
    module: 'threshold',
    params: { method: 'adaptive', block_size: 11, C: 2 },
    inputs: ['u8b', 'u8c'],
    tol: 0
  },
  {
    module: 'threshold',
    params: { method: 'adaptive', block_size: 7, C: -3, invert: true },
    inputs: ['u8b'],
    tol: 0
  },
  {
    module: 'threshold',
    params: { method: 'adaptive', adaptive_method: 'gaussian', block_size: 11, C: 2 },
    inputs: ['u8b', 'u8c'],
    tol: 0
  },
  {
    module: 'threshold',
    params: { method: 'adaptive', adaptive_method: 'gaussian', block_size: 5, C: -1, invert: true },
    inputs: ['u8b'],
    tol: 0
  }
];
