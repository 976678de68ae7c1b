/** The public API as a notebook cell meets it. */
import * as mf from './index';
import { MIME_BUNDLE } from './mimebundle';

test('mf.backend() starts the best backend and reports its label', async () => {
  const label = await mf.backend();
  expect(label).toMatch(/^(wasm \(\d+ threads?|tensorflow|cpu)/);
  expect(mf.backendInfo()!.label).toBe(label);
});

test('datasets, modules and networks are discoverable', async () => {
  expect(mf.datasets.list().map(d => d.name)).toEqual(['pneumoniamnist', 'breastmnist']);
  const data = await mf.datasets.load('breastmnist');
  expect(data).toBeInstanceOf(mf.Dataset);
  expect(data[MIME_BUNDLE]()['text/plain']).toContain('malignant');
  const names = mf.modules.list().map(m => m.name);
  expect(names).toEqual(
    expect.arrayContaining(['rescale', 'resize', 'grayscale', 'min_max_normalization'])
  );
  expect(mf.modules.get('resize').params.properties.width.description).toBe(
    'Output width in pixels.'
  );
  expect(mf.modules.validate('rescale', { max: 255 })).toEqual({ min: 0, max: 255 });
  expect(mf.networks.list().map(n => n.name)).toEqual([
    'small_cnn',
    'vgg',
    'resnet18',
    'mobilenet_v2'
  ]);
  const p = mf
    .pipeline({ name: 'breast', seed: 1 })
    .input(data)
    .add('rescale')
    .network(mf.networks.builtin('small_cnn', { classes: 2 }));
  expect(mf.pipelineFromJSON(p.toJSON()).toJSON()).toEqual(p.toJSON());
});
