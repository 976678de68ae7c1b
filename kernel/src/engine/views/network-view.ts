/**
 * The layer builder's kernel binding: a widget showing a NetworkBuilder gets its state on
 * every change (from a cell or from any widget), and its edits (`replace` with the whole edited
 * document: add, remove, connect, parameters, undo and redo all arrive this way), `save` and
 * `duplicate` are applied to the builder here. A refused edit answers `error` and the state is
 * sent again, so the widget falls back to what the kernel holds.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import type { LiveBind, LiveRef } from '../live/objects';
import { liveRef } from '../live/objects';
import type { NetworkBuilder } from '../networks/builder-editor';
import { listLayers } from '../networks/layers/registry';

export const NETWORK_TARGET = 'medflow.network';

export const bindNetwork: LiveBind<NetworkBuilder> = (channel, builder) => {
  const sendState = () => channel.send({ type: 'state', state: builder.viewState() });
  sendState();
  const off = builder.subscribe(state => channel.send({ type: 'state', state }));
  channel.onMessage(message => {
    try {
      switch (message.type) {
        case 'replace':
          builder.replace(message.network as NetworkDocument);
          break;
        case 'save': {
          const path = builder.save();
          channel.send({ type: 'saved', path });
          break;
        }
        case 'catalog':
          // The palette and the parameter forms come from the kernel's own layer catalog.
          channel.send({ type: 'catalog', layers: listLayers() });
          break;
        case 'duplicate':
          builder.duplicateInPlace(String(message.name));
          break;
        default:
          throw new Error(`unknown message '${String(message.type)}'`);
      }
    } catch (error) {
      channel.send({ type: 'error', message: (error as Error).message });
      sendState();
    }
  });
  return off;
};

/** The live reference a NetworkBuilder's MIME bundle carries. */
export function networkLiveRef(builder: NetworkBuilder): LiveRef {
  return liveRef(NETWORK_TARGET, builder, bindNetwork);
}
