import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { decodeImage, probeImageShape } from './image';
import { parseNpy } from './npy';
import { pythonMakeFiles, runPython } from '../testing/python';

/** PNGs and JPEGs written by OpenCV, and the arrays the PNGs hold. */
const dir = pythonMakeFiles(`
import numpy as np, cv2, os, json, zlib, struct
rng = np.random.default_rng(7)
arrays = {
  'gray8': rng.integers(0, 256, (13, 17), dtype=np.uint8),
  'gray16': rng.integers(0, 65536, (11, 9), dtype=np.uint16),
  'rgb8': rng.integers(0, 256, (10, 12, 3), dtype=np.uint8),
  'rgb16': rng.integers(0, 65536, (6, 5, 3), dtype=np.uint16),
  'rgba8': rng.integers(0, 256, (7, 8, 4), dtype=np.uint8),
}
for name, a in arrays.items():
    # cv2 stores colour as BGR(A): write the reverse so the file holds RGB(A) = a.
    img = a[..., [2, 1, 0] + ([3] if a.shape[-1] == 4 else [])] if a.ndim == 3 else a
    cv2.imwrite(os.path.join(out, name + '.png'), img)
# A smooth image (as photographs and scans are) for JPEG: gray and colour, 4:2:0 and 4:4:4.
y, x = np.mgrid[0:48, 0:64]
smooth = (np.stack([x * 3, y * 4, (x + y) * 2], -1) + rng.integers(0, 20, (48, 64, 3))).clip(0, 255).astype(np.uint8)
cv2.imwrite(os.path.join(out, 'gray.jpg'), smooth[..., 0], [cv2.IMWRITE_JPEG_QUALITY, 90])
cv2.imwrite(os.path.join(out, 'rgb420.jpg'), smooth, [cv2.IMWRITE_JPEG_QUALITY, 90])
np.save(os.path.join(out, 'smooth.npy'), smooth)
with open(os.path.join(out, 'arrays.json'), 'w') as f:
    json.dump({k: {'shape': list(v.shape), 'values': v.ravel().tolist()} for k, v in arrays.items()}, f)
`);
const written = JSON.parse(readFileSync(path.join(dir, 'arrays.json'), 'utf8')) as Record<
  string,
  { shape: number[]; values: number[] }
>;

// A 4:4:4 colour JPEG from another encoder (jpeg-js's), RGBA input with opaque alpha.
{
  const smooth = parseNpy(readFileSync(path.join(dir, 'smooth.npy')), 'smooth');
  const [h, w] = smooth.shape;
  const rgba = new Uint8Array(h * w * 4).fill(255);
  for (let p = 0; p < h * w; p++)
    rgba.set((smooth.data as Uint8Array).subarray(p * 3, p * 3 + 3), p * 4);
  writeFileSync(
    path.join(dir, 'rgb444.jpg'),
    jpeg.encode({ data: rgba, width: w, height: h }, 95).data
  );
}

const read = (name: string) => decodeImage(readFileSync(path.join(dir, name)), name, 'unknown');

test.each(['gray8', 'gray16', 'rgb8', 'rgb16'])('PNG %s round-trips exactly', name => {
  const { array, header } = read(`${name}.png`);
  const ref = written[name];
  expect(array.shape).toEqual(ref.shape);
  expect(array.dtype).toBe(name.endsWith('16') ? 'uint16' : 'uint8');
  expect(Array.from(array.data as Uint8Array)).toEqual(ref.values);
  expect(header.color_mode).toBe(name.startsWith('rgb') ? 'RGB' : 'L');
  expect(header.pixel_value_range).toEqual(name.endsWith('16') ? [0, 65535] : [0, 255]);
  expect(probeImageShape(readFileSync(path.join(dir, `${name}.png`)), name)).toEqual(ref.shape);
});

test('RGBA PNG: colour kept, alpha dropped', () => {
  const { array } = read('rgba8.png');
  const ref = written.rgba8;
  expect(array.shape).toEqual([7, 8, 3]);
  const rgb = ref.values.filter((_, i) => i % 4 !== 3);
  expect(Array.from(array.data as Uint8Array)).toEqual(rgb);
});

// Colour is reconstructed as libjpeg does (fancy upsampling, fixed-point YCbCr → RGB); what
// remains is jpeg-js's IDCT, ±1 per component as the gray file shows, which the colour matrix
// amplifies up to ±3 (blue = Y + 1.772 Cb) on a few samples (measured: ~12%, printed).
test.each([
  ['gray.jpg', 1],
  ['rgb420.jpg', 3],
  ['rgb444.jpg', 3]
])('JPEG %s matches OpenCV (libjpeg-turbo) within ±%d', (name, bound) => {
  const file = path.join(dir, name);
  const { array } = read(name);
  const ref = runPython<{ shape: number[]; values: number[] }>(`
import cv2
a = cv2.imread(${JSON.stringify(file)}, cv2.IMREAD_UNCHANGED)
if a.ndim == 3:
    a = a[..., ::-1]
print(json.dumps({'shape': list(a.shape), 'values': a.ravel().tolist()}))`);
  expect(array.shape).toEqual(ref.shape);
  const data = array.data as Uint8Array;
  let worst = 0;
  let differing = 0;
  for (let i = 0; i < data.length; i++) {
    const d = Math.abs(data[i] - ref.values[i]);
    worst = Math.max(worst, d);
    if (d) differing++;
  }
  console.log(
    `${name}: max |jpeg-js − cv2| = ${worst}, ${differing}/${data.length} samples differ`
  );
  expect(worst).toBeLessThanOrEqual(bound);
});

test('1-bit and 4-bit palette PNGs (written by Pillow) read as OpenCV reads them', () => {
  const made = pythonMakeFiles(`
from PIL import Image
import numpy as np, os
Image.fromarray(np.arange(90).reshape(9, 10) % 3 == 0).save(os.path.join(out, 'mask1.png'))
g = (np.arange(90).reshape(9, 10) % 16).astype(np.uint8) * 17
Image.fromarray(np.stack([g, 255 - g, g // 2], -1)).quantize(16).save(os.path.join(out, 'pal4.png'))
`);
  for (const name of ['mask1.png', 'pal4.png']) {
    const file = path.join(made, name);
    const { array } = decodeImage(readFileSync(file), file, 'unknown');
    const ref = runPython<{ shape: number[]; values: number[] }>(`
import cv2
a = cv2.imread(${JSON.stringify(file)}, cv2.IMREAD_UNCHANGED)
if a.ndim == 3:
    a = a[..., ::-1]
print(json.dumps({'shape': list(a.shape), 'values': a.ravel().tolist()}))`);
    expect([name, array.shape]).toEqual([name, ref.shape]);
    expect(Array.from(array.data as Uint8Array)).toEqual(ref.values);
  }
});

test('corrupt and truncated images are refused by file name', () => {
  const png = readFileSync(path.join(dir, 'gray8.png'));
  const cut = path.join(dir, 'cut.png');
  writeFileSync(cut, png.subarray(0, png.length - 30));
  expect(() => decodeImage(readFileSync(cut), cut, 'unknown')).toThrow(`${cut}: unreadable PNG`);
  const jpg = readFileSync(path.join(dir, 'rgb420.jpg'));
  expect(() => decodeImage(jpg.subarray(0, 200), 'short.jpg', 'unknown')).toThrow(
    /^short\.jpg: (truncated JPEG|unreadable JPEG)/
  );
  expect(() => decodeImage(new TextEncoder().encode('GIF89a....'), 'x.gif', 'unknown')).toThrow(
    'x.gif: not a PNG or JPEG file'
  );
});
