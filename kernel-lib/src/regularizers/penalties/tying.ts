/**
 * Parameter tying by a soft penalty (lecture 000, "penalty between two parameter sets"): two models (or two
 * layers) A and B that solve related tasks are kept close by adding to the loss
 *
 *   Ω(w⁽ᴬ⁾, w⁽ᴮ⁾) = α/2 · ‖w⁽ᴬ⁾ − w⁽ᴮ⁾‖₂²,   ∇_A Ω = α·(w⁽ᴬ⁾ − w⁽ᴮ⁾),   ∇_B Ω = −α·(w⁽ᴬ⁾ − w⁽ᴮ⁾).
 *
 * A gradient step pulls each set toward the other by ηα times their difference; α → ∞ approaches hard sharing
 * (the same tensor in both models), α = 0 leaves them independent. A tfjs regularizer sees one weight at a
 * time, so this penalty is a function for a custom loss:
 * ```ts
 * optimizer.minimize(() => tf.add(tf.add(lossA(), lossB()), tyingPenalty(denseA.kernel.read(), denseB.kernel.read(), 0.1)));
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../../errors";
import { checkFloatTensor, checkStrength } from "./base";

/**
 * α/2 · ‖a − b‖₂² for two weight tensors of the same shape, as a scalar tensor that the caller owns (intermediates
 * are freed). Differentiable with respect to both (gradients α(a − b) and −α(a − b)).
 */
export function tyingPenalty(a: tf.Tensor, b: tf.Tensor, strength: number): tf.Scalar {
  const fn = "tyingPenalty";
  checkFloatTensor(fn, "a", a);
  checkFloatTensor(fn, "b", b);
  checkStrength(fn, "strength", strength);
  if (!tf.util.arraysEqual(a.shape, b.shape)) invalidArgument(fn, "b.shape", b.shape, `the shape of a, ${describeValue(a.shape)}`);
  return tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(a, b))), strength / 2));
}
