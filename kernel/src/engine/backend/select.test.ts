import { backendInfo, ensureBackend, tf } from './index';

describe('ensureBackend', () => {
  const saved = process.env.MEDFLOW_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDFLOW_BACKEND;
    else process.env.MEDFLOW_BACKEND = saved;
  });

  it('picks wasm on this machine (no native TensorFlow installed) and says so', async () => {
    delete process.env.MEDFLOW_BACKEND;
    expect(backendInfo()).toBeUndefined();
    const info = await ensureBackend();
    expect(info.name).toBe('wasm');
    expect(info.label).toMatch(/^wasm \(\d+ threads?/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(backendInfo()).toEqual(info);
    // Idempotent: the same choice again, and tensors compute on it.
    expect(await ensureBackend()).toBe(info);
    expect(Array.from(await tf.tensor1d([1, -2, 3]).square().data())).toEqual([1, 4, 9]);
    // A direct tf.setBackend() elsewhere does not make backendInfo() lie.
    await tf.setBackend('cpu');
    expect(await ensureBackend()).toBe(info);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('switches when a backend is named, and honours MEDFLOW_BACKEND', async () => {
    const cpu = await ensureBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    process.env.MEDFLOW_BACKEND = 'wasm';
    expect((await ensureBackend()).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('reports a forced backend that cannot start, and rejects unknown names', async () => {
    await expect(ensureBackend('tensorflow-gpu')).rejects.toThrow(/not available/);
    process.env.MEDFLOW_BACKEND = 'webgl';
    await expect(ensureBackend()).rejects.toThrow(/unknown backend 'webgl'/);
    // A failed request leaves the previous backend active.
    expect(tf.getBackend()).toBe('wasm');
  });
});
