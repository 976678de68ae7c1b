import { loadNative } from './native';

describe('native TensorFlow backends', () => {
  it('reports a package that is not installed (the case on machines without internet)', () => {
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node/package.json');
    } catch {
      installed = false;
    }
    if (installed) return; // nothing to check where it is installed: select.test covers use
    expect(() => loadNative('@tensorflow/tfjs-node')).toThrow(
      '@tensorflow/tfjs-node is not installed'
    );
    expect(() => loadNative('@tensorflow/tfjs-node-gpu')).toThrow(/is not installed/);
  });
});
