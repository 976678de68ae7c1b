/**
 * A message as a frontend sends it (session 'frontend', no parent), for tests that hand
 * messages to the kernel's handlers (CommManager, the live channels) without a socket.
 */
import { newHeader, type JsonObject, type Message } from '../wire';

export function frontendMessage(
  type: string,
  content: JsonObject,
  buffers: Buffer[] = []
): Message {
  return {
    identities: [],
    header: newHeader(type, 'frontend'),
    parent_header: {},
    metadata: {},
    content,
    buffers
  };
}
