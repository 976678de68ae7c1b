import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadBuiltin } from '../data/builtin';
import { MIME_BUNDLE } from '../mimebundle';
import { smallCnn } from '../networks/small_cnn';
import { packageRoot } from '../data/builtin';
import { Pipeline, pipelineFromJSON, PIPELINE_MIME } from './pipeline';
import { applySteps, preprocess } from './preprocess';

/** A fresh, independent ajv with both schemas, as the browser side would validate. */
function schemaValidator() {
  const ajv = new Ajv({ strict: false });
  const read = (f: string) =>
    JSON.parse(readFileSync(path.join(packageRoot(), 'schema', f), 'utf8'));
  ajv.addSchema(read('network.schema.json'));
  return ajv.compile(read('pipeline.schema.json'));
}

async function quickstart() {
  const data = await loadBuiltin('pneumoniamnist');
  return mfPipeline()
    .input(data)
    .add('rescale')
    .add('resize', { height: 32, width: 32 })
    .network(smallCnn({ classes: 2 }))
    .training({ epochs: 3, batch_size: 64, optimizer: { name: 'adam', lr: 1e-3 } });
}
const mfPipeline = () => new Pipeline({ name: 'pneumonia', seed: 42 });

test('toJSON() is a pipeline document valid against the schema (which $refs the network schema)', async () => {
  const doc = (await quickstart()).toJSON();
  const validate = schemaValidator();
  expect(validate(doc)).toBe(true);
  expect(doc).toMatchObject({
    version: 1,
    name: 'pneumonia',
    seed: 42,
    dataset: {
      name: 'pneumoniamnist',
      source: 'builtin',
      shape: [28, 28],
      classes: ['normal', 'pneumonia']
    },
    steps: [
      { id: 'rescale_1', module: 'rescale', params: { min: 0, max: 1 } },
      {
        id: 'resize_1',
        module: 'resize',
        params: { height: 32, width: 32, interpolation: 'bilinear' }
      }
    ],
    training: { epochs: 3, batch_size: 64, optimizer: { name: 'adam', lr: 1e-3 } }
  });
  expect(doc.network!.name).toBe('small_cnn');
  // A broken network is caught by the same schema.
  expect(validate({ ...doc, network: { ...doc.network, layers: 'none' } })).toBe(false);
  expect(validate(mfPipeline().toJSON())).toBe(true);
});

test('displays as a short summary plus the pipeline document for the graph widget', async () => {
  const p = await quickstart();
  const bundle = p[MIME_BUNDLE]();
  expect(Object.keys(bundle)).toEqual(['text/plain', PIPELINE_MIME]);
  expect(PIPELINE_MIME).toBe('application/vnd.medflow.pipeline+json');
  // The document, plus where the live widget reaches this pipeline in the kernel.
  expect(bundle[PIPELINE_MIME]).toEqual({
    ...p.toJSON(),
    live: { target: 'medflow.pipeline', id: expect.any(String) }
  });
  expect((bundle['text/plain'] as string).split('\n')).toEqual([
    "Pipeline 'pneumonia' (seed 42)",
    '  dataset   pneumoniamnist (builtin, 28×28, 2 classes)',
    '  1. rescale {min: 0, max: 1}',
    '  2. resize {height: 32, width: 32, interpolation: "bilinear"}',
    '  network   small_cnn (15 layers)',
    '  training  epochs 3, batch_size 64, adam (lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7)'
  ]);
});

test('pipelineFromJSON() round-trips, and re-validates hand-edited documents', async () => {
  const doc = (await quickstart()).toJSON();
  expect(pipelineFromJSON(doc).toJSON()).toEqual(doc);
  const edited = structuredClone(doc);
  edited.steps[1].params = { height: 16 };
  expect(pipelineFromJSON(edited).toJSON().steps[1].params).toEqual({
    height: 16,
    width: 64,
    interpolation: 'bilinear'
  });
  edited.steps[1].params = { height: -1 };
  expect(() => pipelineFromJSON(edited)).toThrow('resize: height must be >= 1 (got -1)');
  expect(() => pipelineFromJSON({ ...doc, version: 2 } as never)).toThrow(
    /invalid pipeline document: version/
  );
});

test('builder methods refuse bad input in the cell that gives it', () => {
  const p = mfPipeline();
  expect(() => p.add('resize', { height: 0 })).toThrow('resize: height must be >= 1 (got 0)');
  expect(() => p.add('sharpen_more')).toThrow("unknown module 'sharpen_more'");
  expect(() => p.training({ epochs: 0 })).toThrow(
    'training: epochs must be an integer >= 1 (got 0)'
  );
  expect(() => p.training({ optimizer: { name: 'lamb' } })).toThrow(
    'training: optimizer must be one of sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta (got "lamb")'
  );
  expect(() => p.training({ optimizer: { name: 'adam', lr: 0 } })).toThrow(
    'training: optimizer adam: lr must be in (0, 10) (got 0)'
  );
  expect(() =>
    p.network({ version: 1, name: 'x', inputs: [], layers: [], outputs: ['y'] })
  ).toThrow('network: inputs must NOT have fewer than 1 items');
  expect(p.toJSON().steps).toEqual([]);
  return expect(p.train()).rejects.toThrow(
    "pipeline 'pneumonia' has no network: call .network(doc) first"
  );
});

test('step ids stay unique; preprocessing is cached per dataset and steps', async () => {
  const p = (await quickstart()).add('resize', { height: 16, width: 16 });
  expect(p.toJSON().steps.map(s => s.id)).toEqual(['rescale_1', 'resize_1', 'resize_2']);
  const ds = p.dataset!;
  const steps = p.toJSON().steps;
  const a = preprocess(ds, steps);
  expect(a.train.shape).toEqual([16, 16, 1]);
  expect(a.val.labels).toEqual(ds.val.labels);
  expect(a.train.x.length).toBe(3882 * 256);
  expect(preprocess(ds, structuredClone(steps))).toBe(a);
  // Only the 4 most recently used step lists stay cached.
  const small = (n: number) => [
    { id: 'r', module: 'resize', params: { height: n, width: n, interpolation: 'nearest' } }
  ];
  const first = preprocess(ds, small(4));
  for (const n of [5, 6, 7]) preprocess(ds, small(n));
  expect(preprocess(ds, small(4))).toBe(first);
  for (const n of [5, 6, 7, 8]) preprocess(ds, small(n));
  expect(preprocess(ds, small(4))).not.toBe(first);
  // The packed block holds exactly what the steps produce for each item.
  const one = applySteps(ds.test.get(9), steps)!;
  expect(Array.from(a.test.x.subarray(9 * 256, 10 * 256))).toEqual(
    Array.from(one.image.array.data as Float32Array)
  );
});
