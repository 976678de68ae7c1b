/**
 * Saving and loading a trained run (tfjs model.json + weights.bin with its pipeline), the
 * file:// router, and the exported TypeScript script: it type-checks against the engine and,
 * run, reproduces the metrics of the run it came from (same seed, same backend).
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ensureBackend, tf } from '../backend';
import { loadNpz, packageRoot } from '../data/builtin';
import { smallCnn } from '../networks/small_cnn';
import { pythonMakeFiles } from '../testing/python';
import { registerFileRouter } from './model-io';
import { Pipeline } from './pipeline';
import { Run } from './run';

let dir: string;
let npz: string;

beforeAll(async () => {
  await ensureBackend();
  // A tiny PneumoniaMNIST: evenly spaced images of each split.
  const src = path.join(packageRoot(), 'data/medmnist/pneumoniamnist.npz');
  dir = pythonMakeFiles(`import numpy as np
d = np.load(${JSON.stringify(src)})
sizes = {'train': 96, 'val': 48, 'test': 48}
out_arrays = {}
for s, n in sizes.items():
    idx = np.linspace(0, len(d[s + '_labels']) - 1, n).astype(int)
    out_arrays[s + '_images'] = d[s + '_images'][idx]
    out_arrays[s + '_labels'] = d[s + '_labels'][idx]
np.savez(out + '/tiny.npz', **out_arrays)`);
  npz = path.join(dir, 'tiny.npz');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pipeline(): Promise<Pipeline> {
  return new Pipeline({ name: 'tiny', seed: 11 })
    .input(await loadNpz(npz, { classes: ['normal', 'pneumonia'] }))
    .add('rescale')
    .network(smallCnn({ classes: 2, filters: 4, blocks: 2, dropout: 0.2 }))
    .training({ epochs: 2, batch_size: 16, augmentation: { flip_horizontal: true } });
}

test('a saved run loads with the same weights, pipeline and metrics', async () => {
  const run = await (await pipeline()).train({ verbose: false });
  const out = path.join(dir, 'saved');
  const files = await run.save(out);
  expect(files.map(f => path.basename(f))).toEqual([
    'model.json',
    'weights.bin',
    'pipeline.json',
    'run.json'
  ]);
  const modelJson = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
  expect(modelJson.format).toBe('layers-model');
  expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
  const loaded = await Run.load(out);
  expect(loaded.pipeline).toEqual(run.pipeline);
  expect(loaded.metrics).toEqual(run.metrics);
  expect(loaded.history).toEqual(run.history);
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 2);
  const a = (run.model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.model.predict(x) as tf.Tensor).dataSync();
  expect(Array.from(b)).toEqual(Array.from(a));
  // The file:// router gives the same through tfjs' own URLs.
  registerFileRouter();
  await run.model.save(`file://${path.join(dir, 'url')}`);
  const viaUrl = await tf.loadLayersModel(`file://${path.join(dir, 'url', 'model.json')}`);
  expect(Array.from((viaUrl.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(a));
  // Grad-CAM of the run's own test images.
  const cam = run.gradCam([0, 1]);
  expect(cam.heatmaps).toHaveLength(2);
  expect(cam.toString()).toMatch(/^#0: true \w+, explained \w+ \(p \d\.\d{3}\), layer pool2/);
  tf.dispose([x]);
  [run, loaded].forEach(r => r.dispose());
  viaUrl.dispose();
});

test('the exported script type-checks and reproduces the run', async () => {
  const p = await pipeline();
  const run = await p.train({ verbose: false });
  const file = path.join(dir, 'reproduce.ts');
  const script = p.export(file);
  expect(readFileSync(file, 'utf8')).toBe(script);

  // Type-check against the engine's sources, as `import * as mf from 'medflow'`.
  const root = packageRoot();
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules/@types')],
    baseUrl: root,
    paths: { medflow: ['kernel/src/engine/index.ts'] }
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter(d => d.file?.fileName === file)
    .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(problems).toEqual([]);

  // Run it, with 'medflow' resolving to this engine.
  const js = ts.transpileModule(script, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }
  }).outputText;
  const mod = { exports: {} as { main: () => Promise<Run> } };
  const engine = await import('../index');
  const req = (id: string) => (id === 'medflow' ? engine : require(id));
  new Function('require', 'module', 'exports', js)(req, mod, mod.exports);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const again = await mod.exports.main();
  log.mockRestore();
  expect(again.metrics).toEqual(run.metrics);
  expect(again.history.map(h => h.loss)).toEqual(run.history.map(h => h.loss));
  [run, again].forEach(r => r.dispose());
});
