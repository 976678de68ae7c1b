// startLab() against the real Python server (needs `npm run build:app` and Debian's
// jupyter_server / jupyterlab_server under /usr/bin/python3).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePort, labPaths, RunningLab, startLab } from './lab';

let tmp: string;
let root: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-lab-test-'));
  root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(root, 'my notebooks'), { recursive: true });
  // The server must not read or write the user's own Jupyter config.
  process.env.JUPYTER_CONFIG_DIR = path.join(tmp, 'config');
  process.env.JUPYTER_RUNTIME_DIR = path.join(tmp, 'runtime');
});

afterAll(() => {
  process.env = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const running: RunningLab[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(lab => lab.stop()));
});

async function start(opts: Parameters<typeof startLab>[0]): Promise<RunningLab> {
  const lab = await startLab({ root, dataDir: path.join(tmp, 'data'), ...opts });
  running.push(lab);
  return lab;
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('labPaths() points at the app, its server package and the prebuilt extension folder', () => {
  const paths = labPaths();
  expect(fs.existsSync(path.join(paths.root, 'package.json'))).toBe(true);
  expect(fs.existsSync(path.join(paths.app, 'package.json'))).toBe(true);
  expect(fs.existsSync(path.join(paths.server, 'medflow_lab', 'app.py'))).toBe(true);
  expect(paths.build).toBe(path.join(paths.app, 'build'));
  expect(paths.labextensions).toBe(path.join(paths.root, 'labextension'));
});

test('without a token: serves the JupyterLab page, its bundle and the kernel API', async () => {
  const lab = await start({ token: null });
  expect(lab.token).toBe('');
  expect(lab.url).toBe(`http://127.0.0.1:${lab.port}/lab`);

  const page = await fetch(lab.url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const match = /<script id="jupyter-config-data" type="application\/json">([^]*?)<\/script>/.exec(
    html
  );
  expect(match).not.toBeNull();
  const config = JSON.parse(match![1]);
  expect(config.appName).toBe('JupyterLab (medflow)');
  expect(config.extraLabextensionsPath).toContain(labPaths().labextensions);
  // The bundle URL carries a version hash, so browsers never run a stale build.
  const bundle = /<script src="([^"]*bundle\.js\?v=[0-9a-f]+)"/.exec(html);
  expect(bundle).not.toBeNull();
  const js = await fetch(`http://127.0.0.1:${lab.port}${bundle![1]}`);
  expect(js.status).toBe(200);

  const me = await fetch(`http://127.0.0.1:${lab.port}/api/me`);
  expect(me.status).toBe(200);
  expect(((await me.json()) as { identity: { username: string } }).identity.username).toEqual(
    expect.any(String)
  );
  const specs = await fetch(`http://127.0.0.1:${lab.port}/api/kernelspecs`);
  expect(specs.status).toBe(200);
  expect(
    Object.keys(((await specs.json()) as { kernelspecs: object }).kernelspecs).length
  ).toBeGreaterThan(0);

  // A running kernel is shut down with the server (its connection file is removed).
  const started = await fetch(`http://127.0.0.1:${lab.port}/api/kernels`, {
    method: 'POST',
    body: JSON.stringify({ name: 'python3' })
  });
  expect(started.status).toBe(201);
  const { id } = (await started.json()) as { id: string };
  const connectionFile = path.join(tmp, 'runtime', `kernel-${id}.json`);
  expect(fs.existsSync(connectionFile)).toBe(true);

  await lab.stop();
  expect(lab.process.exitCode !== null || lab.process.signalCode !== null).toBe(true);
  expect(fs.existsSync(connectionFile)).toBe(false);
  expect(await portAcceptsConnections(lab.port)).toBe(false);
});

test('with the default random token: the API needs it, the URL carries it', async () => {
  const lab = await start({ open: 'my notebooks/demo 1.ipynb' });
  expect(lab.token).toMatch(/^[0-9a-f]{48}$/);
  expect(lab.url).toBe(
    `http://127.0.0.1:${lab.port}/lab/tree/my%20notebooks/demo%201.ipynb?token=${lab.token}`
  );
  const api = `http://127.0.0.1:${lab.port}/api/contents`;
  expect((await fetch(api)).status).toBe(403);
  const listed = await fetch(api, { headers: { Authorization: `token ${lab.token}` } });
  expect(listed.status).toBe(200);
  expect(
    ((await listed.json()) as { content: { name: string }[] }).content.map(item => item.name)
  ).toContain('my notebooks');
  // The page URL logs the browser in (the token becomes a cookie).
  expect((await fetch(lab.url, { redirect: 'manual' })).status).toBe(200);
});

test('refuses a port that is already taken', async () => {
  const port = await findFreePort();
  const blocker = net.createServer();
  await new Promise<void>(resolve => blocker.listen(port, '127.0.0.1', resolve));
  try {
    await expect(start({ port, token: null })).rejects.toThrow(/port \d+ on 127.0.0.1 is in use/);
  } finally {
    blocker.close();
  }
});

test('reports a Python that cannot be run, naming MEDFLOW_PYTHON', async () => {
  process.env.MEDFLOW_PYTHON = path.join(tmp, 'no-such-python');
  try {
    await expect(start({ token: null })).rejects.toThrow(/MEDFLOW_PYTHON/);
  } finally {
    delete process.env.MEDFLOW_PYTHON;
  }
});

test('reports a server that exits, with its output', async () => {
  await expect(start({ token: null, extraArgs: ['--ServerApp.no_such_flag'] })).rejects.toThrow(
    /the server exited[^]*no_such_flag/
  );
});

test('the server stops by itself when the process that started it is killed', async () => {
  // A separate Node process starts the server and is then SIGKILLed: its exit handler never
  // runs, so only the server's own watch on its launcher can stop it.
  const port = await findFreePort();
  const lab = path.resolve(__dirname, '../../../dist/kernel/cli/lab.js');
  const code =
    `require(${JSON.stringify(lab)}).startLab(${JSON.stringify({ root, port, token: null, dataDir: path.join(tmp, 'data') })})` +
    `.then(() => console.log('READY'), e => { console.error(e); process.exit(1); });`;
  const launcher = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    launcher.stdout.on('data', chunk => String(chunk).includes('READY') && resolve());
    launcher.once('exit', code => reject(new Error(`launcher exited (${code})`)));
  });
  expect(await portAcceptsConnections(port)).toBe(true);
  launcher.kill('SIGKILL');
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && (await portAcceptsConnections(port))) {
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  expect(await portAcceptsConnections(port)).toBe(false);
}, 90000);
