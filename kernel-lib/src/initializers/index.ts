/**
 * Initializers: every weight initialization from the lectures as a tfjs initializer (usable as
 * `kernelInitializer` / `biasInitializer`, seeded, and serializable with `model.save`), plus the fan and gain
 * helpers they are built from.
 */
export { computeFans, calculateGain, NONLINEARITIES, DEFAULT_LEAKY_RELU_SLOPE, type Fans, type Nonlinearity } from "./fans";
export { InitializerBase, SeededInitializer, type TfInitializer, type InitShape, type SeedOptions } from "./base";
export { CLASS_NAME_PREFIX, registerInitializer, isRegisteredInitializer, type InitializerClass } from "./serialization";
export {
  zeros,
  constant,
  normal,
  uniform,
  ZerosInitializer,
  ConstantInitializer,
  NormalInitializer,
  UniformInitializer,
  type ConstantOptions,
  type NormalOptions,
  type UniformOptions,
} from "./simple";
export { truncatedNormal, TruncatedNormalInitializer, TRUNCATED_NORMAL_STD, type TruncatedNormalOptions } from "./truncated-normal";
export {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  uniformInverseSqrtFanIn,
  FanScaledInitializer,
  GlorotNormalInitializer,
  GlorotUniformInitializer,
  HeNormalInitializer,
  HeUniformInitializer,
  LecunNormalInitializer,
  LecunUniformInitializer,
  UniformInverseSqrtFanInInitializer,
  FAN_MODES,
  type FanMode,
  type FanScale,
  type GlorotOptions,
  type HeOptions,
  type LecunOptions,
} from "./variance-scaling";
export { orthogonal, orthonormalColumns, OrthogonalInitializer, type OrthogonalOptions } from "./orthogonal";
