import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { install, InstallTarget, writeKernelSpec } from './install';

const USAGE = `usage: medflow <command> [options]

commands:
  kernel -f <connection file>      run the medflow Jupyter kernel (started by Jupyter)
  install [--user | --sys-prefix | --prefix DIR] [--no-labextension]
                                   register the kernel and the prebuilt JupyterLab extension
                                   in that Jupyter data dir (default --user)
  lab [--port N] [--root DIR] [--no-token] [NOTEBOOK]
                                   start the embedded JupyterLab with medflow and print its URL
  worker --redis URL [--concurrency N]
                                   train trials of distributed tuning studies (BullMQ on Redis)
  version                          print the version
`;

/** Entry point of the `medflow` command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'kernel':
      return runKernelCommand(rest);
    case 'install':
      return runInstallCommand(rest);
    case 'lab':
      return runLabCommand(rest);
    case 'worker':
      return (await import('./worker')).runWorkerCommand(rest);
    case 'version':
    case '--version':
      console.log(require('../../../package.json').version);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`medflow: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function runKernelCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { f: { type: 'string', short: 'f' }, 'connection-file': { type: 'string' } }
  });
  const file = values.f ?? values['connection-file'];
  if (!file) {
    console.error('medflow kernel: missing -f <connection file>');
    return 2;
  }
  // Loaded lazily: the kernel pulls in TypeScript and tfjs, which other commands do not need.
  const { runKernel } = await import('../jupyter/index');
  await runKernel(file);
  return 0;
}

function runInstallCommand(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'boolean' },
      'sys-prefix': { type: 'boolean' },
      prefix: { type: 'string' },
      'no-labextension': { type: 'boolean' }
    }
  });
  const chosen = [values.user, values['sys-prefix'], values.prefix !== undefined].filter(Boolean);
  if (chosen.length > 1) {
    console.error('medflow install: choose one of --user, --sys-prefix, --prefix DIR');
    return 2;
  }
  const target: InstallTarget = values.prefix
    ? { kind: 'prefix', dir: values.prefix }
    : values['sys-prefix']
      ? { kind: 'sys-prefix' }
      : { kind: 'user' };
  const result = install(target, { labextension: !values['no-labextension'] });
  console.log(`Installed the medflow kernelspec in ${result.kernelspecDir}`);
  if (result.labextensionDir) {
    console.log(`Installed the medflow JupyterLab extension in ${result.labextensionDir}`);
  }
  return 0;
}

async function runLabCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      root: { type: 'string' },
      'no-token': { type: 'boolean' }
    }
  });
  const { startLab } = await import('./lab');
  // The embedded server finds the kernel through a private data dir on JUPYTER_PATH, so running
  // `medflow lab` never changes the user's own Jupyter set-up.
  const privateData = path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
    'medflow',
    'jupyter'
  );
  writeKernelSpec(privateData);
  process.env.JUPYTER_PATH = [privateData, process.env.JUPYTER_PATH]
    .filter(Boolean)
    .join(path.delimiter);
  const port = values.port ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error(`medflow lab: --port must be a TCP port number (got '${values.port}')`);
    return 2;
  }
  const lab = await startLab({
    root: values.root ?? process.cwd(),
    port,
    token: values['no-token'] ? null : undefined,
    open: positionals[0],
    stdio: 'inherit'
  });
  console.log(
    `\n  medflow JupyterLab is running at:\n\n    ${lab.url}\n\n  Press Ctrl+C to stop.\n`
  );
  const stop = () => {
    void lab.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(resolve => lab.process.once('exit', code => resolve(code ?? 0)));
}
