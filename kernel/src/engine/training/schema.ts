/**
 * The JSON Schema of the training settings (schema/training.schema.json, draft-07), built from
 * the same tables the engine resolves settings with (OPTIMIZERS, MONITORS and the ranges below),
 * so the form the pipeline widget renders from it (rjsf) and the engine's validation agree.
 * Every field has a title, a one-line description, its default and its allowed range.
 * Shorthands the engine accepts ("loss": "focal", "keep_best": "val_auc", false for "off") are
 * alternative branches marked `$comment: "alternative"`.
 */
import { OPTIMIZERS } from './optimizers';

export const TRAINING_SCHEMA_ID = 'https://medflow.dev/schema/training.schema.json';

/** Validation metrics training can watch (for early stopping and keeping the best epoch). */
export const MONITORS = [
  'val_loss',
  'val_accuracy',
  'val_auc',
  'val_sensitivity',
  'val_specificity',
  'val_ppv',
  'val_npv',
  'val_f1',
  'loss'
] as const;

export const LOSSES = ['categorical_crossentropy', 'binary_crossentropy', 'focal'] as const;

type Schema = Record<string, unknown>;

const OPTIMIZER_TITLES: Record<string, string> = {
  sgd: 'SGD',
  momentum: 'SGD with momentum',
  adam: 'Adam',
  adamax: 'Adamax',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta'
};

const ALTERNATIVE = 'alternative';

/** A number field: [lo, hi] bounds with the given inclusivity (JSON Schema draft-07 keywords). */
function numberField(
  title: string,
  description: string,
  dflt: number,
  lo: number,
  hi: number | null,
  opts: { loOpen?: boolean; hiOpen?: boolean; integer?: boolean } = {}
): Schema {
  const s: Schema = { type: opts.integer ? 'integer' : 'number', title, description };
  s[opts.loOpen ? 'exclusiveMinimum' : 'minimum'] = lo;
  if (hi != null) s[opts.hiOpen ? 'exclusiveMaximum' : 'maximum'] = hi;
  s.default = dflt;
  return s;
}

function optimizerBranch(name: string): Schema {
  const properties: Schema = { name: { const: name, title: 'Optimizer' } };
  for (const [key, r] of Object.entries(OPTIMIZERS[name])) {
    const title = key === 'lr' ? 'Learning rate' : key;
    if (typeof r.default === 'boolean') {
      properties[key] = { type: 'boolean', title, description: r.description, default: r.default };
      continue;
    }
    // OPTIMIZERS ranges are [low, high): low inclusive only when `closed`.
    const [lo, hi] = r.range!;
    properties[key] = numberField(title, r.description, r.default, lo, hi, {
      loOpen: !r.closed,
      hiOpen: true
    });
  }
  return {
    type: 'object',
    title: OPTIMIZER_TITLES[name] ?? name,
    required: ['name'],
    additionalProperties: false,
    properties
  };
}

const off = (what: string): Schema => ({
  title: 'Off',
  description: `No ${what}.`,
  enum: [null, false],
  $comment: ALTERNATIVE
});

function monitorFields(): Schema {
  return {
    metric: {
      type: 'string',
      title: 'Metric',
      description: 'Validation metric (or training loss) watched after each epoch.',
      enum: [...MONITORS],
      default: 'val_loss'
    },
    mode: {
      type: 'string',
      title: 'Mode',
      description: "Whether lower ('min') or higher ('max') is better; 'auto': min for losses.",
      enum: ['auto', 'min', 'max'],
      default: 'auto'
    }
  };
}

export function buildTrainingSchema(): Schema {
  const optimizers = Object.keys(OPTIMIZERS);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: TRAINING_SCHEMA_ID,
    $comment:
      'Generated from kernel/src/engine/training (schema.ts; see schema.test.ts); do not edit.',
    title: 'Training settings',
    description:
      'How the network module is trained: epochs, batches, optimizer, loss, class weights, augmentation, early stopping and which epoch to keep.',
    type: 'object',
    additionalProperties: false,
    properties: {
      epochs: numberField('Epochs', 'Passes over the training split.', 5, 1, null, {
        integer: true
      }),
      batch_size: numberField('Batch size', 'Images per optimizer step.', 32, 1, null, {
        integer: true
      }),
      learning_rate_decay: numberField(
        'Learning-rate decay',
        'Per epoch, the learning rate is multiplied by (1 - decay); 0 keeps it constant.',
        0,
        0,
        1,
        { hiOpen: true }
      ),
      class_weight: {
        title: 'Class weights',
        description:
          "Loss weight per class: 'none' (all 1), 'balanced' (n / (classes · count of the class)) or one weight per class.",
        default: 'none',
        oneOf: [
          { type: 'string', title: 'Preset', enum: ['none', 'balanced'] },
          {
            type: 'array',
            title: 'Per class',
            items: { type: 'number', minimum: 0, title: 'Weight' },
            minItems: 1
          }
        ]
      },
      optimizer: {
        type: 'object',
        title: 'Optimizer',
        description: 'Update rule with its parameters (names and defaults as in Keras).',
        default: { name: 'adam', lr: 1e-3 },
        required: ['name'],
        discriminator: { propertyName: 'name' },
        oneOf: optimizers.map(optimizerBranch)
      },
      loss: {
        title: 'Loss',
        description: 'Computed from logits, for numerical stability.',
        default: { name: 'categorical_crossentropy' },
        oneOf: [
          {
            type: 'string',
            title: 'By name',
            enum: [...LOSSES],
            $comment: ALTERNATIVE
          },
          {
            type: 'object',
            title: 'With parameters',
            required: ['name'],
            discriminator: { propertyName: 'name' },
            oneOf: [
              {
                type: 'object',
                title: 'Categorical cross-entropy',
                required: ['name'],
                additionalProperties: false,
                properties: {
                  name: { const: 'categorical_crossentropy', title: 'Loss' },
                  label_smoothing: numberField(
                    'Label smoothing',
                    'Share of each target spread evenly over all classes.',
                    0,
                    0,
                    0.99
                  )
                }
              },
              {
                type: 'object',
                title: 'Binary cross-entropy',
                required: ['name'],
                additionalProperties: false,
                properties: { name: { const: 'binary_crossentropy', title: 'Loss' } }
              },
              {
                type: 'object',
                title: 'Focal loss',
                required: ['name'],
                additionalProperties: false,
                properties: {
                  name: { const: 'focal', title: 'Loss' },
                  gamma: numberField(
                    'gamma',
                    'Focusing exponent: down-weights well-classified images (Lin et al. 2017).',
                    2,
                    0,
                    10
                  ),
                  alpha: numberField('alpha', 'Overall weight of the loss.', 0.25, 0, 1)
                }
              }
            ]
          }
        ]
      },
      augmentation: {
        title: 'Augmentation',
        description: 'Random, seeded changes of each training image, drawn anew every epoch.',
        default: null,
        oneOf: [
          off('augmentation'),
          {
            type: 'object',
            title: 'On',
            additionalProperties: false,
            properties: {
              flip_horizontal: {
                type: 'boolean',
                title: 'Flip left-right',
                description: 'Mirror left-right with probability 1/2.',
                default: false
              },
              flip_vertical: {
                type: 'boolean',
                title: 'Flip top-bottom',
                description: 'Mirror top-bottom with probability 1/2.',
                default: false
              },
              rotation: numberField(
                'Rotation (degrees)',
                'Rotate by a uniform angle in [-rotation, rotation] degrees.',
                0,
                0,
                180
              ),
              shift: numberField(
                'Shift (fraction)',
                'Shift by a uniform fraction in [-shift, shift] of the height and width.',
                0,
                0,
                0.5
              )
            }
          }
        ]
      },
      early_stopping: {
        title: 'Early stopping',
        description: 'Stop when the metric has not improved for `patience` epochs.',
        default: null,
        oneOf: [
          off('early stopping'),
          {
            type: 'object',
            title: 'On',
            additionalProperties: false,
            properties: {
              ...monitorFields(),
              min_delta: numberField(
                'Minimum change',
                'Smallest change of the metric that counts as an improvement.',
                0,
                0,
                null
              ),
              patience: numberField(
                'Patience',
                'Epochs without improvement before training stops.',
                3,
                0,
                null,
                { integer: true }
              )
            }
          }
        ]
      },
      keep_best: {
        title: 'Keep best epoch',
        description:
          "Restore the weights of the epoch that was best by this metric (off: keep the last epoch's).",
        default: null,
        oneOf: [
          off('restoring'),
          {
            type: 'string',
            title: 'By metric',
            enum: [...MONITORS],
            $comment: ALTERNATIVE
          },
          {
            type: 'object',
            title: 'On',
            additionalProperties: false,
            properties: monitorFields()
          }
        ]
      }
    }
  };
}

let cached: Schema | undefined;

/** The training settings' JSON Schema (a fresh copy: callers may change theirs). */
export function trainingSchema(): Schema {
  cached ??= buildTrainingSchema();
  return JSON.parse(JSON.stringify(cached)) as Schema;
}
