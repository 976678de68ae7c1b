/**
 * Helpers of the journey test: open a notebook from the file browser as a user does, add cells
 * to the open notebook, and keep a numbered screenshot of every step.
 */
import { expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { visibleNotebook } from './builder-notebook';

/** CI keeps ui-tests/artifacts; the journey's screenshots go to a folder of their own. */
export const JOURNEY_SHOTS = path.join(__dirname, '..', 'artifacts', 'journey');

let shot = 0;

/** Saves the whole window as NN-<name>.png, numbered in the order the steps happen. */
export async function screenshotStep(page: Page, name: string): Promise<string> {
  fs.mkdirSync(JOURNEY_SHOTS, { recursive: true });
  shot += 1;
  const file = path.join(JOURNEY_SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Double-clicks a file in the file browser, as a user opens a notebook. */
export async function openFromFileBrowser(page: Page, name: string): Promise<void> {
  const item = page.locator('.jp-DirListing-item', { hasText: name }).first();
  await expect(item).toBeVisible({ timeout: 60_000 });
  await item.dblclick();
  await expect(page.locator(visibleNotebook)).toBeVisible({ timeout: 60_000 });
}

/**
 * Appends a code cell holding `source` to the notebook in front and returns its index. It goes
 * through the notebook model (what pasting does): typing into the editor would add the closing
 * brackets the editor completes on its own.
 */
export async function appendCodeCell(page: Page, source: string): Promise<number> {
  const index = await page.evaluate(text => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const shared = panel.content.model.sharedModel;
    const at = shared.cells.length;
    shared.insertCell(at, { cell_type: 'code', source: text });
    return at;
  }, source);
  await expect(page.locator(`${visibleNotebook} .jp-Cell`)).toHaveCount(index + 1);
  return index;
}

/** Closes the notebook in front without saving it and shuts its kernel down. */
export async function closeWithoutSaving(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const panel = (window as any).jupyterapp.shell.currentWidget;
    await panel.sessionContext.shutdown();
    panel.context.model.dirty = false;
    panel.close();
  });
  await expect(page.locator(visibleNotebook)).toHaveCount(0);
}
