/**
 * Orthogonal initialization (Saxe, McClelland & Ganguli 2014, "Exact solutions to the nonlinear dynamics of
 * learning in deep linear neural networks"): a weight matrix with orthonormal columns preserves the norm of
 * every input vector, so a deep linear stack neither explodes nor vanishes, whatever its depth.
 *
 * The matrix is Q from the QR decomposition of a Gaussian matrix, with each column multiplied by the sign of
 * R's diagonal entry. Without that correction Q's distribution depends on the QR algorithm's sign convention;
 * with it Q is uniformly (Haar) distributed over matrices with orthonormal columns (Mezzadri 2007, "How to
 * generate random matrices from the classical compact groups", §5). The QR is a Householder QR in float64,
 * here in JavaScript: it runs the same on every backend and is exact to float64 before the cast to float32.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import { SeededInitializer, checkFloatDtype, checkPositive, checkShape, type InitShape, type SeedOptions } from "./base";
import { computeFans } from "./fans";
import { CLASS_NAME_PREFIX, registerInitializer } from "./serialization";

/**
 * Q of the thin QR decomposition A = QR of an m×n matrix (m ≥ n, row-major), with columns multiplied by
 * sign(R_jj) so that R's diagonal is positive (the unique QR of a full-rank A). Householder reflections.
 * Returns Q as an m×n row-major Float64Array.
 */
export function orthonormalColumns(matrix: Float64Array, rows: number, cols: number): Float64Array {
  if (rows < cols) throw new RangeError(`orthonormalColumns: rows = ${rows}, expected rows >= cols = ${cols}`);
  if (matrix.length !== rows * cols) throw new RangeError(`orthonormalColumns: matrix.length = ${matrix.length}, expected rows * cols = ${rows * cols}`);
  const a = Float64Array.from(matrix);
  const reflectors: Float64Array[] = []; // v_k (unit length, entries k..rows-1) of H_k = I − 2 v vᵀ; empty when skipped
  const diagSign = new Float64Array(cols);
  for (let k = 0; k < cols; k++) {
    let norm = 0;
    for (let i = k; i < rows; i++) norm += a[i * cols + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[k * cols + k]!;
    // R_kk = alpha = −sign(x0)·‖x‖ avoids cancellation in v = x − alpha·e1.
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(rows - k);
    for (let i = k; i < rows; i++) v[i - k] = a[i * cols + k]!;
    v[0] = x0 - alpha;
    let vNorm = 0;
    for (const vi of v) vNorm += vi * vi;
    vNorm = Math.sqrt(vNorm);
    if (norm === 0 || vNorm === 0) {
      // Column already zero below the diagonal (probability 0 for a Gaussian matrix): no reflection needed.
      reflectors.push(new Float64Array(0));
      diagSign[k] = x0 < 0 ? -1 : 1;
      continue;
    }
    for (let i = 0; i < v.length; i++) v[i]! /= vNorm;
    // A[k:, k:] −= 2 v (vᵀ A[k:, k:])
    for (let j = k; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i - k]! * a[i * cols + j]!;
      for (let i = k; i < rows; i++) a[i * cols + j]! -= 2 * v[i - k]! * dot;
    }
    reflectors.push(v);
    diagSign[k] = alpha < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity, from the last reflector to the first.
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
  for (let k = cols - 1; k >= 0; k--) {
    const v = reflectors[k]!;
    if (v.length === 0) continue;
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let i = k; i < rows; i++) dot += v[i - k]! * q[i * cols + j]!;
      for (let i = k; i < rows; i++) q[i * cols + j]! -= 2 * v[i - k]! * dot;
    }
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[i * cols + j]! *= diagSign[j]!;
  return q;
}

export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix, > 0 (default 1; see `calculateGain`). */
  gain?: number;
}

/** Orthogonal initializer: see `orthogonal`. */
export class OrthogonalInitializer extends SeededInitializer {
  static className = `${CLASS_NAME_PREFIX}Orthogonal`;
  readonly gain: number;

  constructor(options: OrthogonalOptions = {}) {
    super("orthogonal", options.seed);
    this.gain = checkPositive("orthogonal", "options.gain", options.gain ?? 1);
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    const dims = checkShape("orthogonal", shape);
    computeFans(dims, "orthogonal"); // rank ≥ 2 and positive dimensions, with the same error as the fan-based inits
    checkFloatDtype("orthogonal", dtype);
    const cols = dims[dims.length - 1]!;
    const rows = dims.reduce((p, d) => p * d, 1) / cols;
    // Orthonormal columns need rows ≥ cols; a wide matrix gets orthonormal rows instead (QR of the transpose).
    const tall = rows >= cols;
    const m = tall ? rows : cols;
    const n = tall ? cols : rows;
    const stream = new Rng(this.nextOpSeed());
    const gaussian = new Float64Array(m * n);
    for (let i = 0; i < gaussian.length; i++) gaussian[i] = stream.normal();
    const q = orthonormalColumns(gaussian, m, n);
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values[i * cols + j] = this.gain * (tall ? q[i * cols + j]! : q[j * rows + i]!);
    return tf.tensor(values, dims, "float32");
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, ...this.seedConfig() };
  }
}

/**
 * Orthogonal: W = gain · Q with Q a Haar-random matrix with orthonormal columns, so Wᵀ W = gain² · I
 * (Saxe, McClelland & Ganguli 2014; PyTorch `torch.nn.init.orthogonal_`).
 *
 * Any shape of rank ≥ 2 is flattened to [product of all dimensions but the last, last] (for a tfjs conv kernel
 * [kh, kw, in, out]: each output channel's kh·kw·in weights form one column). When that matrix is wide
 * (rows < cols) it cannot have orthonormal columns, and gets orthonormal rows instead: W Wᵀ = gain² · I.
 * Costs O(rows · cols²) in JavaScript: fine for layers up to a few thousand units.
 */
export function orthogonal(options: OrthogonalOptions = {}): OrthogonalInitializer {
  return new OrthogonalInitializer(options);
}

registerInitializer(OrthogonalInitializer);
