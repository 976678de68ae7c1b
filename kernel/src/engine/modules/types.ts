/**
 * The contract of an image-processing module: a function on one data dict, with its
 * parameters declared as a JSON Schema (draft-07) object schema. The same schema validates
 * parameters here and generates the parameter panel in the browser.
 *
 * Built-in modules are synchronous TypeScript on typed arrays. User modules (e.g. Python
 * classes run in the Python worker) may be asynchronous and may process a batch of items in
 * one call (`applyBatch`), which saves a round trip per item.
 */
import type { DataDict } from '../data/datadict';

export interface ParamSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown> & { description: string }>;
  required?: string[];
  additionalProperties: false;
  [key: string]: unknown;
}

export type ModuleCategory =
  'General' | 'Color' | 'Grayscale' | 'Binary' | 'Augmentation' | 'Advanced';

/** Where a module comes from: shipped with medflow, or defined by the user (palette: "My"). */
export type ModuleOrigin = 'builtin' | 'user';

/** Spatial dimensions a module handles: 2D images, 3D volumes, or either. */
export type ModuleDimension = 2 | 3 | 'any';

/**
 * Per-item context of one call. Random modules derive their generator from their `seed`
 * parameter and `index`/`split` (see moduleRandom in ./random), so every item gets its own,
 * reproducible stream regardless of processing order or of worker threads.
 */
export interface ModuleContext {
  /** Index of the item in its split (or in the list being previewed). */
  index: number;
  /** Split of the item ('train', 'val', 'test'), when it has one. */
  split?: string;
}

export type ModuleResult = DataDict | null;

export interface ModuleDefinition<P = Record<string, unknown>> {
  name: string;
  category: ModuleCategory;
  /** Modalities the module is meant for (['any'] when it is generic). */
  modality: string[];
  /** Default 2 for the built-in modules (H×W or H×W×C images). */
  dimension: ModuleDimension;
  origin: ModuleOrigin;
  /** One line, shown in the palette. */
  description: string;
  params: ParamSchema;
  /** Checks between parameters that JSON Schema cannot express; returns problems. */
  check?(params: P): string[];
  /**
   * Processes one item: returns the (new) data dict, or null to drop the item. Synchronous
   * modules return the value directly, which keeps preprocessing on its fast path.
   */
  apply(data: DataDict, params: P, context?: ModuleContext): ModuleResult | Promise<ModuleResult>;
  /** Processes many items in one call (used instead of `apply` when present). */
  applyBatch?(items: DataDict[], params: P, contexts: ModuleContext[]): Promise<ModuleResult[]>;
}

/** What `mf.modules.list()` shows for a module. */
export interface ModuleInfo {
  name: string;
  category: ModuleCategory;
  modality: string[];
  dimension: ModuleDimension;
  origin: ModuleOrigin;
  description: string;
  params: ParamSchema;
}
