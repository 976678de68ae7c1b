/**
 * The live training view's stop button in a real JupyterLab with the real kernel: p.train()
 * shows the view, Stop cancels training after the current batch (the cell ends with the
 * cancellation), and the saved notebook keeps the view's last state.
 */
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  base,
  cell,
  labRoot,
  openNotebook,
  startCell,
  visibleNotebook,
  writeNotebook,
  resetWorkspace
} from './builder-notebook';

test.afterEach(async ({ page }) => resetWorkspace(page));

const NOTEBOOK = 'training-stop.ipynb';
const MIME = 'application/vnd.medflow.training+json';

test('Stop cancels a running training; the saved notebook keeps the last state', async ({
  page
}) => {
  test.setTimeout(300_000);
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', err => pageErrors.push(err.message));
  await writeNotebook(page, NOTEBOOK, [
    [
      'import * as mf from "medflow";',
      'const data = await mf.datasets.load("pneumoniamnist");',
      'const p = mf.pipeline({ name: "stop-me", seed: 1 }).input(data).add("rescale")',
      '  .network(mf.networks.builtin("small_cnn", { classes: 2, filters: 8, blocks: 2 }))',
      '  .training({ epochs: 20, batch_size: 32 });',
      'await p.train();'
    ].join('\n')
  ]);
  await openNotebook(page, NOTEBOOK);
  const out = await startCell(page, 0);
  const view = out.locator('.medflow-TrainingView');
  await expect(view).toHaveAttribute('data-status', 'running', { timeout: 120_000 });
  await expect(view.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');
  // Wait for batches to move the progress bar, then stop.
  await expect
    .poll(async () => Number(await view.locator('progress').getAttribute('value')), {
      timeout: 120_000
    })
    .toBeGreaterThan(0);
  await view.getByRole('button', { name: 'Stop' }).click();
  await expect(view).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect(view.locator('.medflow-TrainingView-message')).toHaveText('training was cancelled');
  await expect(cell(page, 0).locator('.jp-InputPrompt')).toHaveText(/\[\d+\]/);
  await expect(out).toContainText('CancelledError');

  await page.keyboard.press('Control+s');
  // The saved file holds the view's last state (other restored tabs may be unsaved: read it).
  const savedView = () => {
    let saved;
    try {
      saved = JSON.parse(fs.readFileSync(path.join(labRoot(), NOTEBOOK), 'utf8'));
    } catch {
      return undefined; // being written
    }
    const output = saved.cells[0].outputs.find((o: { data?: object }) => o.data && MIME in o.data);
    return output?.data[MIME];
  };
  await expect.poll(() => savedView()?.state.status, { timeout: 30_000 }).toBe('stopped');
  const data = savedView();
  expect(data.state.status).toBe('stopped');
  expect(data.state.epochs).toBe(20);
  expect(data.state.history.length).toBeLessThan(20);

  // Without a kernel, the reopened notebook shows the saved state, and says it is static.
  const sessions = await (await page.request.get(`${base()}/api/sessions`)).json();
  for (const s of sessions) await page.request.delete(`${base()}/api/sessions/${s.id}`);
  await page.reload();
  const reopened = page.locator(`${visibleNotebook} .medflow-TrainingView`).first();
  await expect(reopened).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect(reopened.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'static', {
    timeout: 60_000
  });
  await expect(reopened.getByRole('button', { name: 'Stop' })).toBeDisabled();
  expect(pageErrors).toEqual([]);
});
