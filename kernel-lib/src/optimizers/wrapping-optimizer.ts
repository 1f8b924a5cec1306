/**
 * The base of kernel-lib's optimizer wrappers (`clippedOptimizer`, `proximalL1Optimizer`, `weightNoiseOptimizer`):
 * a tf.Optimizer that changes what happens around another optimizer's step and leaves it everything else. The step
 * count, `getWeights` / `setWeights` (the inner optimizer's state) are the wrapped optimizer's, the wrapper owns it
 * (`dispose()` disposes it), and its serialized config nests the inner optimizer as `{ className, config }`.
 * Learning-rate schedules reach the inner rate through `.optimizer` (`setOptimizerLearningRate`).
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../errors";
import { buildOptimizer, optimizerSpec } from "../parallel/optimizer-spec";

type NamedTensor = { name: string; tensor: tf.Tensor };

export abstract class WrappingOptimizer extends tf.Optimizer {
  readonly optimizer: tf.Optimizer;

  /**
   * A real prototype check: tfjs's `Optimizer[Symbol.hasInstance]` (inherited by every subclass) accepts any object
   * with `minimize`, `computeGradients` and `applyGradients`, so `tf.train.sgd(0.1) instanceof ClippedOptimizer`
   * would be true. `instanceof tf.Optimizer` keeps tfjs's duck typing.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  /** `fn` names the factory in the error for a non-optimizer. */
  constructor(fn: string, optimizer: tf.Optimizer) {
    super();
    if (optimizer === null || typeof optimizer !== "object" || !(optimizer instanceof tf.Optimizer)) {
      invalidArgument(fn, "optimizer", describeValue(optimizer), "a tf.Optimizer (e.g. tf.train.sgd(0.1))");
    }
    this.optimizer = optimizer;
  }

  /** The wrapped optimizer's step count. */
  override get iterations(): number {
    return this.optimizer.iterations;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.optimizer.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.optimizer.setWeights(weightValues);
  }

  /** Disposes the wrapped optimizer (the wrapper owns it). */
  override dispose(): void {
    this.optimizer.dispose();
  }

  /** The wrapped optimizer as `{ className, config }`, for a wrapper's `getConfig`. */
  protected innerConfig(): tf.serialization.ConfigDict {
    const spec = optimizerSpec(this.optimizer);
    return { className: spec.className, config: spec.config as tf.serialization.ConfigDict };
  }

  /** Rebuilds the wrapped optimizer from `config.optimizer` (what `innerConfig` wrote), for a wrapper's `fromConfig`. */
  protected static innerFromConfig(config: tf.serialization.ConfigDict): tf.Optimizer {
    return buildOptimizer(config["optimizer"] as { className: string; config: Record<string, unknown> });
  }
}
