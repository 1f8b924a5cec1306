/**
 * Layer norm as a layer (Ba, Kiros & Hinton 2016, "Layer Normalization"; lecture 002 "Beyond Batch
 * Normalization", lecture 001: "more effective than batch norm in recurrent networks"). Each example is
 * standardized with the mean and variance of its own features over `axis`, then scaled and shifted by γ, β of
 * the shape of those axes (elementwise affine, like PyTorch's `nn.LayerNorm` and tfjs's `layerNormalization`):
 *
 *   y = γ ⊙ (x − μ)/√(σ² + ε) + β,   μ, σ² over `axis` of one example (σ² biased, 1/m).
 *
 * Default `axis: -1`: the features of [N, F], or the channels of each position of [N, L, C] (as in
 * transformers). For Wu & He's "LN" over (H, W, C) of an image tensor use `axis: [1, 2, 3]`.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { layerNormalize } from "./functional";
import { resolveExampleAxes } from "./normalize-over-axes";
import { builtShape, PerExampleNorm, registerLayerClass, type PerExampleNormArgs } from "./norm-layer";

export interface LayerNormArgs extends PerExampleNormArgs {
  /** Axes to normalize over (never 0, the batch axis); negative counts from the end. Default -1. */
  axis?: number | number[];
}

let unnamedLayers = 0;

export class LayerNorm extends PerExampleNorm {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>LayerNorm";
  /** The axes as given (negative ones resolve against the input rank in `build`). */
  readonly axis: number | number[];
  private resolvedAxes: number[] = [];

  constructor(args: LayerNormArgs = {}) {
    super("LayerNorm", args, `layer_norm_${++unnamedLayers}`);
    const axis = args.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== "number" || !Number.isInteger(a))) {
      invalidArgument("LayerNorm", "axis", axis, "an integer or a non-empty array of integers");
    }
    this.axis = typeof axis === "number" ? axis : [...axis];
  }

  override build(inputShape: Parameters<tf.layers.Layer["build"]>[0]): void {
    const shape = builtShape("LayerNorm.build", inputShape, 2, "a batch axis and at least one feature axis");
    this.resolvedAxes = resolveExampleAxes("LayerNorm", "axis", this.axis, shape.length);
    const paramShape = this.resolvedAxes.map((axis) => shape[axis]);
    if (paramShape.some((d) => d == null))
      invalidArgument("LayerNorm.build", "input shape", shape, `known sizes on the normalized axes ${JSON.stringify(this.resolvedAxes)}`);
    this.addAffineWeights(paramShape as number[]);
    this.built = true;
  }

  protected normalize(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
    return layerNormalize(x, gamma, beta, { axis: this.resolvedAxes, epsilon: this.epsilon });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** `new LayerNorm(args)`, in the style of `tf.layers.*` factories. */
export function layerNormLayer(args: LayerNormArgs = {}): LayerNorm {
  return new LayerNorm(args);
}

/** Registers `LayerNorm` as "KernelLib>LayerNorm" (once; see `registerLayerClass`). Runs when this module loads. */
export function registerLayerNorm(): boolean {
  return registerLayerClass(LayerNorm);
}

registerLayerNorm();
