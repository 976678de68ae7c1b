/** Cropping and padding helpers shared by crop, center_crop, depad, auto_crop and pad. */
import type { DataDict } from '../data/datadict';
import { allocateUninitialised, type DType, type NumericArray } from '../data/ndarray';
import { cropSimd } from '../simd/geometry';
import { pixels, planarOut, planarShape, withImage } from './image';

/** The sub-image rows [top, top+height) × columns [left, left+width) (checked). */
export function cropRegion(
  data: DataDict,
  module: string,
  top: number,
  left: number,
  height: number,
  width: number
): DataDict {
  const [h, w, c] = planarShape(data, module);
  if (height < 1 || top < 0 || top + height > h) {
    throw new Error(
      `${module}: rows ${top}…${top + height - 1} are outside the image (height ${h}); ` +
        `allowed: 0 <= top and top + height <= ${h}`
    );
  }
  if (width < 1 || left < 0 || left + width > w) {
    throw new Error(
      `${module}: columns ${left}…${left + width - 1} are outside the image (width ${w}); ` +
        `allowed: 0 <= left and left + width <= ${w}`
    );
  }
  const src = pixels(data, module);
  const { dtype } = data.image.array;
  const simd =
    src instanceof Uint8Array || src instanceof Uint16Array
      ? cropSimd(src, w, c, top, left, height, width)
      : null;
  const out = simd ?? copyRegion(src, dtype, w, c, top, left, height, width);
  const [sy, sx] = data.image.header.spacing;
  const [oy, ox] = data.image.header.origin;
  return withImage(
    data,
    { data: out, shape: planarOut(data, height, width, c), dtype },
    // The new first pixel sits top/left pixels further along each axis.
    { origin: [oy + top * (sy ?? 1), ox + left * (sx ?? 1)] }
  );
}

/** cropRegion's copy in TypeScript: any dtype, or no kernels. */
function copyRegion(
  src: NumericArray,
  dtype: DType,
  w: number,
  c: number,
  top: number,
  left: number,
  height: number,
  width: number
): NumericArray {
  // Not zeroed first: the row copies write every element.
  const out = allocateUninitialised(dtype, height * width * c);
  for (let y = 0; y < height; y++) {
    const s = ((top + y) * w + left) * c;
    out.set(src.subarray(s, s + width * c), y * width * c);
  }
  return out;
}
