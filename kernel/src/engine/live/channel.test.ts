import {
  liveHost,
  registerCommTarget,
  setLiveHost,
  type LiveChannel,
  type LiveChannelHost,
  type LiveTargetHandler
} from './channel';

/** A host that records what the engine asks of it (the real one is the kernel's comms.ts). */
function recordingHost(): LiveChannelHost & { targets: Map<string, LiveTargetHandler> } {
  const targets = new Map<string, LiveTargetHandler>();
  return {
    targets,
    open(): LiveChannel {
      throw new Error('not used here');
    },
    registerTarget: (target, handler) => void targets.set(target, handler),
    unregisterTarget: target => void targets.delete(target)
  };
}

afterEach(() => setLiveHost(undefined));

it('has no host outside a kernel', () => {
  expect(liveHost()).toBeUndefined();
});

it('hands targets registered before and after the host is set to it', () => {
  const early: LiveTargetHandler = () => undefined;
  const late: LiveTargetHandler = () => undefined;
  registerCommTarget('medflow.early', early);
  const host = recordingHost();
  setLiveHost(host);
  expect(liveHost()).toBe(host);
  registerCommTarget('medflow.late', late);
  expect(host.targets.get('medflow.early')).toBe(early);
  expect(host.targets.get('medflow.late')).toBe(late);
});
