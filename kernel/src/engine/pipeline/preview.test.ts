/** p.preview(): every stage of chosen samples, with histogram, shape, dtype and value range. */
import { Pipeline } from './pipeline';
import { loadBuiltin } from '../data/builtin';
import { MIME_BUNDLE } from '../mimebundle';
import { applyModule, register, unregister } from '../modules/registry';
import { PREVIEW_MIME, type PipelinePreview } from './preview';

test('preview shows each step of the chosen samples with its statistics', async () => {
  const data = await loadBuiltin('pneumoniamnist');
  const p = new Pipeline({ name: 'pv' })
    .input(data)
    .add('histogram_equalization', { method: 'adaptive', kernel_size: 14 })
    .add('resize', { height: 56, width: 40 })
    .add('rescale');
  const pv = await p.preview({ indices: [5, 17], split: 'test', bins: 16 });
  expect(pv.samples.map(s => [s.split, s.index, s.stages.map(st => st.step)])).toEqual([
    ['test', 5, ['input', 'histogram_equalization_1', 'resize_1', 'rescale_1']],
    ['test', 17, ['input', 'histogram_equalization_1', 'resize_1', 'rescale_1']]
  ]);
  const [input, eq, resized, rescaled] = pv.samples[1].stages;
  expect([input.shape, input.dtype, eq.dtype, resized.shape, rescaled.dtype]).toEqual([
    [28, 28],
    'uint8',
    'uint8',
    [56, 40],
    'float32'
  ]);
  // Statistics describe the real images at each stage.
  const item = data.test.get(17);
  const pixels = Array.from(item.image.array.data as Uint8Array);
  expect(input.range).toEqual([Math.min(...pixels), Math.max(...pixels)]);
  expect(input.mean).toBeCloseTo(pixels.reduce((a, b) => a + b, 0) / pixels.length, 10);
  expect(input.histogram.counts).toHaveLength(16);
  expect(input.histogram.counts.reduce((a, b) => a + b, 0)).toBe(784);
  const eqRef = applyModule('histogram_equalization', item, {
    method: 'adaptive',
    kernel_size: 14
  })!;
  const eqPixels = Array.from(eqRef.image.array.data as Uint8Array);
  expect(eq.range).toEqual([Math.min(...eqPixels), Math.max(...eqPixels)]);
  expect(rescaled.range[0]).toBeGreaterThanOrEqual(0);
  expect(rescaled.range[1]).toBeLessThanOrEqual(1);
  expect(rescaled.histogram.counts.reduce((a, b) => a + b, 0)).toBe(56 * 40);
  // Each stage carries a PNG of itself.
  expect(Buffer.from(resized.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
  // Plain data for the widget, a table and an image grid for the notebook.
  const bundle = pv[MIME_BUNDLE]();
  expect(JSON.parse(JSON.stringify(bundle[PREVIEW_MIME]))).toEqual(pv.toJSON());
  expect(bundle['text/plain']).toContain('resize_1');
  expect(bundle['text/plain']).toContain('56×40');
  expect(
    Buffer.from(bundle['image/png'] as string, 'base64')
      .subarray(1, 4)
      .toString()
  ).toBe('PNG');
});

test('default samples are spread over the split; a dropping step is reported', async () => {
  const data = await loadBuiltin('breastmnist');
  register({
    name: 'drop_dark',
    category: 'Advanced',
    modality: ['any'],
    dimension: 'any',
    origin: 'user',
    description: 'Drops images whose mean is below 60 (test module).',
    params: { type: 'object', properties: {}, additionalProperties: false },
    async apply(d) {
      const a = d.image.array.data as Uint8Array;
      return a.reduce((s, v) => s + v, 0) / a.length < 60 ? null : d;
    }
  });
  try {
    const p = new Pipeline({ name: 'pv2' }).input(data).add('drop_dark').add('invert');
    const pv: PipelinePreview = await p.preview();
    expect(pv.samples.map(s => s.index)).toEqual([0, 182, 364]);
    for (const s of pv.samples) {
      const a = Array.from(data.train.get(s.index).image.array.data as Uint8Array);
      const dark = a.reduce((x, v) => x + v, 0) / a.length < 60;
      expect(s.dropped_at).toBe(dark ? 'drop_dark_1' : null);
      expect(s.stages.length).toBe(dark ? 1 : 3);
    }
  } finally {
    unregister('drop_dark');
  }
});
