/**
 * A plugin that only registers a live view's MIME renderer factory (the training view, the
 * tuning view): the same requirements and activation for each, only the id, the description
 * and the factory differ.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ILiveConnector } from '../tokens';

export function liveViewPlugin(
  id: string,
  description: string,
  createFactory: (
    connector: ILiveConnector | null,
    trans: IRenderMime.TranslationBundle
  ) => IRenderMime.IRendererFactory
): JupyterFrontEndPlugin<void> {
  return {
    id,
    description,
    autoStart: true,
    requires: [IRenderMimeRegistry],
    optional: [ILiveConnector, ITranslator],
    activate: (
      _app: JupyterFrontEnd,
      rendermime: IRenderMimeRegistry,
      connector: ILiveConnector | null,
      translator: ITranslator | null
    ): void => {
      const trans = (translator ?? nullTranslator).load('medflow');
      const factory = createFactory(connector, trans);
      rendermime.addFactory(factory, factory.defaultRank);
    }
  };
}
