/**
 * Helpers of the browser tests: write a notebook through the server's contents API, open it on
 * the medflow kernel, run one cell and read its output.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import * as path from 'node:path';

export const base = (): string => process.env.MEDFLOW_LAB_BASE as string;
export const labRoot = (): string => process.env.MEDFLOW_LAB_ROOT as string;

/** Where these tests' "My networks" go: inside the server's temporary root. */
export const medflowHome = (): string => path.join(labRoot(), 'medflow-home');

/**
 * Empties the workspace after a test, so that the next test (of any spec) does not find this
 * test's notebooks restored as hidden tabs, with outputs its page-wide locators would match.
 */
export async function resetWorkspace(page: Page): Promise<void> {
  // Leave the page first (it saves its layout on the way out), then delete what was saved.
  await page.goto('about:blank');
  const api = `${base()}/lab/api/workspaces`;
  const listing = await (await page.request.get(api)).json();
  const ids: string[] = (listing?.workspaces?.ids as string[] | undefined) ?? [];
  for (const id of ids) await page.request.delete(`${api}/${id}`);
}

export async function writeNotebook(page: Page, name: string, cells: string[]): Promise<void> {
  const content = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'medflow', display_name: 'medflow (TypeScript)', language: 'typescript' }
    },
    cells: cells.map((source, i) => ({
      id: `cell-${i}`,
      cell_type: 'code',
      metadata: {},
      source,
      outputs: [],
      execution_count: null
    }))
  };
  const response = await page.request.put(`${base()}/api/contents/${name}`, {
    data: { type: 'notebook', format: 'json', content }
  });
  expect(response.ok()).toBe(true);
}

/** The notebook in front (other restored tabs are hidden). */
export const visibleNotebook = '.jp-NotebookPanel:not(.lm-mod-hidden)';

export async function openNotebook(page: Page, name: string): Promise<void> {
  await page.goto(`${base()}/lab/tree/${name}`);
  await expect(page.locator(visibleNotebook).first()).toBeVisible({ timeout: 60_000 });
  await waitForIdleMedflowKernel(page, name);
}

/**
 * Waits until the notebook in front is `notebook` with its medflow kernel connected and idle.
 * The toolbar says "idle" before the session has a kernel: this asks the session itself, of
 * this notebook (the workspace may restore another notebook's tab as well).
 */
export async function waitForIdleMedflowKernel(
  page: Page,
  notebook: string,
  timeout = 120_000
): Promise<void> {
  await page.waitForFunction(
    path => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const widget = (window as any).jupyterapp?.shell?.currentWidget;
      const kernel = widget?.sessionContext?.session?.kernel;
      return (
        widget?.context?.path === path &&
        kernel?.name === 'medflow' &&
        kernel.connectionStatus === 'connected' &&
        kernel.status === 'idle'
      );
    },
    notebook,
    { timeout }
  );
}

export function cell(page: Page, index: number): Locator {
  // The visible notebook: the workspace may restore other notebooks' tabs (hidden).
  return page.locator(`${visibleNotebook} .jp-Cell`).nth(index);
}

/** Runs cell `index` (Shift+Enter) and waits until it finished (its prompt shows a number). */
export async function runCell(page: Page, index: number, timeout = 120_000): Promise<Locator> {
  const c = cell(page, index);
  await c.locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Shift+Enter');
  await expect(c.locator('.jp-InputPrompt').first()).toHaveText(/\[\d+\]/, { timeout });
  return c.locator('.jp-OutputArea');
}

/** Runs a cell without waiting for it to finish (for cells that train). */
export async function startCell(page: Page, index: number): Promise<Locator> {
  const c = cell(page, index);
  await c.locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Shift+Enter');
  return c.locator('.jp-OutputArea');
}

/** Resolves after the page has rendered two more frames (React has applied its updates). */
async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))
  );
}

/**
 * Drags a connection from one handle to another as a user does: a press on the source that
 * must start a connection (the handle is marked connecting: in CI a dead handle, whose
 * positions React Flow had lost, started none; the builder now measures such nodes again
 * before a press), then small steps (React Flow finds the handle under the pointer while it
 * moves, and a single jump can miss it), a pause over the target and a last small move before
 * releasing, so that React Flow has taken the target as the connection's end (it decides on
 * pointer moves). What the release connects is for the caller to check.
 *
 * Keep targets over 40 px inside the canvas: React Flow pans the canvas while a connection is
 * dragged near its edge.
 */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  await to.scrollIntoViewIfNeeded();
  await nextFrames(page);
  await from.hover();
  const a = (await from.boundingBox())!;
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 6, { steps: 3 });
  await expect(from, 'the press on the source handle starts a connection').toHaveClass(
    /(^|\s)connectingfrom(\s|$)/,
    { timeout: 2000 }
  );
  const b = (await to.boundingBox())!;
  const [x, y] = [b.x + b.width / 2, b.y + b.height / 2];
  await page.mouse.move(x, y, { steps: 12 });
  await nextFrames(page);
  await page.mouse.move(x + 1, y);
  await page.mouse.move(x, y);
  await nextFrames(page);
  await page.mouse.up();
}

/** No output of the visible notebook shows an error (traceback) or stderr. */
export async function expectNoErrors(page: Page): Promise<void> {
  await expect(
    page.locator(
      `${visibleNotebook} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`
    )
  ).toHaveCount(0);
  await expect(
    page.locator(
      `${visibleNotebook} .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]`
    )
  ).toHaveCount(0);
}

/**
 * The `mime` data of cell `index`'s output as the current notebook would save it (the notebook
 * model, not the page): what a reader without a kernel sees.
 */
export function savedOutput<T>(page: Page, index: number, mime: string): Promise<T | undefined> {
  return page.evaluate(
    ([i, type]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const notebook = (window as any).jupyterapp.shell.currentWidget.context.model.toJSON();
      return notebook.cells[i].outputs
        .map((o: { data?: Record<string, unknown> }) => o.data?.[type])
        .find(Boolean);
    },
    [index, mime] as const
  ) as Promise<T | undefined>;
}
