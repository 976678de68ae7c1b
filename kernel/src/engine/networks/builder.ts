/** A small helper for writing network documents in code: layers chain unless inputs are given. */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';

export class NetworkBuilder {
  readonly layers: LayerNode[] = [];
  /** Id of the most recently added layer. */
  last = '';

  constructor(inputShape: number[] | null | undefined) {
    this.add('input', 'Input', { shape: inputShape ?? null }, []);
  }

  /** Adds a layer fed by `inputs` (default: the previous layer); returns its id. */
  add(id: string, type: string, params: Record<string, unknown>, inputs = [this.last]): string {
    this.layers.push({ id, type, params, inputs });
    this.last = id;
    return id;
  }

  build(name: string): NetworkDocument {
    return { version: 1, name, inputs: ['input'], layers: this.layers, outputs: [this.last] };
  }
}

/** Shared option checks of the built-in networks. */
export function checkClasses(net: string, classes: number): void {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new Error(`${net}: classes must be an integer >= 2 (got ${classes})`);
  }
}

export function checkInt(net: string, key: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new Error(`${net}: ${key} must be an integer in ${lo}..${hi} (got ${v})`);
  }
}
