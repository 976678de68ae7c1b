/**
 * The live training view over a real (tiny) training run: what a notebook sees through the
 * display hook while p.train() runs, and the stop button's cancellation.
 */
import { loadBuiltin } from '../data/builtin';
import { CancelledError } from '../cancel';
import { setDisplayHook, type ShowOptions } from '../live/display';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { NetworkBuilder } from '../networks/builder-editor';
import { Pipeline } from '../pipeline/pipeline';
import { installLiveViews } from './install';
import { TRAINING_MIME, TrainingView } from './training-view';
import type { TrainingBundle } from '../../../../schema/views';

interface Shown {
  bundle: MimeBundle;
  options: ShowOptions;
  view: TrainingView;
}

let shown: Shown[];

beforeAll(() => installLiveViews());
beforeEach(() => {
  shown = [];
  setDisplayHook((value, options) => {
    const view = value as TrainingView;
    shown.push({ bundle: view[MIME_BUNDLE](), options, view });
    return true;
  });
});
afterEach(() => setDisplayHook(undefined));

async function tinyPipeline(epochs: number) {
  const net = new NetworkBuilder('tiny', { inputShape: [28, 28, 1] });
  net.add('Conv2D', { filters: 4, kernel_size: 3, activation: 'relu' });
  net.add('GlobalAveragePooling2D');
  net.add('Dense', { units: 2 });
  return new Pipeline({ name: 'breast', seed: 3 })
    .input(await loadBuiltin('breastmnist'))
    .add('rescale')
    .network(net)
    .training({ epochs, batch_size: 64, optimizer: { name: 'adam', lr: 1e-2 } });
}

const stateOf = (s: Shown) => (s.bundle[TRAINING_MIME] as TrainingBundle).state;

test('p.train() in a kernel shows a live view that ends with the confusion matrix, ROC and Grad-CAM', async () => {
  const p = await tinyPipeline(2);
  const run = await p.train({ verbose: false, live: true });

  // One display, then an update per epoch and one at the end, all with the same display id.
  expect(shown.map(s => s.options.update ?? false)).toEqual([false, true, true, true]);
  expect(new Set(shown.map(s => s.options.display_id)).size).toBe(1);
  const first = stateOf(shown[0]);
  expect(first).toMatchObject({
    status: 'running',
    epochs: 2,
    history: [],
    dataset: 'breastmnist'
  });
  expect((shown[0].bundle[TRAINING_MIME] as TrainingBundle).live?.target).toBe('medflow.training');

  const last = stateOf(shown[shown.length - 1]);
  expect(last.status).toBe('done');
  expect(last.history.map(h => h.epoch)).toEqual([1, 2]);
  expect(last.history[1].val_loss).toBeCloseTo(run.history[1].val_loss, 6);
  expect(last.history[0].per_class.map(c => c.class)).toEqual(['malignant', 'normal/benign']);
  const final = last.final!;
  expect(final.split).toBe('test');
  expect(final.confusion).toEqual(run.metrics.test!.confusion);
  expect(final.metrics.accuracy).toBeCloseTo(run.metrics.test!.accuracy, 6);
  // Two classes: one ROC curve (the positive class), from (0,0) to (1,1), area = the AUC.
  expect(final.roc).toHaveLength(1);
  const roc = final.roc[0];
  expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
  expect(roc.auc).toBeCloseTo(run.metrics.test!.auc, 6);
  expect(final.gradcam).toHaveLength(4);
  expect(new Set(final.gradcam.map(g => g.label))).toEqual(new Set(['malignant', 'normal/benign']));
  expect(Buffer.from(final.gradcam[0].png, 'base64').subarray(1, 4).toString()).toBe('PNG');
  run.dispose();
});

test("the view's stop cancels training after the current batch", async () => {
  const p = await tinyPipeline(5);
  let batches = 0;
  const training = p.train({
    verbose: false,
    live: true,
    onBatch: () => {
      if (++batches === 2) shown[0].view.stop();
    }
  });
  await expect(training).rejects.toThrow(CancelledError);
  expect(batches).toBe(2);
  const last = stateOf(shown[shown.length - 1]);
  expect(last.status).toBe('stopped');
  expect(last.message).toBe('training was cancelled');
  expect(last.history).toEqual([]);
});

test('no view without live (trials of a study train with verbose: false)', async () => {
  const p = await tinyPipeline(1);
  const run = await p.train({ verbose: false });
  expect(shown).toEqual([]);
  run.dispose();
});
