/** Argument checks shared by the ensemble functions: member outputs, labels and member weights. */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../errors";

/**
 * Checks a list of member outputs: a non-empty array of tensors of one shape [N, C] (N examples, C ≥ 1 classes).
 * Returns [N, C].
 */
export function checkMemberOutputs(fn: string, name: string, outputs: unknown): [number, number] {
  if (!Array.isArray(outputs) || outputs.length === 0) invalidArgument(fn, name, outputs, "a non-empty array of member outputs (tensors of shape [N, C])");
  const first = outputs[0] as unknown;
  if (!(first instanceof tf.Tensor) || first.rank !== 2 || first.shape[1]! < 1)
    invalidArgument(fn, `${name}[0]`, first instanceof tf.Tensor ? `a tensor of shape ${describeValue(first.shape)}` : first, "a tensor of shape [N, C]");
  outputs.forEach((output: unknown, i) => {
    if (!(output instanceof tf.Tensor) || output.shape.join(",") !== first.shape.join(",")) {
      const got = output instanceof tf.Tensor ? `a tensor of shape ${describeValue(output.shape)}` : output;
      invalidArgument(fn, `${name}[${i}]`, got, `a tensor of shape ${describeValue(first.shape)} (the shape of ${name}[0])`);
    }
    if (output.isDisposed) invalidArgument(fn, `${name}[${i}]`, "a disposed tensor", "a live tensor");
  });
  return [first.shape[0]!, first.shape[1]!];
}

/**
 * Class labels as integers: `labels` is a tensor of class indices [N] (int32 or float holding integers), a one-hot
 * (or probability) tensor [N, C] (its argmax is taken), or an array / typed array of class indices. Checks that there
 * are `n` labels in [0, classes).
 */
export function labelIndices(fn: string, name: string, labels: unknown, n: number, classes: number): Int32Array {
  let values: Int32Array;
  if (labels instanceof tf.Tensor) {
    if (labels.rank === 2) {
      if (labels.shape[1] !== classes) invalidArgument(fn, `${name}.shape`, labels.shape, `[${n}, ${classes}] (one-hot) or [${n}] (class indices)`);
      const argMax = tf.argMax(labels, 1);
      values = Int32Array.from(argMax.dataSync());
      argMax.dispose();
    } else if (labels.rank === 1) {
      values = Int32Array.from(labels.dataSync(), (v, i) => {
        if (!Number.isInteger(v)) invalidArgument(fn, `${name}[${i}]`, v, "an integer class index");
        return v;
      });
    } else {
      invalidArgument(fn, `${name}.shape`, labels.shape, `[${n}] (class indices) or [${n}, ${classes}] (one-hot)`);
    }
  } else if (Array.isArray(labels) || labels instanceof Int32Array || labels instanceof Float32Array || labels instanceof Uint8Array) {
    values = Int32Array.from(labels as ArrayLike<number>, (v, i) => {
      if (!Number.isInteger(v)) invalidArgument(fn, `${name}[${i}]`, v, "an integer class index");
      return v;
    });
  } else {
    invalidArgument(fn, name, labels, "class indices (a tensor [N] or an array) or one-hot labels (a tensor [N, C])");
  }
  if (values.length !== n) invalidArgument(fn, `${name}.length`, values.length, `${n} (one label per example)`);
  const bad = values.findIndex((v) => v < 0 || v >= classes);
  if (bad >= 0) invalidArgument(fn, `${name}[${bad}]`, values[bad], `a class index in [0, ${classes - 1}]`);
  return values;
}

/** Checks member weights: `count` finite numbers ≥ 0 with a positive sum. Returns them divided by their sum. */
export function normalizedMemberWeights(fn: string, name: string, weights: unknown, count: number): number[] {
  if (!Array.isArray(weights) && !(weights instanceof Float32Array) && !(weights instanceof Float64Array))
    invalidArgument(fn, name, weights, `an array of ${count} non-negative numbers (one per member)`);
  const list = Array.from(weights as ArrayLike<unknown>);
  if (list.length !== count) invalidArgument(fn, `${name}.length`, list.length, `${count} (one weight per member)`);
  list.forEach((w, i) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) invalidArgument(fn, `${name}[${i}]`, w, "a finite number >= 0");
  });
  const values = list as number[];
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) invalidArgument(fn, name, values, "weights with a positive sum (at least one weight > 0)");
  return values.map((w) => w / total);
}

/** The index of the largest value of `row[offset .. offset + length)`, the first one on ties (as `tf.argMax`). */
export function argMaxAt(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}

/** Each member's predicted class per example (first maximum on ties): `[member][example]`. */
export function memberClasses(outputs: readonly tf.Tensor[], n: number, classes: number): Int32Array[] {
  return outputs.map((output) => {
    const values = output.dataSync();
    const predicted = new Int32Array(n);
    for (let e = 0; e < n; e++) predicted[e] = argMaxAt(values, e * classes, classes);
    return predicted;
  });
}
