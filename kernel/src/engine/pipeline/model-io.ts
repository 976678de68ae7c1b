/**
 * Saving and loading tfjs models as files: model.json (topology + weights manifest) and one
 * weights.bin, the layout `tfjs.converters` and tfjs-node use. tfjs-node's file:// handler is
 * not available with the wasm backend, so this module provides one and registers it for
 * `file://` URLs (unless a native backend registered its own).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tf } from '../backend';
// Registers medflow's custom layers (seeded dropout) for deserialization.
import '../networks/dropout-tfjs';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** All weight buffers of the artifacts as one ArrayBuffer. */
function concatWeights(data: tf.io.ModelArtifacts['weightData']): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

/** An IOHandler reading and writing model.json + weights.bin in a directory. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const weights = concatWeights(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }]
      };
      writeFileSync(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
      writeFileSync(path.join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength
        }
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(readFileSync(path.join(dir, MODEL_FILE), 'utf8')) as {
        modelTopology: object;
        format?: string;
        generatedBy?: string;
        convertedBy?: string | null;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      };
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(readFileSync(path.join(dir, p)));
      }
      const weightData = concatWeights(buffers.map(b => new Uint8Array(b).buffer));
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        weightSpecs,
        weightData
      };
    }
  };
}

const PREFIX = 'file://';
let registered = false;

/** Lets `model.save('file://dir')` and `tf.loadLayersModel('file://dir/model.json')` work. */
export function registerFileRouter(): void {
  if (registered || tf.io.getSaveHandlers(`${PREFIX}probe`).length > 0) return;
  registered = true;
  // A router answers null for URLs that are not its own (the IORouter type omits that).
  const route = ((url: string | string[]) => {
    if (Array.isArray(url) || !url.startsWith(PREFIX)) return null;
    const p = url.slice(PREFIX.length);
    return fileHandler(p.endsWith(MODEL_FILE) ? path.dirname(p) : p);
  }) as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
}

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileHandler(dir));
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileHandler(dir));
}
