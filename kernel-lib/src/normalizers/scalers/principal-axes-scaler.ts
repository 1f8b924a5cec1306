/**
 * The scalers built on the principal axes (PCA decorrelation, PCA whitening, ZCA whitening) share one linear
 * map on rows x (row vectors, D features):
 *
 *   y = (x − μ) W            inverse: x̂ = y V + μ
 *
 * with W (D × K) and V (K × D) made from the mean μ, the eigenvalues λ_k and the unit eigenvectors u_k of the
 * training covariance (see principal-components.ts for the 1/N normalization and the sign convention). The
 * matrices are computed in float64 and applied in float32 on the backend.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, invalidArgument } from "../../errors";
import type { HostMatrix } from "./matrix";
import { explainedVarianceRatio, principalComponentsOf } from "./principal-components";
import { Scaler, numbersFromJSON, type ScalerJSONBase } from "./scaler";

export interface PrincipalAxesJSON extends ScalerJSONBase {
  kind: "PcaDecorrelation" | "PcaWhitening" | "ZcaWhitening";
  /** Training mean, length D. */
  mean: number[];
  /** All D eigenvalues of the population covariance, descending. */
  eigenvalues: number[];
  /** The kept unit eigenvectors, K rows of length D. */
  components: number[][];
  /** Whitening only: the ε added to each eigenvalue. */
  epsilon?: number;
}

/** `options.components`: an integer ≥ 1, or undefined for all. */
export function checkComponents(fn: string, components: number | undefined): number | null {
  return components === undefined ? null : checkInteger(fn, "options.components", components, 1);
}

/** `options.epsilon`: a finite number ≥ 0. */
export function checkEpsilon(fn: string, epsilon: number | undefined): number {
  return checkNumber(fn, "options.epsilon", epsilon ?? 0, 0);
}

export abstract class PrincipalAxesScaler extends Scaler {
  protected override readonly minSamples = 2;
  /** Number of components asked for; null = all D. */
  protected readonly requestedComponents: number | null;
  protected meanValues: Float64Array = new Float64Array(0);
  protected spectrum: Float64Array = new Float64Array(0);
  /** K × D row-major, row k = u_k. */
  protected axes: Float64Array = new Float64Array(0);
  protected kept = 0;
  private forwardMatrix = new Float32Array(0);
  private inverseMatrix = new Float32Array(0);

  protected constructor(requestedComponents: number | null) {
    super();
    this.requestedComponents = requestedComponents;
  }

  /** Per-feature training mean μ (a copy). */
  get mean(): Float64Array {
    this.requireFitted("mean");
    return this.meanValues.slice();
  }

  /** All D eigenvalues of the training covariance (1/N), descending (a copy): the variance along each axis. */
  get eigenvalues(): Float64Array {
    this.requireFitted("eigenvalues");
    return this.spectrum.slice();
  }

  /** The K kept principal axes u_1 … u_K, each a unit vector of length D (copies). */
  get components(): Float64Array[] {
    const d = this.requireFitted("components");
    return Array.from({ length: this.kept }, (_, k) => this.axes.slice(k * d, (k + 1) * d));
  }

  /** λ_k / Σ_j λ_j for all D axes. */
  get explainedVarianceRatio(): Float64Array {
    this.requireFitted("explainedVarianceRatio");
    return explainedVarianceRatio(this.spectrum);
  }

  protected override fitMatrix(fn: string, matrix: HostMatrix): void {
    const d = matrix.cols;
    const keep = this.requestedComponents ?? d;
    if (keep > d) invalidArgument(fn, "options.components", keep, `at most the number of features, ${d}`);
    const { mean, eigenvalues, components } = principalComponentsOf(matrix);
    this.setState(fn, mean, eigenvalues, components.subarray(0, keep * d), keep);
  }

  /** Stores the state and builds W and V (throws, e.g. for an eigenvalue that whitening cannot divide by). */
  protected setState(fn: string, mean: Float64Array, eigenvalues: Float64Array, axes: Float64Array, keep: number): void {
    const d = mean.length;
    const { forward, inverse } = this.buildMatrices(fn, eigenvalues, axes, keep, d);
    this.meanValues = mean;
    this.spectrum = eigenvalues;
    this.axes = Float64Array.from(axes);
    this.kept = keep;
    this.forwardMatrix = Float32Array.from(forward);
    this.inverseMatrix = Float32Array.from(inverse);
    this.markFitted(d);
  }

  /** W (D × outputs) and V (outputs × D), row-major, from the eigen-decomposition. */
  protected abstract buildMatrices(
    fn: string,
    eigenvalues: Float64Array,
    axes: Float64Array,
    keep: number,
    d: number,
  ): { forward: Float64Array; inverse: Float64Array };

  protected override forward(x: tf.Tensor2D): tf.Tensor2D {
    const d = this.meanValues.length;
    const centered = tf.sub(x, tf.tensor1d(Float32Array.from(this.meanValues)));
    return tf.matMul(centered, tf.tensor2d(this.forwardMatrix, [d, this.forwardMatrix.length / d]));
  }

  protected override backward(y: tf.Tensor2D): tf.Tensor2D {
    const d = this.meanValues.length;
    const back = tf.matMul(y, tf.tensor2d(this.inverseMatrix, [this.inverseMatrix.length / d, d]));
    return tf.add(back, tf.tensor1d(Float32Array.from(this.meanValues)));
  }

  protected override outputFeatures(): number {
    return this.forwardMatrix.length / this.meanValues.length;
  }

  protected override stateJSON(): PrincipalAxesJSON {
    return {
      kind: this.kind as PrincipalAxesJSON["kind"],
      mean: Array.from(this.meanValues),
      eigenvalues: Array.from(this.spectrum),
      components: this.components.map((axis) => Array.from(axis)),
    };
  }

  /** Restores the state written by `stateJSON`. */
  protected restore(fn: string, json: PrincipalAxesJSON): this {
    const mean = numbersFromJSON(fn, "json.mean", json.mean);
    const d = mean.length;
    const eigenvalues = numbersFromJSON(fn, "json.eigenvalues", json.eigenvalues, d);
    if (!Array.isArray(json.components) || json.components.length < 1 || json.components.length > d) {
      invalidArgument(fn, "json.components", json.components, `1 to ${d} arrays of ${d} numbers`);
    }
    const axes = new Float64Array(json.components.length * d);
    json.components.forEach((axis, k) => axes.set(numbersFromJSON(fn, `json.components[${k}]`, axis, d), k * d));
    this.setState(fn, mean, eigenvalues, axes, json.components.length);
    return this;
  }
}

/**
 * The smallest λ + ε that whitening may divide by: below it the eigenvalue is round-off of a zero variance
 * (the covariance's eigenvalues carry an absolute error of about D · 2⁻⁵² · λ_1).
 */
export function whiteningFloor(eigenvalues: Float64Array, d: number): number {
  return 16 * d * Number.EPSILON * (eigenvalues[0] ?? 0);
}

/**
 * 1 / sqrt(λ_k + ε) for k < keep, or a clear error for a (numerically) zero λ_k + ε: dividing by it would give
 * Infinity/NaN. `fewerComponents` names the option that keeps fewer axes (it differs between PCA and ZCA).
 */
export function inverseSqrtVariances(fn: string, eigenvalues: Float64Array, epsilon: number, keep: number, d: number, fewerComponents: string): Float64Array {
  const floor = whiteningFloor(eigenvalues, d);
  const out = new Float64Array(keep);
  for (let k = 0; k < keep; k++) {
    const variance = eigenvalues[k]! + epsilon;
    if (!(variance > floor)) {
      throw new RangeError(
        `${fn}: eigenvalue ${k + 1} of ${d} is ${eigenvalues[k]!.toPrecision(3)} (numerically 0: the data has no variance along that axis) and epsilon = ${epsilon}, so whitening would divide by sqrt(${variance.toPrecision(3)}); pass options.epsilon > 0 (lecture 002 uses 0.1 for images) or ${fewerComponents.replace("{k}", String(k))}`,
      );
    }
    out[k] = 1 / Math.sqrt(variance);
  }
  return out;
}
