/**
 * Principal components of a data matrix (lecture 004, "decorrelate them using PCA (also known as
 * Karhunen–Loève expansion)"): the eigendecomposition of the population covariance matrix
 *
 *   C = (1/N) Σ_i (x_i − μ)(x_i − μ)ᵀ = U Λ Uᵀ,   Λ = diag(λ_1 ≥ λ_2 ≥ … ≥ λ_D ≥ 0)
 *
 * The columns u_k of U (here: the rows of `components`) are the principal axes, λ_k the variance of the data
 * along u_k. Covariance in float64 in JavaScript, symmetric eigendecomposition by `ml-matrix`
 * (Householder tridiagonalization + QL, `EigenvalueDecomposition` with `assumeSymmetric`): a few seconds for
 * D = 784.
 *
 * Normalization: 1/N (population), as standardization here and in lecture 001, so that whitening with ε = 0
 * gives data whose population covariance is exactly I, and on one feature equals standardization.
 * scikit-learn's PCA divides by N − 1 (its `explained_variance_`), so its eigenvalues are N/(N − 1) times
 * these and its whitened data sqrt((N − 1)/N) times ours.
 *
 * Sign: an eigenvector is defined up to its sign. Each axis is oriented so that its entry of largest magnitude
 * is positive (the first such entry on a tie), the convention of scikit-learn's `svd_flip(u_based_decision=False)`,
 * so a fit is deterministic; other libraries may flip any axis.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { invalidArgument } from "../../errors";
import { checkFinite, readMatrix, type HostMatrix, type MatrixInput } from "./matrix";
import { covarianceMatrix, featureMeans } from "./statistics";

export interface PrincipalComponents {
  /** Per-feature training mean μ, length D. */
  mean: Float64Array;
  /** Eigenvalues λ_1 ≥ … ≥ λ_D of the population covariance, negative round-off clamped to 0. Length D. */
  eigenvalues: Float64Array;
  /** D × D row-major: row k is the unit eigenvector u_k of λ_k. */
  components: Float64Array;
}

/** Principal components of `matrix` ([samples, features], read into JavaScript). */
export function principalComponentsOf(matrix: HostMatrix): PrincipalComponents {
  const d = matrix.cols;
  const mean = featureMeans(matrix);
  const cov = covarianceMatrix(matrix, mean);
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(d, d, cov), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix; // columns are eigenvectors
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const eigenvalues = new Float64Array(d);
  const components = new Float64Array(d * d);
  order.forEach((source, k) => {
    eigenvalues[k] = Math.max(values[source]!, 0);
    const axis = vectors.getColumn(source);
    let largest = 0;
    for (let j = 1; j < d; j++) if (Math.abs(axis[j]!) > Math.abs(axis[largest]!)) largest = j;
    const sign = axis[largest]! < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[k * d + j] = sign * axis[j]!;
  });
  return { mean, eigenvalues, components };
}

/** Share of the total variance along each principal axis, λ_k / Σ_j λ_j. */
export function explainedVarianceRatio(eigenvalues: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let k = 0; k < eigenvalues.length; k++) total += eigenvalues[k]!;
  return Float64Array.from(eigenvalues, (v) => (total > 0 ? v / total : 0));
}

/** Share of the total variance kept by the first k axes, for k = 1..D: Σ_{j≤k} λ_j / Σ_j λ_j. */
export function cumulativeExplainedVariance(eigenvalues: ArrayLike<number>): Float64Array {
  const ratio = explainedVarianceRatio(eigenvalues);
  for (let k = 1; k < ratio.length; k++) ratio[k]! += ratio[k - 1]!;
  return ratio;
}

/**
 * Principal components of `x` ([samples, features], float32 tensor or number[][], at least 2 samples, finite),
 * without making a scaler: for eigenvalue spectra and explained-variance curves.
 */
export function principalComponents(x: MatrixInput): PrincipalComponents {
  const fn = "principalComponents";
  const matrix = readMatrix(fn, "x", x);
  if (matrix.rows < 2) invalidArgument(fn, "x.shape", [matrix.rows, matrix.cols], "at least 2 samples (rows)");
  checkFinite(fn, "x", matrix);
  return principalComponentsOf(matrix);
}
