/**
 * Turns a pipeline document into the nodes and edges of the pipeline graph.
 *
 * Framework-free on purpose (no React, no DOM, no JupyterLab): the same model can be tested
 * in Node and reused by other views (a static SVG export, the future editable graph). Field
 * labels are returned as stable keys, not words: the view translates them.
 */
import type {
  DatasetRef,
  LayerNode,
  NetworkDocument,
  PipelineDocument,
  PipelineStep,
  TrainingSettings
} from '../../schema/documents';

/** MIME type of a displayed pipeline (see schema/documents.d.ts). */
export const PIPELINE_MIME_TYPE = 'application/vnd.medflow.pipeline+json';

/** Main axis of the graph: left to right, or top to bottom. */
export type GraphDirection = 'LR' | 'TB';

export type PipelineNodeKind = 'dataset' | 'step' | 'network' | 'training';

/**
 * One line of a node's body. `property` fields have a fixed key the view translates
 * (e.g. 'classes'); `param` fields are module parameters whose names are data and are
 * shown verbatim. A field with an empty value is a line of its own (a note).
 */
export interface GraphNodeField {
  kind: 'property' | 'param';
  key: string;
  value: string;
}

export interface PipelineGraphNode {
  /** Unique within the graph, and usable in a data-testid. */
  id: string;
  kind: PipelineNodeKind;
  /** Dataset, module, network name; empty for a missing dataset or network. */
  title: string;
  fields: GraphNodeField[];
  /** True for a dataset or network that the pipeline does not have yet. */
  missing: boolean;
  /** Top-left corner, in graph coordinates. */
  position: { x: number; y: number };
  /** Estimated size used by the layout (the view may render it slightly differently). */
  width: number;
  height: number;
}

export interface PipelineGraphEdge {
  id: string;
  source: string;
  target: string;
}

export interface PipelineGraphModel {
  name: string;
  direction: GraphDirection;
  nodes: PipelineGraphNode[];
  edges: PipelineGraphEdge[];
}

export interface LayoutOptions {
  direction?: GraphDirection;
  /** Width of every node. */
  nodeWidth?: number;
  /**
   * Height of a node without its lines (padding, borders, title line); each field line adds
   * `lineHeight`. The defaults match style/base.css, so that the edges run straight.
   */
  headerHeight?: number;
  lineHeight?: number;
  /** Space between consecutive nodes along the main axis. */
  gap?: number;
  /** Parameters listed per step before the rest is summarized as "+N". */
  maxParams?: number;
}

const DEFAULTS: Required<LayoutOptions> = {
  direction: 'LR',
  nodeWidth: 220,
  headerHeight: 36,
  lineHeight: 18,
  gap: 60,
  maxParams: 4
};

/** Longest value shown for one field before it is cut with an ellipsis. */
const MAX_VALUE_LENGTH = 32;

/** Builds the positioned graph of a pipeline: dataset → steps → network → training. */
export function pipelineToGraph(
  doc: PipelineDocument,
  options: LayoutOptions = {}
): PipelineGraphModel {
  const opts = { ...DEFAULTS, ...options };
  const unplaced: Omit<PipelineGraphNode, 'position' | 'width' | 'height'>[] = [
    datasetNode(doc.dataset),
    ...stepNodes(doc.steps, opts.maxParams),
    networkNode(doc.network),
    trainingNode(doc.training)
  ];
  const nodes = layoutChain(unplaced, opts);
  const edges: PipelineGraphEdge[] = [];
  for (let i = 1; i < nodes.length; i++) {
    const source = nodes[i - 1].id;
    const target = nodes[i].id;
    edges.push({ id: `edge-${source}-${target}`, source, target });
  }
  return { name: doc.name, direction: opts.direction, nodes, edges };
}

/**
 * Layered layout of a chain: one node per layer along the main axis. In LR the nodes are
 * centred on the horizontal axis (they differ in height); in TB they stack with `gap`
 * between their estimated heights.
 */
function layoutChain(
  nodes: Omit<PipelineGraphNode, 'position' | 'width' | 'height'>[],
  opts: Required<LayoutOptions>
): PipelineGraphNode[] {
  let along = 0;
  return nodes.map(node => {
    const width = opts.nodeWidth;
    // A missing node shows one "not set" line.
    const lines = Math.max(node.fields.length, 1);
    const height = opts.headerHeight + lines * opts.lineHeight;
    const position =
      opts.direction === 'LR' ? { x: along, y: -height / 2 } : { x: -width / 2, y: along };
    along += (opts.direction === 'LR' ? width : height) + opts.gap;
    return { ...node, position, width, height };
  });
}

function property(key: string, value: string): GraphNodeField {
  return { kind: 'property', key, value: truncate(value) };
}

function datasetNode(
  dataset: DatasetRef | null
): Omit<PipelineGraphNode, 'position' | 'width' | 'height'> {
  if (!dataset) {
    return { id: 'dataset', kind: 'dataset', title: '', fields: [], missing: true };
  }
  const fields: GraphNodeField[] = [property('source', dataset.source)];
  if (dataset.shape && dataset.shape.length > 0) {
    fields.push(property('shape', formatShape(dataset.shape)));
  }
  if (dataset.classes && dataset.classes.length > 0) {
    fields.push(property('classes', dataset.classes.join(', ')));
  }
  const splits = Object.entries(dataset.splits ?? {});
  if (splits.length > 0) {
    fields.push(property('splits', splits.map(([name, n]) => `${name} ${n}`).join(' · ')));
  }
  return { id: 'dataset', kind: 'dataset', title: dataset.name, fields, missing: false };
}

function stepNodes(
  steps: PipelineStep[],
  maxParams: number
): Omit<PipelineGraphNode, 'position' | 'width' | 'height'>[] {
  // Step ids are unique by the schema; a hand-edited document may still repeat one, and
  // React Flow needs unique node ids, so repeats get their position appended.
  const seen = new Set<string>();
  return steps.map((step, index) => {
    let id = `step-${step.id}`;
    if (seen.has(id)) {
      id = `${id}-${index}`;
    }
    seen.add(id);
    return {
      id,
      kind: 'step' as const,
      title: step.module,
      fields: summarizeParams(step.params ?? {}, maxParams),
      missing: false
    };
  });
}

/**
 * The first `maxParams` parameters as `name = value` lines; the rest is counted in one
 * `more` line so that a module with many parameters keeps a readable node.
 */
export function summarizeParams(params: Record<string, unknown>, maxParams = 4): GraphNodeField[] {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  const shown = entries.length > maxParams ? entries.slice(0, maxParams - 1) : entries;
  const fields: GraphNodeField[] = shown.map(([key, value]) => ({
    kind: 'param',
    key,
    value: truncate(formatValue(value))
  }));
  if (shown.length < entries.length) {
    fields.push(property('more', String(entries.length - shown.length)));
  }
  return fields;
}

function networkNode(
  network: NetworkDocument | null
): Omit<PipelineGraphNode, 'position' | 'width' | 'height'> {
  if (!network) {
    return { id: 'network', kind: 'network', title: '', fields: [], missing: true };
  }
  const fields: GraphNodeField[] = [property('layers', String(network.layers.length))];
  const inputs = network.inputs
    .map(id => network.layers.find(layer => layer.id === id))
    .filter((layer): layer is LayerNode => layer !== undefined);
  const shapes = inputs
    .map(layer => inputShapeOf(layer.params))
    .filter((shape): shape is number[] => shape !== null);
  if (shapes.length > 0) {
    fields.push(property('input', shapes.map(formatShape).join(', ')));
  } else if (inputs.length > 0) {
    // An Input layer without a shape takes it from the (preprocessed) data at training time.
    fields.push(property('inputFromData', ''));
  }
  return { id: 'network', kind: 'network', title: network.name, fields, missing: false };
}

/**
 * The shape of one example at an Input layer. Keras-style documents spell it in several
 * ways; the batch variants carry a leading batch dimension that is dropped here.
 */
export function inputShapeOf(params: Record<string, unknown>): number[] | null {
  for (const key of ['shape', 'inputShape', 'input_shape']) {
    if (isShape(params[key])) {
      return params[key] as number[];
    }
  }
  for (const key of ['batchInputShape', 'batch_input_shape', 'batchShape', 'batch_shape']) {
    const value = params[key];
    if (Array.isArray(value) && value.length > 1 && isShape(value.slice(1))) {
      return value.slice(1) as number[];
    }
  }
  return null;
}

function trainingNode(
  training: TrainingSettings
): Omit<PipelineGraphNode, 'position' | 'width' | 'height'> {
  const fields: GraphNodeField[] = [];
  const t = training ?? {};
  if (typeof t.epochs === 'number') {
    fields.push(property('epochs', String(t.epochs)));
  }
  if (typeof t.batch_size === 'number') {
    fields.push(property('batchSize', String(t.batch_size)));
  }
  if (t.optimizer && typeof t.optimizer.name === 'string') {
    fields.push(property('optimizer', t.optimizer.name));
    const rate = t.optimizer.learning_rate ?? t.optimizer.learningRate ?? t.optimizer.lr;
    if (typeof rate === 'number') {
      fields.push(property('learningRate', formatNumber(rate)));
    }
  }
  if (typeof t.learning_rate_decay === 'number') {
    fields.push(property('learningRateDecay', formatNumber(t.learning_rate_decay)));
  }
  return { id: 'training', kind: 'training', title: '', fields, missing: false };
}

function isShape(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(d => typeof d === 'number' || d === null)
  );
}

/** [28, 28, 1] → "28×28×1"; unknown dimensions (null) show as "?". */
export function formatShape(shape: (number | null)[]): string {
  return shape.map(d => (d === null ? '?' : String(d))).join('×');
}

/** Numbers with at most 4 significant digits, without trailing zeros. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) {
    return String(n);
  }
  if (Number.isInteger(n) && Math.abs(n) < 1e6) {
    return String(n);
  }
  return String(Number(n.toPrecision(4)));
}

/** A compact, one-line rendering of a parameter value. */
export function formatValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'number':
      return formatNumber(value);
    case 'string':
      return value;
    case 'boolean':
      return String(value);
    case 'object':
      if (Array.isArray(value)) {
        if (value.length > 0 && value.every(v => typeof v === 'number')) {
          return formatShape(value as number[]);
        }
        return `[${value.map(formatValue).join(', ')}]`;
      }
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${formatValue(v)}`)
        .join(', ')}}`;
    default:
      return String(value);
  }
}

function truncate(text: string, max = MAX_VALUE_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Checks that a displayed value has the shape of a pipeline document, so that a malformed
 * output (an older format, a hand-edited notebook) shows a message instead of breaking the
 * notebook. Returns the document, or a reason (English, for logs and the message body).
 */
export function readPipelineDocument(
  value: unknown
): { ok: true; doc: PipelineDocument } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const doc = value as Partial<PipelineDocument>;
  if (doc.version !== 1) {
    return { ok: false, reason: `unsupported version ${JSON.stringify(doc.version)}` };
  }
  if (typeof doc.name !== 'string') {
    return { ok: false, reason: 'missing name' };
  }
  if (!Array.isArray(doc.steps)) {
    return { ok: false, reason: 'missing steps' };
  }
  for (const step of doc.steps) {
    if (
      typeof step !== 'object' ||
      step === null ||
      typeof step.id !== 'string' ||
      typeof step.module !== 'string'
    ) {
      return { ok: false, reason: 'a step lacks its id or module' };
    }
  }
  const dataset = doc.dataset ?? null;
  if (dataset !== null && (typeof dataset !== 'object' || typeof dataset.name !== 'string')) {
    return { ok: false, reason: 'malformed dataset' };
  }
  const network = doc.network ?? null;
  if (
    network !== null &&
    (typeof network !== 'object' ||
      !Array.isArray(network.layers) ||
      !Array.isArray(network.inputs))
  ) {
    return { ok: false, reason: 'malformed network' };
  }
  const training = typeof doc.training === 'object' && doc.training !== null ? doc.training : {};
  return {
    ok: true,
    doc: {
      version: 1,
      name: doc.name,
      seed: typeof doc.seed === 'number' ? doc.seed : 0,
      dataset,
      steps: doc.steps,
      network,
      training
    }
  };
}
