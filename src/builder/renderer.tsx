/**
 * MIME renderer of `application/vnd.medflow.network+json` (a NetworkBuilder shown by a cell),
 * and the main-area panel that opens the same live network in a tab of its own.
 */
import * as React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { NetworkViewState } from '../../schema/views';
import { LiveMimeRenderer } from '../live/LiveMimeRenderer';
import type { ReadResult } from '../live/read-result';
import { liveRendererFactory } from '../live/renderer-factory';
import { LiveModel } from '../live/live-model';
import type { LiveRef } from '../live/protocol';
import type { ILiveConnector } from '../tokens';
import { NETWORK_MIME_TYPE, readNetworkState } from './model';
import { NetworkBuilderView } from './NetworkBuilderView';

/** The network outputs on screen, so the "open in a tab" command can find one. */
export class NetworkOutputs {
  readonly all = new Set<NetworkRenderer>();
  /** The most recently rendered output (the command's default target). */
  last: NetworkRenderer | null = null;
}

export class NetworkRenderer extends LiveMimeRenderer<NetworkViewState> {
  constructor(
    options: IRenderMime.IRendererOptions,
    connector: ILiveConnector | null,
    readonly trans: IRenderMime.TranslationBundle,
    private readonly outputs: NetworkOutputs
  ) {
    super(options, connector);
    this.addClass('medflow-NetworkRenderer');
    outputs.all.add(this);
    outputs.last = this;
  }

  /** The connector, for a panel that opens this network elsewhere. */
  get liveConnector(): ILiveConnector | null {
    return this.connector;
  }

  override dispose(): void {
    this.outputs.all.delete(this);
    if (this.outputs.last === this) this.outputs.last = [...this.outputs.all].pop() ?? null;
    super.dispose();
  }

  protected readStatic(data: unknown): ReadResult<NetworkViewState> {
    return readNetworkState(data);
  }

  /** The network as last edited (in the widget or a cell), keeping the live reference. */
  protected override savedData(state: NetworkViewState, data: unknown): unknown {
    return { ...state, live: (data as { live?: unknown }).live };
  }

  protected readLive(raw: unknown): ReadResult<NetworkViewState> {
    return readNetworkState(raw);
  }

  protected renderLive(model: LiveModel<NetworkViewState | null>): React.ReactElement {
    return <NetworkBuilderView model={model} trans={this.trans} reason={this.staticReason} />;
  }
}

/**
 * The layer builder in a main-area tab: its own channel to the same kernel object (the kernel
 * binds one channel per view), found through the notebook that shows the original output.
 */
export class NetworkBuilderPanel extends ReactWidget {
  constructor(
    ref: LiveRef,
    state: NetworkViewState,
    anchor: HTMLElement,
    connector: ILiveConnector | null,
    private readonly trans: IRenderMime.TranslationBundle
  ) {
    super();
    this.addClass('medflow-NetworkBuilderPanel');
    this.model = new LiveModel<NetworkViewState | null>(ref, state, raw => {
      const read = readNetworkState(raw);
      return read.ok ? read.value : undefined;
    });
    this.stop = connector ? connector.attach(this.model, anchor) : null;
    if (!connector) this.model.connect(null);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stop?.();
    this.model.dispose();
    super.dispose();
  }

  protected render(): React.ReactElement {
    return <NetworkBuilderView model={this.model} trans={this.trans} />;
  }

  readonly model: LiveModel<NetworkViewState | null>;
  private readonly stop: (() => void) | null;
}

export function createNetworkRendererFactory(
  connector: ILiveConnector | null,
  fallbackTrans: IRenderMime.TranslationBundle,
  outputs: NetworkOutputs
): IRenderMime.IRendererFactory {
  return liveRendererFactory(
    NETWORK_MIME_TYPE,
    fallbackTrans,
    (options, trans) => new NetworkRenderer(options, connector, trans, outputs)
  );
}
