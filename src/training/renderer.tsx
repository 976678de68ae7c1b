/** MIME renderer of `application/vnd.medflow.training+json`: the live training view. */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { TrainingViewState } from '../../schema/views';
import { LiveMimeRenderer } from '../live/LiveMimeRenderer';
import type { ReadResult } from '../live/read-result';
import { liveRendererFactory } from '../live/renderer-factory';
import type { LiveModel } from '../live/live-model';
import type { ILiveConnector } from '../tokens';
import { readTrainingBundle, readTrainingState, TRAINING_MIME_TYPE } from './model';
import { TrainingView } from './TrainingView';

export class TrainingRenderer extends LiveMimeRenderer<TrainingViewState> {
  constructor(
    options: IRenderMime.IRendererOptions,
    connector: ILiveConnector | null,
    private readonly trans: IRenderMime.TranslationBundle
  ) {
    super(options, connector);
    this.addClass('medflow-TrainingRenderer');
  }

  protected readStatic(data: unknown): ReadResult<TrainingViewState> {
    return readTrainingBundle(data);
  }

  protected readLive(raw: unknown): ReadResult<TrainingViewState> {
    return readTrainingState(raw);
  }

  protected renderLive(model: LiveModel<TrainingViewState | null>): React.ReactElement {
    return <TrainingView model={model} trans={this.trans} reason={this.staticReason} />;
  }
}

export function createTrainingRendererFactory(
  connector: ILiveConnector | null,
  fallbackTrans: IRenderMime.TranslationBundle
): IRenderMime.IRendererFactory {
  return liveRendererFactory(
    TRAINING_MIME_TYPE,
    fallbackTrans,
    (options, trans) => new TrainingRenderer(options, connector, trans)
  );
}
