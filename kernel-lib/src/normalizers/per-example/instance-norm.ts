/**
 * Instance norm as a layer (Ulyanov, Vedaldi & Lempitsky 2016, "Instance Normalization: The Missing Ingredient
 * for Fast Stylization"; lecture 002). Each example and each channel is standardized with the mean and
 * variance over the spatial positions only, then scaled and shifted per channel:
 *
 *   y = γ_c (x − μ_{n,c})/√(σ²_{n,c} + ε) + β_c,   μ, σ² over (L) or (H, W) (σ² biased, 1/m).
 *
 * Group norm with groups = C. Choices, against PyTorch's `nn.InstanceNorm2d` defaults: γ, β are learned by
 * default (`center`/`scale` true; PyTorch's default is `affine=False`: pass `center: false, scale: false`);
 * there are never running statistics (PyTorch's default `track_running_stats=False`, the same), so training
 * and inference compute the same thing.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../../errors";
import { instanceNormalize } from "./functional";
import { builtShape, PerExampleNorm, registerLayerClass, type PerExampleNormArgs } from "./norm-layer";

export type InstanceNormArgs = PerExampleNormArgs;

let unnamedLayers = 0;

export class InstanceNorm extends PerExampleNorm {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>InstanceNorm";

  constructor(args: InstanceNormArgs = {}) {
    super("InstanceNorm", args, `instance_norm_${++unnamedLayers}`);
  }

  override build(inputShape: Parameters<tf.layers.Layer["build"]>[0]): void {
    const shape = builtShape("InstanceNorm.build", inputShape, 3, "[N, L, C] or [N, H, W, C]: statistics over the spatial axes need at least one");
    const channels = shape[shape.length - 1];
    if (channels == null) invalidArgument("InstanceNorm.build", "input shape", shape, "a known channel count on the last axis");
    this.addAffineWeights([channels]);
    this.built = true;
  }

  protected normalize(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
    return instanceNormalize(x, gamma, beta, { epsilon: this.epsilon });
  }
}

/** `new InstanceNorm(args)`, in the style of `tf.layers.*` factories. */
export function instanceNormLayer(args: InstanceNormArgs = {}): InstanceNorm {
  return new InstanceNorm(args);
}

/** Registers `InstanceNorm` as "KernelLib>InstanceNorm" (once; see `registerLayerClass`). Runs when this module loads. */
export function registerInstanceNorm(): boolean {
  return registerLayerClass(InstanceNorm);
}

registerInstanceNorm();
