/**
 * medflow's engine, as notebook cells meet it: `import * as mf from "medflow"`.
 *
 *   await mf.backend();                                  // "wasm (2 threads, SIMD)"
 *   const data = await mf.datasets.load('pneumoniamnist');
 *   const p = mf.pipeline({ name: 'pneumonia', seed: 42 })
 *     .input(data)
 *     .add('rescale')
 *     .add('resize', { height: 32, width: 32 })
 *     .network(mf.networks.builtin('small_cnn', { classes: 2 }))
 *     .training({ epochs: 3, batch_size: 32, optimizer: { name: 'adam', lr: 1e-3 } });
 *   const run = await p.train();
 *   run.metrics.val.accuracy;
 *
 * Plain TypeScript with no Jupyter in it: usable from scripts and tests too.
 */
import { backendInfo as activeBackend, ensureBackend, type BackendInfo } from './backend';
import { builtinNames, loadBuiltin, loadNpz, type NpzOptions } from './data/builtin';
import type { Dataset } from './data/dataset';
import * as loaders from './data/loaders';
import { listModules, getModule, moduleInfo, validateParams } from './modules/registry';
import type { ModuleInfo } from './modules/types';
import * as networkCatalog from './networks';
import { Pipeline, pipelineFromJSON as fromJSON, type PipelineOptions } from './pipeline/pipeline';
import { registerFileRouter } from './pipeline/model-io';
import { Run } from './pipeline/run';
import { compareRuns } from './pipeline/compare';
import type { PipelineDocument } from '../../../schema/documents';
import * as tuningApi from './tuning';
import { trainingSchema } from './training/schema';

/**
 * The compute backend's label, e.g. "wasm (2 threads, SIMD)" or "tensorflow (CUDA)".
 *
 * Async because choosing a backend may have to load and initialise it (the wasm binary, or the
 * native TensorFlow library): the first call starts the best available backend, later calls
 * return the same one. Use `await mf.backend()` in a cell. `mf.backendInfo()` is the sync
 * variant: the active backend's details, or undefined before any backend was started.
 */
export async function backend(): Promise<string> {
  return (await ensureBackend()).label;
}

/** Details of the active backend (name, label, threads), or undefined before it started. */
export function backendInfo(): BackendInfo | undefined {
  return activeBackend();
}

/** Datasets: the built-ins (shipped with medflow) and MedMNIST-style .npz files. */
export const datasets = {
  /** Loads a built-in dataset: 'pneumoniamnist' or 'breastmnist' (no download). */
  load(name: string): Promise<Dataset> {
    return loadBuiltin(name);
  },
  /**
   * Loads any MedMNIST-style .npz: {train,val,test}_images (N, H, W[, C]) and
   * {train,val,test}_labels ((N,), (N, 1) or one-hot (N, K)).
   */
  npz(path: string, options?: NpzOptions): Promise<Dataset> {
    return loadNpz(path, options);
  },
  /** Names and descriptions of the built-in datasets. */
  list(): { name: string; description: string }[] {
    return builtinNames();
  },
  /**
   * Your images, streamed from disk (decoded per item), split by ratio, stratified and seeded:
   * `folder(dir, { split: { train: 0.7, val: 0.15, test: 0.15 }, seed: 1 })` reads one
   * sub-folder per class, or a flat folder with `{ csv: 'labels.csv' }` (filename,class).
   */
  folder: loaders.folder,
  /** A flat folder labelled by a CSV of `filename,class` (names relative to the CSV). */
  csv: loaders.csv,
  /** DICOM files (HU for CT, MONOCHROME1 inverted, JPEG 2000 decoded) by class. */
  dicom: loaders.dicom,
  /** NIfTI volumes as 2D slices along `axis` (0, 1, 2), volume `volume` of 4D files. */
  nifti: loaders.nifti,
  /** One PNG, JPEG or DICOM file as a data dict image. */
  readImage: loaders.readImage,
  /** One NIfTI volume, sliced along an axis. */
  readNifti: loaders.readNifti
};

/** Image-processing modules: the catalog and parameter validation. */
export const modules = {
  /** Every module with its name, category, modality, description and JSON-Schema params. */
  list(): ModuleInfo[] {
    return listModules();
  },
  /** One module's catalog entry. */
  get(name: string): ModuleInfo {
    return moduleInfo(getModule(name));
  },
  /** Checks parameters for a module and returns them with defaults filled in. */
  validate(name: string, params?: Record<string, unknown>): Record<string, unknown> {
    return validateParams(name, params);
  }
};

/** Networks as backend-neutral documents (schema/network.schema.json). */
export const networks = {
  builtin: networkCatalog.builtin,
  list: networkCatalog.list,
  /** The layer catalog: type, category, description and JSON-Schema params of every layer. */
  layers: networkCatalog.layers,
  /** Validates a document with shape inference: per-layer issues, shapes and parameter counts. */
  validate: networkCatalog.validate
};

/** Training settings: their JSON Schema, e.g. for a settings form (rjsf). */
export const training = {
  /** schema/training.schema.json: every setting with title, description, default and range. */
  schema: trainingSchema
};

/** Starts a pipeline: dataset → image-processing steps → network → training. */
export function pipeline(options: PipelineOptions): Pipeline {
  return new Pipeline(options);
}

/** Loads a run saved with `run.save(dir)`: model (tfjs layers format), pipeline and metrics. */
export function loadRun(dir: string): Promise<Run> {
  registerFileRouter();
  return Run.load(dir);
}

/** Rebuilds a pipeline from its JSON document (e.g. one edited in the graph widget). */
export function pipelineFromJSON(doc: PipelineDocument): Pipeline {
  return fromJSON(doc);
}

/**
 * Runs side by side: `mf.compare(runA, runB)` shows each run's test metrics (and the change
 * against the first) as a table and a bar chart; `{ names, split }` as a last argument.
 */
export const compare = compareRuns;
export { RunComparison, COMPARED_METRICS } from './pipeline/compare';
export type { CompareOptions, ComparedRun, ComparedMetric } from './pipeline/compare';

/**
 * Hyper-parameter tuning: `p.autotune(options)` starts a study; `mf.tuning.resume(file)`
 * continues one from its journal; `mf.tuning.startRedisWorker` is `medflow worker` in code.
 */
export const tuning = {
  resume: tuningApi.resume,
  readJournal: tuningApi.readJournal,
  buildSpace: tuningApi.buildSpace,
  startRedisWorker: tuningApi.startRedisWorker,
  DEFAULT_GA: tuningApi.DEFAULT_GA
};
export { Study, STUDY_MIME } from './tuning';
export type {
  AutotuneOptions,
  StudyEvent,
  StudyResult,
  StudyState,
  TrialRecord,
  SearchParameter
} from './tuning';

export { Pipeline, PIPELINE_MIME } from './pipeline/pipeline';
export type { PipelineOptions, PipelineTrainOptions } from './pipeline/pipeline';
export { PipelinePreview, PREVIEW_MIME } from './pipeline/preview';
export type { PreviewOptions, SamplePreview, StageSummary } from './pipeline/preview';
export { Run } from './pipeline/run';
export type { RunExtras } from './pipeline/run';
export { GradCamView } from './pipeline/gradcam-view';
export { gradCam, lastConvLayer } from './explain/gradcam';
export type { GradCamOptions, GradCamResult } from './explain/gradcam';
export { overlayPng } from './explain/overlay';
export { registerFileRouter, saveModel, loadModel } from './pipeline/model-io';
export type { NetworkCheck, NetworkIssue } from './networks/validate';
export type { LayerInfo } from './networks/layers/types';
export { Dataset, Split } from './data/dataset';
export type { SplitName, DatasetInfo } from './data/dataset';
export type { FolderOptions } from './data/folder';
export type { DataDict, ImageHeader, ClassificationLabel } from './data/datadict';
export type { NDArray, DType, TypedArray } from './data/ndarray';
export { parseNpy } from './data/npy';
export { parseNpz, readNpz } from './data/npz';
export { classificationMetrics, rocAuc } from './metrics/classification';
export type { ClassificationMetrics, ClassMetrics } from './metrics/classification';
export type { EpochRecord, BatchEvent } from './training/train';
export type { ModuleInfo, ModuleDefinition } from './modules/types';
export type {
  NetworkDocument,
  PipelineDocument,
  TrainingSettings
} from '../../../schema/documents';
export type { BackendInfo } from './backend';
export { CancelledError } from './cancel';
