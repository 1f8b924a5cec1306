/**
 * The three shapes a set of gradients comes in, and their norms. `tf.variableGrads` and
 * `optimizer.computeGradients` return a map `{ [variableName]: gradient }`; `optimizer.minimize` (and so
 * `model.fit`) hands `applyGradients` a list of `{ name, tensor }`; a hand-written loop may hold a plain array
 * of tensors. The clipping functions accept all three and give back the same shape.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../../errors";

/** A gradient per variable name, as `tf.variableGrads(f).grads` returns it. */
export type GradientMap = Record<string, tf.Tensor>;

/** One named gradient, as `optimizer.minimize` passes them to `applyGradients`; a missing gradient is `null`. */
export interface NamedGradient {
  name: string;
  tensor: tf.Tensor | null | undefined;
}

/** Any of the accepted shapes: a map, a list of named gradients, or a plain array of tensors. */
export type Gradients = GradientMap | NamedGradient[] | tf.Tensor[];

/** The gradients as a flat list: their names (array index as a string for a plain array) and tensors. */
export interface GradientEntries {
  names: string[];
  tensors: (tf.Tensor | null)[];
}

/** Flattens any accepted shape into names and tensors, checking that every gradient is a tensor (or null in a named list). */
export function gradientEntries(fn: string, grads: Gradients): GradientEntries {
  const names: string[] = [];
  const tensors: (tf.Tensor | null)[] = [];
  const take = (name: string, value: unknown, nullable: boolean): void => {
    if (value == null && nullable) {
      names.push(name);
      tensors.push(null);
      return;
    }
    if (!(value instanceof tf.Tensor)) invalidArgument(fn, `grads[${JSON.stringify(name)}]`, describeValue(value), "a tf.Tensor");
    if (value.dtype !== "float32") invalidArgument(fn, `grads[${JSON.stringify(name)}].dtype`, value.dtype, '"float32"');
    names.push(name);
    tensors.push(value);
  };
  if (Array.isArray(grads)) {
    grads.forEach((item: tf.Tensor | NamedGradient, i) => {
      if (item instanceof tf.Tensor) take(String(i), item, false);
      else if (item !== null && typeof item === "object" && typeof item.name === "string") take(item.name, item.tensor, true);
      else invalidArgument(fn, `grads[${i}]`, item, "a tf.Tensor or { name, tensor }");
    });
  } else if (grads !== null && typeof grads === "object" && !(grads instanceof tf.Tensor)) {
    for (const [name, value] of Object.entries(grads)) take(name, value, false);
  } else {
    invalidArgument(fn, "grads", grads, "a map { name: tf.Tensor } (as tf.variableGrads returns), a list of { name, tensor }, or an array of tensors");
  }
  return { names, tensors };
}

/** Rebuilds the caller's shape from new tensors, in the order of `gradientEntries`. */
export function rebuildGradients<G extends Gradients>(grads: G, entries: GradientEntries, tensors: (tf.Tensor | null)[]): G {
  if (!Array.isArray(grads)) {
    const map: GradientMap = {};
    entries.names.forEach((name, i) => (map[name] = tensors[i]!));
    return map as G;
  }
  return grads.map((item: tf.Tensor | NamedGradient, i) => (item instanceof tf.Tensor ? tensors[i]! : { name: item.name, tensor: tensors[i] ?? null })) as G;
}

/** The Euclidean norm of every gradient and of all of them together, as numbers. */
export interface GradientNorms {
  /** ‖gᵢ‖₂ per gradient, in the order of `names` (0 for a missing gradient). */
  norms: number[];
  /** ‖g‖_global = √(Σᵢ ‖gᵢ‖₂²), the norm of all gradients concatenated into one vector. */
  globalNorm: number;
}

/**
 * ‖gᵢ‖₂ = √(Σⱼ gᵢⱼ²) for each gradient and ‖g‖_global = √(Σᵢ ‖gᵢ‖₂²) (TensorFlow's `tf.linalg.global_norm`,
 * PyTorch's `total_norm` in `clip_grad_norm_`). The sums of squares are taken in float32 on the backend and
 * read in one transfer; the square roots and the global sum are done in float64. A gradient above ~1.8e19
 * overflows float32 when squared, giving an infinite norm: that is itself the signal that it exploded.
 */
export function gradientNorms(entries: GradientEntries): GradientNorms {
  const present = entries.tensors.filter((t): t is tf.Tensor => t !== null);
  let squares: Float32Array = new Float32Array(0);
  if (present.length > 0) {
    const stacked = tf.tidy(() => tf.stack(present.map((t) => tf.sum(tf.square(t)))));
    squares = stacked.dataSync() as Float32Array;
    stacked.dispose();
  }
  let k = 0;
  let total = 0;
  const norms = entries.tensors.map((t) => {
    if (t === null) return 0;
    const s = squares[k++]!;
    total += s;
    return Math.sqrt(s);
  });
  return { norms, globalNorm: Math.sqrt(total) };
}
