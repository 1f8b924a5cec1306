/**
 * An L2 penalty toward a fixed value b instead of 0 (lecture 000, "a penalty toward a prior value"):
 *
 *   Ω(w) = α/2 · ‖w − b‖₂²,   ∇Ω = α·(w − b).
 *
 * One gradient step is w ← w − η(∇L + α(w − b)) = (1 − ηα)·w + ηα·b − η∇L: the weights decay toward b rather
 * than toward 0. MAP view: a Gaussian prior centred on b, w ~ N(b, I/α), e.g. the weights of a model trained
 * on a related task (fine-tuning that stays close to the pre-trained solution). With b = 0 it is `l2Penalty`.
 *
 * The target is a number (the same b for every entry) or an array with exactly the shape of the weight (a
 * `tf.Tensor` is read once into an array). It is stored in the config, so the penalty saves with the model.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, invalidArgument } from "../../errors";
import { RegularizerBase, PENALTY_CLASS_PREFIX, checkFloatTensor, checkStrength, registerPenalty } from "./base";

/** A number or a (nested, rectangular) array of numbers, as `tf.tensor` takes them. */
export type PenaltyTarget = number | PenaltyTargetArray;
/** A nested array of finite numbers. */
export type PenaltyTargetArray = (number | PenaltyTargetArray)[];

/** Options of `l2TowardPenalty`. */
export interface L2TowardPenaltyOptions {
  /** α ≥ 0, the weight of ½‖w − b‖² in the loss. */
  strength: number;
  /** b: a number, or an array (or tensor) with the shape of the penalized weight. */
  target: PenaltyTarget | tf.Tensor;
}

/** Reads a nested array: checks it is rectangular with finite entries and returns its flat values and shape. */
function flattenTarget(fn: string, target: unknown): { values: number[]; shape: number[] } {
  if (typeof target === "number") {
    if (!Number.isFinite(target)) invalidArgument(fn, "options.target", target, "a finite number or an array of finite numbers");
    return { values: [target], shape: [] };
  }
  if (!Array.isArray(target)) invalidArgument(fn, "options.target", target, "a finite number, an array of finite numbers or a tf.Tensor");
  // The shape is read along the first elements; every other entry is then checked against it.
  const shape: number[] = [];
  for (let node: unknown = target; Array.isArray(node); node = node[0]) shape.push(node.length);
  const values: number[] = [];
  const visit = (node: unknown, depth: number, path: string): void => {
    if (depth < shape.length) {
      if (!Array.isArray(node) || node.length !== shape[depth]) {
        invalidArgument(fn, `options.target${path}`, node, `an array of length ${shape[depth]} (the target must be rectangular)`);
      }
      node.forEach((child, i) => visit(child, depth + 1, `${path}[${i}]`));
    } else if (typeof node !== "number" || !Number.isFinite(node)) {
      invalidArgument(fn, `options.target${path}`, node, "a finite number (the target must be rectangular)");
    } else {
      values.push(node);
    }
  };
  visit(target, 0, "");
  return { values, shape };
}

/** Ω(w) = α/2 · ‖w − b‖₂², gradient α·(w − b): L2 decay toward a fixed value b (see the module comment). */
export class L2TowardPenalty extends RegularizerBase {
  static className = `${PENALTY_CLASS_PREFIX}L2TowardPenalty`;
  /** α. */
  readonly strength: number;
  /** b as given (a number or a nested array; a tensor target is stored as its array). */
  readonly target: PenaltyTarget;
  /** The shape of b: [] for a number, which applies to every entry of w. */
  readonly targetShape: readonly number[];
  private readonly targetValues: Float32Array;

  constructor(options: L2TowardPenaltyOptions) {
    super();
    const fn = "l2TowardPenalty";
    this.strength = checkStrength(fn, "options.strength", options?.strength);
    const given = options?.target;
    const target = given instanceof tf.Tensor ? (given.arraySync() as PenaltyTarget) : given;
    const { values, shape } = flattenTarget(fn, target);
    this.target = structuredClone(target as PenaltyTarget); // a copy: later edits of the caller's array change nothing
    this.targetShape = shape;
    this.targetValues = Float32Array.from(values);
  }

  override apply(w: tf.Tensor): tf.Scalar {
    checkFloatTensor("L2TowardPenalty.apply", "w", w);
    const scalarTarget = this.targetShape.length === 0;
    if (!scalarTarget && !tf.util.arraysEqual(w.shape, this.targetShape as number[])) {
      invalidArgument("L2TowardPenalty.apply", "w.shape", w.shape, `the target's shape ${describeValue(this.targetShape)} (or give a number as target)`);
    }
    return tf.tidy(() => {
      const b = scalarTarget ? tf.scalar(this.targetValues[0]!) : tf.tensor(this.targetValues, this.targetShape as number[], "float32");
      return tf.mul(tf.sum(tf.square(tf.sub(w, b))), this.strength / 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength, target: this.target };
  }
}

/**
 * α/2 · ‖w − b‖₂² as a tfjs regularizer (lecture 000), e.g. toward pre-trained weights:
 * `tf.layers.dense({ units: 3, kernelRegularizer: l2TowardPenalty({ strength: 0.1, target: oldKernel }) })`.
 */
export function l2TowardPenalty(options: L2TowardPenaltyOptions): L2TowardPenalty {
  return new L2TowardPenalty(options);
}

registerPenalty(L2TowardPenalty);
