/**
 * DropConnect on a dense layer as formulas (Wan, Zeiler, Zhang, LeCun, Fergus 2013, "Regularization of neural
 * networks using DropConnect", ICML; lecture 002 "DropConnect"). Notation: v ∈ ℝ^{N×d} the layer's inputs (one row per
 * example), W ∈ ℝ^{d×u} the kernel, b ∈ ℝ^u the bias, f the activation, M a Bernoulli(keepProb) mask on the weights.
 *
 * Training: each connection is kept with probability keepProb (no rescaling, as in the paper and the lecture),
 *
 *     z = v (M ∘ W) + b,   y = f(z).
 *
 * The bias is not masked (the lecture's z = (M ∘ W) v has none; the paper's masked matrix is the weights).
 *
 * Inference (lecture 002; Wan et al. §3): for one example, z_j = Σ_i M_ij W_ij v_i + b_j is a sum of d
 * independent terms, so by the central limit theorem it is approximately Gaussian with the exact moments
 *
 *     E_M[z]  = keepProb · W v + b,
 *     Var_M[z] = keepProb (1 − keepProb) (W ∘ W)(v ∘ v),
 *
 * (each term has Var[M_ij] W_ij² v_i² = keepProb (1 − keepProb) W_ij² v_i²). The network's expected output E[f(z)] is
 * then estimated by drawing Z samples z⁽ᵏ⁾ ~ N(E[z], Var[z]), passing them through f and averaging:
 *
 *     ŷ = (1/Z) Σ_k f(z⁽ᵏ⁾).
 *
 * The simpler "mean" inference ŷ = f(E[z]) = f(keepProb · W v + b) is the dropout-style weight scaling; it equals
 * E[f(z)] only for a linear f (Jensen's inequality: for a convex f like ReLU, f(E[z]) ≤ E[f(z)]).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger } from "../../errors";
import { Rng } from "../../random";
import { checkKeepProb } from "./keep-prob";

/** An elementwise activation applied to a tensor (the layer passes tfjs's activation by name). */
export type TensorActivation = (z: tf.Tensor) => tf.Tensor;

/**
 * z = v (M ∘ W) + b for a per-batch mask M of shape [d, u] (one sub-network for the whole batch), or for a per-example
 * mask of shape [N, d, u] (example n uses M[n]). `bias` may be null. Gradients flow to v, W and b through tfjs ops.
 */
export function maskedDense(v: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, mask: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    let z: tf.Tensor2D;
    if (mask.rank === 2) {
      z = tf.matMul(v, tf.mul(mask, kernel));
    } else {
      const [n, d] = v.shape;
      const perExample = tf.mul(mask, kernel) as tf.Tensor3D; // [N, d, u]
      z = tf.reshape(tf.matMul(tf.reshape(v, [n, 1, d]) as tf.Tensor3D, perExample), [n, kernel.shape[1]]);
    }
    return bias === null ? z : tf.add(z, bias);
  });
}

/** The Gaussian moments of z over the mask: mean = keepProb · vW + b and variance = keepProb (1 − keepProb)(v ∘ v)(W ∘ W), both [N, u]. */
export function dropConnectMoments(
  v: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  keepProb: number,
): { mean: tf.Tensor2D; variance: tf.Tensor2D } {
  checkKeepProb("dropConnectMoments", "keepProb", keepProb);
  return tf.tidy(() => {
    const linear = tf.mul(tf.matMul(v, kernel), keepProb) as tf.Tensor2D;
    const mean = bias === null ? linear : (tf.add(linear, bias) as tf.Tensor2D);
    const variance = tf.mul(tf.matMul(tf.square(v), tf.square(kernel)), keepProb * (1 - keepProb)) as tf.Tensor2D;
    return { mean, variance };
  });
}

/**
 * Lecture 002's Gaussian inference: (1/Z) Σ_k f(z⁽ᵏ⁾), z⁽ᵏ⁾ = mean + √variance ∘ ε⁽ᵏ⁾, ε⁽ᵏ⁾ ~ N(0, I) with seeds drawn
 * from a stream started at `seed` (so the same call gives the same result). One sample's tensors are freed before the
 * next is drawn, so memory stays at a few [N, u] tensors for any Z.
 */
export function gaussianMomentInference(mean: tf.Tensor2D, variance: tf.Tensor2D, activation: TensorActivation, samples: number, seed: number): tf.Tensor2D {
  const fn = "gaussianMomentInference";
  checkInteger(fn, "samples", samples, 1);
  checkInteger(fn, "seed", seed);
  const stream = new Rng(seed);
  const std = tf.sqrt(variance);
  let sum: tf.Tensor = tf.zerosLike(mean);
  try {
    for (let k = 0; k < samples; k++) {
      const drawSeed = stream.nextSeed();
      const next = tf.tidy(() => tf.add(sum, activation(tf.add(mean, tf.mul(std, tf.randomNormal(mean.shape, 0, 1, "float32", drawSeed))))));
      sum.dispose();
      sum = next;
    }
    return tf.tidy(() => tf.div(sum, samples)) as tf.Tensor2D;
  } finally {
    tf.dispose([std, sum]);
  }
}
