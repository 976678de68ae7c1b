// The search space read from a real pipeline document, and configurations written back.
import * as mf from '../index';
import { applyParams, buildSpace, getPath } from './space';
import { GeneticAlgorithm } from './ga';
import { RandomSearch } from './random-search';

async function pipeline() {
  const data = await mf.datasets.load('breastmnist');
  return mf
    .pipeline({ name: 'space', seed: 1 })
    .input(data)
    .add('rescale', { min: 0, max: 1 })
    .add('histogram_equalization', { method: 'adaptive', kernel_size: 8, limit: 2 })
    .network(mf.networks.builtin('small_cnn', { classes: 2, filters: 16, blocks: 2, dropout: 0.3 }))
    .training({ epochs: 4, batch_size: 32, optimizer: { name: 'adam', lr: 1e-3, beta_1: 0.8 } });
}

test('the space lists training, network and step parameters; training ones are tuned by default', async () => {
  const doc = (await pipeline()).toJSON();
  const space = buildSpace(doc);
  const byName = Object.fromEntries(space.map(p => [p.name, p]));
  expect(space.filter(p => p.tuned).map(p => p.name)).toEqual([
    'learning_rate',
    'batch_size',
    'optimizer',
    'learning_rate_decay'
  ]);
  expect(byName.learning_rate).toMatchObject({
    path: 'training.optimizer.lr',
    type: 'log-float',
    low: 1e-5,
    high: 1e-1,
    value: 1e-3
  });
  expect(byName.batch_size).toMatchObject({ path: 'training.batch_size', type: 'int', value: 32 });
  expect(byName.optimizer).toMatchObject({
    path: 'training.optimizer.name',
    type: 'categorical',
    value: 'adam'
  });
  expect(byName['conv1.filters']).toMatchObject({
    path: 'network.layers.conv1.params.filters',
    type: 'int',
    low: 4,
    high: 64,
    value: 16,
    tuned: false
  });
  expect(byName['conv2.filters']).toMatchObject({ value: 32, low: 8, high: 128 });
  expect(byName['dropout.rate']).toMatchObject({ type: 'float', low: 0, high: 0.7, value: 0.3 });
  // The output layer's units are the class count: not a hyperparameter.
  expect(byName['logits.units']).toBeUndefined();
  expect(byName['histogram_equalization_1.method']).toMatchObject({
    type: 'categorical',
    path: 'steps.histogram_equalization_1.params.method',
    value: 'adaptive'
  });
  expect(
    byName['histogram_equalization_1.method'].type === 'categorical' &&
      byName['histogram_equalization_1.method'].choices
  ).toContain('global');
  for (const p of space)
    expect(getPath(doc, p.path)).toEqual(p.name === 'learning_rate_decay' ? undefined : p.value);
});

test('tune and space options choose parameters, bounds and choices, or add one by path', async () => {
  const doc = (await pipeline()).toJSON();
  const space = buildSpace(doc, {
    tune: ['conv1.filters', 'optimizer', 'gamma'],
    space: {
      optimizer: { choices: ['adam', 'sgd'] },
      'conv1.filters': { low: 8, high: 24 },
      gamma: { path: 'steps.histogram_equalization_1.params.limit', type: 'float', low: 1, high: 4 }
    }
  });
  expect(space.filter(p => p.tuned).map(p => p.name)).toEqual([
    'optimizer',
    'conv1.filters',
    'gamma'
  ]);
  expect(space.find(p => p.name === 'gamma')).toMatchObject({ value: 2, low: 1, high: 4 });
  expect(() => buildSpace(doc, { space: { nope: { low: 1 } } })).toThrow(
    /unknown parameter 'nope'.*needs a path and a type/
  );
  expect(() => buildSpace(doc, { space: { batch_size: { low: 64, high: 8 } } })).toThrow(
    /batch_size.*low <= high/
  );
  expect(() => buildSpace(doc, { space: { batch_size: { low: 8.5 } } })).toThrow(
    /batch_size.*integer bounds/
  );
  expect(() => buildSpace(doc, { tune: [] })).toThrow(/no parameter is tuned/);
});

test('applyParams writes each value at its path; switching optimizer keeps only what it knows', async () => {
  const doc = (await pipeline()).toJSON();
  const space = buildSpace(doc, {
    tune: ['learning_rate', 'optimizer', 'conv2.filters', 'histogram_equalization_1.limit']
  });
  const out = applyParams(doc, space, {
    learning_rate: 0.02,
    optimizer: 'sgd',
    'conv2.filters': 48,
    'histogram_equalization_1.limit': 3.5
  });
  expect(out.training.optimizer).toEqual({ name: 'sgd', lr: 0.02 }); // beta_1 is adam's
  expect(out.network!.layers.find(l => l.id === 'conv2')!.params.filters).toBe(48);
  expect(out.steps[1].params.limit).toBe(3.5);
  // The base document is untouched, and the result is a valid pipeline.
  expect(doc.training.optimizer).toEqual({ name: 'adam', lr: 1e-3, beta_1: 0.8 });
  expect(() => mf.pipelineFromJSON(out)).not.toThrow();
  const back = applyParams(doc, space, { optimizer: 'adam', learning_rate: 1e-3 });
  expect(back.training.optimizer).toEqual({ name: 'adam', lr: 1e-3, beta_1: 0.8 });
});

test('the GA starts from the same random generation as random search, then differs', async () => {
  const doc = (await pipeline()).toJSON();
  const space = buildSpace(doc);
  const settings = {
    population: 5,
    generations: 2,
    elitism: 1,
    tournament_size: 2,
    crossover_rate: 0.9,
    mutation_rate: 0.2,
    perturbation: 0.05
  };
  const ga = new GeneticAlgorithm(space, settings, 3);
  const rs = new RandomSearch(space, settings, 3);
  const first = ga.propose(0);
  expect(first).toEqual(rs.propose(0));
  const results = first.map((params, i) => ({ params, fitness: i }));
  ga.observe(0, results);
  rs.observe(0, results);
  const second = ga.propose(1);
  expect(second).toHaveLength(4);
  expect(second).not.toEqual(rs.propose(1));
});
