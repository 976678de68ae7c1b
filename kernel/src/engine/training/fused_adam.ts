/**
 * Adam as one pass over each variable's values in plain JS, for the wasm backend's sake.
 *
 * tf.train.adam updates every variable with ~12 small tensor ops (two moment updates, square,
 * bias corrections, sqrt, division, assign). On tfjs-backend-wasm each op costs 10-400 µs of
 * dispatch (XNNPACK's unary ops wake the thread pool even for a 3×3 filter), so for a small CNN
 * the optimizer was ~10% of a training step while it touches only ~24k numbers. Here the
 * moments live in Float32Arrays and each variable is read once, updated in one loop and
 * written back as one tensor. Same update rule and defaults as tf.train.adam (Kingma & Ba,
 * with the bias corrections applied to the moments), deterministic, and backend-neutral.
 */
import { tf } from '../backend';

interface Moments {
  m: Float32Array;
  v: Float32Array;
}

export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    // Serialised under its own name: tf.train.adam's state (moment variables) differs.
    return 'MedflowFusedAdam';
  }

  private readonly moments = new Map<string, Moments>();
  private steps = 0;

  constructor(
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7
  ) {
    super();
  }

  override applyGradients(
    variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>
  ): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map(g => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    this.steps++;
    const { beta1, beta2, epsilon } = this;
    const lr = this.learningRate;
    const correct1 = 1 - beta1 ** this.steps;
    const correct2 = 1 - beta2 ** this.steps;
    for (const [name, gradient] of pairs) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (variable == null) throw new Error(`optimizer adam: no variable named ${name}`);
      // dataSync may hand out the backend's own storage (cpu): read only, write a new array.
      const g = gradient.dataSync() as Float32Array;
      const w = variable.dataSync() as Float32Array;
      let state = this.moments.get(name);
      if (state == null || state.m.length !== w.length) {
        state = { m: new Float32Array(w.length), v: new Float32Array(w.length) };
        this.moments.set(name, state);
      }
      const { m, v } = state;
      const next = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        next[i] = w[i] - (lr * (mi / correct1)) / (Math.sqrt(vi / correct2) + epsilon);
      }
      const value = tf.tensor(next, variable.shape, 'float32');
      variable.assign(value);
      value.dispose();
    }
    this.incrementIterations();
  }

  override dispose(): void {
    super.dispose();
    this.moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon
    };
  }
}
