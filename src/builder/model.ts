/**
 * The layer builder's model, framework-free: the palette (the layer catalog grouped by
 * category), edits of a network document (the widget applies them at once and sends the
 * whole document to the kernel, which checks shapes and answers with the new state), undo and
 * redo, and a layered layout. Nothing here knows React or the kernel.
 */
import type { LayerNode, NetworkDocument } from '../../schema/documents';
import type { NetworkViewState } from '../../schema/views';
import type { ReadResult } from '../live/read-result';

export const NETWORK_MIME_TYPE = 'application/vnd.medflow.network+json';

/** A layer type of schema/layers/catalog.json (`inputs.max` null = any number). */
export interface CatalogLayer {
  type: string;
  category: string;
  description: string;
  params: {
    type: 'object';
    properties: Record<string, { description?: string; default?: unknown; [k: string]: unknown }>;
    required?: string[];
    [k: string]: unknown;
  };
  inputs: { min: number; max: number | null };
}

/** Palette groups in the order a network is usually built; Activation gets its own group. */
export const PALETTE_ORDER = [
  'Input',
  'Convolution',
  'Pooling',
  'Normalization',
  'Activation',
  'Regularization',
  'Core',
  'Merge',
  'Reshaping'
];

export function paletteGroups(
  catalog: CatalogLayer[]
): { category: string; layers: CatalogLayer[] }[] {
  const groupOf = (l: CatalogLayer) => (l.type === 'Activation' ? 'Activation' : l.category);
  const groups = new Map<string, CatalogLayer[]>();
  for (const l of catalog) groups.set(groupOf(l), [...(groups.get(groupOf(l)) ?? []), l]);
  const known = PALETTE_ORDER.filter(c => groups.has(c));
  const others = [...groups.keys()].filter(c => !PALETTE_ORDER.includes(c)).sort();
  return [...known, ...others].map(category => ({ category, layers: groups.get(category)! }));
}

/** Starting values for required parameters without a schema default (a small working layer). */
const STARTING_VALUES: Record<string, unknown> = {
  filters: 16,
  kernel_size: 3,
  units: 2,
  rate: 0.25,
  activation: 'relu',
  target_shape: [-1]
};

/** Parameters a new layer starts with: its required ones (schema default, else a start). */
export function initialParams(layer: CatalogLayer): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of layer.params.required ?? []) {
    const schema = layer.params.properties[name];
    params[name] = schema?.default !== undefined ? schema.default : (STARTING_VALUES[name] ?? null);
  }
  return params;
}

export function freshId(doc: NetworkDocument, type: string): string {
  const used = new Set(doc.layers.map(l => l.id));
  const base = type.toLowerCase();
  let n = 1;
  while (used.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

const clone = (doc: NetworkDocument): NetworkDocument => JSON.parse(JSON.stringify(doc));

function sinks(layers: LayerNode[]): string[] {
  const fed = new Set(layers.flatMap(l => l.inputs));
  return layers.filter(l => !fed.has(l.id)).map(l => l.id);
}

/** Outputs follow the layers nothing consumes (as the engine's builder does). */
function withOutputs(doc: NetworkDocument): NetworkDocument {
  return { ...doc, outputs: sinks(doc.layers) };
}

export function addLayer(
  doc: NetworkDocument,
  layer: CatalogLayer
): { doc: NetworkDocument; id: string } {
  const next = clone(doc);
  const id = freshId(next, layer.type);
  next.layers.push({ id, type: layer.type, params: initialParams(layer), inputs: [] });
  if (layer.type === 'Input') next.inputs.push(id);
  return { doc: withOutputs(next), id };
}

export function removeLayers(doc: NetworkDocument, ids: string[]): NetworkDocument {
  const gone = new Set(ids);
  const next = clone(doc);
  next.layers = next.layers.filter(l => !gone.has(l.id));
  for (const l of next.layers) l.inputs = l.inputs.filter(i => !gone.has(i));
  next.inputs = next.inputs.filter(i => !gone.has(i));
  return withOutputs(next);
}

/**
 * Connects `from` → `to`. A layer that takes one input has it replaced (dropping an edge on a
 * connected layer rewires it); merge layers collect inputs. Returns null when refused (a layer
 * feeding itself, Input taking an input, or a repeated edge), with the reason.
 */
export function connect(
  doc: NetworkDocument,
  from: string,
  to: string,
  catalog: CatalogLayer[]
): { doc: NetworkDocument } | { refused: string } {
  const target = doc.layers.find(l => l.id === to);
  if (!target || !doc.layers.some(l => l.id === from)) return { refused: 'no such layer' };
  if (from === to) return { refused: 'a layer cannot feed itself' };
  const def = catalog.find(c => c.type === target.type);
  // JSON has no Infinity: a null maximum means "any number of inputs".
  const max = def ? (def.inputs.max ?? Infinity) : 1;
  if (max === 0) return { refused: `${target.type} takes no inputs` };
  if (target.inputs.includes(from)) return { refused: `${from} already feeds ${to}` };
  const next = clone(doc);
  const t = next.layers.find(l => l.id === to)!;
  t.inputs = max === 1 ? [from] : [...t.inputs, from];
  return { doc: withOutputs(next) };
}

export function disconnect(doc: NetworkDocument, from: string, to: string): NetworkDocument {
  const next = clone(doc);
  const t = next.layers.find(l => l.id === to);
  if (t) t.inputs = t.inputs.filter(i => i !== from);
  return withOutputs(next);
}

export function setLayerParams(
  doc: NetworkDocument,
  id: string,
  params: Record<string, unknown>
): NetworkDocument {
  const next = clone(doc);
  const l = next.layers.find(x => x.id === id);
  if (l) {
    l.params = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  }
  return next;
}

/** Undo/redo over whole documents (edits are small; documents are a few KB). */
export class UndoStack<T> {
  private past: T[] = [];
  private future: T[] = [];
  constructor(private readonly limit = 100) {}

  /** Records `previous` as the state to return to. */
  push(previous: T): void {
    this.past.push(previous);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }
  undo(current: T): T | undefined {
    const previous = this.past.pop();
    if (previous !== undefined) this.future.push(current);
    return previous;
  }
  redo(current: T): T | undefined {
    const next = this.future.pop();
    if (next !== undefined) this.past.push(current);
    return next;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
}

/** Depth of each layer: the longest path from an input (cycles and dangling inputs tolerated). */
export function layerDepths(doc: NetworkDocument): Map<string, number> {
  const byId = new Map(doc.layers.map(l => [l.id, l]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const l = byId.get(id);
    if (!l || visiting.has(id)) return -1;
    visiting.add(id);
    const d = Math.max(-1, ...l.inputs.map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  doc.layers.forEach(l => visit(l.id));
  return depth;
}

/** Top-to-bottom layered positions; layers placed by the user keep their place. */
export function layout(
  doc: NetworkDocument,
  placed: ReadonlyMap<string, { x: number; y: number }>,
  size = { width: 190, height: 64, gapX: 40, gapY: 46 }
): Map<string, { x: number; y: number }> {
  const depths = layerDepths(doc);
  const rows = new Map<number, string[]>();
  for (const l of doc.layers) {
    const d = depths.get(l.id) ?? 0;
    rows.set(d, [...(rows.get(d) ?? []), l.id]);
  }
  const out = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of rows) {
    ids.forEach((id, i) => {
      const x = (i - (ids.length - 1) / 2) * (size.width + size.gapX);
      out.set(id, placed.get(id) ?? { x, y: d * (size.height + size.gapY) });
    });
  }
  return out;
}

/** "26×26×4" for a shape, "?" before the kernel has inferred it. */
export function formatShape(shape: number[] | undefined): string {
  return shape ? shape.join('×') : '?';
}

/** "12,345" */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Checks the bundle data / a state from the kernel. */
export function readNetworkState(raw: unknown): ReadResult<NetworkViewState> {
  const r = raw as Partial<NetworkViewState> | null;
  if (typeof r !== 'object' || r === null) return { ok: false, reason: 'not an object' };
  const n = r.network;
  if (
    typeof n !== 'object' ||
    n === null ||
    !Array.isArray(n.layers) ||
    typeof n.name !== 'string'
  ) {
    return { ok: false, reason: 'the network document is missing or malformed' };
  }
  const layersOk = n.layers.every(
    l =>
      typeof l === 'object' &&
      l !== null &&
      typeof l.id === 'string' &&
      typeof l.type === 'string' &&
      Array.isArray(l.inputs) &&
      typeof l.params === 'object'
  );
  if (!layersOk) return { ok: false, reason: 'a layer of the network is malformed' };
  if (typeof r.check !== 'object' || r.check === null || typeof r.check.layers !== 'object') {
    return { ok: false, reason: 'the network check is missing' };
  }
  return { ok: true, value: r as NetworkViewState };
}

type PropSchema = Record<string, unknown>;

/**
 * The layer's parameter schema as the form should show it for the current values: a parameter
 * allowed several types (kernel_size: integer or [h, w]; shape: list or null) gets the type of
 * its current value, since form libraries edit one type per field.
 */
export function formSchema(layer: CatalogLayer, params: Record<string, unknown>): PropSchema {
  const properties: Record<string, PropSchema> = {};
  for (const [name, raw] of Object.entries(layer.params.properties)) {
    const schema: PropSchema = { ...raw, title: name };
    if (Array.isArray(schema.type)) {
      const value = params[name];
      const current =
        value === null
          ? 'null'
          : Array.isArray(value)
            ? 'array'
            : typeof value === 'number'
              ? Number.isInteger(value) && schema.type.includes('integer')
                ? 'integer'
                : 'number'
              : typeof value;
      const types = schema.type as string[];
      schema.type = types.includes(current) ? current : (types.find(t => t !== 'null') ?? types[0]);
      if (schema.type === 'null') schema.type = types.find(t => t !== 'null') ?? 'null';
    }
    // Keep the value's own keywords only: `items` etc. are meaningless for a scalar.
    if (schema.type !== 'array') {
      delete schema.items;
      delete schema.minItems;
      delete schema.maxItems;
    }
    properties[name] = schema;
  }
  return { type: 'object', properties, required: layer.params.required ?? [] };
}
