/**
 * The MIME renderer of `application/vnd.medflow.pipeline+json`: the live pipeline graph in a
 * cell's output. A bundle with `live: { target, id }` connects to the pipeline object in the
 * notebook's kernel (src/live) and becomes editable; without a kernel (a reopened notebook),
 * or for an older bundle without `live`, the saved document shows as a static graph and the
 * status badge says why. The output area calls renderModel() again on update_display_data,
 * and disposes the widget when the output is cleared.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LiveMimeRenderer } from '../live/LiveMimeRenderer';
import { liveRendererFactory } from '../live/renderer-factory';
import type { ReadResult } from '../live/read-result';
import type { LiveModel } from '../live/live-model';
import type {
  ILiveConnector,
  IPipelineGraphActions,
  IPipelineGraphRegistry,
  IPipelineGraphSettings,
  IPipelineGraphView
} from '../tokens';
import { readLiveState, type PipelineLiveState } from './editor-model';
import { PIPELINE_MIME_TYPE, readPipelineDocument } from './graph-model';
import { PipelineEditor } from './PipelineEditor';
import { PipelineSession } from './session';

/**
 * Opens the layer builder on a pipeline's network: `live` is the kernel's reference of the
 * builder it made from the pipeline's network (edits flow back into the pipeline), `state` its
 * first state, `node` the output the view belongs to (it tells which kernel to talk to).
 */
export type ViewLayers = (
  live: { target: string; id: string },
  state: Record<string, unknown>,
  node: HTMLElement
) => void;

/**
 * ReactWidget (the base of LiveMimeRenderer) renders through the host's react-dom, so this
 * extension bundles no part of react-dom and always matches the host's React build.
 */
export class PipelineGraphRenderer
  extends LiveMimeRenderer<PipelineLiveState>
  implements IPipelineGraphView
{
  constructor(
    options: IRenderMime.IRendererOptions,
    registry: IPipelineGraphRegistry,
    connector: ILiveConnector | null,
    trans: IRenderMime.TranslationBundle,
    viewLayers: ViewLayers | null
  ) {
    super(options, connector);
    this.addClass('medflow-PipelineGraphRenderer');
    this._registry = registry;
    this._trans = trans;
    this._viewLayers = viewLayers;
    this._forget = registry.add(this);
    registry.settingsChanged.connect(this._onSettingsChanged, this);
  }

  get actions(): IPipelineGraphActions | null {
    return this.model?.snapshot.status === 'live' ? this._actions : null;
  }

  fitView(): void {
    this._fit?.();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._registry.settingsChanged.disconnect(this._onSettingsChanged, this);
    this._forget();
    this._session?.dispose();
    super.dispose();
  }

  protected readStatic(data: unknown): ReadResult<PipelineLiveState> {
    const read = readPipelineDocument(data);
    return read.ok ? { ok: true, value: { doc: read.doc } } : read;
  }

  /** The pipeline as last edited (in a cell or the graph), keeping the live reference. */
  protected override savedData(state: PipelineLiveState, data: unknown): unknown {
    return { ...state.doc, live: (data as { live?: unknown }).live };
  }

  protected readLive(raw: unknown): ReadResult<PipelineLiveState> {
    const state = readLiveState(raw);
    return state ? this.readStatic(state.doc) : { ok: false, reason: 'not a pipeline state' };
  }

  protected renderLive(model: LiveModel<PipelineLiveState | null>): React.ReactElement {
    if (this.staticReason !== undefined && model.snapshot.state === null) {
      return (
        <div className="medflow-PipelineGraph-error" role="alert">
          {this._trans.__('This pipeline cannot be shown: %1', this.staticReason)}
        </div>
      );
    }
    if (this._session?.model !== model) {
      this._session?.dispose();
      this._session = new PipelineSession(model);
    }
    return (
      <PipelineEditor
        model={model}
        session={this._session}
        settings={this._registry.settings}
        trans={this._trans}
        onFitReady={this._onFitReady}
        onActionsReady={this._onActionsReady}
        onViewLayers={this._viewLayers ? () => void this._openLayers() : undefined}
      />
    );
  }

  /** Asks the kernel for a layer builder on the pipeline's network and shows it. */
  private async _openLayers(): Promise<void> {
    const answer = await this._session?.request({ type: 'open-network' });
    if (!answer?.ok) return; // the refusal shows in the view's error bar
    const { live, state } = answer.message as {
      live: { target: string; id: string };
      state: Record<string, unknown>;
    };
    this._viewLayers?.(live, state, this.node);
  }

  private _onSettingsChanged(_: IPipelineGraphRegistry, _settings: IPipelineGraphSettings): void {
    this.update();
  }

  private readonly _onFitReady = (fit: () => void): void => {
    this._fit = fit;
  };

  private readonly _onActionsReady = (actions: IPipelineGraphActions): void => {
    this._actions = actions;
  };

  private readonly _registry: IPipelineGraphRegistry;
  private readonly _trans: IRenderMime.TranslationBundle;
  private readonly _viewLayers: ViewLayers | null;
  private readonly _forget: () => void;
  private _session: PipelineSession | null = null;
  private _fit: (() => void) | null = null;
  private _actions: IPipelineGraphActions | null = null;
}

/** Creates the renderer factory registered in the application's IRenderMimeRegistry. */
export function createPipelineRendererFactory(
  registry: IPipelineGraphRegistry,
  connector: ILiveConnector | null,
  fallbackTrans: IRenderMime.TranslationBundle,
  viewLayers: ViewLayers | null = null
): IRenderMime.IRendererFactory {
  return liveRendererFactory(
    PIPELINE_MIME_TYPE,
    fallbackTrans,
    (options, trans) => new PipelineGraphRenderer(options, registry, connector, trans, viewLayers)
  );
}
