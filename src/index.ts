/**
 * medflow's JupyterLab extension: the pipeline graph.
 *
 * - `medflow:pipeline-graph` reads the graph settings, keeps track of the graphs on screen
 *   and offers the "Fit Pipeline Graph to View" command (palette and context menu).
 * - `medflow:live` connects live widgets (src/live) to the kernel of their notebook or console.
 * - `medflow:pipeline-renderer` registers the MIME renderer that shows a pipeline displayed
 *   as a cell's value (and saved in the notebook) as a graph.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PipelineGraphRegistry } from './pipeline/registry';
import { createPipelineRendererFactory } from './pipeline/renderer';
import { LiveConnector, trackerSessionFinder } from './live/connector';
import { ILiveConnector, IPipelineGraphRegistry } from './tokens';
import { networkBuilderPlugin } from './builder/plugin';
import { trainingViewPlugin } from './training/plugin';
import { tuningViewPlugin } from './tuning/plugin';

export { ILiveConnector, IPipelineGraphRegistry } from './tokens';
export type { IPipelineGraphSettings, IPipelineGraphView } from './tokens';

/** Translation domain of every medflow string. */
const DOMAIN = 'medflow';

const CommandIDs = {
  fitGraph: 'medflow:fit-pipeline-graph'
} as const;

const graphPlugin: JupyterFrontEndPlugin<IPipelineGraphRegistry> = {
  id: 'medflow:pipeline-graph',
  description: 'Settings, tracking and commands of the medflow pipeline graph.',
  autoStart: true,
  provides: IPipelineGraphRegistry,
  optional: [ISettingRegistry, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): IPipelineGraphRegistry => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const registry = new PipelineGraphRegistry();

    if (settingRegistry) {
      settingRegistry
        .load(graphPlugin.id)
        .then(settings => {
          const apply = () =>
            registry.update({
              direction: settings.get('direction').composite,
              height: settings.get('height').composite
            });
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error(`Failed to load the settings of ${graphPlugin.id}.`, reason);
        });
    }

    // The graph under the pointer when the command comes from the context menu.
    const graphAtPointer = (): HTMLElement | undefined =>
      app.contextMenuHitTest(node => node.classList.contains('medflow-PipelineGraphRenderer'));

    app.commands.addCommand(CommandIDs.fitGraph, {
      label: trans.__('Fit Pipeline Graph to View'),
      caption: trans.__('Zoom and pan the pipeline graphs so that every node is visible'),
      isEnabled: () => registry.views.length > 0,
      execute: () => {
        const target = graphAtPointer();
        const views = target ? registry.views.filter(v => v.node === target) : registry.views;
        views.forEach(view => view.fitView());
      }
    });
    palette?.addItem({ command: CommandIDs.fitGraph, category: trans.__('medflow') });

    return registry;
  }
};

const livePlugin: JupyterFrontEndPlugin<ILiveConnector> = {
  id: 'medflow:live',
  description: 'Connects medflow live widgets to the kernel of the notebook they are shown in.',
  autoStart: true,
  provides: ILiveConnector,
  optional: [INotebookTracker, IConsoleTracker],
  activate: (
    _app: JupyterFrontEnd,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null
  ): ILiveConnector => new LiveConnector(trackerSessionFinder(notebooks, consoles))
};

const rendererPlugin: JupyterFrontEndPlugin<void> = {
  id: 'medflow:pipeline-renderer',
  description: 'Shows a medflow pipeline in a cell output as a graph.',
  autoStart: true,
  requires: [IRenderMimeRegistry, IPipelineGraphRegistry],
  optional: [ITranslator],
  activate: (
    _app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    registry: IPipelineGraphRegistry,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const factory = createPipelineRendererFactory(registry, trans);
    rendermime.addFactory(factory, factory.defaultRank);
  }
};

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  graphPlugin,
  livePlugin,
  rendererPlugin,
  networkBuilderPlugin,
  trainingViewPlugin,
  tuningViewPlugin
];
export default plugins;
