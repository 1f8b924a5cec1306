/**
 * The shared body of the dropout layers (`InvertedDropout`, `StandardDropout`, `GaussianDropout`): argument checks,
 * the seeded stream, the noise shape, training vs inference, Monte Carlo mode and serialization. Each subclass only
 * names its convention (dropout-ops.ts has the formulas).
 *
 * Training vs inference follows tfjs: `model.fit`, `trainOnBatch` (and kernel-lib's `fit`) call layers with
 * `training: true`; `predict`, `evaluate` and `apply(x)` without it. In a custom loop call
 * `model.apply(x, { training: true })` inside the loss. `mcDropoutPredict` switches the layer into Monte Carlo mode,
 * where it draws masks although `training` is false.
 *
 * Saved config: `keepProb` (never `dropRate`: a loaded layer is built from keepProb alone), `seed`, `noiseShape`.
 * A loaded layer restarts its stream from the seed, so it draws the masks a freshly built one would.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { nextSeed } from "../../random";
import { applyDropoutMask, type DropoutConvention, dropoutInference, drawDropoutMask } from "./dropout-ops";
import { type KeepProbOptions, resolveKeepProb } from "./keep-prob";
import { checkNoiseShape, type NoiseShape, resolveNoiseShape } from "./masks";
import { NoiseStream } from "./noise-stream";

type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];

/** Arguments of the dropout layers: exactly one of keepProb/dropRate, a seed, a noise shape, and the common layer arguments. */
export interface DropoutLayerArgs extends BaseLayerArgs, KeepProbOptions {
  /** Seed of the layer's mask stream. Default: drawn from kernel-lib's global stream (`seed(n)` makes it reproducible). */
  seed?: number;
  /**
   * Mask shape relative to the input, one entry per axis including the batch axis: null = the input's size, 1 = one
   * mask entry shared along that axis. E.g. [null, 1, 1, null] drops whole channels of an [N, H, W, C] input.
   * Default: an independent mask entry per element.
   */
  noiseShape?: NoiseShape;
}

/** Base class of the dropout layers; see the module comment. Not registered itself (it has no convention). */
export abstract class DropoutFamilyLayer extends tf.layers.Layer {
  /** Probability of keeping a unit, in (0, 1]. */
  readonly keepProb: number;
  /** Seed of the mask stream. */
  readonly seed: number;
  /** The mask shape relative to the input, or undefined (one mask entry per element). */
  readonly noiseShape: NoiseShape | undefined;
  /** The seeded stream the masks come from; `mcDropoutPredict` switches its Monte Carlo mode. */
  readonly noise: NoiseStream;
  /** Which formula the layer applies (dropout-ops.ts). */
  abstract readonly convention: DropoutConvention;
  private readonly fnName: string;

  protected constructor(args: DropoutLayerArgs, fnName: string, defaultNamePrefix: string, counter: () => number) {
    if (args == null || typeof args !== "object") invalidArgument(fnName, "args", args, "an object { keepProb | dropRate, seed?, noiseShape?, name? }");
    const keepProb = resolveKeepProb(fnName, args, "args");
    const seed = args.seed === undefined ? nextSeed() : checkInteger(fnName, "args.seed", args.seed);
    const noiseShape = checkNoiseShape(fnName, "args.noiseShape", args.noiseShape);
    const layerArgs: Partial<DropoutLayerArgs> = { ...args };
    for (const own of ["keepProb", "dropRate", "seed", "noiseShape"] as const) delete layerArgs[own];
    // tfjs would derive the default name from the class name, whose ">" is not valid in a tensor name.
    super({ ...layerArgs, name: layerArgs.name ?? `${defaultNamePrefix}_${counter()}` });
    this.keepProb = keepProb;
    this.seed = seed;
    this.noiseShape = noiseShape;
    this.noise = new NoiseStream(seed);
    this.fnName = fnName;
    this.supportsMasking = true;
  }

  /** Probability of dropping a unit, 1 − keepProb. */
  get dropRate(): number {
    return 1 - this.keepProb;
  }

  /** Restarts the mask stream from `seed` (default: the layer's own), e.g. to repeat an experiment in the same model. */
  resetNoise(seed: number = this.seed): void {
    this.noise.reset(seed);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    const fn = `${this.fnName}.call`;
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument(fn, "inputs", `${inputs.length} tensors`, "one tensor");
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.dtype !== "float32") invalidArgument(fn, "inputs.dtype", x.dtype, '"float32"');
    const stochastic = kwargs?.training === true || this.noise.monteCarlo;
    if (!stochastic) return dropoutInference(x, this.keepProb, this.convention);
    if (this.keepProb === 1) return tf.clone(x);
    const maskShape = resolveNoiseShape(fn, this.noiseShape, x.shape);
    const seed = this.noise.nextSeed();
    return tf.tidy(() => applyDropoutMask(x, drawDropoutMask(maskShape, this.keepProb, this.convention, seed), this.keepProb, this.convention));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), keepProb: this.keepProb, seed: this.seed };
    if (this.noiseShape !== undefined) config["noiseShape"] = this.noiseShape.slice();
    return config;
  }
}

/** Registers a layer class under its className unless one is already registered there; returns whether it did. */
export function registerOnce(cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { className: string }): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  if (Object.prototype.hasOwnProperty.call(registered, cls.className)) return false;
  tf.serialization.registerClass(cls);
  return true;
}
