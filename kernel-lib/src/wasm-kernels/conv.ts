/**
 * Gradients of a 2-D convolution on the wasm backend.
 *
 * Filter gradient: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (so no conv net trains on stock wasm:
 * "kernel Conv2DBackpropFilter not registered").
 *
 * For y = conv2d(x, W) with x [B, H, W_in, C_in] (NHWC), W [kh, kw, C_in, C_out], strides (sh, sw), padding
 * (top, left) and dilation 1:
 *   dW[i, j, c, o] = Σ_{b, p, q} x[b, p·sh + i − top, q·sw + j − left, c] · dy[b, p, q, o]   (out-of-range x = 0)
 * (the correlation of the input with the output gradient; e.g. Dumoulin & Visin, "A guide to convolution
 * arithmetic for deep learning", 2016, §4). As a matrix product (im2col): with the patch matrix
 *   Pᵀ[(i, j, c), (b, p, q)] = x[b, p·sh + i − top, q·sw + j − left, c],
 * dW (viewed as [kh·kw·C_in, C_out]) = Pᵀ · dy (viewed as [B·H_out·W_out, C_out]), one call on XNNPACK's fast path.
 * Padding, strides and output sizes come from tfjs's own `computeConv2DInfo`, as in the cpu kernel.
 *
 * Input gradient: the stock Conv2DBackpropInput is a scalar C++ loop (about 5x slower than the forward conv on
 * XNNPACK). With stride 1 it is itself a convolution (same reference, §4.1):
 *   dx[b, r, s, c] = Σ_{i, j, o} dy[b, r + top − i, s + left − j, o] · W[i, j, c, o]
 *                  = conv2d(dy, W′)[b, r, s, c],  W′[i, j, o, c] = W[kh−1−i, kw−1−j, c, o],
 * with padding (kh−1−top, kh−1−bottom) rows and (kw−1−left, kw−1−right) columns, so we flip the filter (a small
 * copy) and run the stock wasm Conv2D, which uses XNNPACK. Strided convolutions keep the stock kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { fastProduct, LINEAR } from "./matmul";
import { checkWasmBackend, disposeTemporary, disposeView, heapFloats, tensorId, view } from "./wasm-backend";

/** The attributes tfjs passes to Conv2DBackpropInput. */
interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/** The attributes tfjs passes to Conv2DBackpropFilter. */
interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Writes the transposed patch matrix Pᵀ [kh·kw·C_in, B·H_out·W_out] of x (see the module comment) into `patches`.
 */
export function transposedPatches(x: Float32Array, patches: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const cols = batchSize * outHeight * outWidth;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      // Output columns q whose input column q·sw + j − left lies inside the image: [qStart, qEnd).
      const qStart = Math.min(outWidth, Math.max(0, Math.ceil((left - j) / strideWidth)));
      const qEnd = Math.max(qStart, Math.min(outWidth, Math.floor((inWidth - 1 + left - j) / strideWidth) + 1));
      for (let c = 0; c < inChannels; c++) {
        let to = ((i * filterWidth + j) * inChannels + c) * cols;
        for (let b = 0; b < batchSize; b++) {
          for (let p = 0; p < outHeight; p++, to += outWidth) {
            const row = p * strideHeight + i - top;
            if (row < 0 || row >= inHeight) {
              patches.fill(0, to, to + outWidth);
              continue;
            }
            patches.fill(0, to, to + qStart);
            patches.fill(0, to + qEnd, to + outWidth);
            const step = strideWidth * inChannels;
            let from = ((b * inHeight + row) * inWidth + qStart * strideWidth + j - left) * inChannels + c;
            for (let q = qStart; q < qEnd; q++, from += step) patches[to + q] = x[from]!;
          }
        }
      }
    }
  }
}

/** The wasm `Conv2DBackpropFilter` kernel function (NHWC, dilation 1). */
export function conv2DBackpropFilterKernel(): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const dy = args.inputs.dy as tf.TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat !== "NHWC") {
      throw new Error(`Conv2DBackpropFilter (kernel-lib, wasm): dataFormat = ${JSON.stringify(dataFormat)}, expected "NHWC" (channels last)`);
    }
    if (x.dtype !== "float32" || dy.dtype !== "float32") {
      throw new Error(`Conv2DBackpropFilter (kernel-lib, wasm): dtypes ${x.dtype} and ${dy.dtype}, expected float32`);
    }
    const backend = checkWasmBackend(args.backend, "Conv2DBackpropFilter");
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const rows = info.filterHeight * info.filterWidth * info.inChannels;
    const cols = info.batchSize * info.outHeight * info.outWidth;
    const out = backend.makeOutput([...filterShape], "float32");
    if (rows * cols * info.outChannels === 0) {
      heapFloats(backend, out).fill(0);
      return out;
    }
    const patches = backend.makeOutput([rows, cols], "float32");
    // Heap views after the allocations (a growing heap replaces its buffer).
    transposedPatches(heapFloats(backend, x), heapFloats(backend, patches), info);
    // dy as the weights of the product through a view with its own id, so the operator XNNPACK caches for it is
    // dropped with the view.
    const weights = view(backend, dy, 0, [cols, info.outChannels]);
    try {
      fastProduct(backend, tensorId(backend, patches), tensorId(backend, weights), tensorId(backend, out), rows, cols, info.outChannels, LINEAR);
    } finally {
      disposeView(backend, weights);
      disposeTemporary(backend, patches);
    }
    return out;
  };
}

/** W′[i, j, o, c] = W[kh−1−i, kw−1−j, c, o] for W [kh, kw, C_in, C_out] (see the module comment). */
export function flippedFilter(w: Float32Array, out: Float32Array, kh: number, kw: number, inChannels: number, outChannels: number): void {
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * inChannels * outChannels;
      const to = (i * kw + j) * outChannels * inChannels;
      for (let c = 0; c < inChannels; c++) {
        for (let o = 0; o < outChannels; o++) out[to + o * inChannels + c] = w[from + c * outChannels + o]!;
      }
    }
  }
}

/** The wasm `Conv2DBackpropInput` kernel function: stride 1 as a convolution on XNNPACK, the rest to `stock`. */
export function conv2DBackpropInputKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const dy = args.inputs.dy as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat !== "NHWC" || dy.dtype !== "float32" || filter.dtype !== "float32") return stock(args);
    const [kh, kw, inChannels, outChannels] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, [kh, kw, inChannels, outChannels], strides, 1, pad, dimRoundingMode, false, "channelsLast");
    const { top, bottom, left, right } = info.padInfo;
    const padding: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    const unsupported = info.strideHeight !== 1 || info.strideWidth !== 1 || padding.some(([before, after]) => before < 0 || after < 0);
    if (unsupported || tf.util.sizeFromShape(inputShape) * tf.util.sizeFromShape(dy.shape) === 0) return stock(args);
    const backend = checkWasmBackend(args.backend, "Conv2DBackpropInput");
    const flipped = backend.makeOutput([kh, kw, outChannels, inChannels], "float32");
    flippedFilter(heapFloats(backend, filter), heapFloats(backend, flipped), kh, kw, inChannels, outChannels);
    try {
      const conv = tf.getKernel("Conv2D", "wasm").kernelFunc;
      const dx = conv({ inputs: { x: dy, filter: flipped }, backend, attrs: { strides: 1, pad: padding, dataFormat: "NHWC", dilations: 1 } }) as tf.TensorInfo;
      if (!tf.util.arraysEqual(dx.shape, inputShape)) {
        disposeTemporary(backend, dx);
        throw new Error(
          `Conv2DBackpropInput (kernel-lib, wasm): got shape ${dx.shape}, expected ${inputShape} (a bug in kernel-lib; uninstallWasmKernels() restores the stock kernel)`,
        );
      }
      return dx;
    } finally {
      disposeTemporary(backend, flipped);
    }
  };
}
