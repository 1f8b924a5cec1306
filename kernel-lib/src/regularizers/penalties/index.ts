/**
 * Norm penalties (lecture 000): L1, L2 (α/2·‖w‖², the lecture's convention), L1+L2 and L2 toward a fixed value
 * as tfjs regularizers (usable as `kernelRegularizer` / `biasRegularizer`, serializable), a tying penalty between
 * two weight tensors, and the sum of a penalty over a model's kernels for custom loops.
 */
export { RegularizerBase, PENALTY_CLASS_PREFIX, registerPenalty, isRegisteredPenalty, type TfRegularizer, type PenaltyClass } from "./base";
export {
  l1Penalty,
  l2Penalty,
  l1l2Penalty,
  l1NormPenalty,
  l2NormPenalty,
  L1Penalty,
  L2Penalty,
  L1L2Penalty,
  type L1PenaltyOptions,
  type L2PenaltyOptions,
  type L1L2PenaltyOptions,
} from "./norms";
export { l2TowardPenalty, L2TowardPenalty, type L2TowardPenaltyOptions, type PenaltyTarget, type PenaltyTargetArray } from "./l2-toward";
export { tyingPenalty } from "./tying";
export { modelPenalty, penalizedWeights, isKernelWeightName, isBiasWeightName, type ModelPenaltyOptions, type ModelWeight } from "./model-penalty";
