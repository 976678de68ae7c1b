/**
 * Data of medflow's live views, shared by the engine (kernel/src/engine/views, networks, live)
 * and the widgets (src/builder, src/training, src/pipeline). A MIME bundle's data is `{ state, live? }` for the
 * training view and the layer builder's NetworkViewState plus `live?` for the network; `live`
 * is added by the live-object layer, and without a kernel the saved state renders statically.
 */
import type { NetworkDocument } from './documents';

// ---------------------------------------------------------------- layer builder

/** MIME type of an editable network (`mf.networks.builder(...)`). */
export type NetworkMimeType = 'application/vnd.medflow.network+json';

/** The check as the widget shows it: per-layer shapes and counts, per-layer problems. */
export interface NetworkCheckSummary {
  ok: boolean;
  /** Problems of the whole document (not of one layer). */
  problems: string[];
  /** Per layer id: its output shape, weight count and problems. */
  layers: Record<string, { output?: number[]; params?: number; problems: string[] }>;
  params: { trainable: number; nonTrainable: number; total: number };
}

/** Where a builder's document came from: built-ins open read-only in the widget. */
export type NetworkOrigin = 'new' | 'builtin' | 'saved' | 'document';

export interface NetworkViewState {
  network: NetworkDocument;
  check: NetworkCheckSummary;
  origin: NetworkOrigin;
  /** A built-in network opened by name: the widget offers "Duplicate to edit". */
  readonly: boolean;
  /** Path of the saved file, once saved. */
  saved?: string;
}

/** Frontend → kernel messages of the layer builder. */
export type NetworkFrontendMessage =
  | { type: 'replace'; network: NetworkDocument }
  | { type: 'save' }
  /** Turns a read-only built-in into an editable copy named `name` (the same live object). */
  | { type: 'duplicate'; name: string }
  /** Asks for the layer catalog (palette and parameter forms). */
  | { type: 'catalog' };

/** Kernel → frontend (besides `state`): results of save/duplicate and refused edits. */
export type NetworkKernelMessage =
  | { type: 'saved'; path: string }
  /** The answer to `catalog`: what mf.networks.layers() lists. */
  | { type: 'catalog'; layers: unknown[] }
  | { type: 'error'; message: string };

// ---------------------------------------------------------------- training view

/** MIME type of a live training run (shown by `p.train()` in a kernel). */
export type TrainingMimeType = 'application/vnd.medflow.training+json';

export type TrainingStatus = 'running' | 'done' | 'stopped' | 'failed';

export interface TrainingClassPoint {
  class: string;
  sensitivity: number;
  specificity: number;
  f1: number;
  auc: number;
}

/** One finished epoch: training loss and the validation metrics. */
export interface TrainingEpochPoint {
  epoch: number;
  loss: number;
  val_loss: number;
  val_accuracy: number;
  val_auc: number;
  val_sensitivity: number;
  val_specificity: number;
  val_f1: number;
  learning_rate: number;
  seconds: number;
  images_per_second: number;
  /** Validation metrics per class (one-vs-rest). */
  per_class: TrainingClassPoint[];
}

export interface TrainingBatchPoint {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface RocCurve {
  class: string;
  fpr: number[];
  tpr: number[];
  auc: number;
}

export interface GradCamSample {
  /** Index of the image in its split. */
  index: number;
  label: string;
  predicted: string;
  probability: number;
  /** The overlay as a base64 PNG. */
  png: string;
}

/** What training ends with: evaluated on `split` (test when the data has one, else val). */
export interface TrainingFinal {
  split: 'test' | 'val';
  metrics: Record<string, number>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  roc: RocCurve[];
  gradcam: GradCamSample[];
}

export interface TrainingViewState {
  version: 1;
  pipeline: string;
  network: string;
  dataset: string;
  classes: string[];
  /** Planned epochs. */
  epochs: number;
  status: TrainingStatus;
  history: TrainingEpochPoint[];
  /** The latest batch of the running epoch. */
  batch?: TrainingBatchPoint;
  final?: TrainingFinal;
  /** Why training failed or stopped. */
  message?: string;
}

export interface TrainingBundle {
  state: TrainingViewState;
  live?: { target: string; id: string };
}

/** Frontend → kernel: stop training after the current batch. */
export type TrainingFrontendMessage = { type: 'stop' };

// ---------------------------------------------------------------- networks (list, palette)

/** A network in `mf.networks.list()` and the pipeline palette: built-ins and the user's own. */
export interface NetworkListing {
  name: string;
  description: string;
  /** 'builtin': shipped, read-only (duplicate to edit); 'my': saved by the user. */
  source: 'builtin' | 'my';
}

// ---------------------------------------------------------------- pipeline graph

/** An issue shown on a node of the graph: `node` is 'dataset', 'network' or a step id. */
export interface PipelineIssue {
  node: string;
  message: string;
}

export type NodeRunState = 'queued' | 'running' | 'done' | 'failed';

/** A node's state in a run started from the graph, with its output shape or failure. */
export interface NodeRunStatus {
  state: NodeRunState;
  shape?: number[];
  message?: string;
}
