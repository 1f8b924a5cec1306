/**
 * search: hyperparameter search over a declared space (lecture 003; Bergstra & Bengio 2012). Dimensions
 * (`logUniform`, `linearUniform`, `intUniform`, `choice`), grid search (points per axis, log-spaced for log dimensions),
 * random search with a fixed budget, coarse-to-fine refinement, trials run by a user objective or as training tasks
 * on a `TrainingPool`, and the results as table rows and charts.
 */
export {
  logUniform,
  linearUniform,
  intUniform,
  choice,
  checkSpace,
  checkDimension,
  describeSpace,
  describeDimension,
  isNumeric,
  DIMENSION_TYPES,
  RESERVED_NAMES,
  type ChoiceValue,
  type Dimension,
  type NumericDimension,
  type LogUniformDimension,
  type LinearUniformDimension,
  type IntUniformDimension,
  type ChoiceDimension,
  type SearchSpace,
  type ParamsOf,
} from "./space";
export { quantile, samplePoint } from "./sampling";
export { gridPoints, gridSize, gridValues, type GridAxis, type GridSpec } from "./grid";
export { DIRECTIONS, type Direction, type Metrics, type Objective, type ObjectiveValue, type Trial, type TrialInfo } from "./trial";
export { TrialError } from "./trial-error";
export { compareScores, rankTrials, bestTrials, bestTrial } from "./ranking";
export { TrainingObjective, trainingObjective, type TrainingObjectiveOptions, type PlannedTrial } from "./training-objective";
export { type SearchObjective } from "./run-trials";
export { type SearchOptions, type SearchResult } from "./search-result";
export { randomSearch, randomPoints, type RandomSearchOptions } from "./random-search";
export { gridSearch, type GridSearchOptions } from "./grid-search";
export { refineSpace, defaultTopK, type RefineOptions } from "./refine";
export { coarseToFine, type CoarseToFineOptions, type CoarseToFineResult, type StagePlan, type StageSummary } from "./coarse-to-fine";
export { trialRows, bestSoFarRows, type TrialRow, type BestSoFarOptions } from "./rows";
export { searchHeatmap, trialScatter, type SearchHeatmapOptions, type TrialScatterOptions } from "./charts";
