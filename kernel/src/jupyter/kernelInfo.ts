import * as path from 'node:path';
import { PROTOCOL_VERSION } from './wire';

/** The kernel_info_reply content: who we are and which language the cells are. */
export function kernelInfoContent(): Record<string, unknown> {
  // Read at call time: package.json sits three levels above dist/kernel/jupyter/.
  const version = (require('../../../package.json') as { version: string }).version;
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'medflow',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: typescriptVersion(),
      mimetype: 'text/typescript',
      file_extension: '.ts',
      codemirror_mode: 'typescript',
      pygments_lexer: 'typescript'
    },
    banner: `medflow ${version} — TypeScript on Node.js ${process.version}`,
    help_links: [],
    debugger: false
  };
}

function typescriptVersion(): string {
  try {
    const file = require.resolve('@tslab/typescript-for-tslab/package.json', {
      paths: [path.dirname(require.resolve('tslab/package.json'))]
    });
    return (require(file) as { version: string }).version;
  } catch {
    return '';
  }
}
