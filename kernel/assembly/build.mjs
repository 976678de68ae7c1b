// Builds medflow's WebAssembly kernels (`npm run build:wasm`):
//   - dist/kernel/engine/simd/image-kernels.wasm: the image kernels (index.ts), own memory;
//   - dist/kernel/engine/backend/wasm/tensor-kernels{,-shared}.wasm: the tensor kernels
//     (tensor/index.ts), which import tfjs's wasm heap: one build for the single-threaded
//     backend (plain memory) and one for the threaded one (shared memory, which must be
//     declared shared with a maximum to be accepted as an import).
// The generated straight-line kernels (median network, transposes) are written first.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = p => fileURLToPath(new URL(p, import.meta.url));
await import('./generate-median-network.mjs');
await import('./generate-transpose.mjs');

const common = ['--config', 'none', '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert'];

async function compile(entry, outFile, extra = []) {
  const { error, stderr } = await asc.main(
    [here(entry), ...common, ...extra, '--outFile', outFile, '--disableWarning', '112'],
    { stderr: process.stderr, stdout: process.stdout }
  );
  if (error) {
    console.error(String(stderr ?? ''));
    throw new Error(`asc ${entry}: ${error.message}`);
  }
}

/** Ids of the sections of a wasm binary (11 = data). */
function sectionIds(binary) {
  const ids = [];
  let at = 8;
  while (at < binary.length) {
    ids.push(binary[at++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = binary[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
  }
  return ids;
}

await compile('./index.ts', 'dist/kernel/engine/simd/image-kernels.wasm');
const tensor = [
  ['dist/kernel/engine/backend/wasm/tensor-kernels.wasm', []],
  [
    'dist/kernel/engine/backend/wasm/tensor-kernels-shared.wasm',
    ['--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads']
  ]
];
for (const [out, extra] of tensor) {
  await compile('./tensor/index.ts', out, ['--importMemory', '--initialMemory', '0', ...extra]);
  // Data segments would be written into tfjs's heap at instantiation.
  if (sectionIds(readFileSync(out)).includes(11)) {
    throw new Error(`${out} has a data section: the tensor kernels must keep no data in memory`);
  }
}
