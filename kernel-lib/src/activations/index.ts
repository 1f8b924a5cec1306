/**
 * Activations: the lectures' activation functions and their derivatives on plain numbers (for plots and the
 * vanishing-gradient argument), and LeCun's tanh, which tfjs lacks, on tensors and as a layer.
 */
export {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  LECUN_TANH_SCALE,
  LECUN_TANH_SLOPE,
  activation,
  type ActivationName,
  type ActivationOptions,
  type ScalarActivation,
} from "./functions";
export { derivativeProduct, cascadeDerivative, type CascadeOptions, type CascadeResult } from "./gradient-flow";
export { gaussianOutputMoments, type GaussianInputOptions, type OutputMoments } from "./moments";
export { activationCurves, type ActivationCurveRow, type CurveOptions } from "./curves";
export { lecunTanh, LecunTanh, lecunTanhLayer, registerLecunTanh, type LecunTanhLayerArgs } from "./lecun-tanh";
