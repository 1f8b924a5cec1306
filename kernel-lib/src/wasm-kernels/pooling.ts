/**
 * The gradient of 2-D max pooling on the wasm backend (NHWC): each output's gradient goes to the input that was
 * the maximum of its window, dx[argmax of window w] += dy[w]; the argmax is the first maximum in row-major window
 * order (TensorFlow's and tfjs-backend-cpu's rule; ties are common after a ReLU, where windows hold several zeros).
 *
 * The stock wasm MaxPoolGrad (4.22) is a scalar loop that for every input position scans every window covering it
 * (about 10x slower here), and it starts each window's maximum at `std::numeric_limits<float>::min()`, the
 * smallest *positive* float: a window of only zeros or negatives keeps position 0 and its gradient lands on element
 * [0, 0, 0, 0] of the batch or is dropped. That is why the tests compare this kernel with the cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import { checkWasmBackend, heapFloats } from "./wasm-backend";

/** The attributes tfjs passes to MaxPoolGrad. */
interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * dx for max pooling described by `info` (computePool2DInfo), from the input x and the output gradient dy. With
 * overlapping windows an input can receive several gradients: they are summed in float64 and rounded once.
 */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const overlapping = strideHeight < fh || strideWidth < fw;
  const sums = overlapping ? new Float64Array(dx.length) : null;
  dx.fill(0);
  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let p = 0; p < outHeight; p++) {
      for (let q = 0; q < outWidth; q++) {
        best.fill(-Infinity);
        where.fill(-1);
        for (let i = 0; i < fh; i += dilationHeight) {
          const row = p * strideHeight - top + i;
          if (row < 0 || row >= inHeight) continue;
          for (let j = 0; j < fw; j += dilationWidth) {
            const col = q * strideWidth - left + j;
            if (col < 0 || col >= inWidth) continue;
            const base = ((b * inHeight + row) * inWidth + col) * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const from = ((b * outHeight + p) * outWidth + q) * channels;
        for (let c = 0; c < channels; c++) {
          const at = where[c]!;
          if (at < 0) continue; // an all-NaN window passes no gradient (as on the cpu backend)
          if (sums) sums[at] += dy[from + c]!;
          else dx[at] = dy[from + c]!;
        }
      }
    }
  }
  if (sums) dx.set(sums);
}

/** The wasm `MaxPoolGrad` kernel function. */
export function maxPoolGradKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const dy = args.inputs.dy as tf.TensorInfo;
    const input = args.inputs.input as tf.TensorInfo;
    if (dy.dtype !== "float32" || input.dtype !== "float32") return stock(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
    const backend = checkWasmBackend(args.backend, "MaxPoolGrad");
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const dx = backend.makeOutput([...input.shape], "float32");
    // Heap views after the allocation (a growing heap replaces its buffer).
    maxPoolBackprop(heapFloats(backend, input), heapFloats(backend, dy), heapFloats(backend, dx), info);
    return dx;
  };
}
