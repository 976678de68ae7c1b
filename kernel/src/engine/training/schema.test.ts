/**
 * schema/training.schema.json is the training settings' JSON Schema as plain JSON, for the
 * pipeline widget's parameter panel (rjsf), which cannot import the engine. It is generated
 * from ./schema.ts: MEDFLOW_WRITE_SCHEMA=1 npx jest training/schema rewrites it.
 */
import Ajv from 'ajv';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../data/builtin';
import * as mf from '../index';
import { OPTIMIZERS } from './optimizers';
import { buildTrainingSchema } from './schema';
import { resolveTraining } from './settings';

const file = path.join(packageRoot(), 'schema', 'training.schema.json');
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('schema/training.schema.json matches the engine, and mf.training.schema() returns it', () => {
  const schema = buildTrainingSchema();
  if (process.env.MEDFLOW_WRITE_SCHEMA === '1') {
    writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
  }
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
  expect(mf.training.schema()).toEqual(schema);
});

test('every field has a title, a description and a default; optimizers have theirs', () => {
  const schema = buildTrainingSchema() as Obj;
  for (const [key, field] of Object.entries(schema.properties as Obj)) {
    expect([key, typeof field.title, typeof field.description]).toEqual([key, 'string', 'string']);
    expect(field).toHaveProperty('default');
  }
  const branches = schema.properties.optimizer.oneOf as Obj[];
  expect(branches.map(b => b.properties.name.const)).toEqual(Object.keys(OPTIMIZERS));
  for (const branch of branches) {
    const spec = OPTIMIZERS[branch.properties.name.const];
    for (const [param, r] of Object.entries(spec)) {
      const p = branch.properties[param];
      expect([param, p.default, typeof p.description]).toEqual([param, r.default, 'string']);
    }
  }
});

test('the schema defaults are the defaults the engine fills in', () => {
  const schema = buildTrainingSchema() as Obj;
  const resolved = resolveTraining() as unknown as Obj;
  for (const key of ['epochs', 'batch_size', 'learning_rate_decay', 'class_weight']) {
    expect([key, resolved[key]]).toEqual([key, schema.properties[key].default]);
  }
  expect(resolved.augmentation).toBe(schema.properties.augmentation.default);
  expect(resolveTraining({ optimizer: schema.properties.optimizer.default }).optimizer).toEqual(
    resolved.optimizer
  );
  const focal = schema.properties.loss.oneOf[1].oneOf[2].properties;
  expect(resolveTraining({ loss: 'focal' }).loss).toEqual({
    name: 'focal',
    gamma: focal.gamma.default,
    alpha: focal.alpha.default
  });
  const stop = schema.properties.early_stopping.oneOf[1].properties;
  expect(resolveTraining({ early_stopping: {} }).early_stopping).toEqual({
    metric: stop.metric.default,
    mode: 'min',
    min_delta: stop.min_delta.default,
    patience: stop.patience.default
  });
});

test('a standalone ajv (as in the browser) accepts full settings and shorthands, refuses bad ones', () => {
  const validate = new Ajv({ discriminator: true, strict: false }).compile(buildTrainingSchema());
  const full = {
    epochs: 10,
    batch_size: 64,
    learning_rate_decay: 0.1,
    class_weight: [1, 2.5],
    optimizer: { name: 'rmsprop', lr: 1e-3, rho: 0.9, momentum: 0.5, centered: true },
    loss: { name: 'focal', gamma: 2, alpha: 0.5 },
    augmentation: { flip_horizontal: true, rotation: 10, shift: 0.08 },
    early_stopping: { metric: 'val_auc', min_delta: 0.001, patience: 3, mode: 'max' },
    keep_best: { metric: 'val_auc' }
  };
  expect(validate(full)).toBe(true);
  expect(() => resolveTraining(full)).not.toThrow();
  const shorthands = { loss: 'focal', keep_best: 'val_auc', augmentation: false };
  expect(validate(shorthands)).toBe(true);
  expect(() => resolveTraining(shorthands)).not.toThrow();
  expect(validate({ optimizer: { name: 'adam', beta_1: 1 } })).toBe(false);
  expect(validate({ loss: { name: 'focal', gamma: 11 } })).toBe(false);
});

test.each([
  [
    { loss: { name: 'focal', gamma: 11 } },
    'training: loss focal: gamma must be in [0, 10] (got 11)'
  ],
  [
    { optimizer: { name: 'rmsprop', lr: 0 } },
    'training: optimizer rmsprop: lr must be in (0, 10) (got 0)'
  ],
  [
    { optimizer: { name: 'sgd', nesterov: 'yes' } },
    'training: optimizer sgd: nesterov must be true or false (got "yes")'
  ],
  [{ optimizer: { lr: 0.1 } }, 'training: optimizer: name is required (one of sgd, momentum, adam'],
  [{ augmentation: 5 }, 'training: augmentation must be an object or null (got 5)'],
  [{ augmentation: { shift: 0.6 } }, 'training: augmentation: shift must be in [0, 0.5] (got 0.6)'],
  [{ keep_best: 'val_acc' }, 'training: keep_best: metric must be one of val_loss, val_accuracy'],
  [
    { early_stopping: { min_delta: -1 } },
    'training: early_stopping: min_delta must be >= 0 (got -1)'
  ],
  [{ epochs: 2.5 }, 'training: epochs must be an integer >= 1 (got 2.5)'],
  [
    { class_weight: [1, -2] },
    "training: class_weight must be 'none', 'balanced' or one weight >= 0 per class (got [1,-2])"
  ]
])('%j is refused naming the field, value and range', (settings, message) => {
  expect(() => resolveTraining(settings as never)).toThrow(message);
});
