/**
 * schema/layers/catalog.json is the layer catalog as plain JSON (type, category, description, params
 * schema, input counts) for the browser's layer builder, which cannot import the engine. It is
 * generated from the registry: MEDFLOW_WRITE_SCHEMA=1 npx jest layers/catalog rewrites it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../data/builtin';
import { listLayers } from './registry';

test('schema/layers/catalog.json matches the registered layers', () => {
  const file = path.join(packageRoot(), 'schema', 'layers', 'catalog.json');
  // JSON has no Infinity: merge layers' unbounded input count is written as null.
  const catalog = {
    $comment:
      'Generated from kernel/src/engine/networks/layers (see catalog.test.ts); do not edit.',
    layers: JSON.parse(JSON.stringify(listLayers()))
  };
  const text = JSON.stringify(catalog, null, 2) + '\n';
  if (process.env.MEDFLOW_WRITE_SCHEMA === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(catalog);
});
