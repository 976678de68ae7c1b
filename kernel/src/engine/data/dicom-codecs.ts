/**
 * Transfer syntaxes: which ones medflow reads and which codec decodes compressed pixel data.
 * JPEG 2000 goes through @cornerstonejs/codec-openjpeg (OpenJPEG built to WebAssembly, loaded
 * once, on the first JPEG 2000 file), 8-bit JPEG baseline/extended through jpeg-js; every other
 * compressed syntax is refused by name.
 */

/** Uncompressed syntaxes: pixels are raw samples (byte order given by `bigEndian`). */
export const NATIVE_SYNTAXES: Record<string, { name: string; bigEndian: boolean }> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', bigEndian: false },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', bigEndian: false },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', bigEndian: false },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', bigEndian: true }
};

export const JPEG2000_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 Image Compression'
};

/** 8-bit lossy JPEG, decoded by jpeg-js (12-bit Process 4 data is refused when met). */
export const JPEG_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)'
};

/** Names of compressed syntaxes medflow cannot decode, for the refusal message. */
const OTHER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, Non-Hierarchical, First-Order Prediction',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless Image Compression',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Lossy (Near-Lossless) Image Compression',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless'
};

export function syntaxName(uid: string): string {
  return (
    NATIVE_SYNTAXES[uid]?.name ??
    JPEG2000_SYNTAXES[uid] ??
    JPEG_SYNTAXES[uid] ??
    OTHER_SYNTAXES[uid] ??
    'unknown'
  );
}

export function isSupportedSyntax(uid: string): boolean {
  return uid in NATIVE_SYNTAXES || uid in JPEG2000_SYNTAXES || uid in JPEG_SYNTAXES;
}

export function unsupportedSyntaxMessage(uid: string): string {
  const supported = [
    ...Object.keys(NATIVE_SYNTAXES),
    ...Object.keys(JPEG2000_SYNTAXES),
    ...Object.keys(JPEG_SYNTAXES)
  ];
  return (
    `transfer syntax ${uid} (${syntaxName(uid)}) is not supported: medflow decodes ` +
    `${supported.map(u => `${u} (${syntaxName(u)})`).join(', ')}; convert the file first, ` +
    `e.g. with dcmdjpeg/gdcmconv to Explicit VR Little Endian`
  );
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  };
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

let openjpeg: Promise<OpenJpegModule> | undefined;
let openjpegReady: OpenJpegModule | undefined;

/** Loads the codecs the given transfer syntaxes need (once per process). */
export async function prepareCodecs(uids: Iterable<string>): Promise<void> {
  for (const uid of uids) {
    if (uid in JPEG2000_SYNTAXES && !openjpegReady) {
      if (!openjpeg) {
        // The package ships an Emscripten factory without type declarations.
        const factory = require('@cornerstonejs/codec-openjpeg/decodewasmjs') as (
          options: object
        ) => Promise<OpenJpegModule>;
        // OpenJPEG logs "[INFO] …" lines per image; keep them out of notebook output.
        openjpeg = factory({ print: () => undefined, printErr: () => undefined });
      }
      openjpegReady = await openjpeg;
    }
  }
}

export interface DecodedFrame {
  data: Uint8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
  components: number;
}

/** Decodes one JPEG 2000 codestream (prepareCodecs must have loaded OpenJPEG). */
export function decodeJpeg2000(codestream: Uint8Array): DecodedFrame {
  if (!openjpegReady) {
    throw new Error('the JPEG 2000 codec is not loaded yet: await prepareCodecs([uid]) first');
  }
  const decoder = new openjpegReady.J2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // The decoded buffer is a view into the WebAssembly heap: copy it out before delete().
    const raw = decoder.getDecodedBuffer().slice();
    const data =
      info.bitsPerSample <= 8
        ? new Uint8Array(raw.buffer)
        : info.isSigned
          ? new Int16Array(raw.buffer)
          : new Uint16Array(raw.buffer);
    return { data, width: info.width, height: info.height, components: info.componentCount };
  } finally {
    decoder.delete();
  }
}
