#!/usr/bin/env node
// Smoke check of the embedded JupyterLab in headless chromium. Builds nothing: it needs
// `npm run build:app` and the compiled CLI (dist/kernel/cli/lab.js), plus any prebuilt
// extensions to check.
//
//   node app/smoke.mjs [--extension DIR]... [--kernel NAME] [--screenshot FILE]
//                      [--server-arg=--MedflowLab.static_dir=DIR]...
//
// It starts the server through startLab() (token on, as for users) with throwaway Jupyter
// dirs, opens a notebook, and checks: JupyterLab starts with no error dialog and no page
// error; every prebuilt extension (each --extension DIR, i.e. a built extension folder with
// its package.json, and labextension/medflow if built) is loaded and its plugins activated;
// a code cell run with Shift+Enter on the kernel (default python3, i.e. ipykernel) shows its
// output. Exit code 0 when all pass.
/* global window, document -- in page.evaluate() callbacks, which run in the browser */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

// Debian's chromium with the flags this closed network needs (shared with ui-tests/).
const CHROMIUM = JSON.parse(
  fs.readFileSync(new URL('../ui-tests/chromium.json', import.meta.url), 'utf8')
);

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const { values } = parseArgs({
  options: {
    extension: { type: 'string', multiple: true, default: [] },
    kernel: { type: 'string', default: 'python3' },
    screenshot: { type: 'string', default: path.join(os.tmpdir(), 'medflow-smoke.png') },
    'server-arg': { type: 'string', multiple: true, default: [] },
    timeout: { type: 'string', default: '90' }
  }
});
const TIMEOUT = Number(values.timeout) * 1000;

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/** Throwaway Jupyter dirs, a notebook to open, and the extensions to load. */
function prepare() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-smoke-'));
  const dirs = {};
  for (const name of ['config', 'data', 'runtime', 'root', 'browser', 'workspaces', 'settings']) {
    dirs[name] = path.join(tmp, name);
    fs.mkdirSync(dirs[name], { recursive: true });
  }
  const expected = [];
  const extensions = [...values.extension];
  const medflow = path.join(ROOT, 'labextension', 'medflow');
  if (fs.existsSync(path.join(medflow, 'package.json'))) {
    expected.push('medflow'); // served from the repo through extra_labextensions_path
  }
  fs.mkdirSync(path.join(dirs.data, 'labextensions'));
  for (const dir of extensions) {
    const { name } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    // Installed as `jupyter labextension install` would: <data dir>/labextensions/<name>.
    const target = path.join(dirs.data, 'labextensions', name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.resolve(dir), target);
    expected.push(name);
  }
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: values.kernel, display_name: values.kernel } },
    cells: [
      {
        cell_type: 'code',
        id: 'smoke-cell',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: values.kernel.startsWith('python') ? 'print(6 * 7)' : 'console.log(6 * 7)'
      }
    ]
  };
  fs.writeFileSync(path.join(dirs.root, 'smoke.ipynb'), JSON.stringify(notebook, null, 1));
  return { tmp, dirs, expected };
}

async function main() {
  const { startLab } = require(path.join(ROOT, 'dist', 'kernel', 'cli', 'lab.js'));
  const { tmp, dirs, expected } = prepare();
  process.env.JUPYTER_CONFIG_DIR = dirs.config;
  process.env.JUPYTER_RUNTIME_DIR = dirs.runtime;

  let t0 = Date.now();
  const lab = await startLab({
    root: dirs.root,
    dataDir: dirs.data,
    open: 'smoke.ipynb',
    extraArgs: [
      '--MedflowLab.expose_app_in_browser=True',
      `--MedflowLab.workspaces_dir=${dirs.workspaces}`,
      `--MedflowLab.user_settings_dir=${dirs.settings}`,
      ...values['server-arg']
    ]
  });
  console.log(`server answered in ${Date.now() - t0} ms: ${lab.url}`);

  const context = await chromium.launchPersistentContext(dirs.browser, {
    ...CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 }
  });
  const consoleLines = [];
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', msg => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', error => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', request =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`)
    );
    page.on('response', response => {
      if (response.status() >= 400) {
        problems.push(`HTTP ${response.status()} ${response.url()}`);
      }
    });

    // A 404 under /lab used to leave `notFoundUrl` in the page config of every later page.
    const missing = await fetch(`http://127.0.0.1:${lab.port}/lab/no-such-page`, {
      headers: { Authorization: `token ${lab.token}` }
    });
    const missingPage = await missing.text();
    check(
      missing.status === 200 && missingPage.includes('"notFoundUrl": "/lab/no-such-page"'),
      'an unknown /lab URL gets the page with its "Path Not Found" notice'
    );

    t0 = Date.now();
    await page.goto(lab.url);
    await page.waitForFunction(() => window.jupyterapp, null, { timeout: TIMEOUT });
    await page.evaluate(() => window.jupyterapp.restored);
    console.log(`JupyterLab restored in ${Date.now() - t0} ms`);
    check(!page.url().includes('token='), 'the token is removed from the address bar');
    const config = await page.evaluate(() =>
      JSON.parse(document.getElementById('jupyter-config-data').textContent)
    );
    check(!('notFoundUrl' in config), 'the page config carries no earlier 404');
    check(
      config.workspacesDir === dirs.workspaces && config.userSettingsDir === dirs.settings,
      '--MedflowLab.workspaces_dir / user_settings_dir take effect'
    );

    // Prebuilt extensions: listed by the server, loaded, their plugins activated.
    const federated = await page.evaluate(() => {
      const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
      const app = window.jupyterapp;
      return config.federated_extensions.map(({ name }) => {
        const plugins = app.info.availablePlugins.filter(p => p.extension === name);
        return {
          name,
          container: Boolean(window._JUPYTERLAB && window._JUPYTERLAB[name]),
          plugins: plugins.map(p => ({ id: p.id, active: app.isPluginActivated(p.id) }))
        };
      });
    });
    console.log(`prebuilt extensions: ${JSON.stringify(federated)}`);
    for (const name of expected) {
      const ext = federated.find(e => e.name === name);
      check(Boolean(ext && ext.container), `prebuilt extension ${name} is loaded`);
      const active = ext ? ext.plugins.filter(p => p.active).map(p => p.id) : [];
      check(active.length > 0, `plugins of ${name} activated: ${active.join(', ') || 'none'}`);
    }

    // The notebook: wait for a connected, idle kernel (the toolbar says "idle" earlier).
    await page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: TIMEOUT });
    t0 = Date.now();
    await page.waitForFunction(
      () => {
        const widget = window.jupyterapp.shell.currentWidget;
        const kernel = widget && widget.sessionContext && widget.sessionContext.session?.kernel;
        return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
      },
      null,
      { timeout: TIMEOUT }
    );
    console.log(`kernel ${values.kernel} connected and idle after ${Date.now() - t0} ms`);
    await page.click('.jp-NotebookPanel .jp-Cell .jp-InputArea-editor');
    await page.keyboard.press('Shift+Enter');
    const output = page.locator('.jp-NotebookPanel .jp-OutputArea-output').first();
    await output.waitFor({ timeout: TIMEOUT });
    const text = (await output.textContent()).trim();
    check(text === '42', `the cell ran and printed its output (got '${text}')`);

    // Give late failures (deferred plugins, settings, polls) a moment to surface.
    await page.waitForTimeout(1500);
    const dialogs = await page.locator('.jp-Dialog').allTextContents();
    check(
      dialogs.length === 0,
      `no dialog is open${dialogs.length ? `: ${dialogs.join(' | ')}` : ''}`
    );
    await page.screenshot({ path: values.screenshot });
    console.log(`screenshot: ${values.screenshot}`);
  } finally {
    await context.close();
    await lab.stop();
  }

  const errors = consoleLines.filter(line => line.startsWith('[error]'));
  check(problems.length === 0, `no page errors or failed requests${fmt(problems)}`);
  check(errors.length === 0, `no console errors${fmt(errors)}`);
  const warnings = consoleLines.filter(line => line.startsWith('[warning]'));
  if (warnings.length) console.log(`console warnings (not failures):${fmt(warnings)}`);
  const info = consoleLines.filter(line => /prebuilt extensions|medflow/i.test(line));
  if (info.length) console.log(info.join('\n'));
  fs.rmSync(tmp, { recursive: true, force: true });
}

function fmt(lines) {
  return lines.length ? `:\n    ${lines.join('\n    ')}` : '';
}

main()
  .catch(error => {
    failures.push(error.stack || String(error));
    console.error(error);
  })
  .finally(() => {
    console.log(failures.length ? `\nSMOKE FAILED (${failures.length})` : '\nSMOKE PASSED');
    process.exit(failures.length ? 1 : 0);
  });
