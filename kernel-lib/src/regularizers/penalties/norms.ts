/**
 * Norm penalties on a weight tensor (lecture 000, "Parameter norm penalties"; lecture 002, "hard vs soft
 * constraint", "Bayesian prior"), as tfjs regularizers usable as `kernelRegularizer` / `biasRegularizer`:
 *
 * - L2:    Ω(w) = α/2 · ‖w‖₂² = α/2 · Σᵢ wᵢ²,   ∇Ω = α·w.
 *   One gradient step on L + Ω is w ← w − η(∇L + αw) = (1 − ηα)·w − η∇L: the weights shrink by the factor
 *   (1 − ηα) before the usual step, hence the name "weight decay". MAP view: minimizing L + Ω is maximizing the
 *   posterior with a Gaussian prior w ~ N(0, 1/α · I) (−log p(w) = α/2 ‖w‖² + const).
 * - L1:    Ω(w) = λ · ‖w‖₁ = λ · Σᵢ |wᵢ|,   ∂Ω/∂wᵢ = λ · sign(wᵢ) (tfjs takes sign(0) = 0, a valid subgradient).
 *   One step is w ← w − η∇L − ηλ·sign(w): a constant pull toward 0 whatever the size of w, which drives small
 *   weights to exactly 0 (sparse solutions, feature selection). MAP view: a Laplace prior p(wᵢ) ∝ exp(−λ|wᵢ|).
 * - L1+L2 ("elastic net"): Ω(w) = λ‖w‖₁ + α/2 ‖w‖₂².
 *
 * Convention: the L2 penalty carries the lecture's factor 1/2, so its gradient is exactly α·w. tfjs's own
 * `tf.regularizers.l2({ l2: a })` computes a · ‖w‖² with no 1/2 (gradient 2a·w): `l2Penalty({ strength: α })`
 * equals `tf.regularizers.l2({ l2: α / 2 })`. The L1 penalties agree: `l1Penalty({ strength: λ })` equals
 * `tf.regularizers.l1({ l1: λ })`.
 */
import * as tf from "@tensorflow/tfjs";
import { RegularizerBase, PENALTY_CLASS_PREFIX, checkFloatTensor, checkStrength, registerPenalty } from "./base";

/** Options of `l1Penalty`. */
export interface L1PenaltyOptions {
  /** λ ≥ 0, the weight of ‖w‖₁ in the loss. */
  strength: number;
}

/** Options of `l2Penalty`. */
export interface L2PenaltyOptions {
  /** α ≥ 0, the weight of ½‖w‖² in the loss (the gradient of the penalty is α·w). */
  strength: number;
}

/** Options of `l1l2Penalty`. */
export interface L1L2PenaltyOptions {
  /** λ ≥ 0, the weight of ‖w‖₁ (default 0). */
  l1Strength?: number;
  /** α ≥ 0, the weight of ½‖w‖₂² (default 0). */
  l2Strength?: number;
}

/** λ · ‖w‖₁ as a scalar tensor (the caller owns it; intermediates are freed). */
export function l1NormPenalty(w: tf.Tensor, strength: number): tf.Scalar {
  checkFloatTensor("l1NormPenalty", "w", w);
  checkStrength("l1NormPenalty", "strength", strength);
  return tf.tidy(() => tf.mul(tf.sum(tf.abs(w)), strength));
}

/** α/2 · ‖w‖₂² as a scalar tensor (the caller owns it; intermediates are freed). */
export function l2NormPenalty(w: tf.Tensor, strength: number): tf.Scalar {
  checkFloatTensor("l2NormPenalty", "w", w);
  checkStrength("l2NormPenalty", "strength", strength);
  return tf.tidy(() => tf.mul(tf.sum(tf.square(w)), strength / 2));
}

/** Ω(w) = λ‖w‖₁, gradient λ·sign(w); the MAP estimate under a Laplace prior (see the module comment). */
export class L1Penalty extends RegularizerBase {
  static className = `${PENALTY_CLASS_PREFIX}L1Penalty`;
  /** λ. */
  readonly strength: number;

  constructor(options: L1PenaltyOptions) {
    super();
    this.strength = checkStrength("l1Penalty", "options.strength", options?.strength);
  }

  override apply(w: tf.Tensor): tf.Scalar {
    return l1NormPenalty(checkFloatTensor("L1Penalty.apply", "w", w), this.strength);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength };
  }
}

/** Ω(w) = α/2 · ‖w‖₂², gradient α·w; the MAP estimate under a Gaussian prior N(0, I/α) (see the module comment). */
export class L2Penalty extends RegularizerBase {
  static className = `${PENALTY_CLASS_PREFIX}L2Penalty`;
  /** α. */
  readonly strength: number;

  constructor(options: L2PenaltyOptions) {
    super();
    this.strength = checkStrength("l2Penalty", "options.strength", options?.strength);
  }

  override apply(w: tf.Tensor): tf.Scalar {
    return l2NormPenalty(checkFloatTensor("L2Penalty.apply", "w", w), this.strength);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength };
  }
}

/** Ω(w) = λ‖w‖₁ + α/2 · ‖w‖₂², gradient λ·sign(w) + α·w (the "elastic net" penalty). */
export class L1L2Penalty extends RegularizerBase {
  static className = `${PENALTY_CLASS_PREFIX}L1L2Penalty`;
  /** λ, the weight of ‖w‖₁. */
  readonly l1Strength: number;
  /** α, the weight of ½‖w‖₂². */
  readonly l2Strength: number;

  constructor(options: L1L2PenaltyOptions = {}) {
    super();
    this.l1Strength = checkStrength("l1l2Penalty", "options.l1Strength", options?.l1Strength ?? 0);
    this.l2Strength = checkStrength("l1l2Penalty", "options.l2Strength", options?.l2Strength ?? 0);
  }

  override apply(w: tf.Tensor): tf.Scalar {
    checkFloatTensor("L1L2Penalty.apply", "w", w);
    return tf.tidy(() => tf.add(l1NormPenalty(w, this.l1Strength), l2NormPenalty(w, this.l2Strength)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { l1Strength: this.l1Strength, l2Strength: this.l2Strength };
  }
}

/** λ‖w‖₁ as a tfjs regularizer (lecture 000): `tf.layers.dense({ units, kernelRegularizer: l1Penalty({ strength: 1e-3 }) })`. */
export function l1Penalty(options: L1PenaltyOptions): L1Penalty {
  return new L1Penalty(options);
}

/** α/2 · ‖w‖₂² as a tfjs regularizer (lecture 000; note the 1/2: tfjs's `l2({ l2: α/2 })` is the same penalty). */
export function l2Penalty(options: L2PenaltyOptions): L2Penalty {
  return new L2Penalty(options);
}

/** λ‖w‖₁ + α/2 · ‖w‖₂² as a tfjs regularizer. */
export function l1l2Penalty(options: L1L2PenaltyOptions = {}): L1L2Penalty {
  return new L1L2Penalty(options);
}

registerPenalty(L1Penalty);
registerPenalty(L2Penalty);
registerPenalty(L1L2Penalty);
