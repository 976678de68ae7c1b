import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NetworkDocument } from '../../schema/documents';
import {
  addLayer,
  connect,
  disconnect,
  formatShape,
  formSchema,
  initialParams,
  layout,
  paletteGroups,
  readNetworkState,
  removeLayers,
  setLayerParams,
  UndoStack,
  type CatalogLayer
} from './model';

// The catalog file the kernel's mf.networks.layers() is checked against (catalog.test.ts).
const catalog = (
  JSON.parse(readFileSync(path.join(__dirname, '../../schema/layers/catalog.json'), 'utf8')) as {
    layers: CatalogLayer[];
  }
).layers;
const layer = (type: string) => catalog.find(l => l.type === type)!;

function start(): NetworkDocument {
  return {
    version: 1,
    name: 'n',
    inputs: ['input'],
    layers: [{ id: 'input', type: 'Input', params: { shape: [28, 28, 1] }, inputs: [] }],
    outputs: ['input']
  };
}

test('the palette groups the catalog by category in building order', () => {
  const groups = paletteGroups(catalog);
  expect(groups.map(g => g.category)).toEqual([
    'Input',
    'Convolution',
    'Pooling',
    'Normalization',
    'Activation',
    'Regularization',
    'Core',
    'Merge',
    'Reshaping'
  ]);
  expect(groups.find(g => g.category === 'Merge')!.layers.map(l => l.type)).toContain(
    'Concatenate'
  );
  expect(groups.find(g => g.category === 'Core')!.layers.map(l => l.type)).toEqual(['Dense']);
});

test('new layers start with their required parameters', () => {
  expect(initialParams(layer('Conv2D'))).toEqual({ filters: 16, kernel_size: 3 });
  expect(initialParams(layer('Dense'))).toEqual({ units: 2 });
  expect(initialParams(layer('MaxPooling2D'))).toEqual({});
});

test('drop, connect, rewire, branch into a merge; outputs follow the sinks', () => {
  let doc = start();
  const conv = addLayer(doc, layer('Conv2D'));
  doc = conv.doc;
  expect(conv.id).toBe('conv2d_1');
  expect(doc.outputs).toEqual(['input', 'conv2d_1']);
  doc = (connect(doc, 'input', 'conv2d_1', catalog) as { doc: NetworkDocument }).doc;
  expect(doc.outputs).toEqual(['conv2d_1']);

  // A one-input layer is rewired, not given a second input.
  const pool = addLayer(doc, layer('MaxPooling2D'));
  doc = (connect(pool.doc, 'input', pool.id, catalog) as { doc: NetworkDocument }).doc;
  doc = (connect(doc, 'conv2d_1', pool.id, catalog) as { doc: NetworkDocument }).doc;
  expect(doc.layers.find(l => l.id === pool.id)!.inputs).toEqual(['conv2d_1']);

  // Merge layers collect inputs.
  const add = addLayer(doc, layer('Add'));
  doc = (connect(add.doc, 'input', add.id, catalog) as { doc: NetworkDocument }).doc;
  doc = (connect(doc, 'conv2d_1', add.id, catalog) as { doc: NetworkDocument }).doc;
  expect(doc.layers.find(l => l.id === add.id)!.inputs).toEqual(['input', 'conv2d_1']);

  expect(connect(doc, 'conv2d_1', 'input', catalog)).toEqual({ refused: 'Input takes no inputs' });
  expect(connect(doc, add.id, add.id, catalog)).toEqual({ refused: 'a layer cannot feed itself' });
  expect(connect(doc, 'input', add.id, catalog)).toEqual({
    refused: `input already feeds ${add.id}`
  });

  doc = disconnect(doc, 'input', add.id);
  expect(doc.layers.find(l => l.id === add.id)!.inputs).toEqual(['conv2d_1']);
  doc = removeLayers(doc, ['conv2d_1']);
  expect(doc.layers.map(l => [l.id, l.inputs])).toEqual([
    ['input', []],
    [pool.id, []],
    [add.id, []]
  ]);
  doc = setLayerParams(doc, pool.id, { pool_size: 3, strides: undefined });
  expect(doc.layers.find(l => l.id === pool.id)!.params).toEqual({ pool_size: 3 });
});

test('undo and redo walk whole documents; a new edit clears redo', () => {
  const stack = new UndoStack<string>();
  stack.push('a');
  stack.push('b');
  expect(stack.undo('c')).toBe('b');
  expect(stack.undo('b')).toBe('a');
  expect(stack.canUndo).toBe(false);
  expect(stack.redo('a')).toBe('b');
  stack.push('b');
  expect(stack.canRedo).toBe(false);
  expect(stack.undo('x')).toBe('b');
});

test('layout: layers by depth, branches side by side, user-placed layers stay', () => {
  let doc = start();
  doc = addLayer(doc, layer('Conv2D')).doc;
  doc = addLayer(doc, layer('Conv2D')).doc;
  doc = (connect(doc, 'input', 'conv2d_1', catalog) as { doc: NetworkDocument }).doc;
  doc = (connect(doc, 'input', 'conv2d_2', catalog) as { doc: NetworkDocument }).doc;
  const pos = layout(doc, new Map([['input', { x: 5, y: 7 }]]));
  expect(pos.get('input')).toEqual({ x: 5, y: 7 });
  expect(pos.get('conv2d_1')!.y).toBe(pos.get('conv2d_2')!.y);
  expect(pos.get('conv2d_1')!.x).toBeLessThan(pos.get('conv2d_2')!.x);
  expect(formatShape([26, 26, 4])).toBe('26×26×4');
  expect(formatShape(undefined)).toBe('?');
});

test('states from the kernel are checked', () => {
  const check = {
    ok: true,
    problems: [],
    layers: {},
    params: { trainable: 0, nonTrainable: 0, total: 0 }
  };
  expect(readNetworkState({ network: start(), check, origin: 'new' }).ok).toBe(true);
  expect(readNetworkState({ network: { layers: 'x' }, check })).toEqual({
    ok: false,
    reason: 'the network document is missing or malformed'
  });
});

test('the form shows a multi-type parameter with the type of its value', () => {
  const conv = formSchema(layer('Conv2D'), { filters: 4, kernel_size: 3 });
  const props = conv.properties as Record<string, Record<string, unknown>>;
  expect(props.kernel_size.type).toBe('integer');
  expect(props.kernel_size.items).toBeUndefined();
  expect(props.kernel_size.description).toMatch(/Height a/);
  const pair = formSchema(layer('Conv2D'), { filters: 4, kernel_size: [3, 5] });
  expect((pair.properties as Record<string, Record<string, unknown>>).kernel_size.type).toBe(
    'array'
  );
  const input = formSchema(layer('Input'), { shape: null });
  expect((input.properties as Record<string, Record<string, unknown>>).shape.type).toBe('array');
  expect(conv.required).toEqual(['filters', 'kernel_size']);
});
