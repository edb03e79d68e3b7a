import { registerWasmConv2DGradient } from './conv2d-gradient';
import { registerWasmMaxPoolGradient } from './max-pool-gradient';

/** The gradient kernels that make training on wasm possible (Conv2D) and fast (MaxPool). */
export function registerWasmTrainingKernels(): void {
  registerWasmConv2DGradient();
  registerWasmMaxPoolGradient();
}
