/**
 * Monte Carlo dropout at prediction (Gal & Ghahramani 2016, "Dropout as a Bayesian approximation"; lecture 003, "at
 * test time ... could just generate many dropout masks"): run the trained network K times with dropout still on and
 * read the spread of the K predictions as the model's uncertainty,
 *
 *     mean = (1/K) Σ_k ŷ⁽ᵏ⁾,   std = √( Σ_k (ŷ⁽ᵏ⁾ − mean)² / (K − 1) ),
 *
 * elementwise over the output (per example and per output unit; the K − 1 makes the variance unbiased).
 *
 * Only the dropout layers may be stochastic. `model.predict(x, { training: true })` does not exist, and
 * `model.apply(x, { training: true })` would also put batch norm into training mode (normalizing with this batch's
 * statistics and updating its running averages), so the passes would not be samples of the trained network. Instead
 * each kernel-lib stochastic layer (`InvertedDropout`, `StandardDropout`, `GaussianDropout`, `DropConnectDense`, also
 * inside nested models) is switched into Monte Carlo mode for the duration of the call, and the passes run through
 * `model.predict`, where every other layer is in inference mode. The layers' own training streams are not touched.
 *
 * Seeding: `seed` starts a stream from which every stochastic layer gets its own Monte Carlo seed, so the same seed
 * gives the same K samples. Models with tfjs's own `Dropout`, `SpatialDropout1D`, `GaussianDropout` or `AlphaDropout`
 * are rejected: those cannot be switched on without the training flag, and tfjs's seeded Dropout repeats one mask.
 *
 * Each pass calls `predict` on the whole input at once unless `batchSize` is given; `DropConnectDense` with its
 * default per-batch mask then samples one sub-network per pass (per `predict` batch with `batchSize`).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, invalidArgument } from "../../errors";
import { nextSeed, Rng } from "../../random";
import { DropConnectDense } from "./drop-connect-dense";
import { DropoutFamilyLayer } from "./dropout-layer";

export interface McDropoutOptions {
  /** Number of stochastic passes K, an integer >= 2. Default 30. */
  samples?: number;
  /** Seed of the Monte Carlo masks. Default: drawn from kernel-lib's global stream. */
  seed?: number;
  /** `predict`'s batch size. Default: the whole input in one batch. */
  batchSize?: number;
  /** Also return the K predictions stacked as [K, ...outputShape]. Default false. */
  returnSamples?: boolean;
}

/** What `mcDropoutPredict` returns; the caller owns (and disposes) the tensors. */
export interface McDropoutResult {
  /** Elementwise mean of the K predictions, the output's shape. */
  mean: tf.Tensor;
  /** Elementwise sample standard deviation (K − 1 in the denominator), the output's shape. */
  std: tf.Tensor;
  /** The K predictions stacked on a new first axis, when `returnSamples` is true. */
  samples?: tf.Tensor;
  /** Number of passes K. */
  count: number;
  /** The seed the masks were drawn from (the given one, or the one drawn from the global stream). */
  seed: number;
}

/** Names of tfjs's built-in stochastic layers that `mcDropoutPredict` cannot switch on. */
const TFJS_DROPOUT_CLASSES = ["Dropout", "SpatialDropout1D", "GaussianDropout", "AlphaDropout"];

/** The layers a Monte Carlo pass can make stochastic, found in `model` and its nested models, in layer order. */
export function monteCarloLayers(model: tf.LayersModel): (DropoutFamilyLayer | DropConnectDense)[] {
  const found: (DropoutFamilyLayer | DropConnectDense)[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer instanceof DropoutFamilyLayer || layer instanceof DropConnectDense) found.push(layer);
      else if (layer instanceof tf.LayersModel) visit(layer.layers);
      else if (TFJS_DROPOUT_CLASSES.includes(layer.getClassName())) {
        invalidArgument(
          "mcDropoutPredict",
          `model layer "${layer.name}"`,
          layer.getClassName(),
          "kernel-lib's InvertedDropout, StandardDropout or GaussianDropout instead of tfjs's dropout layers (which cannot be sampled at prediction without putting batch norm in training mode, and repeat one mask when seeded)",
        );
      }
    }
  };
  visit(model.layers);
  return found;
}

/**
 * K stochastic passes of `model` on `x` with only its kernel-lib dropout layers sampling (see the module comment);
 * returns the elementwise mean and standard deviation, and optionally the K predictions. Frees every intermediate
 * tensor; the layers leave Monte Carlo mode even when a pass throws.
 */
export function mcDropoutPredict(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], options: McDropoutOptions = {}): McDropoutResult {
  const fn = "mcDropoutPredict";
  if (!(model instanceof tf.LayersModel)) invalidArgument(fn, "model", model, "a tf.LayersModel (tf.sequential or tf.model)");
  if (options == null || typeof options !== "object") invalidArgument(fn, "options", options, "an object { samples?, seed?, batchSize?, returnSamples? }");
  const inputs = Array.isArray(x) ? x : [x];
  if (inputs.length === 0 || inputs.some((t) => !(t instanceof tf.Tensor) || t.isDisposed))
    invalidArgument(fn, "x", x, "a live tf.Tensor (or an array of them)");
  const count = checkInteger(fn, "options.samples", options.samples ?? 30, 2);
  const seed = options.seed === undefined ? nextSeed() : checkInteger(fn, "options.seed", options.seed);
  const batchSize = options.batchSize === undefined ? Math.max(1, inputs[0]!.shape[0] ?? 1) : checkInteger(fn, "options.batchSize", options.batchSize, 1);
  const returnSamples = options.returnSamples ?? false;
  if (typeof returnSamples !== "boolean") invalidArgument(fn, "options.returnSamples", returnSamples, "a boolean");
  const layers = monteCarloLayers(model);
  if (layers.length === 0) {
    invalidArgument(
      fn,
      "model",
      model.name,
      "a model with at least one InvertedDropout, StandardDropout, GaussianDropout or DropConnectDense layer (else the passes are identical)",
    );
  }

  const stream = new Rng(seed);
  const kept: tf.Tensor[] = [];
  let mean: tf.Tensor | null = null;
  let sumSquares: tf.Tensor | null = null;
  const switched: (DropoutFamilyLayer | DropConnectDense)[] = [];
  try {
    for (const layer of layers) {
      layer.noise.beginMonteCarlo(stream.nextSeed());
      switched.push(layer);
    }
    for (let k = 1; k <= count; k++) {
      const out = model.predict(x, { batchSize });
      if (Array.isArray(out)) {
        tf.dispose(out);
        invalidArgument(fn, "model", model.name, `a model with one output (this one has ${out.length})`);
      }
      // Welford's update: mean_k = mean_{k−1} + (y − mean_{k−1})/k,  S_k = S_{k−1} + (y − mean_{k−1})(y − mean_k).
      const [nextMean, nextSquares] = tf.tidy(() => {
        if (mean === null) return [tf.clone(out), tf.zerosLike(out)];
        const delta = tf.sub(out, mean);
        const updated = tf.add(mean, tf.div(delta, k));
        return [updated, tf.add(sumSquares!, tf.mul(delta, tf.sub(out, updated)))];
      });
      if (mean !== null) tf.dispose([mean, sumSquares!]);
      mean = nextMean;
      sumSquares = nextSquares;
      if (returnSamples) kept.push(out);
      else out.dispose();
    }
    const std = tf.tidy(() => tf.sqrt(tf.div(sumSquares!, count - 1)));
    const result: McDropoutResult = { mean: mean!, std, count, seed };
    if (returnSamples) result.samples = tf.stack(kept);
    mean = null; // handed to the caller
    return result;
  } finally {
    switched.forEach((layer) => layer.noise.endMonteCarlo());
    tf.dispose([...kept, ...([mean, sumSquares].filter((t) => t !== null) as tf.Tensor[])]);
  }
}
