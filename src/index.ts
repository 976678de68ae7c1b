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
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PipelineGraphRegistry } from './pipeline/registry';
import { createPipelineRendererFactory, type ViewLayers } from './pipeline/renderer';
import { NetworkBuilderPanel } from './builder/renderer';
import type { NetworkViewState } from '../schema/views';
import { LiveConnector, trackerSessionFinder } from './live/connector';
import {
  ILiveConnector,
  IPipelineGraphRegistry,
  type IPipelineGraphActions,
  type IPipelineGraphView
} from './tokens';
import { networkBuilderPlugin } from './builder/plugin';
import { trainingViewPlugin } from './training/plugin';
import { tuningViewPlugin } from './tuning/plugin';

export { ILiveConnector, IPipelineGraphRegistry } from './tokens';
export type { IPipelineGraphActions, IPipelineGraphSettings, IPipelineGraphView } from './tokens';

/** Translation domain of every medflow string. */
const DOMAIN = 'medflow';

const CommandIDs = {
  fitGraph: 'medflow:fit-pipeline-graph',
  undo: 'medflow:pipeline-undo',
  redo: 'medflow:pipeline-redo',
  deleteStep: 'medflow:pipeline-delete-step',
  duplicateStep: 'medflow:pipeline-duplicate-step',
  autoLayout: 'medflow:pipeline-auto-layout',
  runAll: 'medflow:pipeline-run-all',
  runUpTo: 'medflow:pipeline-run-up-to-selected',
  sampleRun: 'medflow:pipeline-sample-run'
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
              height: settings.get('height').composite,
              sampleCount: settings.get('sampleCount').composite,
              previewDelay: settings.get('previewDelay').composite
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

    // Editing commands act on the live graph that has the focus (or is under the pointer),
    // else on the last live graph shown.
    const liveView = (): IPipelineGraphView | undefined => {
      const live = registry.views.filter(v => v.actions !== null);
      const target = graphAtPointer();
      const active = document.activeElement;
      return (
        live.find(v => v.node === target) ??
        live.find(v => active !== null && v.node.contains(active)) ??
        live[live.length - 1]
      );
    };
    const editCommands: [string, string, string, (a: IPipelineGraphActions) => void][] = [
      [
        CommandIDs.undo,
        trans.__('Undo Pipeline Edit'),
        trans.__('Undo the last edit made in the pipeline graph'),
        a => a.undo()
      ],
      [
        CommandIDs.redo,
        trans.__('Redo Pipeline Edit'),
        trans.__('Redo the pipeline edit that was undone'),
        a => a.redo()
      ],
      [
        CommandIDs.deleteStep,
        trans.__('Delete Selected Pipeline Step'),
        trans.__('Remove the selected step from the pipeline'),
        a => a.deleteSelected()
      ],
      [
        CommandIDs.duplicateStep,
        trans.__('Duplicate Selected Pipeline Step'),
        trans.__('Insert a copy of the selected step after it'),
        a => a.duplicateSelected()
      ],
      [
        CommandIDs.autoLayout,
        trans.__('Auto-Layout Pipeline Graph'),
        trans.__('Lay the pipeline graph out again'),
        a => a.autoLayout()
      ],
      [
        CommandIDs.runAll,
        trans.__('Run Whole Pipeline'),
        trans.__('Preprocess, train and evaluate the pipeline'),
        a => a.run('all')
      ],
      [
        CommandIDs.runUpTo,
        trans.__('Run Pipeline up to Selected Step'),
        trans.__('Process the training images through the steps up to the selected one'),
        a => a.run('upto')
      ],
      [
        CommandIDs.sampleRun,
        trans.__('Sample Run of Pipeline'),
        trans.__('Process a few sample images through every step'),
        a => a.run('sample')
      ]
    ];
    for (const [id, label, caption, act] of editCommands) {
      app.commands.addCommand(id, {
        label,
        caption,
        isEnabled: () => liveView() !== undefined,
        execute: () => {
          const actions = liveView()?.actions;
          if (actions) act(actions);
        }
      });
      palette?.addItem({ command: id, category: trans.__('medflow') });
    }

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
  description: 'Shows a medflow pipeline in a cell output as a live, editable graph.',
  autoStart: true,
  requires: [IRenderMimeRegistry, IPipelineGraphRegistry],
  optional: [ILiveConnector, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    registry: IPipelineGraphRegistry,
    connector: ILiveConnector | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    // "View layers": the kernel made a layer builder on the pipeline's network; show it in a
    // main-area tab next to the notebook (its edits flow back into the pipeline).
    const viewLayers: ViewLayers = (live, state, node) => {
      const view = state as unknown as NetworkViewState;
      const panel = new NetworkBuilderPanel(live, view, node, connector, trans);
      const widget = new MainAreaWidget({ content: panel });
      widget.id = `medflow-pipeline-network-${live.id}-${Date.now()}`;
      widget.title.label = trans.__('Layers of %1', view.network.name);
      widget.title.closable = true;
      app.shell.add(widget, 'main', { mode: 'split-right' });
      app.shell.activateById(widget.id);
    };
    const factory = createPipelineRendererFactory(registry, connector, trans, viewLayers);
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
