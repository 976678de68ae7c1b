/** Subscribes a React view to a live model (re-renders on every snapshot change). */
import { useSyncExternalStore } from 'react';
import type { LiveModel, LiveSnapshot } from './live-model';

export function useLiveModel<S>(model: LiveModel<S>): LiveSnapshot<S> {
  return useSyncExternalStore(model.subscribe, () => model.snapshot);
}
