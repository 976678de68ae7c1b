import * as os from 'os';
import { tf } from '../tf';
import { ensureBackend } from '../select';
import { randomArray, wasmVsCpu } from '../testing/compare';

/** Resources that keep Node's event loop alive, by type (MessagePort = a worker's channel). */
const ports = () => process.getActiveResourcesInfo().filter(r => r === 'MessagePort').length;

describe('wasm threads in Node', () => {
  const cores = os.availableParallelism();
  let portsBefore = 0;

  beforeAll(() => {
    delete process.env.MEDFLOW_WASM_THREADS;
    portsBefore = ports();
  });

  it('uses up to 4 threads, as many as there are cores', async () => {
    const info = await ensureBackend('wasm');
    const expected = Math.min(4, cores);
    expect(info.threads).toBe(expected);
    expect(info.label).toBe(`wasm (${expected} thread${expected === 1 ? '' : 's'}, SIMD)`);
  });

  it('computes convolutions and their gradients as the cpu backend does', async () => {
    const xs = randomArray(4 * 16 * 16 * 8, 61);
    const fs = randomArray(3 * 3 * 8 * 16, 62);
    const ws = randomArray(4 * 16 * 16 * 16, 65);
    const diff = await wasmVsCpu(() => {
      const w = tf.tensor(ws, [4, 16, 16, 16]);
      return tf.grads((x: tf.Tensor, f: tf.Tensor) =>
        tf
          .conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')
          .mul(w)
          .sum()
      )([tf.tensor(xs, [4, 16, 16, 8]), tf.tensor(fs, [3, 3, 8, 16])]);
    });
    expect(diff).toBeLessThan(1e-5);
  });

  it('gives bit-identical results when run again (no races in the thread pool)', async () => {
    await ensureBackend('wasm');
    const x = tf.tensor(randomArray(8 * 32 * 32 * 16, 63), [8, 32, 32, 16]) as tf.Tensor4D;
    const f = tf.tensor(randomArray(3 * 3 * 16 * 32, 64), [3, 3, 16, 32]) as tf.Tensor4D;
    const run = () =>
      tf.tidy(() =>
        tf
          .grads((a: tf.Tensor, b: tf.Tensor) =>
            tf
              .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')
              .square()
              .sum()
          )([x, f])
          .map(t => t.dataSync())
      );
    const first = run();
    for (let i = 0; i < 3; i++) {
      run().forEach((values, j) =>
        expect(Buffer.compare(Buffer.from(values.buffer), Buffer.from(first[j].buffer))).toBe(0)
      );
    }
    tf.dispose([x, f]);
  });

  it('leaves no worker holding the process open', async () => {
    await ensureBackend('wasm');
    tf.tidy(() =>
      tf
        .conv2d(
          tf.ones([2, 8, 8, 4]) as tf.Tensor4D,
          tf.ones([3, 3, 4, 4]) as tf.Tensor4D,
          1,
          'same'
        )
        .dataSync()
    );
    expect(ports()).toBe(portsBefore);
  });
});
