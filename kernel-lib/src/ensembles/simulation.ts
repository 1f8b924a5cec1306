/**
 * The ensemble error law of lecture 000 ("Ensemble methods"; Goodfellow et al., *Deep Learning*, §7.11): k members
 * whose errors εᵢ on an example have E[εᵢ] = 0, E[εᵢ²] = v and E[εᵢεⱼ] = c (i ≠ j). The average's error ε̄ = (1/k) Σ εᵢ has
 *
 *     E[ε̄²] = (1/k)·v + ((k − 1)/k)·c,
 *
 * which is v/k for independent errors (c = 0) and v for perfectly correlated ones (c = v): averaging removes only
 * the part of the error the members do not share.
 */
import { checkInteger, checkNumber } from "../errors";
import { rng } from "../random";

/** (1/k)·E[ε²] + ((k − 1)/k)·E[εᵢεⱼ]: the expected squared error of the average of k members (module comment). */
export function ensembleErrorFormula(options: { k: number; meanSquaredError: number; pairwiseProduct: number }): number {
  const k = checkInteger("ensembleErrorFormula", "options.k", options.k, 1);
  const v = checkNumber("ensembleErrorFormula", "options.meanSquaredError", options.meanSquaredError, 0);
  const c = checkNumber("ensembleErrorFormula", "options.pairwiseProduct", options.pairwiseProduct);
  return v / k + ((k - 1) / k) * c;
}

export interface EnsembleErrorSimulationOptions {
  /** Members, an integer ≥ 1. */
  k: number;
  /** E[εᵢ²] = Var(εᵢ), ≥ 0. Default 1. */
  variance?: number;
  /** Corr(εᵢ, εⱼ) = ρ in [0, 1] for i ≠ j, so E[εᵢεⱼ] = ρ·variance. Default 0. */
  correlation?: number;
  /** Simulated examples, an integer ≥ 1. Default 10,000. */
  trials?: number;
  /** Seed of the draws; drawn from the global stream when left out. */
  seed?: number;
}

export interface EnsembleErrorSimulation {
  k: number;
  variance: number;
  correlation: number;
  trials: number;
  /** The measured E[ε̄²]: mean over trials of the squared error of the members' average. */
  ensembleMeanSquaredError: number;
  /** The formula with the true moments: variance/k + ((k − 1)/k)·correlation·variance. */
  formula: number;
  /**
   * Standard error of `ensembleMeanSquaredError` estimated from the draws (sample standard deviation of ε̄² over
   * √trials). For Gaussian errors ε̄² = formula·χ²₁, whose standard deviation is √2·formula, so it is ≈ formula·√(2/trials).
   */
  standardError: number;
  /** The measured E[εᵢ²], averaged over members. */
  memberMeanSquaredError: number;
  /** The measured E[εᵢεⱼ], averaged over pairs i ≠ j (0 for k = 1). */
  meanPairwiseProduct: number;
  /** The formula with the measured moments; equals `ensembleMeanSquaredError` up to rounding (an identity). */
  empiricalFormula: number;
}

/**
 * Simulates k members' errors on `trials` examples and measures the squared error of their average. Errors are
 * equicorrelated Gaussians drawn from the seeded stream,
 *
 *     εᵢ = σ·(√ρ·z₀ + √(1 − ρ)·zᵢ),   z₀, z₁, …, z_k ~ N(0, 1) independent,  σ² = variance,
 *
 * so Var(εᵢ) = σ² and Cov(εᵢ, εⱼ) = ρσ². (Negative ρ, possible down to −1/(k − 1), is not simulated.)
 */
export function simulateEnsembleError(options: EnsembleErrorSimulationOptions): EnsembleErrorSimulation {
  const fn = "simulateEnsembleError";
  const k = checkInteger(fn, "options.k", options.k, 1);
  const variance = checkNumber(fn, "options.variance", options.variance ?? 1, 0);
  const correlation = checkNumber(fn, "options.correlation", options.correlation ?? 0, 0, 1);
  const trials = checkInteger(fn, "options.trials", options.trials ?? 10_000, 1);
  const stream = rng(options.seed === undefined ? undefined : checkInteger(fn, "options.seed", options.seed));
  const sigma = Math.sqrt(variance);
  const shared = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  const errors = new Float64Array(k);
  let sumEnsemble = 0;
  let sumEnsembleSquared = 0;
  let sumMember = 0;
  let sumPairs = 0;
  for (let t = 0; t < trials; t++) {
    const common = stream.normal();
    let total = 0;
    let squares = 0;
    for (let i = 0; i < k; i++) {
      const e = sigma * (shared * common + own * stream.normal());
      errors[i] = e;
      total += e;
      squares += e * e;
    }
    const mean = total / k;
    sumEnsemble += mean * mean;
    sumEnsembleSquared += mean ** 4;
    sumMember += squares / k;
    // Σ_{i≠j} εᵢεⱼ = (Σ εᵢ)² − Σ εᵢ²
    if (k > 1) sumPairs += (total * total - squares) / (k * (k - 1));
  }
  const ensembleMeanSquaredError = sumEnsemble / trials;
  const spread = trials > 1 ? Math.sqrt(Math.max(0, (sumEnsembleSquared - trials * ensembleMeanSquaredError ** 2) / (trials - 1))) : NaN;
  const memberMeanSquaredError = sumMember / trials;
  const meanPairwiseProduct = sumPairs / trials;
  return {
    k,
    variance,
    correlation,
    trials,
    ensembleMeanSquaredError,
    formula: ensembleErrorFormula({ k, meanSquaredError: variance, pairwiseProduct: correlation * variance }),
    standardError: spread / Math.sqrt(trials),
    memberMeanSquaredError,
    meanPairwiseProduct,
    empiricalFormula: memberMeanSquaredError / k + ((k - 1) / k) * meanPairwiseProduct,
  };
}
