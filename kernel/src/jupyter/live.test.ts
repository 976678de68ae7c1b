/**
 * The engine's live objects over the kernel's real comm layer: what a widget sees when it
 * opens a channel to a displayed object, to one the kernel does not know, and what the
 * engine's display hook does inside and outside a cell.
 */
import { setLiveHost } from '../engine/live/channel';
import { canShow, setDisplayHook, showLive } from '../engine/live/display';
import { forgetLive, liveObject, liveRef, type LiveBind } from '../engine/live/objects';
import { CommManager } from './comms';
import { currentCell, runInCell, type CellContext } from './output';
import { frontendMessage } from './testing/frontend-message';
import type { JsonObject } from './wire';

interface Sent {
  type: string;
  content: JsonObject;
}

/** A counter object with change listeners, the shape of a real live object. */
class Counter {
  value = 0;
  private readonly listeners = new Set<() => void>();
  bump(by: number): void {
    this.value += by;
    this.listeners.forEach(l => l());
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const bindCounter: LiveBind<Counter> = (channel, counter) => {
  channel.send({ type: 'state', value: counter.value });
  channel.onMessage(data => {
    if (typeof data.bump === 'number') counter.bump(data.bump);
    else channel.send({ type: 'error', message: `unknown message ${JSON.stringify(data)}` });
  });
  return counter.onChange(() => channel.send({ type: 'state', value: counter.value }));
};

let sent: Sent[];
let comms: CommManager;
beforeEach(() => {
  sent = [];
  comms = new CommManager((type, content) => sent.push({ type, content }));
  setLiveHost(comms);
});
afterEach(() => {
  setLiveHost(undefined);
  setDisplayHook(undefined);
});

const messagesTo = (commId: string) =>
  sent.filter(s => s.content.comm_id === commId).map(s => [s.type, s.content.data]);

it('binds a widget channel to the displayed object, both ways, and to several views', () => {
  const counter = new Counter();
  const ref = liveRef('medflow.test-counter', counter, bindCounter);
  expect(ref).toEqual({ target: 'medflow.test-counter', id: expect.any(String) });
  expect(liveRef('medflow.test-counter', counter, bindCounter)).toEqual(ref);
  expect(liveObject(ref.target, ref.id)).toBe(counter);

  comms.handle(
    frontendMessage('comm_open', { comm_id: 'a', target_name: ref.target, data: { id: ref.id } })
  );
  comms.handle(
    frontendMessage('comm_open', { comm_id: 'b', target_name: ref.target, data: { id: ref.id } })
  );
  comms.handle(frontendMessage('comm_msg', { comm_id: 'a', data: { bump: 5 } }));
  expect(counter.value).toBe(5);
  // A change from the kernel side (a cell) reaches every view.
  counter.bump(1);
  expect(messagesTo('a')).toEqual([
    ['comm_msg', { type: 'state', value: 0 }],
    ['comm_msg', { type: 'state', value: 5 }],
    ['comm_msg', { type: 'state', value: 6 }]
  ]);
  expect(messagesTo('b')).toEqual(messagesTo('a'));

  // A closed view is unsubscribed.
  comms.handle(frontendMessage('comm_close', { comm_id: 'b', data: {} }));
  counter.bump(1);
  expect(messagesTo('b')).toHaveLength(3);
  expect(messagesTo('a')).toHaveLength(4);
});

it('tells a widget that asks for an unknown or forgotten object that it is gone', () => {
  const counter = new Counter();
  const ref = liveRef('medflow.test-counter', counter, bindCounter);
  forgetLive(ref.target, counter);
  comms.handle(
    frontendMessage('comm_open', { comm_id: 'c', target_name: ref.target, data: { id: ref.id } })
  );
  comms.handle(frontendMessage('comm_open', { comm_id: 'd', target_name: ref.target, data: {} }));
  const [goneMsg, closeMsg] = messagesTo('c');
  expect(goneMsg).toEqual([
    'comm_msg',
    { type: 'gone', reason: expect.stringContaining('was the kernel restarted?') }
  ]);
  expect(closeMsg).toEqual(['comm_close', goneMsg[1]]);
  expect(messagesTo('d')[0][1]).toEqual({
    type: 'gone',
    reason: expect.stringContaining('without an object id')
  });
  expect(comms.info()).toEqual({});
});

it('refuses a target name a comm cannot carry', () => {
  expect(() => liveRef('bad target!', {}, () => undefined)).toThrow(
    /liveRef: target 'bad target!'/
  );
});

it('shows values only inside a kernel cell', () => {
  expect(canShow()).toBe(false);
  expect(showLive({ a: 1 })).toBe(false);
  const shown: unknown[] = [];
  setDisplayHook((value, options) => {
    if (!currentCell()) return false;
    shown.push([value, options]);
    return true;
  });
  expect(showLive('outside a cell')).toBe(false);
  const cell: CellContext = {
    request: frontendMessage('execute_request', {}),
    controller: new AbortController()
  };
  expect(runInCell(cell, () => showLive('in a cell', { display_id: 'x' }))).toBe(true);
  expect(shown).toEqual([['in a cell', { display_id: 'x' }]]);
  expect(() => showLive('no id', { update: true })).toThrow(/needs the display_id/);
});
