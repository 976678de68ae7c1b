/**
 * "View layers" on the pipeline graph's network node: the pipeline's network opened in the
 * layer builder. The builder is a copy of the pipeline's network document; every edit that
 * leaves the network valid is written back into the pipeline (so the graph and the next cell see
 * it), while an edit in progress that does not validate yet stays in the builder only.
 */
import type { NetworkViewState } from '../networks/builder-editor';
import { NetworkBuilder } from '../networks/builder-editor';
import type { Pipeline } from '../pipeline/pipeline';
import { networkLiveRef } from '../views/network-view';
import type { LiveRef } from './objects';

/** A layer-builder name for a pipeline's network: the allowed characters only. */
function builderName(pipeline: Pipeline): string {
  const base = `${pipeline.name}-network`
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  return (base || 'network').slice(0, 100);
}

/** `inputShape`: H×W×C of the processed images, when known (shapes on the builder's edges). */
export function openPipelineNetwork(
  pipeline: Pipeline,
  inputShape?: number[]
): { live: LiveRef; state: NetworkViewState } {
  const doc = pipeline.toJSON().network;
  if (!doc) throw new Error(`pipeline '${pipeline.name}' has no network: call .network(doc) first`);
  const builder = new NetworkBuilder(builderName(pipeline), { from: doc, inputShape });
  builder.subscribe(() => {
    if (!builder.check().ok) return;
    const edited = builder.toJSON();
    // The pipeline keeps its network's own name; only the layers change.
    pipeline.network({ ...edited, name: doc.name });
  });
  return { live: networkLiveRef(builder), state: builder.viewState() };
}
