/**
 * `medflow:network-builder`: the layer builder in cell outputs (a NetworkBuilder shown by a
 * cell), and the command "Open Network Builder in a Tab" (palette, and the context menu of a
 * builder output) that opens the network under the pointer, or the latest one, in the main
 * area. Other widgets (the pipeline's network node) can run the command too.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ILiveConnector } from '../tokens';
import {
  createNetworkRendererFactory,
  NetworkBuilderPanel,
  NetworkOutputs,
  type NetworkRenderer
} from './renderer';

export const OPEN_NETWORK_BUILDER = 'medflow:open-network-builder';

export const networkBuilderPlugin: JupyterFrontEndPlugin<void> = {
  id: 'medflow:network-builder',
  description: 'The medflow layer builder: edit a network in a cell output or in a tab.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [ILiveConnector, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    connector: ILiveConnector | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('medflow');
    const outputs = new NetworkOutputs();
    const factory = createNetworkRendererFactory(connector, trans, outputs);
    rendermime.addFactory(factory, factory.defaultRank);

    const target = (): NetworkRenderer | null => {
      const node = app.contextMenuHitTest(n => n.classList.contains('medflow-NetworkRenderer'));
      return (node && [...outputs.all].find(r => r.node === node)) || outputs.last;
    };
    app.commands.addCommand(OPEN_NETWORK_BUILDER, {
      label: trans.__('Open Network Builder in a Tab'),
      caption: trans.__('Edit the network of a builder output in a main-area tab'),
      isEnabled: () => outputs.all.size > 0,
      execute: () => {
        const source = target();
        const model = source?.model;
        const state = model?.snapshot.state;
        if (!source || !model?.ref || !state) return;
        const panel = new NetworkBuilderPanel(
          model.ref,
          state,
          source.node,
          source.liveConnector,
          trans
        );
        const widget = new MainAreaWidget({ content: panel });
        widget.id = `medflow-network-${model.ref.id}-${Date.now()}`;
        widget.title.label = trans.__('Network %1', state.network.name);
        widget.title.closable = true;
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
      }
    });
    palette?.addItem({ command: OPEN_NETWORK_BUILDER, category: trans.__('medflow') });
    app.contextMenu.addItem({
      command: OPEN_NETWORK_BUILDER,
      selector: '.medflow-NetworkRenderer',
      rank: 10
    });
  }
};
