/** Storing filter results: the float64 sums back into the image's dtype (rounded, saturated). */
import type { DataDict } from '../data/datadict';
import { allocate, type DType } from '../data/ndarray';
import { storeAs, withImage } from './image';

export function storeFiltered(data: DataDict, values: ArrayLike<number>, dtype?: DType): DataDict {
  const type = dtype ?? data.image.array.dtype;
  const out = allocate(type, values.length);
  for (let i = 0; i < out.length; i++) out[i] = storeAs(type, values[i]);
  return withImage(data, { data: out, shape: data.image.array.shape.slice(), dtype: type });
}
