/**
 * The live pipeline graph in a real JupyterLab with the real medflow kernel: editing in the
 * widget reaches the kernel's pipeline (the next cell reads it), a cell's change redraws the
 * widget, out-of-range values are refused, the processing result follows the parameters,
 * runs from the graph mark the nodes, and the widget goes static when its kernel restarts.
 * Screenshots in the light and dark theme are compared with the committed snapshots.
 */
import { expect, type Browser, type Locator, type Page, test } from '@playwright/test';
import { base, savedOutput, waitForIdleMedflowKernel, writeNotebook } from './builder-notebook';

const NOTEBOOK = 'pipeline-widget-test.ipynb';

/** The cells of the test notebook (TypeScript, run by the medflow kernel). */
const CELLS = [
  [
    'import * as mf from "medflow";',
    "const data = await mf.datasets.load('pneumoniamnist');",
    "const p = mf.pipeline({ name: 'widget-test', seed: 1 })",
    '  .input(data)',
    "  .add('rescale')",
    "  .add('gamma_correction', { gamma: 1.5 });",
    'p'
  ],
  ["p.step('gamma_correction_1').params.gamma"],
  ["p.set('gamma_correction_1', { gamma: 0.5 }).step('gamma_correction_1').params.gamma"],
  ["p.steps.map(s => s.id).join(' > ')"],
  ['display(p);'],
  [
    "p.network(mf.networks.builtin('small_cnn', { classes: 2 }));",
    "p.toJSON().network!.layers.find(l => l.id === 'conv1')!.params.filters"
  ],
  ["p.toJSON().network!.layers.find(l => l.id === 'conv1')!.params.filters"],
  [
    "mf.networks.builder('widget_net', { from: 'small_cnn', options: { classes: 2 } }).save();",
    "mf.networks.list().filter(n => n.source === 'my').map(n => n.name).join(', ')"
  ],
  ['p.toJSON().network!.name']
];

/** Runs cell `index` of the open notebook and waits until it finished. */
async function runCell(page: Page, index: number): Promise<void> {
  await page.evaluate(async i => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const app = (window as any).jupyterapp;
    const panel = app.shell.currentWidget;
    panel.content.activeCellIndex = i;
    await app.commands.execute('notebook:run-cell');
  }, index);
  await expect(
    page.locator('.jp-Notebook .jp-Cell').nth(index).locator('.jp-InputPrompt')
  ).not.toContainText('*');
}

const output = (page: Page, index: number): Locator =>
  page.locator('.jp-Notebook .jp-Cell').nth(index).locator('.jp-OutputArea-output').first();

let page: Page;
let editor: Locator;
const pageErrors: string[] = [];

test.describe.serial('the live pipeline graph', () => {
  test.describe.configure({ timeout: 120_000 });

  test.beforeAll(async ({ browser }: { browser: Browser }) => {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await writeNotebook(
      page,
      NOTEBOOK,
      CELLS.map(lines => lines.join('\n'))
    );
    page.on('pageerror', err => pageErrors.push(err.message));
    // A workspace of its own: the other specs restore the default one and must not find this
    // notebook open in it.
    await page.goto(`${base()}/lab/workspaces/pipeline-widget/tree/${NOTEBOOK}`);
    await expect(page.locator('.jp-NotebookPanel')).toBeVisible({ timeout: 60_000 });
    await waitForIdleMedflowKernel(page, NOTEBOOK);
    await runCell(page, 0);
    editor = page.getByTestId('medflow-pipeline-editor').first();
    await expect(editor).toHaveAttribute('data-status', 'live', { timeout: 60_000 });
    await expect(editor.locator('.medflow-LiveStatus')).toHaveText('Live: connected to the kernel');
  });

  test.afterAll(async () => {
    // Leave the workspace as we found it: the next spec restores it and expects no unsaved
    // notebook; the test notebook's kernel is shut down.
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const panel = (window as any).jupyterapp.shell.currentWidget;
      await panel.sessionContext.shutdown();
      panel.context.model.dirty = false;
      panel.close();
    });
    await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  test('inserts modules dragged onto an edge or the canvas; undo, duplicate, delete', async () => {
    // Clicks a step until the panel shows it: right after a cell ran, the graph may still be
    // moving to its new layout, and a click that lands beside the node selects nothing.
    const selectStep = async (id: string) =>
      expect(async () => {
        await editor.getByTestId(`medflow-node-step-${id}`).click();
        await expect(editor.getByTestId('medflow-parameter-panel')).toContainText(id, {
          timeout: 2_000
        });
      }).toPass({ timeout: 30_000 });
    // Keys go to the node's React Flow wrapper (focusable), as they do after a user's click;
    // pressing on the page could reach the body if a re-render moved the focus.
    const pressOn = (id: string, key: string) =>
      editor
        .locator('.react-flow__node', { has: page.getByTestId(`medflow-node-step-${id}`) })
        .press(key);
    const palette = editor.getByRole('region', { name: 'Module palette' });
    await expect(palette.getByText('Grayscale', { exact: true })).toBeVisible();
    await palette.getByRole('searchbox', { name: 'Search modules and networks' }).fill('invert');
    const invert = palette.getByTestId('medflow-palette-invert');
    await expect(palette.locator('.medflow-Palette-module')).toHaveCount(1);
    const edge = editor.getByTestId('rf__edge-edge-step-rescale_1-step-gamma_correction_1');
    // HTML5 drag and drop as the browser delivers it (dragstart → dragover → drop with one
    // DataTransfer); Playwright's mouse-driven dragTo stalls on native drags in headless mode.
    const transfer = await page.evaluateHandle(() => new DataTransfer());
    await invert.dispatchEvent('dragstart', { dataTransfer: transfer });
    await edge.dispatchEvent('dragover', { dataTransfer: transfer });
    await edge.dispatchEvent('drop', { dataTransfer: transfer });
    await expect(editor.getByTestId('medflow-node-step-invert_1')).toBeVisible();
    // The kernel's pipeline has it, between the two steps.
    await runCell(page, 3);
    await expect(output(page, 3)).toHaveText("'rescale_1 > invert_1 > gamma_correction_1'");
    // Undo removes it again (Ctrl+Z on the graph).
    await editor.getByTestId('medflow-node-step-invert_1').click();
    await page.keyboard.press('Control+z');
    await expect(editor.getByTestId('medflow-node-step-invert_1')).toHaveCount(0);
    await runCell(page, 3);
    await expect(output(page, 3)).toHaveText("'rescale_1 > gamma_correction_1'");
    // Duplicate and delete from the keyboard.
    await selectStep('gamma_correction_1');
    await pressOn('gamma_correction_1', 'Control+d');
    const copy = editor.getByTestId('medflow-node-step-gamma_correction_2');
    await expect(copy).toContainText('gamma1.5');
    // The copy is selected once the kernel has answered (its panel shows it): Delete removes it.
    await expect(editor.getByTestId('medflow-parameter-panel')).toContainText('gamma_correction_2');
    await pressOn('gamma_correction_2', 'Delete');
    await expect(copy).toHaveCount(0);
    await expect(editor.getByTestId('medflow-node-step-gamma_correction_1')).toBeVisible();

    // Dropped on the empty canvas left of every step, the module becomes the first step.
    const rescale = await editor.getByTestId('medflow-node-step-rescale_1').boundingBox();
    const onCanvas = { clientX: rescale!.x - 5, clientY: rescale!.y - 80 };
    const pane = editor.locator('.react-flow__pane');
    await invert.dispatchEvent('dragstart', { dataTransfer: transfer });
    await pane.dispatchEvent('dragover', { dataTransfer: transfer, ...onCanvas });
    await pane.dispatchEvent('drop', { dataTransfer: transfer, ...onCanvas });
    await expect(editor.getByTestId('medflow-node-step-invert_1')).toBeVisible();
    await runCell(page, 3);
    await expect(output(page, 3)).toHaveText("'invert_1 > rescale_1 > gamma_correction_1'");
    await selectStep('invert_1');
    await pressOn('invert_1', 'Delete');
    await expect(editor.getByTestId('medflow-node-step-invert_1')).toHaveCount(0);
  });

  test('a parameter changed in the panel is what the next cell reads', async () => {
    await editor.getByTestId('medflow-node-step-gamma_correction_1').click();
    const panel = editor.getByTestId('medflow-parameter-panel');
    await expect(panel.getByRole('heading', { name: /gamma_correction/ })).toBeVisible();
    // Hovering the name tells the description and the constraint.
    await expect(panel.locator('label[for="root_gamma"]')).toHaveAttribute(
      'title',
      'Exponent applied to values normalised to [0, 1]. (number, >0 … 10, default 1)'
    );
    await panel.locator('#root_gamma').fill('2.5');
    await expect(editor.getByTestId('medflow-node-step-gamma_correction_1')).toContainText(
      'gamma2.5'
    );
    await runCell(page, 1);
    await expect(output(page, 1)).toHaveText('2.5');
  });

  test('a change made by a cell updates the graph and the panel', async () => {
    await runCell(page, 2);
    await expect(output(page, 2)).toHaveText('0.5');
    const panel = editor.getByTestId('medflow-parameter-panel');
    await expect(panel.locator('#root_gamma')).toHaveValue('0.5');
    await expect(editor.getByTestId('medflow-node-step-gamma_correction_1')).toContainText(
      'gamma0.5'
    );
  });

  test('an out-of-range value is refused on the spot and never reaches the kernel', async () => {
    const panel = editor.getByTestId('medflow-parameter-panel');
    await panel.locator('#root_gamma').fill('20');
    await expect(panel.locator('.medflow-ParamField-errors')).toContainText('must be <= 10');
    await page.waitForTimeout(600); // longer than the panel's debounce
    await runCell(page, 1);
    await expect(output(page, 1)).toHaveText('0.5');
    await panel.locator('#root_gamma').fill('0.5');
    await expect(panel.locator('.medflow-ParamField-errors')).toHaveCount(0);
  });

  test('the processing result follows a parameter change', async () => {
    const result = editor.getByTestId('medflow-processing-result');
    await expect(result.getByRole('option')).toHaveCount(8);
    const stage = result.getByTestId('medflow-stage-rescale_1');
    await expect(stage.getByTestId('medflow-stage-shape')).toHaveText('28×28');
    const upper = async () =>
      Number((await stage.getByTestId('medflow-stage-range').innerText()).split('…')[1]);
    const before = await upper();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(1);
    await editor.getByTestId('medflow-node-step-rescale_1').click();
    await editor.getByTestId('medflow-parameter-panel').locator('#root_max').fill('4');
    await expect.poll(upper).toBeCloseTo(before * 4, 2);
    // Another sample from the thumbnails shows another image.
    const image = stage.locator('img');
    const src = await image.getAttribute('src');
    await result.getByRole('option').nth(3).click();
    await expect(image).not.toHaveAttribute('src', src!);
    await expect(result.getByRole('spinbutton', { name: 'Sample index' })).not.toHaveValue('0');
  });

  test('a sample run marks every step done with its output shape', async () => {
    await editor.getByRole('button', { name: 'Sample run' }).click();
    const node = editor.getByTestId('medflow-node-step-gamma_correction_1');
    await expect(node.getByTestId('medflow-run-state')).toHaveText('done');
    await expect(node.getByTestId('medflow-node-shape')).toHaveText('8×28×28×1');
    // No network yet: the node says so.
    await expect(editor.getByTestId('medflow-node-network')).toContainText(
      'no network: call .network(doc)'
    );
  });

  test('light and dark theme screenshots', async () => {
    await editor.getByTestId('medflow-node-step-gamma_correction_1').click();
    await page.mouse.move(0, 0);
    await expect(editor).toHaveScreenshot('pipeline-widget-light.png', {
      maxDiffPixelRatio: 0.03,
      animations: 'disabled'
    });
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Dark'
      });
    });
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    await expect(editor).toHaveScreenshot('pipeline-widget-dark.png', {
      maxDiffPixelRatio: 0.03,
      animations: 'disabled'
    });
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Light'
      });
    });
  });

  test('two views of one pipeline stay in sync', async () => {
    await runCell(page, 4);
    const second = page.getByTestId('medflow-pipeline-editor').nth(1);
    await expect(second).toHaveAttribute('data-status', 'live');
    await editor.getByTestId('medflow-node-step-gamma_correction_1').click();
    await editor.getByTestId('medflow-parameter-panel').locator('#root_gamma').fill('3');
    await expect(second.getByTestId('medflow-node-step-gamma_correction_1')).toContainText(
      'gamma3'
    );
    await runCell(page, 1);
    await expect(output(page, 1)).toHaveText('3');
  });

  test('"View layers" opens the network in the layer builder; its edits reach the pipeline', async () => {
    await runCell(page, 5);
    await expect(output(page, 5)).toHaveText('16');
    await editor.getByTestId('medflow-node-network').click();
    await editor.getByRole('button', { name: 'View layers' }).click();
    const tab = page.locator('.jp-MainAreaWidget .medflow-NetworkBuilderPanel');
    await expect(tab.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');
    await expect(
      page.locator('.lm-TabBar-tab', { hasText: 'Layers of widget-test-network' })
    ).toBeVisible();
    // Shapes come from the pipeline's processed images (28×28×1 in, 28×28×16 after conv1).
    const conv1 = tab.locator('.react-flow__node[data-id="conv1"]');
    await expect(conv1).toContainText('28×28×16');
    await conv1.click();
    await tab.locator('.medflow-ParamRow[data-param="filters"] input').fill('12');
    await expect(conv1).toContainText('28×28×12');
    await page.locator('.lm-TabBar-tab', { hasText: NOTEBOOK }).click();
    await runCell(page, 6);
    await expect(output(page, 6)).toHaveText('12');
    await page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const shell = (window as any).jupyterapp.shell;
      for (const w of [...shell.widgets('main')])
        if (w.node.querySelector('.medflow-NetworkBuilderPanel')) w.close();
    });
  });

  test('a network saved in My networks is in the palette; dropped on the graph it becomes the network', async () => {
    await runCell(page, 8);
    const before = await output(page, 8).innerText();
    await runCell(page, 7);
    await expect(output(page, 7)).toHaveText("'widget_net'");
    // The save reached the open widget: its palette lists the network, marked as the user's.
    const palette = editor.getByRole('region', { name: 'Module palette' });
    await palette.getByRole('searchbox', { name: 'Search modules and networks' }).fill('net');
    const mine = palette.getByTestId('medflow-palette-network-my-widget_net');
    await expect(mine).toContainText('My');
    await expect(palette.getByTestId('medflow-palette-network-builtin-resnet18')).toBeVisible();
    const transfer = await page.evaluateHandle(() => new DataTransfer());
    const pane = editor.locator('.react-flow__pane');
    await mine.dispatchEvent('dragstart', { dataTransfer: transfer });
    await pane.dispatchEvent('dragover', { dataTransfer: transfer });
    await pane.dispatchEvent('drop', { dataTransfer: transfer });
    await expect(editor.getByTestId('medflow-node-network')).toContainText('widget_net');
    await runCell(page, 8);
    await expect(output(page, 8)).toHaveText("'widget_net'");
    // Ctrl+Z on the graph puts the earlier network back.
    await editor.getByTestId('medflow-node-network').click();
    await page.keyboard.press('Control+z');
    await expect(editor.getByTestId('medflow-node-network')).not.toContainText('widget_net');
    await runCell(page, 8);
    await expect(output(page, 8)).toHaveText(before);
  });

  test('after a kernel restart the widget shows the saved pipeline, static, and says why', async () => {
    // The notebook saves the pipeline as last edited, not as the cell first showed it.
    const node = editor.getByTestId('medflow-node-step-gamma_correction_1');
    const savedGamma = async () => {
      const saved = await savedOutput<{ steps: { id: string; params: { gamma?: number } }[] }>(
        page,
        0,
        'application/vnd.medflow.pipeline+json'
      );
      return saved?.steps.find(s => s.id === 'gamma_correction_1')?.params.gamma;
    };
    await expect.poll(savedGamma).not.toBe(1.5);
    await expect(node).toContainText(`gamma${await savedGamma()}`);
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart();
    });
    await expect(editor).toHaveAttribute('data-status', 'static', { timeout: 60_000 });
    await expect(editor.locator('.medflow-LiveStatus')).toHaveText(
      'Static: the kernel no longer has this object (run the cell again)'
    );
    await expect(editor.getByTestId('medflow-node-step-gamma_correction_1')).toBeVisible();
    await expect(editor.getByRole('button', { name: 'Undo' })).toBeDisabled();
  });
});
