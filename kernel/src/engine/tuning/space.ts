/**
 * The search space of a study, read from a pipeline document: the training hyperparameters
 * (learning rate, batch size, optimizer, learning-rate decay, epochs), the tunable parameters
 * of the network's layers (filters, units, dropout rates) and the bounded parameters of the
 * image-processing steps. Every parameter is either tuned or fixed at the pipeline's value.
 */
import type { PipelineDocument } from '../../../../schema/documents';
import type { ParamValue, SearchParameter } from '../../../../schema/study';
import { getModule } from '../modules/registry';
import { OPTIMIZERS } from '../training/optimizers';
import { DEFAULT_TRAINING, resolveTraining } from '../training/settings';

export type Params = Record<string, ParamValue>;

/** What a user may say about one parameter: new bounds or choices, tuned or not, or a new one. */
export interface ParameterOverride {
  path?: string;
  type?: SearchParameter['type'];
  low?: number;
  high?: number;
  choices?: ParamValue[];
  tuned?: boolean;
  description?: string;
}

export interface SpaceOptions {
  /** Names of the parameters to tune; the rest stays fixed. Default: the training parameters. */
  tune?: string[];
  /** Per-name changes (bounds, choices, tuned) or whole new parameters (with path and type). */
  space?: Record<string, ParameterOverride>;
}

/** Tuned by default when `tune` is not given. */
export const DEFAULT_TUNED = ['learning_rate', 'batch_size', 'optimizer', 'learning_rate_decay'];

const DEFAULT_OPTIMIZERS = ['adam', 'adamax', 'rmsprop', 'sgd', 'momentum'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a dotted path; "network.layers.<id>" and "steps.<id>" address list items by id. */
export function getPath(doc: PipelineDocument, path: string): unknown {
  const { parent, key } = locate(doc, path, false);
  return parent[key];
}

/** Writes a dotted path of the document (in place). */
export function setPath(doc: PipelineDocument, path: string, value: ParamValue): void {
  const { parent, key } = locate(doc, path, true);
  parent[key] = value;
}

function locate(
  doc: PipelineDocument,
  path: string,
  create: boolean
): { parent: Obj; key: string } {
  const parts = path.split('.');
  let node: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i];
    if (Array.isArray(node)) {
      const item = node.find(x => isObj(x) && x.id === part);
      if (!item) throw new Error(`search space: path '${path}': no item with id '${part}'`);
      node = item;
      continue;
    }
    if (!isObj(node))
      throw new Error(`search space: path '${path}' does not exist in the pipeline`);
    if (node[part] === undefined && create) node[part] = {};
    node = node[part];
  }
  if (!isObj(node)) throw new Error(`search space: path '${path}' does not exist in the pipeline`);
  return { parent: node, key: parts[parts.length - 1] };
}

function numeric(
  name: string,
  path: string,
  type: 'int' | 'float' | 'log-float',
  low: number,
  high: number,
  value: number,
  description: string
): SearchParameter {
  return { name, path, type, low, high, tuned: false, value, description };
}

/** The training hyperparameters (the network module's settings). */
function trainingParameters(doc: PipelineDocument): SearchParameter[] {
  const t = resolveTraining(doc.training);
  const optimizers = DEFAULT_OPTIMIZERS.includes(t.optimizer.name)
    ? DEFAULT_OPTIMIZERS
    : [t.optimizer.name, ...DEFAULT_OPTIMIZERS];
  return [
    numeric(
      'learning_rate',
      'training.optimizer.lr',
      'log-float',
      1e-5,
      1e-1,
      t.optimizer.lr,
      'Learning rate of the optimizer.'
    ),
    numeric('batch_size', 'training.batch_size', 'int', 8, 128, t.batch_size, 'Images per batch.'),
    {
      name: 'optimizer',
      path: 'training.optimizer.name',
      type: 'categorical',
      choices: optimizers,
      tuned: false,
      value: t.optimizer.name,
      description: 'Optimizer.'
    },
    numeric(
      'learning_rate_decay',
      'training.learning_rate_decay',
      'float',
      0,
      0.3,
      t.learning_rate_decay,
      'Per epoch, the learning rate is multiplied by (1 - decay).'
    ),
    numeric(
      'epochs',
      'training.epochs',
      'int',
      1,
      Math.max(t.epochs, DEFAULT_TRAINING.epochs) * 2,
      t.epochs,
      'Most epochs a trial trains (early stopping may end it sooner).'
    )
  ];
}

/** Filters and units scale ×¼…×4 around the network's value; dropout rates in [0, 0.7]. */
function networkParameters(doc: PipelineDocument): SearchParameter[] {
  const out: SearchParameter[] = [];
  const layers = doc.network?.layers ?? [];
  const outputs = new Set(doc.network?.outputs ?? []);
  for (const layer of layers) {
    const p = layer.params as Obj;
    const path = (k: string) => `network.layers.${layer.id}.params.${k}`;
    const width = (key: string, what: string) => {
      const v = p[key];
      if (typeof v !== 'number' || !Number.isInteger(v)) return;
      const low = Math.max(1, Math.floor(v / 4));
      out.push(numeric(`${layer.id}.${key}`, path(key), 'int', low, v * 4, v, what));
    };
    if (['Conv2D', 'SeparableConv2D', 'Conv2DTranspose'].includes(layer.type)) {
      width('filters', `Filters of ${layer.id}.`);
    } else if (layer.type === 'Dense' && !outputs.has(layer.id)) {
      width('units', `Units of ${layer.id}.`);
    } else if (layer.type === 'Dropout' || layer.type === 'SpatialDropout2D') {
      const v = typeof p.rate === 'number' ? p.rate : 0.5;
      out.push(
        numeric(
          `${layer.id}.rate`,
          path('rate'),
          'float',
          0,
          0.7,
          v,
          `Dropout rate of ${layer.id}.`
        )
      );
    }
  }
  return out;
}

/** Bounded numbers, enums and booleans of the image-processing steps (seeds excluded). */
function stepParameters(doc: PipelineDocument): SearchParameter[] {
  const out: SearchParameter[] = [];
  for (const step of doc.steps) {
    let schema;
    try {
      schema = getModule(step.module).params;
    } catch {
      continue; // a module not registered in this process: nothing to offer
    }
    for (const [key, prop] of Object.entries(schema.properties)) {
      if (key === 'seed') continue;
      const value = (step.params as Obj)[key];
      const name = `${step.id}.${key}`;
      const path = `steps.${step.id}.params.${key}`;
      const description = prop.description;
      if (Array.isArray(prop.enum) && prop.enum.length > 1) {
        const choices = prop.enum.filter((c): c is ParamValue =>
          ['number', 'string', 'boolean'].includes(typeof c)
        );
        if (choices.includes(value as ParamValue)) {
          out.push({
            name,
            path,
            type: 'categorical',
            choices,
            tuned: false,
            value: value as ParamValue,
            description
          });
        }
      } else if (prop.type === 'boolean' && typeof value === 'boolean') {
        out.push({
          name,
          path,
          type: 'categorical',
          choices: [false, true],
          tuned: false,
          value,
          description
        });
      } else if (
        (prop.type === 'number' || prop.type === 'integer') &&
        typeof value === 'number' &&
        typeof prop.minimum === 'number' &&
        typeof prop.maximum === 'number' &&
        prop.maximum > prop.minimum
      ) {
        const type = prop.type === 'integer' ? 'int' : 'float';
        out.push(numeric(name, path, type, prop.minimum, prop.maximum, value, description));
      }
    }
  }
  return out;
}

/** Checks one parameter's description; the error names the parameter and the problem. */
export function checkParameter(p: SearchParameter): void {
  const where = `search space: parameter '${p.name}'`;
  if (!p.name) throw new Error('search space: a parameter has no name');
  if (!p.path) throw new Error(`${where}: path is missing`);
  if (p.type === 'categorical') {
    if (!Array.isArray(p.choices) || p.choices.length === 0) {
      throw new Error(`${where}: choices must be a non-empty list`);
    }
    return;
  }
  if (!['int', 'float', 'log-float'].includes(p.type)) {
    throw new Error(
      `${where}: type must be int, float, log-float or categorical (got ${JSON.stringify(p.type)})`
    );
  }
  if (!Number.isFinite(p.low) || !Number.isFinite(p.high) || p.low > p.high) {
    throw new Error(
      `${where}: low and high must be finite numbers with low <= high (got ${p.low}, ${p.high})`
    );
  }
  if (p.type === 'int' && (!Number.isInteger(p.low) || !Number.isInteger(p.high))) {
    throw new Error(`${where}: an int parameter needs integer bounds (got ${p.low}, ${p.high})`);
  }
  if (p.type === 'log-float' && p.low <= 0) {
    throw new Error(`${where}: a log-float parameter needs low > 0 (got ${p.low})`);
  }
}

/**
 * The study's search space for a pipeline document. Names in `tune` are tuned (each must
 * exist); `space` changes bounds/choices of known parameters or adds new ones by path.
 */
export function buildSpace(doc: PipelineDocument, options: SpaceOptions = {}): SearchParameter[] {
  const space = [...trainingParameters(doc), ...networkParameters(doc), ...stepParameters(doc)];
  const byName = new Map(space.map(p => [p.name, p]));
  for (const [name, o] of Object.entries(options.space ?? {})) {
    let p = byName.get(name);
    if (!p) {
      if (!o.path || !o.type) {
        throw new Error(
          `search space: unknown parameter '${name}' (known: ${[...byName.keys()].join(', ')}); ` +
            'a new parameter needs a path and a type'
        );
      }
      const value = getPath(doc, o.path);
      if (!['number', 'string', 'boolean'].includes(typeof value)) {
        throw new Error(
          `search space: parameter '${name}': the pipeline has no value at '${o.path}'`
        );
      }
      p =
        o.type === 'categorical'
          ? {
              name,
              path: o.path,
              type: 'categorical',
              choices: [],
              tuned: true,
              value: value as ParamValue
            }
          : {
              name,
              path: o.path,
              type: o.type,
              low: 0,
              high: 0,
              tuned: true,
              value: value as number
            };
      space.push(p);
      byName.set(name, p);
    } else if (o.type && o.type !== p.type) {
      throw new Error(`search space: parameter '${name}' is ${p.type}, not ${o.type}`);
    }
    if (p.type === 'categorical') {
      if (o.low !== undefined || o.high !== undefined) {
        throw new Error(
          `search space: parameter '${name}' is categorical: give choices, not low/high`
        );
      }
      if (o.choices) p.choices = o.choices.slice();
    } else {
      if (o.choices)
        throw new Error(
          `search space: parameter '${name}' is ${p.type}: give low/high, not choices`
        );
      if (o.low !== undefined) p.low = o.low;
      if (o.high !== undefined) p.high = o.high;
    }
    if (o.tuned !== undefined) p.tuned = o.tuned;
    if (o.description !== undefined) p.description = o.description;
  }
  const tune = options.tune ?? DEFAULT_TUNED.filter(n => !(options.space?.[n]?.tuned === false));
  for (const name of tune) {
    const p = byName.get(name);
    if (!p) {
      throw new Error(
        `autotune: cannot tune '${name}': no such parameter (known: ${[...byName.keys()].join(', ')})`
      );
    }
    p.tuned = true;
  }
  for (const p of space) checkParameter(p);
  if (!space.some(p => p.tuned)) throw new Error('autotune: no parameter is tuned');
  return space;
}

/** The tuned parameters only. */
export function tunedParameters(space: readonly SearchParameter[]): SearchParameter[] {
  return space.filter(p => p.tuned);
}

/**
 * The pipeline document with a configuration written into it. Switching the optimizer keeps
 * the learning rate and the settings the new optimizer also has, and drops the others.
 */
export function applyParams(
  base: PipelineDocument,
  space: readonly SearchParameter[],
  params: Params
): PipelineDocument {
  const doc = structuredClone(base);
  for (const p of space) {
    if (!p.tuned || !(p.name in params)) continue;
    const value = params[p.name];
    if (p.path === 'training.optimizer.name') {
      const current = (doc.training.optimizer ?? { ...DEFAULT_TRAINING.optimizer }) as Obj;
      const known = OPTIMIZERS[String(value)];
      if (!known) throw new Error(`search space: unknown optimizer ${JSON.stringify(value)}`);
      const next: Obj = { name: value };
      for (const [k, v] of Object.entries(current)) if (k !== 'name' && k in known) next[k] = v;
      doc.training.optimizer = next as { name: string };
    } else {
      if (p.path.startsWith('training.optimizer.') && !doc.training.optimizer) {
        doc.training.optimizer = { ...DEFAULT_TRAINING.optimizer };
      }
      setPath(doc, p.path, value);
    }
  }
  return doc;
}
