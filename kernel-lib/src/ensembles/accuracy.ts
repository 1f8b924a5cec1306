/**
 * Accuracy of an ensemble and of its members: the fraction of examples whose predicted class (argmax of the
 * probabilities, or the vote) equals the label. Lecture 003's comparison table reports exactly these numbers
 * (single model, ensemble averaged, ensemble voted).
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import { averageProbabilities, majorityVote, weightedAverageProbabilities } from "./combine";
import { checkMemberOutputs, labelIndices, memberClasses } from "./checks";

/**
 * Fraction of correct predictions. `predictions`: probabilities [N, C] (the argmax is the prediction, the lowest
 * index on ties) or class indices [N]. `labels`: class indices (tensor [N] or array) or one-hot [N, C].
 */
export function classificationAccuracy(predictions: tf.Tensor, labels: tf.Tensor | ArrayLike<number>): number {
  const fn = "classificationAccuracy";
  if (!(predictions instanceof tf.Tensor) || (predictions.rank !== 1 && predictions.rank !== 2))
    invalidArgument(fn, "predictions", predictions instanceof tf.Tensor ? `a tensor of shape [${predictions.shape}]` : predictions, "a tensor [N, C] or [N]");
  const n = predictions.shape[0]!;
  if (n === 0) invalidArgument(fn, "predictions.shape", predictions.shape, "at least one example");
  let predicted: Int32Array;
  let classes: number;
  if (predictions.rank === 2) {
    classes = predictions.shape[1]!;
    predicted = memberClasses([predictions], n, classes)[0]!;
  } else {
    predicted = Int32Array.from(predictions.dataSync());
    // Class indices carry no class count: take it from one-hot labels, else check only that labels are ≥ 0.
    classes = labels instanceof tf.Tensor && labels.rank === 2 ? labels.shape[1]! : Number.MAX_SAFE_INTEGER;
  }
  const truth = labelIndices(fn, "labels", labels, n, classes);
  let correct = 0;
  for (let e = 0; e < n; e++) if (predicted[e] === truth[e]) correct += 1;
  return correct / n;
}

/** Each member's accuracy, in member order. */
export function memberAccuracies(memberProbabilities: readonly tf.Tensor[], labels: tf.Tensor | ArrayLike<number>): number[] {
  const [n, classes] = checkMemberOutputs("memberAccuracies", "memberProbabilities", memberProbabilities);
  const truth = labelIndices("memberAccuracies", "labels", labels, n, classes);
  return memberClasses(memberProbabilities, n, classes).map((predicted) => {
    let correct = 0;
    for (let e = 0; e < n; e++) if (predicted[e] === truth[e]) correct += 1;
    return correct / n;
  });
}

/** The accuracies of an ensemble: each member, and the members combined. */
export interface EnsembleEvaluation {
  /** Each member's accuracy. */
  members: number[];
  /** Mean of the members' accuracies (what one member gives on average). */
  meanMember: number;
  /** The best member's accuracy. */
  bestMember: number;
  /** Accuracy of the averaged probabilities. */
  average: number;
  /** Accuracy of the majority vote (tie rule: see `majorityVote`). */
  vote: number;
  /** Accuracy of the weighted average, when `weights` were given. */
  weighted?: number;
}

/** Member, averaged, voted (and weighted, with `options.weights`) accuracies of the members' probabilities [N, C]. */
export function evaluateEnsemble(
  memberProbabilities: readonly tf.Tensor[],
  labels: tf.Tensor | ArrayLike<number>,
  options: { weights?: readonly number[] } = {},
): EnsembleEvaluation {
  const [n, classes] = checkMemberOutputs("evaluateEnsemble", "memberProbabilities", memberProbabilities);
  const truth = labelIndices("evaluateEnsemble", "labels", labels, n, classes);
  const members = memberAccuracies(memberProbabilities, truth);
  const accuracyOf = (combined: tf.Tensor): number => {
    try {
      return classificationAccuracy(combined, truth);
    } finally {
      combined.dispose();
    }
  };
  const evaluation: EnsembleEvaluation = {
    members,
    meanMember: members.reduce((a, b) => a + b, 0) / members.length,
    bestMember: Math.max(...members),
    average: accuracyOf(averageProbabilities(memberProbabilities)),
    vote: accuracyOf(majorityVote(memberProbabilities)),
  };
  if (options.weights !== undefined) evaluation.weighted = accuracyOf(weightedAverageProbabilities(memberProbabilities, options.weights));
  return evaluation;
}
