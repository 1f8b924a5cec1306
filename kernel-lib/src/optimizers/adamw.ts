/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization",
 * ICLR), with the AMSGrad variant as a flag (Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond",
 * ICLR). Lecture 002 (Adam, the AMSGrad flag, weight decay vs L2 inside Adam). One step t = 1, 2, ... with
 * gradient g, learning rate η, decay λ, exactly as PyTorch's `torch.optim.AdamW` orders it:
 *
 *   θ ← θ − η·λ·θ                          (decoupled decay; skipped for excluded variables)
 *   m ← β₁·m + (1 − β₁)·g                  (first moment)
 *   v ← β₂·v + (1 − β₂)·g²                 (second moment, elementwise)
 *   v_max ← max(v_max, v)                  (AMSGrad only; PyTorch keeps the max of the raw v)
 *   m̂ = m / (1 − β₁ᵗ),  √v̂ = √(v or v_max) / √(1 − β₂ᵗ)
 *   θ ← θ − η · m̂ / (√v̂ + ε)
 *
 * Decoupled vs L2 in the loss (lecture 002): adding α/2·‖θ‖² to the loss puts α·θ into g, so it enters m and v
 * and its step is divided by √v̂: weights with large gradients are barely regularized. AdamW shrinks every decayed
 * weight by the same fraction η·λ per step, whatever v is. Under plain SGD the two coincide (see `SGDW`).
 * AMSGrad: the denominator never shrinks, so the effective step η/√v̂ cannot grow when gradients become small;
 * Reddi et al. show Adam can fail to converge without it. With `weightDecay: 0` this class is Adam (or AMSGrad).
 *
 * Works with `model.fit` / `model.compile({ optimizer })` (tfjs calls `minimize`, which calls `applyGradients`),
 * with `optimizer.minimize(f)` in custom loops, and with `applyGradients(grads)` directly. Serializable as
 * "KernelLib>AdamW"; `getWeights` / `setWeights` carry the step count and m, v (and v_max) per variable.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../errors";
import { CLASS_NAME_PREFIX } from "../initializers/serialization";
import { checkDecayExclusion, decayExclusionConfig, isExcludedFromDecay, type DecayExclusion } from "./decay";
import { gradientEntries, registeredVariable, SlotOptimizer, SlotStore, type NamedTensor } from "./slots";

/** Options of `AdamW` (defaults are PyTorch's `torch.optim.AdamW`). */
export interface AdamWOptions {
  /** η (default 0.001). */
  learningRate?: number;
  /** β₁, decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** β₂, decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** ε added to √v̂ (default 1e-8, PyTorch's; tfjs's Adam uses the backend's epsilon, 1e-7). */
  epsilon?: number;
  /** λ, decoupled weight decay per unit learning rate (default 0.01, PyTorch's). */
  weightDecay?: number;
  /** Use AMSGrad's running max of v in the denominator (default false). */
  amsgrad?: boolean;
  /** Variables that do not decay (default `"biases"`: names ending in "bias"; `"none"` decays all, as PyTorch). */
  excludeFromDecay?: DecayExclusion;
}

/** Checks β in [0, 1). */
function checkBeta(fn: string, name: string, value: unknown): number {
  const beta = checkNumber(fn, name, value, 0, 1);
  if (beta === 1) invalidArgument(fn, name, value, "a number in [0, 1)");
  return beta;
}

/** Checks the options shared by the decoupled-decay optimizers: η ≥ 0 and λ ≥ 0. */
export function checkRateAndDecay(fn: string, learningRate: unknown, weightDecay: unknown): [number, number] {
  return [checkNumber(fn, "learningRate", learningRate, 0), checkNumber(fn, "weightDecay", weightDecay, 0)];
}

export class AdamW extends SlotOptimizer {
  protected readonly label = "AdamW";
  static className = `${CLASS_NAME_PREFIX}AdamW`;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly excludeFromDecay: DecayExclusion;
  private rate: number;
  protected readonly state: SlotStore;

  constructor(options: AdamWOptions = {}) {
    super();
    const fn = "AdamW";
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "an options object");
    [this.rate, this.weightDecay] = checkRateAndDecay(fn, options.learningRate ?? 0.001, options.weightDecay ?? 0.01);
    this.beta1 = checkBeta(fn, "beta1", options.beta1 ?? 0.9);
    this.beta2 = checkBeta(fn, "beta2", options.beta2 ?? 0.999);
    this.epsilon = checkNumber(fn, "epsilon", options.epsilon ?? 1e-8, 0);
    const amsgrad = options.amsgrad ?? false;
    if (typeof amsgrad !== "boolean") invalidArgument(fn, "amsgrad", amsgrad, "a boolean");
    this.amsgrad = amsgrad;
    this.excludeFromDecay = checkDecayExclusion(fn, options.excludeFromDecay);
    this.state = new SlotStore(this.amsgrad ? ["m", "v", "vmax"] : ["m", "v"]);
  }

  /** η. Settable (learning-rate schedules): `optimizer.learningRate = 1e-4`. */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(learningRate: number) {
    this.setLearningRate(learningRate);
  }

  /** Sets η (≥ 0), as tfjs's SGD / Momentum `setLearningRate` do. */
  setLearningRate(learningRate: number): void {
    this.rate = checkNumber("AdamW.setLearningRate", "learningRate", learningRate, 0);
  }

  /** One AdamW step on every variable named in `variableGradients` (see the module comment for the equations). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = gradientEntries(variableGradients);
    this.state.bind(
      "AdamW.applyGradients",
      entries.map(([name]) => registeredVariable("AdamW.applyGradients", name)),
    );
    const step = this.iterations + 1;
    const stepSize = this.rate / (1 - this.beta1 ** step);
    const sqrtBiasCorrection2 = Math.sqrt(1 - this.beta2 ** step);
    const shrink = 1 - this.rate * this.weightDecay;
    for (const [name, gradient] of entries) {
      const variable = registeredVariable("AdamW.applyGradients", name);
      const m = this.state.get(variable, "m");
      const v = this.state.get(variable, "v");
      const vMax = this.amsgrad ? this.state.get(variable, "vmax") : null;
      tf.tidy(() => {
        const decayed = this.weightDecay > 0 && !isExcludedFromDecay(this.excludeFromDecay, name) ? tf.mul(variable, shrink) : variable;
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        let second = newV;
        if (vMax !== null) {
          second = tf.maximum(vMax, newV);
          vMax.assign(second);
        }
        const denominator = tf.add(tf.div(tf.sqrt(second), sqrtBiasCorrection2), this.epsilon);
        variable.assign(tf.sub(decayed, tf.mul(tf.div(newM, denominator), stepSize)));
      });
    }
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.rate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
      excludeFromDecay: decayExclusionConfig(this.excludeFromDecay),
    };
  }

  /** Rebuilds from `getConfig()`; a config saved with a custom `excludeFromDecay` function throws (pass the function again). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as AdamWOptions);
  }
}

tf.serialization.registerClass(AdamW);

/** `new AdamW(options)`: `model.compile({ optimizer: adamW({ learningRate: 1e-3, weightDecay: 1e-2 }), loss })`. */
export function adamW(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
