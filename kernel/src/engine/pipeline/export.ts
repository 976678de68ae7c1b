/**
 * A pipeline as a runnable TypeScript script: it imports medflow, rebuilds the same pipeline
 * from its JSON document (same steps, network, training settings and seed) and trains it, so
 * that running the script on the same backend reproduces the run's metrics.
 */
import type { PipelineDocument } from '../../../../schema/documents';

export function pipelineScript(doc: PipelineDocument): string {
  const json = JSON.stringify(doc, null, 2);
  return `/**
 * medflow pipeline '${doc.name.replace(/\*\//g, '* /')}' (seed ${doc.seed}), exported by Pipeline.export().
 * Run it with the same medflow version and backend to reproduce the run:
 *   npx tsc --module commonjs --target es2022 --esModuleInterop --strict <this file> && node <this file>.js
 */
import * as mf from 'medflow';

// An assertion, not an annotation: the DatasetRef type has no path field (npz datasets carry one).
export const pipelineDocument = ${json} as mf.PipelineDocument;

/** Rebuilds the pipeline from its document and trains it (the dataset is loaded again). */
export async function main(): Promise<mf.Run> {
  const backend = await mf.backend();
  const pipeline = mf.pipelineFromJSON(pipelineDocument);
  const run = await pipeline.train();
  console.log(\`backend: \${backend}\`);
  console.log(run.toString());
  return run;
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
`;
}
