/**
 * Group norm as a layer (Wu & He 2018, "Group Normalization"; lecture 002). The channels (last axis, tfjs's
 * channels-last layout) are split into `groups` groups of C/groups consecutive channels; each example and
 * group is standardized with its own mean and variance over the spatial positions and the group's channels,
 * then each channel gets its own γ_c, β_c:
 *
 *   y = γ_c (x − μ_i)/√(σ_i² + ε) + β_c,   μ_i, σ_i² over S_i = {same example, same group} (σ² biased, 1/m).
 *
 * Inputs [N, C] (groups of features), [N, L, C] or [N, H, W, C]. `groups = 1` is layer norm over all of an
 * example with per-channel affine; `groups = C` is instance norm. Wu & He use 32 groups for ResNets.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { checkGroups, groupNormalize } from "./functional";
import { builtShape, PerExampleNorm, registerLayerClass, type PerExampleNormArgs } from "./norm-layer";

export interface GroupNormArgs extends PerExampleNormArgs {
  /** Number of channel groups; must divide the channel count. */
  groups: number;
}

let unnamedLayers = 0;

export class GroupNorm extends PerExampleNorm {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>GroupNorm";
  readonly groups: number;

  constructor(args: GroupNormArgs) {
    if (args == null || typeof args !== "object") invalidArgument("GroupNorm", "args", args, "{ groups, epsilon?, center?, scale?, name? }");
    super("GroupNorm", args, `group_norm_${++unnamedLayers}`);
    this.groups = checkInteger("GroupNorm", "groups", args.groups, 1);
  }

  override build(inputShape: Parameters<tf.layers.Layer["build"]>[0]): void {
    const shape = builtShape("GroupNorm.build", inputShape, 2, "[N, C], [N, L, C] or [N, H, W, C], channels last");
    const channels = shape[shape.length - 1];
    if (channels == null) invalidArgument("GroupNorm.build", "input shape", shape, "a known channel count on the last axis");
    checkGroups("GroupNorm", this.groups, channels);
    this.addAffineWeights([channels]);
    this.built = true;
  }

  protected normalize(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
    return groupNormalize(x, gamma, beta, { groups: this.groups, epsilon: this.epsilon });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

/** `new GroupNorm(args)`, in the style of `tf.layers.*` factories. */
export function groupNormLayer(args: GroupNormArgs): GroupNorm {
  return new GroupNorm(args);
}

/** Registers `GroupNorm` as "KernelLib>GroupNorm" (once; see `registerLayerClass`). Runs when this module loads. */
export function registerGroupNorm(): boolean {
  return registerLayerClass(GroupNorm);
}

registerGroupNorm();
