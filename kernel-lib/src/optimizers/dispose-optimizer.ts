/**
 * Freeing an optimizer completely. tfjs 4.22's `MomentumOptimizer.dispose()` frees its momentum scalar and
 * accumulators but not the −η scalar it inherits from `SGDOptimizer` (which its own `dispose` would free), so every
 * Momentum optimizer leaks one tensor. `disposeOptimizer` frees that one too; for every other optimizer it is
 * `optimizer.dispose()`.
 */
import * as tf from "@tensorflow/tfjs";

/** `optimizer.dispose()`, plus the scalar tfjs's MomentumOptimizer leaves behind. Accepts null / undefined. */
export function disposeOptimizer(optimizer: tf.Optimizer | null | undefined): void {
  if (!optimizer) return;
  // Not `instanceof`: tfjs's Optimizer[Symbol.hasInstance] accepts any optimizer for any optimizer class.
  const cachedRate = optimizer.getClassName() === "Momentum" ? (optimizer as unknown as { c?: tf.Tensor }).c : undefined;
  optimizer.dispose();
  if (cachedRate && !cachedRate.isDisposed) cachedRate.dispose();
}
