/**
 * Weight noise (lecture 002, "noise robustness: add noise to the weights"; Graves 2011, "Practical variational
 * inference for neural networks"): at every training step the gradient is taken at randomly perturbed weights and the
 * update is applied to the clean ones,
 *
 *     w ← w − η · ∇L(w + ε),   ε ~ N(0, σ² I) drawn afresh per step,
 *
 * which to second order adds σ²/2 · tr(∇²L) to the loss: it pushes training toward flat minima, where small weight
 * changes do not change the output.
 *
 * Design. The noise is added just before the forward/backward pass and removed just after it, BEFORE the optimizer
 * applies the update (so momentum and Adam see an update of the clean weights, and validation, `predict` and saving
 * never see noisy weights). `WeightNoise.computeGradients(optimizer, f)` does exactly that for custom loops, and
 * `WeightNoiseOptimizer` wraps any tfjs optimizer so that `model.fit`, `trainOnBatch` and kernel-lib's `fit` (which
 * all call `optimizer.minimize`) do it at every batch. (kernel-lib's `fit` has no batch-begin callback, and a callback
 * that re-perturbs at batch end would leave noisy weights during validation; the wrapper has neither problem.)
 * Removal subtracts the same ε that was added, so in float32 the clean weights come back up to one rounding of
 * |w| + |ε| (a few ulps), not bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../../errors";
import { nextSeed, Rng } from "../../random";
import { isKernelWeightName } from "../penalties/model-penalty";
import { WrappingOptimizer } from "../../optimizers/wrapping-optimizer";

export interface WeightNoiseOptions {
  /** Standard deviation σ ≥ 0 of the noise added to each weight (0: no noise). */
  std: number;
  /** Seed of the noise stream. Default: drawn from kernel-lib's global stream. */
  seed?: number;
  /** For a model: perturb only the kernels (default, as the penalties skip biases) or all trainable weights. */
  include?: "kernels" | "all";
}

/** Adds fresh N(0, σ²) noise to a set of variables and takes it away again; one seeded stream drives every draw. */
export class WeightNoise {
  readonly std: number;
  readonly seed: number;
  /** The variables that get noise. */
  readonly variables: tf.Variable[];
  private stream: Rng;
  private noise: tf.Tensor[] | null = null;

  /**
   * @param target a `tf.LayersModel` (its kernels, or all trainable weights with `include: "all"`) or a list of
   *   `tf.Variable`s.
   */
  constructor(target: tf.LayersModel | tf.Variable[], options: WeightNoiseOptions) {
    const fn = "WeightNoise";
    if (options == null || typeof options !== "object") invalidArgument(fn, "options", options, "an object { std, seed?, include? }");
    this.std = checkNumber(fn, "options.std", options.std, 0);
    this.seed = options.seed === undefined ? nextSeed() : checkInteger(fn, "options.seed", options.seed);
    const include = checkOneOf(fn, "options.include", options.include ?? "kernels", ["kernels", "all"] as const);
    if (target instanceof tf.LayersModel) {
      this.variables = target.trainableWeights.filter((w) => include === "all" || isKernelWeightName(w.originalName)).map((w) => w.read() as tf.Variable);
    } else if (Array.isArray(target) && target.every((v) => v instanceof tf.Variable)) {
      this.variables = target.slice();
    } else {
      invalidArgument(fn, "target", target, "a tf.LayersModel or an array of tf.Variable");
    }
    if (this.variables.some((v) => v.dtype !== "float32")) invalidArgument(fn, "target", "a non-float32 variable", "float32 variables");
    this.stream = new Rng(this.seed);
  }

  /** Whether noise is currently added to the variables. */
  get isPerturbed(): boolean {
    return this.noise !== null;
  }

  /** Draws ε ~ N(0, σ²) for every variable (a fresh seed from the stream each) and sets w ← w + ε. Throws if already perturbed. */
  perturb(): void {
    if (this.noise !== null) throw new Error("WeightNoise.perturb: the weights are already perturbed; call restore() first");
    const seeds = this.variables.map(() => this.stream.nextSeed());
    this.noise = this.variables.map((v, i) => tf.randomNormal(v.shape, 0, this.std, "float32", seeds[i]));
    this.noise.forEach((eps, i) => {
      const v = this.variables[i]!;
      tf.tidy(() => v.assign(tf.add(v, eps)));
    });
  }

  /**
   * Removes the noise: w ← w − ε with the ε of the last `perturb()`, so any change made in between (an optimizer
   * step) is kept. Does nothing when the weights are not perturbed; returns whether it removed noise.
   */
  restore(): boolean {
    if (this.noise === null) return false;
    this.noise.forEach((eps, i) => {
      const v = this.variables[i]!;
      tf.tidy(() => v.assign(tf.sub(v, eps)));
    });
    tf.dispose(this.noise);
    this.noise = null;
    return true;
  }

  /**
   * The gradients of `f` at the perturbed weights, with the weights clean again on return:
   * perturb, `optimizer.computeGradients(f, varList)`, restore. Apply them with `optimizer.applyGradients(grads)`,
   * then dispose `grads` and `value` (the caller owns both).
   */
  computeGradients(optimizer: tf.Optimizer, f: () => tf.Scalar, varList?: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    if (!(optimizer instanceof tf.Optimizer)) invalidArgument("WeightNoise.computeGradients", "optimizer", optimizer, "a tf.Optimizer");
    this.perturb();
    try {
      return optimizer.computeGradients(f, varList);
    } finally {
      this.restore();
    }
  }

  /**
   * One noisy training step for custom loops: w ← w − η·∇f(w + ε) through `optimizer`. Returns the loss at the
   * perturbed weights (a number); frees every tensor.
   */
  minimize(optimizer: tf.Optimizer, f: () => tf.Scalar, varList?: tf.Variable[]): number {
    const { value, grads } = this.computeGradients(optimizer, f, varList);
    try {
      optimizer.applyGradients(grads);
      return value.dataSync()[0]!;
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** Restarts the noise stream from `seed` (default: the one given at construction). */
  resetNoise(seed: number = this.seed): void {
    this.stream = new Rng(checkInteger("WeightNoise.resetNoise", "seed", seed));
  }

  /** Removes any noise still added and frees the noise tensors. */
  dispose(): void {
    this.restore();
  }
}

/**
 * Wraps a tfjs optimizer so that every gradient it computes is taken at noisy weights (`WeightNoise.computeGradients`)
 * and applied to the clean ones: give it to `model.compile({ optimizer })`, then `model.fit`, `trainOnBatch` and
 * kernel-lib's `fit` train with weight noise. Not serializable (it holds the model's variables); the wrapper owns
 * the wrapped optimizer (dispose disposes it).
 */
export class WeightNoiseOptimizer extends WrappingOptimizer {
  static className = "KernelLib>WeightNoiseOptimizer";

  constructor(
    optimizer: tf.Optimizer,
    readonly noise: WeightNoise,
  ) {
    super("WeightNoiseOptimizer", optimizer);
    if (!(noise instanceof WeightNoise)) invalidArgument("WeightNoiseOptimizer", "noise", noise, "a WeightNoise");
  }

  override computeGradients(f: () => tf.Scalar, varList?: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    return this.noise.computeGradients(this.optimizer, f, varList);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    this.optimizer.applyGradients(variableGradients);
  }

  /** Removes the noise and disposes the wrapped optimizer. */
  override dispose(): void {
    this.noise.dispose();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { std: this.noise.std, seed: this.noise.seed, optimizer: this.optimizer.getConfig() };
  }
}

/** `new WeightNoiseOptimizer(optimizer, new WeightNoise(model, options))`: an optimizer that trains `model` with weight noise. */
export function weightNoiseOptimizer(optimizer: tf.Optimizer, model: tf.LayersModel | tf.Variable[], options: WeightNoiseOptions): WeightNoiseOptimizer {
  return new WeightNoiseOptimizer(optimizer, new WeightNoise(model, options));
}
