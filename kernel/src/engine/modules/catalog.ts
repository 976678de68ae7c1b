/** The built-in modules, in palette order (one file per module). */
import type { ModuleDefinition } from './types';
import { autoCrop } from './auto_crop';
import { bitReduction } from './bit_reduction';
import { boxBlur } from './box_blur';
import { canny } from './canny';
import { centerCrop } from './center_crop';
import { clipping } from './clipping';
import { crop } from './crop';
import { ctWindowing } from './ct_windowing';
import { depad } from './depad';
import { flip } from './flip';
import { gammaCorrection } from './gamma_correction';
import { gaussianBlur } from './gaussian_blur';
import { grayscale } from './grayscale';
import { histogramEqualization } from './histogram_equalization';
import { invert } from './invert';
import { laplacian } from './laplacian';
import { linearFunction } from './linear_function';
import { medianFilter } from './median_filter';
import { minMaxNormalization } from './min_max_normalization';
import { morphology } from './morphology';
import { noise } from './noise';
import { pad } from './pad';
import { randomAffine } from './random_affine';
import { randomFlip } from './random_flip';
import { randomRotate } from './random_rotate';
import { rescale } from './rescale';
import { resize } from './resize';
import { rotate } from './rotate';
import { sharpen } from './sharpen';
import { sobel } from './sobel';
import { threshold } from './threshold';
import { zScore } from './z_score';

const definitions = [
  // General
  rescale,
  minMaxNormalization,
  zScore,
  resize,
  crop,
  centerCrop,
  pad,
  depad,
  autoCrop,
  flip,
  rotate,
  clipping,
  gaussianBlur,
  boxBlur,
  medianFilter,
  sharpen,
  sobel,
  laplacian,
  // Color
  grayscale,
  // Grayscale
  invert,
  linearFunction,
  bitReduction,
  gammaCorrection,
  histogramEqualization,
  ctWindowing,
  // Binary
  threshold,
  morphology,
  canny,
  // Augmentation
  noise,
  randomFlip,
  randomRotate,
  randomAffine
];

// Each definition is typed by its own params; the registry stores them untyped.
export const BUILTIN_MODULES = definitions as unknown as ModuleDefinition[];
