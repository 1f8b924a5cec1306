/** Rebuilding any fitted scaler from the plain JSON its `toJSON()` wrote. */
import { invalidArgument } from "../../errors";
import { MeanCentering, type MeanCenteringJSON } from "./mean-centering";
import { MinMaxScaler, type MinMaxScalerJSON } from "./min-max-scaler";
import { PcaDecorrelation } from "./pca";
import type { PrincipalAxesJSON } from "./principal-axes-scaler";
import { SCALER_KINDS, type Scaler } from "./scaler";
import { StandardScaler, type StandardScalerJSON } from "./standard-scaler";
import { PcaWhitening, ZcaWhitening } from "./whitening";

/** Any scaler's JSON. */
export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON | MeanCenteringJSON | PrincipalAxesJSON;

/**
 * A fitted scaler from `scaler.toJSON()` (or that JSON after `JSON.stringify` / `JSON.parse`): the same kind,
 * the same statistics, so `transform` gives the same numbers. The fields are checked (lengths, finite numbers).
 */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  if (json === null || typeof json !== "object") invalidArgument("scalerFromJSON", "json", json, "an object written by a scaler's toJSON()");
  switch (json.kind) {
    case "StandardScaler":
      return StandardScaler.fromJSON(json as StandardScalerJSON);
    case "MinMaxScaler":
      return MinMaxScaler.fromJSON(json as MinMaxScalerJSON);
    case "MeanCentering":
      return MeanCentering.fromJSON(json as MeanCenteringJSON);
    case "PcaDecorrelation":
      return PcaDecorrelation.fromJSON(json as PrincipalAxesJSON);
    case "PcaWhitening":
      return PcaWhitening.fromJSON(json as PrincipalAxesJSON);
    case "ZcaWhitening":
      return ZcaWhitening.fromJSON(json as PrincipalAxesJSON);
    default:
      return invalidArgument("scalerFromJSON", "json.kind", (json as { kind: unknown }).kind, `one of ${SCALER_KINDS.join(", ")}`);
  }
}
