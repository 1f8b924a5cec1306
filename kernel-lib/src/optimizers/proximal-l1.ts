/**
 * L1 regularization that reaches exact zeros: the proximal (ISTA) step. A gradient optimizer with `l1Penalty` in the
 * loss steps by the subgradient λ·sign(w), which lands on 0 only by accident, so small weights chatter around 0
 * instead of vanishing (notebook 07 measures it). The proximal step instead takes the gradient step on the data loss
 * alone, v = w − η·∇J(w), and then solves min_w (1/2η)(w − v)² + λ|w| exactly, which is soft thresholding:
 *
 *   S_t(v) = sign(v)·max(|v| − t, 0),   t = η·λ,
 *
 * zero for every v in [−t, t] (Beck & Teboulle 2009, ISTA; lecture 000's L1 penalty and its sparse solutions).
 * With plain SGD this is exactly proximal gradient descent on J + λ‖w‖₁. With an adaptive optimizer (Adam, RMSprop)
 * the threshold uses the base rate η, not the per-coordinate rates: a common heuristic, not an exact proximal step.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, describeValue, invalidArgument } from "../errors";
import { CLASS_NAME_PREFIX } from "../initializers/serialization";
import { checkDecayExclusion, decayExclusionConfig, isExcludedFromDecay, type DecayExclusion } from "./decay";
import { getOptimizerLearningRate } from "./schedules/optimizer-rate";
import { WrappingOptimizer } from "./wrapping-optimizer";

type NamedTensor = { name: string; tensor: tf.Tensor };

/** Soft thresholding S_t(x) = sign(x)·max(|x| − t, 0), the proximal map of t‖·‖₁; t ≥ 0. */
export function softThreshold(x: tf.Tensor, threshold: number): tf.Tensor {
  if (!(x instanceof tf.Tensor)) invalidArgument("softThreshold", "x", describeValue(x), "a tf.Tensor");
  const t = checkNumber("softThreshold", "threshold", threshold, 0);
  return tf.tidy(() => tf.mul(tf.sign(x), tf.relu(tf.sub(tf.abs(x), t))));
}

export interface ProximalL1Options {
  /** λ in λ‖w‖₁ (≥ 0). */
  strength: number;
  /** Variables the threshold skips: `"biases"` (default), `"none"`, or a predicate on the variable name. */
  exclude?: DecayExclusion;
}

/**
 * A tfjs optimizer that applies the wrapped optimizer's step and then soft-thresholds every updated variable by
 * η·λ (η read from the wrapped optimizer at each step, so learning-rate schedules apply). Usable with `model.fit`,
 * kernel-lib's `fit` and custom loops. It owns the wrapped optimizer: `dispose()` disposes it. The learning rate
 * is the wrapped optimizer's (`setOptimizerLearningRate` reaches it through `.optimizer`).
 */
export class ProximalL1Optimizer extends WrappingOptimizer {
  static className = `${CLASS_NAME_PREFIX}ProximalL1Optimizer`;
  readonly strength: number;
  readonly exclude: DecayExclusion;

  constructor(optimizer: tf.Optimizer, options: ProximalL1Options) {
    const fn = "proximalL1Optimizer";
    super(fn, optimizer);
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ strength, exclude? }");
    this.strength = checkNumber(fn, "options.strength", options.strength, 0);
    this.exclude = checkDecayExclusion(fn, options.exclude);
  }

  /** The wrapped optimizer's step, then w ← S_{ηλ}(w) for every variable it updated (except the excluded ones). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    this.optimizer.applyGradients(variableGradients);
    const threshold = getOptimizerLearningRate(this.optimizer) * this.strength;
    if (threshold === 0) return;
    const variables = tf.engine().registeredVariables;
    for (const name of names) {
      const variable = variables[name];
      if (!variable || isExcludedFromDecay(this.exclude, name)) continue;
      tf.tidy(() => variable.assign(softThreshold(variable, threshold)));
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength, exclude: decayExclusionConfig(this.exclude), optimizer: this.innerConfig() };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(WrappingOptimizer.innerFromConfig(config), config as unknown as ProximalL1Options);
  }
}

tf.serialization.registerClass(ProximalL1Optimizer);

/**
 * Wraps `optimizer` so that each step is followed by the L1 proximal map (soft thresholding by η·λ):
 * `model.compile({ optimizer: proximalL1Optimizer(tf.train.sgd(0.1), { strength: 0.01 }), loss })` gives weights
 * that are exactly 0, where `kernelRegularizer: l1Penalty(...)` only makes them small.
 */
export function proximalL1Optimizer(optimizer: tf.Optimizer, options: ProximalL1Options): ProximalL1Optimizer {
  return new ProximalL1Optimizer(optimizer, options);
}
