/**
 * Standardization to zero mean and unit variance per feature (lecture 001, "Normalize to zero mean and unity
 * variance"; lecture 003, "Standardization: transform inputs so they have μ = 0, σ = 1" — for regression, the
 * outputs too; lecture 004, "the inputs are scaled such that all have the same covariance"):
 *
 *   x̌ = (x − x^mean) ⊘ x^std,   x^std = sqrt((1/N) Σ_q (x_q − x^mean)²)
 *
 * The population standard deviation (divide by N), as lecture 001 and scikit-learn's `StandardScaler`.
 */
import { invalidArgument } from "../../errors";
import type { HostMatrix } from "./matrix";
import { PerFeatureAffineScaler, constantFeaturesMessage } from "./per-feature-affine";
import { numbersFromJSON, type ScalerJSONBase } from "./scaler";
import { constantFeatures, featureMeans, featureStds } from "./statistics";

export interface StandardScalerJSON extends ScalerJSONBase {
  kind: "StandardScaler";
  mean: number[];
  std: number[];
}

export class StandardScaler extends PerFeatureAffineScaler {
  readonly kind = "StandardScaler" as const;
  protected readonly minSamples = 2;

  /** Per-feature training mean (a copy). */
  get mean(): Float64Array {
    this.requireFitted("mean");
    return this.center.slice();
  }

  /** Per-feature training standard deviation, population (a copy). */
  get std(): Float64Array {
    this.requireFitted("std");
    return this.scale.slice();
  }

  protected override fitMatrix(fn: string, matrix: HostMatrix): void {
    const constant = constantFeatures(matrix);
    if (constant.length > 0) throw new RangeError(constantFeaturesMessage(fn, constant, "its standard deviation is 0 and dividing by it would give NaN"));
    this.center = featureMeans(matrix);
    this.scale = featureStds(matrix, this.center);
  }

  protected override stateJSON(): StandardScalerJSON {
    return { kind: this.kind, mean: Array.from(this.center), std: Array.from(this.scale) };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const fn = "StandardScaler.fromJSON";
    const scaler = new StandardScaler();
    scaler.center = numbersFromJSON(fn, "json.mean", json.mean);
    scaler.scale = numbersFromJSON(fn, "json.std", json.std, scaler.center.length);
    scaler.scale.forEach((s, j) => {
      if (!(s > 0)) invalidArgument(fn, `json.std[${j}]`, s, "a positive number");
    });
    scaler.markFitted(scaler.center.length);
    return scaler;
  }
}
