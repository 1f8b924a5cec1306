/**
 * `DropConnectDense`: a dense layer y = f(v W + b) trained with DropConnect (Wan et al. 2013; lecture 002), the
 * formulas in drop-connect-ops.ts.
 *
 * Training (`training: true`, as `model.fit` passes): a Bernoulli(keepProb) mask M on the kernel, fresh at every call
 * from the layer's seeded stream (noise-stream.ts), z = v (M ∘ W) + b, y = f(z); no rescaling, the bias unmasked.
 *   maskPer: "batch" (default): ONE mask for the whole batch, i.e. the batch trains one sampled sub-network. It costs
 *     d·u random numbers per step, like the layer's own weights, and one ordinary matrix product.
 *   maskPer: "example": an independent mask for every example, as in the paper's training; it draws N·d·u random
 *     numbers per step and a batched product (for N = 128 and a 784×256 kernel: 25.7 M numbers, about 0.3 s to draw
 *     them on the wasm backend here, and 100 MB for the mask), so it is an option for small layers.
 * Both give the same expected gradient; per-example masks give a batch gradient of lower variance.
 *
 * Inference (`training` false or absent):
 *   inference: "gaussian" (default; lecture 002, Wan et al. §3): z ~ N(keepProb·vW + b,
 *     keepProb(1 − keepProb)(v∘v)(W∘W)) sampled `inferenceSamples` times (default 64), passed through f, averaged.
 *     The draws come from a stream restarted at `inferenceSeed` at every call, so `predict` is deterministic. With a
 *     linear activation the average is replaced by its exact value, the mean.
 *   inference: "mean": f(keepProb·vW + b), dropout's weight scaling, for comparison.
 * Monte Carlo mode (`mcDropoutPredict`): masked passes as in training, so each pass is one sampled sub-network.
 *
 * The activation is any tfjs activation name ("linear", "relu", "tanh", "sigmoid", "softmax", ...); it lives inside
 * the layer because Gaussian inference must apply it to each sample. The weights are named "kernel" [d, u] and "bias"
 * [u], so kernel-lib's penalties find them. Inputs must be [N, d]. Serializable as "KernelLib>DropConnectDense".
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkOneOf, invalidArgument } from "../../errors";
import { nextSeed } from "../../random";
import { registerOnce } from "./dropout-layer";
import { dropConnectMoments, gaussianMomentInference, maskedDense, type TensorActivation } from "./drop-connect-ops";
import { type KeepProbOptions, resolveKeepProb } from "./keep-prob";
import { bernoulliMask } from "./masks";
import { NoiseStream } from "./noise-stream";
import { deserializeInitializer, serializeInitializer } from "../../initializers/serialization";

type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];
type Initializer = ReturnType<typeof tf.initializers.zeros>;
/** A tfjs activation name, as `tf.layers.dense({ activation })` takes. */
export type DenseActivation = NonNullable<Parameters<typeof tf.layers.activation>[0]>["activation"];

/** How the weight mask is shared in training. */
export type DropConnectMaskPer = "batch" | "example";
/** The allowed values of `maskPer`. */
export const DROP_CONNECT_MASK_PER: readonly DropConnectMaskPer[] = ["batch", "example"];
/** How the layer computes its output at inference. */
export type DropConnectInference = "gaussian" | "mean";
/** The allowed values of `inference`. */
export const DROP_CONNECT_INFERENCES: readonly DropConnectInference[] = ["gaussian", "mean"];
/** Default number of Gaussian samples per inference call. */
export const DEFAULT_DROP_CONNECT_SAMPLES = 64;

/** Arguments of `DropConnectDense`: its own options, exactly one of keepProb/dropRate, and the common layer arguments. */
export interface DropConnectDenseArgs extends BaseLayerArgs, KeepProbOptions {
  /** Number of output units u, an integer >= 1. */
  units: number;
  /** tfjs activation name. Default "linear". */
  activation?: DenseActivation;
  /** Add a bias (unmasked). Default true. */
  useBias?: boolean;
  /** One weight mask per batch (default) or per example in training; see the module comment for the costs. */
  maskPer?: DropConnectMaskPer;
  /** "gaussian" (default, lecture 002's moment matching) or "mean" (f(keepProb·vW + b)). */
  inference?: DropConnectInference;
  /** Samples Z averaged by the Gaussian inference, an integer >= 1. Default 64. */
  inferenceSamples?: number;
  /** Seed of the Gaussian inference's draws (restarted at every call). Default: derived from `seed`. */
  inferenceSeed?: number;
  /** Seed of the training mask stream. Default: drawn from kernel-lib's global stream. */
  seed?: number;
  /** Initial kernel. Default Glorot uniform seeded from kernel-lib's global stream. */
  kernelInitializer?: Initializer;
  /** Initial bias. Default zeros. */
  biasInitializer?: Initializer;
}

let unnamedLayers = 0;

/** A fixed odd constant XORed into `seed` to derive the inference seed, so training masks and inference draws use different streams. */
const INFERENCE_SEED_MIX = 0x2545f491;

/** A dense layer with DropConnect on its kernel; see the module comment. */
export class DropConnectDense extends tf.layers.Layer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>DropConnectDense";
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
  /** Probability of keeping a connection, in (0, 1]. */
  readonly keepProb: number;
  readonly maskPer: DropConnectMaskPer;
  readonly inference: DropConnectInference;
  readonly inferenceSamples: number;
  readonly inferenceSeed: number;
  readonly seed: number;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  /** The seeded stream the training masks come from; `mcDropoutPredict` switches its Monte Carlo mode. */
  readonly noise: NoiseStream;
  /** W, shape [d, u]; null before `build`. */
  kernel: tf.LayerVariable | null = null;
  /** b, shape [u]; null without bias or before `build`. */
  bias: tf.LayerVariable | null = null;
  private readonly activationFn: TensorActivation;

  constructor(args: DropConnectDenseArgs) {
    const fn = "DropConnectDense";
    if (args == null || typeof args !== "object") invalidArgument(fn, "args", args, "an object { units, keepProb | dropRate, activation?, ... }");
    const keepProb = resolveKeepProb(fn, args, "args");
    const { units, activation, useBias, maskPer, inference, inferenceSamples, inferenceSeed, seed, kernelInitializer, biasInitializer, ...rest } = args;
    const layerArgs: Partial<DropConnectDenseArgs> = { ...rest };
    delete layerArgs.keepProb;
    delete layerArgs.dropRate;
    checkInteger(fn, "args.units", units, 1);
    const seedValue = seed === undefined ? nextSeed() : checkInteger(fn, "args.seed", seed);
    // tfjs would derive the default name from the class name, whose ">" is not valid in a tensor name.
    super({ ...layerArgs, name: layerArgs.name ?? `drop_connect_dense_${++unnamedLayers}` });
    this.units = units;
    this.keepProb = keepProb;
    this.seed = seedValue;
    this.activation = activation ?? "linear";
    this.activationFn = makeActivation(fn, this.activation, this.name);
    this.useBias = useBias ?? true;
    if (typeof this.useBias !== "boolean") invalidArgument(fn, "args.useBias", useBias, "a boolean");
    this.maskPer = checkOneOf(fn, "args.maskPer", maskPer ?? "batch", DROP_CONNECT_MASK_PER);
    this.inference = checkOneOf(fn, "args.inference", inference ?? "gaussian", DROP_CONNECT_INFERENCES);
    this.inferenceSamples = checkInteger(fn, "args.inferenceSamples", inferenceSamples ?? DEFAULT_DROP_CONNECT_SAMPLES, 1);
    this.inferenceSeed = inferenceSeed === undefined ? seedValue ^ INFERENCE_SEED_MIX : checkInteger(fn, "args.inferenceSeed", inferenceSeed);
    this.kernelInitializer = kernelInitializer ?? tf.initializers.glorotUniform({ seed: nextSeed() });
    this.biasInitializer = biasInitializer ?? tf.initializers.zeros();
    this.noise = new NoiseStream(seedValue);
  }

  /** Probability of dropping a connection, 1 − keepProb. */
  get dropRate(): number {
    return 1 - this.keepProb;
  }

  /** Restarts the training mask stream from `seed` (default: the layer's own). */
  resetNoise(seed: number = this.seed): void {
    this.noise.reset(seed);
  }

  override build(inputShape: LayerShape): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const fn = "DropConnectDense.build";
    if (shape.length !== 2) invalidArgument(fn, "inputShape", shape, "rank 2, [batch, features]");
    const features = shape[1];
    if (features == null) invalidArgument(fn, "inputShape", shape, "a defined number of features on axis 1");
    this.kernel = this.addWeight("kernel", [features, this.units], "float32", this.kernelInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight("bias", [this.units], "float32", this.biasInitializer, undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    const fn = "DropConnectDense.call";
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument(fn, "inputs", `${inputs.length} tensors`, "one tensor");
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.dtype !== "float32") invalidArgument(fn, "inputs.dtype", x.dtype, '"float32"');
    const kernel = this.kernel!.read() as tf.Tensor2D;
    if (x.rank !== 2 || x.shape[1] !== kernel.shape[0]) invalidArgument(fn, "inputs.shape", x.shape, `[batch, ${kernel.shape[0]}]`);
    const v = x as tf.Tensor2D;
    const bias = (this.bias?.read() ?? null) as tf.Tensor1D | null;
    const stochastic = kwargs?.training === true || this.noise.monteCarlo;
    if (stochastic) {
      if (this.keepProb === 1) return tf.tidy(() => this.activationFn(maskedDense(v, kernel, bias, tf.onesLike(kernel))));
      const maskShape = this.maskPer === "batch" ? kernel.shape : [v.shape[0], ...kernel.shape];
      const seed = this.noise.nextSeed();
      return tf.tidy(() => this.activationFn(maskedDense(v, kernel, bias, bernoulliMask(maskShape, this.keepProb, seed))));
    }
    return tf.tidy(() => {
      const { mean, variance } = dropConnectMoments(v, kernel, bias, this.keepProb);
      if (this.inference === "mean" || this.activation === "linear" || this.keepProb === 1) return this.activationFn(mean);
      return gaussianMomentInference(mean, variance, this.activationFn, this.inferenceSamples, this.inferenceSeed);
    });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      keepProb: this.keepProb,
      maskPer: this.maskPer,
      inference: this.inference,
      inferenceSamples: this.inferenceSamples,
      inferenceSeed: this.inferenceSeed,
      seed: this.seed,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }

  /** Rebuilds the layer from `getConfig()`'s output (initializers come back through tfjs's serialization map). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({
      ...config,
      kernelInitializer: deserializeInitializer("DropConnectDense.fromConfig", "kernelInitializer", config["kernelInitializer"]),
      biasInitializer: deserializeInitializer("DropConnectDense.fromConfig", "biasInitializer", config["biasInitializer"]),
    });
  }
}

/** tfjs's activation `name` as a function of a tensor (through a detached `tf.layers.activation`); a clear error for unknown names. */
function makeActivation(fn: string, name: unknown, layerName: string): TensorActivation {
  if (typeof name !== "string") invalidArgument(fn, "args.activation", name, 'a tfjs activation name ("linear", "relu", "tanh", ...)');
  let layer: tf.layers.Layer;
  try {
    layer = tf.layers.activation({ activation: name as DenseActivation, name: `${layerName}_activation` });
  } catch {
    invalidArgument(fn, "args.activation", name, 'a tfjs activation name ("linear", "relu", "elu", "selu", "tanh", "sigmoid", "softmax", "softplus", ...)');
  }
  return (z: tf.Tensor) => layer.apply(z) as tf.Tensor;
}

/** `new DropConnectDense(args)`, in the style of `tf.layers.*` factories. */
export function dropConnectDenseLayer(args: DropConnectDenseArgs): DropConnectDense {
  return new DropConnectDense(args);
}

/** Registers `DropConnectDense` under "KernelLib>DropConnectDense" unless a class already holds that name. Runs on load. */
export function registerDropConnectDense(): boolean {
  return registerOnce(DropConnectDense);
}

registerDropConnectDense();
