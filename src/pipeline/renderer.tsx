/**
 * The MIME renderer of `application/vnd.medflow.pipeline+json`: a Lumino widget that mounts
 * the React graph in a cell's output area. The output area calls renderModel() again when
 * the output is updated (update_display_data), and disposes the widget when the output is
 * cleared; the React root follows both.
 */
import * as React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { PipelineGraph } from './PipelineGraph';
import { PIPELINE_MIME_TYPE, readPipelineDocument } from './graph-model';
import type { IPipelineGraphRegistry, IPipelineGraphSettings, IPipelineGraphView } from '../tokens';

/**
 * ReactWidget (rather than our own React root) renders through the host's react-dom, so
 * this extension bundles no part of react-dom and always matches the host's React build.
 */
export class PipelineGraphRenderer
  extends ReactWidget
  implements IRenderMime.IRenderer, IPipelineGraphView
{
  constructor(
    options: IRenderMime.IRendererOptions,
    registry: IPipelineGraphRegistry,
    trans: IRenderMime.TranslationBundle
  ) {
    super();
    this.addClass('medflow-PipelineGraphRenderer');
    this._mimeType = options.mimeType;
    this._registry = registry;
    this._trans = trans;
    this._forget = registry.add(this);
    registry.settingsChanged.connect(this._onSettingsChanged, this);
    this._applyHeight(registry.settings);
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._data = model.data[this._mimeType];
    this.update();
    return Promise.resolve();
  }

  fitView(): void {
    this._fit?.();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._registry.settingsChanged.disconnect(this._onSettingsChanged, this);
    this._forget();
    super.dispose();
  }

  protected render(): React.ReactElement {
    const read = readPipelineDocument(this._data);
    if (!read.ok) {
      this._fit = null;
      return (
        <div className="medflow-PipelineGraph-error" role="alert">
          {this._trans.__('This pipeline cannot be shown: %1', read.reason)}
        </div>
      );
    }
    return (
      <PipelineGraph
        doc={read.doc}
        direction={this._registry.settings.direction}
        trans={this._trans}
        onFitReady={this._onFitReady}
      />
    );
  }

  private _onSettingsChanged(_: IPipelineGraphRegistry, settings: IPipelineGraphSettings): void {
    this._applyHeight(settings);
    this.update();
  }

  /** React Flow needs a container with a definite height; the width follows the notebook. */
  private _applyHeight(settings: IPipelineGraphSettings): void {
    this.node.style.height = `${settings.height}px`;
  }

  private readonly _onFitReady = (fit: () => void): void => {
    this._fit = fit;
  };

  private readonly _mimeType: string;
  private readonly _registry: IPipelineGraphRegistry;
  private readonly _trans: IRenderMime.TranslationBundle;
  private readonly _forget: () => void;
  private _data: unknown = null;
  private _fit: (() => void) | null = null;
}

/** Creates the renderer factory registered in the application's IRenderMimeRegistry. */
export function createPipelineRendererFactory(
  registry: IPipelineGraphRegistry,
  fallbackTrans: IRenderMime.TranslationBundle
): IRenderMime.IRendererFactory {
  return {
    // Renders data as React text only: safe for outputs of untrusted notebooks.
    safe: true,
    mimeTypes: [PIPELINE_MIME_TYPE],
    // Below text/html (50) and text/plain (120), so the graph wins whenever it is offered.
    defaultRank: 20,
    createRenderer: options =>
      new PipelineGraphRenderer(
        options,
        registry,
        options.translator?.load('medflow') ?? fallbackTrans
      )
  };
}
