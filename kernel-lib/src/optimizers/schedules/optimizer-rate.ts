/**
 * Reading and setting the learning rate of any tfjs optimizer, which tfjs does not do uniformly:
 *
 * - `tf.train.sgd` and `tf.train.momentum` cache −η as a scalar tensor when they are built; assigning their
 *   `learningRate` field changes nothing the step uses. Their `setLearningRate(η)` replaces the cached scalar.
 * - `tf.train.adam`, `adamax`, `adagrad`, `adadelta` and `rmsprop` read their `learningRate` field at every step
 *   (declared `protected` in tfjs's typings, public at run time): assigning it is enough. Adamax divides it by
 *   1 + decay·t at step t; what is set here is the η before that division.
 * - kernel-lib's `adamW`, `sgdW` and `clippedOptimizer` have a `setLearningRate` (the clipping wrapper forwards it
 *   to the optimizer it wraps); a wrapper without one that exposes its inner optimizer as `.optimizer`
 *   (`weightNoiseOptimizer`) is handled by setting the inner optimizer's rate.
 *
 * `setOptimizerLearningRate` picks the right way and reads the rate back, so a schedule can never believe it set a
 * rate the optimizer does not use.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../../errors";

/** What optimizers expose for their rate, at run time. */
interface RateHolder {
  learningRate?: unknown;
  setLearningRate?: unknown;
  optimizer?: unknown;
}

/**
 * Whether `value` is a tfjs optimizer. tfjs's `Optimizer[Symbol.hasInstance]` reads `value.minimize`, so a bare
 * `undefined instanceof tf.Optimizer` throws a TypeError; this checks for an object first.
 */
export function isOptimizer(value: unknown): value is tf.Optimizer {
  return value !== null && typeof value === "object" && value instanceof tf.Optimizer;
}

/** The optimizer that really holds the rate: `optimizer` itself, or the one a wrapper without a rate wraps. */
function rateHolder(fn: string, optimizer: unknown): RateHolder {
  if (!isOptimizer(optimizer)) invalidArgument(fn, "optimizer", optimizer, "a tf.Optimizer");
  let current: RateHolder = optimizer as unknown as RateHolder;
  for (let depth = 0; depth < 8; depth++) {
    if (typeof current.setLearningRate === "function" || typeof current.learningRate === "number") return current;
    if (!isOptimizer(current.optimizer)) break;
    current = current.optimizer as unknown as RateHolder;
  }
  return invalidArgument(
    fn,
    "optimizer",
    (optimizer as tf.Optimizer).getClassName(),
    "an optimizer with a learning rate (a `learningRate` field or `setLearningRate`, or a wrapper of one as `.optimizer`)",
  );
}

/** The learning rate η `optimizer` uses now (for Adamax, before its 1/(1 + decay·t) factor). */
export function getOptimizerLearningRate(optimizer: tf.Optimizer): number {
  const fn = "getOptimizerLearningRate";
  const rate = rateHolder(fn, optimizer).learningRate;
  if (typeof rate !== "number") invalidArgument(fn, "optimizer", optimizer.getClassName(), "an optimizer whose learningRate reads as a number");
  return rate;
}

/**
 * Sets the learning rate η ≥ 0 of any tfjs or kernel-lib optimizer so that its next step uses it: through
 * `setLearningRate` where the optimizer has one (SGD and Momentum cache their rate), else by assigning the
 * `learningRate` field (Adam, Adamax, Adagrad, Adadelta, RMSprop), reaching through wrappers that expose
 * `.optimizer`. Reads the rate back and throws if the optimizer did not take it.
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const fn = "setOptimizerLearningRate";
  checkNumber(fn, "learningRate", learningRate, 0);
  const holder = rateHolder(fn, optimizer);
  if (typeof holder.setLearningRate === "function") (holder.setLearningRate as (rate: number) => void).call(holder, learningRate);
  else holder.learningRate = learningRate;
  const readBack = getOptimizerLearningRate(optimizer);
  if (readBack !== learningRate) {
    throw new Error(`${fn}: ${optimizer.getClassName()} reports learningRate ${readBack} after being set to ${learningRate}`);
  }
}
