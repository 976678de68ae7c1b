/**
 * Items of a split that live in files: each read opens one file and decodes it (a NIfTI slice
 * decodes its volume, which is kept until a slice of another volume is asked for, so reading a
 * volume's slices in order decodes it once). Nothing else is held between reads.
 */
import { readFileSync } from 'node:fs';
import type { Modality } from './datadict';
import { decodeDicom } from './dicom';
import { decodeImage } from './image';
import { niftiSlice, readNiftiVolume, type NiftiVolume } from './nifti';
import { readWhole, type ProbedFile } from './probe';
import type { ItemSource, SourceImage } from './source';

export interface FileItem {
  probed: ProbedFile;
  /** Slice index within a NIfTI volume (0 for single-image files). */
  slice: number;
}

export interface FileSourceOptions {
  /** Modality to put in headers when the file does not say (PNG, JPEG, NIfTI). */
  modality: Modality;
  axis: 0 | 1 | 2;
}

export class FileSource implements ItemSource {
  private cached: { file: string; volume: NiftiVolume } | undefined;
  /** A volume being read asynchronously: concurrent reads of its slices share one read. */
  private pending: { file: string; volume: Promise<NiftiVolume> } | undefined;

  constructor(
    private readonly items: FileItem[],
    private readonly options: FileSourceOptions
  ) {}

  get length(): number {
    return this.items.length;
  }

  shape(i: number): number[] {
    return this.items[i].probed.shape.slice();
  }

  describe(i: number): string {
    const { probed, slice } = this.items[i];
    return probed.format === 'nifti' ? `${probed.file} slice ${slice}` : probed.file;
  }

  read(i: number): SourceImage {
    const { file } = this.items[i].probed;
    let bytes: Uint8Array | undefined;
    if (!this.hasVolume(file)) {
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
    }
    return this.decode(i, bytes);
  }

  async readAsync(i: number): Promise<SourceImage> {
    const { file, format } = this.items[i].probed;
    if (format === 'nifti' && !this.hasVolume(file)) {
      if (this.pending?.file !== file) {
        const volume = readWhole(file).then(b =>
          readNiftiVolume(b, file, this.items[i].probed.volume ?? 0)
        );
        this.pending = { file, volume };
      }
      const volume = await this.pending.volume;
      this.cached = { file, volume };
      return this.decode(i, undefined);
    }
    return this.decode(i, this.hasVolume(file) ? undefined : await readWhole(file));
  }

  private hasVolume(file: string): boolean {
    return this.cached?.file === file;
  }

  private decode(i: number, bytes: Uint8Array | undefined): SourceImage {
    const { probed, slice } = this.items[i];
    const { file, format } = probed;
    let image: SourceImage;
    if (format === 'nifti') {
      let volume = this.hasVolume(file) ? this.cached!.volume : undefined;
      if (!volume) {
        volume = readNiftiVolume(bytes!, file, probed.volume ?? 0);
        this.cached = { file, volume };
      }
      image = niftiSlice(volume, this.options.axis, slice, file, this.options.modality);
    } else if (format === 'dicom') {
      image = decodeDicom(bytes!, file);
    } else {
      image = decodeImage(bytes!, file, this.options.modality);
    }
    const shape = image.array.shape;
    if (shape.join('×') !== probed.shape.join('×')) {
      throw new Error(
        `${file}: decoded image is ${shape.join('×')} but its header said ${probed.shape.join('×')}`
      );
    }
    image.header.file = file;
    return image;
  }
}
