import type { PipelineDocument } from '../../schema/documents';
import {
  connectAsMove,
  describeParam,
  EditHistory,
  editedPart,
  groupModules,
  insertIndexForEdge,
  insertIndexForPoint,
  issuesByNode,
  moveIndexForPoint,
  listPaletteNetworks,
  readLiveState,
  type ModuleInfo,
  type NetworkInfo
} from './editor-model';

const doc: PipelineDocument = {
  version: 1,
  name: 'p',
  seed: 0,
  dataset: { name: 'pneumoniamnist', source: 'builtin' },
  steps: [
    { id: 'a', module: 'rescale', params: {} },
    { id: 'b', module: 'resize', params: { height: 32 } },
    { id: 'c', module: 'invert', params: {} }
  ],
  network: null,
  training: {}
};

const mod = (
  name: string,
  category: string,
  origin: 'builtin' | 'user' = 'builtin'
): ModuleInfo => ({
  name,
  category,
  origin,
  description: `${name} description`,
  dimension: 2,
  modality: ['any'],
  params: { type: 'object', properties: {} }
});

test('the palette puts the user modules first, then categories in order, and searches', () => {
  const modules = [
    mod('zoom', 'Augmentation'),
    mod('my_denoise', 'Advanced', 'user'),
    mod('resize', 'General'),
    mod('gamma_correction', 'Grayscale'),
    mod('crop', 'General')
  ];
  expect(groupModules(modules).map(g => [g.category, g.modules.map(m => m.name)])).toEqual([
    [null, ['my_denoise']],
    ['General', ['crop', 'resize']],
    ['Grayscale', ['gamma_correction']],
    ['Augmentation', ['zoom']]
  ]);
  expect(groupModules(modules, 'GAMMA corr').map(g => g.modules.map(m => m.name))).toEqual([
    ['gamma_correction']
  ]);
  expect(groupModules(modules, 'augmentation')[0].modules[0].name).toBe('zoom');
  expect(groupModules(modules, 'nothing like it')).toEqual([]);
});

test('a dropped module goes before the edge target, or among the steps by position', () => {
  expect(insertIndexForEdge(doc, 'step-b')).toBe(1);
  expect(insertIndexForEdge(doc, 'step-a')).toBe(0);
  expect(insertIndexForEdge(doc, 'network')).toBe(3);
  expect(insertIndexForPoint([100, 300, 500], 50)).toBe(0);
  expect(insertIndexForPoint([100, 300, 500], 350)).toBe(2);
  expect(insertIndexForPoint([100, 300, 500], 900)).toBe(3);
  // Dragging step a past b's centre puts it after b.
  expect(moveIndexForPoint(doc, 'a', [100, 300, 500], 350)).toBe(1);
  expect(moveIndexForPoint(doc, 'c', [100, 300, 500], 10)).toBe(0);
});

test('a new connection in the chain is a move; cycles and edges into the dataset are refused', () => {
  expect(connectAsMove(doc, 'step-c', 'step-a')).toEqual({
    ok: true,
    command: { type: 'move', step: 'a', to: 2 }
  });
  expect(connectAsMove(doc, 'dataset', 'step-c')).toEqual({
    ok: true,
    command: { type: 'move', step: 'c', to: 0 }
  });
  expect(connectAsMove(doc, 'step-a', 'network')).toEqual({
    ok: true,
    command: { type: 'move', step: 'a', to: 2 }
  });
  expect(connectAsMove(doc, 'step-a', 'step-b')).toEqual({ ok: true, command: null });
  expect(connectAsMove(doc, 'step-b', 'step-b')).toEqual({ ok: false, reason: 'self' });
  expect(connectAsMove(doc, 'step-b', 'dataset')).toEqual({ ok: false, reason: 'into-dataset' });
  expect(connectAsMove(doc, 'network', 'step-a')).toEqual({ ok: false, reason: 'from-end' });
  expect(connectAsMove(doc, 'step-c', 'training')).toEqual({ ok: false, reason: 'into-training' });
});

test('undo and redo restore whole step lists, and a new edit clears redo', () => {
  const history = new EditHistory();
  expect(history.undo(doc)).toBeNull();
  const before = doc.steps;
  history.record(doc);
  const after = { ...doc, steps: before.slice(1) };
  const undo = history.undo(after);
  expect(undo).toEqual({ type: 'replace-steps', steps: before });
  expect(history.canRedo).toBe(true);
  expect(history.redo(doc)).toEqual({ type: 'replace-steps', steps: after.steps });
  history.record(after);
  expect(history.canRedo).toBe(false);
  expect(history.canUndo).toBe(true);

  // A network chosen in the palette is undone as a network: back to none, then redone.
  const network = {
    version: 1 as const,
    name: 'mine',
    inputs: ['input'],
    layers: [{ id: 'input', type: 'Input', params: { shape: null }, inputs: [] }],
    outputs: ['input']
  };
  const command = { type: 'set-network', name: 'mine', source: 'my' } as const;
  expect(editedPart(command)).toBe('network');
  expect(editedPart({ type: 'remove', step: 'a' })).toBe('steps');
  history.record(doc, editedPart(command));
  const withNetwork = { ...doc, network };
  expect(history.undo(withNetwork)).toEqual({ type: 'replace-network', network: null });
  expect(history.redo(doc)).toEqual({ type: 'replace-network', network });
  // The steps entry below it is still there.
  expect(history.undo(withNetwork)).toEqual({ type: 'replace-network', network: null });
  expect(history.undo(doc)).toEqual({ type: 'replace-steps', steps: after.steps });
});

test('issues are keyed by graph node, parameter hovers say the constraint', () => {
  expect(
    issuesByNode([
      { node: 'b', message: 'crop too large' },
      { node: 'network', message: 'no network' }
    ])
  ).toEqual(
    new Map([
      ['step-b', ['crop too large']],
      ['network', ['no network']]
    ])
  );
  expect(
    describeParam({
      type: 'integer',
      minimum: 1,
      maximum: 4096,
      default: 28,
      description: 'Height.'
    })
  ).toBe('Height. (integer, 1 … 4096, default 28)');
  expect(describeParam({ type: 'number', exclusiveMinimum: 0, description: 'Gamma.' })).toBe(
    'Gamma. (number, >0 … ∞)'
  );
  expect(describeParam({ enum: ['a', 'b'], description: 'Mode.' })).toBe('Mode. (one of "a", "b")');
  expect(readLiveState({ doc })).toEqual({ doc });
  expect(readLiveState({ doc: { steps: 'x' } })).toBeUndefined();
});

test('the palette lists the user’s networks first and filters networks by the search words', () => {
  const networks: NetworkInfo[] = [
    { name: 'small_cnn', description: 'A small CNN.', source: 'builtin' },
    { name: 'resnet18', description: 'ResNet-18 for small images.', source: 'builtin' },
    { name: 'my_unet', description: 'Saved in My networks.', source: 'my' }
  ];
  expect(listPaletteNetworks(networks).map(n => n.name)).toEqual([
    'my_unet',
    'small_cnn',
    'resnet18'
  ]);
  expect(listPaletteNetworks(networks, 'small images').map(n => n.name)).toEqual(['resnet18']);
  expect(listPaletteNetworks(networks, 'small').map(n => n.name)).toEqual([
    'small_cnn',
    'resnet18'
  ]);
  expect(listPaletteNetworks(networks, 'network').length).toBe(3);
  expect(listPaletteNetworks(networks, 'vgg')).toEqual([]);
});
