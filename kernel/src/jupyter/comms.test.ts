import { CommManager } from './comms';
import { runInCell, type CellContext } from './output';
import { frontendMessage } from './testing/frontend-message';
import type { JsonObject } from './wire';

interface Sent {
  type: string;
  content: JsonObject;
  parent?: string;
  buffers: Buffer[];
}

function setup(): { comms: CommManager; sent: Sent[] } {
  const sent: Sent[] = [];
  const comms = new CommManager((type, content, parent, buffers) =>
    sent.push({ type, content, parent: parent?.header.msg_id, buffers })
  );
  return { comms, sent };
}

it('opens from a cell, routes messages both ways with buffers, closes once', () => {
  const { comms, sent } = setup();
  const cell: CellContext = {
    request: frontendMessage('execute_request', {}),
    controller: new AbortController()
  };
  const channel = runInCell(cell, () => comms.open('view', { a: 1 }, [new Uint8Array([7, 8])]));
  expect(sent[0]).toMatchObject({
    type: 'comm_open',
    content: { comm_id: channel.id, target_name: 'view', data: { a: 1 } },
    parent: cell.request.header.msg_id
  });
  expect([...sent[0].buffers[0]]).toEqual([7, 8]);

  // Messages that arrive before a listener are kept for it.
  comms.handle(frontendMessage('comm_msg', { comm_id: channel.id, data: { early: true } }));
  const got: unknown[] = [];
  channel.onMessage((data, buffers) => got.push([data, buffers.map(b => [...b])]));
  comms.handle(
    frontendMessage('comm_msg', { comm_id: channel.id, data: { x: 2 } }, [Buffer.from([1, 2, 3])])
  );
  expect(got).toEqual([
    [{ early: true }, []],
    [{ x: 2 }, [[1, 2, 3]]]
  ]);
  expect(comms.info('view')).toEqual({ [channel.id]: { target_name: 'view' } });
  expect(comms.info('other')).toEqual({});

  const closes: unknown[] = [];
  channel.onClose(data => closes.push(data));
  comms.handle(frontendMessage('comm_close', { comm_id: channel.id, data: { bye: 1 } }));
  channel.close();
  expect(closes).toEqual([{ bye: 1 }]);
  expect(channel.closed).toBe(true);
  expect(comms.info()).toEqual({});
  expect(sent.filter(s => s.type === 'comm_close')).toEqual([]);
});

it('hands frontend-opened comms to registered targets and refuses unknown ones', () => {
  const { comms, sent } = setup();
  const opened: unknown[] = [];
  comms.registerTarget('echo', (channel, data, buffers) => {
    opened.push([channel.target, data, buffers.length]);
    channel.onMessage(d => channel.send({ echo: d }));
  });
  comms.handle(
    frontendMessage('comm_open', { comm_id: 'c1', target_name: 'echo', data: { hi: 1 } })
  );
  comms.handle(frontendMessage('comm_msg', { comm_id: 'c1', data: { n: 1 } }));
  expect(opened).toEqual([['echo', { hi: 1 }, 0]]);
  expect(sent).toMatchObject([
    { type: 'comm_msg', content: { comm_id: 'c1', data: { echo: { n: 1 } } } }
  ]);

  comms.handle(frontendMessage('comm_open', { comm_id: 'c2', target_name: 'nobody', data: {} }));
  expect(sent[1]).toMatchObject({ type: 'comm_close', content: { comm_id: 'c2' } });
  expect(comms.info()).toEqual({ c1: { target_name: 'echo' } });
});

it('drops malformed and unknown comm messages without throwing (the log is tested over ZeroMQ)', () => {
  const { comms, sent } = setup();
  expect(() => {
    comms.handle(frontendMessage('comm_msg', { data: {} }));
    comms.handle(frontendMessage('comm_msg', { comm_id: 'ghost', data: {} }));
    comms.handle(frontendMessage('comm_open', { comm_id: 'x', target_name: 't', data: 'text' }));
    comms.handle(frontendMessage('comm_close', { comm_id: 7 }));
  }).not.toThrow();
  expect(sent).toEqual([]);
});
