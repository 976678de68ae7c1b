/**
 * Base of every live MIME renderer: reads the bundle, keeps one LiveModel per displayed
 * object (a new one when an update_display_data names another object), connects it to the
 * notebook's kernel once the output is in the page, and disposes it with the output.
 * Subclasses say how to read the static data and how to draw the model, and may say how a live
 * state is saved: then the output's data follows the kernel's state (at most once a second), so
 * a notebook saved while or after the object changed shows its last state without a kernel.
 */
import * as React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { ReadonlyPartialJSONValue } from '@lumino/coreutils';
import type { Message } from '@lumino/messaging';
import type { ILiveConnector } from '../tokens';
import { LiveModel } from './live-model';
import { readLiveRef, type LiveIncoming } from './protocol';
import type { ReadResult } from './read-result';

/** How often, at most, a live view writes its state into the output's data. */
const SAVE_INTERVAL_MS = 1000;

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
    this._mime = mime;
    const data = mime.data[this.mimeType];
    const ref = readLiveRef(data);
    const read = this.readStatic(data);
    this.staticReason = read.ok ? undefined : read.reason;
    const initial = read.ok ? read.value : null;
    const same =
      this._model && ref && this._model.ref?.target === ref.target && this._model.ref.id === ref.id;
    if (!same) {
      this._replaceModel(
        new LiveModel<S | null>(
          ref,
          initial,
          raw => {
            const live = this.readLive(raw);
            return live.ok ? live.value : undefined;
          },
          (state, message) => (state === null ? undefined : this.foldLive(state, message))
        )
      );
    }
    this.update();
    return Promise.resolve();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._detach();
    this._stopSaving();
    this._model?.dispose();
    this._model = null;
    this._mime = null;
    super.dispose();
  }

  /** The static state from the bundle data; when it cannot be read, `staticReason` says why. */
  protected abstract readStatic(data: unknown): ReadResult<S>;
  /** A state sent by the kernel; a malformed one is ignored. */
  protected abstract readLive(raw: unknown): ReadResult<S>;
  /** Draws the model (subscribe with useLiveModel inside). */
  protected abstract renderLive(model: LiveModel<S | null>): React.ReactElement;
  /** A state with an event message folded in (a kernel that sends changes); undefined: none. */
  protected foldLive(_state: S, _message: LiveIncoming): S | undefined {
    return undefined;
  }
  /**
   * The bundle data that saves a live `state` in place of `data` (what the output holds now);
   * undefined (the default) leaves the output as the kernel sent it.
   */
  protected savedData(_state: S, _data: unknown): unknown {
    return undefined;
  }

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
    this._stopSaving();
    this._model?.dispose();
    this._model = model;
    let saved = model.snapshot.state;
    const unsubscribe = model.subscribe(() => {
      const { status, state } = model.snapshot;
      if (status !== 'live' || state === null || state === saved) return;
      saved = state;
      this._saveTimer ??= setTimeout(() => {
        this._saveTimer = undefined;
        if (model.snapshot.state !== null) this._save(model.snapshot.state);
      }, SAVE_INTERVAL_MS);
    });
    this._stopSaving = () => {
      unsubscribe();
      clearTimeout(this._saveTimer);
      this._saveTimer = undefined;
    };
    if (this.isAttached) this._connect();
  }

  /** Writes `state` into the output's data (the notebook saves that), when the view saves states. */
  private _save(state: S): void {
    const mime = this._mime;
    if (!mime) return;
    const data = this.savedData(state, mime.data[this.mimeType]);
    if (data === undefined) return;
    // The output area renders the model again: the same object keeps this view and its model.
    mime.setData({ data: { ...mime.data, [this.mimeType]: data as ReadonlyPartialJSONValue } });
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
  /** Why the bundle's static data could not be read (undefined when it could). */
  protected staticReason: string | undefined;
  private _mime: IRenderMime.IMimeModel | null = null;
  private _saveTimer: ReturnType<typeof setTimeout> | undefined;
  private _stopSaving: () => void = () => undefined;
  private _model: LiveModel<S | null> | null = null;
  private _stop: (() => void) | null = null;
}
