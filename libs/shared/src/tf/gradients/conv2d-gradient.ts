/**
 * Convolution gradients for the wasm backend, built only from kernels wasm has.
 *
 * tfjs-backend-wasm ships no `Conv2DBackpropFilter` kernel, so `fit` and `variableGrads` fail on
 * wasm for any conv net (both the Conv2D gradient and the fused conv's custom gradient call it).
 * We register that kernel, and a faster stride-1 `Conv2DBackpropInput`, as forward
 * convolutions, which XNNPACK runs at ≈ 10 GMAC/s here (its matMul manages ≈ 1, so im2col is no
 * option):
 *
 * - filter gradient: swap the roles of batch and channels. With x as [Ci, H, W, N] and dy as an
 *   [OH, OW, N, Co] "filter", one convolution, dilated by the forward stride, sums
 *   x[n, oh·s + kh, ow·s + kw, ci] · dy[n, oh, ow, co] over n, oh, ow: exactly dW[kh, kw, ci, co].
 * - input gradient (stride 1): a "full" convolution of dy with the filter rotated by 180° and its
 *   in/out channels swapped; 2–7× cheaper than wasm's own Conv2DBackpropInput. Larger strides
 *   would need zeros between dy's pixels, so they keep the original kernel.
 *
 * The kernels compose other wasm kernels directly (as tfjs' own kernels do), so nothing is
 * recorded on the gradient tape and every intermediate is released at once.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend & {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
};
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

interface BackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

const BACKEND = 'wasm';

/** Runs one registered kernel of `backend` on TensorInfos, as tfjs kernels call each other. */
function run(kernelName: string, backend: Backend, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
  const kernel = tf.getKernel(kernelName, BACKEND);
  if (!kernel) throw new Error(`The ${BACKEND} backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

function release(backend: Backend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function conv2d(backend: Backend, x: TensorInfo, filter: TensorInfo, pad: ExplicitPadding, dilation: [number, number]): TensorInfo {
  return run('Conv2D', backend, { x, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: dilation });
}

function assertNHWC(attrs: BackpropAttrs): void {
  if (attrs.dataFormat !== 'NHWC') throw new Error('The wasm convolution gradients support NHWC only.');
}

/** dL/dfilter for y = conv2d(x, filter) given dL/dy. */
function conv2dBackpropFilter({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as BackpropAttrs;
  assertNHWC(a);
  const wasm = backend as Backend;
  const filterShape = a.filterShape!;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const { top, left } = info.padInfo;
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  // Pad the far side just enough for a kh × kw output; extra zero rows only stand for
  // padding that the forward pass also saw as zeros.
  const bottom = Math.max(0, kh - info.inHeight - top + (info.outHeight - 1) * info.strideHeight);
  const right = Math.max(0, kw - info.inWidth - left + (info.outWidth - 1) * info.strideWidth);

  const xAsBatchOfChannels = run('Transpose', wasm, { x }, { perm: [3, 1, 2, 0] });
  const dyAsFilter = run('Transpose', wasm, { x: dy }, { perm: [1, 2, 0, 3] });
  const padding: ExplicitPadding = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  let gradient = conv2d(wasm, xAsBatchOfChannels, dyAsFilter, padding, [info.strideHeight, info.strideWidth]);
  release(wasm, xAsBatchOfChannels, dyAsFilter);
  if (gradient.shape[1] !== kh || gradient.shape[2] !== kw) {
    const cropped = run('Slice', wasm, { x: gradient }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
    release(wasm, gradient);
    gradient = cropped;
  }
  const result = run('Transpose', wasm, { x: gradient }, { perm: [1, 2, 0, 3] });
  release(wasm, gradient);
  return result;
}

/**
 * The filter rotated by 180° with its in/out channels swapped: rotated[h][w][o][i] =
 * filter[kh−1−h][kw−1−w][i][o]. One pass over the wasm heap; wasm's own Reverse (and Gather) take
 * ≈ 1 ms for a 3×3×64×64 filter, more than the convolution that uses it.
 */
function rotateFilter(backend: Backend, filter: TensorInfo): TensorInfo {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const rotated = backend.makeOutput([kh, kw, outChannels, inChannels], 'float32');
  const source = backend.typedArrayFromHeap(filter);
  const target = backend.typedArrayFromHeap(rotated);
  const taps = kh * kw;
  const tapSize = inChannels * outChannels;
  for (let tap = 0; tap < taps; tap++) {
    // Flipping both spatial axes reverses the row-major tap index.
    const from = (taps - 1 - tap) * tapSize;
    const to = tap * tapSize;
    for (let i = 0; i < inChannels; i++) {
      for (let o = 0; o < outChannels; o++) target[to + o * inChannels + i] = source[from + i * outChannels + o];
    }
  }
  return rotated;
}

/** dL/dx for y = conv2d(x, filter) given dL/dy; stride 1 only (see above). */
function conv2dBackpropInputStride1(
  original: tf.KernelFunc,
): (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => TensorInfo {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as BackpropAttrs;
    const inputShape = a.inputShape!;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    if (a.dataFormat !== 'NHWC' || info.strideHeight !== 1 || info.strideWidth !== 1) {
      return original(args) as TensorInfo;
    }
    const wasm = args.backend as Backend;
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw] = [info.filterHeight, info.filterWidth];
    const rotated = rotateFilter(wasm, filter);
    const padding: ExplicitPadding = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    const result = conv2d(wasm, dy, rotated, padding, [1, 1]);
    release(wasm, rotated);
    return result;
  };
}

let registered = false;

/** Registers the wasm convolution gradient kernels (process-wide, idempotent). */
export function registerWasmConv2DGradient(): void {
  if (registered) return;
  const originalInput = tf.getKernel('Conv2DBackpropInput', BACKEND);
  if (!originalInput) throw new Error('tfjs-backend-wasm must be imported before its gradients are registered');
  registered = true;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: BACKEND, kernelFunc: conv2dBackpropFilter as tf.KernelFunc });
  tf.unregisterKernel('Conv2DBackpropInput', BACKEND);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: BACKEND,
    kernelFunc: conv2dBackpropInputStride1(originalInput.kernelFunc) as tf.KernelFunc,
    setupFunc: originalInput.setupFunc,
  });
}
