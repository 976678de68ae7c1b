import { expect, Page, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

const NOTEBOOK = '01-quickstart.ipynb';
const base = () => process.env.MEDFLOW_LAB_BASE as string;

/** The notebook's kernel is connected, idle and is the medflow kernel. */
async function waitForMedflowKernel(page: Page): Promise<void> {
  // The toolbar says "idle" before the session has a kernel (ENVIRONMENT.md), so ask the
  // session itself; `window.jupyterapp` exists because the test server exposes it.
  await page.waitForFunction(
    () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const app = (window as any).jupyterapp;
      const kernel = app?.shell?.currentWidget?.sessionContext?.session?.kernel;
      return (
        kernel?.name === 'medflow' &&
        kernel.connectionStatus === 'connected' &&
        kernel.status === 'idle'
      );
    },
    undefined,
    { timeout: 120_000 }
  );
}

async function openNotebook(page: Page): Promise<void> {
  await page.goto(`${base()}/lab/tree/${NOTEBOOK}`);
  await expect(page.locator('.jp-NotebookPanel')).toBeVisible({ timeout: 60_000 });
  await waitForMedflowKernel(page);
}

async function runAllCellsFromTheMenu(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
}

test('the quick-start notebook runs top to bottom on the medflow kernel', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', err => pageErrors.push(err.message));

  await openNotebook(page);
  await expect(page.locator('.jp-KernelName, .jp-Toolbar-kernelName').first()).toContainText(
    'medflow'
  );
  await runAllCellsFromTheMenu(page);

  // Training finishes and the notebook prints validation metrics.
  const metrics = page.locator('.jp-OutputArea-output', { hasText: /validation accuracy/i }).last();
  await expect(metrics).toBeVisible({ timeout: 6 * 60_000 });
  const text = (await metrics.innerText()).toLowerCase();
  const value = (name: string) =>
    Number((text.match(new RegExp(`${name}\\D*([01]\\.\\d+)`)) || [])[1]);
  expect(value('validation accuracy')).toBeGreaterThan(0.7);
  expect(value('sensitivity')).toBeGreaterThan(0.5);
  expect(value('specificity')).toBeGreaterThan(0.3);

  // No cell failed: every prompt shows an execution count, no error output.
  await expect(page.locator('.jp-InputPrompt', { hasText: '[*]' })).toHaveCount(0);
  await expect(
    page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', {
      hasText: /Error/
    })
  ).toHaveCount(0);

  // The pipeline shows as a React Flow graph: dataset → steps → network → training.
  const graph = page.getByTestId('medflow-pipeline-graph').first();
  await expect(graph).toBeVisible();
  await expect(graph.getByTestId('medflow-node-dataset')).toContainText('pneumoniamnist');
  await expect(graph.getByTestId('medflow-node-network')).toBeVisible();
  await expect(graph.getByTestId('medflow-node-training')).toBeVisible();
  const stepNodes = graph.locator('.medflow-PipelineNode');
  expect(await stepNodes.count()).toBeGreaterThanOrEqual(5);
  await expect(graph.locator('.react-flow__edge')).toHaveCount((await stepNodes.count()) - 1);
  await page.screenshot({ path: path.join(__dirname, '..', 'artifacts', 'quickstart-run.png') });

  // Saved with its outputs, the notebook shows the graph again when reopened.
  await page.keyboard.press('Control+s');
  await expect(page.locator('.jp-mod-dirty')).toHaveCount(0, { timeout: 30_000 });
  const saved = JSON.parse(
    fs.readFileSync(path.join(process.env.MEDFLOW_LAB_ROOT!, NOTEBOOK), 'utf8')
  );
  const mimeTypes = saved.cells.flatMap((c: { outputs?: { data?: object }[] }) =>
    (c.outputs ?? []).flatMap(o => Object.keys(o.data ?? {}))
  );
  expect(mimeTypes).toContain('application/vnd.medflow.pipeline+json');

  await page.reload();
  await expect(page.locator('.jp-NotebookPanel')).toBeVisible({ timeout: 60_000 });
  const reopened = page.getByTestId('medflow-pipeline-graph').first();
  await expect(reopened.getByTestId('medflow-node-dataset')).toContainText('pneumoniamnist', {
    timeout: 60_000
  });
  expect(pageErrors).toEqual([]);
});
