/**
 * Parallel independent trainings: a worker-thread pool (one tfjs backend per worker) for ensembles, bagging,
 * snapshot comparisons and hyperparameter search, its sequential twin, and the plain-data forms of tensors, models
 * and optimizers that cross thread boundaries.
 */
export { TrainingPool, type TrainingPoolOptions } from "./pool";
export { trainSequential, runSequential, type TrainOptions } from "./sequential";
export { TaskError } from "./task-error";
export {
  runTrainingTask,
  checkTrainingTask,
  type TrainingTask,
  type TrainingResult,
  type TrainingData,
  type CompileSpec,
  type TaskFitOptions,
} from "./training-task";
export { runModuleCall, type ModuleCall } from "./module-call";
export { optimizerSpec, buildOptimizer, OPTIMIZER_NAMES, type OptimizerSpec } from "./optimizer-spec";
export { modelTopology, seedInitializers, buildModel, setModelWeights, restoreModel, type ModelTopology } from "./topology";
export {
  toPlainTensor,
  fromPlainTensor,
  modelWeights,
  shareValues,
  isShared,
  shapeSize,
  type PlainTensor,
  type NamedPlainTensor,
  type PlainValues,
} from "./plain-tensor";
export { workerScriptPath } from "./worker-script";
