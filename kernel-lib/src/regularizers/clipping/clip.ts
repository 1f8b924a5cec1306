/**
 * Gradient clipping (lectures 001 and 003): three ways to bound a step when the gradient explodes, as pure
 * functions on a set of gradients. Each returns new tensors (the caller disposes them; the inputs are left as
 * they were) and the gradients' norms BEFORE clipping as numbers, for plotting and for choosing the threshold
 * from the norms seen while training is healthy (lecture 003).
 *
 * What each does to the direction of the update:
 * - by value, each element to [−c, c]: changes the direction (large components are cut, small ones kept);
 * - by norm, each tensor rescaled to norm ≤ c: keeps each tensor's direction, but not the whole update's
 *   when tensors are rescaled by different factors;
 * - by global norm, all tensors rescaled by one factor: keeps the direction of the whole update.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { gradientEntries, gradientNorms, rebuildGradients, type GradientNorms, type Gradients } from "./gradients";

/** Clipped gradients (new tensors, in the shape given) and the norms measured before clipping. */
export interface ClipResult<G extends Gradients> extends GradientNorms {
  /** The clipped gradients, in the same shape (map, named list or array) as the input. The caller disposes them. */
  grads: G;
  /** The gradients' names, in the order of `norms` (array indices as strings for a plain array). */
  names: string[];
}

export interface ClipByValueOptions {
  /** c > 0: every element is clipped to [−c, c]. */
  limit: number;
}

export interface ClipByNormOptions {
  /** c > 0: the largest norm allowed. */
  maxNorm: number;
}

/** Checks a clipping threshold: a finite number > 0. */
export function checkThreshold(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) invalidArgument(fn, name, value, "a finite number > 0");
  return value;
}

/** The factor c / max(c, ‖g‖) that brings a norm down to c and leaves a norm ≤ c alone (exactly 1 then). */
export function clipScale(norm: number, maxNorm: number): number {
  return norm > maxNorm ? maxNorm / norm : 1;
}

/** g·s as a new tensor; s = 1 gives a copy, so a gradient below the threshold comes back bit for bit. */
function scaled(gradient: tf.Tensor, scale: number): tf.Tensor {
  return scale === 1 ? gradient.clone() : tf.tidy(() => tf.mul(gradient, tf.scalar(scale)));
}

/**
 * Per-element clipping: gᵢⱼ ← min(max(gᵢⱼ, −c), c) (PyTorch `clip_grad_value_`, Keras `clipvalue`).
 * Every element bigger than c in magnitude becomes ±c, the others are unchanged, so the clipped update
 * points in a different direction from the gradient (toward the diagonal of the cube [−c, c]ⁿ) whenever
 * anything is clipped. Lecture 003 contrasts it with norm clipping, which keeps the direction.
 */
export function clipByValue<G extends Gradients>(grads: G, options: ClipByValueOptions): ClipResult<G> {
  const limit = checkThreshold("clipByValue", "options.limit", options?.limit);
  const entries = gradientEntries("clipByValue", grads);
  const { norms, globalNorm } = gradientNorms(entries);
  const clipped = entries.tensors.map((t) => (t === null ? null : tf.clipByValue(t, -limit, limit)));
  return { grads: rebuildGradients(grads, entries, clipped), names: entries.names, norms, globalNorm };
}

/**
 * Per-tensor norm clipping: gᵢ ← gᵢ · c / max(c, ‖gᵢ‖₂) for each gradient tensor separately (TensorFlow
 * `tf.clip_by_norm`, Keras `clipnorm`). Each tensor keeps its direction and ends with norm ≤ c; tensors
 * above c shrink by their own factors, so the direction of the whole update changes when more than one
 * tensor is clipped (use `clipByGlobalNorm` to keep it). Lecture 001: "clip the gradient by its norm".
 */
export function clipByNorm<G extends Gradients>(grads: G, options: ClipByNormOptions): ClipResult<G> {
  const maxNorm = checkThreshold("clipByNorm", "options.maxNorm", options?.maxNorm);
  const entries = gradientEntries("clipByNorm", grads);
  const { norms, globalNorm } = gradientNorms(entries);
  const clipped = entries.tensors.map((t, i) => (t === null ? null : scaled(t, clipScale(norms[i]!, maxNorm))));
  return { grads: rebuildGradients(grads, entries, clipped), names: entries.names, norms, globalNorm };
}

/**
 * Global-norm clipping: every gᵢ ← gᵢ · c / max(c, ‖g‖_global) with ‖g‖_global = √(Σᵢ ‖gᵢ‖₂²)
 * (TensorFlow's `tf.clip_by_global_norm`; PyTorch's `clip_grad_norm_` is the same up to its 1e-6 added to the
 * norm). All tensors shrink by one factor, so the whole update keeps its direction and its norm becomes
 * min(‖g‖, c): a step never longer than η·c (lectures 001 and 003).
 */
export function clipByGlobalNorm<G extends Gradients>(grads: G, options: ClipByNormOptions): ClipResult<G> {
  const maxNorm = checkThreshold("clipByGlobalNorm", "options.maxNorm", options?.maxNorm);
  const entries = gradientEntries("clipByGlobalNorm", grads);
  const { norms, globalNorm } = gradientNorms(entries);
  const scale = clipScale(globalNorm, maxNorm);
  const clipped = entries.tensors.map((t) => (t === null ? null : scaled(t, scale)));
  return { grads: rebuildGradients(grads, entries, clipped), names: entries.names, norms, globalNorm };
}
