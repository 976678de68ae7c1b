import type { StudyState, TrialRecord } from './contract';
import {
  applyStudyMessage,
  bestSoFar,
  directionOf,
  filterOptions,
  formatValue,
  generationStats,
  metricKey,
  readStudyBundle,
  topTrials,
  trialCounts,
  trialPoints,
  tunedParameters
} from './model';

function trial(g: number, i: number, acc: number | null, extra: Partial<TrialRecord> = {}) {
  return {
    id: `g${g}-${i}`,
    generation: g,
    index: i,
    params: { learning_rate: 0.001 * (i + 1), batch_size: 16 * (i + 1) },
    status: acc === null ? 'running' : 'done',
    attempts: 1,
    ...(acc === null
      ? {}
      : {
          metrics: {
            val_accuracy: acc,
            val_loss: 1 - acc,
            loss: 1.1 - acc,
            'val_f1.pneumonia': acc / 2,
            'val_f1.grade 2.5': acc / 3
          }
        }),
    ...extra
  } as TrialRecord;
}

function study(trials: TrialRecord[]): StudyState {
  return {
    study: {
      version: 1,
      name: 's',
      seed: 1,
      space: [
        {
          name: 'learning_rate',
          path: 'training.optimizer.lr',
          type: 'log-float',
          low: 1e-4,
          high: 1e-2,
          tuned: true,
          value: 1e-3
        },
        {
          name: 'batch_size',
          path: 'training.batch_size',
          type: 'int',
          low: 8,
          high: 64,
          tuned: true,
          value: 32
        },
        {
          name: 'epochs',
          path: 'training.epochs',
          type: 'int',
          low: 1,
          high: 3,
          tuned: false,
          value: 1
        }
      ],
      objectives: [{ metric: 'val_accuracy', direction: 'max' }],
      ga: {
        population: 3,
        generations: 2,
        elitism: 1,
        tournament_size: 2,
        crossover_rate: 0.9,
        mutation_rate: 0.2,
        perturbation: 0.2
      },
      retries: 0,
      pipeline: {}
    },
    status: 'running',
    trials
  };
}

const trials = [
  trial(0, 0, 0.6),
  trial(0, 1, 0.8),
  trial(0, 2, 0.7),
  trial(1, 0, 0.75),
  trial(1, 1, 0.9),
  trial(1, 2, null)
];

test('points in trial order, and the best-so-far line follows the direction', () => {
  const s = study(trials);
  const points = trialPoints(s, 'val_accuracy');
  expect(points.map(p => [p.x, p.id, p.y])).toEqual([
    [1, 'g0-0', 0.6],
    [2, 'g0-1', 0.8],
    [3, 'g0-2', 0.7],
    [4, 'g1-0', 0.75],
    [5, 'g1-1', 0.9]
  ]);
  expect(bestSoFar(points, 'max')).toEqual([0.6, 0.8, 0.8, 0.8, 0.9]);
  const loss = trialPoints(s, 'val_loss');
  expect(bestSoFar(loss, directionOf(s, 'val_loss')).map(v => +v.toFixed(2))).toEqual([
    0.4, 0.2, 0.2, 0.2, 0.1
  ]);
});

test('per-generation max/min/mean of the filtered metric, one generation when chosen', () => {
  const s = study(trials);
  const stats = generationStats(s, metricKey('val', 'accuracy'));
  expect(stats.map(g => [g.generation, g.max, g.min, +g.mean.toFixed(4), g.count])).toEqual([
    [0, 0.8, 0.6, 0.7, 3],
    [1, 0.9, 0.75, 0.825, 2]
  ]);
  expect(generationStats(s, metricKey('train', 'loss'), 1).map(g => g.generation)).toEqual([1]);
  expect(generationStats(s, metricKey('val', 'f1', 'pneumonia'))[1].max).toBe(0.45);
  expect(filterOptions(s)).toEqual({
    metrics: ['accuracy', 'f1', 'loss'],
    splits: ['val', 'train'],
    classes: ['grade 2.5', 'pneumonia'],
    generations: [0, 1]
  });
});

test('top 5 per metric, best first, with the parameters to apply', () => {
  const s = study(trials);
  const top = topTrials(s, 'val_accuracy');
  expect(top.map(r => r.id)).toEqual(['g1-1', 'g0-1', 'g1-0', 'g0-2', 'g0-0']);
  expect(top[0]).toEqual({
    rank: 1,
    id: 'g1-1',
    value: 0.9,
    params: { learning_rate: 0.002, batch_size: 32 }
  });
  expect(topTrials(s, 'val_loss', 2).map(r => r.id)).toEqual(['g1-1', 'g0-1']);
  expect(tunedParameters(s)).toEqual(['learning_rate', 'batch_size']);
});

test('kernel messages: a trial replaces its record or joins in order; status; state', () => {
  let s = study(trials);
  s = applyStudyMessage(s, { type: 'trial', trial: trial(1, 2, 0.95) });
  expect(s.trials.find(t => t.id === 'g1-2')!.status).toBe('done');
  expect(topTrials(s, 'val_accuracy')[0].id).toBe('g1-2');
  s = applyStudyMessage(s, { type: 'trial', trial: trial(0, 3, 0.1) });
  expect(s.trials.map(t => t.id).indexOf('g0-3')).toBe(3);
  s = applyStudyMessage(s, { type: 'status', status: 'stopped' });
  expect(s.status).toBe('stopped');
  expect(applyStudyMessage(s, { type: 'status', status: 'bogus' })).toBe(s);
  expect(applyStudyMessage(s, { type: 'state', state: study([]) }).trials).toEqual([]);
  expect(applyStudyMessage(s, { type: 'state', state: { nope: 1 } })).toBe(s);
  expect(trialCounts(s)).toEqual({ queued: 0, running: 0, done: 7, failed: 0 });
});

test('bundles are checked; values format compactly', () => {
  expect(readStudyBundle({ state: study(trials) }).ok).toBe(true);
  expect(readStudyBundle({ state: { ...study(trials), status: 'x' } })).toEqual({
    ok: false,
    reason: 'unknown study status "x"'
  });
  expect(formatValue(0.000123)).toBe('1.23e-4');
  expect(formatValue(0.123456)).toBe('0.1235');
  expect(formatValue(32)).toBe('32');
  expect(formatValue('adam')).toBe('adam');
});
