/**
 * The layer builder in a real JupyterLab with the real kernel: build a small network by drag
 * and drop, edit a parameter in the panel, undo/redo, see shapes, red layers and the weight
 * count, save it to My networks, change it from a cell, and train it (the live training view
 * then shows the run and its results).
 */
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dragBetween,
  expectNoErrors,
  medflowHome,
  openNotebook,
  runCell,
  savedOutput,
  writeNotebook,
  resetWorkspace
} from './builder-notebook';

test.afterEach(async ({ page }) => resetWorkspace(page));

const NOTEBOOK = 'builder-drag-drop.ipynb';
const SNAPSHOTS = path.join(__dirname, 'builder-drag-drop.spec.ts-snapshots');

test('build a network by drag and drop, save it, edit it from a cell, train it', async ({
  page
}) => {
  test.setTimeout(300_000);
  // Actions fail fast (a stuck drag is a bug, not slowness); cells have their own timeouts.
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', err => pageErrors.push(err.message));
  await writeNotebook(page, NOTEBOOK, [
    `import * as mf from "medflow";\nprocess.env.MEDFLOW_HOME = ${JSON.stringify(medflowHome())};\nconst net = mf.networks.builder("tiny", { inputShape: [28, 28, 1] });\nnet`,
    `net.layers.map(l => l.type).join(" > ") + " | my: " + mf.networks.list().filter(n => n.source === "my").map(n => n.name)`,
    `net.setParams("conv2d_1", { filters: 8 }); "filters set"`,
    `mf.networks.builder("small_cnn")`,
    `const data = await mf.datasets.load("breastmnist");\nconst p = mf.pipeline({ name: "built", seed: 1 }).input(data).add("rescale").network(net)\n  .training({ epochs: 2, batch_size: 64, optimizer: { name: "adam", lr: 0.01 } });\nconst run = await p.train({ verbose: false, live: true });\nrun.history.length`
  ]);
  await openNotebook(page, NOTEBOOK);

  const out = await runCell(page, 0);
  const builder = out.locator('.medflow-NetworkBuilder');
  await expect(builder.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');
  await expect(builder.locator('.react-flow__node')).toHaveCount(1);
  // The palette (from the kernel's catalog) is grouped by category.
  await expect(builder.locator('.medflow-NetworkBuilder-palette summary')).toContainText([
    'Input',
    'Convolution',
    'Pooling',
    'Normalization',
    'Activation',
    'Regularization',
    'Core',
    'Merge',
    'Reshaping'
  ]);

  const canvas = builder.locator('.medflow-NetworkBuilder-canvas');
  const box = (await canvas.boundingBox())!;
  const drop = async (type: string, x: number, y: number) => {
    await builder.locator(`[data-layer-type="${type}"]`).dragTo(canvas, {
      targetPosition: { x, y }
    });
  };
  const node = (id: string) => builder.locator(`.react-flow__node[data-id="${id}"]`);
  const wire = async (from: string, to: string) => {
    await dragBetween(
      page,
      node(from).locator('.react-flow__handle.source'),
      node(to).locator('.react-flow__handle.target')
    );
  };

  // Drop points away from the Input layer, which a new network shows in the middle, and with
  // every handle well inside the canvas: React Flow pans the canvas while a connection is
  // dragged within 40 px of its edge, and the target would slide away from the pointer.
  await drop('Conv2D', box.width * 0.05, box.height * 0.78);
  await expect(node('conv2d_1')).toBeVisible();
  // Not connected yet: red, with the reason.
  await expect(node('conv2d_1').locator('.medflow-LayerNode')).toHaveClass(/medflow-mod-invalid/);
  await expect(node('conv2d_1')).toContainText('takes exactly 1 input, has 0');
  await wire('input', 'conv2d_1');
  await expect(node('conv2d_1').locator('.medflow-LayerNode')).not.toHaveClass(
    /medflow-mod-invalid/
  );
  await expect(node('conv2d_1')).toContainText('26×26×16');

  await drop('GlobalAveragePooling2D', box.width * 0.6, box.height * 0.15);
  await wire('conv2d_1', 'globalaveragepooling2d_1');
  await drop('Dense', box.width * 0.6, box.height * 0.78);
  await wire('globalaveragepooling2d_1', 'dense_1');
  await expect(node('dense_1')).toContainText('2');
  await expect(builder.locator('.react-flow__edge')).toHaveCount(3);
  await expect(
    builder.locator('.react-flow__edge-textwrapper', { hasText: '26×26×16' })
  ).toHaveCount(1);
  // Conv 3·3·1·16 + 16 = 160, Dense 16·2 + 2 = 34.
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('194 weights');
  await expect(builder.locator('.medflow-NetworkBuilder-check')).toHaveText('valid');

  // The parameter panel: name, value, information; an edit reaches the kernel's check.
  await node('dense_1').click();
  const units = builder.locator('.medflow-ParamRow[data-param="units"]');
  await expect(units.locator('.medflow-ParamRow-info')).not.toBeEmpty();
  await units.locator('input').fill('3');
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('211 weights');
  // Undo and redo the edit.
  await builder.getByRole('button', { name: 'Undo' }).click();
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('194 weights');
  await builder.getByRole('button', { name: 'Redo' }).click();
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('211 weights');
  await units.locator('input').fill('2');
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('194 weights');

  // The notebook's saved copy of the output holds the network as built, not the lone Input.
  await expect
    .poll(async () => {
      const saved = await savedOutput<{ network: { layers: { type: string }[] } }>(
        page,
        0,
        'application/vnd.medflow.network+json'
      );
      return saved?.network.layers.map(l => l.type).join(' > ');
    })
    .toBe('Input > Conv2D > GlobalAveragePooling2D > Dense');
  await builder.getByRole('button', { name: 'Arrange' }).click();
  await builder.getByRole('button', { name: 'Save' }).click();
  await expect(builder.locator('.medflow-NetworkBuilder-notice')).toContainText('tiny.json');
  fs.mkdirSync(SNAPSHOTS, { recursive: true });
  await builder.screenshot({ path: path.join(SNAPSHOTS, 'builder-built.png') });
  const saved = JSON.parse(
    fs.readFileSync(path.join(medflowHome(), 'networks', 'tiny.json'), 'utf8')
  );
  expect(saved.layers.map((l: { type: string }) => l.type)).toEqual([
    'Input',
    'Conv2D',
    'GlobalAveragePooling2D',
    'Dense'
  ]);

  // The kernel's object has the widget's edits; My networks lists the saved one.
  const listed = await runCell(page, 1);
  await expect(listed).toContainText('Input > Conv2D > GlobalAveragePooling2D > Dense | my: tiny');
  // An edit from a cell reaches the widget.
  await runCell(page, 2);
  await expect(node('conv2d_1')).toContainText('26×26×8');
  await expect(builder.locator('.medflow-NetworkBuilder-count')).toHaveText('98 weights');

  // The same network in a main-area tab: a second live view of the same kernel object.
  await page.evaluate(() =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).jupyterapp.commands.execute('medflow:open-network-builder')
  );
  const tab = page.locator('.jp-MainAreaWidget .medflow-NetworkBuilderPanel');
  await expect(tab.locator('.medflow-LiveStatus')).toHaveAttribute('data-status', 'live');
  await expect(tab.locator('.react-flow__node')).toHaveCount(4);
  await expect(tab.locator('.medflow-NetworkBuilder-count')).toHaveText('98 weights');
  await page.locator('.lm-TabBar-tab', { hasText: 'builder-drag-drop.ipynb' }).click();

  // A built-in opens read-only; "Duplicate to edit" turns the view into an editable copy.
  const builtin = (await runCell(page, 3)).locator('.medflow-NetworkBuilder');
  await expect(builtin.locator('.medflow-NetworkBuilder-badge')).toHaveText('built-in, read-only');
  await expect(builtin.getByRole('button', { name: 'Save' })).toBeDisabled();
  await builtin.getByLabel('Name of your copy').fill('my_cnn');
  await builtin.getByRole('button', { name: 'Duplicate to edit' }).click();
  await expect(builtin.locator('.medflow-NetworkBuilder-name')).toHaveText('my_cnn');
  await expect(builtin.locator('.medflow-NetworkBuilder-badge')).toHaveCount(0);
  await expect(builtin.getByRole('button', { name: 'Save' })).toBeEnabled();

  // Train it: the live training view follows the run and ends with the results.
  const trained = await runCell(page, 4, 240_000);
  const view = trained.locator('.medflow-TrainingView');
  await expect(view).toHaveAttribute('data-status', 'done');
  await expect(view.locator('.medflow-TrainingView-epoch')).toHaveText('epoch 2/2');
  await expect(view.locator('.medflow-TrainingView-confusion tbody tr')).toHaveCount(2);
  await expect(view.locator('.medflow-TrainingView-gradcam img')).toHaveCount(4);
  await expect(view.locator('.medflow-Chart[data-rendered="true"]')).toHaveCount(3);
  await expect(view.locator('.medflow-Chart .scatterlayer .trace')).not.toHaveCount(0);
  await view.screenshot({ path: path.join(SNAPSHOTS, 'training-view-done.png') });
  await expectNoErrors(page);
  expect(pageErrors).toEqual([]);
});
