/**
 * Batch normalization, one small function per formula: the forward pass of lecture 000 ("Batch normalization",
 * Ioffe & Szegedy 2015, algorithm 1), its backward pass by the chain rule (lecture 000, "Batch normalization
 * computational graph"), the smoothed running statistics of lecture 001 ("Batch norm during inference") and the
 * unbiased m/(m−1) variance of Ioffe & Szegedy's algorithm 2 (lecture 002).
 *
 * Notation (per feature; the sums run over the m elements that share one feature: the batch axis of a dense
 * layer's [N, F] activations, or the batch and spatial axes of a conv layer's [N, H, W, C] ones, so m = N·H·W):
 *
 *   μ = (1/m) Σ x,   σ² = (1/m) Σ (x − μ)²,   x̂ = (x − μ)/√(σ² + ε),   y = γ x̂ + β.
 *
 * Every function takes the reduced axes `axes` and `keepDims` (keep the reduced axes as size 1, so the result
 * broadcasts against x whatever the feature axis is). Each returns a new tensor and frees its intermediates.
 */
import * as tf from "@tensorflow/tfjs";

/** μ = (1/m) Σ x over `axes`: the batch mean (lecture 000; Ioffe & Szegedy alg. 1, "mini-batch mean"). */
export function batchMean(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  return tf.mean(x, axes, keepDims);
}

/** x − μ: the centered input (μ broadcasts against x). */
export function centerOnMean(x: tf.Tensor, mean: tf.Tensor): tf.Tensor {
  return tf.sub(x, mean);
}

/**
 * σ² = (1/m) Σ (x − μ)² over `axes`, from the centered input: the biased batch variance that the forward pass
 * normalizes with (lecture 000; Ioffe & Szegedy alg. 1, "mini-batch variance").
 */
export function batchVariance(centered: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.square(centered), axes, keepDims));
}

/** 1/√(σ² + ε): the inverse standard deviation; ε > 0 keeps it finite for a constant feature. */
export function inverseStd(variance: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => tf.rsqrt(tf.add(variance, epsilon)));
}

/** x̂ = (x − μ) · 1/√(σ² + ε): zero mean, (nearly) unit variance per feature (lecture 000). */
export function normalizeCentered(centered: tf.Tensor, invStd: tf.Tensor): tf.Tensor {
  return tf.mul(centered, invStd);
}

/**
 * y = γ x̂ + β: the learnable scale and shift that let the network undo the normalization (γ = σ, β = μ) when
 * that is better (lecture 000). `gamma`/`beta` must broadcast against x̂; null leaves the term out.
 */
export function scaleAndShift(normalized: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    let y = normalized;
    if (gamma != null) y = tf.mul(y, gamma);
    if (beta != null) y = tf.add(y, beta);
    return y === normalized ? tf.clone(normalized) : y;
  });
}

/** ∂ℓ/∂β = Σ ∂ℓ/∂y over `axes` (lecture 000). */
export function gradBeta(dOutput: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  return tf.sum(dOutput, axes, keepDims);
}

/** ∂ℓ/∂γ = Σ ∂ℓ/∂y · x̂ over `axes` (lecture 000). */
export function gradGamma(dOutput: tf.Tensor, normalized: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(dOutput, normalized), axes, keepDims));
}

/** ∂ℓ/∂x̂ = ∂ℓ/∂y · γ, elementwise (lecture 000); with no γ (scale off) it is ∂ℓ/∂y itself. */
export function gradNormalized(dOutput: tf.Tensor, gamma: tf.Tensor | null): tf.Tensor {
  return gamma == null ? tf.clone(dOutput) : tf.mul(dOutput, gamma);
}

/**
 * ∂ℓ/∂σ² = Σ −½ (σ² + ε)^(−3/2) (x − μ) ∂ℓ/∂x̂ over `axes` (lecture 000, the sum of ∂ℓ/∂e), written with
 * (σ² + ε)^(−3/2) = (1/√(σ² + ε))³.
 */
export function gradVariance(dNormalized: tf.Tensor, centered: tf.Tensor, invStd: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sum(tf.mul(dNormalized, centered), axes, keepDims), tf.mul(tf.pow(invStd, 3), -0.5)));
}

/**
 * ∂ℓ/∂μ = −(1/√(σ² + ε)) Σ ∂ℓ/∂x̂ + ∂ℓ/∂σ² · (1/m) Σ −2(x − μ), sums over `axes` (Ioffe & Szegedy 2015, §3;
 * lecture 000). The first term is the path through x − μ in x̂, the second the path through σ², which depends
 * on μ. Lecture 000's slide writes the second term as −∂ℓ/∂σ² · (1/m) Σ 2(x − μ)/m, with one 1/m too many;
 * both multiply Σ (x − μ), which is exactly 0 (μ is the mean), so the second term vanishes either way and
 * only changes the result by floating-point rounding (~1e-7 relative in float32). It is computed here as
 * written above, to follow the derivation.
 */
export function gradMean(
  dNormalized: tf.Tensor,
  centered: tf.Tensor,
  invStd: tf.Tensor,
  dVariance: tf.Tensor,
  m: number,
  axes: number[],
  keepDims: boolean,
): tf.Tensor {
  return tf.tidy(() => {
    const throughNormalized = tf.neg(tf.mul(invStd, tf.sum(dNormalized, axes, keepDims)));
    const throughVariance = tf.mul(dVariance, tf.div(tf.sum(tf.mul(centered, -2), axes, keepDims), m));
    return tf.add(throughNormalized, throughVariance);
  });
}

/**
 * ∂ℓ/∂x = ∂ℓ/∂x̂ / √(σ² + ε) + ∂ℓ/∂σ² · 2(x − μ)/m + ∂ℓ/∂μ / m (lecture 000): x reaches ℓ through x̂ directly,
 * through σ² (∂σ²/∂x = 2(x − μ)/m) and through μ (∂μ/∂x = 1/m).
 */
export function gradInput(dNormalized: tf.Tensor, centered: tf.Tensor, invStd: tf.Tensor, dVariance: tf.Tensor, dMean: tf.Tensor, m: number): tf.Tensor {
  return tf.tidy(() => {
    const direct = tf.mul(dNormalized, invStd);
    const throughVariance = tf.mul(dVariance, tf.mul(centered, 2 / m));
    const throughMean = tf.div(dMean, m);
    return tf.add(tf.add(direct, throughVariance), throughMean);
  });
}

/**
 * The smoothed (exponential moving) average of lecture 001, ã_k = δ · ã_(k−1) + (1 − δ) · a_k, with
 * `momentum` = δ the weight of the OLD value (tf.layers.batchNormalization's convention; PyTorch's `momentum`
 * is the weight of the new value, 1 − δ).
 */
export function smoothedAverage(previous: tf.Tensor, current: tf.Tensor, momentum: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(previous, momentum), tf.mul(current, 1 - momentum)));
}

/**
 * m/(m − 1) · σ²: the unbiased estimate of the variance from a batch variance over m elements (Ioffe &
 * Szegedy alg. 2, line 10, "Var[x] ← m/(m−1) E_B[σ²_B]"; lecture 002). Needs m ≥ 2.
 */
export function unbiasedVariance(variance: tf.Tensor, m: number): tf.Tensor {
  return tf.mul(variance, m / (m - 1));
}

/**
 * The inference transform with fixed statistics: y = γ (x − E[x]) / √(Var[x] + ε) + β (Ioffe & Szegedy alg. 2,
 * line 11; lecture 001: "batch norm must be operated with consistent mean and variance"). Each output depends
 * only on its own input, so a batch of one works. `mean`, `variance`, `gamma`, `beta` must broadcast against x.
 */
export function normalizeWithStatistics(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): tf.Tensor {
  return tf.tidy(() => scaleAndShift(normalizeCentered(centerOnMean(x, mean), inverseStd(variance, epsilon)), gamma, beta));
}
