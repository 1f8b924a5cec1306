/**
 * Additive Gaussian input noise as a layer (lecture 002, "noise robustness"; Bishop 1995, "Training with noise is
 * equivalent to Tikhonov regularization"): in training, x̃ = x + ε with ε ~ N(0, σ²) drawn afresh for every
 * element at every step; at inference the layer is the identity.
 *
 * Why it is a regularizer, in the one case where the algebra is exact. For a linear model y ≈ wᵀx with squared loss
 * and noise ε ~ N(0, σ² I) independent of x,
 *
 *     E_ε[(wᵀ(x + ε) − y)²] = (wᵀx − y)² + 2 (wᵀx − y) wᵀE[ε] + E[(wᵀε)²] = (wᵀx − y)² + σ² ‖w‖²,
 *
 * because E[ε] = 0 and E[(wᵀε)²] = wᵀ E[εεᵀ] w = σ² ‖w‖². So training on noisy inputs minimizes, in expectation,
 * the squared loss plus the L2 penalty λ‖w‖² with λ = σ² (per example; averaged over the data it stays σ²). In the
 * lecture's α/2·‖w‖² convention that is α = 2σ². (For nonlinear models the equivalence holds only to first order in σ².)
 *
 * Why not `tf.layers.gaussianNoise`: with a fixed seed tfjs draws the SAME noise at every call (the seed restarts its
 * generator each time), so a seeded model sees one fixed perturbation instead of fresh noise; without a seed it is not
 * reproducible. Here each layer owns a seeded stream (`Rng` from random.ts) that advances: call t draws with the
 * stream's t-th seed, so calls differ and the whole sequence repeats for the same seed.
 *
 * Training vs inference follows tfjs: `model.fit`, `trainOnBatch` (and so kernel-lib's `fit`) call layers with
 * `training: true`; `predict`, `evaluate` and `apply(x)` without it, where the layer returns its input unchanged.
 * In a custom loop, call `model.apply(x, { training: true })` inside the loss.
 *
 * Serializable as "KernelLib>GaussianInputNoise" with its `std` and `seed`; a loaded model's layer restarts its stream
 * from the seed, so it draws the same sequence a freshly built one would.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkNumber, invalidArgument } from "../../errors";
import { nextSeed, Rng } from "../../random";

type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];

export interface GaussianInputNoiseArgs extends BaseLayerArgs {
  /** Standard deviation σ ≥ 0 of the additive noise (0: the layer is the identity). */
  std: number;
  /** Seed of the layer's noise stream. Default: drawn from kernel-lib's global stream (`seed(n)` makes it reproducible). */
  seed?: number;
}

let unnamedLayers = 0;

/** Adds N(0, σ²) noise to its input in training, a fresh draw per call from a seeded stream; identity at inference. */
export class GaussianInputNoise extends tf.layers.Layer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>GaussianInputNoise";
  readonly std: number;
  readonly seed: number;
  private stream: Rng;

  constructor(args: GaussianInputNoiseArgs) {
    if (args == null || typeof args !== "object") invalidArgument("GaussianInputNoise", "args", args, "an object { std, seed?, name? }");
    const std = checkNumber("GaussianInputNoise", "args.std", args.std, 0);
    const seed = args.seed === undefined ? nextSeed() : checkInteger("GaussianInputNoise", "args.seed", args.seed);
    const layerArgs: Partial<GaussianInputNoiseArgs> = { ...args };
    delete layerArgs.std;
    delete layerArgs.seed;
    // tfjs would derive the default name from the class name, whose ">" is not valid in a tensor name.
    super({ ...layerArgs, name: layerArgs.name ?? `gaussian_input_noise_${++unnamedLayers}` });
    this.std = std;
    this.seed = seed;
    this.stream = new Rng(seed);
    this.supportsMasking = true;
  }

  /** Restarts the noise stream from `seed` (default: the layer's own), e.g. to repeat an experiment in the same model. */
  resetNoise(seed: number = this.seed): void {
    this.stream = new Rng(checkInteger("GaussianInputNoise.resetNoise", "seed", seed));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument("GaussianInputNoise.call", "inputs", `${inputs.length} tensors`, "one tensor");
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.dtype !== "float32") invalidArgument("GaussianInputNoise.call", "inputs.dtype", x.dtype, '"float32"');
    if (kwargs.training !== true || this.std === 0) return tf.clone(x);
    const drawSeed = this.stream.nextSeed();
    return tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, this.std, "float32", drawSeed)));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), std: this.std, seed: this.seed };
  }
}

/** `new GaussianInputNoise(args)`, in the style of `tf.layers.*` factories. */
export function gaussianInputNoise(args: GaussianInputNoiseArgs): GaussianInputNoise {
  return new GaussianInputNoise(args);
}

/**
 * Registers `GaussianInputNoise` under "KernelLib>GaussianInputNoise" unless a class is already registered under that
 * name (a second copy of kernel-lib in the process): the first registration stays. Runs when this module loads.
 * @returns whether this call registered the class.
 */
export function registerGaussianInputNoise(): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  if (Object.prototype.hasOwnProperty.call(registered, GaussianInputNoise.className)) return false;
  tf.serialization.registerClass(GaussianInputNoise);
  return true;
}

registerGaussianInputNoise();
