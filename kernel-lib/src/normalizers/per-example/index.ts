/**
 * Per-example normalization: layer norm (Ba et al. 2016), group norm (Wu & He 2018) and instance norm
 * (Ulyanov et al. 2016). Each standardizes within one example, so unlike batch norm it has no running
 * statistics, behaves the same in training and inference, and works with a batch of one.
 */
export { standardizeOverAxes, DEFAULT_PER_EXAMPLE_NORM_EPSILON } from "./normalize-over-axes";
export {
  layerNormalize,
  groupNormalize,
  instanceNormalize,
  groupMoments,
  type LayerNormalizeOptions,
  type GroupNormalizeOptions,
  type InstanceNormalizeOptions,
  type GroupMoments,
} from "./functional";
export { PerExampleNorm, type PerExampleNormArgs } from "./norm-layer";
export { LayerNorm, layerNormLayer, registerLayerNorm, type LayerNormArgs } from "./layer-norm";
export { GroupNorm, groupNormLayer, registerGroupNorm, type GroupNormArgs } from "./group-norm";
export { InstanceNorm, instanceNormLayer, registerInstanceNorm, type InstanceNormArgs } from "./instance-norm";
