/**
 * The user's own networks ("My networks"): network documents saved as JSON files in
 * `$MEDFLOW_HOME/networks/<name>.json` (MEDFLOW_HOME defaults to ~/.medflow). Files are read
 * again on every call, so a network saved in one notebook is listed in every other one.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetworkDocument } from '../../../../schema/documents';
import { documentValidator, formatErrors } from '../util/ajv';

/** Letters, digits, '_', '-' and '.', not starting with '.': safe as a file name everywhere. */
const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

/** The folder of the user's networks (created on the first save). */
export function userNetworksDir(): string {
  const home = process.env.MEDFLOW_HOME || path.join(os.homedir(), '.medflow');
  return path.join(home, 'networks');
}

export function checkUserNetworkName(name: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new Error(
      `network name '${String(name)}' is not allowed: use letters, digits, '_', '-' and '.' ` +
        `(not first), at most 100 characters`
    );
  }
}

function fileOf(name: string): string {
  checkUserNetworkName(name);
  return path.join(userNetworksDir(), `${name}.json`);
}

function checkDocument(doc: unknown, where: string): asserts doc is NetworkDocument {
  const validate = documentValidator('network');
  if (!validate(doc)) throw new Error(`${where}: ${formatErrors(validate.errors, doc).join('; ')}`);
}

type SavedListener = (name: string) => void;
const savedListeners = new Set<SavedListener>();

/**
 * Calls `listener` after each save in this kernel (the pipeline palettes list a new network at
 * once); returns the function that stops it.
 */
export function onUserNetworkSaved(listener: SavedListener): () => void {
  savedListeners.add(listener);
  return () => savedListeners.delete(listener);
}

/** Writes the document as the user's network `doc.name`; returns the file's path. */
export function saveUserNetwork(doc: NetworkDocument): string {
  checkDocument(doc, `network '${doc?.name}'`);
  const file = fileOf(doc.name);
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n');
  renameSync(tmp, file);
  for (const listener of [...savedListeners]) listener(doc.name);
  return file;
}

export function hasUserNetwork(name: string): boolean {
  return existsSync(fileOf(name));
}

/** Reads the user's network `name`; the error names the file when it is missing or broken. */
export function loadUserNetwork(name: string): NetworkDocument {
  const file = fileOf(name);
  if (!existsSync(file)) {
    throw new Error(`no saved network '${name}' (looked for ${file})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  checkDocument(doc, file);
  return doc;
}

/** Names of the saved networks, sorted; unreadable files are skipped. */
export function listUserNetworks(): string[] {
  const dir = userNetworksDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .map(f => f.slice(0, -'.json'.length))
    .filter(n => NAME_PATTERN.test(n))
    .sort();
}
