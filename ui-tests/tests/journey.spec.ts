/**
 * The journey of a new user, in a real JupyterLab with the real medflow kernel: open JupyterLab,
 * open the quick start from the file browser, run all its cells, change a module parameter in
 * the pipeline widget, train and watch the training view, tune with a tiny study, Apply the best
 * trial in the tuning view, and train again with the applied values. Every step leaves a
 * screenshot in ui-tests/artifacts/journey/ (kept by CI).
 */
import { expect, test } from '@playwright/test';
import {
  base,
  cell,
  expectNoErrors,
  runCell,
  visibleNotebook,
  waitForIdleMedflowKernel
} from './builder-notebook';
import {
  appendCodeCell,
  closeWithoutSaving,
  openFromFileBrowser,
  screenshotStep
} from './journey-notebook';

const NOTEBOOK = '01-quickstart.ipynb';

test('a new user runs the quick start, edits, trains, tunes, applies and trains again', async ({
  page
}) => {
  // Generous: the quick start trains six short epochs and the study five short trials, on a
  // machine other tests share.
  test.setTimeout(12 * 60_000);
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', err => pageErrors.push(err.message));
  const notebook = page.locator(visibleNotebook);

  // 1. JupyterLab, in a workspace of its own (the other specs restore the default one).
  await page.goto(`${base()}/lab/workspaces/journey`);
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({ timeout: 60_000 });
  await page.evaluate(() =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).jupyterapp.commands.execute('filebrowser:activate')
  );
  await expect(page.locator('.jp-DirListing-item', { hasText: NOTEBOOK })).toBeVisible({
    timeout: 60_000
  });
  await screenshotStep(page, 'jupyterlab');

  // 2. The quick start, from the file browser, on the medflow kernel.
  await openFromFileBrowser(page, NOTEBOOK);
  await waitForIdleMedflowKernel(page, NOTEBOOK, 180_000);
  await expect(page.locator('.jp-Toolbar-kernelName').first()).toContainText('medflow');
  await screenshotStep(page, 'quickstart-open');

  // 3. Run all cells (outputs a saved copy may hold are cleared first: they must be this run's).
  await page.evaluate(() =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).jupyterapp.commands.execute('notebook:clear-all-cell-outputs')
  );
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  const metrics = notebook.locator('.jp-OutputArea-output', { hasText: /validation accuracy/ });
  await expect(metrics).toBeVisible({ timeout: 6 * 60_000 });
  await expect(notebook.locator('.jp-InputPrompt', { hasText: '[*]' })).toHaveCount(0, {
    timeout: 60_000
  });
  await expect(notebook.locator('.medflow-TrainingView').first()).toHaveAttribute(
    'data-status',
    'done'
  );
  await expectNoErrors(page);
  await screenshotStep(page, 'quickstart-run');

  // 4. Edit the pipeline in the widget: the resize module's output size, in its panel.
  const editor = notebook.getByTestId('medflow-pipeline-editor').first();
  await expect(editor).toHaveAttribute('data-status', 'live', { timeout: 60_000 });
  await editor.scrollIntoViewIfNeeded();
  const resize = editor.getByTestId('medflow-node-step-resize_1');
  await resize.click();
  const panel = editor.getByTestId('medflow-parameter-panel');
  await expect(panel.getByRole('heading', { name: /resize/ })).toBeVisible();
  await panel.locator('#root_height').fill('28');
  await panel.locator('#root_width').fill('28');
  await expect(resize).toContainText('28');
  await screenshotStep(page, 'pipeline-edited');
  // The kernel's pipeline has the new size (the panel sends it after a short pause).
  const readSize = await appendCodeCell(
    page,
    '`${p.step("resize_1").params.height}x${p.step("resize_1").params.width}`'
  );
  await expect(async () => {
    const out = await runCell(page, readSize);
    await expect(out).toContainText('28x28', { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });

  // 5. Train (one epoch keeps it short) and watch the training view.
  const trainCell = await appendCodeCell(
    page,
    [
      'p.training({ epochs: 1 });',
      'const again = await p.train();',
      'again.metrics.val.accuracy'
    ].join('\n')
  );
  const trained = await runCell(page, trainCell, 5 * 60_000);
  const trainingView = trained.locator('.medflow-TrainingView');
  await expect(trainingView).toHaveAttribute('data-status', 'done');
  await expect(trained).toContainText('28×28×1');
  await trainingView.scrollIntoViewIfNeeded();
  await screenshotStep(page, 'trained');

  // 6. Tune with a tiny study: 3 trials, then 2 more (one elite is kept).
  const tuneCell = await appendCodeCell(
    page,
    [
      'const study = p.autotune({ tune: ["learning_rate", "batch_size"], metric: "val_auc",',
      '  population: 3, generations: 2, elitism: 1, concurrency: 2, storage: false, seed: 5, verbose: false });',
      'study'
    ].join('\n')
  );
  const tuned = await runCell(page, tuneCell);
  const study = tuned.locator('.medflow-StudyView');
  await expect(study.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');
  await study.scrollIntoViewIfNeeded();
  await screenshotStep(page, 'tuning-live');
  await expect(study).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });
  await expect(study.locator('.medflow-StudyView-counts')).toHaveText(
    '5 done · 0 running · 0 queued · 0 failed'
  );
  const rows = study.locator('.medflow-StudyView-table tbody tr');
  await expect(rows).toHaveCount(5);
  await study.locator('.medflow-StudyView-table').scrollIntoViewIfNeeded();
  await screenshotStep(page, 'tuning-done');

  // 7. Apply the best trial from the tuning view.
  const best = rows.first();
  const headers = await study.locator('.medflow-StudyView-table thead th').allInnerTexts();
  const values = await best.locator('td').allInnerTexts();
  const tuned_ = (name: string) => Number(values[headers.indexOf(name)]);
  const batchSize = tuned_('batch_size');
  const learningRate = tuned_('learning_rate');
  expect(Number.isInteger(batchSize)).toBe(true);
  expect(learningRate).toBeGreaterThan(0);
  const trialId = await best.getAttribute('data-trial');
  await best.getByRole('button', { name: 'Apply' }).click();
  await expect(study.locator('.medflow-StudyView-notice')).toHaveText(
    `Applied trial ${trialId} to the pipeline`
  );
  // The pipeline widget shows the applied configuration at once (the kernel's pipeline told it).
  await expect(editor.getByTestId('medflow-node-training')).toContainText(`batch size${batchSize}`);
  await screenshotStep(page, 'applied');

  // 8. Train again: the run uses the applied values.
  await runCell(page, trainCell, 5 * 60_000);
  await expect(cell(page, trainCell).locator('.medflow-TrainingView')).toHaveAttribute(
    'data-status',
    'done'
  );
  const used = await appendCodeCell(
    page,
    // The run's own snapshot of the pipeline it trained.
    'JSON.stringify({ batch_size: again.pipeline.training.batch_size, lr: again.pipeline.training.optimizer.lr, epochs: again.history.length })'
  );
  const usedOut = await runCell(page, used);
  const applied = JSON.parse(
    (await usedOut.locator('.jp-OutputArea-output').last().innerText()).replace(/^'|'$/g, '')
  );
  expect(applied.batch_size).toBe(batchSize);
  expect(applied.lr).toBeCloseTo(learningRate, 3);
  expect(applied.epochs).toBe(1);
  await cell(page, trainCell).scrollIntoViewIfNeeded();
  await screenshotStep(page, 'trained-again');

  await expectNoErrors(page);
  expect(pageErrors).toEqual([]);
  await closeWithoutSaving(page);
});
