/**
 * Min-max scaling of each feature to a range [low, high] (lecture 001, "Normalize to [−1, 1]":
 * p̌ = 2 (p − p^min) ⊘ (p^max − p^min) − 1; lecture 002, "scaling ... to the range [0, 1]":
 * x_new = (x − x_min) / (x_max − x_min)). In general
 *
 *   x̌ = (x − x^min) ⊘ (x^max − x^min) · (high − low) + low
 *
 * with the training minimum and maximum (test values outside them land outside [low, high]; that is correct).
 * Default range [−1, 1] as lecture 001; `featureRange: [0, 1]` gives lecture 002's. Same as scikit-learn's
 * `MinMaxScaler(feature_range=(low, high))`.
 */
import { checkNumber, invalidArgument } from "../../errors";
import type { HostMatrix } from "./matrix";
import { PerFeatureAffineScaler, constantFeaturesMessage } from "./per-feature-affine";
import { numbersFromJSON, type ScalerJSONBase } from "./scaler";
import { constantFeatures, featureRanges } from "./statistics";

export interface MinMaxScalerOptions {
  /** Target range [low, high], low < high. Default [−1, 1]. */
  featureRange?: [number, number];
}

export interface MinMaxScalerJSON extends ScalerJSONBase {
  kind: "MinMaxScaler";
  featureRange: [number, number];
  dataMin: number[];
  dataMax: number[];
}

export class MinMaxScaler extends PerFeatureAffineScaler {
  readonly kind = "MinMaxScaler" as const;
  protected readonly minSamples = 2;
  /** The target range [low, high]. */
  readonly featureRange: [number, number];
  private max: Float64Array = new Float64Array(0);

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [-1, 1];
    if (!Array.isArray(range) || range.length !== 2) invalidArgument("MinMaxScaler", "options.featureRange", range, "[low, high]");
    const low = checkNumber("MinMaxScaler", "options.featureRange[0]", range[0]);
    const high = checkNumber("MinMaxScaler", "options.featureRange[1]", range[1]);
    if (!(low < high)) invalidArgument("MinMaxScaler", "options.featureRange", range, "[low, high] with low < high");
    this.featureRange = [low, high];
    this.offset = low;
  }

  /** Per-feature training minimum (a copy). */
  get dataMin(): Float64Array {
    this.requireFitted("dataMin");
    return this.center.slice();
  }

  /** Per-feature training maximum. */
  get dataMax(): Float64Array {
    this.requireFitted("dataMax");
    return this.max.slice();
  }

  private span(): number {
    return this.featureRange[1] - this.featureRange[0];
  }

  protected override fitMatrix(fn: string, matrix: HostMatrix): void {
    const constant = constantFeatures(matrix);
    if (constant.length > 0) throw new RangeError(constantFeaturesMessage(fn, constant, "max − min is 0 and dividing by it would give NaN"));
    const { min, max } = featureRanges(matrix);
    this.setRange(min, max);
  }

  private setRange(min: Float64Array, max: Float64Array): void {
    this.center = min;
    this.max = max;
    this.scale = min.map((lo, j) => (max[j]! - lo) / this.span());
  }

  protected override stateJSON(): MinMaxScalerJSON {
    return { kind: this.kind, featureRange: [...this.featureRange], dataMin: Array.from(this.center), dataMax: Array.from(this.max) };
  }

  /** Rebuilds a fitted scaler from `toJSON()`'s output. */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const fn = "MinMaxScaler.fromJSON";
    const scaler = new MinMaxScaler({ featureRange: json.featureRange });
    const min = numbersFromJSON(fn, "json.dataMin", json.dataMin);
    const max = numbersFromJSON(fn, "json.dataMax", json.dataMax, min.length);
    max.forEach((hi, j) => {
      if (!(hi > min[j]!)) invalidArgument(fn, `json.dataMax[${j}]`, hi, `a number > json.dataMin[${j}] = ${min[j]}`);
    });
    scaler.setRange(min, max);
    scaler.markFitted(min.length);
    return scaler;
  }
}
