/**
 * Bagging, bootstrap aggregating (Breiman 1996; lecture 000 "Bagging", lecture 003 "Ensembles in theory"):
 * construct k data sets by the bootstrap (N draws with replacement from the N training examples, k times), train
 * one model on each, and combine their predictions (average the probabilities or vote). Each member sees ≈ 63.2 %
 * of the distinct examples, some of them several times; the rest is its out-of-bag set.
 */
import { checkInteger } from "../errors";
import { type EnsembleTrainingOptions, type TrainedEnsemble, trainMembers } from "./member-training";

export interface BaggingOptions extends EnsembleTrainingOptions {
  /** Draws per bootstrap sample, an integer ≥ 1. Default N, the number of training examples. */
  sampleSize?: number;
}

/**
 * Trains k members, member m on its own bootstrap sample of (x, y) (seeded by the member's sample seed) and from
 * its own initialization and shuffling seeds. With `pool` the members train on worker threads, each sample sent as
 * row indices of the shared data (`TrainingTask.data.indices`), with the same results as in this thread.
 * `result.samples[m]` holds member m's sample and out-of-bag rows.
 */
export async function trainBagging(options: BaggingOptions): Promise<TrainedEnsemble> {
  const fn = "trainBagging";
  const n = options?.x?.shape?.[0];
  const size = options?.sampleSize === undefined ? (n ?? 1) : checkInteger(fn, "options.sampleSize", options.sampleSize, 1);
  return trainMembers(fn, options, "init-and-shuffle", size);
}
