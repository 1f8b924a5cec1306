/**
 * ensembles (lectures 000 and 003): bootstrap resampling and bagging, seed ensembles, in this thread or on a
 * `TrainingPool`; combining members by averaged probabilities, majority vote or a weighted average; ensemble and
 * member accuracy; diversity (pairwise disagreement, error correlation, the ensemble-error decomposition) and a
 * simulation of the 1/k error law; snapshot ensembles (a callback saving the weights at each cycle end);
 * parameter averaging (uniform, weighted, and an exponential moving average during training) with batch-norm
 * statistics recomputed; freezing layers for transfer learning.
 */
export {
  bootstrapSample,
  bootstrapSamples,
  uniqueCount,
  expectedUniqueFraction,
  uniqueFractionStd,
  type BootstrapSample,
  type BootstrapOptions,
} from "./bootstrap";
export { type EnsembleTrainingOptions, type MemberFitOptions, type MemberSeeds, type MemberVariation, type TrainedEnsemble } from "./member-training";
export { trainBagging, type BaggingOptions } from "./bagging";
export { trainSeedEnsemble, type SeedEnsembleOptions } from "./seed-ensemble";
export { memberPredictions, snapshotPredictions } from "./predictions";
export { averageProbabilities, weightedAverageProbabilities, majorityVote, voteCounts } from "./combine";
export { classificationAccuracy, memberAccuracies, evaluateEnsemble, type EnsembleEvaluation } from "./accuracy";
export {
  pairwiseDisagreement,
  errorCorrelation,
  ensembleErrorDecomposition,
  pearsonCorrelation,
  type PairwiseTable,
  type ErrorKind,
  type EnsembleErrorDecomposition,
} from "./diversity";
export { simulateEnsembleError, ensembleErrorFormula, type EnsembleErrorSimulation, type EnsembleErrorSimulationOptions } from "./simulation";
export { snapshotEnsemble, SnapshotCollector, type Snapshot, type SnapshotOptions, type SnapshotUnit } from "./snapshots";
export { averageParameters, assignAveragedParameters, type ParameterSource } from "./parameter-averaging";
export { weightEma, WeightEma, type WeightEmaOptions } from "./weight-ema";
export { recomputeBatchNormStatistics, isBatchNormLayer, type RecomputedBatchNorm } from "./batch-norm-statistics";
export { freezeLayers, unfreezeLayers, type LayerSelection } from "./freeze";
