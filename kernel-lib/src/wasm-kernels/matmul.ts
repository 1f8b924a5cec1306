/**
 * Matrix products on the wasm backend that always take XNNPACK's fast path.
 *
 * C = op(A) · op(B), op(X) = Xᵀ when the transpose flag is set, for each batch slice: C[s] = op(A[s mod batchA]) ·
 * op(B[s mod batchB]) (the broadcasting rule of tfjs's BatchMatMul kernels). tfjs-backend-wasm 4.22 hands a product
 * to XNNPACK's fully-connected operator only when neither flag is set and both batch sizes are 1; every other case
 * (each Dense layer's backward pass: dW = xᵀ·dy is transposeA, dx = dy·Wᵀ is transposeB) runs a scalar triple
 * loop about 10x slower (batch_mat_mul_impl.cc, `slow_batch_matmul`). That loop also mishandles a fused bias (it is
 * added once per 48-wide block of the inner dimension and only its last entry reaches rows after the first),
 * so `_FusedMatMul` with a bias and a transpose or a batch gives wrong results on stock wasm.
 *
 * The replacement rewrites every product into fast-path calls:
 * 1. transposed operands are materialized by a blocked copy (./transpose.ts; O(size) against O(m·k·n) work);
 * 2. a batch of A against one shared B is one product: [batchA·m, k] · [k, n] (rows are independent);
 * 3. other batches are one call per slice on zero-copy views of A, B and C.
 * Each output element is still one float32 dot product over k; only the summation order can differ from the
 * scalar loop (XNNPACK accumulates in SIMD lanes), see the tests for the resulting bound.
 * Fused bias and activation (relu, relu6, prelu, leakyrelu, sigmoid, elu) are passed to the same C++ call the
 * stock kernel makes on its fast path, so they mean exactly what they mean there.
 *
 * One more stock bug is avoided here: the fast path caches XNNPACK's packed weights under B's tensor id alone, and a
 * reshape keeps the id, so B = W [6, 4] and later B = reshape(W, [4, 6]) reuse the [6, 4] packing and give wrong
 * numbers. We remember the (k, n) each B was first multiplied with and send a B seen with another shape through a
 * view with a fresh id.
 */
import * as tf from "@tensorflow/tfjs";
import { transposeLastTwo } from "./transpose";
import { alias, cFunction, checkWasmBackend, disposeTemporary, disposeView, shapeBytes, tensorId, view, type WasmBackend } from "./wasm-backend";

/** The inputs tfjs passes to BatchMatMul / _FusedMatMul. */
interface MatMulInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

/** The attributes tfjs passes to BatchMatMul / _FusedMatMul. */
interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** tfjs-backend-wasm's `FusableActivation` codes (kernels/types.ts, cc/fusable_activations.h). */
const FUSABLE_ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, prelu: 3, leakyrelu: 4, sigmoid: 5, elu: 6 };

/** The sizes of a (batched) product C[batch, m, n] = op(A)[batchA, m, k] · op(B)[batchB, k, n]. */
export interface MatMulSizes {
  m: number;
  k: number;
  n: number;
  batchA: number;
  batchB: number;
  /** max(batchA, batchB): the number of output slices. */
  batch: number;
  /** The output shape: the broadcast outer dimensions, then [m, n]. */
  outShape: number[];
}

/** Sizes of op(A)·op(B) for tensors of rank ≥ 2 (tfjs's shape rules; throws on a mismatch like the stock kernel). */
export function matMulSizes(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulSizes {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = transposeA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const kB = transposeB ? bShape[rb - 1]! : bShape[rb - 2]!;
  const n = transposeB ? bShape[rb - 2]! : bShape[rb - 1]!;
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  return { m, k, n, batchA, batchB, batch: Math.max(batchA, batchB), outShape: [...outer, m, n] };
}

/** What the fused kernel adds to the product: a bias row and an activation. */
export interface Epilogue {
  activation: number;
  biasId: number;
  preluId: number;
  leakyreluAlpha: number;
}

export const LINEAR: Epilogue = { activation: 0, biasId: 0, preluId: 0, leakyreluAlpha: 0 };

/**
 * One fast-path call: out[rows, n] = epilogue(a[rows, k] · b[k, n]) through the stock C++ `_FusedMatMul` entry
 * point with both flags cleared and batch 1, where it uses XNNPACK's fully-connected operator (cached on `b`'s id).
 */
export function fastProduct(backend: WasmBackend, a: number, b: number, out: number, rows: number, k: number, n: number, epilogue: Epilogue): void {
  const fused = cFunction(backend, "_FusedMatMul", [
    "number",
    "array",
    "number",
    "number",
    "array",
    "number",
    "number",
    "number",
    "number",
    "number",
    "number",
    "number",
    "number",
  ]);
  fused(
    a,
    shapeBytes([1, rows, k]),
    3,
    b,
    shapeBytes([1, k, n]),
    3,
    0,
    0,
    epilogue.activation,
    epilogue.biasId,
    epilogue.preluId,
    epilogue.leakyreluAlpha,
    out,
  );
}

/**
 * C = epilogue(op(A)·op(B)) written into a new tensor, by fast-path calls only (steps 1-3 of the module comment).
 * `freshB`: hand B to XNNPACK under a new id (see the weight-cache note in the module comment).
 */
function fastMatMul(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  sizes: MatMulSizes,
  attrs: MatMulAttrs,
  epilogue: Epilogue,
  freshB = false,
): tf.TensorInfo {
  const { m, k, n, batchA, batchB, batch } = sizes;
  const temporaries: tf.TensorInfo[] = [];
  const views: tf.TensorInfo[] = [];
  // Row-major operands: a3 is [batchA, m, k], b3 is [batchB, k, n].
  let a3 = alias(a, [batchA, m, k]);
  if (attrs.transposeA) temporaries.push((a3 = transposeLastTwo(backend, a, batchA, k, m)));
  let b3 = alias(b, [batchB, k, n]);
  if (attrs.transposeB) temporaries.push((b3 = transposeLastTwo(backend, b, batchB, n, k)));
  else if (freshB) views.push((b3 = view(backend, b, 0, [batchB, k, n])));
  const out = backend.makeOutput(sizes.outShape, "float32");
  try {
    if (batchB === 1) {
      // One shared right-hand side: stack the slices of A as rows (batch = batchA here).
      fastProduct(backend, tensorId(backend, a3), tensorId(backend, b3), tensorId(backend, out), batch * m, k, n, epilogue);
    } else {
      for (let s = 0; s < batch; s++) {
        const aSlice = batchA === 1 ? null : view(backend, a3, (s % batchA) * m * k, [m, k]);
        const bSlice = view(backend, b3, (s % batchB) * k * n, [k, n]);
        const outSlice = view(backend, out, s * m * n, [m, n]);
        fastProduct(
          backend,
          aSlice ? tensorId(backend, aSlice) : tensorId(backend, a3),
          tensorId(backend, bSlice),
          tensorId(backend, outSlice),
          m,
          k,
          n,
          epilogue,
        );
        if (aSlice) disposeView(backend, aSlice);
        disposeView(backend, bSlice);
        disposeView(backend, outSlice);
      }
    }
  } finally {
    for (const v of views) disposeView(backend, v);
    for (const t of temporaries) disposeTemporary(backend, t);
  }
  return out;
}

/**
 * Below this many multiply-adds per slice (m·k·n), a batch that needs one call per slice is faster in the stock
 * scalar loop: each fast-path call costs about 4 µs (views, operator creation, weight packing). Measured on this
 * project's 2-core machine, batch 64: 16³ breaks even (0.31 ms both), 8³ is 4x faster stock, 32³ 3x faster here.
 */
export const MIN_WORK_PER_SLICE = 16 * 16 * 16;

/**
 * True for products left to the stock kernel as they are: not float32, empty, or a broadcast of the batch dimensions
 * that the `s mod batch` rule does not cover (e.g. [2, 1] against [1, 3]; tfjs's kernels compute only
 * max(batchA, batchB) slices there).
 */
function unsupported(a: tf.TensorInfo, b: tf.TensorInfo, sizes: MatMulSizes): boolean {
  if (a.dtype !== "float32" || b.dtype !== "float32") return true;
  if (sizes.m * sizes.k * sizes.n * sizes.batch === 0) return true;
  return tf.util.sizeFromShape(sizes.outShape.slice(0, -2)) !== sizes.batch;
}

/** True when the stock kernel takes XNNPACK's path by itself. */
function stockIsFast(sizes: MatMulSizes, attrs: MatMulAttrs): boolean {
  return !attrs.transposeA && !attrs.transposeB && sizes.batchA === 1 && sizes.batchB === 1;
}

/** The (k, n) each right-hand side was first multiplied with, by data id. */
const weightShapes = new WeakMap<tf.DataId, string>();

/**
 * True when XNNPACK would cache B's packing under B's own id (B used as it is: no transpose, one slice) and B's
 * data was first multiplied as a matrix of another shape (a reshape), so that cache entry would be wrong.
 */
function weightShapeConflict(b: tf.TensorInfo, sizes: MatMulSizes, attrs: MatMulAttrs): boolean {
  if (attrs.transposeB || sizes.batchB !== 1) return false;
  const shape = `${sizes.k}x${sizes.n}`;
  const first = weightShapes.get(b.dataId);
  if (first === undefined) weightShapes.set(b.dataId, shape);
  return first !== undefined && first !== shape;
}

/** True when a product needs one fast-path call per slice and the slices are too small for that to pay. */
function slicesTooSmall(sizes: MatMulSizes): boolean {
  return sizes.batchB > 1 && sizes.m * sizes.k * sizes.n < MIN_WORK_PER_SLICE;
}

/** The wasm `BatchMatMul` kernel function; `stock` is the kernel it replaces (used where that one is already fast). */
export function batchMatMulKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as unknown as MatMulInputs;
    const attrs = args.attrs as unknown as MatMulAttrs;
    const sizes = matMulSizes(a.shape, b.shape, attrs.transposeA, attrs.transposeB);
    if (unsupported(a, b, sizes)) return stock(args);
    const conflict = weightShapeConflict(b, sizes, attrs);
    if (!conflict && (stockIsFast(sizes, attrs) || slicesTooSmall(sizes))) return stock(args);
    return fastMatMul(checkWasmBackend(args.backend, "BatchMatMul"), a, b, sizes, attrs, LINEAR, conflict);
  };
}

/** The wasm `_FusedMatMul` kernel function (product, then bias, then activation); `stock` as for BatchMatMul. */
export function fusedMatMulKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as unknown as MatMulInputs;
    // Absent optional inputs arrive as undefined or null.
    const bias = args.inputs.bias ?? undefined;
    const preluActivationWeights = args.inputs.preluActivationWeights ?? undefined;
    const attrs = args.attrs as unknown as MatMulAttrs;
    const sizes = matMulSizes(a.shape, b.shape, attrs.transposeA, attrs.transposeB);
    const activation = FUSABLE_ACTIVATIONS[attrs.activation ?? "linear"];
    // Cases the fast path cannot express exactly go to the stock kernel, which keeps its own behaviour (and errors):
    // an unknown activation, a bias that is not one value per output column, PReLU weights that do not tile a slice.
    // Small batched slices stay here even though the stock loop would be faster: that loop clamps and adds the bias
    // per 48-wide block of k, which is wrong (see the module comment).
    const sliceSize = sizes.batchB === 1 ? sizes.batch * sizes.m * sizes.n : sizes.m * sizes.n;
    const preluSize = preluActivationWeights ? tf.util.sizeFromShape(preluActivationWeights.shape) : 1;
    if (
      unsupported(a, b, sizes) ||
      activation === undefined ||
      (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== sizes.n)) ||
      (preluActivationWeights !== undefined && (preluSize === 0 || sliceSize % preluSize !== 0))
    ) {
      return stock(args);
    }
    const conflict = weightShapeConflict(b, sizes, attrs);
    if (!conflict && stockIsFast(sizes, attrs)) return stock(args);
    const backend = checkWasmBackend(args.backend, "_FusedMatMul");
    const epilogue: Epilogue = {
      activation,
      biasId: bias ? tensorId(backend, bias) : 0,
      preluId: preluActivationWeights ? tensorId(backend, preluActivationWeights) : 0,
      leakyreluAlpha: attrs.leakyreluAlpha ?? 0,
    };
    return fastMatMul(backend, a, b, sizes, attrs, epilogue, conflict);
  };
}
