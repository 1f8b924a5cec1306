/**
 * `OneHot` for a float32 output. tfjs-backend-wasm 4.22's C++ kernel writes int32 values whatever `dtype` asks for,
 * so `tf.oneHot(indices, K, 1, 0, "float32")` reads back the bit pattern of the integer 1 as a float (1.4e-45). This
 * kernel writes the values in the output's own dtype; int32 outputs go to the stock kernel. Same semantics as the
 * cpu backend: an index outside [0, depth) gives a row of `offValue`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkWasmBackend, heapElements } from "./wasm-backend";

export function oneHotKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dtype, depth, onValue, offValue } = args.attrs as unknown as { dtype: tf.DataType; depth: number; onValue: number; offValue: number };
    if (dtype !== "float32") return stock(args);
    const indices = args.inputs.indices as tf.TensorInfo;
    const backend = checkWasmBackend(args.backend, "OneHot");
    const out = backend.makeOutput([...indices.shape, depth], dtype);
    // Views after the allocation (a growing heap replaces its buffer).
    const ids = heapElements(backend, indices);
    const values = heapElements(backend, out);
    values.fill(offValue);
    for (let i = 0; i < ids.length; i++) {
      const index = ids[i]!;
      if (index >= 0 && index < depth) values[i * depth + index] = onValue;
    }
    return out;
  };
}
