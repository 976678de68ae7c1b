import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Starts the embedded JupyterLab once for all browser tests, isolated from the machine's own
 * Jupyter set-up: fresh config/data/runtime dirs, a fresh MEDFLOW_HOME, the medflow kernelspec written into a private
 * data dir, a temporary copy of notebooks/ as the server root, and no token (tests only).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-ui-'));
  const dirs = Object.fromEntries(
    ['config', 'data', 'runtime', 'root', 'workspaces', 'settings', 'home'].map(d => {
      const p = path.join(tmp, d);
      fs.mkdirSync(p, { recursive: true });
      return [d, p];
    })
  );
  fs.cpSync(path.join(ROOT, 'notebooks'), dirs.root, { recursive: true });
  process.env.JUPYTER_CONFIG_DIR = dirs.config;
  process.env.JUPYTER_DATA_DIR = dirs.data;
  process.env.JUPYTER_RUNTIME_DIR = dirs.runtime;
  process.env.JUPYTER_PATH = dirs.data;
  // The kernels' "My networks" and studies go here, not into the user's ~/.medflow.
  process.env.MEDFLOW_HOME = dirs.home;

  const { writeKernelSpec } = require(path.join(ROOT, 'dist/kernel/cli/install.js'));
  const { startLab } = require(path.join(ROOT, 'dist/kernel/cli/lab.js'));
  writeKernelSpec(dirs.data);
  const lab = await startLab({
    root: dirs.root,
    token: null,
    stdio: 'pipe',
    extraArgs: [
      '--MedflowLab.expose_app_in_browser=True',
      `--MedflowLab.workspaces_dir=${dirs.workspaces}`,
      `--MedflowLab.user_settings_dir=${dirs.settings}`
    ]
  });
  const log = fs.createWriteStream(path.join(tmp, 'server.log'));
  lab.process.stdout?.pipe(log);
  lab.process.stderr?.pipe(log);
  process.env.MEDFLOW_LAB_BASE = `http://127.0.0.1:${lab.port}`;
  process.env.MEDFLOW_LAB_ROOT = dirs.root;
  process.env.MEDFLOW_LAB_LOG = path.join(tmp, 'server.log');
  return async () => {
    await lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
