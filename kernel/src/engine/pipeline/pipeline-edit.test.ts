/** Editing a pipeline after it was built: the methods cells and the graph widget share. */
import { loadBuiltin } from '../data/builtin';
import { smallCnn } from '../networks/small_cnn';
import { Pipeline, type PipelineChange } from './pipeline';

function built(): Pipeline {
  return new Pipeline({ name: 'edit', seed: 1 })
    .add('rescale')
    .add('resize', { height: 32, width: 32 })
    .add('invert');
}
const ids = (p: Pipeline) => p.steps.map(s => s.id);

test('add at an index, remove, move, duplicate keep ids unique and order as asked', () => {
  const p = built();
  p.add('rescale', { min: -1, max: 1 }, { at: 1 });
  expect(ids(p)).toEqual(['rescale_1', 'rescale_2', 'resize_1', 'invert_1']);
  p.move('invert_1', 0);
  expect(ids(p)).toEqual(['invert_1', 'rescale_1', 'rescale_2', 'resize_1']);
  expect(p.duplicate('resize_1')).toBe('resize_2');
  expect(p.step('resize_2').params).toEqual(p.step('resize_1').params);
  p.remove('rescale_1');
  expect(ids(p)).toEqual(['invert_1', 'rescale_2', 'resize_1', 'resize_2']);
});

test('set merges and validates parameters; a refused change leaves the step as it was', () => {
  const p = built();
  p.set('resize_1', { height: 48 });
  expect(p.step('resize_1').params).toEqual({ height: 48, width: 32, interpolation: 'bilinear' });
  expect(() => p.set('resize_1', { height: 0 })).toThrow(/resize: height must be >= 1/);
  expect(() => p.set('resize_1', { colour: 1 })).toThrow(/unknown parameter 'colour'/);
  expect(p.step('resize_1').params.height).toBe(48);
  expect(() => p.set('nope', {})).toThrow(
    "set: pipeline 'edit' has no step 'nope' (steps: rescale_1, resize_1, invert_1)"
  );
  expect(() => p.move('invert_1', 3)).toThrow('move: index must be an integer in 0…2 (got 3)');
  expect(() => p.add('rescale', {}, { at: -1 })).toThrow(/add: index must be an integer in 0…3/);
});

test('replaceSteps validates every step and keeps the old steps on error', () => {
  const p = built();
  const before = p.steps;
  expect(() =>
    p.replaceSteps([
      { id: 'a', module: 'rescale', params: {} },
      { id: 'a', module: 'invert', params: {} }
    ])
  ).toThrow("replaceSteps: step id 'a' is used twice");
  expect(() => p.replaceSteps([{ id: 'b', module: 'resize', params: { height: -3 } }])).toThrow(
    /resize: height must be >= 1/
  );
  expect(p.steps).toEqual(before);
  p.replaceSteps(before.slice(1));
  expect(ids(p)).toEqual(['resize_1', 'invert_1']);
});

test('every mutation tells the listeners what changed; unsubscribing stops it', async () => {
  const p = built();
  const seen: PipelineChange[] = [];
  const stop = p.onChange(change => seen.push(change));
  p.input(await loadBuiltin('pneumoniamnist'));
  p.add('invert');
  p.set('resize_1', { width: 30 });
  p.move('invert_1', 0);
  p.remove('invert_2');
  p.duplicate('rescale_1');
  p.replaceSteps(p.steps);
  p.network(smallCnn({ classes: 2 }));
  p.training({ epochs: 2 });
  expect(() => p.set('resize_1', { width: 0 })).toThrow();
  expect(seen).toEqual([
    'input',
    'steps',
    'params',
    'steps',
    'steps',
    'steps',
    'steps',
    'network',
    'training'
  ]);
  stop();
  p.add('invert');
  expect(seen).toHaveLength(9);
});

test('a tuned configuration applied to the pipeline (study.apply()) tells its views', () => {
  const p = built();
  const seen: PipelineChange[] = [];
  p.onChange(change => seen.push(change));
  const tuned = p.toJSON();
  tuned.training = { epochs: 3, optimizer: { name: 'sgd', lr: 0.05 } };
  tuned.steps[1].params = { ...tuned.steps[1].params, height: 20 };
  p.applyTuned(tuned);
  expect(seen).toEqual(['training', 'params']);
  expect(p.step('resize_1').params.height).toBe(20);
});
