/**
 * The widget's live model against the kernel's real comm layer (CommManager) and the engine's
 * live objects, joined by a loop-back that carries the messages a websocket would carry.
 */
import { setLiveHost } from '../engine/live/channel';
import { forgetLive, liveRef, type LiveBind } from '../engine/live/objects';
import { CommManager } from './comms';
import { frontendMessage } from './testing/frontend-message';
import type { JsonObject } from './wire';
import { LiveModel, type LiveComm } from '../../../src/live/live-model';
import { readLiveRef } from '../../../src/live/protocol';
import type { PipelineLiveState } from '../../../src/pipeline/editor-model';
import { PipelineSession } from '../../../src/pipeline/session';
import { loadBuiltin } from '../engine/data/builtin';
import { MIME_BUNDLE } from '../engine/mimebundle';
import { Pipeline, PIPELINE_MIME } from '../engine/pipeline/pipeline';
import { evenSubset } from '../engine/testing/subset';

/** Frontend comms that talk to a CommManager in the same process. */
function loopback(): { createComm: (target: string) => LiveComm; kernel: CommManager } {
  const comms = new Map<string, LiveComm>();
  const kernel = new CommManager((type, content) => {
    const comm = comms.get(String(content.comm_id));
    if (!comm) return;
    const msg = { content: { data: content.data } };
    if (type === 'comm_msg') void comm.onMsg(msg);
    if (type === 'comm_close') void comm.onClose(msg);
  });
  const deliver = (type: string, content: JsonObject) =>
    kernel.handle(frontendMessage(type, content));
  let n = 0;
  const createComm = (target: string): LiveComm => {
    const id = `comm-${++n}`;
    const comm: LiveComm = {
      isDisposed: false,
      onMsg: () => undefined,
      onClose: () => undefined,
      open: data => deliver('comm_open', { comm_id: id, target_name: target, data }),
      send: data => deliver('comm_msg', { comm_id: id, data }),
      close: data => deliver('comm_close', { comm_id: id, data: data ?? {} }),
      dispose: () => void ((comm as { isDisposed: boolean }).isDisposed = true)
    };
    comms.set(id, comm);
    return comm;
  };
  return { createComm, kernel };
}

interface Box {
  label: string;
}

const bindBox: LiveBind<Box> = (channel, box) => {
  channel.send({ type: 'state', state: { label: box.label } });
  channel.onMessage(data => {
    if (typeof data.label !== 'string') {
      channel.send({ type: 'error', message: 'label must be a string' });
      return;
    }
    box.label = data.label;
    channel.send({ type: 'state', state: { label: box.label } });
  });
};

const readBox = (raw: unknown): Box | undefined =>
  typeof (raw as Box)?.label === 'string' ? { label: (raw as Box).label } : undefined;

afterEach(() => setLiveHost(undefined));

it('shows the static data until the kernel sends the live state, then edits go both ways', () => {
  const { createComm, kernel } = loopback();
  setLiveHost(kernel);
  const box: Box = { label: 'kernel' };
  const ref = liveRef('medflow.test-box', box, bindBox);
  const model = new LiveModel<Box>(readLiveRef({ live: ref }), { label: 'saved' }, readBox);
  const seen: string[] = [];
  model.subscribe(() => seen.push(`${model.snapshot.status}:${model.snapshot.state.label}`));
  expect(model.snapshot).toMatchObject({ status: 'static', staticReason: 'no-kernel' });
  expect(model.send({ label: 'x' })).toBe(false);

  model.connect(createComm);
  expect(seen).toEqual(['connecting:saved', 'live:kernel']);
  expect(model.send({ label: 'from the widget' })).toBe(true);
  expect(box.label).toBe('from the widget');
  expect(model.snapshot.state.label).toBe('from the widget');

  const errors: unknown[] = [];
  model.onMessage(message => errors.push(message));
  model.send({ label: 3 });
  expect(errors).toEqual([{ type: 'error', message: 'label must be a string' }]);
  expect(box.label).toBe('from the widget');

  model.dispose();
  expect(kernel.info()).toEqual({});
});

it('goes static with the reason when the kernel no longer has the object', () => {
  const { createComm, kernel } = loopback();
  setLiveHost(kernel);
  const box: Box = { label: 'old' };
  const ref = liveRef('medflow.test-box', box, bindBox);
  forgetLive(ref.target, box);
  const model = new LiveModel<Box>(ref, { label: 'saved' }, readBox);
  model.connect(createComm);
  expect(model.snapshot).toMatchObject({
    status: 'static',
    staticReason: 'gone',
    state: { label: 'saved' },
    detail: expect.stringContaining('was the kernel restarted?')
  });
  expect(model.send({ label: 'lost' })).toBe(false);
});

it('stays static without a kernel or without a live reference', () => {
  const model = new LiveModel<Box>(readLiveRef({}), { label: 'saved' }, readBox);
  model.connect(() => {
    throw new Error('never asked');
  });
  expect(model.snapshot).toMatchObject({ status: 'static', staticReason: 'no-reference' });
  const orphan = new LiveModel<Box>({ target: 't', id: '1' }, { label: 'saved' }, readBox);
  orphan.connect(null);
  expect(orphan.snapshot).toMatchObject({ status: 'static', staticReason: 'no-kernel' });
});

it('a pipeline view refuses a request still in flight when the kernel goes away', async () => {
  const { createComm, kernel } = loopback();
  setLiveHost(kernel);
  const p = new Pipeline({ name: 'in-flight', seed: 1 })
    .input(evenSubset(await loadBuiltin('pneumoniamnist'), 40))
    .add('rescale');
  const live = (p[MIME_BUNDLE]()[PIPELINE_MIME] as { live: unknown }).live;
  const model = new LiveModel<PipelineLiveState | null>(readLiveRef({ live }), null);
  const session = new PipelineSession(model);
  model.connect(createComm);
  expect(model.snapshot.status).toBe('live');
  // An edit is answered at once; a preview is computed, so it is still open when the kernel
  // restarts: it is refused, not left pending (the editor queues later edits behind it).
  expect(await session.request({ type: 'set', step: 'rescale_1', params: {} })).toMatchObject({
    ok: true
  });
  const preview = session.request({ type: 'preview', index: 0 });
  model.disconnect('no-kernel');
  expect(await preview).toEqual({ ok: false, error: 'the kernel no longer has this pipeline' });
  expect(await session.request({ type: 'remove', step: 'rescale_1' })).toEqual({
    ok: false,
    error: 'not connected to the kernel'
  });
  expect(p.steps.map(s => s.id)).toEqual(['rescale_1']);
  session.dispose();
  model.dispose();
});
