// The genetic operators on a space with every parameter type: values stay in bounds, ints stay
// ints, categoricals stay among their choices, and the same seed gives the same results.
import type { SearchParameter } from '../../../../schema/study';
import { seededRandom } from '../util/random';
import { checkGaSettings, GeneticAlgorithm } from './ga';
import {
  clampValue,
  crossover,
  elite,
  mutate,
  perturb,
  sampleParams,
  tournament
} from './operators';
import type { Params } from './space';

const SPACE: SearchParameter[] = [
  {
    name: 'learning_rate',
    path: 'training.optimizer.lr',
    type: 'log-float',
    low: 1e-5,
    high: 1e-1,
    tuned: true,
    value: 1e-3
  },
  {
    name: 'batch_size',
    path: 'training.batch_size',
    type: 'int',
    low: 8,
    high: 128,
    tuned: true,
    value: 32
  },
  {
    name: 'decay',
    path: 'training.learning_rate_decay',
    type: 'float',
    low: 0,
    high: 0.3,
    tuned: true,
    value: 0
  },
  { name: 'kernel', path: 'x.k', type: 'int', low: 3, high: 3, tuned: true, value: 3 },
  {
    name: 'optimizer',
    path: 'training.optimizer.name',
    type: 'categorical',
    choices: ['adam', 'sgd', 'rmsprop'],
    tuned: true,
    value: 'adam'
  },
  {
    name: 'flip',
    path: 'x.flip',
    type: 'categorical',
    choices: [false, true],
    tuned: true,
    value: false
  }
];

function expectInDomain(x: Params): void {
  for (const p of SPACE) {
    const v = x[p.name];
    if (p.type === 'categorical') {
      expect(p.choices).toContain(v);
      continue;
    }
    expect(typeof v).toBe('number');
    expect(v as number).toBeGreaterThanOrEqual(p.low);
    expect(v as number).toBeLessThanOrEqual(p.high);
    if (p.type === 'int') expect(Number.isInteger(v)).toBe(true);
  }
}

test('sampling covers each range and never leaves it; log-float is uniform in the exponent', () => {
  const rng = seededRandom(1);
  const samples = Array.from({ length: 2000 }, () => sampleParams(SPACE, rng));
  samples.forEach(expectInDomain);
  const lr = samples.map(s => Math.log10(s.learning_rate as number));
  // Uniform over exponents -5..-1: about a quarter of the draws in each decade.
  const firstDecade = lr.filter(e => e < -4).length / lr.length;
  expect(firstDecade).toBeGreaterThan(0.2);
  expect(firstDecade).toBeLessThan(0.3);
  const batches = new Set(samples.map(s => s.batch_size));
  expect(batches.has(8)).toBe(true);
  expect(batches.has(128)).toBe(true);
  expect(new Set(samples.map(s => s.optimizer))).toEqual(new Set(['adam', 'sgd', 'rmsprop']));
});

test('crossover, mutation and perturbation keep every value in its domain, even at the edges', () => {
  const rng = seededRandom(7);
  const low: Params = {
    learning_rate: 1e-5,
    batch_size: 8,
    decay: 0,
    kernel: 3,
    optimizer: 'adam',
    flip: false
  };
  const high: Params = {
    learning_rate: 1e-1,
    batch_size: 128,
    decay: 0.3,
    kernel: 3,
    optimizer: 'sgd',
    flip: true
  };
  for (let i = 0; i < 800; i++) {
    const child = crossover(low, high, SPACE, 1, rng);
    expectInDomain(child);
    const m = mutate(child, SPACE, 1, rng);
    expectInDomain(m);
    // Mutation at rate 1 changes every changeable gene: categoricals and ints with room.
    expect(m.optimizer).not.toBe(child.optimizer);
    expect(m.flip).not.toBe(child.flip);
    expect(m.batch_size).not.toBe(child.batch_size);
    expectInDomain(perturb(m, SPACE, 0.5, rng));
  }
});

test('crossover takes each gene from one of the parents, both parents about equally', () => {
  const rng = seededRandom(3);
  const a = sampleParams(SPACE, rng);
  const b = sampleParams(SPACE, rng);
  let fromA = 0;
  for (let i = 0; i < 500; i++) {
    const c = crossover(a, b, SPACE, 1, rng);
    for (const p of SPACE) {
      expect([a[p.name], b[p.name]]).toContain(c[p.name]);
      if (c[p.name] === a[p.name]) fromA++;
    }
  }
  const share = fromA / (500 * SPACE.length);
  expect(share).toBeGreaterThan(0.45);
  expect(share).toBeLessThan(0.7); // kernel (3..3) and often flip are equal in both parents
  // Rate 0: the first parent, unchanged.
  expect(crossover(a, b, SPACE, 0, rng)).toEqual(a);
});

test('perturbation is a small local step and leaves categoricals alone', () => {
  const rng = seededRandom(11);
  const x: Params = {
    learning_rate: 1e-3,
    batch_size: 64,
    decay: 0.15,
    kernel: 3,
    optimizer: 'rmsprop',
    flip: true
  };
  for (let i = 0; i < 200; i++) {
    const y = perturb(x, SPACE, 0.02, rng);
    expect(y.optimizer).toBe('rmsprop');
    expect(y.flip).toBe(true);
    expect(Math.abs((y.decay as number) - 0.15)).toBeLessThan(0.3 * 0.02 * 6);
    expect(Math.abs(Math.log10(y.learning_rate as number) + 3)).toBeLessThan(4 * 0.02 * 6);
  }
});

test('clampValue rounds ints, bounds numbers and rejects unknown choices by name', () => {
  expect(clampValue(SPACE[1], 200.4)).toBe(128);
  expect(clampValue(SPACE[1], 33.6)).toBe(34);
  expect(clampValue(SPACE[0], 5)).toBe(1e-1); // never a learning rate above its bound
  expect(() => clampValue(SPACE[4], 'adagrad')).toThrow(/optimizer.*not one of its choices/);
  expect(() => clampValue(SPACE[1], 'x')).toThrow(/batch_size.*expected a number/);
});

test('tournament selection and elitism prefer the fittest; failed members lose', () => {
  const pool = [
    { id: 'a', f: 0.5 },
    { id: 'b', f: 0.9 },
    { id: 'c', f: -Infinity },
    { id: 'd', f: 0.7 }
  ];
  expect(elite(pool, p => p.f, 2).map(p => p.id)).toEqual(['b', 'd']);
  const rng = seededRandom(5);
  const wins = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    const w = tournament(pool, p => p.f, 3, rng).id;
    wins.set(w, (wins.get(w) ?? 0) + 1);
  }
  expect(wins.get('b')!).toBeGreaterThan(wins.get('d')!);
  expect(wins.get('d')!).toBeGreaterThan(wins.get('a') ?? 0);
  // c only wins a tournament of three c's: (1/4)^3 of them.
  expect((wins.get('c') ?? 0) / 4000).toBeLessThan(0.03);
});

test('the same seed gives the same operator results; another seed does not', () => {
  const run = (seed: number) => {
    const rng = seededRandom(seed);
    const a = sampleParams(SPACE, rng);
    const b = sampleParams(SPACE, rng);
    return perturb(mutate(crossover(a, b, SPACE, 0.9, rng), SPACE, 0.3, rng), SPACE, 0.05, rng);
  };
  expect(run(42)).toEqual(run(42));
  expect(run(42)).not.toEqual(run(43));
});

test('the GA proposes the same generations from the same seed and results, all in domain', () => {
  const ga = {
    population: 6,
    generations: 3,
    elitism: 2,
    tournament_size: 3,
    crossover_rate: 0.9,
    mutation_rate: 0.3,
    perturbation: 0.05
  };
  const replay = (seed: number, settings: typeof ga & { immigrants?: number } = ga) => {
    const g = new GeneticAlgorithm(SPACE, settings, seed);
    const out: Params[][] = [];
    for (let gen = 0; gen < 3; gen++) {
      const proposals = g.propose(gen);
      proposals.forEach(expectInDomain);
      out.push(proposals);
      // A deterministic fitness: larger batches and learning rates near 1e-3 are better.
      g.observe(
        gen,
        proposals.map(params => ({
          params,
          fitness:
            -Math.abs(Math.log10(params.learning_rate as number) + 3) +
            (params.batch_size as number) / 128
        }))
      );
    }
    return out;
  };
  const a = replay(9);
  expect(a.map(g => g.length)).toEqual([6, 4, 4]);
  expect(replay(9)).toEqual(a);
  expect(replay(10)).not.toEqual(a);

  // Immigrants take the last places of a later generation: the children before them are the
  // ones a GA without immigrants proposes; the random ones are new and in domain too.
  const withImmigrants = replay(9, { ...ga, immigrants: 1 });
  expect(withImmigrants.map(g => g.length)).toEqual([6, 4, 4]);
  expect(withImmigrants[0]).toEqual(a[0]);
  expect(withImmigrants[1].slice(0, 3)).toEqual(a[1].slice(0, 3));
  expect(withImmigrants[1][3]).not.toEqual(a[1][3]);
  expect(replay(9, { ...ga, immigrants: 1 })).toEqual(withImmigrants);
  // At most all but one: a generation always has a child.
  const many = replay(9, { ...ga, immigrants: 10 });
  expect(many[1][0]).toEqual(a[1][0]);
  expect(() => checkGaSettings({ ...ga, immigrants: -1 })).toThrow(
    'autotune: immigrants must be an integer >= 0 (got -1)'
  );
});
