/**
 * Label smoothing for softmax cross-entropy (lecture 000): smoothed targets under the lecture's convention
 * (1 − ε, ε/(K−1)) or PyTorch's ((1 − ε)·onehot + ε/K, the default), and the stable smoothed loss for
 * `model.compile` and custom loops.
 */
export {
  smoothLabels,
  smoothedTargetValues,
  checkOneHot,
  LABEL_SMOOTHING_CONVENTIONS,
  type LabelSmoothingConvention,
  type LabelSmoothingOptions,
} from "./smooth-labels";
export {
  smoothedCrossEntropy,
  smoothedCrossEntropyLoss,
  PROBABILITY_FLOOR,
  type CrossEntropyReduction,
  type SmoothedCrossEntropyOptions,
  type SmoothedCrossEntropyLossOptions,
} from "./cross-entropy";
