/**
 * The live tuning view in a real JupyterLab with the real kernel: a tiny study fills the trial
 * chart, the per-generation chart and the top-5 table as it runs; stop and resume; Apply
 * writes the chosen configuration into the pipeline, which the next cell sees.
 */
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cell,
  expectNoErrors,
  openNotebook,
  runCell,
  savedOutput,
  writeNotebook,
  resetWorkspace
} from './builder-notebook';

test.afterEach(async ({ page }) => resetWorkspace(page));

const NOTEBOOK = 'tuning-apply.ipynb';
const SNAPSHOTS = path.join(__dirname, 'tuning-apply.spec.ts-snapshots');

test('a tiny study fills the chart and the table; Apply changes the pipeline', async ({ page }) => {
  test.setTimeout(420_000);
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', err => pageErrors.push(err.message));
  await writeNotebook(page, NOTEBOOK, [
    [
      'import * as mf from "medflow";',
      'const data = await mf.datasets.load("breastmnist");',
      'const p = mf.pipeline({ name: "tune", seed: 3 }).input(data).add("rescale")',
      '  .network(mf.networks.builtin("small_cnn", { classes: 2, filters: 4, blocks: 1 }))',
      '  .training({ epochs: 1, batch_size: 64, optimizer: { name: "adam", lr: 0.001 } });',
      'const study = p.autotune({ tune: ["learning_rate", "batch_size"], metric: "val_auc",',
      '  population: 3, generations: 2, elitism: 1, concurrency: 2, storage: false, seed: 5, verbose: false });',
      'study'
    ].join('\n'),
    'JSON.stringify({ batch_size: p.toJSON().training.batch_size, lr: p.toJSON().training.optimizer.lr })'
  ]);
  await openNotebook(page, NOTEBOOK);

  const out = await runCell(page, 0);
  const view = out.locator('.medflow-StudyView');
  await expect(view.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');

  // Stop while it runs, then resume: the study goes on to the end.
  const stop = view.getByRole('button', { name: 'Stop' });
  const resume = view.getByRole('button', { name: 'Resume' });
  if (await stop.isEnabled()) {
    await stop.click();
    await expect(view).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
    await resume.click();
  }
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  // 3 trials, then 3 - 1 elite: 5 finished trials.
  await expect(view.locator('.medflow-StudyView-counts')).toHaveText(
    '5 done · 0 running · 0 queued · 0 failed'
  );
  // The notebook's saved copy of the output holds the finished study, not its first state.
  await expect
    .poll(async () => {
      const saved = await savedOutput<{ state: { status: string; trials: unknown[] } }>(
        page,
        0,
        'application/vnd.medflow.study+json'
      );
      return saved && `${saved.state.status}: ${saved.state.trials.length} trials`;
    })
    .toBe('done: 5 trials');
  const trials = view.locator('.medflow-StudyView-trials');
  await expect(trials).toHaveAttribute('data-rendered', 'true');
  await expect(trials.locator('.scatterlayer .trace').first().locator('.points path')).toHaveCount(
    5
  );
  await expect(view.locator('.medflow-StudyView-generations .scatterlayer .trace')).toHaveCount(3);
  const rows = view.locator('.medflow-StudyView-table tbody tr');
  await expect(rows).toHaveCount(5);
  // Filters: one generation, another metric.
  await view.getByLabel('Generation', { exact: true }).selectOption('1');
  await expect(
    view
      .locator('.medflow-StudyView-generations .scatterlayer .trace')
      .first()
      .locator('.points path')
  ).toHaveCount(1);
  await view.getByLabel('Generation', { exact: true }).selectOption('');
  // Trials carry per-class metrics: the class filter offers the dataset's classes.
  await expect(view.getByLabel('Class', { exact: true }).locator('option')).toHaveText([
    'all',
    'malignant',
    'normal/benign'
  ]);
  await view.getByLabel('Class', { exact: true }).selectOption('malignant');
  await expect(
    view.locator('.medflow-StudyView-trials .scatterlayer .trace').first().locator('.points path')
  ).toHaveCount(5);
  await view.getByLabel('Class', { exact: true }).selectOption('');
  await view.getByLabel('Metric', { exact: true }).selectOption('loss');
  await expect(view.locator('.medflow-StudyView-trials')).toHaveAttribute('aria-label', /Trials/);
  await view.getByLabel('Metric', { exact: true }).selectOption('auc');

  // Apply the best configuration: the pipeline takes its parameters.
  const best = rows.first();
  const headers = await view.locator('.medflow-StudyView-table thead th').allInnerTexts();
  const cellsText = await best.locator('td').allInnerTexts();
  const value = (name: string) => cellsText[headers.indexOf(name)];
  const trialId = await best.getAttribute('data-trial');
  await best.getByRole('button', { name: 'Apply' }).click();
  await expect(view.locator('.medflow-StudyView-notice')).toHaveText(
    `Applied trial ${trialId} to the pipeline`
  );
  fs.mkdirSync(SNAPSHOTS, { recursive: true });
  await view.screenshot({ path: path.join(SNAPSHOTS, 'tuning-view-done.png') });

  const next = await runCell(page, 1);
  const applied = JSON.parse(
    (await next.locator('.jp-OutputArea-output').last().innerText()).replace(/^'|'$/g, '')
  );
  expect(applied.batch_size).toBe(Number(value('batch_size')));
  expect(applied.lr).toBeCloseTo(Number(value('learning_rate')), 3);
  await expect(cell(page, 1).locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/);
  await expectNoErrors(page);
  expect(pageErrors).toEqual([]);
});
