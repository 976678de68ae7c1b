// Starts the embedded JupyterLab: the Python server of app/server (jupyterlab_server on
// Debian's jupyter_server) serving the JupyterLab 4 frontend built in app/build and medflow's
// prebuilt extension from labextension/.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { packageRoot, pythonExecutable } from './paths';

export interface LabOptions {
  /** Directory the server shows and opens notebooks from (default: the current directory). */
  root?: string;
  /** TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Access token; a random one when undefined; no authentication at all when null or ''. */
  token?: string | null;
  /** A notebook or file to open, relative to `root` (e.g. 'notebooks/01-quickstart.ipynb'). */
  open?: string;
  /** JUPYTER_DATA_DIR of the server: where it finds kernelspecs and prebuilt extensions. */
  dataDir?: string;
  /** More jupyter_server / MedflowLab flags, e.g. '--MedflowLab.workspaces_dir=/tmp/ws'. */
  extraArgs?: string[];
  /** 'inherit' shows the server log; 'pipe' (default) keeps its tail for error messages. */
  stdio?: 'inherit' | 'pipe';
  /** How long to wait for the first HTTP answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface RunningLab {
  /** The address to open in a browser (with the token and the opened file, if any). */
  url: string;
  port: number;
  /** The access token ('' when authentication is off). */
  token: string;
  process: ChildProcess;
  /** Stops the server (it shuts its kernels down first); resolves once it has exited. */
  stop(): Promise<void>;
}

/** The directories the embedded JupyterLab uses, all inside the medflow package. */
export function labPaths(): {
  root: string;
  app: string;
  server: string;
  build: string;
  schemas: string;
  themes: string;
  labextensions: string;
} {
  const root = packageRoot();
  const app = path.join(root, 'app');
  return {
    root,
    app,
    server: path.join(app, 'server'),
    build: path.join(app, 'build'),
    schemas: path.join(app, 'schemas'),
    themes: path.join(app, 'themes'),
    labextensions: path.join(root, 'labextension')
  };
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `/lab/tree/<path>` with every path segment URL-encoded. */
function treeUrlPath(file: string): string {
  const segments = file.split(/[\\/]+/).filter(Boolean);
  return `/lab/tree/${segments.map(encodeURIComponent).join('/')}`;
}

/** Resolves with the HTTP status of GET url, or null when nothing answers yet. */
function httpStatus(url: string, headers: Record<string, string>): Promise<number | null> {
  return new Promise(resolve => {
    const request = http.get(url, { headers, timeout: 2000 }, response => {
      response.resume();
      resolve(response.statusCode ?? null);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(null));
  });
}

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Keeps the last `limit` characters a child process wrote, for error messages. */
class OutputTail {
  private text = '';
  constructor(private readonly limit = 8000) {}
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

function serverArgs(port: number, token: string, root: string, extra: string[]): string[] {
  const args = [
    '-m',
    'medflow_lab',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    '--ServerApp.open_browser=False',
    `--ServerApp.root_dir=${root}`,
    `--ServerApp.token=${token}`
  ];
  if (!token) {
    // Authentication off (tests): no password either, and API calls without an XSRF cookie.
    args.push('--ServerApp.password=', '--ServerApp.disable_check_xsrf=True');
  }
  // jupyter_server refuses to run as root unless told to (containers, CI).
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    args.push('--ServerApp.allow_root=True');
  }
  return [...args, ...extra];
}

/**
 * Starts the embedded JupyterLab server and resolves once it answers HTTP at /lab.
 * Rejects (and stops the server) if it exits or does not answer within the timeout.
 */
export async function startLab(opts: LabOptions = {}): Promise<RunningLab> {
  const paths = labPaths();
  if (!fs.existsSync(path.join(paths.build, 'bundle.js'))) {
    throw new Error(`JupyterLab is not built (no ${paths.build}/bundle.js): run npm run build:app`);
  }
  const root = path.resolve(opts.root ?? process.cwd());
  if (opts.port !== undefined && !(await portIsFree(opts.port))) {
    // Checked first: otherwise whatever already listens there could answer our readiness probe.
    throw new Error(`JupyterLab cannot start: port ${opts.port} on 127.0.0.1 is in use`);
  }
  const port = opts.port ?? (await findFreePort());
  const token = opts.token === undefined ? randomBytes(24).toString('hex') : (opts.token ?? '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONPATH: [paths.server, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    // The server stops by itself once this process is gone, even when it is killed and its
    // 'exit' handler never runs (app/server/medflow_lab/app.py).
    MEDFLOW_LAB_LAUNCHER_PID: String(process.pid)
  };
  if (opts.dataDir) {
    env.JUPYTER_DATA_DIR = path.resolve(opts.dataDir);
  }
  const python = pythonExecutable();
  const child = spawn(python, serverArgs(port, token, root, opts.extraArgs ?? []), {
    cwd: root,
    env,
    // No stdin: jupyter_server then stops on Ctrl+C without asking for confirmation.
    stdio: [
      'ignore',
      opts.stdio === 'inherit' ? 'inherit' : 'pipe',
      opts.stdio === 'inherit' ? 'inherit' : 'pipe'
    ]
  });
  const tail = new OutputTail();
  child.stdout?.on('data', chunk => tail.add(chunk));
  child.stderr?.on('data', chunk => tail.add(chunk));

  const exited = new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // Never leave a server behind when this process exits without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // (No pid: it never started, and 'exit' may never come.)
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        // SIGTERM makes jupyter_server shut its kernels down before exiting.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };

  let spawnError: Error | undefined;
  child.once('error', error => (spawnError = error));
  const base = `http://127.0.0.1:${port}`;
  const headers: Record<string, string> = token ? { Authorization: `token ${token}` } : {};
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60000);
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      const why = spawnError
        ? `could not run ${python} (${spawnError.message}; set MEDFLOW_PYTHON to a Python ` +
          'with jupyter_server and jupyterlab_server)'
        : `the server exited (code ${child.exitCode ?? child.signalCode})`;
      throw new Error(`JupyterLab did not start: ${why}\n${tail}`);
    }
    const status = await httpStatus(`${base}/lab`, headers);
    if (status === 200) break;
    if (status !== null && status !== 200) {
      await stop();
      throw new Error(`JupyterLab did not start: GET /lab answered HTTP ${status}\n${tail}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`JupyterLab did not answer at ${base}/lab in time\n${tail}`);
    }
    await delay(100);
  }

  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const url = `${base}${opts.open ? treeUrlPath(opts.open) : '/lab'}${query}`;
  return { url, port, token, process: child, stop };
}
