/**
 * Identity on the wasm backend without a copy: the output shares the input's data (one more reference), as
 * tfjs's cpu and webgl backends do. tfjs never writes into a tensor's data after making it (variables get new data
 * on `assign`), so sharing is safe; the stock wasm kernel copies the whole buffer instead. tfjs calls Identity
 * about 30 times per training step of a 3-layer MLP (custom gradients, tf.layers' bookkeeping), copying e.g. the
 * [128, 784] input batch (~0.2 ms each time on this machine).
 */
import type * as tf from "@tensorflow/tfjs";
import { checkWasmBackend } from "./wasm-backend";

/** The wasm `Identity` kernel function; strings go to `stock`. */
export function identityKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return stock(args);
    checkWasmBackend(args.backend, "Identity").incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
