/**
 * SGDW: stochastic gradient descent with decoupled weight decay, optionally with momentum or Nesterov momentum
 * (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR; lecture 002). One step with gradient
 * g, learning rate η, decay λ, momentum μ (PyTorch's `torch.optim.SGD` buffer convention, dampening 0):
 *
 *   θ ← θ − η·λ·θ                          (decoupled decay; skipped for excluded variables)
 *   b ← μ·b + g                            (momentum buffer; b₁ = g; skipped when μ = 0)
 *   d = g + μ·b  (Nesterov)  |  b  (momentum)  |  g  (μ = 0)
 *   θ ← θ − η·d
 *
 * Relation to L2 (lecture 000, 002): without momentum the step is θ ← (1 − ηλ)·θ − η·g, exactly an L2 penalty
 * λ/2·‖θ‖² in the loss, and exactly PyTorch's `SGD(weight_decay=λ)` (which adds λ·θ to the gradient). With
 * momentum the two differ: the L2 gradient λ·θ accumulates in b and keeps acting for ~1/(1 − μ) steps, while the
 * decoupled decay shrinks θ once per step.
 *
 * Works with `model.fit`, `minimize` and `applyGradients`; serializable as "KernelLib>SGDW"; `getWeights` /
 * `setWeights` carry the step count and the momentum buffers.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../errors";
import { CLASS_NAME_PREFIX } from "../initializers/serialization";
import { checkRateAndDecay } from "./adamw";
import { checkDecayExclusion, decayExclusionConfig, isExcludedFromDecay, type DecayExclusion } from "./decay";
import { gradientEntries, registeredVariable, SlotOptimizer, SlotStore, type NamedTensor } from "./slots";

/** Options of `SGDW`. */
export interface SGDWOptions {
  /** η (required, as in PyTorch's SGD). */
  learningRate: number;
  /** λ, decoupled weight decay per unit learning rate (default 0). */
  weightDecay?: number;
  /** μ in [0, 1) (default 0: plain SGD). */
  momentum?: number;
  /** Nesterov momentum (default false; needs momentum > 0). */
  nesterov?: boolean;
  /** Variables that do not decay (default `"biases"`: names ending in "bias"; `"none"` decays all, as PyTorch). */
  excludeFromDecay?: DecayExclusion;
}

export class SGDW extends SlotOptimizer {
  protected readonly label = "SGDW";
  static className = `${CLASS_NAME_PREFIX}SGDW`;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly excludeFromDecay: DecayExclusion;
  private rate: number;
  protected readonly state = new SlotStore(["momentum"]);

  constructor(options: SGDWOptions) {
    super();
    const fn = "SGDW";
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ learningRate, weightDecay?, momentum?, nesterov? }");
    [this.rate, this.weightDecay] = checkRateAndDecay(fn, options.learningRate, options.weightDecay ?? 0);
    this.momentum = checkNumber(fn, "momentum", options.momentum ?? 0, 0, 1);
    if (this.momentum === 1) invalidArgument(fn, "momentum", this.momentum, "a number in [0, 1)");
    const nesterov = options.nesterov ?? false;
    if (typeof nesterov !== "boolean") invalidArgument(fn, "nesterov", nesterov, "a boolean");
    if (nesterov && this.momentum === 0) invalidArgument(fn, "nesterov", nesterov, "false when momentum = 0 (Nesterov needs momentum > 0)");
    this.nesterov = nesterov;
    this.excludeFromDecay = checkDecayExclusion(fn, options.excludeFromDecay);
  }

  /** η. Settable (learning-rate schedules): `optimizer.learningRate = 0.01`. */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(learningRate: number) {
    this.setLearningRate(learningRate);
  }

  /** Sets η (≥ 0), as tfjs's SGD / Momentum `setLearningRate` do. */
  setLearningRate(learningRate: number): void {
    this.rate = checkNumber("SGDW.setLearningRate", "learningRate", learningRate, 0);
  }

  /** One SGDW step on every variable named in `variableGradients` (see the module comment for the equations). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const shrink = 1 - this.rate * this.weightDecay;
    const entries = gradientEntries(variableGradients);
    this.state.bind(
      "SGDW.applyGradients",
      entries.map(([name]) => registeredVariable("SGDW.applyGradients", name)),
    );
    for (const [name, gradient] of entries) {
      const variable = registeredVariable("SGDW.applyGradients", name);
      const buffer = this.momentum > 0 ? this.state.get(variable, "momentum") : null;
      tf.tidy(() => {
        const decayed = this.weightDecay > 0 && !isExcludedFromDecay(this.excludeFromDecay, name) ? tf.mul(variable, shrink) : variable;
        let direction: tf.Tensor = gradient;
        if (buffer !== null) {
          const newBuffer = tf.add(tf.mul(buffer, this.momentum), gradient);
          buffer.assign(newBuffer);
          direction = this.nesterov ? tf.add(gradient, tf.mul(newBuffer, this.momentum)) : newBuffer;
        }
        variable.assign(tf.sub(decayed, tf.mul(direction, this.rate)));
      });
    }
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.rate,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
      nesterov: this.nesterov,
      excludeFromDecay: decayExclusionConfig(this.excludeFromDecay),
    };
  }

  /** Rebuilds from `getConfig()`; a config saved with a custom `excludeFromDecay` function throws (pass the function again). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as SGDWOptions);
  }
}

tf.serialization.registerClass(SGDW);

/** `new SGDW(options)`: `sgdW({ learningRate: 0.1, weightDecay: 5e-4, momentum: 0.9 })`. */
export function sgdW(options: SGDWOptions): SGDW {
  return new SGDW(options);
}
