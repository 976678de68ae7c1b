import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mf from '../index';
import { MIME_BUNDLE } from '../mimebundle';
import type { NetworkViewState } from './builder-editor';

let home: string;
const previousHome = process.env.MEDFLOW_HOME;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'medflow-home-'));
  process.env.MEDFLOW_HOME = home;
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  if (previousHome === undefined) delete process.env.MEDFLOW_HOME;
  else process.env.MEDFLOW_HOME = previousHome;
});

function smallNet() {
  const net = mf.networks.builder('tiny', { inputShape: [28, 28, 1] });
  net.add('Conv2D', { filters: 4, kernel_size: 3 });
  net.add('Activation', { activation: 'relu' });
  net.add('GlobalAveragePooling2D');
  net.add('Dense', { units: 2 });
  return net;
}

test('layers chain by default; shapes and weight counts come from shape inference', () => {
  const net = smallNet();
  expect(net.layers.map(l => [l.id, l.inputs])).toEqual([
    ['input', []],
    ['conv2d_1', ['input']],
    ['activation_1', ['conv2d_1']],
    ['globalaveragepooling2d_1', ['activation_1']],
    ['dense_1', ['globalaveragepooling2d_1']]
  ]);
  expect(net.outputs).toEqual(['dense_1']);
  const state = net.viewState();
  expect(state.check.ok).toBe(true);
  expect(state.check.layers.conv2d_1).toEqual({ output: [26, 26, 4], params: 40, problems: [] });
  expect(state.check.layers.dense_1.output).toEqual([2]);
  // 3·3·1·4 + 4 (conv) + 4·2 + 2 (dense)
  expect(state.check.params.total).toBe(40 + 10);
  expect(String(net)).toContain('conv2d_1 Conv2D ← input  → 26×26×4');
});

test('a residual branch: connect into Add, and the invalid layer carries its reason', () => {
  const net = mf.networks.builder('res', { inputShape: [8, 8, 3] });
  const a = net.add('Conv2D', { filters: 3, kernel_size: 3, padding: 'same' });
  const add = net.add('Add', {}, { inputs: ['input', a] });
  expect(net.viewState().check.layers[add].output).toEqual([8, 8, 3]);
  expect(net.outputs).toEqual([add]);

  net.setParams(a, { filters: 5 });
  const check = net.viewState().check;
  expect(check.ok).toBe(false);
  expect(check.layers[add].problems.join(' ')).toMatch(/shape/);
  expect(check.layers[a].problems).toEqual([]);

  net.disconnect('input', add);
  expect(net.viewState().check.layers[add].problems).toEqual(['takes 2 or more inputs, has 1']);
  net.connect('input', add);
  expect(net.layers.find(l => l.id === add)!.inputs).toEqual([a, 'input']);
});

test('remove drops the layer and every connection to it', () => {
  const net = smallNet();
  net.remove('activation_1');
  expect(net.layers.find(l => l.id === 'globalaveragepooling2d_1')!.inputs).toEqual([]);
  const check = net.viewState().check;
  expect(check.layers.globalaveragepooling2d_1.problems[0]).toMatch(/takes exactly 1 input, has 0/);
  // The unconnected stump is an output candidate now too.
  expect(net.outputs).toEqual(['conv2d_1', 'dense_1']);
});

test('bad edits fail with the layer and the network named, and change nothing', () => {
  const net = smallNet();
  const before = net.toJSON();
  expect(() => net.add('Conv3D')).toThrow(
    /network tiny: unknown layer type 'Conv3D' \(known: .*Conv2D/
  );
  expect(() => net.connect('nope', 'dense_1')).toThrow("network tiny: no layer 'nope'");
  expect(() => net.connect('activation_1', 'globalaveragepooling2d_1')).toThrow(
    'activation_1 already feeds globalaveragepooling2d_1'
  );
  expect(() => net.add('Flatten', {}, { id: 'dense_1' })).toThrow(
    "a layer 'dense_1' exists already"
  );
  expect(net.toJSON()).toEqual(before);
  expect(() => mf.networks.builder('../evil')).toThrow(/network name '..\/evil' is not allowed/);
});

test('subscribers see every change; unsubscribe stops them', () => {
  const net = smallNet();
  const seen: NetworkViewState[] = [];
  const off = net.subscribe(s => seen.push(s));
  net.setParams('dense_1', { units: 3 });
  expect(seen).toHaveLength(1);
  expect(seen[0].check.layers.dense_1.output).toEqual([3]);
  off();
  net.setParams('dense_1', { units: 4 });
  expect(seen).toHaveLength(1);
});

test('save writes My networks under MEDFLOW_HOME; list and builder({from}) read it back', () => {
  const net = smallNet();
  const file = net.save();
  expect(file).toBe(path.join(home, 'networks', 'tiny.json'));
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(net.toJSON());
  expect(mf.networks.list().filter(n => n.source === 'my')).toEqual([
    { name: 'tiny', description: 'Saved in My networks.', source: 'my' }
  ]);
  expect(mf.networks.list().find(n => n.name === 'small_cnn')!.source).toBe('builtin');
  expect(mf.networks.load('tiny')).toEqual(net.toJSON());

  const copy = mf.networks.builder('tiny2', { from: 'tiny' });
  expect(copy.origin).toBe('saved');
  expect(copy.layers).toEqual(net.layers);
  expect(copy.name).toBe('tiny2');
});

test('built-ins are duplicated, never overwritten', () => {
  const net = mf.networks.builder('my_cnn', { from: 'small_cnn', options: { classes: 3 } });
  expect(net.origin).toBe('builtin');
  expect(net.toJSON().layers).toEqual(mf.networks.builtin('small_cnn', { classes: 3 }).layers);
  const named = mf.networks.builder('small_cnn', { from: 'small_cnn' });
  expect(() => named.save()).toThrow(/'small_cnn' is a built-in network/);
  expect(() => mf.networks.builder('x', { from: 'nothing' })).toThrow(
    /no network 'nothing': not a built-in .*small_cnn.* and not saved in My networks/
  );
});

test('a broken saved file is reported with its path', () => {
  mkdirSync(path.join(home, 'networks'), { recursive: true });
  const file = path.join(home, 'networks', 'broken.json');
  writeFileSync(file, '{"version": 1,');
  expect(() => mf.networks.load('broken')).toThrow(`${file}: not valid JSON`);
  writeFileSync(file, '{"version": 1, "name": "broken"}');
  expect(() => mf.networks.load('broken')).toThrow(new RegExp(`${file}: .*inputs`));
});

test('the builder is a network document: p.network(builder) takes it, the bundle shows it', () => {
  const net = smallNet();
  const p = mf.pipeline({ name: 'p' }).network(net);
  expect(p.toJSON().network).toEqual(net.toJSON());
  expect(JSON.parse(JSON.stringify(net))).toEqual(net.toJSON());
  const bundle = net[MIME_BUNDLE]();
  expect(bundle[mf.NETWORK_MIME]).toEqual({
    ...net.viewState(),
    live: { target: 'medflow.network', id: expect.any(String) }
  });
  // Later edits of the builder do not reach into the pipeline's copy.
  net.setParams('dense_1', { units: 5 });
  expect(p.toJSON().network!.layers.at(-1)!.params.units).toBe(2);
});

test('replace takes a whole document (the widget sends its edits, undo and redo this way)', () => {
  const net = smallNet();
  const doc = net.toJSON();
  doc.layers = doc.layers.slice(0, 2);
  doc.name = 'ignored';
  net.replace(doc);
  expect(net.name).toBe('tiny');
  expect(net.layers.map(l => l.id)).toEqual(['input', 'conv2d_1']);
  expect(net.outputs).toEqual(['conv2d_1']);
});

test('a built-in opened by name is read-only until duplicated', () => {
  const net = mf.networks.builder('small_cnn', { options: { classes: 2 } });
  expect(net.readonly).toBe(true);
  expect(net.viewState()).toMatchObject({ origin: 'builtin', readonly: true });
  expect(() => net.setParams('input', { shape: [8, 8, 1] })).toThrow(
    "the built-in network 'small_cnn' is read-only: duplicate it to edit"
  );
  const copy = net.duplicate('mine');
  copy.setParams('input', { shape: [8, 8, 1] });
  expect(net.layers[0].params.shape).toBeNull();

  const seen: string[] = [];
  net.subscribe(s => seen.push(`${s.network.name} ${s.readonly}`));
  expect(() => net.duplicateInPlace('vgg')).toThrow(/'vgg' is a built-in network/);
  net.duplicateInPlace('my_cnn').setParams('input', { shape: [8, 8, 1] });
  expect(seen).toEqual(['my_cnn false', 'my_cnn false']);
  expect(net.save()).toBe(path.join(home, 'networks', 'my_cnn.json'));
  // Opening a saved network by its name edits it.
  expect(mf.networks.builder('my_cnn').layers[0].params.shape).toEqual([8, 8, 1]);
});
