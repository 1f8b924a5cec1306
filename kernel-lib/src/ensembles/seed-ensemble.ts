/**
 * Seed ensembles (lecture 003 "Ensembles in practice": random initialization, random minibatch shuffling and SGD
 * already make members differ, so "in practice we get much of the same benefit without resampling"): k models
 * trained on the same data, differing only in their initialization seed and their shuffling seed.
 */
import { type EnsembleTrainingOptions, type MemberVariation, type TrainedEnsemble, trainMembers } from "./member-training";

export interface SeedEnsembleOptions extends EnsembleTrainingOptions {
  /**
   * What differs between members: `"init-and-shuffle"` (default), `"init"` (every member shuffles as member 0) or
   * `"shuffle"` (every member starts from member 0's initial weights), to separate the two sources of diversity.
   */
  vary?: MemberVariation;
}

/**
 * Trains k members on all of (x, y), member m from `createModel(initSeed_m)` and with shuffling seed
 * shuffleSeed_m. With `pool` they train on worker threads, with the same results as in this thread.
 */
export async function trainSeedEnsemble(options: SeedEnsembleOptions): Promise<TrainedEnsemble> {
  return trainMembers("trainSeedEnsemble", options, options?.vary ?? "init-and-shuffle", null);
}
