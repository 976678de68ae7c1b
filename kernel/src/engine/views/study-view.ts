/**
 * The tuning view's kernel binding (contract: schema/study.d.ts): a widget showing a Study
 * gets its whole state on open, then each trial change, status change and applied
 * configuration as it happens; its Apply (`{ type: 'apply', trial_id }`), Stop and Resume
 * buttons act on the study. A refused request answers `{ type: 'error', message }`.
 */
import { liveRef, type LiveBind, type LiveRef } from '../live/objects';
import type { Study } from '../tuning/study';

export const STUDY_TARGET = 'medflow.study';

export const bindStudy: LiveBind<Study> = (channel, study) => {
  channel.send({ type: 'state', state: study.state() });
  const off = study.subscribe(event => channel.send({ ...event }));
  channel.onMessage(message => {
    try {
      switch (message.type) {
        case 'apply':
          // The study emits `applied`, which reaches every view of it (this one included).
          study.apply({ trial_id: String(message.trial_id) });
          break;
        case 'stop':
          study.stop();
          break;
        case 'resume':
          study.resume();
          break;
        default:
          throw new Error(`unknown message '${String(message.type)}'`);
      }
    } catch (error) {
      channel.send({ type: 'error', message: (error as Error).message });
    }
  });
  return off;
};

/** The live reference a Study's MIME bundle carries. */
export function studyLiveRef(study: Study): LiveRef {
  return liveRef(STUDY_TARGET, study, bindStudy);
}
