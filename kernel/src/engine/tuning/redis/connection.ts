/**
 * Shared by the Redis study queue and `medflow worker`: the queue name and BullMQ connection
 * options for a Redis URL.
 */
import type { ConnectionOptions } from 'bullmq';

export const DEFAULT_QUEUE = 'medflow-trials';

/** BullMQ connection options for a redis:// URL (workers need maxRetriesPerRequest: null). */
export function connection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`redis: '${url}' is not a URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`redis: '${url}' must start with redis:// or rediss://`);
  }
  return { url, maxRetriesPerRequest: null };
}

/** BullMQ job ids may not contain ':' (our keys are "<study>:<trial>:<attempt>"). */
export function jobId(key: string): string {
  return key.replace(/:/g, '_');
}
