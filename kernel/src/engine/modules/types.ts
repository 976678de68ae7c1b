/**
 * The contract of an image-processing module: a pure function on one data dict, with its
 * parameters declared as a JSON Schema (draft-07) object schema. The same schema validates
 * parameters here and generates the parameter panel in the browser.
 */
import type { DataDict } from '../data/datadict';

export interface ParamSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown> & { description: string }>;
  required?: string[];
  additionalProperties: false;
  [key: string]: unknown;
}

export type ModuleCategory = 'General' | 'Color' | 'Grayscale' | 'Binary' | 'Advanced';

export interface ModuleDefinition<P = Record<string, unknown>> {
  name: string;
  category: ModuleCategory;
  /** Modalities the module is meant for ('any' when it is generic). */
  modality: string[];
  /** One line, shown in the palette. */
  description: string;
  params: ParamSchema;
  /** Checks between parameters that JSON Schema cannot express; returns problems. */
  check?(params: P): string[];
  /** Processes one item: returns the (new) data dict, or null to drop the item. */
  apply(data: DataDict, params: P): DataDict | null;
}

/** What `mf.modules.list()` shows for a module. */
export interface ModuleInfo {
  name: string;
  category: ModuleCategory;
  modality: string[];
  description: string;
  params: ParamSchema;
}
