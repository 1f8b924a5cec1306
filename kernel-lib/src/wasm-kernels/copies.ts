/**
 * Slice and Gather on the wasm backend as plain copies between views of the wasm heap.
 *
 * Both kernels only move elements, so the replacements give bitwise the same tensors. Why they are worth replacing:
 * - the stock Slice starts with `backend.readSync(x)`, a copy of the *whole* input, so taking a 128-row mini-batch
 *   from a [4096, 784] tensor costs about 10 ms instead of a 0.4 MB copy;
 * - the stock GatherV2 copies element by element through generic strides (about 4 ms for 128 rows of 784 here);
 *   kernel-lib's `fit` gathers every shuffled mini-batch, and tfjs's `model.fit` slices them.
 * Gather keeps the stock kernel's index check (same message) and hands strings and `batchDims > 0` to the stock
 * kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { checkWasmBackend, heapElements } from "./wasm-backend";

/**
 * Copies the block `begin`/`size` of a row-major array of `shape` into `out`, one contiguous run (along the last
 * axis) at a time.
 */
export function copyBlock(
  x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  shape: number[],
  begin: number[],
  size: number[],
  out: { set(a: ArrayLike<number>, offset: number): void },
): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides(shape);
  const run = size[rank - 1]!;
  const runs = tf.util.sizeFromShape(size) / Math.max(run, 1);
  if (run === 0 || runs === 0) return;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0); // position among the leading axes of the block
  for (let r = 0; r < runs; r++) {
    let from = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) from += (begin[d]! + index[d]!) * strides[d]!;
    out.set(x.subarray(from, from + run), r * run);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
}

/** The wasm `Slice` kernel function; strings go to `stock`. */
export function sliceKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string" || x.dtype === "complex64") return stock(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    const backend = checkWasmBackend(args.backend, "Slice");
    const out = backend.makeOutput(size_, x.dtype);
    if (tf.util.sizeFromShape(size_) === 0) return out;
    // Views after the allocation (a growing heap replaces its buffer).
    const src = heapElements(backend, x);
    const dst = heapElements(backend, out);
    if (x.shape.length === 0) dst.set(src);
    else copyBlock(src, x.shape, begin_, size_, dst);
    return out;
  };
}

/** The wasm `GatherV2` kernel function (any axis, batchDims 0); the rest goes to `stock`. */
export function gatherKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const indices = args.inputs.indices as tf.TensorInfo;
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if (x.dtype === "string" || x.dtype === "complex64" || (batchDims ?? 0) !== 0 || x.shape.length === 0) return stock(args);
    const backend = checkWasmBackend(args.backend, "GatherV2");
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const dimSize = x.shape[parsedAxis]!;
    const ids = heapElements(backend, indices);
    for (let i = 0; i < ids.length; i++) {
      const index = ids[i]!;
      if (!(index <= dimSize - 1 && index >= 0)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${dimSize - 1}]`);
    }
    const outer = tf.util.sizeFromShape(x.shape.slice(0, parsedAxis));
    const inner = tf.util.sizeFromShape(x.shape.slice(parsedAxis + 1));
    const outShape = [...x.shape.slice(0, parsedAxis), ...indices.shape, ...x.shape.slice(parsedAxis + 1)];
    const count = ids.length;
    const out = backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    // Views after the allocation (a growing heap replaces its buffer).
    const src = heapElements(backend, x);
    const dst = heapElements(backend, out);
    const idx = heapElements(backend, indices);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < count; i++) {
        const from = (o * dimSize + idx[i]!) * inner;
        dst.set(src.subarray(from, from + inner), (o * count + i) * inner);
      }
    }
    return out;
  };
}
