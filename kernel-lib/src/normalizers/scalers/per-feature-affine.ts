/**
 * The per-feature affine scalers share one formula, applied to every column j independently:
 *
 *   y_j = (x_j − center_j) / scale_j + offset        inverse: x_j = (y_j − offset) · scale_j + center_j
 *
 * standardization: center = mean, scale = standard deviation, offset = 0; min-max to [low, high]: center = min,
 * scale = (max − min) / (high − low), offset = low; mean-centering: center = mean, scale = 1, offset = 0.
 */
import * as tf from "@tensorflow/tfjs";
import { Scaler } from "./scaler";

export abstract class PerFeatureAffineScaler extends Scaler {
  protected center: Float64Array = new Float64Array(0);
  protected scale: Float64Array = new Float64Array(0);
  protected offset = 0;

  protected override forward(x: tf.Tensor2D): tf.Tensor2D {
    const centered = tf.sub(x, tf.tensor1d(Float32Array.from(this.center)));
    const scaled = this.scale.every((s) => s === 1) ? centered : tf.div(centered, tf.tensor1d(Float32Array.from(this.scale)));
    return (this.offset === 0 ? scaled : tf.add(scaled, this.offset)) as tf.Tensor2D;
  }

  protected override backward(y: tf.Tensor2D): tf.Tensor2D {
    const shifted = this.offset === 0 ? y : tf.sub(y, this.offset);
    const unscaled = this.scale.every((s) => s === 1) ? shifted : tf.mul(shifted, tf.tensor1d(Float32Array.from(this.scale)));
    return tf.add(unscaled, tf.tensor1d(Float32Array.from(this.center)));
  }

  protected override outputFeatures(): number {
    return this.center.length;
  }
}

/** Error message for constant features: their indices (up to 10) and what to do. */
export function constantFeaturesMessage(fn: string, constant: number[], why: string): string {
  const shown = constant.slice(0, 10).join(", ") + (constant.length > 10 ? `, ... (${constant.length} in all)` : "");
  return `${fn}: feature${constant.length > 1 ? "s" : ""} ${shown} ${constant.length > 1 ? "are" : "is"} constant in the training data (max = min), ${why}; drop ${constant.length > 1 ? "them" : "it"} before scaling`;
}
