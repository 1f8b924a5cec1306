/**
 * Combining the predictions of k ensemble members (lecture 003 "how do we predict?"; lecture 000 "Ensemble
 * methods"). Each member m gives class probabilities p_m(y | x), an [N, C] tensor.
 *
 *   average ("principled approach"):   p(y | x) = (1/k) Σ_m p_m(y | x)
 *   weighted average:                  p(y | x) = Σ_m w_m p_m(y | x) / Σ_m w_m,   w_m ≥ 0, Σ w_m > 0
 *   majority vote ("simple approach"): ŷ(x) = the class predicted (argmax) by the most members
 *
 * Tie rule of the vote: among the classes with the most votes, the one with the highest summed probability
 * Σ_m p_m(c | x) (the vote falls back on the average, the lecture's principled combination); if that is tied too
 * (exactly equal sums), the lowest class index. A member's own vote is its argmax, the lowest index among equal
 * probabilities (as `tf.argMax`).
 */
import * as tf from "@tensorflow/tfjs";
import { argMaxAt, checkMemberOutputs, memberClasses, normalizedMemberWeights } from "./checks";

/** The mean of the members' probabilities, (1/k) Σ_m p_m, as a new [N, C] tensor (the caller disposes it). */
export function averageProbabilities(memberProbabilities: readonly tf.Tensor[]): tf.Tensor2D {
  checkMemberOutputs("averageProbabilities", "memberProbabilities", memberProbabilities);
  return tf.tidy(() => tf.div(tf.addN(memberProbabilities.slice()), memberProbabilities.length)) as tf.Tensor2D;
}

/**
 * The weighted mean Σ_m w_m p_m / Σ_m w_m as a new [N, C] tensor. `weights`: one finite number ≥ 0 per member, with
 * a positive sum (they are normalized, so [2, 1, 1] and [0.5, 0.25, 0.25] are the same).
 */
export function weightedAverageProbabilities(memberProbabilities: readonly tf.Tensor[], weights: readonly number[]): tf.Tensor2D {
  const fn = "weightedAverageProbabilities";
  checkMemberOutputs(fn, "memberProbabilities", memberProbabilities);
  const normalized = normalizedMemberWeights(fn, "weights", weights, memberProbabilities.length);
  return tf.tidy(() => tf.addN(memberProbabilities.map((p, m) => tf.mul(p, normalized[m]!)))) as tf.Tensor2D;
}

/** Per example and class, how many members predict that class: an [N][C] table as one Int32Array (row-major). */
export function voteCounts(memberProbabilities: readonly tf.Tensor[]): { counts: Int32Array; examples: number; classes: number } {
  const [examples, classes] = checkMemberOutputs("voteCounts", "memberProbabilities", memberProbabilities);
  const counts = new Int32Array(examples * classes);
  for (const predicted of memberClasses(memberProbabilities, examples, classes)) {
    for (let e = 0; e < examples; e++) counts[e * classes + predicted[e]!]! += 1;
  }
  return { counts, examples, classes };
}

/**
 * The majority vote of the members, as class indices [N] (int32; the caller disposes it). Ties: the highest summed
 * probability among the most-voted classes, then the lowest class index (module comment).
 */
export function majorityVote(memberProbabilities: readonly tf.Tensor[]): tf.Tensor1D {
  const { counts, examples, classes } = voteCounts(memberProbabilities);
  const sums = new Float64Array(examples * classes);
  for (const p of memberProbabilities) {
    const values = p.dataSync();
    for (let i = 0; i < values.length; i++) sums[i]! += values[i]!;
  }
  const winners = new Int32Array(examples);
  for (let e = 0; e < examples; e++) {
    const offset = e * classes;
    const mostVotes = counts[offset + argMaxAt(counts, offset, classes)]!;
    let best = -1;
    for (let c = 0; c < classes; c++) {
      if (counts[offset + c] !== mostVotes) continue;
      if (best < 0 || sums[offset + c]! > sums[offset + best]!) best = c;
    }
    winners[e] = best;
  }
  return tf.tensor1d(winners, "int32");
}
