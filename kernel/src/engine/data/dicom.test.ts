import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeDicom } from './dicom';
import { prepareCodecs } from './dicom-codecs';
import { readImage } from './loaders';
import { pythonMakeFiles, runPython } from '../testing/python';

const FIXTURES = path.join(__dirname, '../../../../data/fixtures/dicom');
const fixture = (name: string) => path.join(FIXTURES, name);

/**
 * pydicom's reading of a file: pixel_array, with the modality LUT when the file has one, and
 * YBR colour converted to RGB (pydicom's convert_color_space), which is what medflow returns.
 */
function pydicomValues(file: string) {
  return runPython<{ values: number[]; shape: number[]; tags: Record<string, unknown> }>(`
import pydicom, numpy as np
from pydicom.pixel_data_handlers.util import convert_color_space
d = pydicom.dcmread(${JSON.stringify(file)})
a = d.pixel_array
if d.PhotometricInterpretation.startswith('YBR'):
    a = convert_color_space(a, 'YBR_FULL', 'RGB')
a = a.astype(np.float64)
if 'RescaleSlope' in d or 'RescaleIntercept' in d:
    a = a * float(d.get('RescaleSlope', 1)) + float(d.get('RescaleIntercept', 0))
tags = {k: (list(map(float, d[k].value)) if d[k].VM > 1 else float(d[k].value))
        for k in ['PixelSpacing', 'SliceThickness', 'WindowCenter', 'WindowWidth'] if k in d}
tags['Modality'] = d.Modality
print(json.dumps({'values': a.ravel().tolist(), 'shape': list(a.shape), 'tags': tags}))`);
}

test('CT: Hounsfield units equal pydicom pixel_array * RescaleSlope + RescaleIntercept exactly', () => {
  const file = fixture('CT_small.dcm');
  const { array, header } = decodeDicom(readFileSync(file), file);
  const ref = pydicomValues(file);
  expect(array.dtype).toBe('float32');
  expect(array.shape).toEqual(ref.shape);
  expect(Array.from(array.data as Float32Array)).toEqual(ref.values);
  expect(header.modality).toBe('CT');
  expect(header.spacing).toEqual(ref.tags.PixelSpacing);
  expect(header.slice_thickness).toBe(ref.tags.SliceThickness);
  expect(header.dicom).toMatchObject({
    modality: 'CT',
    rescale_slope: 1,
    rescale_intercept: -1024,
    transfer_syntax: '1.2.840.10008.1.2.1',
    transfer_syntax_name: 'Explicit VR Little Endian',
    pixel_representation: 1,
    bits_stored: 16
  });
  // Stored int16 range mapped through the modality LUT.
  expect(header.pixel_value_range).toEqual([-32768 - 1024, 32767 - 1024]);
});

test('MR: native int16 values, window center/width kept in the header (not applied)', () => {
  const file = fixture('MR_small.dcm');
  const { array, header } = decodeDicom(readFileSync(file), file);
  const ref = pydicomValues(file);
  expect(array.dtype).toBe('int16');
  expect(Array.from(array.data as Int16Array)).toEqual(ref.values);
  expect(header.modality).toBe('MRI');
  expect(header.window).toEqual({ center: ref.tags.WindowCenter, width: ref.tags.WindowWidth });
  expect(header.spacing).toEqual(ref.tags.PixelSpacing);
});

test('JPEG 2000 pixel data is decoded (OpenJPEG) to the values pydicom reads', async () => {
  const file = fixture('JPEG2000.dcm');
  const image = await readImage(file);
  const ref = pydicomValues(file);
  expect(image.array.shape).toEqual(ref.shape);
  expect(Array.from(image.array.data as Int16Array)).toEqual(ref.values);
  expect(image.header.dicom!.transfer_syntax_name).toBe('JPEG 2000 Image Compression');
  expect(image.header.file).toBe(file);
});

test('a truncated file is refused with a message naming it, never garbage pixels', () => {
  const file = fixture('MR_truncated.dcm');
  expect(() => decodeDicom(readFileSync(file), file)).toThrow(
    `${file}: file is truncated (ends inside a data element`
  );
  // Cut inside the pixel data of a file whose header is complete.
  const bytes = readFileSync(fixture('CT_small.dcm'));
  expect(() => decodeDicom(bytes.subarray(0, 20000), 'cut.dcm')).toThrow(
    /^cut\.dcm: file is truncated/
  );
  expect(() => decodeDicom(new TextEncoder().encode('hello'), 'x.dcm')).toThrow(
    /^x\.dcm: (not a readable DICOM file|file is truncated)/
  );
});

test('MONOCHROME1 is inverted, BitsStored masks, unsigned data, unsupported syntaxes named', async () => {
  const dir = pythonMakeFiles(`
import pydicom, numpy as np, os
from pydicom.uid import RLELossless
from pydicom.encaps import encapsulate
d = pydicom.dcmread(${JSON.stringify(fixture('MR_small.dcm'))})
d.PhotometricInterpretation = 'MONOCHROME1'
d.save_as(os.path.join(out, 'mono1.dcm'))
d = pydicom.dcmread(${JSON.stringify(fixture('MR_small.dcm'))})
raw = d.pixel_array.astype(np.int16)
# 12 stored bits in 16 allocated, garbage in the top 4 bits; unsigned.
d.PixelRepresentation = 0
d.BitsStored = 12
d.HighBit = 11
d.PixelData = ((raw.astype(np.uint16) & 0x0FFF) | 0xA000).astype('<u2').tobytes()
d.save_as(os.path.join(out, 'u12.dcm'))
d = pydicom.dcmread(${JSON.stringify(fixture('MR_small.dcm'))})
d.file_meta.TransferSyntaxUID = RLELossless
d.PixelData = encapsulate([d.PixelData])  # refused by its syntax before any decoding
d.save_as(os.path.join(out, 'rle.dcm'))
`);
  const mr = decodeDicom(readFileSync(fixture('MR_small.dcm')), 'mr');
  const mono1 = decodeDicom(readFileSync(path.join(dir, 'mono1.dcm')), 'mono1');
  const original = mr.array.data as Int16Array;
  // Inverted within the stored int16 range: -32768 + 32767 - v.
  expect(Array.from(mono1.array.data as Int16Array)).toEqual(Array.from(original, v => -1 - v));
  const u12 = decodeDicom(readFileSync(path.join(dir, 'u12.dcm')), 'u12');
  expect(u12.array.dtype).toBe('uint16');
  expect(u12.header.pixel_value_range).toEqual([0, 4095]);
  expect(Array.from(u12.array.data as Uint16Array)).toEqual(Array.from(original, v => v & 0x0fff));
  const rle = path.join(dir, 'rle.dcm');
  expect(() => decodeDicom(readFileSync(rle), rle)).toThrow(
    `${rle}: transfer syntax 1.2.840.10008.1.2.5 (RLE Lossless) is not supported`
  );
  await expect(readImage(rle)).rejects.toThrow('1.2.840.10008.1.2.5 (RLE Lossless)');
});

test('the JPEG 2000 codec loads once and decodes without printing', async () => {
  const log = jest.spyOn(console, 'log');
  await prepareCodecs(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);
  const file = fixture('JPEG2000.dcm');
  decodeDicom(readFileSync(file), file);
  expect(log).not.toHaveBeenCalled();
  log.mockRestore();
});

test('implicit VR, deflated, multi-frame and planar RGB files read as pydicom reads them', () => {
  const dir = pythonMakeFiles(`
import pydicom, numpy as np, os
from pydicom.uid import ImplicitVRLittleEndian, DeflatedExplicitVRLittleEndian
src = ${JSON.stringify(fixture('MR_small.dcm'))}
d = pydicom.dcmread(src)
d.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
d.is_implicit_VR, d.is_little_endian = True, True
d.save_as(os.path.join(out, 'implicit.dcm'))
d = pydicom.dcmread(src)
d.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
d.save_as(os.path.join(out, 'deflated.dcm'))
d = pydicom.dcmread(src)
a = d.pixel_array
frames = np.stack([a, a // 2, -a]).astype(np.int16)
d.NumberOfFrames = 3
d.PixelData = frames.tobytes()
d.save_as(os.path.join(out, 'frames.dcm'))
d = pydicom.dcmread(src)
rgb = np.stack([(a % 256), (a // 7) % 256, np.full_like(a, 9)], -1).astype(np.uint8)
d.SamplesPerPixel, d.PhotometricInterpretation, d.PlanarConfiguration = 3, 'RGB', 1
d.BitsAllocated, d.BitsStored, d.HighBit, d.PixelRepresentation = 8, 8, 7, 0
d.PixelData = rgb.transpose(2, 0, 1).tobytes()  # planar: all R, then G, then B
d.save_as(os.path.join(out, 'planar.dcm'))
`);
  const read = (name: string) => decodeDicom(readFileSync(path.join(dir, name)), name);
  const values = (name: string) => pydicomValues(path.join(dir, name));
  for (const name of ['implicit.dcm', 'deflated.dcm', 'frames.dcm', 'planar.dcm']) {
    const image = read(name);
    const ref = values(name);
    expect([name, image.array.shape]).toEqual([name, ref.shape]);
    expect(Array.from(image.array.data as Int16Array)).toEqual(ref.values);
  }
  expect(read('implicit.dcm').header.dicom!.transfer_syntax_name).toBe('Implicit VR Little Endian');
  const frames = read('frames.dcm').header;
  expect([frames.dim, frames.spacing]).toEqual([3, [0.8, 0.3125, 0.3125]]);
  expect(read('planar.dcm').header.color_mode).toBe('RGB');
});

test('JPEG Baseline DICOM (8-bit gray and YBR colour) decodes like pydicom with Pillow', () => {
  const dir = pythonMakeFiles(`
import pydicom, numpy as np, os, cv2
from pydicom.encaps import encapsulate
src = ${JSON.stringify(fixture('MR_small.dcm'))}
d = pydicom.dcmread(src)
a = d.pixel_array.astype(np.float64)
gray = (255 * (a - a.min()) / (a.max() - a.min())).astype(np.uint8)
def save(name, img, photometric):
    d = pydicom.dcmread(src)
    d.file_meta.TransferSyntaxUID = '1.2.840.10008.1.2.4.50'
    d.BitsAllocated, d.BitsStored, d.HighBit, d.PixelRepresentation = 8, 8, 7, 0
    d.SamplesPerPixel = 1 if img.ndim == 2 else 3
    d.PhotometricInterpretation = photometric
    if img.ndim == 3:
        d.PlanarConfiguration = 0
    ok, jpg = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    d.PixelData = encapsulate([jpg.tobytes()])
    d['PixelData'].is_undefined_length = True
    d.save_as(os.path.join(out, name))
save('gray.dcm', gray, 'MONOCHROME2')
save('colour.dcm', np.stack([gray, 255 - gray, gray // 2], -1), 'YBR_FULL_422')
`);
  for (const [name, bound] of [
    ['gray.dcm', 1],
    ['colour.dcm', 3]
  ] as const) {
    const file = path.join(dir, name);
    const image = decodeDicom(readFileSync(file), file);
    const ref = pydicomValues(file);
    expect(image.array.shape).toEqual(ref.shape);
    const data = image.array.data as Uint8Array;
    let worst = 0;
    for (let i = 0; i < data.length; i++)
      worst = Math.max(worst, Math.abs(data[i] - ref.values[i]));
    console.log(`${name}: max |medflow − pydicom/Pillow| = ${worst}`);
    expect([name, worst]).toEqual([name, Math.min(worst, bound)]);
    expect(image.header.dicom!.transfer_syntax_name).toBe('JPEG Baseline (Process 1)');
  }
});
