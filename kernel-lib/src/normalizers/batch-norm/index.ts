/**
 * Batch normalization written from the lectures: the whole-batch step-by-step version (forward and lecture 000's
 * backward, one tensor per step), the training-mode transform with that backward pass as its `tf.customGrad`, and
 * the serializable `BatchNorm` layer with running statistics for inference. The single formulas are exported as
 * the namespace `batchNormFormulas`.
 */
export * as batchNormFormulas from "./formulas";
export { DEFAULT_BATCH_NORM_EPSILON, checkBatchNormEpsilon } from "./checks";
export { batchNormSteps, batchNormBackwardSteps, disposeSteps, type BatchNormSteps, type BatchNormGradients } from "./steps";
export { batchNormalize, type BatchNormalizeOptions } from "./batch-normalize";
export {
  BatchNorm,
  batchNormLayer,
  registerBatchNorm,
  INFERENCE_VARIANCES,
  DEFAULT_BATCH_NORM_MOMENTUM,
  type BatchNormLayerArgs,
  type InferenceVariance,
} from "./layer";
