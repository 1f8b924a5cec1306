/**
 * kernel-lib: the techniques that make neural networks train, on TensorFlow.js.
 * `tf` is re-exported so notebooks and the library share one tfjs engine and one backend.
 */
import * as tf from "@tensorflow/tfjs";
export { tf };
export * from "./errors";
export * from "./backend";
export * from "./random";
export * from "./budget";
export * from "./plots";
export * from "./datasets";
export * from "./training";
export * from "./probes";
export * from "./activations";
export * from "./initializers";
export * from "./normalizers";
export * from "./parallel";
export * from "./wasm-kernels";
export * from "./regularizers";
export * from "./optimizers";
export * from "./search";
export * from "./ensembles";
