/**
 * What the three per-example normalization layers share: ε, the optional learnable γ (scale, initialized to 1)
 * and β (shift, initialized to 0), the same computation in training and at inference (there are no running
 * statistics: every call standardizes each example with its own statistics, which is why a batch of one works),
 * configuration for serialization, and an idempotent registration under a "KernelLib>..." class name.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { checkEpsilon, DEFAULT_PER_EXAMPLE_NORM_EPSILON } from "./normalize-over-axes";

/** The common layer arguments (`name`, `inputShape`, `trainable`, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];

/** Options every per-example norm layer takes. */
export interface PerExampleNormArgs extends BaseLayerArgs {
  /** Added to the variance before the square root. Default 1e-5 (PyTorch's; tfjs's layers use 1e-3). */
  epsilon?: number;
  /** Learn a shift β (initialized to 0). Default true. */
  center?: boolean;
  /** Learn a scale γ (initialized to 1). Default true. */
  scale?: boolean;
}

/** The base class: subclasses say which parameter shape they need and which formula they apply. */
export abstract class PerExampleNorm extends tf.layers.Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  protected gamma: tf.LayerVariable | null = null;
  protected beta: tf.LayerVariable | null = null;

  protected constructor(fn: string, args: PerExampleNormArgs, defaultName: string) {
    super({ ...args, name: args.name ?? defaultName });
    this.epsilon = checkEpsilon(fn, args.epsilon ?? DEFAULT_PER_EXAMPLE_NORM_EPSILON);
    if (args.center !== undefined && typeof args.center !== "boolean") invalidArgument(fn, "center", args.center, "true or false");
    if (args.scale !== undefined && typeof args.scale !== "boolean") invalidArgument(fn, "scale", args.scale, "true or false");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.supportsMasking = true;
  }

  /** Creates γ and β of `shape` (when `scale` / `center` ask for them). Called from `build`. */
  protected addAffineWeights(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight("gamma", shape, "float32", tf.initializers.ones());
    if (this.center) this.beta = this.addWeight("beta", shape, "float32", tf.initializers.zeros());
  }

  /** The normalization with the current γ and β (null when not learned). */
  protected abstract normalize(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor;

  /** Same in training and inference: `kwargs.training` is ignored, since nothing depends on the batch. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument(`${this.getClassName()}.call`, "inputs", `${inputs.length} tensors`, "one tensor");
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => this.normalize(x, this.gamma?.read() ?? null, this.beta?.read() ?? null));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

/** The rank of a built input shape, checked against a minimum; `layout` says what is expected. */
export function builtShape(fn: string, inputShape: LayerShape, minRank: number, layout: string): (number | null)[] {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
  if (shape.length < minRank) invalidArgument(fn, "input shape", shape, `rank >= ${minRank} (${layout})`);
  return shape;
}

/**
 * Registers a layer class with tfjs's serialization map under its `className`, unless a class is already
 * registered under that name (a second copy of kernel-lib in the same process): the first stays.
 * @returns whether this call registered the class.
 */
export function registerLayerClass(cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { className: string }): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  if (Object.prototype.hasOwnProperty.call(registered, cls.className)) return false;
  tf.serialization.registerClass(cls);
  return true;
}
