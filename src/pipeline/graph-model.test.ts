import type { PipelineDocument } from '../../schema/documents';
import {
  formatValue,
  inputShapeOf,
  pipelineToGraph,
  readPipelineDocument,
  summarizeParams
} from './graph-model';

/** A pipeline as the quickstart notebook builds it: PneumoniaMNIST → rescale → resize → CNN. */
function quickstart(): PipelineDocument {
  return {
    version: 1,
    name: 'pneumonia-cnn',
    seed: 42,
    dataset: {
      name: 'pneumoniamnist',
      source: 'builtin',
      shape: [28, 28, 1],
      classes: ['normal', 'pneumonia'],
      splits: { train: 4708, val: 524, test: 624 }
    },
    steps: [
      { id: 'rescale1', module: 'rescale', params: { scale: 1 / 255, offset: 0 } },
      { id: 'resize1', module: 'resize', params: { size: [64, 64], interpolation: 'bilinear' } }
    ],
    network: {
      version: 1,
      name: 'small-cnn',
      inputs: ['in'],
      layers: [
        { id: 'in', type: 'Input', params: { shape: [64, 64, 1] }, inputs: [] },
        { id: 'c1', type: 'Conv2D', params: { filters: 16, kernelSize: 3 }, inputs: ['in'] },
        { id: 'f', type: 'Flatten', params: {}, inputs: ['c1'] },
        { id: 'out', type: 'Dense', params: { units: 2 }, inputs: ['f'] }
      ],
      outputs: ['out']
    },
    training: { epochs: 3, batch_size: 32, optimizer: { name: 'adam', lr: 0.001 } }
  };
}

function field(graph: ReturnType<typeof pipelineToGraph>, nodeId: string, key: string) {
  const node = graph.nodes.find(n => n.id === nodeId);
  return node?.fields.find(f => f.key === key)?.value;
}

describe('pipelineToGraph', () => {
  it('chains dataset → each step → network → training', () => {
    const graph = pipelineToGraph(quickstart());
    expect(graph.name).toBe('pneumonia-cnn');
    expect(graph.nodes.map(n => n.id)).toEqual([
      'dataset',
      'step-rescale1',
      'step-resize1',
      'network',
      'training'
    ]);
    expect(graph.nodes.map(n => n.kind)).toEqual([
      'dataset',
      'step',
      'step',
      'network',
      'training'
    ]);
    expect(graph.edges.map(e => [e.source, e.target])).toEqual([
      ['dataset', 'step-rescale1'],
      ['step-rescale1', 'step-resize1'],
      ['step-resize1', 'network'],
      ['network', 'training']
    ]);
    expect(new Set(graph.edges.map(e => e.id)).size).toBe(graph.edges.length);
  });

  it('describes the dataset by name, classes and split counts', () => {
    const graph = pipelineToGraph(quickstart());
    const dataset = graph.nodes[0];
    expect(dataset.title).toBe('pneumoniamnist');
    expect(dataset.missing).toBe(false);
    expect(field(graph, 'dataset', 'classes')).toBe('normal, pneumonia');
    expect(field(graph, 'dataset', 'splits')).toBe('train 4708 · val 524 · test 624');
    expect(field(graph, 'dataset', 'shape')).toBe('28×28×1');
  });

  it('shows each step as its module with a summary of its parameters', () => {
    const graph = pipelineToGraph(quickstart());
    const resize = graph.nodes.find(n => n.id === 'step-resize1')!;
    expect(resize.title).toBe('resize');
    expect(resize.fields).toEqual([
      { kind: 'param', key: 'size', value: '64×64' },
      { kind: 'param', key: 'interpolation', value: 'bilinear' }
    ]);
    expect(field(graph, 'step-rescale1', 'scale')).toBe('0.003922');
  });

  it('describes the network by name, layer count and input shape', () => {
    const graph = pipelineToGraph(quickstart());
    const network = graph.nodes.find(n => n.id === 'network')!;
    expect(network.title).toBe('small-cnn');
    expect(field(graph, 'network', 'layers')).toBe('4');
    expect(field(graph, 'network', 'input')).toBe('64×64×1');
  });

  it('says when the network takes its input shape from the data', () => {
    const doc = quickstart();
    doc.network!.layers[0].params = { shape: null };
    const network = pipelineToGraph(doc).nodes.find(n => n.id === 'network')!;
    expect(network.fields).toEqual([
      { kind: 'property', key: 'layers', value: '4' },
      { kind: 'property', key: 'inputFromData', value: '' }
    ]);
  });

  it('describes training by epochs, batch size and optimizer', () => {
    const graph = pipelineToGraph(quickstart());
    expect(field(graph, 'training', 'epochs')).toBe('3');
    expect(field(graph, 'training', 'batchSize')).toBe('32');
    expect(field(graph, 'training', 'optimizer')).toBe('adam');
    expect(field(graph, 'training', 'learningRate')).toBe('0.001');
  });

  it('keeps a node for a dataset and a network that are not set yet', () => {
    const doc: PipelineDocument = {
      ...quickstart(),
      dataset: null,
      network: null,
      steps: [],
      training: {}
    };
    const graph = pipelineToGraph(doc);
    expect(graph.nodes.map(n => [n.id, n.missing])).toEqual([
      ['dataset', true],
      ['network', true],
      ['training', false]
    ]);
    expect(graph.nodes[0].fields).toEqual([]);
    expect(graph.nodes[2].fields).toEqual([]);
    expect(graph.edges.map(e => [e.source, e.target])).toEqual([
      ['dataset', 'network'],
      ['network', 'training']
    ]);
  });

  it('lays nodes out left to right without overlap, centred on one axis', () => {
    const graph = pipelineToGraph(quickstart(), { direction: 'LR' });
    expect(graph.direction).toBe('LR');
    for (let i = 1; i < graph.nodes.length; i++) {
      const prev = graph.nodes[i - 1];
      const node = graph.nodes[i];
      expect(node.position.x).toBeGreaterThanOrEqual(prev.position.x + prev.width);
      // Centres share the horizontal axis y = 0.
      expect(node.position.y + node.height / 2).toBeCloseTo(0);
    }
  });

  it('lays nodes out top to bottom without overlap, on one vertical axis', () => {
    const graph = pipelineToGraph(quickstart(), { direction: 'TB', gap: 30 });
    expect(graph.direction).toBe('TB');
    for (let i = 1; i < graph.nodes.length; i++) {
      const prev = graph.nodes[i - 1];
      const node = graph.nodes[i];
      expect(node.position.y).toBe(prev.position.y + prev.height + 30);
      expect(node.position.x).toBe(prev.position.x);
    }
  });

  it('makes repeated step ids unique so that every node can be addressed', () => {
    const doc = quickstart();
    doc.steps = [
      { id: 'a', module: 'rescale', params: {} },
      { id: 'a', module: 'resize', params: {} }
    ];
    const ids = pipelineToGraph(doc).nodes.map(n => n.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('parameter summaries', () => {
  it('lists a few parameters and counts the rest', () => {
    const fields = summarizeParams({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 4);
    expect(fields.map(f => `${f.key}=${f.value}`)).toEqual(['a=1', 'b=2', 'c=3', 'more=3']);
    expect(fields[3].kind).toBe('property');
  });

  it('formats values compactly and cuts long ones', () => {
    expect(formatValue([3, 3])).toBe('3×3');
    expect(formatValue(['same', 1])).toBe('[same, 1]');
    expect(formatValue({ min: 0, max: 1 })).toBe('{min: 0, max: 1}');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    const [long] = summarizeParams({ note: 'x'.repeat(100) });
    expect(long.value.length).toBe(32);
    expect(long.value.endsWith('…')).toBe(true);
  });

  it('finds the input shape in the spellings Keras-style documents use', () => {
    expect(inputShapeOf({ shape: [28, 28, 1] })).toEqual([28, 28, 1]);
    expect(inputShapeOf({ inputShape: [32] })).toEqual([32]);
    expect(inputShapeOf({ batchInputShape: [null, 64, 64, 3] })).toEqual([64, 64, 3]);
    expect(inputShapeOf({ units: 3 })).toBeNull();
  });
});

describe('readPipelineDocument', () => {
  it('accepts a pipeline document', () => {
    const result = readPipelineDocument(JSON.parse(JSON.stringify(quickstart())));
    expect(result.ok).toBe(true);
  });

  it('fills a missing training object so older outputs still render', () => {
    const raw: Record<string, unknown> = { ...quickstart() };
    delete raw.training;
    const result = readPipelineDocument(raw);
    expect(result.ok && result.doc.training).toEqual({});
  });

  it.each([
    ['not an object', 'pipeline'],
    ['another version', { ...quickstart(), version: 2 }],
    ['steps missing', { ...quickstart(), steps: undefined }],
    ['a step without module', { ...quickstart(), steps: [{ id: 'x', params: {} }] }],
    ['a network without layers', { ...quickstart(), network: { name: 'n' } }]
  ])('rejects %s with a reason', (_label, value) => {
    const result = readPipelineDocument(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });
});
