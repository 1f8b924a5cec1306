/**
 * `BatchNorm`: batch normalization as a serializable `tf.layers.Layer`, written from the lectures.
 *
 * Training mode (`training: true`, which `model.fit` passes; in a custom loop `layer.apply(x, { training: true })`):
 *   y = γ (x − μ_B)/√(σ²_B + ε) + β with the statistics of this batch, through `batchNormalize`, whose gradient is
 *   lecture 000's chain rule (a `tf.customGrad`); then the running statistics are updated (lecture 001):
 *     movingMean     ← δ · movingMean     + (1 − δ) · μ_B
 *     movingVariance ← δ · movingVariance + (1 − δ) · v_B,
 *   with δ = `momentum` (the weight of the OLD value: lecture 001's δ and tf.layers.batchNormalization's
 *   `momentum`; PyTorch's `momentum` is the weight of the NEW value, so PyTorch's default 0.1 is δ = 0.9), and
 *   v_B set by `inferenceVariance`:
 *     "unbiased" (default): v_B = m/(m − 1) · σ²_B, the unbiased estimate of Ioffe & Szegedy's algorithm 2
 *       (Var[x] = m/(m−1) E_B[σ²_B], lecture 002), smoothed as PyTorch's BatchNorm does with its running_var;
 *     "smoothed": v_B = σ²_B, the smoothed batch variance itself (lecture 001; tf.layers.batchNormalization).
 *   The default is "unbiased" because it is the paper's algorithm and an unbiased estimate of the population
 *   variance, while "smoothed" is low by the factor (m − 1)/m (12.5 % at m = 8, 3 % at m = 32), which at small
 *   batches shifts every activation at inference away from what training saw. (Lecture 001 smooths the standard
 *   deviation; both options here smooth the variance, as the paper, PyTorch and tfjs do.)
 * Inference mode (`training` false or absent, as in `model.predict`):
 *   y = γ (x − movingMean)/√(movingVariance + ε) + β (Ioffe & Szegedy alg. 2, line 11): each output depends only
 *   on its own input, so a batch of one works.
 *
 * The statistics are per index of the feature axis `axis` (default −1, the last axis: the units of a dense
 * layer's [N, F] output and the channels of a channels-last conv layer's [N, H, W, C] output), over all other
 * axes. ε defaults to 1e-3 as in tfjs/Keras (PyTorch's default is 1e-5).
 *
 * Registered for serialization as "KernelLib>BatchNorm", so models containing it save and load with no
 * `customObjects`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOneOf, invalidArgument } from "../../errors";
import { batchNormalize } from "./batch-normalize";
import { checkBatchNormEpsilon, checkTrainingBatch, DEFAULT_BATCH_NORM_EPSILON, featureBroadcastShape, reductionAxes, resolveFeatureAxis } from "./checks";
import { batchMean, batchVariance, centerOnMean, normalizeWithStatistics, smoothedAverage, unbiasedVariance } from "./formulas";
import { deserializeInitializer, serializeInitializer } from "../../initializers/serialization";

/** How the running variance used at inference is estimated (see the module comment). */
export type InferenceVariance = "unbiased" | "smoothed";
/** The allowed values of `inferenceVariance`. */
export const INFERENCE_VARIANCES: readonly InferenceVariance[] = ["unbiased", "smoothed"];
/** Default momentum δ (weight of the old running value), as tf.layers.batchNormalization. */
export const DEFAULT_BATCH_NORM_MOMENTUM = 0.99;

type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Arguments of the `BatchNorm` layer: its own options plus the common layer arguments (`name`, `inputShape`, ...). */
export interface BatchNormLayerArgs extends BaseLayerArgs {
  /** The feature axis; negative counts from the end. Default −1 (last axis). Checked against the input rank in `build`. */
  axis?: number;
  /** δ in [0, 1), the weight of the old running value. Default 0.99 (tfjs). PyTorch's momentum p is δ = 1 − p. */
  momentum?: number;
  /** ε > 0 in √(σ² + ε). Default 1e-3 (tfjs); PyTorch uses 1e-5. */
  epsilon?: number;
  /** "unbiased" (default; Ioffe & Szegedy alg. 2, PyTorch) or "smoothed" (lecture 001, tfjs). */
  inferenceVariance?: InferenceVariance;
  /** Learn the shift β. Default true. */
  center?: boolean;
  /** Learn the scale γ. Default true. */
  scale?: boolean;
  /** Initial γ. Default ones. */
  gammaInitializer?: Initializer;
  /** Initial β. Default zeros. */
  betaInitializer?: Initializer;
}

let unnamedLayers = 0;

/** Batch normalization with running statistics; see the module comment for the formulas and conventions. */
export class BatchNorm extends tf.layers.Layer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>BatchNorm";

  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly inferenceVariance: InferenceVariance;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gammaInitializer: Initializer;
  readonly betaInitializer: Initializer;
  /** γ, shape [features] (trainable); null when `scale` is false or before `build`. */
  gamma: tf.LayerVariable | null = null;
  /** β, shape [features] (trainable); null when `center` is false or before `build`. */
  beta: tf.LayerVariable | null = null;
  /** Running mean E[x], shape [features] (non-trainable); starts at 0. */
  movingMean: tf.LayerVariable | null = null;
  /** Running variance Var[x], shape [features] (non-trainable); starts at 1. */
  movingVariance: tf.LayerVariable | null = null;
  private inputRank = -1;
  private featureAxis = -1;

  constructor(args: BatchNormLayerArgs = {}) {
    const { axis, momentum, epsilon, inferenceVariance, center, scale, gammaInitializer, betaInitializer, ...layerArgs } = args;
    // tfjs would derive the default name from the class name, whose ">" is not valid in a tensor name.
    super({ ...layerArgs, name: layerArgs.name ?? `batch_norm_${++unnamedLayers}` });
    const fn = "BatchNorm";
    const axisValue = axis ?? -1;
    if (typeof axisValue !== "number" || !Number.isInteger(axisValue)) invalidArgument(fn, "axis", axisValue, "an integer (the feature axis; -1 = last)");
    this.axis = axisValue;
    const momentumValue = momentum ?? DEFAULT_BATCH_NORM_MOMENTUM;
    if (typeof momentumValue !== "number" || !Number.isFinite(momentumValue) || momentumValue < 0 || momentumValue >= 1) {
      invalidArgument(fn, "momentum", momentumValue, "a number in [0, 1) (the weight δ of the old running value; δ = 1 would never update)");
    }
    this.momentum = momentumValue;
    this.epsilon = checkBatchNormEpsilon(fn, epsilon ?? DEFAULT_BATCH_NORM_EPSILON);
    this.inferenceVariance = checkOneOf(fn, "inferenceVariance", inferenceVariance ?? "unbiased", INFERENCE_VARIANCES);
    this.center = center ?? true;
    this.scale = scale ?? true;
    if (typeof this.center !== "boolean") invalidArgument(fn, "center", center, "a boolean");
    if (typeof this.scale !== "boolean") invalidArgument(fn, "scale", scale, "a boolean");
    this.gammaInitializer = gammaInitializer ?? tf.initializers.ones();
    this.betaInitializer = betaInitializer ?? tf.initializers.zeros();
    this.supportsMasking = true;
  }

  override build(inputShape: LayerShape): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const fn = "BatchNorm.build";
    if (shape.length < 2) invalidArgument(fn, "inputShape", shape, "rank >= 2 (a batch axis and a feature axis)");
    const featureAxis = resolveFeatureAxis(fn, this.axis, shape.length);
    const features = shape[featureAxis];
    if (features == null) invalidArgument(fn, "inputShape", shape, `a defined size along the feature axis ${featureAxis}`);
    this.inputRank = shape.length;
    this.featureAxis = featureAxis;
    if (this.scale) this.gamma = this.addWeight("gamma", [features], "float32", this.gammaInitializer, undefined, true);
    if (this.center) this.beta = this.addWeight("beta", [features], "float32", this.betaInitializer, undefined, true);
    this.movingMean = this.addWeight("moving_mean", [features], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", [features], "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const fn = "BatchNorm.call";
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument(fn, "inputs", `${inputs.length} tensors`, "one tensor");
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    if (x.rank !== this.inputRank) invalidArgument(fn, "x.shape", x.shape, `rank ${this.inputRank} (the rank the layer was built for)`);
    const training = kwargs?.["training"] === true;
    return tf.tidy(() => {
      if (!training) return this.normalizeInference(x);
      const m = checkTrainingBatch(fn, x.shape, this.featureAxis);
      const output = batchNormalize(x, (this.gamma?.read() ?? null) as tf.Tensor1D | null, (this.beta?.read() ?? null) as tf.Tensor1D | null, {
        axis: this.featureAxis,
        epsilon: this.epsilon,
      });
      this.updateRunningStatistics(x, m);
      return output;
    });
  }

  /** y = γ (x − movingMean)/√(movingVariance + ε) + β, the running statistics broadcast along the feature axis. */
  private normalizeInference(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const shape = featureBroadcastShape(x.shape, this.featureAxis);
      const asBroadcast = (v: tf.LayerVariable | null) => (v == null ? null : tf.reshape(v.read(), shape));
      return normalizeWithStatistics(
        x,
        asBroadcast(this.movingMean)!,
        asBroadcast(this.movingVariance)!,
        asBroadcast(this.gamma),
        asBroadcast(this.beta),
        this.epsilon,
      );
    });
  }

  /** Smoothed update of the running mean and variance from this batch (module comment); frees what it makes. */
  private updateRunningStatistics(x: tf.Tensor, m: number): void {
    tf.tidy(() => {
      const axes = reductionAxes(x.rank, this.featureAxis);
      const mean = batchMean(x, axes, true);
      const variance = tf.reshape(batchVariance(centerOnMean(x, mean), axes, false), [-1]);
      const target = this.inferenceVariance === "unbiased" ? unbiasedVariance(variance, m) : variance;
      this.movingMean!.write(smoothedAverage(this.movingMean!.read(), tf.reshape(mean, [-1]), this.momentum));
      this.movingVariance!.write(smoothedAverage(this.movingVariance!.read(), target, this.momentum));
    });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      inferenceVariance: this.inferenceVariance,
      center: this.center,
      scale: this.scale,
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      betaInitializer: serializeInitializer(this.betaInitializer),
    };
  }

  /** Rebuilds the layer from `getConfig()`'s output (initializers come back through tfjs's serialization map). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({
      ...config,
      gammaInitializer: deserializeInitializer("BatchNorm.fromConfig", "gammaInitializer", config["gammaInitializer"]),
      betaInitializer: deserializeInitializer("BatchNorm.fromConfig", "betaInitializer", config["betaInitializer"]),
    });
  }
}

/** `new BatchNorm(args)`, in the style of `tf.layers.*` factories. */
export function batchNormLayer(args: BatchNormLayerArgs = {}): BatchNorm {
  return new BatchNorm(args);
}

/**
 * Registers `BatchNorm` with tfjs's serialization map under "KernelLib>BatchNorm", unless a class is already
 * registered under that name (a second copy of kernel-lib in the same process): the first registration stays.
 * Runs when this module loads. @returns whether this call registered the class.
 */
export function registerBatchNorm(): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  if (Object.prototype.hasOwnProperty.call(registered, BatchNorm.className)) return false;
  tf.serialization.registerClass(BatchNorm);
  return true;
}

registerBatchNorm();
