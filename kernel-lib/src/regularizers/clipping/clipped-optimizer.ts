/**
 * `clippedOptimizer`: any tfjs optimizer with gradient clipping in front of it, usable with `model.fit`,
 * `model.trainOnBatch`, kernel-lib's `fit` and custom loops (`optimizer.minimize(f)` or
 * `optimizer.applyGradients(grads)`). tfjs's `model.fit` calls `optimizer.minimize(loss, true, variables)`,
 * whose base implementation computes the gradients and hands them to `applyGradients` as a list of
 * `{ name, tensor }`; the wrapper overrides `applyGradients` to clip first and delegate to the wrapped optimizer,
 * which keeps its own state (momentum, Adam's moments, the iteration count). Lectures 001 and 003.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf, invalidArgument } from "../../errors";
import { CLASS_NAME_PREFIX } from "../../initializers/serialization";
import { WrappingOptimizer } from "../../optimizers/wrapping-optimizer";
import { checkThreshold, clipByGlobalNorm, clipByNorm, clipByValue, type ClipResult } from "./clip";
import type { NamedGradient } from "./gradients";

/** tfjs's `{ name, tensor }` pair (not exported by name from the tfjs package). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** How the wrapper clips: per element (`limit`), per tensor by norm (`maxNorm`), or by the global norm (`maxNorm`). */
export const CLIP_MODES = ["value", "norm", "globalNorm"] as const;
export type ClipMode = (typeof CLIP_MODES)[number];

export interface ClippedOptimizerOptions {
  /** `"value"`: clipByValue; `"norm"`: clipByNorm per tensor; `"globalNorm"`: clipByGlobalNorm. */
  mode: ClipMode;
  /** c for mode `"value"`: each element to [−c, c]. */
  limit?: number;
  /** c for modes `"norm"` and `"globalNorm"`: the largest norm allowed. */
  maxNorm?: number;
  /** How many pre-clip global norms `normHistory` keeps (the oldest are dropped). Default 100,000. */
  historyLength?: number;
}

/** What the tfjs optimizers expose for their learning rate (SGD and Momentum cache it: use their setter). */
interface LearningRateHolder {
  learningRate?: number;
  setLearningRate?: (learningRate: number) => void;
}

/**
 * A tfjs optimizer that clips the gradients before passing them to the optimizer it wraps. It records the
 * pre-clip global norm ‖g‖_global of every step (`lastGlobalNorm`, `normHistory`) and the per-tensor norms of
 * the last step (`lastNorms`), so a notebook can plot them and choose c from the healthy range (lecture 003).
 *
 * It owns the wrapped optimizer: `dispose()` disposes it. State, iterations, `getWeights` / `setWeights` and
 * the learning rate (`learningRate`, `setLearningRate`) are the wrapped optimizer's.
 */
export class ClippedOptimizer extends WrappingOptimizer {
  static className = `${CLASS_NAME_PREFIX}ClippedOptimizer`;
  readonly mode: ClipMode;
  /** c: the element limit (mode "value") or the largest norm (modes "norm", "globalNorm"). */
  readonly threshold: number;
  readonly historyLength: number;
  /** The pre-clip global norm of the last step (NaN before the first step). */
  lastGlobalNorm = NaN;
  /** The pre-clip norm of each gradient in the last step, by variable name. */
  lastNorms: Record<string, number> = {};
  private readonly history: number[] = [];

  constructor(optimizer: tf.Optimizer, options: ClippedOptimizerOptions) {
    const fn = "clippedOptimizer";
    super(fn, optimizer);
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ mode, limit } or { mode, maxNorm }");
    this.mode = checkOneOf(fn, "options.mode", options.mode, CLIP_MODES);
    this.threshold = this.mode === "value" ? checkThreshold(fn, "options.limit", options.limit) : checkThreshold(fn, "options.maxNorm", options.maxNorm);
    this.historyLength = checkInteger(fn, "options.historyLength", options.historyLength ?? 100_000, 1);
  }

  /** The pre-clip global norm of every step since construction or the last `resetHistory()` (at most `historyLength`, oldest first). */
  get normHistory(): readonly number[] {
    return this.history;
  }

  /** Forgets the recorded norms. */
  resetHistory(): void {
    this.history.length = 0;
    this.lastGlobalNorm = NaN;
    this.lastNorms = {};
  }

  /** Clips the gradients as the mode says and returns them with their pre-clip norms (new tensors: dispose `grads`). */
  clip<G extends tf.NamedTensorMap | NamedGradient[]>(grads: G): ClipResult<G> {
    if (this.mode === "value") return clipByValue(grads, { limit: this.threshold });
    if (this.mode === "norm") return clipByNorm(grads, { maxNorm: this.threshold });
    return clipByGlobalNorm(grads, { maxNorm: this.threshold });
  }

  /** Clips, records the pre-clip norms, and lets the wrapped optimizer apply the clipped gradients. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const result = this.clip(variableGradients as tf.NamedTensorMap | NamedGradient[]);
    try {
      this.optimizer.applyGradients(result.grads as tf.NamedTensorMap | NamedTensor[]);
    } finally {
      const clipped = Array.isArray(result.grads) ? result.grads.map((g) => g.tensor) : Object.values(result.grads);
      tf.dispose(clipped.filter((t): t is tf.Tensor => t != null));
    }
    this.lastGlobalNorm = result.globalNorm;
    this.lastNorms = Object.fromEntries(result.names.map((name, i) => [name, result.norms[i]!]));
    this.history.push(result.globalNorm);
    if (this.history.length > this.historyLength) this.history.splice(0, this.history.length - this.historyLength);
  }

  /** The wrapped optimizer's learning rate. */
  get learningRate(): number {
    return (this.optimizer as unknown as LearningRateHolder).learningRate ?? NaN;
  }

  set learningRate(learningRate: number) {
    this.setLearningRate(learningRate);
  }

  /** Sets the wrapped optimizer's learning rate, through its own setter where it has one (SGD, Momentum cache the rate). */
  setLearningRate(learningRate: number): void {
    const inner = this.optimizer as unknown as LearningRateHolder;
    if (typeof inner.setLearningRate === "function") inner.setLearningRate(learningRate);
    else inner.learningRate = learningRate;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      mode: this.mode,
      [this.mode === "value" ? "limit" : "maxNorm"]: this.threshold,
      historyLength: this.historyLength,
      optimizer: this.innerConfig(),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(WrappingOptimizer.innerFromConfig(config), config as unknown as ClippedOptimizerOptions);
  }
}

tf.serialization.registerClass(ClippedOptimizer);

/**
 * Wraps `optimizer` so that every step clips the gradients first:
 * `model.compile({ optimizer: clippedOptimizer(tf.train.sgd(0.1), { mode: "globalNorm", maxNorm: 1 }), loss })`.
 * Modes: `"value"` (gᵢⱼ ← clip(gᵢⱼ, −c, c), `limit`), `"norm"` (gᵢ ← gᵢ·c / max(c, ‖gᵢ‖), `maxNorm`),
 * `"globalNorm"` (g ← g·c / max(c, ‖g‖_global), `maxNorm`). The wrapper owns `optimizer`.
 */
export function clippedOptimizer(optimizer: tf.Optimizer, options: ClippedOptimizerOptions): ClippedOptimizer {
  return new ClippedOptimizer(optimizer, options);
}
