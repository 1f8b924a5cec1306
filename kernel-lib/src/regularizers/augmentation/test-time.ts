/**
 * Test-time augmentation (lecture 004, "During testing"; Krizhevsky et al. 2012, §4.1): the model predicts every
 * deterministic view v_1 … v_K of the test images and the predictions are averaged,
 *
 *   ŷ(x) = (1/K) Σ_k f(v_k(x)),
 *
 * an ensemble over transformations the model was trained to be invariant to (for softmax outputs: the mean of the
 * class probabilities, whose argmax is the prediction). It costs K forward passes; lecture 004 quotes about 1% more
 * accuracy from several color-PCA views "at a significantly increased runtime". With the identity view alone the
 * result is the plain prediction, bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { checkOptions } from "./checks";
import { asImages, checkImageShape } from "./pipeline";
import type { ImageView } from "./transform";

/** A trained model, or any function from a batch to predictions. */
export type Predictor = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

export interface TestTimeAugmentationOptions {
  /** The views to average over, e.g. `withHorizontalFlips(fiveCropViews({ padding: 2 }))`. At least one. */
  views: readonly ImageView[];
  /** [H, W, C] when `x` is flat ([N, H·W·C], e.g. MNIST for an MLP): the views see images, the model its own layout. */
  imageShape?: [number, number, number];
  /** Batch size for `model.predict`. Default 256. */
  batchSize?: number;
}

function predictOnce(model: Predictor, x: tf.Tensor, batchSize: number): tf.Tensor {
  if (typeof model === "function") return model(x);
  const out = model.predict(x, { batchSize });
  if (Array.isArray(out)) {
    tf.dispose(out);
    invalidArgument("testTimeAugmentation", "model", `a model with ${out.length} outputs`, "a model with one output");
  }
  return out;
}

/**
 * The mean of the model's predictions over the views of `x`: a new tensor [N, ...] that the caller disposes. A view
 * that keeps the image size is handed to the model in `x`'s own layout (flat if `x` is flat); a view that changes
 * it (a smaller crop) as images [N, h, w, C].
 */
export function testTimeAugmentation(model: Predictor, x: tf.Tensor, options: TestTimeAugmentationOptions): tf.Tensor {
  const fn = "testTimeAugmentation";
  const isModel = model instanceof tf.LayersModel;
  if (!isModel && typeof model !== "function") invalidArgument(fn, "model", model, "a tf.LayersModel or a function from a batch to predictions");
  const given = checkOptions(fn, options);
  const views = given.views;
  if (!Array.isArray(views) || views.length === 0)
    invalidArgument(fn, "options.views", views, "a non-empty array of views (identityView(), horizontalFlipView(), cropView(...))");
  views.forEach((v, i) => {
    if (v === null || typeof v !== "object" || typeof v.apply !== "function") invalidArgument(fn, `options.views[${i}]`, v, "an image view");
  });
  const imageShape = given.imageShape === undefined ? undefined : checkImageShape(fn, "options.imageShape", given.imageShape);
  const batchSize = checkInteger(fn, "options.batchSize", given.batchSize ?? 256, 1);
  return tf.tidy(() => {
    const images = asImages(fn, "x", x, imageShape);
    let sum: tf.Tensor | null = null;
    for (const view of views) {
      // One view at a time: its images and prediction are freed before the next view is made.
      const next: tf.Tensor = tf.tidy(() => {
        const seen = view.apply(images);
        const sameSize = seen.shape.slice(1).every((d: number, i: number) => d === images.shape[i + 1]);
        const prediction = predictOnce(model, sameSize ? tf.reshape(seen, x.shape) : seen, batchSize);
        return sum === null ? prediction : tf.add(sum, prediction);
      });
      sum?.dispose();
      sum = next;
    }
    return views.length === 1 ? sum! : tf.div(sum!, views.length);
  });
}
