/**
 * Input scalers: fit on the training data, apply the same statistics to validation and test data, invert, and
 * save the fitted state as JSON. Per-feature: standardization, min-max to a range, mean-centering. On the
 * principal axes of the covariance: PCA decorrelation (K components), PCA whitening and ZCA whitening with ε.
 */
export { Scaler, SCALER_KINDS, type ScalerKind, type ScalerJSONBase } from "./scaler";
export type { MatrixInput } from "./matrix";
export { StandardScaler, type StandardScalerJSON } from "./standard-scaler";
export { MinMaxScaler, type MinMaxScalerOptions, type MinMaxScalerJSON } from "./min-max-scaler";
export { MeanCentering, type MeanCenteringJSON } from "./mean-centering";
export { principalComponents, explainedVarianceRatio, cumulativeExplainedVariance, type PrincipalComponents } from "./principal-components";
export { PrincipalAxesScaler, type PrincipalAxesJSON } from "./principal-axes-scaler";
export { PcaDecorrelation, type PcaDecorrelationOptions } from "./pca";
export { PcaWhitening, ZcaWhitening, type PcaWhiteningOptions, type ZcaWhiteningOptions } from "./whitening";
export { scalerFromJSON, type ScalerJSON } from "./serialization";
