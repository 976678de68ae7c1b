/**
 * Where a split's images come from. In-memory stacks (the .npz datasets) and files on disk
 * (folders of PNG/JPEG/DICOM/NIfTI) share one interface, so a split of 10,000 files never holds
 * more than the items being decoded: each read decodes one item and forgets it.
 */
import type { ImageHeader } from './datadict';
import type { NDArray } from './ndarray';

/** One decoded image: pixels and their header (without the label). */
export interface SourceImage {
  array: NDArray;
  header: ImageHeader;
}

export interface ItemSource {
  readonly length: number;
  /** Decodes item i synchronously (preprocessing and single-item previews). */
  read(i: number): SourceImage;
  /** Decodes item i with asynchronous file reads (streaming, prefetching). */
  readAsync(i: number): Promise<SourceImage>;
  /** Native shape of item i as known without decoding (from the file's header). */
  shape(i: number): number[];
  /** What item i is, for messages: a file name, a slice of a volume … */
  describe(i: number): string;
}
