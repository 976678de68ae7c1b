/**
 * The data dict: what an image-processing module receives and returns, one per image.
 * Mirrors the reference platform's Python contract (PRODUCT.md), with arrays as NDArrays.
 */
import type { DicomInfo } from './dicom';
import type { DType, NDArray } from './ndarray';

export type Modality = 'CT' | 'MRI' | 'Xray' | 'US' | 'PET' | 'OCT' | 'Microscopy' | string;
export type ColorMode = 'RGB' | 'L' | 'Binary';

export interface ImageHeader {
  /** Spatial dimensions: 2 for H×W(×C) images, 3 for D×H×W(×C) volumes. */
  dim: 2 | 3;
  /** Number of array axes (2 for H×W, 3 for H×W×C or D×H×W …). */
  ndim: number;
  dtype: DType;
  modality: Modality;
  color_mode: ColorMode;
  /** The range pixel values are expressed in (for uint8 images [0, 255]). */
  pixel_value_range: [number, number];
  /** Physical size of a pixel per spatial axis (mm), when known. */
  spacing: number[];
  origin: number[];
  /** Direction cosines, row-major dim×dim. */
  direction: number[];
  /** Display window from the file (DICOM WindowCenter/WindowWidth), in pixel value units. */
  window?: { center: number; width: number };
  /** Slice thickness (mm) of a 2D slice, when the file gives it (DICOM SliceThickness). */
  slice_thickness?: number;
  /** Facts of DICOM files: modality tag, photometric interpretation, transfer syntax … */
  dicom?: DicomInfo;
  /** Facts of NIfTI slices: which volume, axis and slice index the image is. */
  nifti?: NiftiSliceInfo;
  /** The file the image was read from. */
  file?: string;
}

export interface NiftiSliceInfo {
  /** Shape of the whole volume (x, y, z[, t]) as the file stores it. */
  volume_shape: number[];
  /** Axis (0, 1, 2 of x, y, z) the slices are cut along, and this slice's index on it. */
  axis: 0 | 1 | 2;
  slice: number;
  /** Index of the 3D volume within a 4D file (0 for 3D files). */
  volume: number;
  datatype: string;
  /** The header's scaling (null when unset/NaN); the pixels are already scaled. */
  scl_slope: number | null;
  scl_inter: number | null;
}

export interface ClassificationLabel {
  /** One-hot vector of length num_class (float32). */
  array: NDArray<Float32Array>;
  header: { num_class: number; class_name: string[] };
}

export interface SegmentationLabel {
  array: NDArray;
  header: { num_class: number; class_name: string[] };
}

export interface DataDict {
  image: { array: NDArray; header: ImageHeader };
  label: {
    classification?: ClassificationLabel;
    segmentation?: SegmentationLabel;
    object_detection?: { bbox_coordinate: number[][]; bbox_class: NDArray };
  };
  prediction?: {
    classification?: { array: NDArray<Float32Array>; header: Record<string, unknown> };
  };
  /** Where the item came from, for messages and previews. */
  meta?: { split?: string; index?: number };
}

/** Index of the 1 in a one-hot classification label. */
export function classIndex(label: ClassificationLabel): number {
  const a = label.array.data;
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** Header of a freshly loaded 2D image. */
export function imageHeader(
  shape: number[],
  dtype: DType,
  modality: Modality,
  range: [number, number]
): ImageHeader {
  const color: ColorMode = shape.length === 3 && shape[2] === 3 ? 'RGB' : 'L';
  return {
    dim: 2,
    ndim: shape.length,
    dtype,
    modality,
    color_mode: color,
    pixel_value_range: range,
    spacing: [1, 1],
    origin: [0, 0],
    direction: [1, 0, 0, 1]
  };
}
