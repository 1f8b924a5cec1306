/**
 * Input handling shared by the scalers: a data matrix is `[samples, features]`, given as a float32
 * `tf.Tensor2D` or as `number[][]` (rows of equal length). Fitting reads the values into JavaScript (the
 * statistics are computed in float64); transforms stay on the backend as tensor ops.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";

/** A `[samples, features]` data matrix: a float32 rank-2 tensor or an array of equal-length rows. */
export type MatrixInput = tf.Tensor2D | tf.Tensor | number[][];

/** A data matrix read into JavaScript: `rows * cols` values, row-major. */
export interface HostMatrix {
  values: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** Checks that a tensor is a float32 `[samples, features]` matrix. */
export function checkMatrixTensor(fn: string, name: string, x: tf.Tensor): tf.Tensor2D {
  if (x.isDisposed) invalidArgument(fn, name, "a disposed tensor", "a live tf.Tensor2D");
  if (x.rank !== 2) invalidArgument(fn, `${name}.shape`, x.shape, "a rank-2 shape [samples, features]");
  if (x.dtype !== "float32") invalidArgument(fn, `${name}.dtype`, x.dtype, `"float32" (cast with tf.cast(x, "float32"))`);
  return x as tf.Tensor2D;
}

/** Checks that `rows` is a non-empty array of equal-length arrays of numbers; returns [rows, cols]. */
function checkNestedRows(fn: string, name: string, rows: unknown[]): [number, number] {
  if (rows.length === 0) invalidArgument(fn, name, rows, "at least one row [samples, features]");
  const first = rows[0];
  if (!Array.isArray(first)) invalidArgument(fn, `${name}[0]`, first, "an array of numbers (one row of a [samples, features] matrix)");
  const cols = first.length;
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) invalidArgument(fn, `${name}[${r}]`, row, "an array of numbers (one row of a [samples, features] matrix)");
    if (row.length !== cols) invalidArgument(fn, `${name}[${r}].length`, row.length, `${cols}, the length of row 0`);
    row.forEach((v, c) => {
      if (typeof v !== "number") invalidArgument(fn, `${name}[${r}][${c}]`, v, "a number");
    });
  });
  return [rows.length, cols];
}

/** Reads a data matrix into JavaScript, checking its shape and dtype (not yet its values). */
export function readMatrix(fn: string, name: string, x: MatrixInput): HostMatrix {
  if (x instanceof tf.Tensor) {
    const tensor = checkMatrixTensor(fn, name, x);
    const [rows, cols] = tensor.shape;
    return { values: tensor.dataSync() as Float32Array, rows, cols };
  }
  if (!Array.isArray(x)) invalidArgument(fn, name, x, "a float32 tf.Tensor2D or number[][] of shape [samples, features]");
  const [rows, cols] = checkNestedRows(fn, name, x);
  const values = new Float64Array(rows * cols);
  x.forEach((row, r) => values.set(row, r * cols));
  return { values, rows, cols };
}

/**
 * A data matrix as a float32 tensor that the caller must dispose: the tensor itself when `x` is one (then
 * `owned` is false and it must not be disposed), or a new tensor made from `number[][]` (`owned` true).
 */
export function matrixTensor(fn: string, name: string, x: MatrixInput): { tensor: tf.Tensor2D; owned: boolean } {
  if (x instanceof tf.Tensor) return { tensor: checkMatrixTensor(fn, name, x), owned: false };
  const { values, rows, cols } = readMatrix(fn, name, x);
  return { tensor: tf.tensor2d(Float32Array.from(values), [rows, cols]), owned: true };
}

/** Throws when a value is NaN or ±Infinity, naming its row and column. */
export function checkFinite(fn: string, name: string, { values, cols }: HostMatrix): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      invalidArgument(fn, `${name}[${Math.floor(i / cols)}][${i % cols}]`, values[i], "a finite number (remove or impute NaN/Infinity first)");
    }
  }
}
