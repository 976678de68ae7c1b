/**
 * Validation of a network document with shape inference. Every problem is reported with the
 * layer that has it ("layer conv3 (Conv2D): kernel_size 7 larger than input 4×4 ..."); a layer
 * whose inputs are broken is skipped rather than reported again, so each mistake appears once.
 */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';
import { documentValidator, formatErrors } from '../util/ajv';
import { fmtShape } from './layers/common';
import { checkLayerParams, getLayer, layerTypes } from './layers/registry';
import { LayerShapeError, type ParamCount, type Params, type Shape } from './layers/types';

export interface NetworkIssue {
  /** The layer id, or null for a problem of the whole document. */
  layer: string | null;
  message: string;
}

export interface ResolvedLayer {
  node: LayerNode;
  /** Parameters with defaults filled in. */
  params: Params;
  inputShapes: Shape[];
  outputShape: Shape;
  count: ParamCount;
}

export interface NetworkCheck {
  ok: boolean;
  issues: NetworkIssue[];
  /** Layers in topological order (inputs first), for those that validated. */
  layers: ResolvedLayer[];
  /** Total weights, as Keras' model.summary() counts them. */
  params: { trainable: number; nonTrainable: number; total: number };
}

export interface ValidateOptions {
  /** Shape for Input layers whose shape is null (the pipeline's processed images). */
  inputShape?: number[];
}

/** Error of an invalid network: one line per problem. */
export class NetworkError extends Error {
  constructor(
    readonly issues: NetworkIssue[],
    name = 'network'
  ) {
    super(issues.map(formatIssue).join('\n') || `${name}: invalid`);
    this.name = 'NetworkError';
  }
}

export function formatIssue(issue: NetworkIssue): string {
  return issue.layer === null ? issue.message : `${issue.layer}: ${issue.message}`;
}

export function validateNetwork(doc: NetworkDocument, options: ValidateOptions = {}): NetworkCheck {
  const issues: NetworkIssue[] = [];
  const docName = `network ${(doc as { name?: string })?.name ?? '?'}`;
  const fail = (layer: string | null, message: string) => issues.push({ layer, message });
  const validate = documentValidator('network');
  if (!validate(doc)) {
    fail(null, `${docName}: ${formatErrors(validate.errors, doc).join('; ')}`);
    return { ok: false, issues, layers: [], params: { trainable: 0, nonTrainable: 0, total: 0 } };
  }
  const byId = new Map<string, LayerNode>();
  for (const l of doc.layers) {
    if (byId.has(l.id)) fail(`layer ${l.id}`, 'duplicate layer id');
    byId.set(l.id, l);
  }
  for (const id of doc.inputs) {
    const l = byId.get(id);
    if (!l) fail(null, `${docName}: input '${id}' is not a layer`);
    else if (l.type !== 'Input')
      fail(`layer ${id} (${l.type})`, 'is listed in inputs but is not an Input layer');
  }
  for (const l of doc.layers) {
    if (l.type === 'Input' && !doc.inputs.includes(l.id))
      fail(`layer ${l.id} (Input)`, `is not listed in the network's inputs`);
  }
  for (const id of doc.outputs)
    if (!byId.has(id)) fail(null, `${docName}: output '${id}' is not a layer`);

  // Depth-first topological order; each cycle is reported once, on each of its layers.
  const order: LayerNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const broken = new Set<string>();
  const visit = (l: LayerNode) => {
    if (state.get(l.id) === 'done') return;
    if (state.get(l.id) === 'visiting') {
      // The stack follows inputs backwards; show the cycle in the direction data flows.
      const cycle = [...stack.slice(stack.indexOf(l.id)), l.id].reverse();
      for (const id of new Set(cycle)) {
        if (!broken.has(id)) fail(`layer ${id}`, `is part of a cycle (${cycle.join(' → ')})`);
        broken.add(id);
      }
      return;
    }
    state.set(l.id, 'visiting');
    stack.push(l.id);
    for (const id of l.inputs) {
      const src = byId.get(id);
      if (!src) {
        fail(`layer ${l.id}`, `input '${id}' is not a layer of the network`);
        broken.add(l.id);
      } else visit(src);
    }
    stack.pop();
    state.set(l.id, 'done');
    order.push(l);
  };
  doc.layers.forEach(visit);

  const shapes = new Map<string, Shape>();
  const layers: ResolvedLayer[] = [];
  for (const node of order) {
    const where = `layer ${node.id} (${node.type})`;
    if (broken.has(node.id)) continue;
    const def = getLayer(node.type);
    if (!def) {
      fail(where, `unsupported layer type (supported: ${layerTypes().join(', ')})`);
      continue;
    }
    const { params, problems } = checkLayerParams(def, node.params);
    problems.forEach(p => fail(where, p));
    const n = node.inputs.length;
    if (n < def.inputs.min || n > def.inputs.max) {
      const want =
        def.inputs.max === 0
          ? 'no inputs'
          : def.inputs.max === Infinity
            ? `${def.inputs.min} or more inputs`
            : `exactly ${def.inputs.min} input${def.inputs.min > 1 ? 's' : ''}`;
      fail(where, `takes ${want}, has ${n}`);
      continue;
    }
    if (problems.length > 0) continue;
    // Skip layers fed by a broken layer: their problem was reported there.
    const inputShapes = node.inputs.map(id => shapes.get(id));
    if (inputShapes.some(s => s === undefined)) continue;
    if (node.type === 'Input' && params.shape === null) {
      if (!options.inputShape) {
        fail(
          where,
          'shape is null: give the network an input shape, or train it in a pipeline (which takes it from the data)'
        );
        continue;
      }
      params.shape = options.inputShape.slice();
    }
    try {
      const out = def.outputShape(params, inputShapes as Shape[]);
      if (out.some(d => d < 1)) {
        throw new LayerShapeError(
          `output shape ${fmtShape(out)} is empty: its input is too small for it`
        );
      }
      shapes.set(node.id, out);
      layers.push({
        node,
        params,
        inputShapes: inputShapes as Shape[],
        outputShape: out,
        count: def.paramCount(params, inputShapes as Shape[], out)
      });
    } catch (error) {
      if (!(error instanceof LayerShapeError)) throw error;
      fail(where, error.message);
    }
  }
  const trainable = layers.reduce((a, l) => a + l.count.trainable, 0);
  const nonTrainable = layers.reduce((a, l) => a + l.count.nonTrainable, 0);
  return {
    ok: issues.length === 0,
    issues,
    layers,
    params: { trainable, nonTrainable, total: trainable + nonTrainable }
  };
}

/** validateNetwork, throwing a NetworkError with every problem when there are any. */
export function assertValidNetwork(
  doc: NetworkDocument,
  options: ValidateOptions = {}
): NetworkCheck {
  const check = validateNetwork(doc, options);
  if (!check.ok) throw new NetworkError(check.issues, doc?.name);
  return check;
}
