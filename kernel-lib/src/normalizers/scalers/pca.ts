/**
 * PCA decorrelation (lecture 004, "Normalizing the inputs": "input variables are uncorrelated if possible ...
 * decorrelate them using PCA (also known as Karhunen–Loève expansion)"): rotate the centered data onto the
 * principal axes and keep the first K coordinates, without rescaling:
 *
 *   y = (x − μ) U_K,    y_k = u_kᵀ (x − μ)
 *
 * The coordinates are uncorrelated on the training data, with variances λ_1 ≥ … ≥ λ_K (the first K
 * eigenvalues). The inverse x̂ = y U_Kᵀ + μ is exact for K = D and otherwise the reconstruction from K
 * components (the projection of x − μ onto the span of u_1 … u_K, plus μ). Same as scikit-learn's
 * `PCA(n_components=K).transform` up to the sign of each axis.
 */
import { PrincipalAxesScaler, checkComponents, type PrincipalAxesJSON } from "./principal-axes-scaler";

export interface PcaDecorrelationOptions {
  /** Number of principal axes K to keep (1 … D). Default all D. */
  components?: number;
}

export class PcaDecorrelation extends PrincipalAxesScaler {
  readonly kind = "PcaDecorrelation" as const;

  constructor(options: PcaDecorrelationOptions = {}) {
    super(checkComponents("PcaDecorrelation", options.components));
  }

  /** Whether `inverseTransform` is exact (all D components kept) rather than a reconstruction. */
  get invertible(): boolean {
    return this.numOutputFeatures === this.numFeatures;
  }

  protected override buildMatrices(_fn: string, _eigenvalues: Float64Array, axes: Float64Array, keep: number, d: number) {
    const forward = new Float64Array(d * keep); // W[j][k] = u_k[j]
    for (let k = 0; k < keep; k++) for (let j = 0; j < d; j++) forward[j * keep + k] = axes[k * d + j]!;
    return { forward, inverse: axes.slice(0, keep * d) };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: PrincipalAxesJSON): PcaDecorrelation {
    return new PcaDecorrelation({ components: json.components?.length }).restore("PcaDecorrelation.fromJSON", json);
  }
}
