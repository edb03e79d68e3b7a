import { BackendName, initTensorFlow, TensorFlowInitOptions } from '@live-digits/shared/tf/tf';
import { registerWasmConv2DGradient } from './conv2d-gradient';
import { registerWasmMaxPoolGradient } from './max-pool-gradient';

/** The gradient kernels that make training on wasm possible (Conv2D) and fast (MaxPool). */
export function registerWasmTrainingKernels(): void {
  registerWasmConv2DGradient();
  registerWasmMaxPoolGradient();
}

/**
 * TensorFlow.js start-up for code that computes gradients: the shared start-up, then the wasm
 * training kernels. The server never computes gradients, so only training registers them.
 */
export async function initTrainingTensorFlow(options: TensorFlowInitOptions = {}): Promise<BackendName> {
  const backend = await initTensorFlow(options);
  if (backend === 'wasm') registerWasmTrainingKernels();
  return backend;
}
