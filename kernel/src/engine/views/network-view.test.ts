/**
 * The layer builder's kernel binding over the kernel's real comm layer: what a widget receives
 * when it opens a channel to a displayed NetworkBuilder, and what its messages do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommManager } from '../../jupyter/comms';
import { frontendMessage } from '../../jupyter/testing/frontend-message';
import type { JsonObject } from '../../jupyter/wire';
import { setLiveHost } from '../live/channel';
import { MIME_BUNDLE } from '../mimebundle';
import { NETWORK_MIME, NetworkBuilder } from '../networks/builder-editor';
import type { NetworkDocument } from '../../../../schema/documents';
import type { NetworkViewState } from '../../../../schema/views';

let sent: { type: string; content: JsonObject }[];
let comms: CommManager;
let home: string;
const previousHome = process.env.MEDFLOW_HOME;
beforeEach(() => {
  sent = [];
  comms = new CommManager((type, content) => sent.push({ type, content }));
  setLiveHost(comms);
  home = mkdtempSync(path.join(os.tmpdir(), 'medflow-home-'));
  process.env.MEDFLOW_HOME = home;
});
afterEach(() => {
  setLiveHost(undefined);
  rmSync(home, { recursive: true, force: true });
  if (previousHome === undefined) delete process.env.MEDFLOW_HOME;
  else process.env.MEDFLOW_HOME = previousHome;
});

/** Opens a widget channel to the builder as displayed; returns what it receives from now on. */
function openWidget(net: NetworkBuilder, commId: string) {
  const live = (net[MIME_BUNDLE]()[NETWORK_MIME] as { live: { target: string; id: string } }).live;
  comms.handle(
    frontendMessage('comm_open', {
      comm_id: commId,
      target_name: live.target,
      data: { id: live.id }
    })
  );
  const received = () =>
    sent
      .filter(s => s.type === 'comm_msg' && s.content.comm_id === commId)
      .map(s => s.content.data as { type: string; [k: string]: unknown });
  const send = (data: JsonObject) =>
    comms.handle(frontendMessage('comm_msg', { comm_id: commId, data }));
  return { received, send };
}

function tiny(): NetworkBuilder {
  const net = new NetworkBuilder('tiny', { inputShape: [8, 8, 1] });
  net.add('Conv2D', { filters: 2, kernel_size: 3 });
  return net;
}

test('the widget gets the state first, then every change, from a cell or another widget', () => {
  const net = tiny();
  const a = openWidget(net, 'a');
  const b = openWidget(net, 'b');
  const first = a.received()[0] as { type: string; state: NetworkViewState };
  expect(first.type).toBe('state');
  expect(first.state.check.layers.conv2d_1.output).toEqual([6, 6, 2]);

  net.setParams('conv2d_1', { filters: 3 }); // a cell edits
  const doc: NetworkDocument = net.toJSON();
  doc.layers[1].params.kernel_size = 5;
  a.send({ type: 'replace', network: doc as unknown as JsonObject }); // widget a edits
  expect(net.layers[1].params).toEqual({ filters: 3, kernel_size: 5 });
  const lastOfB = b.received().at(-1) as unknown as { state: NetworkViewState };
  expect(lastOfB.state.check.layers.conv2d_1.output).toEqual([4, 4, 3]);
  expect(b.received().map(m => m.type)).toEqual(['state', 'state', 'state']);
});

test('save, catalog and duplicate; a refused message answers an error and the state again', () => {
  const net = tiny();
  const w = openWidget(net, 'w');
  w.send({ type: 'save' });
  expect(w.received().find(m => m.type === 'saved')).toEqual({
    type: 'saved',
    path: path.join(home, 'networks', 'tiny.json')
  });
  w.send({ type: 'catalog' });
  const catalog = w.received().find(m => m.type === 'catalog') as unknown as {
    layers: { type: string }[];
  };
  expect(catalog.layers.map(l => l.type)).toContain('Concatenate');

  const builtin = new NetworkBuilder('small_cnn');
  const v = openWidget(builtin, 'v');
  v.send({ type: 'replace', network: builtin.toJSON() as unknown as JsonObject });
  expect(v.received().slice(-2)).toEqual([
    { type: 'error', message: expect.stringMatching(/'small_cnn' is read-only/) },
    { type: 'state', state: builtin.viewState() }
  ]);
  v.send({ type: 'duplicate', name: 'my_cnn' });
  expect(builtin.name).toBe('my_cnn');
  expect((v.received().at(-1) as unknown as { state: NetworkViewState }).state.readonly).toBe(
    false
  );
  v.send({ type: 'explode' });
  expect(v.received().at(-2)).toEqual({ type: 'error', message: "unknown message 'explode'" });
});
