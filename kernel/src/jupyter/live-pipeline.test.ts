/**
 * The pipeline-graph widget's channel over the kernel's real comm layer: a real pipeline on
 * the built-in dataset, messages as the widget sends them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evenSubset } from '../engine/testing/subset';
import { loadBuiltin } from '../engine/data/builtin';

import { setLiveHost } from '../engine/live/channel';
import { MIME_BUNDLE } from '../engine/mimebundle';
import { saveUserNetwork } from '../engine/networks/builder-store';
import { smallCnn } from '../engine/networks/small_cnn';
import { Pipeline, PIPELINE_MIME } from '../engine/pipeline/pipeline';
import { previewStats } from '../engine/pipeline/preview';
import { CommManager } from './comms';
import { frontendMessage } from './testing/frontend-message';
import type { JsonObject } from './wire';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let received: Map<string, Data[]>;
/** Comm ids are unique across tests: timers of an earlier test's views may still fire. */
let views = 0;
let comms: CommManager;
beforeEach(() => {
  received = new Map();
  comms = new CommManager((type, content) => {
    const id = String(content.comm_id);
    if (!received.has(id)) received.set(id, []);
    received.get(id)!.push({ ...(content.data as Data), _msg: type });
  });
  setLiveHost(comms);
});
afterEach(() => setLiveHost(undefined));

function deliver(type: string, content: JsonObject) {
  comms.handle(frontendMessage(type, content));
}

/** Opens a view of `p` as the widget does, from the live ref in its MIME bundle. */
function openView(p: Pipeline, commId: string) {
  const live = (p[MIME_BUNDLE]()[PIPELINE_MIME] as Data).live;
  deliver('comm_open', { comm_id: commId, target_name: live.target, data: { id: live.id } });
  let seq = 0;
  const all = () => received.get(commId) ?? [];
  return {
    all,
    send(data: Data): number {
      deliver('comm_msg', { comm_id: commId, data: { ...data, seq: ++seq } });
      return seq;
    },
    /** Waits for the answer (ok or error) to request `s`, or a message matching `pred`. */
    async until(pred: (m: Data) => boolean): Promise<Data> {
      for (let i = 0; i < 400; i++) {
        const hit = all().find(pred);
        if (hit) return hit;
        await new Promise(resolve => setTimeout(resolve, 25));
      }
      throw new Error(`no message matched; got ${JSON.stringify(all().map(m => m.type))}`);
    },
    lastState: () =>
      all()
        .filter(m => m.type === 'state')
        .pop()!.state.doc
  };
}

async function pneumonia(): Promise<Pipeline> {
  return new Pipeline({ name: 'graph', seed: 3 })
    .input(await loadBuiltin('pneumoniamnist'))
    .add('rescale')
    .add('resize', { height: 32, width: 32 });
}

test('a view gets the state, the module catalog and the analysis, and edits the pipeline', async () => {
  const p = await pneumonia();
  const view = openView(p, 'v1');
  expect(view.all()[0]).toMatchObject({ type: 'state', state: { doc: { name: 'graph' } } });
  const modules = view.all().find(m => m.type === 'modules')!;
  expect(modules.modules.map((m: Data) => m.name)).toContain('gamma_correction');
  expect(modules.training.properties.epochs).toMatchObject({ type: 'integer', minimum: 1 });
  const analysis = await view.until(m => m.type === 'analysis');
  expect(analysis.shapes).toEqual({ dataset: [28, 28], rescale_1: [28, 28], resize_1: [32, 32] });
  expect(analysis.issues).toEqual([{ node: 'network', message: 'no network: call .network(doc)' }]);

  const s = view.send({ type: 'set', step: 'resize_1', params: { height: 40 } });
  await view.until(m => m.type === 'ok' && m.seq === s);
  // The next cell reads the value the widget set.
  expect(p.step('resize_1').params.height).toBe(40);
  expect(view.lastState().steps[1].params.height).toBe(40);

  const a = view.send({ type: 'add', module: 'invert', at: 1 });
  await view.until(m => m.type === 'ok' && m.seq === a);
  expect(p.steps.map(x => x.id)).toEqual(['rescale_1', 'invert_1', 'resize_1']);

  // The network node's panel sets training hyperparameters, checked as .training() checks them.
  const t = view.send({
    type: 'training',
    settings: { epochs: 7, optimizer: { name: 'sgd', lr: 0.1 } }
  });
  await view.until(m => m.type === 'ok' && m.seq === t);
  expect(p.toJSON().training).toMatchObject({ epochs: 7, optimizer: { name: 'sgd', lr: 0.1 } });
  const bad = view.send({
    type: 'training',
    settings: { epochs: 2, optimizer: { name: 'nadam' } }
  });
  expect((await view.until(m => m.type === 'error' && m.seq === bad)).message).toMatch(
    /optimizer must be one of/
  );
  expect(p.toJSON().training.epochs).toBe(7);
});

test('a change made by a cell reaches every open view', async () => {
  const p = await pneumonia();
  const one = openView(p, 'one');
  const two = openView(p, 'two');
  p.set('rescale_1', { max: 255 });
  expect(one.lastState().steps[0].params.max).toBe(255);
  expect(two.lastState().steps[0].params.max).toBe(255);
  deliver('comm_close', { comm_id: 'two', data: {} });
  const before = two.all().length;
  p.remove('rescale_1');
  expect(two.all()).toHaveLength(before);
  expect(one.lastState().steps.map((x: Data) => x.id)).toEqual(['resize_1']);
});

test('messages that do not fit, or values the module refuses, change nothing', async () => {
  const p = await pneumonia();
  const view = openView(p, `v${++views}`);
  const bad = view.send({ type: 'set', step: 'resize_1', params: { height: 0 } });
  expect(await view.until(m => m.type === 'error' && m.seq === bad)).toMatchObject({
    message: expect.stringContaining('resize: height must be >= 1')
  });
  const shape = view.send({ type: 'move', step: 'resize_1', to: 'first' });
  expect(await view.until(m => m.type === 'error' && m.seq === shape)).toMatchObject({
    message: 'message refused: to must be integer (got "first")'
  });
  const unknown = view.send({ type: 'explode' });
  expect((await view.until(m => m.type === 'error' && m.seq === unknown)).message).toMatch(
    /^message refused: type must be one of "add", "remove", .* \(got "explode"\)$/
  );
  expect(p.step('resize_1').params.height).toBe(32);
  expect(p.steps.map(x => x.id)).toEqual(['rescale_1', 'resize_1']);
});

test('marks a step that fails and a network whose input does not fit', async () => {
  const p = (await pneumonia()).network(smallCnn({ classes: 2, inputShape: [28, 28, 1] }));
  const view = openView(p, `v${++views}`);
  const analysis = await view.until(m => m.type === 'analysis');
  expect(analysis.issues).toEqual([
    {
      node: 'network',
      message: 'incompatible dimensions: the network expects 28×28×1, the pipeline gives 32×32×1'
    }
  ]);
  p.add('crop', { top: 0, left: 0, height: 100, width: 100 });
  const next = await view.until(
    m => m.type === 'analysis' && m.issues.some((i: Data) => i.node === 'crop_1')
  );
  expect(next.issues.find((i: Data) => i.node === 'crop_1').message).toMatch(/crop/);
});

test('the processing result reuses cached steps when only a later parameter changes', async () => {
  const p = await pneumonia();
  const view = openView(p, `v${++views}`);
  const first = view.send({ type: 'preview', index: 5 });
  const preview = await view.until(m => m.type === 'preview' && m.seq === first);
  expect(preview.sample.stages.map((s: Data) => [s.step, s.shape, s.dtype])).toEqual([
    ['input', [28, 28], 'uint8'],
    ['rescale_1', [28, 28], 'float32'],
    ['resize_1', [32, 32], 'float32']
  ]);
  const [lo, hi] = preview.sample.stages[1].range;
  expect(0 <= lo && lo < hi && hi <= 1).toBe(true);
  p.set('resize_1', { height: 20 });
  const before = previewStats.applications;
  const second = view.send({ type: 'preview', index: 5 });
  const again = await view.until(m => m.type === 'preview' && m.seq === second);
  expect(again.sample.stages[2].shape).toEqual([20, 32]);
  // Only the changed step ran again.
  expect(previewStats.applications - before).toBe(1);
});

test('runs up to a node and a sample run report node states with output shapes', async () => {
  const p = await pneumonia();
  const view = openView(p, `v${++views}`);
  const n = p.dataset!.splits.train.length;
  const upto = view.send({ type: 'run', mode: 'upto', step: 'rescale_1' });
  await view.until(m => m.type === 'ok' && m.seq === upto);
  const states = view.all().filter(m => m.type === 'run' && m.seq === upto);
  expect(states[0].nodes).toMatchObject({ rescale_1: { state: 'queued' } });
  expect(states.pop()!.nodes).toEqual({
    dataset: { state: 'done', shape: [n, 28, 28, 1] },
    rescale_1: { state: 'done', shape: [n, 28, 28, 1] }
  });
  const sample = view.send({ type: 'run', mode: 'sample', samples: 4 });
  await view.until(m => m.type === 'ok' && m.seq === sample);
  const last = view
    .all()
    .filter(m => m.type === 'run' && m.seq === sample)
    .pop()!;
  expect(last).toMatchObject({
    done: true,
    nodes: { resize_1: { state: 'done', shape: [4, 32, 32, 1] } }
  });
});

test('a whole run from the graph trains and marks the network and training nodes', async () => {
  const p = new Pipeline({ name: 'run-all', seed: 2 })
    .input(evenSubset(await loadBuiltin('pneumoniamnist'), 64))
    .add('rescale')
    .network(smallCnn({ classes: 2 }))
    .training({ epochs: 1, batch_size: 32 });
  const view = openView(p, `v${++views}`);
  const run = view.send({ type: 'run', mode: 'all' });
  // One run per view at a time.
  const again = view.send({ type: 'run', mode: 'sample' });
  expect(await view.until(m => m.type === 'error' && m.seq === again)).toMatchObject({
    message: 'a run started from this view is still going'
  });
  await view.until(m => (m.type === 'ok' || m.type === 'error') && m.seq === run);
  const reports = view.all().filter(m => m.type === 'run' && m.seq === run);
  expect(reports.some(m => m.nodes.training?.state === 'running')).toBe(true);
  const last = reports.pop()!;
  expect(last).toMatchObject({
    done: true,
    nodes: {
      dataset: { state: 'done', shape: [64, 28, 28, 1] },
      rescale_1: { state: 'done', shape: [64, 28, 28, 1] },
      network: { state: 'done' },
      training: { state: 'done' }
    },
    metrics: { val: { accuracy: expect.any(Number) } }
  });
}, 120_000);

test('"View layers" opens a layer builder whose valid edits become the pipeline’s network', async () => {
  const p = (await pneumonia()).network(smallCnn({ classes: 2, filters: 4, blocks: 1 }));
  const view = openView(p, `layers-${++views}`);
  const noNet = openView(await pneumonia(), `layers-${++views}`);
  const refused = noNet.send({ type: 'open-network' });
  expect((await noNet.until(m => m.type === 'error' && m.seq === refused)).message).toBe(
    "pipeline 'graph' has no network: call .network(doc) first"
  );

  const s = view.send({ type: 'open-network' });
  const opened = await view.until(m => m.type === 'network' && m.seq === s);
  expect(opened.live.target).toBe('medflow.network');
  expect(opened.state.network.layers).toEqual(p.toJSON().network!.layers);

  // The layer builder's own view of it, as the builder widget opens it.
  const builderComm = `builder-${++views}`;
  deliver('comm_open', {
    comm_id: builderComm,
    target_name: opened.live.target,
    data: { id: opened.live.id }
  });
  const network = structuredClone(opened.state.network);
  const conv = network.layers.find((l: Data) => l.type === 'Conv2D');
  conv.params.filters = 12;
  deliver('comm_msg', { comm_id: builderComm, data: { type: 'replace', network } });
  const conv2d = p.toJSON().network!.layers.find(l => l.id === conv.id)!;
  expect(conv2d.params.filters).toBe(12);
  // The pipeline keeps its network's name; its graph views hear of the change.
  expect(p.toJSON().network!.name).toBe('small_cnn');
  expect(opened.state.network.name).toBe('graph-network');
  // Shapes are checked against what the pipeline feeds the network (resized to 32×32).
  expect(opened.state.check.ok).toBe(true);
  await view.until(
    m => m.type === 'state' && m.state.doc.network.layers.some((l: Data) => l.params.filters === 12)
  );

  // An edit that does not validate (a 64×64 kernel on 32×32 images) stays in the builder: the
  // pipeline keeps the last valid network.
  const broken = structuredClone(network);
  Object.assign(broken.layers.find((l: Data) => l.id === conv.id).params, {
    kernel_size: 64,
    padding: 'valid'
  });
  deliver('comm_msg', { comm_id: builderComm, data: { type: 'replace', network: broken } });
  const states = received.get(builderComm)!.filter(m => m.type === 'state');
  expect(states[states.length - 1].state.check.ok).toBe(false);
  expect(p.toJSON().network!.layers.find(l => l.id === conv.id)!.params).toMatchObject({
    filters: 12,
    kernel_size: network.layers.find((l: Data) => l.id === conv.id).params.kernel_size
  });
});

test('the palette lists built-in and saved networks; one chosen there becomes the network', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'medflow-home-'));
  const before = process.env.MEDFLOW_HOME;
  process.env.MEDFLOW_HOME = home;
  try {
    const p = await pneumonia();
    const view = openView(p, `networks-${++views}`);
    const catalogs = () => view.all().filter(m => m.type === 'modules');
    expect(catalogs()[0].networks.map((n: Data) => `${n.source}:${n.name}`)).toEqual([
      'builtin:small_cnn',
      'builtin:vgg',
      'builtin:resnet18',
      'builtin:mobilenet_v2'
    ]);
    // A save (the layer builder's Save, or builder.save() in a cell) reaches open palettes.
    saveUserNetwork({ ...smallCnn({ classes: 2 }), name: 'my_cnn' });
    expect(catalogs()).toHaveLength(2);
    expect(catalogs()[1].networks).toContainEqual(
      expect.objectContaining({ name: 'my_cnn', source: 'my' })
    );

    const mine = view.send({ type: 'set-network', name: 'my_cnn', source: 'my' });
    await view.until(m => m.type === 'ok' && m.seq === mine);
    expect(p.toJSON().network!.name).toBe('my_cnn');
    expect(view.lastState().network.name).toBe('my_cnn');
    // A built-in one takes its number of classes from the pipeline's dataset.
    const resnet = view.send({ type: 'set-network', name: 'resnet18', source: 'builtin' });
    await view.until(m => m.type === 'ok' && m.seq === resnet);
    const logits = p.toJSON().network!.layers.find(l => l.id === 'logits')!;
    expect(logits.params.units).toBe(2);

    // Undo in the widget sends the earlier network back whole; null removes it.
    const back = view.send({ type: 'replace-network', network: smallCnn({ classes: 2 }) });
    await view.until(m => m.type === 'ok' && m.seq === back);
    expect(p.toJSON().network!.name).toBe('small_cnn');
    const none = view.send({ type: 'replace-network', network: null });
    await view.until(m => m.type === 'ok' && m.seq === none);
    expect(p.toJSON().network).toBeNull();
    const broken = view.send({ type: 'replace-network', network: { name: 'x' } });
    expect((await view.until(m => m.type === 'error' && m.seq === broken)).message).toMatch(
      /^network: /
    );
    expect(p.toJSON().network).toBeNull();
    const again = view.send({ type: 'set-network', name: 'resnet18', source: 'builtin' });
    await view.until(m => m.type === 'ok' && m.seq === again);

    const missing = view.send({ type: 'set-network', name: 'nope', source: 'my' });
    expect((await view.until(m => m.type === 'error' && m.seq === missing)).message).toMatch(
      /no saved network 'nope'/
    );
    const bad = view.send({ type: 'set-network', name: 'x', source: 'somewhere' });
    expect((await view.until(m => m.type === 'error' && m.seq === bad)).message).toMatch(
      /message refused: source must be one of "builtin", "my" \(got "somewhere"\)/
    );
    expect(p.toJSON().network!.layers.find(l => l.id === 'logits')).toBeDefined();
  } finally {
    if (before === undefined) delete process.env.MEDFLOW_HOME;
    else process.env.MEDFLOW_HOME = before;
    rmSync(home, { recursive: true, force: true });
  }
});
