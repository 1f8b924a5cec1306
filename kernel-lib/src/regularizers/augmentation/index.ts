/**
 * Data augmentation for images [N, H, W, C] (lectures 000, 002, 004; Krizhevsky et al. 2012): random transforms
 * composed into a seeded pipeline (`augmentation([...], { seed })`) that maps a batch to a fresh augmented batch at
 * every call; deterministic views and `testTimeAugmentation` to average predictions over them; `fitAugmented` to
 * train with kernel-lib's `fit` on augmented batches.
 */
export { type ImageTransform, type ImageView } from "./transform";
export { type ValueRange } from "./checks";
export { type Interpolation, type FillMode, type AffineParameters, affineMap } from "./resample";
export { type PaddingMode, padImages } from "./crop";
export { Augmentation, augmentation, type AugmentationOptions } from "./pipeline";
export { horizontalFlip, type HorizontalFlipOptions } from "./horizontal-flip";
export { randomCrop, type RandomCropOptions } from "./random-crop";
export { randomAffine, type RandomAffineOptions, type ResamplingOptions, type MaxShift } from "./random-affine";
export { randomTranslation, type RandomTranslationOptions } from "./translation";
export { randomRotation, type RandomRotationOptions } from "./rotation";
export { randomZoom, type RandomZoomOptions } from "./zoom";
export { gaussianPixelNoise, type GaussianPixelNoiseOptions } from "./pixel-noise";
export { colorPca, fitColorPca, colorPcaShift, colorPcaAxisScales, type ColorPcaFit, type ColorPcaOptions, type ColorPcaAxisScale } from "./color-pca";
export { identityView, horizontalFlipView, cropView, fiveCropViews, withHorizontalFlips, type CropPosition, type CropViewOptions } from "./views";
export { testTimeAugmentation, type Predictor, type TestTimeAugmentationOptions } from "./test-time";
export { fitAugmented, type BatchAugmenter } from "./fit-augmented";
