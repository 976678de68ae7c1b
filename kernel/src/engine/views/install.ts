/**
 * Installs the live views of the engine: while code runs in a kernel (the display hook is
 * set), `p.train()` shows a TrainingView in the running cell. Outside a kernel nothing shows.
 */
import { canShow, showLive } from '../live/display';
import { setTrainingWatcher } from '../pipeline/train-hooks';
import { TrainingView } from './training-view';

let displays = 0;

export function installLiveViews(): void {
  setTrainingWatcher(start => {
    if (!canShow()) return undefined;
    const view = new TrainingView(start);
    const display_id = `medflow-training-${process.pid}-${++displays}`;
    if (!showLive(view, { display_id })) return undefined;
    // Updating the displayed data keeps the notebook's saved copy at the latest state.
    const refresh = () => showLive(view, { display_id, update: true });
    return {
      signal: view.signal,
      onBatch: event => view.batch(event),
      onEpoch: record => {
        view.epoch(record);
        refresh();
      },
      onEnd: async run => {
        await view.finish(run);
        refresh();
      },
      onError: error => {
        view.fail(error);
        refresh();
      }
    };
  });
}
