/**
 * Parameter averaging (lecture 003 "just average the parameter vectors together"; Polyak & Juditsky 1992;
 * Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima and Better Generalization"): models of one
 * architecture θ₁, …, θ_k (snapshots of one run, or members started from one point) are replaced by one model
 *
 *     θ̄ = Σ_m w_m θ_m / Σ_m w_m      (uniform: w_m = 1, θ̄ = (1/k) Σ θ_m),
 *
 * element-wise for every weight. It costs one model at test time instead of k, and works when the θ_m lie in one
 * basin of the loss (snapshots of one run); averaging independently trained networks usually does not, since
 * their hidden units are permuted relative to each other.
 *
 * Batch-norm running statistics are weights too and are averaged like the others, but the mean of the members'
 * statistics is not the statistics of the averaged network's activations: recompute them afterwards with
 * `recomputeBatchNormStatistics(model, x)` (Izmailov et al.'s "BN update").
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../errors";
import { normalizedMemberWeights } from "./checks";

/** A model, or a list of weight tensors in `model.getWeights()` order (e.g. a snapshot's weights). */
export type ParameterSource = tf.LayersModel | readonly tf.Tensor[];

/** The last part of a weight's name (`dense_Dense1/kernel` → `kernel`): the same across models of one architecture. */
function weightKind(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1).replace(/_\d+$/, "");
}

interface Described {
  tensors: tf.Tensor[];
  kinds: (string | null)[];
}

function describe(fn: string, name: string, source: unknown): Described {
  if (source instanceof tf.LayersModel) {
    return { tensors: source.getWeights(), kinds: source.weights.map((w) => weightKind(w.originalName)) };
  }
  if (Array.isArray(source) && source.every((t) => t instanceof tf.Tensor && !t.isDisposed)) {
    return { tensors: source as tf.Tensor[], kinds: source.map(() => null) };
  }
  return invalidArgument(fn, name, source, "a tf.LayersModel or an array of live weight tensors (model.getWeights() order)");
}

/** Checks that `other` has the architecture of `reference`: as many weights, the same shapes and kinds. */
function checkSameArchitecture(fn: string, name: string, reference: Described, other: Described, referenceName: string): void {
  if (other.tensors.length !== reference.tensors.length) {
    invalidArgument(fn, `${name} (number of weights)`, other.tensors.length, `${reference.tensors.length} like ${referenceName}: mismatched architectures`);
  }
  other.tensors.forEach((t, i) => {
    const shape = reference.tensors[i]!.shape;
    const kind = reference.kinds[i];
    const otherKind = other.kinds[i];
    if (t.shape.join(",") !== shape.join(",") || (kind != null && otherKind != null && kind !== otherKind)) {
      invalidArgument(
        fn,
        `${name} weight ${i}`,
        `${otherKind ?? "a tensor"} of shape ${describeValue(t.shape)}`,
        `${kind ?? "a tensor"} of shape ${describeValue(shape)} like ${referenceName}: mismatched architectures`,
      );
    }
  });
}

/**
 * The element-wise (weighted) mean of the sources' weights: new tensors in `model.getWeights()` order, which the
 * caller disposes (or hands to `model.setWeights` and then disposes). All sources must have one architecture.
 * `options.weights`: one number ≥ 0 per source with a positive sum; uniform when left out.
 */
export function averageParameters(sources: readonly ParameterSource[], options: { weights?: readonly number[] } = {}): tf.Tensor[] {
  const fn = "averageParameters";
  if (!Array.isArray(sources) || sources.length === 0) invalidArgument(fn, "sources", sources, "a non-empty array of models or weight lists");
  const described = sources.map((s, i) => describe(fn, `sources[${i}]`, s));
  described.forEach((d, i) => checkSameArchitecture(fn, `sources[${i}]`, described[0]!, d, "sources[0]"));
  const coefficients =
    options.weights === undefined ? sources.map(() => 1 / sources.length) : normalizedMemberWeights(fn, "options.weights", options.weights, sources.length);
  return described[0]!.tensors.map((_, i) =>
    tf.tidy(() => {
      const terms = described.map((d, m) => tf.mul(d.tensors[i]!.toFloat(), coefficients[m]!));
      const sum = tf.addN(terms);
      return sum.dtype === described[0]!.tensors[i]!.dtype ? sum : sum.cast(described[0]!.tensors[i]!.dtype);
    }),
  );
}

/**
 * Sets `target`'s weights to the (weighted) mean of the sources' weights (`averageParameters`) and frees the means.
 * `target` must have the sources' architecture; it may be one of them. Batch-norm statistics: see the module comment.
 */
export function assignAveragedParameters(target: tf.LayersModel, sources: readonly ParameterSource[], options: { weights?: readonly number[] } = {}): void {
  const fn = "assignAveragedParameters";
  if (!(target instanceof tf.LayersModel)) invalidArgument(fn, "target", target, "a tf.LayersModel");
  if (!Array.isArray(sources) || sources.length === 0) invalidArgument(fn, "sources", sources, "a non-empty array of models or weight lists");
  checkSameArchitecture(fn, "target", describe(fn, "sources[0]", sources[0]), describe(fn, "target", target), "sources[0]");
  const averaged = averageParameters(sources, options);
  try {
    target.setWeights(averaged);
  } finally {
    tf.dispose(averaged);
  }
}
