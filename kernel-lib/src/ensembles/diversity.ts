/**
 * Diversity of ensemble members: an ensemble gains only where its members differ (lecture 003: members should
 * "agree on the right answer, but disagree on the wrong answer"; lecture 000: the error of the average is
 * (1/k)·E[ε²] + ((k−1)/k)·E[εᵢεⱼ], so it falls with the members' error correlation).
 *
 *   disagreement(i, j) = (1/N) Σₓ [ŷᵢ(x) ≠ ŷⱼ(x)]            (Skalak 1996; Kuncheva & Whitaker 2003)
 *   error correlation(i, j) = Pearson correlation over examples of the misclassification indicators
 *       eᵢ(x) = [ŷᵢ(x) ≠ y] and eⱼ(x)   (the φ coefficient), or of the residuals εᵢ = pᵢ(·|x) − onehot(y)
 *
 * ŷ is a member's argmax (lowest index on ties).
 */
import type * as tf from "@tensorflow/tfjs";
import { checkOneOf, invalidArgument } from "../errors";
import { checkMemberOutputs, labelIndices, memberClasses } from "./checks";

/** A symmetric k × k table of a pairwise quantity and its mean over the k(k − 1)/2 pairs i < j. */
export interface PairwiseTable {
  /** `matrix[i][j]` for members i and j. */
  matrix: number[][];
  /** Mean over the pairs i < j whose value is defined (not NaN); NaN when none is. */
  mean: number;
}

function checkTwoMembers(fn: string, memberProbabilities: readonly tf.Tensor[]): [number, number] {
  const shape = checkMemberOutputs(fn, "memberProbabilities", memberProbabilities);
  if (memberProbabilities.length < 2)
    invalidArgument(fn, "memberProbabilities.length", memberProbabilities.length, "at least 2 members (diversity is pairwise)");
  return shape;
}

function pairwise(k: number, diagonal: number, value: (i: number, j: number) => number): PairwiseTable {
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(diagonal));
  let sum = 0;
  let defined = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = value(i, j);
      matrix[i]![j] = v;
      matrix[j]![i] = v;
      if (!Number.isNaN(v)) {
        sum += v;
        defined += 1;
      }
    }
  }
  return { matrix, mean: defined === 0 ? NaN : sum / defined };
}

/** Pearson correlation of two equally long series; NaN when either is constant (its correlation is undefined). */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) invalidArgument("pearsonCorrelation", "b.length", b.length, `${a.length} (as long as a, at least 1)`);
  let meanA = 0;
  let meanB = 0;
  for (let t = 0; t < a.length; t++) {
    meanA += a[t]!;
    meanB += b[t]!;
  }
  meanA /= a.length;
  meanB /= a.length;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let t = 0; t < a.length; t++) {
    const da = a[t]! - meanA;
    const db = b[t]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  return varA === 0 || varB === 0 ? NaN : cov / Math.sqrt(varA * varB);
}

/** Fraction of examples on which two members predict different classes, for every pair of members. */
export function pairwiseDisagreement(memberProbabilities: readonly tf.Tensor[]): PairwiseTable {
  const [n, classes] = checkTwoMembers("pairwiseDisagreement", memberProbabilities);
  const predicted = memberClasses(memberProbabilities, n, classes);
  return pairwise(predicted.length, 0, (i, j) => {
    let differ = 0;
    for (let e = 0; e < n; e++) if (predicted[i]![e] !== predicted[j]![e]) differ += 1;
    return differ / n;
  });
}

/** Which errors `errorCorrelation` correlates. */
export type ErrorKind = "misclassification" | "residual";

/**
 * Correlation of two members' errors, for every pair. `errors: "misclassification"` (default) correlates the 0/1
 * indicators of a wrong argmax over the N examples (NaN for a pair where a member is right everywhere or wrong
 * everywhere: its indicator is constant). `errors: "residual"` correlates the residuals pᵢ(c|x) − [c = y] over all
 * N·C entries (their mean is exactly 0, since each row sums to 0, so this is also the uncentered E[εᵢεⱼ]/E[ε²] of
 * the lecture's formula).
 */
export function errorCorrelation(
  memberProbabilities: readonly tf.Tensor[],
  labels: tf.Tensor | ArrayLike<number>,
  options: { errors?: ErrorKind } = {},
): PairwiseTable {
  const fn = "errorCorrelation";
  const [n, classes] = checkTwoMembers(fn, memberProbabilities);
  const truth = labelIndices(fn, "labels", labels, n, classes);
  const kind = checkOneOf(fn, "options.errors", options.errors ?? "misclassification", ["misclassification", "residual"] as const);
  let series: Float64Array[];
  if (kind === "misclassification") {
    series = memberClasses(memberProbabilities, n, classes).map((predicted) => Float64Array.from(predicted, (c, e) => (c === truth[e] ? 0 : 1)));
  } else {
    series = residuals(memberProbabilities, truth, classes);
  }
  return pairwise(series.length, 1, (i, j) => pearsonCorrelation(series[i]!, series[j]!));
}

/** Each member's residuals p(c|x) − [c = y], flattened row-major over [N, C]. */
function residuals(memberProbabilities: readonly tf.Tensor[], truth: Int32Array, classes: number): Float64Array[] {
  return memberProbabilities.map((p) => {
    const r = Float64Array.from(p.dataSync());
    truth.forEach((y, e) => (r[e * classes + y]! -= 1));
    return r;
  });
}

/** The lecture's ensemble-error formula checked on real predictions; see `ensembleErrorDecomposition`. */
export interface EnsembleErrorDecomposition {
  /** E[‖p̄ − y‖²]: the squared error (Brier score) of the averaged probabilities. */
  ensembleSquaredError: number;
  /** (1/k) Σᵢ E[‖εᵢ‖²]: the members' mean squared error. */
  meanMemberSquaredError: number;
  /** Mean over pairs i ≠ j of E[εᵢ · εⱼ]. */
  meanPairwiseProduct: number;
  /** (1/k)·meanMemberSquaredError + ((k − 1)/k)·meanPairwiseProduct; equals ensembleSquaredError up to rounding. */
  formula: number;
}

/**
 * Lecture 000's decomposition on real predictions. With residual vectors εᵢ(x) = pᵢ(·|x) − onehot(y) and the average
 * p̄ = (1/k) Σ pᵢ, ‖p̄ − y‖² = (1/k²) Σᵢ Σⱼ εᵢ·εⱼ, so averaged over examples
 *
 *     E‖p̄ − y‖² = (1/k)·(1/k Σᵢ E‖εᵢ‖²) + ((k−1)/k)·(mean over i ≠ j of E[εᵢ·εⱼ])
 *
 * exactly: the ensemble's squared error is the members' squared error shrunk toward their error covariance.
 */
export function ensembleErrorDecomposition(memberProbabilities: readonly tf.Tensor[], labels: tf.Tensor | ArrayLike<number>): EnsembleErrorDecomposition {
  const fn = "ensembleErrorDecomposition";
  const [n, classes] = checkMemberOutputs(fn, "memberProbabilities", memberProbabilities);
  const truth = labelIndices(fn, "labels", labels, n, classes);
  const r = residuals(memberProbabilities, truth, classes);
  const k = r.length;
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let t = 0; t < a.length; t++) s += a[t]! * b[t]!;
    return s / n;
  };
  const mean = new Float64Array(n * classes);
  for (const ri of r) for (let t = 0; t < mean.length; t++) mean[t]! += ri[t]! / k;
  let squared = 0;
  for (const ri of r) squared += dot(ri, ri);
  let products = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) products += dot(r[i]!, r[j]!);
  const meanMemberSquaredError = squared / k;
  const meanPairwiseProduct = k > 1 ? products / ((k * (k - 1)) / 2) : 0;
  return {
    ensembleSquaredError: dot(mean, mean),
    meanMemberSquaredError,
    meanPairwiseProduct,
    formula: meanMemberSquaredError / k + ((k - 1) / k) * meanPairwiseProduct,
  };
}
