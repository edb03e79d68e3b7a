/**
 * A faster MaxPoolGrad for the wasm backend's common case: non-overlapping windows without
 * padding (2×2, stride 2). wasm's own kernel is a general loop that costs as much as the conv
 * gradients of a small net; routing each dy value to its window's maximum in plain JS over the
 * wasm heap is several times cheaper. Other shapes keep the original kernel.
 */
import * as tf from '@tensorflow/tfjs';

type WasmBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
};

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function routeToWindowMaximum(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = args.attrs as unknown as PoolAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { top, left } = info.padInfo;
    const nonOverlapping =
      info.filterHeight === info.strideHeight &&
      info.filterWidth === info.strideWidth &&
      top === 0 &&
      left === 0 &&
      input.dtype === 'float32';
    if (!nonOverlapping) return original(args);

    const backend = args.backend as WasmBackend;
    const dx = backend.makeOutput([...input.shape], 'float32');
    const x = backend.typedArrayFromHeap(input);
    const gradient = backend.typedArrayFromHeap(dy);
    const out = backend.typedArrayFromHeap(dx);
    out.fill(0);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
    const rowStride = inWidth * channels;
    let g = 0;
    for (let n = 0; n < batchSize; n++) {
      const image = n * inHeight * rowStride;
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const corner = image + oh * fh * rowStride + ow * fw * channels;
          for (let c = 0; c < channels; c++, g++) {
            // The first maximum in row-major window order wins, as in TensorFlow.
            let best = corner + c;
            let bestValue = x[best];
            for (let i = 0; i < fh; i++) {
              for (let j = 0; j < fw; j++) {
                const at = corner + i * rowStride + j * channels + c;
                if (x[at] > bestValue) {
                  bestValue = x[at];
                  best = at;
                }
              }
            }
            out[best] += gradient[g];
          }
        }
      }
    }
    return dx;
  };
}

let registered = false;

/** Registers the faster MaxPoolGrad on wasm (process-wide, idempotent). */
export function registerWasmMaxPoolGradient(): void {
  if (registered) return;
  const original = tf.getKernel('MaxPoolGrad', 'wasm');
  if (!original) throw new Error('tfjs-backend-wasm must be imported before its gradients are registered');
  registered = true;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: routeToWindowMaximum(original.kernelFunc) });
}
