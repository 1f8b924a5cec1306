/**
 * Whitening: decorrelate AND equalize the variances, so the training data's covariance becomes the identity
 * (lecture 004: zero mean, "the same covariance", uncorrelated; lecture 002: "Whitening", "ZCA-whitened images
 * ... with ε = 0.1", "the ZCA transformation makes the edges of the objects more prominent"). With the training
 * covariance C = U Λ Uᵀ (1/N normalization, see principal-components.ts):
 *
 *   PCA whitening:  y = Λ_K^(−1/2) U_Kᵀ (x − μ)        each axis coordinate divided by sqrt(λ_k + ε)
 *   ZCA whitening:  y = U (Λ + εI)^(−1/2) Uᵀ (x − μ)   rotated back: the whitening closest to the input
 *
 * ε > 0 damps the directions of tiny variance (noise, or none at all: an MNIST border pixel is always 0).
 * With ε = 0 the whitened training data has covariance exactly I (in exact arithmetic); with ε > 0 the
 * variance along axis k is λ_k / (λ_k + ε). ZCA's W is symmetric, and among all W with Wᵀ C W = I it
 * minimizes E‖W(x − μ) − (x − μ)‖² (Kessy, Lewin & Strimmer 2018, "Optimal whitening and decorrelation"), which
 * is why ZCA images still look like the input (with edges enhanced) while PCA-whitened ones do not.
 * scikit-learn's `PCA(whiten=True)` is PCA whitening with ε = 0 and the 1/(N − 1) covariance: its output is
 * sqrt((N − 1)/N) times ours.
 */
import { PrincipalAxesScaler, checkComponents, checkEpsilon, inverseSqrtVariances, type PrincipalAxesJSON } from "./principal-axes-scaler";

export interface PcaWhiteningOptions {
  /** Number of principal axes K to keep (1 … D). Default all D. */
  components?: number;
  /** Added to every eigenvalue before the square root, ε ≥ 0. Default 0. */
  epsilon?: number;
}

export interface ZcaWhiteningOptions {
  /** Added to every eigenvalue before the square root, ε ≥ 0. Default 0 (lecture 002 uses 0.1 for images in [0, 1]). */
  epsilon?: number;
}

/** PCA whitening: rotate onto the first K principal axes and divide each coordinate by sqrt(λ_k + ε). */
export class PcaWhitening extends PrincipalAxesScaler {
  readonly kind = "PcaWhitening" as const;
  /** The ε added to each eigenvalue. */
  readonly epsilon: number;

  constructor(options: PcaWhiteningOptions = {}) {
    super(checkComponents("PcaWhitening", options.components));
    this.epsilon = checkEpsilon("PcaWhitening", options.epsilon);
  }

  protected override buildMatrices(fn: string, eigenvalues: Float64Array, axes: Float64Array, keep: number, d: number) {
    const inverseSqrt = inverseSqrtVariances(fn, eigenvalues, this.epsilon, keep, d, "fewer options.components (at most {k})");
    const forward = new Float64Array(d * keep); // W[j][k] = u_k[j] / sqrt(λ_k + ε)
    const inverse = new Float64Array(keep * d); // V[k][j] = u_k[j] · sqrt(λ_k + ε)
    for (let k = 0; k < keep; k++) {
      for (let j = 0; j < d; j++) {
        forward[j * keep + k] = axes[k * d + j]! * inverseSqrt[k]!;
        inverse[k * d + j] = axes[k * d + j]! / inverseSqrt[k]!;
      }
    }
    return { forward, inverse };
  }

  protected override stateJSON(): PrincipalAxesJSON {
    return { ...super.stateJSON(), epsilon: this.epsilon };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: PrincipalAxesJSON): PcaWhitening {
    return new PcaWhitening({ components: json.components?.length, epsilon: json.epsilon }).restore("PcaWhitening.fromJSON", json);
  }
}

/** ZCA whitening: PCA whitening rotated back, W = U (Λ + εI)^(−1/2) Uᵀ, all D axes. */
export class ZcaWhitening extends PrincipalAxesScaler {
  readonly kind = "ZcaWhitening" as const;
  /** The ε added to each eigenvalue. */
  readonly epsilon: number;

  constructor(options: ZcaWhiteningOptions = {}) {
    super(null);
    this.epsilon = checkEpsilon("ZcaWhitening", options.epsilon);
  }

  /** W = Σ_k u_k u_kᵀ / sqrt(λ_k + ε) and V = Σ_k u_k u_kᵀ · sqrt(λ_k + ε), both symmetric D × D (float64, O(D³)). */
  protected override buildMatrices(fn: string, eigenvalues: Float64Array, axes: Float64Array, keep: number, d: number) {
    const inverseSqrt = inverseSqrtVariances(fn, eigenvalues, this.epsilon, keep, d, "PcaWhitening with options.components at most {k}");
    const forward = new Float64Array(d * d);
    const inverse = new Float64Array(d * d);
    for (let k = 0; k < keep; k++) {
      const down = inverseSqrt[k]!;
      const up = 1 / down;
      const axis = k * d;
      for (let i = 0; i < d; i++) {
        const ui = axes[axis + i]!;
        if (ui === 0) continue;
        const row = i * d;
        const a = ui * down;
        const b = ui * up;
        for (let j = i; j < d; j++) {
          const uj = axes[axis + j]!;
          forward[row + j]! += a * uj;
          inverse[row + j]! += b * uj;
        }
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        forward[j * d + i] = forward[i * d + j]!;
        inverse[j * d + i] = inverse[i * d + j]!;
      }
    }
    return { forward, inverse };
  }

  protected override stateJSON(): PrincipalAxesJSON {
    return { ...super.stateJSON(), epsilon: this.epsilon };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: PrincipalAxesJSON): ZcaWhitening {
    if (json.components?.length !== json.mean?.length) {
      throw new RangeError(`ZcaWhitening.fromJSON: json.components.length = ${json.components?.length}, expected all ${json.mean?.length} axes`);
    }
    return new ZcaWhitening({ epsilon: json.epsilon }).restore("ZcaWhitening.fromJSON", json);
  }
}
