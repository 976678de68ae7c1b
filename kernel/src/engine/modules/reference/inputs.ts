/**
 * Test images for the reference comparisons: real PneumoniaMNIST / BreastMNIST images (single
 * and as 3×3 mosaics, 84×84), and images derived from them: 16-bit, RGB, float and CT-like HU.
 */
import { loadBuiltin } from '../../data/builtin';
import type { DataDict } from '../../data/datadict';
import { imageHeader } from '../../data/datadict';
import type { DType, NDArray, NumericArray } from '../../data/ndarray';

export type InputName = 'u8' | 'u8b' | 'u8c' | 'u16' | 'rgb' | 'f32' | 'hu';

function item(array: NDArray, range: [number, number], modality = 'Xray'): DataDict {
  return {
    image: { array, header: imageHeader(array.shape, array.dtype, modality, range) },
    label: {},
    meta: { split: 'test', index: 0 }
  };
}

/** 3×3 mosaic of nine 28×28 images. */
function mosaic(images: NumericArray[]): Uint8Array {
  const out = new Uint8Array(84 * 84);
  images.forEach((img, k) => {
    const oy = Math.floor(k / 3) * 28;
    const ox = (k % 3) * 28;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) out[(oy + y) * 84 + ox + x] = img[y * 28 + x];
    }
  });
  return out;
}

export async function referenceInputs(): Promise<Record<InputName, DataDict>> {
  const pneumonia = await loadBuiltin('pneumoniamnist');
  const breast = await loadBuiltin('breastmnist');
  const px = (i: number) => pneumonia.test.get(i).image.array.data as Uint8Array;
  const bx = (i: number) => breast.test.get(i).image.array.data as Uint8Array;
  const nine = (f: (i: number) => Uint8Array, start: number) =>
    mosaic(Array.from({ length: 9 }, (_, k) => f(start + k)));
  const big = nine(px, 0);
  const arr = <T extends NumericArray>(data: T, shape: number[], dtype: DType): NDArray<T> => ({
    data,
    shape,
    dtype
  });
  // 16-bit: the mosaic spread over 0…65535 plus a fine pattern, so low bits matter too.
  const u16 = new Uint16Array(84 * 84).map((_, i) => big[i] * 257 - ((i * 37) % 251));
  const r = big;
  const g = nine(px, 9);
  const b = nine(bx, 0);
  const rgb = new Uint8Array(84 * 84 * 3);
  for (let i = 0; i < 84 * 84; i++) {
    rgb[i * 3] = r[i];
    rgb[i * 3 + 1] = g[i];
    rgb[i * 3 + 2] = b[i];
  }
  const f32 = Float32Array.from(big, v => v / 255);
  const hu = Int16Array.from(big, (v, i) => v * 8 - 1024 + ((i * 13) % 17));
  return {
    u8: item(arr(px(17), [28, 28], 'uint8'), [0, 255]),
    u8b: item(arr(big, [84, 84], 'uint8'), [0, 255]),
    u8c: item(arr(bx(3), [28, 28], 'uint8'), [0, 255], 'US'),
    u16: item(arr(u16, [84, 84], 'uint16'), [0, 65535]),
    rgb: item(arr(rgb, [84, 84, 3], 'uint8'), [0, 255]),
    f32: item(arr(f32, [84, 84], 'float32'), [0, 1]),
    hu: item(arr(hu, [84, 84], 'int16'), [-1024, 3071], 'CT')
  };
}
