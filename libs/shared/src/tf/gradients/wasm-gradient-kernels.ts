import { BackendName, initTensorFlow, TensorFlowInitOptions } from '../tf';
import { registerWasmConv2DGradient } from './conv2d-gradient';
import { registerWasmDepthwiseInputGradient } from './depthwise-input-gradient';
import { registerWasmMaxPoolGradient } from './max-pool-gradient';

/**
 * The gradient kernels the wasm backend lacks or runs slowly: Conv2D's (training needs them; the
 * input gradient is also most of a saliency map's cost), MaxPool's, and the 1×1 depthwise input
 * gradient that digit-net's `normalise` layer needs when a gradient reaches the input pixels.
 * Each registers once per process; calling this again does nothing.
 */
export function registerWasmGradientKernels(): void {
  registerWasmConv2DGradient();
  registerWasmMaxPoolGradient();
  registerWasmDepthwiseInputGradient();
}

/**
 * TensorFlow.js start-up for code that computes gradients (training, evaluation's calibration,
 * the server's saliency): the shared start-up, then the wasm gradient kernels.
 */
export async function initGradientTensorFlow(options: TensorFlowInitOptions = {}): Promise<BackendName> {
  const backend = await initTensorFlow(options);
  if (backend === 'wasm') registerWasmGradientKernels();
  return backend;
}
