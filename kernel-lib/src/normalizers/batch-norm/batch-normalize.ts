/**
 * Batch norm's training-mode transform for any rank, with the backward pass of lecture 000 wired into tfjs's
 * autodiff through `tf.customGrad`.
 *
 * The statistics are taken over every axis except the feature axis (Ioffe & Szegedy 2015, §3.2: for a
 * convolutional layer, over the batch and all spatial locations, so m = N·H·W per channel). Lecture 000's
 * chain rule carries over unchanged with its sums Σ_j running over those m elements per feature:
 *   ∂ℓ/∂β = Σ ∂ℓ/∂y,  ∂ℓ/∂γ = Σ ∂ℓ/∂y · x̂,  ∂ℓ/∂x̂ = ∂ℓ/∂y · γ,
 *   ∂ℓ/∂σ² = Σ −½ (σ² + ε)^(−3/2) (x − μ) ∂ℓ/∂x̂,
 *   ∂ℓ/∂μ = −(σ² + ε)^(−½) Σ ∂ℓ/∂x̂ + ∂ℓ/∂σ² · (1/m) Σ −2(x − μ),
 *   ∂ℓ/∂x = ∂ℓ/∂x̂ / √(σ² + ε) + ∂ℓ/∂σ² · 2(x − μ)/m + ∂ℓ/∂μ / m.
 * Each step is one function of `./formulas`, the same ones `batchNormBackwardSteps` shows one by one.
 */
import * as tf from "@tensorflow/tfjs";
import {
  checkBatchInput,
  checkBatchNormEpsilon,
  checkFeatureVector,
  checkTrainingBatch,
  DEFAULT_BATCH_NORM_EPSILON,
  featureBroadcastShape,
  reductionAxes,
  resolveFeatureAxis,
} from "./checks";
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

/** Options of `batchNormalize`. */
export interface BatchNormalizeOptions {
  /** The feature axis (one mean, variance, γ and β per index along it); negative counts from the end. Default −1. */
  axis?: number;
  /** ε in √(σ² + ε). Default 1e-3 (tfjs); PyTorch uses 1e-5. */
  epsilon?: number;
}

/**
 * Training-mode batch norm, y = γ (x − μ)/√(σ² + ε) + β, with μ and the biased σ² taken over every axis of `x`
 * except `options.axis`, and lecture 000's backward pass as the gradient (for x, γ and β). `gamma`, `beta`:
 * [features], or null for no scale (γ = 1) / no shift (β = 0). Needs m ≥ 2 elements per feature. The caller
 * owns the result; intermediates are freed (those the backward pass needs are held by tfjs's gradient tape
 * while one records, and freed with it).
 */
export function batchNormalize(x: tf.Tensor, gamma: tf.Tensor1D | null, beta: tf.Tensor1D | null, options: BatchNormalizeOptions = {}): tf.Tensor {
  const fn = "batchNormalize";
  checkBatchInput(fn, "x", x);
  const featureAxis = resolveFeatureAxis(fn, options.axis ?? -1, x.rank);
  const epsilon = checkBatchNormEpsilon(fn, options.epsilon ?? DEFAULT_BATCH_NORM_EPSILON);
  const features = x.shape[featureAxis]!;
  checkFeatureVector(fn, "gamma", gamma, features, true);
  checkFeatureVector(fn, "beta", beta, features, true);
  const m = checkTrainingBatch(fn, x.shape, featureAxis);
  const axes = reductionAxes(x.rank, featureAxis);
  const broadcastShape = featureBroadcastShape(x.shape, featureAxis);

  const normalizeWithGrad = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const input = xIn as tf.Tensor;
    const gammaB = tf.reshape(gammaIn as tf.Tensor, broadcastShape);
    const betaB = tf.reshape(betaIn as tf.Tensor, broadcastShape);
    const mean = batchMean(input, axes, true);
    const centered = centerOnMean(input, mean);
    const invStd = inverseStd(batchVariance(centered, axes, true), epsilon);
    const normalized = normalizeCentered(centered, invStd);
    (save as tf.GradSaveFunc)([centered, invStd, normalized, gammaB]);
    return {
      value: scaleAndShift(normalized, gammaB, betaB),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dOutput = Array.isArray(dy) ? dy[0]! : dy;
        const [c, inv, xHat, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const dBeta = tf.reshape(gradBeta(dOutput, axes, true), [features]);
          const dGamma = tf.reshape(gradGamma(dOutput, xHat, axes, true), [features]);
          const dNormalized = gradNormalized(dOutput, g);
          const dVariance = gradVariance(dNormalized, c, inv, axes, true);
          const dMean = gradMean(dNormalized, c, inv, dVariance, m, axes, true);
          return [gradInput(dNormalized, c, inv, dVariance, dMean, m), dGamma, dBeta];
        });
      },
    };
  });

  return tf.tidy(() => {
    const gammaT = gamma ?? tf.ones([features]);
    const betaT = beta ?? tf.zeros([features]);
    return normalizeWithGrad(x, gammaT, betaT);
  });
}
