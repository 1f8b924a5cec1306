/**
 * Adadelta as Zeiler defines it (2012, "ADADELTA: An Adaptive Learning Rate Method", algorithm 1; lecture 002's
 * "correct units with Hessian approximation"), with PyTorch's defaults and a learning rate η in front (1 in the
 * paper). One step with gradient g, every operation elementwise:
 *
 *   E[g²]  ← ρ·E[g²] + (1 − ρ)·g²
 *   Δθ     = −(√(E[Δθ²] + ε) / √(E[g²] + ε))·g          (the new E[g²], the previous E[Δθ²])
 *   E[Δθ²] ← ρ·E[Δθ²] + (1 − ρ)·Δθ²
 *   θ      ← θ + η·Δθ
 *
 * The ratio of root mean squares gives the step the units of θ (Newton's Δθ = H⁻¹g with H⁻¹ ≈ Δθ/g), so no
 * learning rate is needed. tfjs's own `tf.train.adadelta` divides by the average *before* g² enters it: both
 * averages then receive the same values at every step, their ratio stays exactly 1, and it takes SGD's steps −η·g
 * (notebook 13 and the unit test show it). Equal to PyTorch's `torch.optim.Adadelta` (weight_decay 0).
 *
 * Works with `model.fit`, `minimize` and `applyGradients`; serializable as "KernelLib>Adadelta"; `getWeights` /
 * `setWeights` carry the step count and both averages.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../errors";
import { CLASS_NAME_PREFIX } from "../initializers/serialization";
import { gradientEntries, registeredVariable, SlotOptimizer, SlotStore, type NamedTensor } from "./slots";

/** Options of `Adadelta` (PyTorch's defaults). */
export interface AdadeltaOptions {
  /** η, the factor in front of Zeiler's step (default 1, the paper's). */
  learningRate?: number;
  /** ρ in [0, 1), the decay of both running averages (default 0.9). */
  rho?: number;
  /** ε > 0 inside both roots (default 1e-6); √ε is the size of the first steps. */
  epsilon?: number;
}

export class Adadelta extends SlotOptimizer {
  protected readonly label = "Adadelta";
  static className = `${CLASS_NAME_PREFIX}Adadelta`;
  readonly rho: number;
  readonly epsilon: number;
  private rate: number;
  protected readonly state = new SlotStore(["squaredGradients", "squaredSteps"]);

  constructor(options: AdadeltaOptions = {}) {
    super();
    const fn = "Adadelta";
    if (options === null || typeof options !== "object") invalidArgument(fn, "options", options, "{ learningRate?, rho?, epsilon? }");
    this.rate = checkNumber(fn, "learningRate", options.learningRate ?? 1, 0);
    this.rho = checkNumber(fn, "rho", options.rho ?? 0.9, 0, 1);
    if (this.rho === 1) invalidArgument(fn, "rho", this.rho, "a number in [0, 1)");
    this.epsilon = checkNumber(fn, "epsilon", options.epsilon ?? 1e-6, 0);
    if (this.epsilon === 0) invalidArgument(fn, "epsilon", this.epsilon, "a number > 0 (the first step is √ε / √(E[g²] + ε)·g)");
  }

  /** η. Settable (learning-rate schedules). */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(learningRate: number) {
    this.setLearningRate(learningRate);
  }

  /** Sets η (≥ 0). */
  setLearningRate(learningRate: number): void {
    this.rate = checkNumber("Adadelta.setLearningRate", "learningRate", learningRate, 0);
  }

  /** One Adadelta step on every variable named in `variableGradients` (see the module comment). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = gradientEntries(variableGradients);
    this.state.bind(
      "Adadelta.applyGradients",
      entries.map(([name]) => registeredVariable("Adadelta.applyGradients", name)),
    );
    for (const [name, gradient] of entries) {
      const variable = registeredVariable("Adadelta.applyGradients", name);
      const squaredGradients = this.state.get(variable, "squaredGradients");
      const squaredSteps = this.state.get(variable, "squaredSteps");
      tf.tidy(() => {
        const newSquaredGradients = tf.add(tf.mul(squaredGradients, this.rho), tf.mul(tf.square(gradient), 1 - this.rho));
        const step = tf.mul(tf.div(tf.sqrt(tf.add(squaredSteps, this.epsilon)), tf.sqrt(tf.add(newSquaredGradients, this.epsilon))), gradient);
        squaredSteps.assign(tf.add(tf.mul(squaredSteps, this.rho), tf.mul(tf.square(step), 1 - this.rho)));
        squaredGradients.assign(newSquaredGradients);
        variable.assign(tf.sub(variable, tf.mul(step, this.rate)));
      });
    }
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.rate, rho: this.rho, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as AdadeltaOptions);
  }
}

tf.serialization.registerClass(Adadelta);

/** `new Adadelta(options)`: Zeiler's Adadelta (tfjs's `tf.train.adadelta` takes SGD's steps; see the module comment). */
export function adadelta(options: AdadeltaOptions = {}): Adadelta {
  return new Adadelta(options);
}
