export type { LayerStack } from "./layers";
export * from "./activation-stats";
export * from "./gradient-stats";
export { gradientCheck, maxRelativeError, numericalGradient, relativeError } from "./gradient-check";
export type { GradientCheckResult, NumericalGradientOptions, ScalarFunction } from "./gradient-check";
export * from "./landscape";
