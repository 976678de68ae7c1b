/** MIME renderer of `application/vnd.medflow.study+json`: the live tuning view. */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LiveMimeRenderer } from '../live/LiveMimeRenderer';
import type { ReadResult } from '../live/read-result';
import { liveRendererFactory } from '../live/renderer-factory';
import type { LiveModel } from '../live/live-model';
import type { LiveIncoming } from '../live/protocol';
import type { ILiveConnector } from '../tokens';
import type { StudyState } from './contract';
import { applyStudyMessage, readStudyBundle, readStudyState, STUDY_MIME_TYPE } from './model';
import { StudyView } from './StudyView';

export class StudyRenderer extends LiveMimeRenderer<StudyState> {
  constructor(
    options: IRenderMime.IRendererOptions,
    connector: ILiveConnector | null,
    private readonly trans: IRenderMime.TranslationBundle
  ) {
    super(options, connector);
    this.addClass('medflow-StudyRenderer');
  }

  protected readStatic(data: unknown): ReadResult<StudyState> {
    return readStudyBundle(data);
  }

  protected readLive(raw: unknown): ReadResult<StudyState> {
    return readStudyState(raw);
  }

  /** Trials and status changes, as the kernel sends them after the first state. */
  protected override foldLive(state: StudyState, message: LiveIncoming): StudyState {
    return applyStudyMessage(state, message);
  }

  /** The study as it stands (trials, status) in place of the state the cell first showed. */
  protected override savedData(state: StudyState, data: unknown): unknown {
    return { ...(data as object), state };
  }

  protected renderLive(model: LiveModel<StudyState | null>): React.ReactElement {
    return <StudyView model={model} trans={this.trans} reason={this.staticReason} />;
  }
}

export function createStudyRendererFactory(
  connector: ILiveConnector | null,
  fallbackTrans: IRenderMime.TranslationBundle
): IRenderMime.IRendererFactory {
  return liveRendererFactory(
    STUDY_MIME_TYPE,
    fallbackTrans,
    (options, trans) => new StudyRenderer(options, connector, trans)
  );
}
