import { readFileSync } from 'node:fs';

/**
 * The connection file Jupyter writes for each kernel it starts: where to bind and how to sign.
 */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

export function readConnectionFile(file: string): ConnectionInfo {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConnectionInfo>;
  const transport = raw.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new Error(`connection file ${file}: unsupported transport '${String(transport)}'`);
  }
  for (const name of ['shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port']) {
    const port = (raw as Record<string, unknown>)[name];
    if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0) {
      throw new Error(`connection file ${file}: '${name}' must be a positive port number`);
    }
  }
  if (typeof raw.ip !== 'string' || raw.ip === '') {
    throw new Error(`connection file ${file}: missing 'ip'`);
  }
  return {
    ...(raw as ConnectionInfo),
    transport,
    key: raw.key ?? '',
    signature_scheme: raw.signature_scheme ?? 'hmac-sha256'
  };
}

/**
 * The ZeroMQ endpoint of one channel, on exactly the transport and address the file names
 * (never a wildcard: a kernel bound to 0.0.0.0 would run code for anyone on the network).
 * ipc endpoints follow jupyter_client's convention `<ip>-<port>`.
 */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  if (info.transport === 'ipc') return `ipc://${info.ip}-${port}`;
  // IPv6 literals need brackets in a ZeroMQ tcp endpoint.
  const host = info.ip.includes(':') && !info.ip.startsWith('[') ? `[${info.ip}]` : info.ip;
  return `tcp://${host}:${port}`;
}
