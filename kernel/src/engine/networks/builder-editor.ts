/**
 * `mf.networks.builder(name, { from })`: an editable network. Cells edit it with add / remove /
 * connect / setParams; the layer-builder widget edits the same object through the kernel (see
 * engine/views/network-view.ts), and every change is announced to subscribers so both stay in
 * step. `save()` stores it as one of the user's own networks ("My networks").
 *
 * The builder *is* a network document: its only own enumerable properties are the document's
 * fields (version, name, inputs, layers, outputs), kept current after each edit, and its other
 * state lives in #private fields. So `p.network(builder)` validates and copies it like any
 * document, and JSON.stringify(builder) writes the document.
 */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';
import type {
  NetworkCheckSummary,
  NetworkListing,
  NetworkOrigin,
  NetworkViewState
} from '../../../../schema/views';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { networkLiveRef } from '../views/network-view';
import { builtin, list as listBuiltins, type BuiltinNetwork, type BuiltinOptions } from './index';
import { getLayer, layerTypes } from './layers/registry';
import {
  checkUserNetworkName,
  hasUserNetwork,
  listUserNetworks as listUserNames,
  loadUserNetwork,
  saveUserNetwork
} from './builder-store';
import { formatIssue, validateNetwork, type NetworkCheck } from './validate';

export const NETWORK_MIME = 'application/vnd.medflow.network+json';

export interface NetworkBuilderOptions {
  /**
   * Start from a built-in network ('small_cnn', with `options`), a saved network of the user
   * (by name) or a network document. Default: a network holding only an Input layer.
   */
  from?: string | NetworkDocument;
  /** Options of the built-in network named in `from` (default `{ classes: 2 }`). */
  options?: Record<string, unknown>;
  /** Shape for shape inference when the Input layer's shape is null (e.g. [28, 28, 1]). */
  inputShape?: number[];
}

export type { NetworkCheckSummary, NetworkOrigin, NetworkViewState };

export type NetworkListener = (state: NetworkViewState) => void;

/** "layer conv3 (Conv2D)" / "layer conv3" → "conv3": the validator's issue prefix → the id. */
function issueLayerId(layer: string): string {
  return layer.replace(/^layer /, '').replace(/ \(.*\)$/, '');
}

export function summarizeCheck(doc: NetworkDocument, check: NetworkCheck): NetworkCheckSummary {
  const layers: NetworkCheckSummary['layers'] = {};
  for (const l of doc.layers) layers[l.id] = { problems: [] };
  for (const r of check.layers) {
    layers[r.node.id] = {
      output: r.outputShape,
      params: r.count.trainable + r.count.nonTrainable,
      problems: []
    };
  }
  const problems: string[] = [];
  for (const issue of check.issues) {
    const id = issue.layer === null ? null : issueLayerId(issue.layer);
    if (id !== null && layers[id]) layers[id].problems.push(issue.message);
    else problems.push(formatIssue(issue));
  }
  return { ok: check.ok, problems, layers, params: check.params };
}

export class NetworkBuilder implements NetworkDocument {
  version = 1 as const;
  name: string;
  inputs: string[] = [];
  layers: LayerNode[] = [];
  outputs: string[] = [];

  #origin: NetworkOrigin;
  #inputShape: number[] | undefined;
  #explicitOutputs: boolean;
  #saved: string | undefined;
  #listeners = new Set<NetworkListener>();
  #readonly: boolean;

  /**
   * `name` alone opens that network: a built-in one read-only (duplicate it to edit), a saved
   * one of the user for editing, else a new network with only an Input layer.
   */
  constructor(name: string, options: NetworkBuilderOptions = {}) {
    checkUserNetworkName(name);
    this.name = name;
    this.#inputShape = options.inputShape?.slice();
    const isBuiltin = listBuiltins().some(b => b.name === name);
    this.#readonly = options.from === undefined && isBuiltin;
    const from = options.from ?? (isBuiltin || hasUserNetwork(name) ? name : undefined);
    const { doc, origin } = startingDocument({ ...options, from });
    this.#origin = origin;
    this.#explicitOutputs = false;
    this.#assign(doc);
    // Outputs that are not simply "the layers nothing consumes" were chosen on purpose: keep.
    this.#explicitOutputs = !sameSet(doc.outputs, this.#sinks());
  }

  /** True for a built-in network opened by its name: duplicate it to edit. */
  get readonly(): boolean {
    return this.#readonly;
  }

  /** An editable copy under another name (the built-ins' "duplicate to edit"). */
  duplicate(name: string): NetworkBuilder {
    return new NetworkBuilder(name, { from: this.toJSON(), inputShape: this.#inputShape });
  }

  /**
   * Turns this builder into an editable copy named `name`: what the widget's "Duplicate to
   * edit" does, so the view on screen goes on editing the copy.
   */
  duplicateInPlace(name: string): this {
    checkUserNetworkName(name);
    if (listBuiltins().some(b => b.name === name)) {
      throw new Error(`'${name}' is a built-in network: choose another name for your copy`);
    }
    this.name = name;
    this.#readonly = false;
    this.#origin = 'document';
    this.#saved = undefined;
    this.#notify();
    return this;
  }

  /** Where the document came from: 'new', 'builtin' (a copy), 'saved' or 'document'. */
  get origin(): NetworkOrigin {
    return this.#origin;
  }

  /**
   * Adds a layer fed by `inputs` (default: the last layer added, none for Input); returns its
   * id (`conv2d_1` … unless given). Parameters are checked against the layer's schema now.
   */
  add(
    type: string,
    params: Record<string, unknown> = {},
    options: { id?: string; inputs?: string[] } = {}
  ): string {
    const def = getLayer(type);
    if (!def) {
      throw new Error(
        `network ${this.name}: unknown layer type '${type}' (known: ${layerTypes().join(', ')})`
      );
    }
    const id = options.id ?? this.#freshId(type);
    if (this.layers.some(l => l.id === id)) {
      throw new Error(`network ${this.name}: a layer '${id}' exists already`);
    }
    const last = this.layers[this.layers.length - 1];
    const inputs = options.inputs ?? (def.inputs.max === 0 || !last ? [] : [last.id]);
    inputs.forEach(i => this.#requireLayer(i));
    this.#edit(doc => {
      doc.layers.push({ id, type, params: structuredClone(params), inputs: inputs.slice() });
      if (type === 'Input') doc.inputs.push(id);
    });
    return id;
  }

  /** Removes a layer and every connection to it. */
  remove(id: string): this {
    this.#requireLayer(id);
    this.#edit(doc => {
      doc.layers = doc.layers.filter(l => l.id !== id);
      for (const l of doc.layers) l.inputs = l.inputs.filter(i => i !== id);
      doc.inputs = doc.inputs.filter(i => i !== id);
      doc.outputs = doc.outputs.filter(i => i !== id);
    });
    return this;
  }

  /** Feeds layer `from` into layer `to` (merge layers such as Add take several inputs). */
  connect(from: string, to: string): this {
    this.#requireLayer(from);
    const target = this.#requireLayer(to);
    if (target.inputs.includes(from)) {
      throw new Error(`network ${this.name}: ${from} already feeds ${to}`);
    }
    if (from === to) throw new Error(`network ${this.name}: a layer cannot feed itself (${to})`);
    this.#edit(doc => {
      doc.layers.find(l => l.id === to)!.inputs.push(from);
    });
    return this;
  }

  /** Removes the connection from `from` to `to`. */
  disconnect(from: string, to: string): this {
    this.#requireLayer(from);
    const target = this.#requireLayer(to);
    if (!target.inputs.includes(from)) {
      throw new Error(`network ${this.name}: ${from} does not feed ${to}`);
    }
    this.#edit(doc => {
      const l = doc.layers.find(x => x.id === to)!;
      l.inputs = l.inputs.filter(i => i !== from);
    });
    return this;
  }

  /** Sets parameters of a layer (merged over its others; `undefined` removes one). */
  setParams(id: string, params: Record<string, unknown>): this {
    this.#requireLayer(id);
    this.#edit(doc => {
      const l = doc.layers.find(x => x.id === id)!;
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined) delete l.params[k];
        else l.params[k] = structuredClone(v);
      }
    });
    return this;
  }

  /** Chooses the output layers (default: every layer that feeds no other). */
  setOutputs(ids: string[]): this {
    ids.forEach(i => this.#requireLayer(i));
    this.#explicitOutputs = true;
    this.#edit(doc => {
      doc.outputs = ids.slice();
    });
    return this;
  }

  /** Replaces the whole document (the widget's edits, undo and redo arrive this way). */
  replace(doc: NetworkDocument): this {
    if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.layers)) {
      throw new Error(`network ${this.name}: replace() needs a network document`);
    }
    // Outputs naming a layer that is gone are dropped; the rest decide whether they are chosen.
    const ids = new Set(doc.layers.map(l => l.id));
    const outputs = (doc.outputs ?? []).filter(o => ids.has(o));
    this.#explicitOutputs = outputs.length > 0 && !sameSet(outputs, sinksOf(doc.layers));
    this.#edit(() => ({ ...structuredClone(doc), outputs, version: 1, name: this.name }));
    return this;
  }

  /** Validation with shape inference (per-layer problems, output shapes, weight counts). */
  check(): NetworkCheck {
    return validateNetwork(this.toJSON(), { inputShape: this.#inputShape });
  }

  /** The network document (a copy). */
  toJSON(): NetworkDocument {
    const { version, name, inputs, layers, outputs } = this;
    return structuredClone({ version, name, inputs, layers, outputs });
  }

  /** State for the layer-builder widget. */
  viewState(): NetworkViewState {
    const network = this.toJSON();
    return {
      network,
      check: summarizeCheck(network, this.check()),
      origin: this.#origin,
      readonly: this.#readonly,
      ...(this.#saved ? { saved: this.#saved } : {})
    };
  }

  /**
   * Saves the network as the user's own ("My networks"): `$MEDFLOW_HOME/networks/<name>.json`
   * (~/.medflow by default). Invalid networks are saved too (work in progress), but a name
   * of a built-in network is refused. Returns the file's path.
   */
  save(): string {
    if (listBuiltins().some(b => b.name === this.name)) {
      throw new Error(`'${this.name}' is a built-in network: save your copy under another name`);
    }
    this.#saved = saveUserNetwork(this.toJSON());
    if (this.#origin === 'new') this.#origin = 'saved';
    this.#notify();
    return this.#saved;
  }

  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  subscribe(listener: NetworkListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  toString(): string {
    const check = this.check();
    const lines = [
      `Network '${this.name}' (${this.layers.length} layers, ${check.params.total.toLocaleString('en-US')} weights${check.ok ? '' : ', INVALID'})`
    ];
    const shapes = new Map(check.layers.map(r => [r.node.id, r.outputShape]));
    for (const l of this.layers) {
      const shape = shapes.get(l.id);
      const from = l.inputs.length ? ` ← ${l.inputs.join(', ')}` : '';
      lines.push(`  ${l.id} ${l.type}${from}${shape ? `  → ${shape.join('×')}` : ''}`);
    }
    check.issues.forEach(i => lines.push(`  ! ${formatIssue(i)}`));
    return lines.join('\n');
  }

  [MIME_BUNDLE](): MimeBundle {
    return {
      'text/plain': this.toString(),
      [NETWORK_MIME]: { ...this.viewState(), live: networkLiveRef(this) }
    };
  }

  #sinks(): string[] {
    return sinksOf(this.layers);
  }

  #requireLayer(id: string): LayerNode {
    const l = this.layers.find(x => x.id === id);
    if (!l) {
      throw new Error(
        `network ${this.name}: no layer '${id}' (layers: ${this.layers.map(x => x.id).join(', ') || 'none'})`
      );
    }
    return l;
  }

  #freshId(type: string): string {
    const base = type.toLowerCase();
    const used = new Set(this.layers.map(l => l.id));
    let n = 1;
    while (used.has(`${base}_${n}`)) n++;
    return `${base}_${n}`;
  }

  /** Applies an edit to a copy, then publishes the copy (so a failed edit changes nothing). */
  #edit(change: (doc: NetworkDocument) => NetworkDocument | void): void {
    if (this.#readonly) {
      throw new Error(
        `the built-in network '${this.name}' is read-only: duplicate it to edit (builder.duplicate('my_${this.name}'))`
      );
    }
    const draft = this.toJSON();
    const next = change(draft) ?? draft;
    if (!this.#explicitOutputs) next.outputs = sinksOf(next.layers);
    this.#assign(next);
    this.#notify();
  }

  #assign(doc: NetworkDocument): void {
    this.inputs = doc.inputs.slice();
    this.layers = structuredClone(doc.layers);
    this.outputs = doc.outputs.slice();
  }

  #notify(): void {
    if (this.#listeners.size === 0) return;
    const state = this.viewState();
    for (const listener of this.#listeners) listener(state);
  }
}

function sinksOf(layers: LayerNode[]): string[] {
  const fed = new Set(layers.flatMap(l => l.inputs));
  return layers.filter(l => !fed.has(l.id)).map(l => l.id);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(x => b.includes(x));
}

function startingDocument(options: NetworkBuilderOptions): {
  doc: NetworkDocument;
  origin: NetworkOrigin;
} {
  const from = options.from;
  if (from === undefined) {
    const input: LayerNode = { id: 'input', type: 'Input', params: { shape: null }, inputs: [] };
    return {
      doc: { version: 1, name: 'new', inputs: ['input'], layers: [input], outputs: ['input'] },
      origin: 'new'
    };
  }
  if (typeof from === 'string') {
    if (listBuiltins().some(b => b.name === from)) {
      const opts = (options.options ?? { classes: 2 }) as unknown as BuiltinOptions[BuiltinNetwork];
      return { doc: builtin(from as BuiltinNetwork, opts), origin: 'builtin' };
    }
    if (hasUserNetwork(from)) return { doc: loadUserNetwork(from), origin: 'saved' };
    throw new Error(
      `no network '${from}': not a built-in (${listBuiltins()
        .map(b => b.name)
        .join(', ')}) and not saved in My networks`
    );
  }
  if (typeof from !== 'object' || from === null || !Array.isArray(from.layers)) {
    throw new Error(`builder: 'from' must be a network name or a network document`);
  }
  return { doc: structuredClone(from), origin: 'document' };
}

export type { NetworkListing };

export function listNetworks(): NetworkListing[] {
  return [
    ...listBuiltins().map(b => ({ ...b, source: 'builtin' as const })),
    ...listUserNetworksWithDescriptions()
  ];
}

function listUserNetworksWithDescriptions(): NetworkListing[] {
  return listUserNames().map(name => ({
    name,
    description: 'Saved in My networks.',
    source: 'my' as const
  }));
}
