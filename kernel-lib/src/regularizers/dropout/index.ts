/**
 * The dropout family (lectures 000, 002, 003; Srivastava et al. 2014; Wan et al. 2013): inverted, standard and
 * Gaussian ("analog") dropout as functions and as serializable layers with a fresh seeded mask per step, Monte Carlo
 * dropout at prediction (batch norm stays in inference mode), and DropConnect as a dense layer with the Gaussian
 * moment-matching inference of lecture 002. Probabilities are `keepProb` or `dropRate` (exactly one), never a bare p.
 */
export { checkKeepProb, resolveKeepProb, type KeepProbOptions } from "./keep-prob";
export { bernoulliMask, gaussianMask, gaussianDropoutStd, resolveNoiseShape, type NoiseShape } from "./masks";
export { NoiseStream } from "./noise-stream";
export {
  applyDropoutMask,
  drawDropoutMask,
  dropoutInference,
  gaussianDropout,
  invertedDropout,
  standardDropout,
  type DropoutConvention,
  type DropoutOptions,
} from "./dropout-ops";
export { DropoutFamilyLayer, type DropoutLayerArgs } from "./dropout-layer";
export { InvertedDropout, invertedDropoutLayer, registerInvertedDropout } from "./inverted-dropout";
export { StandardDropout, standardDropoutLayer, registerStandardDropout } from "./standard-dropout";
export { GaussianDropout, gaussianDropoutLayer, registerGaussianDropout } from "./gaussian-dropout";
export { dropConnectMoments, gaussianMomentInference, maskedDense, type TensorActivation } from "./drop-connect-ops";
export {
  DropConnectDense,
  dropConnectDenseLayer,
  registerDropConnectDense,
  DEFAULT_DROP_CONNECT_SAMPLES,
  DROP_CONNECT_INFERENCES,
  DROP_CONNECT_MASK_PER,
  type DenseActivation,
  type DropConnectDenseArgs,
  type DropConnectInference,
  type DropConnectMaskPer,
} from "./drop-connect-dense";
export { mcDropoutPredict, monteCarloLayers, type McDropoutOptions, type McDropoutResult } from "./mc-dropout";
