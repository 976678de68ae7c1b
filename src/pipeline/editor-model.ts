/**
 * The editing model of the live pipeline graph, free of React and of JupyterLab (like
 * xyflow's core): what the kernel told us (document, module catalog, analysis, run states),
 * the palette's grouping and search, the edit commands the widget sends (as the messages of
 * kernel/src/engine/live/pipeline-channel.ts), where a dropped module goes, what a new
 * connection means in a chain, and the undo/redo history.
 *
 * The kernel stays the owner of the pipeline: commands are requests, the kernel's next
 * `state` message is the truth the view redraws from.
 */
import type { NetworkDocument, PipelineDocument, PipelineStep } from '../../schema/documents';
import type { NetworkListing, PipelineIssue } from '../../schema/views';

/** A module of the catalog (mf.modules.list()), as the kernel sends it. */
export interface ModuleInfo {
  name: string;
  category: string;
  origin: 'builtin' | 'user';
  description: string;
  dimension: 2 | 3 | 'any';
  modality: string[];
  params: ParamSchema;
}

/** A network the palette offers: built-in (sized for the data) or the user's own ("My"). */
export type NetworkInfo = NetworkListing;

/** The palette's networks: the user's first, then the built-in ones; filtered by `query`. */
export function listPaletteNetworks(networks: readonly NetworkInfo[], query = ''): NetworkInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const text = (n: NetworkInfo) =>
    `${n.name} ${n.name.replace(/_/g, ' ')} ${n.description} network`.toLowerCase();
  return networks
    .filter(n => words.every(w => text(n).includes(w)))
    .sort((a, b) => (a.source === b.source ? 0 : a.source === 'my' ? -1 : 1));
}

export interface ParamSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown> & { description?: string }>;
  required?: string[];
  [key: string]: unknown;
}

export type { NodeRunState, NodeRunStatus, PipelineIssue } from '../../schema/views';

/** The live state the kernel sends (`{ type: 'state', state }`). */
export interface PipelineLiveState {
  doc: PipelineDocument;
}

/** A request to the kernel's pipeline (pipeline-channel.ts validates it again). */
export type EditCommand =
  | { type: 'add'; module: string; params?: Record<string, unknown>; at: number }
  | { type: 'remove'; step: string }
  | { type: 'move'; step: string; to: number }
  | { type: 'set'; step: string; params: Record<string, unknown> }
  | { type: 'duplicate'; step: string }
  | { type: 'replace-steps'; steps: PipelineStep[] }
  | { type: 'set-network'; name: string; source: NetworkInfo['source'] }
  | { type: 'replace-network'; network: NetworkDocument | null };

/** Order of the palette's built-in categories (unknown ones follow, by name). */
const CATEGORY_ORDER = ['General', 'Grayscale', 'Color', 'Binary', 'Augmentation', 'Advanced'];

export interface PaletteGroup {
  /** Category name, or null for the user's own modules ("My" in the view). */
  category: string | null;
  modules: ModuleInfo[];
}

/**
 * The palette: the user's modules first (group `category: null`), then the built-in ones by
 * category; each filtered by `query` (name, description or category, any case).
 */
export function groupModules(modules: readonly ModuleInfo[], query = ''): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (m: ModuleInfo) => {
    const text =
      `${m.name} ${m.name.replace(/_/g, ' ')} ${m.description} ${m.category}`.toLowerCase();
    return words.every(w => text.includes(w));
  };
  const mine = modules.filter(m => m.origin === 'user' && matches(m));
  const byCategory = new Map<string, ModuleInfo[]>();
  for (const m of modules) {
    if (m.origin === 'user' || !matches(m)) continue;
    if (!byCategory.has(m.category)) byCategory.set(m.category, []);
    byCategory.get(m.category)!.push(m);
  }
  const rank = (c: string) => {
    const i = CATEGORY_ORDER.indexOf(c);
    return i < 0 ? CATEGORY_ORDER.length : i;
  };
  const groups: PaletteGroup[] = mine.length > 0 ? [{ category: null, modules: byName(mine) }] : [];
  [...byCategory.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .forEach(category => groups.push({ category, modules: byName(byCategory.get(category)!) }));
  return groups;
}

function byName(modules: ModuleInfo[]): ModuleInfo[] {
  return modules.slice().sort((a, b) => a.name.localeCompare(b.name));
}

/** Graph node id of a step (graph-model.ts names step nodes `step-<id>`). */
export function stepNodeId(stepId: string): string {
  return `step-${stepId}`;
}

/** The step id of a graph node id, or null for the dataset, network and training nodes. */
export function stepIdOfNode(doc: PipelineDocument, nodeId: string): string | null {
  if (!nodeId.startsWith('step-')) return null;
  const id = nodeId.slice('step-'.length);
  return doc.steps.some(s => s.id === id) ? id : null;
}

/**
 * Where a module dropped on an edge goes: before the edge's target (the network's or
 * training's edge: after the last step).
 */
export function insertIndexForEdge(doc: PipelineDocument, targetNodeId: string): number {
  const step = stepIdOfNode(doc, targetNodeId);
  return step === null ? doc.steps.length : doc.steps.findIndex(s => s.id === step);
}

/**
 * Where a module dropped on the empty canvas goes: `centers` are the step nodes' centres
 * along the main axis (in step order), `point` the drop position on that axis; the module is
 * placed among the steps by position.
 */
export function insertIndexForPoint(centers: readonly number[], point: number): number {
  const index = centers.findIndex(c => point < c);
  return index < 0 ? centers.length : index;
}

/** The new index of a step dragged along the main axis, from the other steps' centres. */
export function moveIndexForPoint(
  doc: PipelineDocument,
  stepId: string,
  centers: readonly number[],
  point: number
): number {
  const others = centers.filter((_, i) => doc.steps[i]?.id !== stepId);
  return insertIndexForPoint(others, point);
}

export type ConnectResult =
  { ok: true; command: EditCommand | null } | { ok: false; reason: ConnectRefusal };

/** Why a connection is refused (stable keys the view translates). */
export type ConnectRefusal = 'self' | 'into-dataset' | 'from-end' | 'into-training';

/**
 * What drawing an edge from `source` to `target` means in a chain: `target` moves right
 * after `source` (from the dataset: first; into the network: last). An edge that would close
 * a cycle or lead into the dataset is refused with the reason. `command: null` when the chain
 * already has that edge.
 */
export function connectAsMove(
  doc: PipelineDocument,
  source: string,
  target: string
): ConnectResult {
  if (source === target) return { ok: false, reason: 'self' };
  if (target === 'dataset') return { ok: false, reason: 'into-dataset' };
  if (source === 'network' || source === 'training') return { ok: false, reason: 'from-end' };
  if (target === 'training') return { ok: false, reason: 'into-training' };
  const ids = doc.steps.map(s => s.id);
  const sourceStep = stepIdOfNode(doc, source);
  const targetStep = stepIdOfNode(doc, target);
  if (target === 'network') {
    // Step → network: that step becomes the last one.
    if (sourceStep === null) return { ok: true, command: null };
    const from = ids.indexOf(sourceStep);
    return from === ids.length - 1
      ? { ok: true, command: null }
      : { ok: true, command: { type: 'move', step: sourceStep, to: ids.length - 1 } };
  }
  if (targetStep === null) return { ok: true, command: null };
  const rest = ids.filter(id => id !== targetStep);
  const to = sourceStep === null ? 0 : rest.indexOf(sourceStep) + 1;
  return ids.indexOf(targetStep) === to
    ? { ok: true, command: null }
    : { ok: true, command: { type: 'move', step: targetStep, to } };
}

/** What an undo entry restores: the step list, or the network. */
type HistoryEntry =
  { kind: 'steps'; steps: PipelineStep[] } | { kind: 'network'; network: NetworkDocument | null };

/** The part of the document an edit changes: the network for a network choice, else the steps. */
export function editedPart(command: EditCommand): HistoryEntry['kind'] {
  return command.type === 'set-network' || command.type === 'replace-network' ? 'network' : 'steps';
}

/**
 * Undo/redo of the widget's edits: each entry is the part of the document an edit changed, as
 * it was before; undoing sends the kernel that part whole (`replace-steps`, `replace-network`),
 * which it validates again.
 */
export class EditHistory {
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];

  constructor(private readonly limit = 100) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Call before sending an edit of `part`, with the document as it is now. */
  record(before: HistoryDocument, part: HistoryEntry['kind'] = 'steps'): void {
    this.undoStack.push(entryOf(before, part));
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack.length = 0;
  }

  /** The command that undoes the last edit, given the document now; null when nothing to undo. */
  undo(current: HistoryDocument): EditCommand | null {
    return move(this.undoStack, this.redoStack, current);
  }

  redo(current: HistoryDocument): EditCommand | null {
    return move(this.redoStack, this.undoStack, current);
  }
}

/** What the history reads of a pipeline document. */
export type HistoryDocument = Pick<PipelineDocument, 'steps' | 'network'>;

function entryOf(doc: HistoryDocument, part: HistoryEntry['kind']): HistoryEntry {
  return part === 'steps'
    ? { kind: 'steps', steps: structuredClone([...doc.steps]) }
    : { kind: 'network', network: structuredClone(doc.network ?? null) };
}

/** Pops an entry of `from`, pushes the current state of the same part on `to`. */
function move(from: HistoryEntry[], to: HistoryEntry[], current: HistoryDocument) {
  const entry = from.pop();
  if (!entry) return null;
  to.push(entryOf(current, entry.kind));
  return entry.kind === 'steps'
    ? ({ type: 'replace-steps', steps: entry.steps } as const)
    : ({ type: 'replace-network', network: entry.network } as const);
}

/** Issues by node id of the graph ('dataset', 'network', 'step-<id>'). */
export function issuesByNode(issues: readonly PipelineIssue[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const issue of issues) {
    const node = ['dataset', 'network', 'training'].includes(issue.node)
      ? issue.node
      : stepNodeId(issue.node);
    if (!map.has(node)) map.set(node, []);
    map.get(node)!.push(issue.message);
  }
  return map;
}

/**
 * The hover text of a parameter: its description and its constraint in words, e.g.
 * "Output height in pixels. (integer, 1 … 4096, default 28)".
 */
export function describeParam(schema: Record<string, unknown>): string {
  const parts: string[] = [];
  const type = schema.type;
  if (typeof type === 'string') parts.push(type);
  const lo = schema.minimum ?? schema.exclusiveMinimum;
  const hi = schema.maximum ?? schema.exclusiveMaximum;
  if (lo !== undefined || hi !== undefined) {
    const left =
      lo === undefined ? '−∞' : `${schema.exclusiveMinimum !== undefined ? '>' : ''}${lo}`;
    const right =
      hi === undefined ? '∞' : `${schema.exclusiveMaximum !== undefined ? '<' : ''}${hi}`;
    parts.push(`${left} … ${right}`);
  }
  if (Array.isArray(schema.enum))
    parts.push(`one of ${schema.enum.map(v => JSON.stringify(v)).join(', ')}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  const description = typeof schema.description === 'string' ? schema.description : '';
  return parts.length > 0 ? `${description} (${parts.join(', ')})`.trim() : description;
}

/** Reads the kernel's `state` message; undefined when it is not a pipeline state. */
export function readLiveState(raw: unknown): PipelineLiveState | undefined {
  const doc = (raw as { doc?: unknown } | null)?.doc as PipelineDocument | undefined;
  if (
    !doc ||
    typeof doc !== 'object' ||
    !Array.isArray(doc.steps) ||
    typeof doc.name !== 'string'
  ) {
    return undefined;
  }
  return { doc };
}
