/**
 * Tokens that medflow's plugins provide to each other (and to third-party plugins).
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { GraphDirection } from './pipeline/graph-model';
import type { LiveModel } from './live/live-model';

/** User settings of the pipeline graph (schema/settings/pipeline-graph.json). */
export interface IPipelineGraphSettings {
  /** Main axis of the graph. */
  direction: GraphDirection;
  /** Height of the graph in a cell's output, in CSS pixels. */
  height: number;
  /** Thumbnails in the processing result's sample strip, and items of a sample run. */
  sampleCount: number;
  /** Quiet time after a parameter change before the processing result is refreshed (ms). */
  previewDelay: number;
}

export const DEFAULT_GRAPH_SETTINGS: IPipelineGraphSettings = {
  direction: 'LR',
  height: 360,
  sampleCount: 8,
  previewDelay: 300
};

/** What commands can ask of a live (editable) pipeline graph. */
export interface IPipelineGraphActions {
  undo(): void;
  redo(): void;
  deleteSelected(): void;
  duplicateSelected(): void;
  autoLayout(): void;
  run(mode: 'all' | 'upto' | 'sample'): void;
}

/** A pipeline graph shown somewhere in the application (a cell output today). */
export interface IPipelineGraphView {
  /** The DOM node of the view, to find it from an event target. */
  readonly node: HTMLElement;
  /** Fits the whole graph into the visible area. */
  fitView(): void;
  /** Editing and running, when the view is live (connected to its kernel object). */
  readonly actions: IPipelineGraphActions | null;
}

/**
 * Shared state of every pipeline graph: the current settings, and the live views so that
 * commands (fit to view) and future plugins (the editable graph) can reach them.
 */
export interface IPipelineGraphRegistry {
  readonly settings: IPipelineGraphSettings;
  readonly settingsChanged: ISignal<IPipelineGraphRegistry, IPipelineGraphSettings>;
  /** Views that are alive now, in creation order. */
  readonly views: ReadonlyArray<IPipelineGraphView>;
  /** Keeps a view in `views` until it is disposed (the function returned forgets it). */
  add(view: IPipelineGraphView): () => void;
}

export const IPipelineGraphRegistry = new Token<IPipelineGraphRegistry>(
  'medflow:IPipelineGraphRegistry',
  'Settings and live views of the medflow pipeline graph.'
);

/**
 * Connects live models (src/live) to the kernel of the notebook or console that shows them.
 * Every medflow MIME renderer of a live object (pipeline graph, layer builder, training view)
 * takes it; see src/live/README.md.
 */
export interface ILiveConnector {
  /**
   * Connects `model` to the kernel of the panel around `node` (in the document) and keeps it
   * connected across restarts; returns the function that stops following the kernel.
   */
  attach<S>(model: LiveModel<S>, node: HTMLElement): () => void;
}

export const ILiveConnector = new Token<ILiveConnector>(
  'medflow:ILiveConnector',
  'Connects medflow live widgets to the kernel of their notebook.'
);
