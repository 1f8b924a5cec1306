/**
 * The common shape of every input scaler (lecture 000 "Preprocessing of inputs": the statistics are computed
 * on the training set and then applied, unchanged, to the validation and test data):
 *
 * ```ts
 * const scaler = new StandardScaler().fit(xTrain);   // statistics of the training data only
 * const zTrain = scaler.transform(xTrain);           // float32 tensors, [samples, features]
 * const zTest = scaler.transform(xTest);             // the training statistics, not the test set's
 * const back = scaler.inverseTransform(zTest);       // ≈ xTest
 * const saved = JSON.stringify(scaler.toJSON());     // the fitted state; scalerFromJSON(JSON.parse(saved)) rebuilds it
 * ```
 *
 * `fit` accepts a float32 `tf.Tensor2D` or `number[][]` and computes its statistics in float64 in JavaScript;
 * `transform` and `inverseTransform` accept the same and return a new float32 tensor that the caller owns (they
 * free everything else they make). `fit` rejects NaN/Infinity; `transform` is a tensor op and does not read its
 * input back, so a NaN there propagates.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { checkFinite, matrixTensor, readMatrix, type HostMatrix, type MatrixInput } from "./matrix";

/** The scalers by name, as written in the `kind` field of their JSON. */
export const SCALER_KINDS = ["StandardScaler", "MinMaxScaler", "MeanCentering", "PcaDecorrelation", "PcaWhitening", "ZcaWhitening"] as const;
export type ScalerKind = (typeof SCALER_KINDS)[number];

/** The fitted state of a scaler as plain JSON (numbers and arrays), tagged with its `kind`. */
export interface ScalerJSONBase {
  kind: ScalerKind;
}

/** Base class: argument checks, the fitted flag and the tensor bookkeeping; subclasses hold the formulas. */
export abstract class Scaler {
  /** Which scaler this is (the `kind` of its JSON). */
  abstract readonly kind: ScalerKind;
  /** Smallest number of training samples `fit` accepts. */
  protected abstract readonly minSamples: number;
  private inputFeatures: number | null = null;

  /** Whether `fit` (or `scalerFromJSON`) has set the statistics. */
  get fitted(): boolean {
    return this.inputFeatures !== null;
  }

  /** Number of features (columns) of the data the scaler was fitted on. */
  get numFeatures(): number {
    return this.requireFitted("numFeatures");
  }

  /** Number of columns `transform` returns (= `numFeatures`, except for PCA with fewer components). */
  get numOutputFeatures(): number {
    this.requireFitted("numOutputFeatures");
    return this.outputFeatures();
  }

  /**
   * Computes the statistics of `x` ([samples, features]; the training data) and keeps them; refitting replaces
   * them. Returns the scaler, so `new StandardScaler().fit(x)` reads as one expression.
   */
  fit(x: MatrixInput): this {
    const fn = `${this.kind}.fit`;
    const matrix = readMatrix(fn, "x", x);
    if (matrix.rows < this.minSamples) invalidArgument(fn, "x.shape", [matrix.rows, matrix.cols], `at least ${this.minSamples} samples (rows)`);
    if (matrix.cols < 1) invalidArgument(fn, "x.shape", [matrix.rows, matrix.cols], "at least one feature (column)");
    checkFinite(fn, "x", matrix);
    this.fitMatrix(fn, matrix);
    this.inputFeatures = matrix.cols;
    return this;
  }

  /** The scaled data, a new float32 tensor `[samples, numOutputFeatures]` (the caller disposes it). */
  transform(x: MatrixInput): tf.Tensor2D {
    return this.apply(
      "transform",
      x,
      () => this.requireFitted("transform"),
      (t) => this.forward(t),
    );
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: MatrixInput): tf.Tensor2D {
    return this.fit(x).transform(x);
  }

  /**
   * Maps scaled data `[samples, numOutputFeatures]` back to the original units. Exact (up to float32 rounding)
   * for every scaler except PCA with fewer components than features, where it returns the reconstruction from
   * the kept components (the projection onto their span).
   */
  inverseTransform(y: MatrixInput): tf.Tensor2D {
    return this.apply(
      "inverseTransform",
      y,
      () => (this.requireFitted("inverseTransform"), this.outputFeatures()),
      (t) => this.backward(t),
    );
  }

  /** The fitted state as plain JSON with a `kind` field; `scalerFromJSON` rebuilds the scaler. */
  toJSON(): ScalerJSONBase {
    this.requireFitted("toJSON");
    return this.stateJSON();
  }

  /** Marks a scaler rebuilt from JSON as fitted on `features` columns (used by `scalerFromJSON`). */
  protected markFitted(features: number): void {
    this.inputFeatures = features;
  }

  /** The number of input features; throws the "not fitted" error for `method` when there are none. */
  protected requireFitted(method: string): number {
    if (this.inputFeatures === null) throw new Error(`${this.kind}.${method}: not fitted: call fit(x) first`);
    return this.inputFeatures;
  }

  private apply(method: string, x: MatrixInput, columns: () => number, op: (t: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    const fn = `${this.kind}.${method}`;
    const expectedCols = columns();
    const { tensor, owned } = matrixTensor(fn, "x", x);
    try {
      if (tensor.shape[1] !== expectedCols)
        invalidArgument(fn, "x.shape", tensor.shape, `[samples, ${expectedCols}] (the scaler was fitted on ${this.numFeatures} features)`);
      return tf.tidy(() => op(tensor));
    } finally {
      if (owned) tensor.dispose();
    }
  }

  /** Sets the statistics from the training matrix (already checked: enough rows, finite values). */
  protected abstract fitMatrix(fn: string, matrix: HostMatrix): void;
  /** The transform as tensor ops (inside `tf.tidy`). */
  protected abstract forward(x: tf.Tensor2D): tf.Tensor2D;
  /** The inverse transform as tensor ops (inside `tf.tidy`). */
  protected abstract backward(y: tf.Tensor2D): tf.Tensor2D;
  protected abstract outputFeatures(): number;
  protected abstract stateJSON(): ScalerJSONBase;
}

/** Reads a JSON array of finite numbers of the given length into a Float64Array. */
export function numbersFromJSON(fn: string, name: string, value: unknown, length?: number): Float64Array {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number" || !Number.isFinite(v))) invalidArgument(fn, name, value, "an array of finite numbers");
  if (length !== undefined && value.length !== length) invalidArgument(fn, `${name}.length`, value.length, `${length}`);
  return Float64Array.from(value as number[]);
}
