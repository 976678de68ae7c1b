import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labextensionDir, packageRoot, pythonExecutable, userJupyterDataDir } from './paths';

export const KERNEL_NAME = 'medflow';

/** Where `medflow install` writes: one Jupyter data directory. */
export type InstallTarget =
  { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; dir: string };

export interface InstallResult {
  dataDir: string;
  kernelspecDir: string;
  labextensionDir: string | null;
}

/**
 * glibc malloc settings of the kernel process, read by glibc at process start (so they go in
 * the kernelspec). Image modules return a new array per image, and arrays of 128 KB and more
 * come and go by the hundred per second. By default glibc gives freed memory at the top of
 * its heap back to the system, and the next arrays fault their pages in afresh: a 512×512
 * uint16 result then took 2–3× as long to fill, varying from run to run. Keeping 64 MB of
 * slack at the top of the heap ends that, for at most 64 MB of memory held. bench/ops.mjs runs
 * medflow and its Python peers with the same settings.
 */
export const KERNEL_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_TOP_PAD_: String(64 * 1024 * 1024)
};

/** The kernelspec that starts this package's kernel with the Node.js running this command. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [
      process.execPath,
      path.join(packageRoot(), 'bin', 'medflow.js'),
      'kernel',
      '-f',
      '{connection_file}'
    ],
    display_name: 'medflow (TypeScript)',
    language: 'typescript',
    // Interrupts arrive as interrupt_request on the control channel, which also works on
    // platforms without signals and lets the kernel abort the running cell precisely.
    interrupt_mode: 'message',
    env: { ...KERNEL_MALLOC_ENV },
    metadata: { debugger: false }
  };
}

/** Resolve an install target to a Jupyter data directory, as `jupyter --paths` would. */
export function dataDirFor(target: InstallTarget): string {
  switch (target.kind) {
    case 'user':
      return userJupyterDataDir();
    case 'prefix':
      return path.resolve(target.dir, 'share', 'jupyter');
    case 'sys-prefix': {
      const python = pythonExecutable();
      let prefix: string;
      try {
        prefix = execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], {
          encoding: 'utf8'
        }).trim();
      } catch (err) {
        throw new Error(
          `--sys-prefix needs the Python of your Jupyter installation; running ${python} failed ` +
            `(set MEDFLOW_PYTHON to that interpreter): ${(err as Error).message}`
        );
      }
      return path.join(prefix, 'share', 'jupyter');
    }
  }
}

/** Write the kernelspec into <dataDir>/kernels/medflow and return that folder. */
export function writeKernelSpec(dataDir: string): string {
  const dir = path.join(dataDir, 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
  const logo = path.join(packageRoot(), 'style', 'logo.svg');
  if (fs.existsSync(logo)) fs.copyFileSync(logo, path.join(dir, 'logo-svg.svg'));
  return dir;
}

/** Copy the prebuilt extension into <dataDir>/labextensions/medflow (replacing an older one). */
export function copyLabextension(dataDir: string): string {
  const source = labextensionDir();
  if (!fs.existsSync(path.join(source, 'package.json'))) {
    throw new Error(
      `the prebuilt JupyterLab extension is missing at ${source}; run \`npm run build\` first`
    );
  }
  const dest = path.join(dataDir, 'labextensions', 'medflow');
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(source, dest, { recursive: true });
  return dest;
}

export function install(
  target: InstallTarget,
  opts: { labextension?: boolean } = {}
): InstallResult {
  const dataDir = dataDirFor(target);
  const kernelspecDir = writeKernelSpec(dataDir);
  const ext = opts.labextension === false ? null : copyLabextension(dataDir);
  return { dataDir, kernelspecDir, labextensionDir: ext };
}
