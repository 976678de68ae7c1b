/** `medflow:training-view`: shows live training runs (p.train() in a kernel) in cell outputs. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ILiveConnector } from '../tokens';
import { createTrainingRendererFactory } from './renderer';

export const trainingViewPlugin: JupyterFrontEndPlugin<void> = {
  id: 'medflow:training-view',
  description: 'Shows a medflow training run live in a cell output: charts, stop button, results.',
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
    const factory = createTrainingRendererFactory(connector, trans);
    rendermime.addFactory(factory, factory.defaultRank);
  }
};
