/**
 * The "whole-batch" batch norm for a step-by-step derivation: every intermediate of the forward pass and of the
 * backward pass of lecture 000 as its own tensor, for a dense layer's activations x: [m, features] (the m rows
 * are the batch). The sums in `./formulas` run over axis 0.
 *
 * Forward (lecture 000; Ioffe & Szegedy 2015, algorithm 1):
 *   μ = (1/m) Σ_j x⁽ʲ⁾,  σ² = (1/m) Σ_j (x⁽ʲ⁾ − μ)²,  x̂ = (x − μ)/√(σ² + ε),  y = γ x̂ + β.
 * Backward (lecture 000, "Batch normalization computational graph"), given ∂ℓ/∂y:
 *   ∂ℓ/∂β = Σ_j ∂ℓ/∂y⁽ʲ⁾,   ∂ℓ/∂γ = Σ_j ∂ℓ/∂y⁽ʲ⁾ x̂⁽ʲ⁾,   ∂ℓ/∂x̂ = ∂ℓ/∂y · γ,
 *   ∂ℓ/∂σ² = Σ_j −½ (σ² + ε)^(−3/2) (x⁽ʲ⁾ − μ) ∂ℓ/∂x̂⁽ʲ⁾,
 *   ∂ℓ/∂μ = −(σ² + ε)^(−½) Σ_j ∂ℓ/∂x̂⁽ʲ⁾ + ∂ℓ/∂σ² · (1/m) Σ_j −2(x⁽ʲ⁾ − μ)   (see `gradMean` for the slide's extra 1/m),
 *   ∂ℓ/∂x⁽ʲ⁾ = ∂ℓ/∂x̂⁽ʲ⁾/√(σ² + ε) + ∂ℓ/∂σ² · 2(x⁽ʲ⁾ − μ)/m + ∂ℓ/∂μ/m.
 *
 * The caller owns the returned tensors: free them with `disposeSteps(steps)` (or `tf.dispose(Object.values(steps))`).
 * For any rank and feature axis, with tfjs's autodiff wired to this backward pass, use `batchNormalize`.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { checkBatchInput, checkBatchNormEpsilon, checkFeatureVector, checkTrainingBatch, DEFAULT_BATCH_NORM_EPSILON } from "./checks";
import {
  batchMean,
  batchVariance,
  centerOnMean,
  gradBeta,
  gradGamma,
  gradInput,
  gradMean,
  gradNormalized,
  gradVariance,
  inverseStd,
  normalizeCentered,
  scaleAndShift,
} from "./formulas";

/** The forward pass of batch norm on x: [m, features], one tensor per step. */
export interface BatchNormSteps {
  /** μ = (1/m) Σ_j x⁽ʲ⁾, shape [features]. */
  mean: tf.Tensor1D;
  /** σ² = (1/m) Σ_j (x⁽ʲ⁾ − μ)² (biased, 1/m), shape [features]. */
  variance: tf.Tensor1D;
  /** x − μ, shape [m, features]. */
  centered: tf.Tensor2D;
  /** 1/√(σ² + ε), shape [features]. */
  invStd: tf.Tensor1D;
  /** x̂ = (x − μ)/√(σ² + ε), shape [m, features]. */
  normalized: tf.Tensor2D;
  /** y = γ x̂ + β, shape [m, features]. */
  output: tf.Tensor2D;
}

/** The backward pass of batch norm, one tensor per step of lecture 000's chain rule. */
export interface BatchNormGradients {
  /** ∂ℓ/∂β = Σ_j ∂ℓ/∂y⁽ʲ⁾, shape [features]. */
  dBeta: tf.Tensor1D;
  /** ∂ℓ/∂γ = Σ_j ∂ℓ/∂y⁽ʲ⁾ x̂⁽ʲ⁾, shape [features]. */
  dGamma: tf.Tensor1D;
  /** ∂ℓ/∂x̂ = ∂ℓ/∂y · γ, shape [m, features]. */
  dNormalized: tf.Tensor2D;
  /** ∂ℓ/∂σ², shape [features]. */
  dVariance: tf.Tensor1D;
  /** ∂ℓ/∂μ, shape [features]. */
  dMean: tf.Tensor1D;
  /** ∂ℓ/∂x, shape [m, features]. */
  dX: tf.Tensor2D;
}

const BATCH_AXES = [0];

/**
 * Batch norm's forward pass on x: [m, features] in training mode (statistics of this batch), every step kept.
 * `gamma`, `beta`: [features]. ε defaults to 1e-3 (tfjs; PyTorch uses 1e-5). Needs m ≥ 2.
 */
export function batchNormSteps(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number = DEFAULT_BATCH_NORM_EPSILON): BatchNormSteps {
  const fn = "batchNormSteps";
  checkBatchInput(fn, "x", x);
  if (x.rank !== 2) invalidArgument(fn, "x.shape", x.shape, "[m, features] (rank 2; use batchNormalize for other ranks)");
  const features = x.shape[1];
  checkFeatureVector(fn, "gamma", gamma, features, false);
  checkFeatureVector(fn, "beta", beta, features, false);
  checkBatchNormEpsilon(fn, epsilon);
  checkTrainingBatch(fn, x.shape, 1);
  return tf.tidy(() => {
    const mean = batchMean(x, BATCH_AXES, false) as tf.Tensor1D;
    const centered = centerOnMean(x, mean) as tf.Tensor2D;
    const variance = batchVariance(centered, BATCH_AXES, false) as tf.Tensor1D;
    const invStd = inverseStd(variance, epsilon) as tf.Tensor1D;
    const normalized = normalizeCentered(centered, invStd) as tf.Tensor2D;
    const output = scaleAndShift(normalized, gamma, beta) as tf.Tensor2D;
    return { mean, variance, centered, invStd, normalized, output };
  });
}

/**
 * Batch norm's backward pass, step by step along lecture 000's chain rule, from the upstream gradient
 * ∂ℓ/∂y (`dOutput`, shape [m, features]) and the forward steps. `gamma` is the γ the forward pass used.
 */
export function batchNormBackwardSteps(dOutput: tf.Tensor2D, steps: BatchNormSteps, gamma: tf.Tensor1D): BatchNormGradients {
  const fn = "batchNormBackwardSteps";
  if (steps == null || !(steps.centered instanceof tf.Tensor)) invalidArgument(fn, "steps", steps, "the result of batchNormSteps(...)");
  checkBatchInput(fn, "dOutput", dOutput);
  const [m, features] = steps.centered.shape;
  if (dOutput.rank !== 2 || dOutput.shape[0] !== m || dOutput.shape[1] !== features)
    invalidArgument(fn, "dOutput.shape", dOutput.shape, `[${m}, ${features}] (the shape of x)`);
  checkFeatureVector(fn, "gamma", gamma, features, false);
  return tf.tidy(() => {
    const dBeta = gradBeta(dOutput, BATCH_AXES, false) as tf.Tensor1D;
    const dGamma = gradGamma(dOutput, steps.normalized, BATCH_AXES, false) as tf.Tensor1D;
    const dNormalized = gradNormalized(dOutput, gamma) as tf.Tensor2D;
    const dVariance = gradVariance(dNormalized, steps.centered, steps.invStd, BATCH_AXES, false) as tf.Tensor1D;
    const dMean = gradMean(dNormalized, steps.centered, steps.invStd, dVariance, m, BATCH_AXES, false) as tf.Tensor1D;
    const dX = gradInput(dNormalized, steps.centered, steps.invStd, dVariance, dMean, m) as tf.Tensor2D;
    return { dBeta, dGamma, dNormalized, dVariance, dMean, dX };
  });
}

/** Frees every tensor of a `BatchNormSteps` or `BatchNormGradients`. */
export function disposeSteps(steps: BatchNormSteps | BatchNormGradients): void {
  tf.dispose(Object.values(steps) as tf.Tensor[]);
}
