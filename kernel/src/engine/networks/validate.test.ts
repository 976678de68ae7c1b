/** Network validation with shape inference: each mistake reported once, on its layer. */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';
import { formatIssue, validateNetwork } from './validate';

function net(layers: LayerNode[], outputs = [layers[layers.length - 1].id]): NetworkDocument {
  return { version: 1, name: 'n', inputs: ['in'], outputs, layers };
}
const L = (id: string, type: string, params: Record<string, unknown>, inputs: string[]) => ({
  id,
  type,
  params,
  inputs
});
const messages = (doc: NetworkDocument, inputShape?: number[]) =>
  validateNetwork(doc, { inputShape }).issues.map(formatIssue);

test('a kernel larger than its input is reported with both sizes', () => {
  const doc = net([
    L('in', 'Input', { shape: [16, 16, 1] }, []),
    L('pool', 'MaxPooling2D', { pool_size: 4 }, ['in']),
    L('conv3', 'Conv2D', { filters: 8, kernel_size: 7 }, ['pool']),
    L('gap', 'GlobalAveragePooling2D', {}, ['conv3'])
  ]);
  expect(messages(doc)).toEqual([
    "layer conv3 (Conv2D): kernel_size 7 larger than input 4×4 (use padding 'same' or a smaller window)"
  ]);
  doc.layers[2].params = { filters: 8, kernel_size: 3, dilation_rate: 2 };
  expect(messages(doc)).toEqual([
    "layer conv3 (Conv2D): kernel_size 3 with dilation_rate 2 (effective 5×5) larger than input 4×4 (use padding 'same' or a smaller window)"
  ]);
  doc.layers[2].params = { filters: 8, kernel_size: 3, dilation_rate: 2, strides: 2 };
  expect(messages(doc)).toEqual([
    'layer conv3 (Conv2D): strides > 1 cannot be combined with dilation_rate > 1'
  ]);
});

test('independent mistakes are all reported; layers after a broken one are not', () => {
  const doc = net(
    [
      L('in', 'Input', { shape: null }, []),
      L('a', 'Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }, ['in']),
      L('b', 'Conv2D', { filters: 4, kernel_size: 3, padding: 'full' }, ['in']),
      L('c', 'Conv2D', { filters: 8, kernel_size: 1 }, ['b']),
      L('p', 'MaxPooling2D', {}, ['in']),
      L('sum', 'Add', {}, ['a', 'p']),
      L('cat', 'Concatenate', {}, ['a', 'p']),
      L('d', 'Dense', { units: 2 }, ['ghost']),
      L('flat', 'Flatten', {}, ['a', 'p']),
      L('out', 'Dense', { units: 2 }, ['cat'])
    ],
    ['out', 'missing']
  );
  expect(messages(doc, [8, 8, 1])).toEqual([
    "network n: output 'missing' is not a layer",
    "layer d: input 'ghost' is not a layer of the network",
    'layer b (Conv2D): padding must be one of "valid", "same" (got "full")',
    'layer sum (Add): inputs must have the same shape: input 1 is 8×8×4, input 2 is 4×4×1',
    'layer cat (Concatenate): inputs must match except along axis -1: input 1 is 8×8×4, input 2 is 4×4×1',
    'layer flat (Flatten): takes exactly 1 input, has 2'
  ]);
});

test('cycles, Input bookkeeping and document-level errors', () => {
  const doc = net([
    L('in', 'Input', { shape: [8, 8, 1] }, []),
    L('x', 'Input', { shape: [8, 8, 1] }, []),
    L('a', 'Add', {}, ['in', 'b']),
    L('b', 'Activation', { activation: 'relu' }, ['a']),
    L('gap', 'GlobalMaxPooling2D', {}, ['in']),
    L('d', 'Dense', { units: 2 }, ['in', 'gap'])
  ]);
  expect(messages(doc)).toEqual([
    "layer x (Input): is not listed in the network's inputs",
    'layer a: is part of a cycle (a → b → a)',
    'layer b: is part of a cycle (a → b → a)',
    'layer d (Dense): takes exactly 1 input, has 2'
  ]);
  expect(messages({ version: 1, name: 'n' } as NetworkDocument)).toEqual([
    'network n: inputs is required; layers is required; outputs is required'
  ]);
});

test('shape errors of reshaping layers', () => {
  const one = (type: string, params: Record<string, unknown>) =>
    messages(net([L('in', 'Input', { shape: [4, 4, 2] }, []), L('x', type, params, ['in'])]));
  expect(one('Reshape', { target_shape: [5, -1] })).toEqual([
    'layer x (Reshape): target_shape 5×-1 does not hold the 32 values of input 4×4×2'
  ]);
  expect(one('Cropping2D', { cropping: 2 })).toEqual([
    'layer x (Cropping2D): cropping 4×4 rows×columns leaves nothing of input 4×4'
  ]);
  expect(one('ZeroPadding2D', { padding: [1, [1, 2]] })).toEqual([
    'layer x (ZeroPadding2D): padding must be n, [rows, cols] or [[top, bottom], [left, right]] (got [1,[1,2]])'
  ]);
  expect(one('BatchNormalization', { axis: 5 })).toEqual([
    'layer x (BatchNormalization): axis 5 does not exist for input shape 4×4×2'
  ]);
  expect(one('Dense', { units: 2, kernel_regularizer: { l3: 1 } })).toEqual([
    "layer x (Dense): kernel_regularizer: unknown parameter 'l3'"
  ]);
});

test('parameter totals of a valid network, as Keras counts them', () => {
  const check = validateNetwork(
    net([
      L('in', 'Input', { shape: [28, 28, 1] }, []),
      L('c', 'Conv2D', { filters: 8, kernel_size: 3 }, ['in']),
      L('bn', 'BatchNormalization', {}, ['c']),
      L('f', 'Flatten', {}, ['bn']),
      L('d', 'Dense', { units: 2 }, ['f'])
    ])
  );
  expect(check.ok).toBe(true);
  expect(check.params).toEqual({
    trainable: 9 * 8 + 8 + 2 * 8 + 26 * 26 * 8 * 2 + 2,
    nonTrainable: 2 * 8,
    total: 9 * 8 + 8 + 4 * 8 + 26 * 26 * 8 * 2 + 2
  });
});
