/** Storing filter results: the float64 sums back into the image's dtype (rounded, saturated). */
import type { DataDict } from '../data/datadict';
import type { DType } from '../data/ndarray';
import { withImage } from './image';
import { storeValues } from './typed-loops';

export function storeFiltered(data: DataDict, values: ArrayLike<number>, dtype?: DType): DataDict {
  const type = dtype ?? data.image.array.dtype;
  const floats =
    values instanceof Float64Array || values instanceof Float32Array
      ? values
      : Float64Array.from(values);
  const out = storeValues(type, floats);
  return withImage(data, { data: out, shape: data.image.array.shape.slice(), dtype: type });
}
