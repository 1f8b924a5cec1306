import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BatchNorm,
  batchNormBackwardSteps,
  batchNormLayer,
  batchNormSteps,
  batchNormalize,
  disposeSteps,
  registerBatchNorm,
  type BatchNormLayerArgs,
} from "../../kernel-lib/src/normalizers/batch-norm";
import { Rng } from "../../kernel-lib/src/random";
import { initBackend, tf } from "../../kernel-lib/src/index";
import { relativeError } from "../../kernel-lib/src/probes/gradient-check";

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Seeded N(mean, std²) values, rounded to float32 (what the tensors hold). */
function normals(size: number, seed: number, mean = 0, std = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.normal(mean, std));
}

/** Values rounded to float32, so the float64 reference and the float32 tensors see the same inputs. */
function toFloat32(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(values));
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Largest |a − b|. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Feature index of every element of a row-major tensor of `shape`, with the features along `axis`. */
function featureIndex(shape: readonly number[], axis: number): Int32Array {
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return Int32Array.from({ length: sizeOf(shape) }, (_, i) => Math.floor(i / stride) % shape[axis]!);
}

/** Float64 batch norm (training mode): y = γ (x − μ)/√(σ² + ε) + β, statistics over every axis but `axis`. */
function referenceBatchNorm(
  x: ArrayLike<number>,
  shape: number[],
  axis: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  epsilon: number,
): Float64Array {
  const feature = featureIndex(shape, axis);
  const features = shape[axis]!;
  const m = x.length / features;
  const mean = new Float64Array(features);
  const variance = new Float64Array(features);
  for (let i = 0; i < x.length; i++) mean[feature[i]!]! += x[i]! / m;
  for (let i = 0; i < x.length; i++) variance[feature[i]!]! += (x[i]! - mean[feature[i]!]!) ** 2 / m;
  return Float64Array.from({ length: x.length }, (_, i) => {
    const f = feature[i]!;
    return (gamma[f]! * (x[i]! - mean[f]!)) / Math.sqrt(variance[f]! + epsilon) + beta[f]!;
  });
}

/** dL/dv by central differences of L(v) in float64, (L(v + h e_i) − L(v − h e_i)) / 2h. */
function centralDifferences(values: Float64Array, loss: (v: Float64Array) => number, h: number): Float64Array {
  return Float64Array.from(values, (_, i) => {
    const plus = Float64Array.from(values);
    const minus = Float64Array.from(values);
    plus[i]! += h;
    minus[i]! -= h;
    return (loss(plus) - loss(minus)) / (2 * h);
  });
}

/** The same formula written with plain tfjs ops, differentiated by tfjs's autodiff (the reference for the customGrad). */
function autodiffBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axis: number, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    const shape = x.shape.map((s, i) => (i === axis ? s : 1));
    const mean = tf.mean(x, axes, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
    const xHat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(xHat, tf.reshape(gamma, shape)), tf.reshape(beta, shape));
  });
}

let gradientCalls = 0;
/** Training-mode output and the gradients of L = Σ y·dy w.r.t. x, γ, β of a layer whose trainable weights are [γ, β]. */
function layerTrainingGradients(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  dy: tf.Tensor,
): { y: Float32Array; dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } {
  const xVar = tf.variable(x, true, `x_${layer.name}_${++gradientCalls}`);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const tensors = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar, { training: true }) as tf.Tensor, dy)) as tf.Scalar, [xVar, gamma!, beta!]);
    return [layer.apply(x, { training: true }) as tf.Tensor, grads[xVar.name]!, grads[gamma!.name]!, grads[beta!.name]!];
  });
  const [y, dx, dGamma, dBeta] = tensors.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...tensors, xVar]);
  return { y: y!, dx: dx!, dGamma: dGamma!, dBeta: dBeta! };
}

/** The layer's weights as plain arrays, in order gamma, beta, moving_mean, moving_variance (those present). */
function weightValues(layer: tf.layers.Layer): Float32Array[] {
  // getWeights() returns the layer's variables themselves (not copies): read them, never dispose them.
  return layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

// ---------------------------------------------------------------------------------------------------------------

describe("batchNormalize: lecture 000's backward pass as a tf.customGrad", () => {
  // Central differences in float64 on the JavaScript side: with h = 1e-4 the truncation error is O(h²·L''') ≈ 1e-8
  // and the rounding error O(1e-16·|L|/h) ≈ 1e-11, so the numbers are exact to ~1e-8 relative. The analytic
  // gradient is computed in float32 (unit roundoff u = 6e-8); its sums over m ≤ 48 terms and the cancellation in
  // ∂ℓ/∂x (three terms of size ~|∂ℓ/∂x̂|/σ that nearly cancel) give a norm-wise error of order m·u ≈ 3e-6.
  // Bound: 1e-4 norm-wise relative error, 30× that estimate, and 10× below CS231n's float32 rule of thumb 1e-3.
  const BOUND = 1e-4;
  const cases: { name: string; shape: number[]; axis: number; epsilon: number }[] = [
    { name: "2-D [6, 4], axis -1", shape: [6, 4], axis: -1, epsilon: 1e-3 },
    { name: "4-D channels-last [2, 3, 2, 4], axis -1", shape: [2, 3, 2, 4], axis: -1, epsilon: 1e-3 },
    { name: "4-D channels-first [2, 3, 2, 2], axis 1", shape: [2, 3, 2, 2], axis: 1, epsilon: 1e-5 },
    { name: "3-D [4, 3, 2], axis 1", shape: [4, 3, 2], axis: 1, epsilon: 1e-2 },
  ];

  for (const { name, shape, axis, epsilon } of cases) {
    it(`matches float64 central differences for x, gamma and beta: ${name}`, () => {
      const positiveAxis = axis < 0 ? axis + shape.length : axis;
      const features = shape[positiveAxis]!;
      const x = toFloat32(normals(sizeOf(shape), 11 + shape.length, 1.5, 2.5));
      const gamma = toFloat32(normals(features, 12, 1, 0.5));
      const beta = toFloat32(normals(features, 13));
      const upstream = toFloat32(normals(sizeOf(shape), 14)); // L = Σ y·upstream (Σ y alone has ∂L/∂x = 0)
      const loss = (xv: Float64Array, g: Float64Array, b: Float64Array) =>
        referenceBatchNorm(xv, shape, positiveAxis, g, b, epsilon).reduce((s, y, i) => s + y * upstream[i]!, 0);

      const before = tf.memory().numTensors;
      const [xT, gT, bT, dyT] = [
        tf.tensor(Float32Array.from(x), shape),
        tf.tensor1d(Float32Array.from(gamma)),
        tf.tensor1d(Float32Array.from(beta)),
        tf.tensor(Float32Array.from(upstream), shape),
      ];
      const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(batchNormalize(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, { axis, epsilon }), dyT)),
      );
      const [dx, dGamma, dBeta] = grads([xT, gT, bT]).map((g) => {
        const values = g.dataSync();
        g.dispose();
        return values;
      });
      tf.dispose([xT, gT, bT, dyT]);
      expect(tf.memory().numTensors, "no tensor left behind by forward + backward").toBe(before);

      const h = 1e-4;
      expect(
        relativeError(
          dx!,
          centralDifferences(x, (v) => loss(v, gamma, beta), h),
        ),
        "dL/dx",
      ).toBeLessThan(BOUND);
      expect(
        relativeError(
          dGamma!,
          centralDifferences(gamma, (v) => loss(x, v, beta), h),
        ),
        "dL/dgamma",
      ).toBeLessThan(BOUND);
      expect(
        relativeError(
          dBeta!,
          centralDifferences(beta, (v) => loss(x, gamma, v), h),
        ),
        "dL/dbeta",
      ).toBeLessThan(BOUND);
    });
  }

  it("forward and gradients equal tfjs's autodiff of the same formula (2-D, 4-D, non-last axis)", () => {
    // Two float32 evaluations of the same function in a different order: they differ by rounding only, a few
    // m·u ≈ 1e-6 relative; bound 1e-5.
    for (const { shape, axis } of [
      { shape: [7, 5], axis: -1 },
      { shape: [2, 3, 3, 4], axis: 3 },
      { shape: [3, 4, 2, 2], axis: 1 },
    ]) {
      const positiveAxis = axis < 0 ? axis + shape.length : axis;
      const features = shape[positiveAxis]!;
      tf.tidy(() => {
        const x = tf.tensor(normals(sizeOf(shape), 21, -1, 3), shape, "float32");
        const gamma = tf.tensor1d(normals(features, 22, 1, 0.5), "float32");
        const beta = tf.tensor1d(normals(features, 23), "float32");
        const dy = tf.tensor(normals(sizeOf(shape), 24), shape, "float32");
        const ours = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.mul(batchNormalize(a, g as tf.Tensor1D, b as tf.Tensor1D, { axis }), dy));
        const theirs = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.mul(autodiffBatchNorm(a, g, b, positiveAxis, 1e-3), dy));
        const forward = relativeError(batchNormalize(x, gamma, beta, { axis }).dataSync(), autodiffBatchNorm(x, gamma, beta, positiveAxis, 1e-3).dataSync());
        expect(forward, `forward ${shape}`).toBeLessThan(1e-5);
        const a = ours([x, gamma, beta]);
        const b = theirs([x, gamma, beta]);
        ["dx", "dgamma", "dbeta"].forEach((label, i) => expect(relativeError(a[i]!.dataSync(), b[i]!.dataSync()), `${label} ${shape}`).toBeLessThan(1e-5));
      });
    }
  });

  it("gamma = null and beta = null mean no scale and no shift", () => {
    tf.tidy(() => {
      const x = tf.tensor(normals(12, 31, 2, 3), [6, 2], "float32");
      const plain = batchNormalize(x, null, null);
      const withOnes = batchNormalize(x, tf.ones([2]) as tf.Tensor1D, tf.zeros([2]) as tf.Tensor1D);
      expect(maxAbsDiff(plain.dataSync(), withOnes.dataSync())).toBe(0);
    });
  });
});

describe("batchNormSteps / batchNormBackwardSteps: the whole-batch step-by-step version", () => {
  const m = 8;
  const features = 3;
  const epsilon = 1e-3;
  const make = () => ({
    x: tf.tensor2d(normals(m * features, 41, 3, 2), [m, features], "float32"),
    gamma: tf.tensor1d([1.5, -0.5, 2], "float32"),
    beta: tf.tensor1d([0.1, -0.2, 0.3], "float32"),
    dy: tf.tensor2d(normals(m * features, 42), [m, features], "float32"),
  });

  it("each forward step is its formula (float64 reference) and the caller frees them with disposeSteps", () => {
    const { x, gamma, beta, dy } = make();
    const before = tf.memory().numTensors;
    const steps = batchNormSteps(x, gamma, beta, epsilon);
    expect(tf.memory().numTensors).toBe(before + 6);
    const xv = toFloat32(x.dataSync());
    const mean = [0, 1, 2].map((f) => xv.filter((_, i) => i % features === f).reduce((s, v) => s + v, 0) / m);
    const variance = [0, 1, 2].map((f) => xv.filter((_, i) => i % features === f).reduce((s, v) => s + (v - mean[f]!) ** 2, 0) / m);
    expect(maxAbsDiff(steps.mean.dataSync(), mean)).toBeLessThan(1e-5);
    expect(maxAbsDiff(steps.variance.dataSync(), variance)).toBeLessThan(1e-4);
    expect(
      maxAbsDiff(
        steps.invStd.dataSync(),
        variance.map((v) => 1 / Math.sqrt(v + epsilon)),
      ),
    ).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        steps.centered.dataSync(),
        Float64Array.from(xv, (v, i) => v - mean[i % features]!),
      ),
    ).toBeLessThan(1e-5);
    const reference = referenceBatchNorm(xv, [m, features], 1, [1, 1, 1], [0, 0, 0], epsilon);
    expect(maxAbsDiff(steps.normalized.dataSync(), reference)).toBeLessThan(1e-5);
    expect(maxAbsDiff(steps.output.dataSync(), referenceBatchNorm(xv, [m, features], 1, gamma.dataSync(), beta.dataSync(), epsilon))).toBeLessThan(1e-5);
    disposeSteps(steps);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta, dy]);
  });

  it("the step-by-step backward equals tfjs's autodiff of the same formula and the customGrad", () => {
    const { x, gamma, beta, dy } = make();
    const before = tf.memory().numTensors;
    const steps = batchNormSteps(x, gamma, beta, epsilon);
    const grads = batchNormBackwardSteps(dy, steps, gamma);
    expect(tf.memory().numTensors).toBe(before + 12);
    const [autoDx, autoDGamma, autoDBeta] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.mul(autodiffBatchNorm(a, g, b, 1, epsilon), dy))([
      x,
      gamma,
      beta,
    ]);
    const [customDx, customDGamma, customDBeta] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.mul(batchNormalize(a, g as tf.Tensor1D, b as tf.Tensor1D, { epsilon }), dy),
    )([x, gamma, beta]);
    // Rounding only (see above): bound 1e-5 relative against autodiff. The customGrad runs the same formulas
    // (./formulas) with keepDims = true, so it should agree to a few ulps: bound 1e-6.
    expect(relativeError(grads.dX.dataSync(), autoDx!.dataSync())).toBeLessThan(1e-5);
    expect(relativeError(grads.dGamma.dataSync(), autoDGamma!.dataSync())).toBeLessThan(1e-5);
    expect(relativeError(grads.dBeta.dataSync(), autoDBeta!.dataSync())).toBeLessThan(1e-5);
    expect(relativeError(grads.dX.dataSync(), customDx!.dataSync())).toBeLessThan(1e-6);
    expect(relativeError(grads.dGamma.dataSync(), customDGamma!.dataSync())).toBeLessThan(1e-6);
    expect(relativeError(grads.dBeta.dataSync(), customDBeta!.dataSync())).toBeLessThan(1e-6);
    // The intermediate steps: ∂ℓ/∂x̂ = ∂ℓ/∂y·γ; ∂ℓ/∂μ's second term multiplies Σ(x − μ) = 0, so ∂ℓ/∂μ = −Σ ∂ℓ/∂x̂ / √(σ² + ε).
    expect(
      maxAbsDiff(
        grads.dNormalized.dataSync(),
        tf.tidy(() => tf.mul(dy, gamma).dataSync()),
      ),
    ).toBe(0);
    const dMeanFirstTerm = tf.tidy(() => tf.neg(tf.mul(tf.sum(grads.dNormalized, 0), steps.invStd)).dataSync());
    expect(maxAbsDiff(grads.dMean.dataSync(), dMeanFirstTerm)).toBeLessThan(1e-5);
    expect(grads.dVariance.shape).toEqual([features]);
    tf.dispose([autoDx!, autoDGamma!, autoDBeta!, customDx!, customDGamma!, customDBeta!]);
    disposeSteps(grads);
    disposeSteps(steps);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta, dy]);
  });

  it("bad input gets a clear error", () => {
    tf.tidy(() => {
      const g = tf.ones([3]) as tf.Tensor1D;
      const b = tf.zeros([3]) as tf.Tensor1D;
      expect(() => batchNormSteps(tf.ones([2, 3, 1]) as never, g, b)).toThrow(/batchNormSteps: x.shape = \[2, 3, 1\], expected \[m, features\]/);
      expect(() => batchNormSteps(tf.ones([1, 3]) as tf.Tensor2D, g, b)).toThrow(
        /batchNormSteps: x.shape = \[1, 3\], expected at least 2 elements per feature/,
      );
      expect(() => batchNormSteps(tf.ones([4, 2]) as tf.Tensor2D, g, b)).toThrow(/batchNormSteps: gamma.shape = \[3\], expected \[2\]/);
      expect(() => batchNormSteps(tf.ones([4, 3]) as tf.Tensor2D, g, b, 0)).toThrow(/batchNormSteps: epsilon = 0, expected a finite number > 0/);
      const steps = batchNormSteps(tf.ones([4, 3]) as tf.Tensor2D, g, b);
      expect(() => batchNormBackwardSteps(tf.ones([3, 3]) as tf.Tensor2D, steps, g)).toThrow(
        /batchNormBackwardSteps: dOutput.shape = \[3, 3\], expected \[4, 3\]/,
      );
      expect(() => batchNormBackwardSteps(tf.ones([4, 3]) as tf.Tensor2D, {} as never, g)).toThrow(/batchNormBackwardSteps: steps = /);
    });
  });
});

describe("BatchNorm layer against tf.layers.batchNormalization", () => {
  function pair(shape: number[], args: { momentum: number; epsilon: number; axis: number }) {
    const features = shape[args.axis < 0 ? args.axis + shape.length : args.axis]!;
    const ours = batchNormLayer({ ...args, inferenceVariance: "smoothed", name: `ours_${shape.length}_${args.axis}` });
    const theirs = tf.layers.batchNormalization({ ...args, name: `tfjs_${shape.length}_${args.axis}` });
    // Build by one inference call (which leaves the running statistics alone), so the layers count as used.
    for (const layer of [ours, theirs]) tf.tidy(() => void layer.apply(tf.zeros(shape)));
    const start = [normals(features, 51, 1, 0.5), normals(features, 52), normals(features, 53), normals(features, 54, 2, 0.1).map(Math.abs)];
    for (const layer of [ours, theirs]) layer.setWeights(start.map((v) => tf.tensor1d(v)));
    return { ours, theirs, features };
  }

  for (const { shape, axis } of [
    { shape: [10, 4], axis: -1 },
    { shape: [3, 2, 3, 5], axis: -1 },
  ]) {
    it(`training-mode output, gradients and running statistics match (shape ${shape}, axis ${axis})`, () => {
      const { ours, theirs } = pair(shape, { momentum: 0.9, epsilon: 1e-3, axis });
      // Both float32, different kernels (tfjs's fused batchNorm): rounding-level differences, bound 1e-5 relative.
      for (let step = 0; step < 3; step++) {
        const x = tf.tensor(normals(sizeOf(shape), 60 + step, 2, 3), shape, "float32");
        const dy = tf.tensor(normals(sizeOf(shape), 70 + step), shape, "float32");
        const a = layerTrainingGradients(ours, x, dy);
        const b = layerTrainingGradients(theirs, x, dy);
        expect(relativeError(a.y, b.y), "y").toBeLessThan(1e-5);
        expect(relativeError(a.dx, b.dx), "dx").toBeLessThan(1e-5);
        expect(relativeError(a.dGamma, b.dGamma), "dgamma").toBeLessThan(1e-5);
        expect(relativeError(a.dBeta, b.dBeta), "dbeta").toBeLessThan(1e-5);
        tf.dispose([x, dy]);
      }
      // Six smoothed updates on each side (two training calls per step): the running statistics agree.
      const [w1, w2] = [weightValues(ours), weightValues(theirs)];
      expect(relativeError(w1[2]!, w2[2]!), "moving mean").toBeLessThan(1e-5);
      expect(relativeError(w1[3]!, w2[3]!), "moving variance").toBeLessThan(1e-5);
      // Inference mode ("smoothed" setting) after the same updates.
      tf.tidy(() => {
        const x = tf.tensor(normals(sizeOf(shape), 80, 2, 3), shape, "float32");
        expect(relativeError((ours.apply(x) as tf.Tensor).dataSync(), (theirs.apply(x) as tf.Tensor).dataSync()), "inference").toBeLessThan(1e-5);
      });
      ours.dispose();
      theirs.dispose();
    });
  }
});

describe("BatchNorm layer against PyTorch (committed fixtures)", () => {
  interface TorchCase {
    shape: number[];
    eps: number;
    momentum: number;
    x: unknown;
    weight: number[];
    bias: number[];
    dy: unknown;
    y: unknown;
    dx: unknown;
    dweight: number[];
    dbias: number[];
    batches: unknown[];
    running_mean: number[];
    running_var: number[];
    eval_y: unknown;
  }
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/batch-norm/pytorch-batch-norm.json"), "utf8")) as {
    cases: Record<string, TorchCase>;
  };
  const flat = (v: unknown) => Float64Array.from((v as number[]).flat(4) as number[]);
  const flat32 = (v: unknown) => Float32Array.from(flat(v));

  for (const [name, c] of Object.entries(fixture.cases)) {
    // BatchNorm1d on [N, F] and BatchNorm2d on NCHW [N, C, H, W]: the feature axis is 1 in both.
    // PyTorch's momentum p is our δ = 1 − p, and its running_var is the smoothed UNBIASED variance.
    const args: BatchNormLayerArgs = { axis: 1, epsilon: c.eps, momentum: 1 - c.momentum, inferenceVariance: "unbiased" };
    // References are float64; ours is float32: rounding only, a few m·u ≈ 1e-6; bound 1e-5 relative.
    it(`${name}: training-mode output and input/weight/bias gradients`, () => {
      const layer = new BatchNorm({ ...args, name: `torch_${name}_grad` });
      tf.tidy(() => void layer.apply(tf.zeros(c.shape))); // builds; inference leaves the statistics alone
      const features = c.shape[1]!;
      layer.setWeights([tf.tensor1d(Float32Array.from(c.weight)), tf.tensor1d(Float32Array.from(c.bias)), tf.zeros([features]), tf.ones([features])]);
      const x = tf.tensor(flat32(c.x), c.shape, "float32");
      const dy = tf.tensor(flat32(c.dy), c.shape, "float32");
      const r = layerTrainingGradients(layer, x, dy);
      expect(relativeError(r.y, flat(c.y)), "y").toBeLessThan(1e-5);
      expect(relativeError(r.dx, flat(c.dx)), "dx").toBeLessThan(1e-5);
      expect(relativeError(r.dGamma, c.dweight), "dweight").toBeLessThan(1e-5);
      expect(relativeError(r.dBeta, c.dbias), "dbias").toBeLessThan(1e-5);
      tf.dispose([x, dy]);
      layer.dispose();
    });

    it(`${name}: running_mean / running_var (unbiased, momentum 1 − δ) and the eval-mode output`, () => {
      const layer = new BatchNorm({ ...args, name: `torch_${name}_running` });
      tf.tidy(() => void layer.apply(tf.zeros(c.shape))); // builds; inference leaves the statistics alone
      layer.setWeights([tf.tensor1d(Float32Array.from(c.weight)), tf.tensor1d(Float32Array.from(c.bias)), tf.zeros([c.shape[1]!]), tf.ones([c.shape[1]!])]);
      for (const batch of c.batches) tf.tidy(() => void layer.apply(tf.tensor(flat32(batch), c.shape, "float32"), { training: true }));
      const weights = weightValues(layer);
      expect(relativeError(weights[2]!, c.running_mean), "running_mean").toBeLessThan(1e-5);
      expect(relativeError(weights[3]!, c.running_var), "running_var").toBeLessThan(1e-5);
      const evalY = tf.tidy(() => (layer.apply(tf.tensor(flat32(c.x), c.shape, "float32")) as tf.Tensor).dataSync());
      expect(relativeError(evalY, flat(c.eval_y)), "eval output").toBeLessThan(1e-5);
      layer.dispose();
    });
  }
});

describe("BatchNorm layer: statistics and learning", () => {
  it("training-mode output has per-feature mean 0 and std √(σ²/(σ²+ε)) ≈ 1", () => {
    const [m, features] = [64, 3];
    const stds = [3, 0.5, 10];
    const epsilon = 1e-3;
    const layer = batchNormLayer({ name: "bn_stats", epsilon });
    const values = Float32Array.from(normals(m * features, 91), (v, i) => 5 - i + stds[i % features]! * v);
    const y = tf.tidy(() => (layer.apply(tf.tensor2d(values, [m, features], "float32"), { training: true }) as tf.Tensor).dataSync());
    for (let f = 0; f < features; f++) {
      const column = Array.from(y).filter((_, i) => i % features === f);
      const mean = column.reduce((s, v) => s + v, 0) / m;
      const std = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / m);
      const xs = Array.from(values).filter((_, i) => i % features === f);
      const xMean = xs.reduce((s, v) => s + v, 0) / m;
      const variance = xs.reduce((s, v) => s + (v - xMean) ** 2, 0) / m;
      // x̂ has mean exactly 0 and variance σ²/(σ² + ε), so std = 1 − ε/(2σ²) + O(ε²); float32 rounding adds ~1e-6.
      expect(Math.abs(mean), `mean ${f}`).toBeLessThan(1e-5);
      expect(Math.abs(std - Math.sqrt(variance / (variance + epsilon))), `std ${f}`).toBeLessThan(1e-5);
      expect(Math.abs(1 - std), `std vs 1, feature ${f}`).toBeLessThan(epsilon / (2 * variance) + 1e-5);
    }
    layer.dispose();
  });

  it("model.fit runs in training mode and recovers a known gamma and beta", async () => {
    // Target t = γ* x̂ + β* with x̂ the full batch's standardized inputs (same ε). With one batch of all N examples
    // the loss is a convex quadratic in (γ, β) with minimum at (γ*, β*); per feature its curvature is
    // 2·Σx̂²/(N·F) ≈ 2/F, so plain SGD at rate 0.5 contracts the error by ≈ 1 − 1/F = 2/3 per epoch:
    // (2/3)^150 ≈ 1e-26. Bound 1e-3 leaves only float32 rounding. In inference mode (moving mean 0, variance 1)
    // the fit could not reach (γ*, β*), so this also checks that model.fit passes training = true.
    const [n, features] = [32, 3];
    const gammaStar = [2, -0.5, 1.25];
    const betaStar = [1, 3, -2];
    const values = normals(n * features, 101, 4, 2);
    const target = referenceBatchNorm(toFloat32(values), [n, features], 1, gammaStar, betaStar, 1e-3);
    const layer = batchNormLayer({ name: "bn_fit", inputShape: [features] });
    const model = tf.sequential({ layers: [layer] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: "meanSquaredError" });
    const [x, t] = [tf.tensor2d(values, [n, features], "float32"), tf.tensor2d(Float32Array.from(target), [n, features])];
    await model.fit(x, t, { epochs: 150, batchSize: n, shuffle: false, verbose: 0 });
    const [gamma, beta] = weightValues(layer);
    expect(maxAbsDiff(gamma!, gammaStar)).toBeLessThan(1e-3);
    expect(maxAbsDiff(beta!, betaStar)).toBeLessThan(1e-3);
    tf.dispose([x, t]);
    model.dispose();
  });

  it("running statistics converge to the data's mean and variance (unbiased) or (m−1)/m of it (smoothed)", () => {
    // 200 batches of m = 256 from N(μ_f, σ_f²), δ = 0.9: the start values weigh δ^200 ≈ 7e-10. The moving
    // average of K i.i.d. batch values has variance (1 − δ)/(1 + δ) · Var(batch value): for the mean
    // σ²/m · 0.0526 ⇒ sd 0.0143 σ; for the unbiased variance 2σ⁴/(m − 1) · 0.0526 ⇒ sd 0.0203 σ². Bounds: 4 sd.
    const [m, features, batches, momentum] = [256, 3, 200, 0.9];
    const means = [2, -1, 0.5];
    const stds = [3, 0.5, 1];
    const unbiased = batchNormLayer({ name: "bn_unbiased", momentum, inferenceVariance: "unbiased" });
    const smoothed = batchNormLayer({ name: "bn_smoothed", momentum, inferenceVariance: "smoothed" });
    const rng = new Rng(111);
    for (let k = 0; k < batches; k++) {
      const batch = Float32Array.from({ length: m * features }, (_, i) => rng.normal(means[i % features]!, stds[i % features]!));
      tf.tidy(() => {
        const x = tf.tensor2d(batch, [m, features]);
        unbiased.apply(x, { training: true });
        smoothed.apply(x, { training: true });
      });
    }
    const [, , uMean, uVar] = weightValues(unbiased);
    const [, , sMean, sVar] = weightValues(smoothed);
    for (let f = 0; f < features; f++) {
      expect(Math.abs(uMean![f]! - means[f]!), `mean ${f}`).toBeLessThan(4 * 0.0143 * stds[f]!);
      expect(Math.abs(uVar![f]! / stds[f]! ** 2 - 1), `unbiased variance ${f}`).toBeLessThan(4 * 0.0203);
      expect(sMean![f]).toBeCloseTo(uMean![f]!, 5);
      // Same batches: the smoothed running variance is exactly (m − 1)/m of the unbiased one (float32 rounding ~1e-6).
      expect(Math.abs(sVar![f]! / uVar![f]! - (m - 1) / m), `smoothed/unbiased ${f}`).toBeLessThan(1e-5);
    }
    unbiased.dispose();
    smoothed.dispose();
  });

  it("inference uses the running statistics: each output depends only on its own input; a batch of one works", () => {
    const layer = batchNormLayer({ name: "bn_inference", momentum: 0.5, epsilon: 1e-3 });
    const features = 4;
    tf.tidy(() => void layer.apply(tf.tensor2d(normals(16 * features, 121, 3, 2), [16, features], "float32"), { training: true }));
    layer.setWeights([tf.tensor1d([2, 1, -1, 0.5]), tf.tensor1d([0, 1, 2, 3]), ...layer.getWeights().slice(2)]);
    const [gamma, beta, movingMean, movingVariance] = weightValues(layer);
    const batchA = normals(5 * features, 122, 1, 4);
    const batchB = Float32Array.from(batchA, (v, i) => (i < features ? v : 100 * v - 50)); // same first row, wild others
    const [yA, yB, yOne, yFalse] = tf.tidy(() => [
      (layer.apply(tf.tensor2d(batchA, [5, features], "float32")) as tf.Tensor).dataSync(),
      (layer.apply(tf.tensor2d(batchB, [5, features], "float32")) as tf.Tensor).dataSync(),
      (layer.apply(tf.tensor2d(batchA.slice(0, features), [1, features], "float32")) as tf.Tensor).dataSync(),
      (layer.apply(tf.tensor2d(batchA, [5, features], "float32"), { training: false }) as tf.Tensor).dataSync(),
    ]);
    const expected = Float64Array.from(toFloat32(batchA), (v, i) => {
      const f = i % features;
      return (gamma![f]! * (v - movingMean![f]!)) / Math.sqrt(movingVariance![f]! + 1e-3) + beta![f]!;
    });
    expect(maxAbsDiff(yA, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(yA.slice(0, features), yB.slice(0, features))).toBe(0);
    expect(maxAbsDiff(yOne, yA.slice(0, features))).toBeLessThan(1e-6);
    expect(maxAbsDiff(yFalse, yA)).toBe(0);
    // The inference calls left the running statistics alone.
    expect(weightValues(layer)[2]).toEqual(movingMean);
    layer.dispose();
  });
});

describe("BatchNorm layer: serialization, memory, errors", () => {
  async function roundTrip(model: tf.LayersModel): Promise<{ loaded: tf.LayersModel; topology: string }> {
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    return { loaded: await tf.loadLayersModel(tf.io.fromMemory(saved!)), topology: JSON.stringify(saved!.modelTopology) };
  }

  it("a dense and a conv model survive save and load (config, weights, running statistics, predictions)", async () => {
    expect(registerBatchNorm()).toBe(false); // already registered when the module loaded
    const dense = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [3], name: "dense", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        batchNormLayer({
          name: "bn_dense",
          momentum: 0.8,
          epsilon: 1e-4,
          inferenceVariance: "smoothed",
          center: false,
          gammaInitializer: tf.initializers.constant({ value: 2 }),
        }),
      ],
    });
    const conv = tf.sequential({
      layers: [
        // Frozen: tfjs-wasm has no Conv2DBackpropFilter kernel, and only the BN layer's training matters here.
        tf.layers.conv2d({
          filters: 2,
          kernelSize: 2,
          inputShape: [4, 4, 1],
          name: "conv",
          trainable: false,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
        batchNormLayer({ name: "bn_conv", scale: false }),
      ],
    });
    for (const [model, shape] of [
      [dense, [6, 3]],
      [conv, [3, 4, 4, 1]],
    ] as const) {
      model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
      const x = tf.tensor(normals(sizeOf(shape), 131, 1, 2), [...shape], "float32");
      const target = tf.zerosLike(model.predict(x) as tf.Tensor);
      await model.fit(x, target, { epochs: 3, batchSize: shape[0], verbose: 0 });
      const { loaded, topology } = await roundTrip(model);
      expect(topology).toContain('"class_name":"KernelLib>BatchNorm"');
      const original = model.layers[1] as BatchNorm;
      const restored = loaded.layers[1] as BatchNorm;
      expect(restored).toBeInstanceOf(BatchNorm);
      expect(restored.getConfig()).toEqual(original.getConfig());
      expect(weightValues(restored)).toEqual(weightValues(original));
      const [a, b] = [(model.predict(x) as tf.Tensor).dataSync(), (loaded.predict(x) as tf.Tensor).dataSync()];
      expect(maxAbsDiff(a, b)).toBe(0);
      tf.dispose([x, target]);
      loaded.dispose();
      model.dispose();
    }
    const cfg = (dense.layers[1] as BatchNorm).getConfig();
    expect(cfg).toMatchObject({ momentum: 0.8, epsilon: 1e-4, inferenceVariance: "smoothed", center: false, scale: true });
  });

  it("no tensors leak in training and inference calls (including the running-statistic update)", () => {
    for (const [shape, axis] of [
      [[8, 5], -1],
      [[2, 3, 3, 4], -1],
      [[2, 4, 3, 3], 1],
    ] as const) {
      const layer = batchNormLayer({ name: `bn_leak_${shape.length}_${axis}`, axis });
      const x = tf.tensor(normals(sizeOf(shape), 141, 0, 1), [...shape], "float32");
      (layer.apply(x, { training: true }) as tf.Tensor).dispose(); // builds (creates the 4 weights)
      const before = tf.memory().numTensors;
      const meanBefore = weightValues(layer)[2]!;
      for (const training of [true, false, undefined]) {
        const y = layer.apply(x, training === undefined ? {} : { training }) as tf.Tensor;
        expect(tf.memory().numTensors, `training = ${training}`).toBe(before + 1);
        y.dispose();
        expect(tf.memory().numTensors, `training = ${training}`).toBe(before);
      }
      expect(weightValues(layer)[2]).not.toEqual(meanBefore); // the training call did update the running mean
      const dx = tf.grad((t: tf.Tensor) => layer.apply(t, { training: true }) as tf.Tensor)(x);
      dx.dispose();
      expect(tf.memory().numTensors, "gradient call").toBe(before);
      x.dispose();
      layer.dispose();
    }
  });

  it("bad input gets a clear error", () => {
    tf.tidy(() => {
      const x2 = tf.ones([4, 3]);
      expect(() => batchNormLayer({ name: "bad_rank", axis: 3 }).apply(x2)).toThrow(
        /BatchNorm.build: axis = 3, expected an integer in \[-2, 1\] for an input of rank 2/,
      );
      expect(() => batchNormLayer({ name: "bad_axis0", axis: 0 }).apply(x2)).toThrow(/axis = 0, expected a feature axis other than 0/);
      expect(() => batchNormLayer({ name: "bad_rank1" }).apply(tf.ones([3]))).toThrow(/BatchNorm.build: inputShape = \[3\], expected rank >= 2/);
      const built = batchNormLayer({ name: "bad_rebuilt" });
      built.apply(x2);
      expect(() => built.apply(tf.ones([2, 2, 3]))).toThrow(/BatchNorm.call: x.shape = \[2, 2, 3\], expected rank 2/);
      expect(() => built.apply(tf.ones([1, 3]), { training: true })).toThrow(
        /BatchNorm.call: x.shape = \[1, 3\], expected at least 2 elements per feature in training mode/,
      );
      expect(() => built.apply(tf.ones([1, 3]))).not.toThrow(); // inference with a batch of one is fine
      expect(() => batchNormLayer({ axis: 1.5 })).toThrow(/BatchNorm: axis = 1.5, expected an integer/);
      expect(() => batchNormLayer({ momentum: 1 })).toThrow(/BatchNorm: momentum = 1, expected a number in \[0, 1\)/);
      expect(() => batchNormLayer({ momentum: -0.1 })).toThrow(/BatchNorm: momentum = -0.1, expected a number in \[0, 1\)/);
      expect(() => batchNormLayer({ epsilon: 0 })).toThrow(/BatchNorm: epsilon = 0, expected a finite number > 0/);
      expect(() => batchNormLayer({ epsilon: -1 })).toThrow(/BatchNorm: epsilon = -1/);
      expect(() => batchNormLayer({ inferenceVariance: "biased" as never })).toThrow(
        /BatchNorm: inferenceVariance = "biased", expected one of "unbiased", "smoothed"/,
      );
      expect(() => batchNormalize(x2, null, null, { axis: 5 })).toThrow(/batchNormalize: axis = 5, expected an integer in \[-2, 1\]/);
      expect(() => batchNormalize(tf.ones([1, 2, 2, 3]).reshape([1, 1, 1, 12]), null, null)).toThrow(
        /batchNormalize: x.shape = \[1,? ?1,? ?1,? ?12\], expected at least 2/,
      );
      expect(() => batchNormalize(x2, tf.ones([2]) as tf.Tensor1D, null)).toThrow(/batchNormalize: gamma.shape = \[2\], expected \[3\]/);
      expect(() => batchNormalize(tf.ones([4, 3], "int32"), null, null)).toThrow(/batchNormalize: x.dtype = "int32", expected "float32"/);
    });
  });
});
