/**
 * `%%python module NAME` against the real /usr/bin/python3: the API sketch's HUWindow on a real
 * CT slice, parameters from the __init__ signature, byte-exact arrays both ways, the contract
 * checks, batches, and a module that outlives a worker crash.
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { DataDict, ImageHeader } from '../engine/data/datadict';
import type { DType, NDArray } from '../engine/data/ndarray';
import { parseNpy } from '../engine/data/npy';
import {
  applyModuleAsync,
  getModule,
  listModules,
  unregister,
  validateParams
} from '../engine/modules/registry';
import { runWithSignal } from '../engine/cancel';
import { pythonMakeFiles } from '../engine/testing/python';
import { installStreamRouting, runInCell, type CellContext } from '../jupyter/output';
import type { Message } from '../jupyter/wire';
import { PythonWorker, type PythonIO } from './index';
import { PythonModuleError } from './module';

const HU_WINDOW = `import numpy as np
class HUWindow:
    def __init__(self, center: float = 40, width: float = 400):
        self.center, self.width = center, width
    def __call__(self, data):
        a = data['image']['array'].astype(np.float32)
        lo, hi = self.center - self.width / 2, self.center + self.width / 2
        data['image']['array'] = (np.clip(a, lo, hi) - lo) / (hi - lo)
        return data
`;

const output: string[] = [];
const io: PythonIO = { stdout: t => output.push(t), stderr: t => output.push(t) };
const defined: string[] = [];
let worker: PythonWorker;

beforeAll(() => {
  worker = new PythonWorker();
});
afterAll(async () => {
  for (const name of defined) unregister(name);
  await worker.dispose();
});

async function define(name: string, code: string): Promise<void> {
  const error = await worker.defineModule(name, code, io);
  if (error) throw new Error(`${error.ename}: ${error.evalue}\n${error.traceback.join('\n')}`);
  defined.push(name);
}

function header(array: NDArray, extra: Partial<ImageHeader> = {}): ImageHeader {
  return {
    dim: 2,
    ndim: array.shape.length,
    dtype: array.dtype,
    modality: 'CT',
    color_mode: array.shape.length === 3 && array.shape[2] === 3 ? 'RGB' : 'L',
    pixel_value_range: [-1024, 3071],
    spacing: [0.661468, 0.661468],
    origin: [0, 0],
    direction: [1, 0, 0, 1],
    ...extra
  };
}

function item(array: NDArray, cls = 1): DataDict {
  const onehot = new Float32Array(2);
  onehot[cls] = 1;
  return {
    image: { array, header: header(array) },
    label: {
      classification: {
        array: { data: onehot, shape: [2], dtype: 'float32' },
        header: { num_class: 2, class_name: ['normal', 'abnormal'] }
      }
    }
  };
}

function bytesOf(a: NDArray): Buffer {
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

/** Deterministic pseudo-random bytes (also exercises every bit pattern, NaN-free for floats). */
function randomArray(dtype: DType, shape: number[], seed: number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const values = Array.from({ length: n }, () => next());
  switch (dtype) {
    case 'uint8':
      return { data: Uint8Array.from(values, v => v & 0xff), shape, dtype };
    case 'int16':
      return { data: Int16Array.from(values, v => (v & 0xffff) - 32768), shape, dtype };
    case 'float32':
      return { data: Float32Array.from(values, v => (v / 2 ** 32 - 0.5) * 1e6), shape, dtype };
    case 'float64':
      return { data: Float64Array.from(values, v => (v / 2 ** 32 - 0.5) * 1e-3), shape, dtype };
    default:
      throw new Error(dtype);
  }
}

describe('%%python module', () => {
  it('registers the API sketch HUWindow with parameters from its __init__ signature', async () => {
    await define('hu_window', HU_WINDOW);
    const info = listModules().find(m => m.name === 'hu_window')!;
    expect(info.origin).toBe('user');
    expect(info.params).toEqual({
      type: 'object',
      properties: {
        center: { type: 'number', default: 40, description: 'center' },
        width: { type: 'number', default: 400, description: 'width' }
      },
      additionalProperties: false
    });
    expect(validateParams('hu_window', { center: -600, width: 1500 })).toEqual({
      center: -600,
      width: 1500
    });
    expect(() => validateParams('hu_window', { center: 'x' })).toThrow(/hu_window/);
  });

  it('windows a real CT slice exactly like numpy does (pydicom reference)', async () => {
    await define('hu_window_ct', HU_WINDOW);
    const dir = pythonMakeFiles(`
import numpy as np, pydicom
d = pydicom.dcmread('/work/shared/data/dicom/CT_small.dcm')
hu = (d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept))
np.save(out + '/hu.npy', hu.astype(np.int16))
a = hu.astype(np.int16).astype(np.float32)
lo, hi = -600 - 1500 / 2, -600 + 1500 / 2
np.save(out + '/expected.npy', (np.clip(a, lo, hi) - lo) / (hi - lo))
`);
    try {
      const hu = parseNpy(readFileSync(path.join(dir, 'hu.npy')), 'hu.npy');
      const expected = parseNpy(readFileSync(path.join(dir, 'expected.npy')), 'expected.npy');
      expect(hu.dtype).toBe('int16');
      expect(hu.shape).toEqual([128, 128]);
      const result = (await applyModuleAsync('hu_window_ct', item(hu), {
        center: -600,
        width: 1500
      }))!;
      expect(result.image.array.dtype).toBe('float32');
      expect(result.image.array.shape).toEqual([128, 128]);
      expect(bytesOf(result.image.array).equals(bytesOf(expected))).toBe(true);
      // The header follows the array, the rest of the dict comes back as it went.
      expect(result.image.header.dtype).toBe('float32');
      expect(result.image.header.modality).toBe('CT');
      expect(result.image.header.spacing).toEqual([0.661468, 0.661468]);
      expect(Array.from(result.label.classification!.array.data as Float32Array)).toEqual([0, 1]);
      expect(result.label.classification!.header.class_name).toEqual(['normal', 'abnormal']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips uint8/int16/float32/float64 arrays of H×W and H×W×C byte for byte', async () => {
    await define(
      'identity_probe',
      `import numpy as np
class Probe:
    """Passes the image through and reports what Python saw."""
    def __call__(self, data):
        a = data['image']['array']
        data['image']['header']['seen'] = {
            'dtype': a.dtype.name, 'shape': list(a.shape),
            'sum': float(a.astype(np.float64).sum()), 'writeable': bool(a.flags.writeable),
            'aligned': bool(a.flags.aligned
                            and data['label']['classification']['array'].flags.aligned),
            'label': data['label']['classification']['array'].tolist()}
        return data
`
    );
    let seed = 1;
    for (const dtype of ['uint8', 'int16', 'float32', 'float64'] as DType[]) {
      for (const shape of [
        [37, 53],
        [37, 53, 3]
      ]) {
        const array = randomArray(dtype, shape, seed++);
        const result = (await applyModuleAsync('identity_probe', item(array, 0)))!;
        const back = result.image.array;
        expect([back.dtype, back.shape]).toEqual([dtype, shape]);
        expect(bytesOf(back).equals(bytesOf(array))).toBe(true);
        const seen = (result.image.header as unknown as { seen: Record<string, unknown> }).seen;
        let sum = 0;
        for (const v of array.data as Float64Array) sum += v;
        expect(seen.dtype).toBe(dtype);
        expect(seen.shape).toEqual(shape);
        expect(seen.sum as number).toBeCloseTo(sum, dtype === 'float32' ? 0 : 6);
        expect(seen.writeable).toBe(true);
        expect(seen.aligned).toBe(true);
        expect(seen.label).toEqual([1, 0]);
      }
    }
  });

  it('reads types, defaults, required parameters and descriptions from the class', async () => {
    await define(
      'documented',
      `from typing import Literal
class Documented:
    """Scales and shifts pixel values.

    Args:
        gain (float): Multiplier applied to every pixel.
        offset: Value added after the gain.
        mode: How to round.
    """
    category = 'Grayscale'
    modality = ('CT', 'MRI')
    dimension = 2
    def __init__(self, gain: float, offset: int = 0, mode: Literal['floor', 'round'] = 'round',
                 verbose: bool = False, tag='x'):
        self.gain = gain
    def __call__(self, data):
        data['image']['array'] = data['image']['array'] * self.gain
        return data
`
    );
    const info = getModule('documented');
    expect(info.description).toBe('Scales and shifts pixel values.');
    expect([info.category, info.modality, info.dimension]).toEqual(['Grayscale', ['CT', 'MRI'], 2]);
    expect(info.params).toEqual({
      type: 'object',
      properties: {
        gain: { type: 'number', description: 'Multiplier applied to every pixel.' },
        offset: { type: 'integer', default: 0, description: 'Value added after the gain.' },
        mode: {
          type: 'string',
          enum: ['floor', 'round'],
          default: 'round',
          description: 'How to round.'
        },
        verbose: { type: 'boolean', default: false, description: 'verbose' },
        tag: { type: 'string', default: 'x', description: 'tag' }
      },
      required: ['gain'],
      additionalProperties: false
    });
    expect(() => validateParams('documented', {})).toThrow(/gain/);
    // An int given for a float parameter arrives in Python as a float.
    const r = (await applyModuleAsync(
      'documented',
      item({ data: new Uint8Array([1, 2, 3, 4]), shape: [2, 2], dtype: 'uint8' }),
      { gain: 2 }
    ))!;
    expect(r.image.array.dtype).toBe('float64');
    expect(Array.from(r.image.array.data as Float64Array)).toEqual([2, 4, 6, 8]);
  });

  it('refuses cells without exactly one module class, naming the module', async () => {
    const none = await worker.defineModule('nothing_here', 'x = 1', io);
    expect(none!.evalue).toBe(
      'nothing_here: the cell must define exactly one class with __call__(self, data) (found none)'
    );
    const two = await worker.defineModule(
      'two_classes',
      'class A:\n    def __call__(self, data): return data\n' +
        'class B:\n    def __call__(self, data): return data\n',
      io
    );
    expect(two!.evalue).toContain('two_classes: the cell must define exactly one class');
    expect(two!.evalue).toContain('found A, B');
    const badCall = await worker.defineModule(
      'bad_call',
      'class C:\n    def __call__(self): return None\n',
      io
    );
    expect(badCall!.evalue).toContain('bad_call: C.__call__ must take exactly one argument');
    const badType = await worker.defineModule(
      'bad_type',
      'class D:\n    def __init__(self, k: list = []): pass\n    def __call__(self, data): return data\n',
      io
    );
    expect(badType!.evalue).toContain("bad_type: __init__ parameter 'k' has annotation");
    const builtin = await worker.defineModule('rescale', HU_WINDOW, io);
    expect(builtin!.evalue).toContain('built-in module');
    const badCategory = await worker.defineModule(
      'bad_category',
      'class F:\n    category = "Fancy"\n    def __call__(self, data): return data\n',
      io
    );
    expect(badCategory!.evalue).toBe(
      'bad_category: category must be one of General, Color, Grayscale, Binary, Augmentation, Advanced (got "Fancy")'
    );
    const syntax = await worker.defineModule('broken', 'class E(:\n  pass', io);
    expect(syntax!.ename).toBe('SyntaxError');
    expect(listModules().map(m => m.name)).not.toContain('nothing_here');
  });

  it('checks what __call__ returns, with errors that name the module', async () => {
    await define(
      'contract',
      `import numpy as np
class Contract:
    def __init__(self, case: str = 'ok'):
        self.case = case
    def __call__(self, data):
        a = data['image']['array']
        if self.case == 'list': return [data]
        if self.case == 'drop': return None
        if self.case == 'aslist': data['image']['array'] = a.tolist()
        if self.case == 'complex': data['image']['array'] = a.astype(np.complex64)
        if self.case == 'float16': data['image']['array'] = a.astype(np.float16)
        if self.case == 'nan':
            b = a.astype(np.float32); b[0, 0] = np.nan; b[1, 1] = np.inf
            data['image']['array'] = b
        if self.case == 'rank1': data['image']['array'] = a.ravel()
        if self.case == 'raise': raise ValueError('window too narrow')
        if self.case == 'labellist':
            data['label']['classification']['array'] = [0, 1]
        return data
`
    );
    const image = (): DataDict =>
      item({ data: new Uint8Array(16).fill(7), shape: [4, 4], dtype: 'uint8' });
    const failure = async (kind: string): Promise<string> => {
      try {
        await applyModuleAsync('contract', image(), { case: kind });
      } catch (error) {
        expect(error).toBeInstanceOf(PythonModuleError);
        return (error as Error).message;
      }
      throw new Error(`case ${kind} did not fail`);
    };
    expect(await applyModuleAsync('contract', image(), { case: 'drop' })).toBeNull();
    expect(await failure('list')).toBe(
      'contract: __call__ must return the data dict (or None to drop the item), got list'
    );
    expect(await failure('aslist')).toBe(
      "contract: data['image']['array'] must be a numpy array, got list"
    );
    expect(await failure('complex')).toMatch(
      /^contract: data\['image'\]\['array'\] has dtype complex64; supported: bool, float32/
    );
    expect(await failure('float16')).toMatch(/^contract: .* has dtype float16/);
    expect(await failure('nan')).toBe(
      "contract: data['image']['array'] contains 1 NaN and 1 infinite values"
    );
    expect(await failure('rank1')).toBe(
      "contract: data['image']['array'] has shape (16,) (rank 1); a 2D image must have rank 2 or 3"
    );
    expect(await failure('labellist')).toBe(
      "contract: data['label']['classification']['array'] must be a numpy array, got list"
    );
    const raised = await failure('raise');
    expect(raised).toMatch(/^contract: ValueError: window too narrow\nTraceback/);
    expect(raised).toContain("    if self.case == 'raise': raise ValueError('window too narrow')");
    // A batch names the failing item.
    const def = getModule('contract');
    const items = [image(), image(), image()];
    items[2].image.array = {
      data: new Float32Array(16).fill(NaN),
      shape: [4, 4],
      dtype: 'float32'
    };
    await expect(
      def.applyBatch!(items, validateParams('contract', { case: 'ok' }), [])
    ).rejects.toThrow(
      "contract: data['image']['array'] contains 16 NaN and 0 infinite values (item 2 of the batch)"
    );
  });

  it('processes a batch of 256 images of 64×64 in one round trip', async () => {
    const def = getModule('hu_window');
    const params = validateParams('hu_window', { center: -600, width: 1500 });
    const items = Array.from({ length: 256 }, (_, i) =>
      item(randomArray('int16', [64, 64], 1000 + i))
    );
    await def.applyBatch!(items.slice(0, 8), params, []); // warm up the instance
    const requests = jest.spyOn(worker, 'request');
    const t0 = performance.now();
    const results = await def.applyBatch!(items, params, []);
    const batchMs = performance.now() - t0;
    expect(requests).toHaveBeenCalledTimes(1);
    requests.mockRestore();
    expect(results).toHaveLength(256);
    // Same answer as one at a time, and much cheaper per image.
    const t1 = performance.now();
    for (let i = 0; i < 32; i++) {
      const one = (await def.apply(items[i], params))!;
      expect(bytesOf(one.image.array).equals(bytesOf(results[i]!.image.array))).toBe(true);
    }
    const singleMs = (performance.now() - t1) / 32;
    const perImage = batchMs / 256;
    process.stdout.write(
      `hu_window batch of 256×64×64 int16: ${batchMs.toFixed(1)} ms, ` +
        `${(perImage * 1000).toFixed(0)} µs/image; one per call: ${(singleMs * 1000).toFixed(0)} µs/image\n`
    );
    expect(perImage).toBeLessThan(singleMs);
  });

  it('replaces a module when its cell runs again, and drops stale instances', async () => {
    await define(
      'versioned',
      'class V:\n    def __call__(self, data):\n        data["image"]["header"]["v"] = 1\n        return data\n'
    );
    const image = item({ data: new Uint8Array(4), shape: [2, 2], dtype: 'uint8' });
    const v1 = (await applyModuleAsync('versioned', image))!;
    expect((v1.image.header as unknown as { v: number }).v).toBe(1);
    await define(
      'versioned',
      'class V2:\n    """Second version."""\n    def __call__(self, data):\n        data["image"]["header"]["v"] = 2\n        return data\n'
    );
    expect(getModule('versioned').origin).toBe('user');
    expect(getModule('versioned').description).toBe('Second version.');
    const v2 = (await applyModuleAsync('versioned', image))!;
    expect((v2.image.header as unknown as { v: number }).v).toBe(2);
  });

  it('routes what a module prints to the cell that ran it, and stops when that cell is interrupted', async () => {
    await define(
      'chatty',
      'import time\nclass Chatty:\n    def __init__(self, loop: bool = False):\n        self.loop = loop\n' +
        '    def __call__(self, data):\n        print("processing", data["meta"]["index"])\n' +
        '        while self.loop: time.sleep(0.01)\n        return data\n'
    );
    const seen: Array<[string, string]> = [];
    installStreamRouting((cell, _name, text) => seen.push([cell.request.header.msg_id, text]));
    const cell = (id: string): CellContext => ({
      request: { header: { msg_id: id } } as unknown as Message,
      controller: new AbortController()
    });
    const a = cell('cell-a');
    const data = {
      ...item({ data: new Uint8Array(4), shape: [2, 2], dtype: 'uint8' }),
      meta: { index: 7 }
    };
    await runInCell(a, () =>
      runWithSignal(a.controller.signal, () => applyModuleAsync('chatty', data))
    );
    expect(seen).toEqual([['cell-a', 'processing 7\n']]);
    // An interrupted cell interrupts the module call it is waiting for.
    const b = cell('cell-b');
    const running = runInCell(b, () =>
      runWithSignal(b.controller.signal, () => applyModuleAsync('chatty', data, { loop: true }))
    );
    setTimeout(() => b.controller.abort(), 300);
    await expect(running).rejects.toThrow(/^chatty: KeyboardInterrupt/);
    expect(seen[1]).toEqual(['cell-b', 'processing 7\n']);
  });

  it('redefines a module in a restarted worker and keeps working', async () => {
    await worker.restart();
    const array = randomArray('int16', [16, 16], 7);
    const result = (await applyModuleAsync('hu_window', item(array), { center: 0, width: 100 }))!;
    expect(result.image.array.dtype).toBe('float32');
    const crash = await worker.run('import os\nos._exit(9)', io);
    expect(crash!.ename).toBe('PythonWorkerDied');
    const again = (await applyModuleAsync('hu_window', item(array), { center: 0, width: 100 }))!;
    expect(bytesOf(again.image.array).equals(bytesOf(result.image.array))).toBe(true);
  });
});
