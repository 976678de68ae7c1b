/** The built-in modules, in palette order (one file per module). */
import type { ModuleDefinition } from './types';
import { rescale } from './rescale';
import { resize } from './resize';
import { minMaxNormalization } from './min_max_normalization';
import { grayscale } from './grayscale';

const definitions = [rescale, resize, minMaxNormalization, grayscale];

// Each definition is typed by its own params; the registry stores them untyped.
export const BUILTIN_MODULES = definitions as unknown as ModuleDefinition[];
