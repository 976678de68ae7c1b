import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The medflow package root. Compiled CLI files live in <root>/dist/kernel/cli, so the root is
 * three levels up; checking for package.json keeps this honest if the layout ever changes.
 */
export function packageRoot(): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  if (!fs.existsSync(path.join(root, 'package.json'))) {
    throw new Error(`medflow: cannot find the package root above ${__dirname}`);
  }
  return root;
}

/** The Python interpreter used for the Jupyter server and Python workers. */
export function pythonExecutable(): string {
  return process.env.MEDFLOW_PYTHON || '/usr/bin/python3';
}

/** Where medflow's prebuilt JupyterLab extension is built (package.json jupyterlab.outputDir). */
export function labextensionDir(): string {
  return path.join(packageRoot(), 'labextension', 'medflow');
}

/**
 * The per-user Jupyter data directory, following jupyter_core's rules: $JUPYTER_DATA_DIR,
 * else the platform default.
 */
export function userJupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32') {
    return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'jupyter');
  }
  const xdg = process.env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  return path.join(xdg, 'jupyter');
}
