/**
 * Base of every live MIME renderer: reads the bundle, keeps one LiveModel per displayed
 * object (a new one when an update_display_data names another object), connects it to the
 * notebook's kernel once the output is in the page, and disposes it with the output.
 * Subclasses say how to read the static data and how to draw the model.
 */
import * as React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import type { ILiveConnector } from '../tokens';
import { LiveModel } from './live-model';
import { readLiveRef } from './protocol';

export abstract class LiveMimeRenderer<S> extends ReactWidget implements IRenderMime.IRenderer {
  constructor(
    options: IRenderMime.IRendererOptions,
    protected readonly connector: ILiveConnector | null
  ) {
    super();
    this.mimeType = options.mimeType;
  }

  /** The model of the object shown now (null before the first renderModel). */
  get model(): LiveModel<S | null> | null {
    return this._model;
  }

  renderModel(mime: IRenderMime.IMimeModel): Promise<void> {
    const data = mime.data[this.mimeType];
    const ref = readLiveRef(data);
    const initial = this.readStatic(data);
    const same =
      this._model && ref && this._model.ref?.target === ref.target && this._model.ref.id === ref.id;
    if (!same) {
      this._replaceModel(new LiveModel<S | null>(ref, initial, raw => this.readLive(raw)));
    }
    this.update();
    return Promise.resolve();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._detach();
    this._model?.dispose();
    this._model = null;
    super.dispose();
  }

  /** The static state from the bundle data (null when it cannot be read: render says why). */
  protected abstract readStatic(data: unknown): S | null;
  /** A state sent by the kernel; undefined to ignore a malformed one. */
  protected abstract readLive(raw: unknown): S | undefined;
  /** Draws the model (subscribe with useLiveModel inside). */
  protected abstract renderLive(model: LiveModel<S | null>): React.ReactElement;

  protected render(): React.ReactElement | null {
    return this._model ? this.renderLive(this._model) : null;
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._connect();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._detach();
    super.onBeforeDetach(msg);
  }

  private _replaceModel(model: LiveModel<S | null>): void {
    this._detach();
    this._model?.dispose();
    this._model = model;
    if (this.isAttached) this._connect();
  }

  private _connect(): void {
    if (!this._model || this._stop) return;
    if (this.connector) this._stop = this.connector.attach(this._model, this.node);
    else this._model.connect(null);
  }

  private _detach(): void {
    this._stop?.();
    this._stop = null;
  }

  protected readonly mimeType: string;
  private _model: LiveModel<S | null> | null = null;
  private _stop: (() => void) | null = null;
}
