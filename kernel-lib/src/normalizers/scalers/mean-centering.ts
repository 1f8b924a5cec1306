/**
 * Mean-centering: subtract the training mean of each feature, x̌ = x − x^mean (lecture 000, "Preprocessing of
 * inputs": with all-positive inputs every weight gradient of a unit has the sign of its δ, so zero-mean the data,
 * with the mean "calculated from the training set" and "applied to the validation and testing data"; lecture
 * 004, "the mean of each input variable over the training set is zero"). No rescaling, so constant features are
 * fine (they become 0).
 */
import type { HostMatrix } from "./matrix";
import { PerFeatureAffineScaler } from "./per-feature-affine";
import { numbersFromJSON, type ScalerJSONBase } from "./scaler";
import { featureMeans } from "./statistics";

export interface MeanCenteringJSON extends ScalerJSONBase {
  kind: "MeanCentering";
  mean: number[];
}

export class MeanCentering extends PerFeatureAffineScaler {
  readonly kind = "MeanCentering" as const;
  protected readonly minSamples = 1;

  /** Per-feature training mean (a copy). */
  get mean(): Float64Array {
    this.requireFitted("mean");
    return this.center.slice();
  }

  protected override fitMatrix(_fn: string, matrix: HostMatrix): void {
    this.center = featureMeans(matrix);
    this.scale = new Float64Array(matrix.cols).fill(1);
  }

  protected override stateJSON(): MeanCenteringJSON {
    return { kind: this.kind, mean: Array.from(this.center) };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: MeanCenteringJSON): MeanCentering {
    const scaler = new MeanCentering();
    scaler.center = numbersFromJSON("MeanCentering.fromJSON", "json.mean", json.mean);
    scaler.scale = new Float64Array(scaler.center.length).fill(1);
    scaler.markFitted(scaler.center.length);
    return scaler;
  }
}
