/**
 * TypeScript shapes of the documents in schema/*.schema.json, shared by the engine
 * (kernel/) and the extension (src/). Keep in step with the schemas: the engine's
 * tests validate real documents against the JSON Schemas.
 */

/** Version of the pipeline and network documents this code writes. */
export type DocumentVersion = 1;

export interface DatasetRef {
  name: string;
  source: 'builtin' | 'npz' | 'folder' | 'dicom' | 'nifti' | string;
  shape?: number[];
  classes?: string[];
  splits?: Record<string, number>;
  /** File or folder the dataset was read from (npz, folder, csv, dicom, nifti). */
  path?: string;
  /** Loader options (split ratios, seed, CSV file, NIfTI axis …) to read it again the same way. */
  options?: Record<string, unknown>;
}

export interface PipelineStep {
  id: string;
  module: string;
  params: Record<string, unknown>;
}

export interface LayerNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  inputs: string[];
}

export interface NetworkDocument {
  version: DocumentVersion;
  name: string;
  inputs: string[];
  layers: LayerNode[];
  outputs: string[];
}

/**
 * Training settings, checked by the engine against schema/training.schema.json (every setting
 * with its range, default and description; loss, class_weight, augmentation, early_stopping and
 * keep_best beyond the fields typed here).
 */
export interface TrainingSettings {
  epochs?: number;
  batch_size?: number;
  learning_rate_decay?: number;
  optimizer?: { name: string; [param: string]: unknown };
  [key: string]: unknown;
}

export interface PipelineDocument {
  version: DocumentVersion;
  name: string;
  seed: number;
  dataset: DatasetRef | null;
  steps: PipelineStep[];
  network: NetworkDocument | null;
  training: TrainingSettings;
}

/** MIME type of a displayed pipeline; its data is a PipelineDocument. */
export type PipelineMimeType = 'application/vnd.medflow.pipeline+json';
