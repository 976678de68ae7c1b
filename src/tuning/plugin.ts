/** `medflow:tuning-view`: shows live tuning studies (p.autotune() in a kernel) in cell outputs. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ILiveConnector } from '../tokens';
import { createStudyRendererFactory } from './renderer';

export const tuningViewPlugin: JupyterFrontEndPlugin<void> = {
  id: 'medflow:tuning-view',
  description:
    'Shows a medflow tuning study live in a cell output: trials, generations, top 5, Apply.',
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
    const factory = createStudyRendererFactory(connector, trans);
    rendermime.addFactory(factory, factory.defaultRank);
  }
};
