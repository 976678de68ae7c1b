/**
 * The kernel side of the pipeline-graph widget: what a channel to a displayed pipeline says
 * and accepts (see liveRef in ./objects). Every widget edit goes through the same Pipeline
 * methods a cell uses (.add, .remove, .move, .set, .duplicate, .replaceSteps, .training), so
 * they are validated the same way; a message that does not fit the message schema, or that the
 * pipeline refuses, gets `{ type: 'error', seq, message }` back and changes nothing.
 *
 * Kernel → widget:
 * - `state`: `{ doc }` after every change (a cell's or any view's);
 * - `modules`: the module catalog (palette and parameter forms), the networks (built-in and
 *   "My networks", sent again when one is saved) and the training form schema;
 * - `analysis`: output shape per step on one sample, and the issues to mark on nodes
 *   (missing dataset or network, a step that fails, a network input that does not fit);
 * - `ok` / `error`: the answer to a request (`seq`);
 * - `preview` / `samples`: the processing result, and thumbnails to pick a sample from;
 * - `run`: node states of a run started from the graph (queued, running, done, failed).
 */
import type { ValidateFunction } from 'ajv';
import type { NetworkDocument, PipelineDocument, PipelineStep } from '../../../../schema/documents';
import type { NodeRunStatus, PipelineIssue } from '../../../../schema/views';
import type { Dataset, SplitName } from '../data/dataset';
import { listModules } from '../modules/registry';
import { listNetworks } from '../networks/builder-editor';
import { loadUserNetwork, onUserNetworkSaved } from '../networks/builder-store';
import { builtin, type BuiltinNetwork } from '../networks';
import type { Pipeline } from '../pipeline/pipeline';
import { preprocessAsync } from '../pipeline/preprocess';
import { previewSteps, stagesOf } from '../pipeline/preview';
import { OPTIMIZERS } from '../training/optimizers';
import { ajv, formatErrors } from '../util/ajv';
import type { LiveData } from './channel';
import type { LiveBind } from './objects';
import { openPipelineNetwork } from './pipeline-network';

export const PIPELINE_TARGET = 'medflow.pipeline';

const SPLITS = ['train', 'val', 'test'];
const stepId = { type: 'string', minLength: 1 };
const seq = { type: 'integer' };
const paramsObject = { type: 'object' };

/** Messages the widget may send; anything else is refused with the schema's reason. */
const MESSAGE_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: [] as string[] } },
  oneOf: [
    msg('add', { module: { type: 'string' }, params: paramsObject, at: { type: 'integer' } }, [
      'module'
    ]),
    msg('remove', { step: stepId }, ['step']),
    msg('move', { step: stepId, to: { type: 'integer' } }, ['step', 'to']),
    msg('set', { step: stepId, params: paramsObject }, ['step', 'params']),
    msg('duplicate', { step: stepId }, ['step']),
    msg(
      'replace-steps',
      {
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'module', 'params'],
            additionalProperties: false,
            properties: { id: stepId, module: { type: 'string' }, params: paramsObject }
          }
        }
      },
      ['steps']
    ),
    msg('training', { settings: paramsObject }, ['settings']),
    msg(
      'preview',
      {
        index: { type: 'integer', minimum: 0 },
        split: { enum: SPLITS },
        bins: { type: 'integer', minimum: 1, maximum: 256 }
      },
      ['index']
    ),
    msg(
      'samples',
      { split: { enum: SPLITS }, count: { type: 'integer', minimum: 1, maximum: 64 } },
      []
    ),
    msg(
      'run',
      {
        mode: { enum: ['all', 'upto', 'sample'] },
        step: stepId,
        samples: { type: 'integer', minimum: 1, maximum: 1000 }
      },
      ['mode']
    ),
    msg('modules', {}, []),
    msg('replace-network', { network: { type: ['object', 'null'] } }, ['network']),
    msg(
      'set-network',
      { name: { type: 'string', minLength: 1 }, source: { enum: ['builtin', 'my'] } },
      ['name', 'source']
    ),
    msg('open-network', {}, [])
  ]
};
MESSAGE_SCHEMA.properties.type.enum = MESSAGE_SCHEMA.oneOf.map(m => m.properties.type.const);

function msg(type: string, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    required: ['type', ...required],
    additionalProperties: false,
    properties: { type: { const: type }, seq, ...properties }
  };
}

let validator: ValidateFunction | undefined;

/** Checks a widget message; returns the problems (empty when it fits). */
export function checkPipelineMessage(data: unknown): string[] {
  validator ??= ajv().compile(MESSAGE_SCHEMA);
  if (validator(data)) return [];
  const type = (data as { type?: unknown })?.type;
  // oneOf reports every branch; keep those of the branch the message names.
  const errors = (validator.errors ?? []).filter(e => {
    const m = /^#\/oneOf\/(\d+)\//.exec(e.schemaPath);
    return !m || MESSAGE_SCHEMA.oneOf[Number(m[1])].properties.type.const === type;
  });
  const problems = formatErrors(errors, data).filter(
    p => !/must match|must be equal to constant/.test(p)
  );
  return problems.length > 0 ? problems : [`unknown message type ${JSON.stringify(type)}`];
}

/** The form of the network node's training hyperparameters (JSON Schema for the panel). */
export function trainingFormSchema(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      epochs: {
        type: 'integer',
        minimum: 1,
        maximum: 10000,
        description: 'Passes over the training split.'
      },
      batch_size: {
        type: 'integer',
        minimum: 1,
        maximum: 4096,
        description: 'Images per gradient step.'
      },
      learning_rate_decay: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        description: 'Learning rate multiplied by (1 - decay) after every epoch.'
      },
      optimizer: {
        type: 'object',
        description: 'Optimizer and its learning rate (Keras names).',
        properties: {
          name: { type: 'string', enum: Object.keys(OPTIMIZERS), description: 'Optimizer.' },
          lr: { type: 'number', exclusiveMinimum: 0, maximum: 10, description: 'Learning rate.' }
        }
      }
    }
  };
}

/** Shapes as H×W×C: a 2-D image has one channel. */
function withChannels(shape: readonly number[]): number[] {
  return shape.length === 2 ? [...shape, 1] : shape.slice();
}

function networkInputShape(doc: PipelineDocument): number[] | null {
  const net = doc.network;
  if (!net) return null;
  for (const id of net.inputs) {
    const shape = net.layers.find(l => l.id === id)?.params?.shape;
    if (Array.isArray(shape) && shape.every(d => typeof d === 'number')) return shape as number[];
  }
  return null;
}

/** Issues that need no data: a missing dataset or network, a step of an unknown module. */
function documentIssues(doc: PipelineDocument): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  if (!doc.dataset) issues.push({ node: 'dataset', message: 'no dataset: call .input(dataset)' });
  const known = new Map(listModules().map(m => [m.name, m]));
  for (const step of doc.steps) {
    const info = known.get(step.module);
    if (!info) issues.push({ node: step.id, message: `unknown module '${step.module}'` });
    else if (info.dimension === 3 && doc.dataset?.shape && doc.dataset.shape.length < 3) {
      issues.push({
        node: step.id,
        message: `${step.module} works on 3-D volumes; ${doc.dataset.name} has 2-D images`
      });
    }
  }
  if (!doc.network) issues.push({ node: 'network', message: 'no network: call .network(doc)' });
  return issues;
}

/**
 * Output shape of every step on the first training sample, and the issues found on the way
 * (a step that throws, a network input shape that the processed images do not have).
 */
export async function analyzePipeline(
  doc: PipelineDocument,
  dataset: Dataset | undefined
): Promise<{ shapes: Record<string, number[]>; issues: PipelineIssue[] }> {
  const issues = documentIssues(doc);
  const shapes: Record<string, number[]> = {};
  if (!dataset || issues.some(i => i.node !== 'network' && i.node !== 'dataset')) {
    return { shapes, issues };
  }
  const { input, outputs, error } = await stagesOf(dataset, 'train', 0, doc.steps);
  shapes.dataset = input.image.array.shape.slice();
  outputs.forEach((out, k) => {
    if (out) shapes[doc.steps[k].id] = out.image.array.shape.slice();
  });
  if (error) {
    issues.push({ node: error.step, message: error.message });
    return { shapes, issues };
  }
  const last = outputs.length > 0 ? outputs[outputs.length - 1] : input;
  const expected = networkInputShape(doc);
  if (last && expected) {
    const got = withChannels(last.image.array.shape);
    if (expected.join('×') !== got.join('×')) {
      issues.push({
        node: 'network',
        message: `incompatible dimensions: the network expects ${expected.join('×')}, the pipeline gives ${got.join('×')}`
      });
    }
  }
  return { shapes, issues };
}

/** How long after the last change the analysis runs (a burst of edits triggers one run). */
const ANALYSIS_DELAY_MS = 80;

/** Wires one widget channel to a pipeline (the LiveBind of liveRef). */
export const bindPipeline: LiveBind<Pipeline> = (channel, pipeline) => {
  const send = (data: LiveData, buffers?: Uint8Array[]) => {
    if (!channel.closed) channel.send(data, buffers);
  };
  let analysisTimer: NodeJS.Timeout | undefined;
  let analysisRun = 0;
  const analyze = () => {
    clearTimeout(analysisTimer);
    analysisTimer = setTimeout(() => {
      const run = ++analysisRun;
      const doc = pipeline.toJSON();
      pipeline
        .loadInput()
        .catch(() => undefined)
        .then(dataset => analyzePipeline(doc, dataset))
        .then(
          result => run === analysisRun && send({ type: 'analysis', ...result }),
          err =>
            send({
              type: 'analysis',
              shapes: {},
              issues: [{ node: 'dataset', message: String(err?.message ?? err) }]
            })
        );
    }, ANALYSIS_DELAY_MS);
  };
  const sendState = () => {
    send({ type: 'state', state: { doc: pipeline.toJSON() } });
    analyze();
  };
  const sendModules = () =>
    send({
      type: 'modules',
      modules: listModules(),
      networks: listNetworks(),
      training: trainingFormSchema()
    });

  sendState();
  sendModules();
  const stop = pipeline.onChange(sendState);
  const stopSaved = onUserNetworkSaved(sendModules);
  let running = false;

  channel.onMessage(async data => {
    const requestSeq = typeof data.seq === 'number' ? data.seq : null;
    const fail = (message: string) => send({ type: 'error', seq: requestSeq, message });
    const problems = checkPipelineMessage(data);
    if (problems.length > 0) return fail(`message refused: ${problems.join('; ')}`);
    try {
      switch (data.type) {
        case 'add':
          pipeline.add(data.module as string, (data.params as Record<string, unknown>) ?? {}, {
            at: data.at as number | undefined
          });
          break;
        case 'remove':
          pipeline.remove(data.step as string);
          break;
        case 'move':
          pipeline.move(data.step as string, data.to as number);
          break;
        case 'set':
          pipeline.set(data.step as string, data.params as Record<string, unknown>);
          break;
        case 'duplicate':
          return send({
            type: 'ok',
            seq: requestSeq,
            step: pipeline.duplicate(data.step as string)
          });
        case 'replace-steps':
          pipeline.replaceSteps(data.steps as PipelineStep[]);
          break;
        case 'training':
          pipeline.training(data.settings as Record<string, unknown>);
          break;
        case 'modules':
          sendModules();
          break;
        case 'replace-network':
          // Undo/redo of a network change: the document is checked as .network() checks it.
          pipeline.network(data.network as NetworkDocument | null);
          break;
        case 'set-network':
          pipeline.network(
            await paletteNetwork(pipeline, data.name as string, data.source as 'builtin' | 'my')
          );
          break;
        case 'open-network': {
          // The builder checks shapes against what the pipeline feeds the network (the
          // built-in networks leave their input shape to the data).
          const dataset = await pipeline.loadInput().catch(() => undefined);
          const shape = dataset
            ? await processedShape(dataset, pipeline.steps, 'sample', 1).catch(() => undefined)
            : undefined;
          return send({
            type: 'network',
            seq: requestSeq,
            ...openPipelineNetwork(pipeline, shape)
          });
        }
        case 'samples': {
          const dataset = await pipeline.loadInput();
          const split = (data.split as SplitName | undefined) ?? 'train';
          const preview = await previewSteps(dataset, [], {
            split,
            samples: (data.count as number | undefined) ?? 8,
            bins: 1
          });
          return send({
            type: 'samples',
            seq: requestSeq,
            split,
            total: dataset.splits[split].length,
            samples: preview.samples.map(s => ({
              index: s.index,
              label: s.label,
              png: s.stages[0].png
            }))
          });
        }
        case 'preview': {
          const dataset = await pipeline.loadInput();
          const preview = await previewSteps(dataset, pipeline.steps, {
            indices: [data.index as number],
            split: (data.split as SplitName | undefined) ?? 'train',
            bins: (data.bins as number | undefined) ?? 32
          });
          return send({ type: 'preview', seq: requestSeq, sample: preview.samples[0] });
        }
        case 'run':
          if (running) return fail('a run started from this view is still going');
          running = true;
          try {
            await runFromGraph(pipeline, data, (nodes, extra) =>
              send({ type: 'run', seq: requestSeq, nodes, ...extra })
            );
          } finally {
            running = false;
          }
          break;
      }
      send({ type: 'ok', seq: requestSeq });
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  });

  return () => {
    stop();
    stopSaved();
    clearTimeout(analysisTimer);
  };
};

/**
 * The network a palette entry stands for: a saved one as saved; a built-in one sized for the
 * pipeline's dataset (its number of classes; the input shape is left to the data).
 */
async function paletteNetwork(
  pipeline: Pipeline,
  name: string,
  source: 'builtin' | 'my'
): Promise<NetworkDocument> {
  if (source === 'my') return loadUserNetwork(name);
  const dataset = await pipeline.loadInput().catch(() => undefined);
  if (!dataset) {
    throw new Error(
      `built-in network '${name}' takes its number of classes from the data: give the pipeline a dataset first`
    );
  }
  return builtin(name as BuiltinNetwork, { classes: dataset.classes.length });
}

/**
 * The image shape after `steps`: a sample run takes the first `count` training items through
 * the preview's stage cache; the other runs preprocess every split (preprocessAsync caches each
 * prefix, so step k starts from the output of step k-1 and training reuses it all).
 */
async function processedShape(
  dataset: Dataset,
  steps: PipelineStep[],
  mode: 'all' | 'upto' | 'sample',
  count: number
): Promise<number[]> {
  if (mode !== 'sample') return withChannels((await preprocessAsync(dataset, steps)).train.shape);
  let shape: number[] = [];
  for (let i = 0; i < count; i++) {
    const { outputs, error } = await stagesOf(dataset, 'train', i, steps);
    if (error) throw new Error(error.message);
    const out = outputs[outputs.length - 1];
    if (out) shape = out.image.array.shape;
  }
  return withChannels(shape);
}

type RunReport = (nodes: Record<string, NodeRunStatus>, extra?: LiveData) => void;

/**
 * Runs from the graph: `upto` processes the whole training split through the steps up to
 * `step`, `sample` processes `samples` items through every step, `all` processes and trains
 * (pipeline.train). Each node reports queued → running → done (with its output shape) or
 * failed (with the message).
 */
async function runFromGraph(pipeline: Pipeline, data: LiveData, report: RunReport): Promise<void> {
  const doc = pipeline.toJSON();
  const mode = data.mode as 'all' | 'upto' | 'sample';
  let steps = doc.steps;
  if (mode === 'upto') {
    const k = steps.findIndex(s => s.id === data.step);
    if (k < 0) throw new Error(`run: pipeline '${doc.name}' has no step '${String(data.step)}'`);
    steps = steps.slice(0, k + 1);
  }
  const nodes: Record<string, NodeRunStatus> = { dataset: { state: 'running' } };
  for (const s of steps) nodes[s.id] = { state: 'queued' };
  if (mode === 'all') nodes.network = nodes.training = { state: 'queued' };
  const emit = (extra?: LiveData) => report(structuredClone(nodes), extra);
  emit();
  let dataset: Dataset;
  try {
    dataset = await pipeline.loadInput();
  } catch (err) {
    nodes.dataset = { state: 'failed', message: (err as Error).message };
    emit({ done: true });
    throw err;
  }
  const split = dataset.splits.train;
  const count =
    mode === 'sample' ? Math.min((data.samples as number) ?? 16, split.length) : split.length;
  nodes.dataset = { state: 'done', shape: [count, ...withChannels(split.imageShape)] };
  emit();
  for (let k = 0; k < steps.length; k++) {
    nodes[steps[k].id] = { state: 'running' };
    emit();
    try {
      const shape = await processedShape(dataset, steps.slice(0, k + 1), mode, count);
      nodes[steps[k].id] = { state: 'done', shape: [count, ...shape] };
    } catch (err) {
      nodes[steps[k].id] = { state: 'failed', message: (err as Error).message };
      emit({ done: true });
      throw err;
    }
    emit();
  }
  if (mode !== 'all') return emit({ done: true });
  nodes.network = { state: 'running' };
  nodes.training = { state: 'running' };
  emit();
  try {
    const run = await pipeline.train({
      verbose: false,
      onEpoch: record => emit({ epoch: record.epoch, val_accuracy: record.val_accuracy })
    });
    nodes.network = { state: 'done' };
    nodes.training = { state: 'done' };
    emit({ done: true, metrics: JSON.parse(JSON.stringify(run.metrics)) });
  } catch (err) {
    nodes.network = { state: 'failed', message: (err as Error).message };
    nodes.training = { state: 'failed', message: (err as Error).message };
    emit({ done: true });
    throw err;
  }
}
