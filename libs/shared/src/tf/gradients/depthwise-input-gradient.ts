/**
 * The one gradient kernel the saliency needs that tfjs' wasm backend lacks: the input gradient of a
 * depthwise convolution (`DepthwiseConv2dNativeBackpropInput`). digit-net's first layer,
 * `normalise`, is a fixed 1×1 depthwise conv ((x − mean) / std inside the model), so a gradient
 * with respect to the input pixels passes through it. For a 1×1 filter at stride 1 it is a
 * per-channel scaling — dx[…, c] = Σₘ dy[…, c·M + m] · filter[c, m] — added here for the wasm
 * backend only (the others have it). Other filter sizes are refused with a clear message.
 */
import { tf } from '../tf';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/** The part of the wasm backend a JS kernel uses (as its own JS kernels do). */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface BackpropAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  inputShape: [number, number, number, number];
}

/** Adds the kernel to the wasm backend once per process; a no-op when it is there already. */
export function registerWasmDepthwiseInputGradient(): void {
  if (tf.getKernel(KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, inputShape } = attrs as unknown as BackpropAttrs;
      const [filterHeight, filterWidth, channels, multiplier] = filter.shape;
      const stride = typeof strides === 'number' ? [strides, strides] : strides;
      if (filterHeight !== 1 || filterWidth !== 1 || stride[0] !== 1 || stride[1] !== 1) {
        throw new Error(
          `The wasm backend has no ${KERNEL}; the insight adds it for 1×1 filters at stride 1 only (got ${filterHeight}×${filterWidth} at stride ${stride.join('×')}).`,
        );
      }
      const wasm = backend as WasmBackendLike;
      const gradient = wasm.readSync(dy.dataId);
      const weights = wasm.readSync(filter.dataId);
      const output = wasm.makeOutput([...inputShape], 'float32');
      const values = wasm.typedArrayFromHeap(output);
      for (let pixel = 0, at = 0; pixel < values.length / channels; pixel++) {
        for (let c = 0; c < channels; c++, at++) {
          let sum = 0;
          for (let m = 0; m < multiplier; m++)
            sum += gradient[pixel * channels * multiplier + c * multiplier + m] * weights[c * multiplier + m];
          values[at] = sum;
        }
      }
      return output;
    },
  });
}
