import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  GroupNorm,
  InstanceNorm,
  LayerNorm,
  groupMoments,
  groupNormLayer,
  groupNormalize,
  instanceNormLayer,
  instanceNormalize,
  layerNormLayer,
  layerNormalize,
  registerGroupNorm,
  registerInstanceNorm,
  registerLayerNorm,
  standardizeOverAxes,
} from "../../kernel-lib/src/normalizers/per-example";
import { Rng } from "../../kernel-lib/src/random";
import { initBackend, tf } from "../../kernel-lib/src/index";
import { relativeError } from "../../kernel-lib/src/probes/gradient-check";

type Affine = (x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null) => tf.Tensor;

/** A seeded tensor of N(mean, std²) values (float32). */
function randomTensor(shape: number[], seed: number, mean = 0, std = 1): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.normal(mean, std)),
    shape,
  );
}

/** Inputs whose examples have different offsets and scales (what a normalization layer has to undo). */
function exampleInput(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const rng = new Rng(seed + 1);
    const perExample = [shape[0]!, ...shape.slice(1).map(() => 1)];
    const offsets = tf.tensor(
      Float32Array.from({ length: shape[0]! }, () => rng.normal(0, 2)),
      perExample,
    );
    const scales = tf.tensor(
      Float32Array.from({ length: shape[0]! }, () => 0.5 + 2 * rng.uniform()),
      perExample,
    );
    return randomTensor(shape, seed).mul(scales).add(offsets);
  });
}

function values(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}

/** Runs `fn` in a tidy scope and reads the tensors it returns (then frees them): no typed arrays leave a tidy. */
function read(fn: () => tf.Tensor[]): Float64Array[] {
  const tensors = tf.tidy(fn);
  const arrays = tensors.map(values);
  tf.dispose(tensors);
  return arrays;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * Central differences of L(x, γ, β) = Σ f(x, γ, β) · r, one element at a time. L is summed in float64 from the
 * float32 outputs, and the step is the float32 difference actually applied (Math.fround), so the only float32
 * error left is the rounding of f's outputs (unit roundoff 6e-8 of values ~1).
 */
function numericGradients(f: Affine, inputs: [tf.Tensor, tf.Tensor, tf.Tensor], upstream: Float64Array, h: number): Float64Array[] {
  const base = inputs.map(values);
  const loss = (arrays: Float64Array[]): number =>
    tf.tidy(() => {
      const [x, g, b] = arrays.map((a, i) => tf.tensor(Float32Array.from(a), inputs[i]!.shape));
      const y = f(x!, g!, b!).dataSync();
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += y[i]! * upstream[i]!;
      return sum;
    });
  return base.map((array, which) => {
    const grad = new Float64Array(array.length);
    for (let i = 0; i < array.length; i++) {
      const plus = base.map((a) => a.slice());
      const minus = base.map((a) => a.slice());
      plus[which]![i] = Math.fround(array[i]! + h);
      minus[which]![i] = Math.fround(array[i]! - h);
      grad[i] = (loss(plus) - loss(minus)) / (plus[which]![i]! - minus[which]![i]!);
    }
    return grad;
  });
}

/** ∂/∂(x, γ, β) of Σ f(x, γ, β) · r by tfjs (through the custom backward pass). */
function analyticGradients(f: Affine, inputs: [tf.Tensor, tf.Tensor, tf.Tensor], upstream: tf.Tensor): Float64Array[] {
  return read(() => tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(x, g, b), upstream)))(inputs));
}

/** The same normalization written as the plain formula, for tfjs's automatic differentiation. */
function plainStandardize(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
}

interface FixtureCase {
  name: string;
  kind: "layer" | "group" | "instance";
  options: { axis?: number | number[]; groups?: number };
  shape: number[];
  paramShape: number[];
  x: number[];
  gamma: number[];
  beta: number[];
  dy: number[];
  y: number[];
  dx: number[];
  dgamma: number[];
  dbeta: number[];
}
const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/per-example/per-example-norms.json"), "utf8")) as {
  epsilon: number;
  cases: FixtureCase[];
};

function fixtureFunction(c: FixtureCase): Affine {
  if (c.kind === "layer") return (x, g, b) => layerNormalize(x, g, b, { axis: c.options.axis, epsilon: fixture.epsilon });
  if (c.kind === "group") return (x, g, b) => groupNormalize(x, g, b, { groups: c.options.groups!, epsilon: fixture.epsilon });
  return (x, g, b) => instanceNormalize(x, g, b, { epsilon: fixture.epsilon });
}

function fixtureLayer(c: FixtureCase): tf.layers.Layer {
  if (c.kind === "layer") return layerNormLayer({ axis: c.options.axis, epsilon: fixture.epsilon });
  if (c.kind === "group") return groupNormLayer({ groups: c.options.groups!, epsilon: fixture.epsilon });
  return instanceNormLayer({ epsilon: fixture.epsilon });
}

/** The functional forms on shapes of every kind, with non-trivial γ and β of the right shape. */
const GRADIENT_CASES: { label: string; shape: number[]; paramShape: number[]; f: Affine }[] = [
  { label: "layer norm [3, 5], axis -1", shape: [3, 5], paramShape: [5], f: (x, g, b) => layerNormalize(x, g, b) },
  { label: "layer norm [2, 3, 4], axis 1", shape: [2, 3, 4], paramShape: [3], f: (x, g, b) => layerNormalize(x, g, b, { axis: 1 }) },
  { label: "layer norm [2, 2, 3, 2], axes 1-3", shape: [2, 2, 3, 2], paramShape: [2, 3, 2], f: (x, g, b) => layerNormalize(x, g, b, { axis: [1, 2, 3] }) },
  { label: "group norm [3, 6], 2 groups", shape: [3, 6], paramShape: [6], f: (x, g, b) => groupNormalize(x, g, b, { groups: 2 }) },
  { label: "group norm [2, 4, 6], 3 groups", shape: [2, 4, 6], paramShape: [6], f: (x, g, b) => groupNormalize(x, g, b, { groups: 3 }) },
  { label: "group norm [2, 2, 3, 4], 2 groups", shape: [2, 2, 3, 4], paramShape: [4], f: (x, g, b) => groupNormalize(x, g, b, { groups: 2 }) },
  { label: "instance norm [2, 5, 3]", shape: [2, 5, 3], paramShape: [3], f: (x, g, b) => instanceNormalize(x, g, b) },
  { label: "instance norm [2, 3, 2, 3]", shape: [2, 3, 2, 3], paramShape: [3], f: (x, g, b) => instanceNormalize(x, g, b) },
];

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("the custom backward pass (lecture 000's chain rule, sums over the normalized group)", () => {
  it("passes a central-difference check for x, γ and β on every kind and shape (relative error < 1e-3)", () => {
    // Bound: float32 outputs carry a relative rounding of ~6e-8 each; summed with random signs over ~50 outputs
    // that puts an error of ~5e-7 on L, so the difference quotient with h = 3e-3 is off by ~1e-4 on gradient
    // components of order 1; the truncation error h² f'''/6 stays near 1e-5 even for tight groups (σ ~ 0.3).
    // Measured worst case here: 1.2e-4. 1e-3 (CS231n's float32 bar) leaves a margin, while a wrong term in the
    // backward pass (see the next test) gives errors of order 0.1-1.
    GRADIENT_CASES.forEach(({ label, shape, paramShape, f }, index) => {
      const x = exampleInput(shape, 100 + index);
      const gamma = randomTensor(paramShape, 200 + index, 1, 0.5);
      const beta = randomTensor(paramShape, 300 + index, 0, 0.5);
      const upstream = randomTensor(shape, 400 + index);
      const numeric = numericGradients(f, [x, gamma, beta], values(upstream), 3e-3);
      const analytic = analyticGradients(f, [x, gamma, beta], upstream);
      ["x", "gamma", "beta"].forEach((name, i) => {
        expect(relativeError(numeric[i]!, analytic[i]!), `${label}: d/d${name}`).toBeLessThan(1e-3);
      });
      tf.dispose([x, gamma, beta, upstream]);
    });
  });

  it("the check can fail: the gradient without the x̂ Σ(g x̂) term is far off", () => {
    const x = exampleInput([3, 6], 7);
    const upstream = randomTensor([3, 6], 8);
    const [analytic] = read(() => [tf.grad((input: tf.Tensor) => tf.sum(tf.mul(standardizeOverAxes(input, 1), upstream)))(x)]);
    // the truncated formula (1/m) invStd (m g − Σ g), with invStd = 1/√(σ² + ε)
    const [truncated] = read(() => {
      const { variance } = tf.moments(x, 1, true);
      const invStd = tf.rsqrt(variance.add(1e-5));
      return [upstream.mul(6).sub(upstream.sum(1, true)).mul(invStd).div(6)];
    });
    expect(relativeError(truncated!, analytic!)).toBeGreaterThan(0.1);
    tf.dispose([x, upstream]);
  });

  it("equals tfjs's autodiff of the plain formula (relative error < 1e-5)", () => {
    // Both are exact formulas for the same derivative, evaluated in float32 in different orders: they differ
    // by a few roundings per element (~1e-7 each), summed over groups of at most 24 elements; 1e-5 is ample.
    const shapes: { shape: number[]; axes: number[] }[] = [
      { shape: [4, 7], axes: [1] },
      { shape: [2, 3, 5], axes: [1] },
      { shape: [2, 3, 5], axes: [2] },
      { shape: [2, 3, 4, 2], axes: [1, 2] },
      { shape: [2, 3, 2, 4], axes: [1, 2, 3] },
      { shape: [2, 2, 3, 2, 2], axes: [1, 2, 4] },
    ];
    shapes.forEach(({ shape, axes }, index) => {
      const x = exampleInput(shape, 500 + index);
      const upstream = randomTensor(shape, 600 + index);
      const [custom, plain, customY, plainY] = read(() => [
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(standardizeOverAxes(input, axes, 1e-5), upstream)))(x),
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(plainStandardize(input, axes, 1e-5), upstream)))(x),
        standardizeOverAxes(x, axes, 1e-5),
        plainStandardize(x, axes, 1e-5),
      ]);
      expect(relativeError(custom!, plain!), `${shape} over ${axes}: gradient`).toBeLessThan(1e-5);
      expect(relativeError(customY!, plainY!), `${shape} over ${axes}: forward`).toBeLessThan(1e-6);
      tf.dispose([x, upstream]);
    });
  });
});

describe("PyTorch fixtures (nn.LayerNorm, nn.GroupNorm, nn.InstanceNorm1d/2d(affine=True), float64)", () => {
  // Tolerance: inputs are the same float32 numbers on both sides; the float64 reference is rounded to 7 digits
  // (5e-8 relative). Our float32 result carries a few roundings per element plus those of sums over groups of
  // at most 36 elements (inputs up to |x| ~ 8), amplified in dx by 1/σ of tight groups (the two-channel groups
  // of the [3, 8] group norm case): measured worst 6e-6 of the largest value. We allow 3e-5 of the largest value.
  function expectClose(actual: ArrayLike<number>, expected: number[], what: string): void {
    expect(maxAbsDiff(actual, expected), what).toBeLessThan(3e-5 * Math.max(1, maxAbs(expected)));
  }

  it("the functional forms match outputs and the gradients for x, γ and β", () => {
    for (const c of fixture.cases) {
      const f = fixtureFunction(c);
      const x = tf.tensor(c.x, c.shape);
      const gamma = tf.tensor(c.gamma, c.paramShape);
      const beta = tf.tensor(c.beta, c.paramShape);
      const dy = tf.tensor(c.dy, c.shape);
      const [y] = read(() => [f(x, gamma, beta)]);
      expectClose(y!, c.y, `${c.name}: y`);
      const [dx, dgamma, dbeta] = analyticGradients(f, [x, gamma, beta], dy);
      expectClose(dx!, c.dx, `${c.name}: dx`);
      expectClose(dgamma!, c.dgamma, `${c.name}: dgamma`);
      expectClose(dbeta!, c.dbeta, `${c.name}: dbeta`);
      tf.dispose([x, gamma, beta, dy]);
    }
  });

  it("the layers, given PyTorch's weight and bias, match the outputs and the input gradients", () => {
    for (const c of fixture.cases) {
      const layer = fixtureLayer(c);
      const x = tf.tensor(c.x, c.shape);
      const dy = tf.tensor(c.dy, c.shape);
      layer.apply(tf.zeros(c.shape)); // builds it
      layer.setWeights([tf.tensor(c.gamma, c.paramShape), tf.tensor(c.beta, c.paramShape)]);
      tf.tidy(() => {
        expectClose(values(layer.apply(x) as tf.Tensor), c.y, `${c.name}: layer y`);
        expectClose(values(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, dy)))(x)), c.dx, `${c.name}: layer dx`);
      });
      tf.dispose([x, dy]);
      layer.dispose();
    }
  });
});

describe("LayerNorm against tfjs's tf.layers.layerNormalization", () => {
  it("same output and input gradient for axis -1 on [N, F] and axes [1, 2, 3] on [N, H, W, C] (< 1e-5)", () => {
    // Same formula, same ε; float32 rounding only (see the fixture tolerance).
    const settings: { shape: number[]; axis: number | number[]; paramShape: number[] }[] = [
      { shape: [4, 10], axis: -1, paramShape: [10] },
      { shape: [3, 5, 6], axis: -1, paramShape: [6] },
      { shape: [2, 3, 4, 5], axis: [1, 2, 3], paramShape: [3, 4, 5] },
    ];
    settings.forEach(({ shape, axis, paramShape }, index) => {
      const ours = layerNormLayer({ axis: axis, epsilon: 1e-5 });
      const theirs = tf.layers.layerNormalization({ axis: axis, epsilon: 1e-5 });
      const x = exampleInput(shape, 700 + index);
      const dy = randomTensor(shape, 800 + index);
      tf.tidy(() => {
        ours.apply(x);
        theirs.apply(x);
      });
      const weights = [randomTensor(paramShape, 900 + index, 1, 0.3), randomTensor(paramShape, 950 + index, 0, 0.3)];
      ours.setWeights(weights);
      theirs.setWeights(weights);
      tf.tidy(() => {
        const yOurs = values(ours.apply(x) as tf.Tensor);
        const yTheirs = values(theirs.apply(x) as tf.Tensor);
        expect(maxAbsDiff(yOurs, yTheirs), `${shape}: y`).toBeLessThan(1e-5 * maxAbs(yTheirs));
        const grad = (layer: tf.layers.Layer) => values(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, dy)))(x));
        expect(relativeError(grad(ours), grad(theirs)), `${shape}: dx`).toBeLessThan(1e-5);
      });
      tf.dispose([x, dy, ...weights]);
      ours.dispose();
      theirs.dispose();
    });
  });

  it("defaults differ on purpose: ours ε = 1e-5 (PyTorch's), tfjs's 1e-3", () => {
    const ours = layerNormLayer();
    const theirs = tf.layers.layerNormalization();
    expect(ours.epsilon).toBe(1e-5);
    expect(theirs.getConfig().epsilon).toBe(1e-3);
  });
});

describe("statistics: each group standardized, examples independent", () => {
  it("per-group mean ≈ 0 and variance = σ²/(σ² + ε) for layer, group and instance norm", () => {
    // Without γ, β, each group's output has mean 0 (float32: |mean| < 1e-6 for values ~1) and biased variance
    // exactly σ²/(σ² + ε) in real arithmetic; with σ ≥ 0.5 the ε shift is below 4e-5, and float32 adds ~1e-6.
    const x = exampleInput([3, 4, 5, 6], 11);
    const cases: { label: string; y: tf.Tensor; groups: number }[] = [
      { label: "layer norm over (H, W, C)", y: layerNormalize(x, null, null, { axis: [1, 2, 3] }), groups: 1 },
      { label: "group norm, 3 groups", y: groupNormalize(x, null, null, { groups: 3 }), groups: 3 },
      { label: "instance norm", y: instanceNormalize(x), groups: 6 },
    ];
    for (const { label, y, groups } of cases) {
      const before = groupMoments(x, groups);
      const after = groupMoments(y, groups);
      const sigma2 = before.variance.dataSync();
      expect(maxAbs(after.mean.dataSync()), `${label}: mean`).toBeLessThan(1e-6);
      const expected = Array.from(sigma2, (s) => s / (s + 1e-5));
      expect(maxAbsDiff(after.variance.dataSync(), expected), `${label}: variance`).toBeLessThan(2e-6);
      expect(Math.min(...sigma2), `${label}: the input was not standardized already`).toBeGreaterThan(0.2);
      tf.dispose([y, before.mean, before.variance, after.mean, after.variance]);
    }
    x.dispose();
  });

  it("γ and β set each channel's output std and mean (group norm: per channel over the examples' groups)", () => {
    const x = exampleInput([2, 6, 6, 4], 12);
    const gamma = tf.tensor1d([0.5, 2, 3, 1]);
    const beta = tf.tensor1d([-1, 0, 4, 2]);
    const y = instanceNormalize(x, gamma, beta);
    const { mean, variance } = tf.moments(y, [1, 2]);
    const means = mean.arraySync() as number[][];
    const stds = (variance.sqrt().arraySync() as number[][]).flat();
    for (const row of means) expect(maxAbsDiff(row, [-1, 0, 4, 2])).toBeLessThan(1e-5);
    expect(maxAbsDiff(stds, [0.5, 2, 3, 1, 0.5, 2, 3, 1])).toBeLessThan(1e-4);
    tf.dispose([x, gamma, beta, y, mean, variance]);
  });

  it("a constant group gives 0, not NaN (ε keeps the division finite)", () => {
    const x = tf.tensor2d([
      [3, 3, 3, 3],
      [1, 2, 3, 4],
    ]);
    const y = groupNormalize(x, null, null, { groups: 2 });
    const out = y.arraySync() as number[][];
    expect(out[0]).toEqual([0, 0, 0, 0]);
    expect(out[1]!.every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
  });

  it("an example's output does not depend on the rest of the batch (alone = inside a batch; others changed)", () => {
    const layers = [layerNormLayer({ axis: [1, 2, 3] }), groupNormLayer({ groups: 2 }), instanceNormLayer()];
    const batch = exampleInput([5, 3, 3, 4], 13);
    const other = exampleInput([5, 3, 3, 4], 14);
    for (const layer of layers) {
      tf.tidy(() => {
        layer.apply(batch);
        layer.setWeights([randomTensor(layer.getWeights()[0]!.shape, 15, 1, 0.3), randomTensor(layer.getWeights()[1]!.shape, 16, 0, 0.3)]);
        const inBatch = layer.apply(batch) as tf.Tensor;
        const third = batch.slice([2, 0, 0, 0], [1, -1, -1, -1]);
        const alone = layer.apply(third) as tf.Tensor;
        // the same example 2 among four different ones
        const mixed = tf.concat([other.slice([0, 0, 0, 0], [2, -1, -1, -1]), third, other.slice([3, 0, 0, 0], [2, -1, -1, -1])]);
        const amongOthers = layer.apply(mixed) as tf.Tensor;
        const reference = inBatch.slice([2, 0, 0, 0], [1, -1, -1, -1]).dataSync();
        expect(maxAbsDiff(alone.dataSync(), reference), `${layer.name}: alone`).toBeLessThan(1e-6);
        expect(maxAbsDiff(amongOthers.slice([2, 0, 0, 0], [1, -1, -1, -1]).dataSync(), reference), `${layer.name}: among others`).toBeLessThan(1e-6);
      });
      layer.dispose();
    }
    tf.dispose([batch, other]);
  });

  it("training and inference compute the same thing (no running statistics)", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          name: "same-conv",
          inputShape: [5, 5, 2],
          filters: 4,
          kernelSize: 3,
          padding: "same",
          kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
        }),
        groupNormLayer({ name: "same-gn", groups: 2 }),
        instanceNormLayer({ name: "same-in" }),
        layerNormLayer({ name: "same-ln", axis: [1, 2, 3] }),
      ],
    });
    const x = exampleInput([3, 5, 5, 2], 17);
    tf.tidy(() => {
      const predicted = (model.predict(x) as tf.Tensor).dataSync();
      const training = (model.apply(x, { training: true }) as tf.Tensor).dataSync();
      expect(maxAbsDiff(predicted, training)).toBe(0);
    });
    expect(model.getWeights().map((w) => w.shape)).toEqual([[3, 3, 2, 4], [4], [4], [4], [4], [4], [5, 5, 4], [5, 5, 4]]);
    x.dispose();
    model.dispose();
  });
});

describe("how the three relate (Wu & He 2018, figure 2)", () => {
  it("group norm with 1 group = layer norm over (H, W, C) with per-channel γ, β; with C groups = instance norm", () => {
    const x = exampleInput([2, 3, 4, 6], 18);
    const gamma = randomTensor([6], 19, 1, 0.3);
    const beta = randomTensor([6], 20, 0, 0.3);
    tf.tidy(() => {
      const tiled = (p: tf.Tensor) => tf.tile(p.reshape([1, 1, 6]), [3, 4, 1]);
      const ln = layerNormalize(x, tiled(gamma), tiled(beta), { axis: [1, 2, 3] }).dataSync();
      const gn1 = groupNormalize(x, gamma, beta, { groups: 1 }).dataSync();
      expect(maxAbsDiff(gn1, ln)).toBeLessThan(1e-5);
      const inorm = instanceNormalize(x, gamma, beta).dataSync();
      const gnC = groupNormalize(x, gamma, beta, { groups: 6 }).dataSync();
      expect(maxAbsDiff(gnC, inorm)).toBeLessThan(1e-5);
      // and the three really differ from each other
      expect(maxAbsDiff(gn1, inorm)).toBeGreaterThan(0.1);
      expect(maxAbsDiff(groupNormalize(x, gamma, beta, { groups: 2 }).dataSync(), gn1)).toBeGreaterThan(0.1);
    });
    // the layers with their initial γ = 1, β = 0
    const gnLayer = groupNormLayer({ groups: 1 });
    const lnLayer = layerNormLayer({ axis: [1, 2, 3] });
    tf.tidy(() => {
      expect(maxAbsDiff((gnLayer.apply(x) as tf.Tensor).dataSync(), (lnLayer.apply(x) as tf.Tensor).dataSync())).toBeLessThan(1e-5);
    });
    tf.dispose([x, gamma, beta]);
    gnLayer.dispose();
    lnLayer.dispose();
  });

  it("group norm works on [N, C] (groups of features) and [N, L, C]", () => {
    const x2 = exampleInput([4, 8], 21);
    const x3 = exampleInput([2, 5, 8], 22);
    tf.tidy(() => {
      const y2 = groupNormalize(x2, null, null, { groups: 4 });
      const expected2 = plainStandardize(x2.reshape([4, 4, 2]), [2], 1e-5).reshape([4, 8]);
      expect(maxAbsDiff(y2.dataSync(), expected2.dataSync())).toBeLessThan(1e-5);
      const y3 = groupNormalize(x3, null, null, { groups: 2 });
      const expected3 = plainStandardize(x3.reshape([2, 5, 2, 4]), [1, 3], 1e-5).reshape([2, 5, 8]);
      expect(maxAbsDiff(y3.dataSync(), expected3.dataSync())).toBeLessThan(1e-5);
    });
    tf.dispose([x2, x3]);
  });
});

describe("layers: weights, serialization, registration", () => {
  it("γ, β are trainable weights of the right shapes; center/scale false leaves them out", () => {
    const cases: { layer: tf.layers.Layer; shape: number[]; expected: number[][] }[] = [
      { layer: layerNormLayer(), shape: [2, 7], expected: [[7], [7]] },
      {
        layer: layerNormLayer({ axis: [1, 2, 3] }),
        shape: [2, 3, 4, 5],
        expected: [
          [3, 4, 5],
          [3, 4, 5],
        ],
      },
      { layer: groupNormLayer({ groups: 2 }), shape: [2, 3, 4, 6], expected: [[6], [6]] },
      { layer: instanceNormLayer(), shape: [2, 3, 4, 6], expected: [[6], [6]] },
      { layer: instanceNormLayer({ center: false, scale: false }), shape: [2, 3, 4, 6], expected: [] },
      { layer: groupNormLayer({ groups: 3, center: false }), shape: [2, 6], expected: [[6]] },
    ];
    for (const { layer, shape, expected } of cases) {
      tf.tidy(() => {
        layer.apply(tf.zeros(shape));
      });
      expect(layer.trainableWeights.map((w) => w.shape)).toEqual(expected);
      const initial = layer.getWeights().map((w) => [...w.dataSync()]);
      if (expected.length === 2) expect(initial.map((w) => new Set(w))).toEqual([new Set([1]), new Set([0])]);
      layer.dispose();
    }
  });

  it("a model with all three layers saves and loads (config and weights), with no customObjects", async () => {
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            name: "ser-conv",
            inputShape: [4, 4, 3],
            filters: 6,
            kernelSize: 3,
            padding: "same",
            kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
          }),
          groupNormLayer({ name: "ser-gn", groups: 3, epsilon: 1e-4 }),
          instanceNormLayer({ name: "ser-in", center: false }),
          layerNormLayer({ name: "ser-ln", axis: [1, 2, 3], epsilon: 2e-5 }),
          tf.layers.flatten({ name: "ser-flat" }),
          layerNormLayer({ name: "ser-ln-dense" }),
        ],
      });
    const model = build();
    const changed = model.getWeights().map((w, i) => tf.tidy(() => w.add(randomTensor(w.shape, 30 + i, 0, 0.2))));
    model.setWeights(changed);
    tf.dispose(changed);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    const topology = JSON.stringify(saved!.modelTopology);
    for (const name of ["KernelLib>GroupNorm", "KernelLib>InstanceNorm", "KernelLib>LayerNorm"]) expect(topology).toContain(`"class_name":"${name}"`);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const configs = loaded.layers.map((l) => l.getConfig());
    expect(configs[1]).toMatchObject({ groups: 3, epsilon: 1e-4, center: true, scale: true });
    expect(configs[2]).toMatchObject({ epsilon: 1e-5, center: false, scale: true });
    expect(configs[3]).toMatchObject({ axis: [1, 2, 3], epsilon: 2e-5 });
    expect(configs[5]).toMatchObject({ axis: -1 });
    expect(loaded.layers[1]).toBeInstanceOf(GroupNorm);
    expect(loaded.layers[2]).toBeInstanceOf(InstanceNorm);
    expect(loaded.layers[3]).toBeInstanceOf(LayerNorm);
    const x = exampleInput([2, 4, 4, 3], 40);
    tf.tidy(() => {
      expect(maxAbsDiff((model.predict(x) as tf.Tensor).dataSync(), (loaded.predict(x) as tf.Tensor).dataSync())).toBe(0);
    });
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it("registration is idempotent: a second call keeps the first class", () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map["KernelLib>LayerNorm"]?.[0]).toBe(LayerNorm);
    expect(registerLayerNorm()).toBe(false);
    expect(registerGroupNorm()).toBe(false);
    expect(registerInstanceNorm()).toBe(false);
    expect(map["KernelLib>GroupNorm"]?.[0]).toBe(GroupNorm);
  });
});

describe("memory", () => {
  it("no tensors leak from the functions, their gradients, layer calls or a training step", async () => {
    const x = exampleInput([4, 3, 3, 4], 50);
    const upstream = randomTensor([4, 3, 3, 4], 51);
    const gamma = tf.ones([4]);
    const beta = tf.zeros([4]);
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ name: "mem-flat", inputShape: [3, 3, 4] }),
        tf.layers.reshape({ name: "mem-reshape", targetShape: [3, 3, 4] }),
        groupNormLayer({ name: "mem-gn", groups: 2 }),
        instanceNormLayer({ name: "mem-in" }),
        layerNormLayer({ name: "mem-ln", axis: [1, 2, 3] }),
        tf.layers.flatten({ name: "mem-flat-out" }),
        tf.layers.dense({ name: "mem-out", units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const target = tf.zeros([4, 2]);
    await model.trainOnBatch(x, target); // creates the optimizer's slots once
    const before = tf.memory().numTensors;
    tf.dispose([
      layerNormalize(x, null, null, { axis: [1, 2, 3] }),
      groupNormalize(x, gamma, beta, { groups: 2 }),
      instanceNormalize(x, gamma, beta),
      standardizeOverAxes(x, [1, 2]),
    ]);
    const moments = groupMoments(x, 2);
    tf.dispose([moments.mean, moments.variance]);
    tf.dispose(tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(groupNormalize(a, g, b, { groups: 4 }), upstream)))([x, gamma, beta]));
    tf.dispose(model.predict(x) as tf.Tensor);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    tf.dispose(await model.trainOnBatch(x, target));
    expect(() => groupNormalize(x, gamma, beta, { groups: 3 })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, upstream, gamma, beta, target]);
    model.optimizer.dispose();
    model.dispose();
  });
});

describe("bad input gets a clear error", () => {
  it("wrong rank", () => {
    const v = tf.ones([5]);
    const m = tf.ones([2, 4]);
    expect(() => layerNormalize(v)).toThrow(/layerNormalize: x.shape = \[5\], expected rank >= 2/);
    expect(() => groupNormalize(v, null, null, { groups: 1 })).toThrow(/groupNormalize: x.shape = \[5\], expected rank >= 2/);
    expect(() => instanceNormalize(m)).toThrow(/instanceNormalize: x.shape = \[2, 4\], expected rank >= 3 .*spatial/);
    expect(() => instanceNormLayer().apply(m)).toThrow(/InstanceNorm.build: input shape = \[2, 4\], expected rank >= 3/);
    expect(() => groupNormLayer({ groups: 1 }).apply(v)).toThrow(/GroupNorm.build: input shape = \[5\], expected rank >= 2/);
    expect(() => standardizeOverAxes(v, [0])).toThrow(/standardizeOverAxes: x.shape = \[5\]/);
    tf.dispose([v, m]);
  });

  it("axis out of range, the batch axis, repeated axes", () => {
    const x = tf.ones([2, 3, 4, 5]);
    expect(() => layerNormalize(x, null, null, { axis: 4 })).toThrow(/layerNormalize: options.axis = 4, expected axes in \[-4, 3\] for an input of rank 4/);
    expect(() => layerNormalize(x, null, null, { axis: [1, -5] })).toThrow(/options.axis = \[1, -5\], expected axes in \[-4, 3\]/);
    expect(() => layerNormalize(x, null, null, { axis: 0 })).toThrow(/axis 0 is the batch axis/);
    expect(() => layerNormalize(x, null, null, { axis: -4 })).toThrow(/axis 0 is the batch axis/);
    expect(() => layerNormalize(x, null, null, { axis: [1, -3] })).toThrow(/each axis once/);
    expect(() => layerNormalize(x, null, null, { axis: [] })).toThrow(/at least one axis/);
    expect(() => layerNormLayer({ axis: 7 }).apply(x)).toThrow(/LayerNorm: axis = 7, expected axes in \[-4, 3\]/);
    expect(() => layerNormLayer({ axis: 1.5 })).toThrow(/LayerNorm: axis = 1.5, expected an integer or a non-empty array/);
    expect(() => standardizeOverAxes(x, [1, 2, 9])).toThrow(/standardizeOverAxes: axes = \[1, 2, 9\]/);
    tf.dispose(x);
  });

  it("sets of a single element (which always standardize to 0)", () => {
    const column = tf.ones([3, 1]);
    const line = tf.ones([2, 1, 4]);
    const features = tf.ones([2, 4]);
    expect(() => layerNormalize(column)).toThrow(/layerNormalize: x.shape = \[3, 1\], expected at least 2 elements in each set .* = 1\)/);
    expect(() => instanceNormalize(line)).toThrow(
      /instanceNormalize: x.shape = \[2, 1, 4\], expected at least 2 elements .*the number of spatial positions = 1/,
    );
    expect(() => groupNormalize(features, null, null, { groups: 4 })).toThrow(
      /groupNormalize: x.shape = \[2, 4\], expected at least 2 elements .*channels per group = 1/,
    );
    expect(() => standardizeOverAxes(line, [1])).toThrow(/standardizeOverAxes: x.shape = \[2, 1, 4\], expected at least 2 elements/);
    tf.dispose([column, line, features]);
  });

  it("groups that do not divide the channels, groups ≤ 0 or not an integer", () => {
    const x = tf.ones([2, 3, 3, 8]);
    expect(() => groupNormalize(x, null, null, { groups: 3 })).toThrow(/groupNormalize: groups = 3, expected a divisor of the channel count C = 8/);
    expect(() => groupNormLayer({ groups: 3 }).apply(x)).toThrow(/GroupNorm: groups = 3, expected a divisor of the channel count C = 8/);
    expect(() => groupNormalize(x, null, null, { groups: 0 })).toThrow(/groupNormalize: groups = 0, expected an integer >= 1/);
    expect(() => groupNormLayer({ groups: -2 })).toThrow(/GroupNorm: groups = -2, expected an integer >= 1/);
    expect(() => groupNormLayer({ groups: 2.5 })).toThrow(/GroupNorm: groups = 2.5, expected an integer >= 1/);
    expect(() => groupMoments(x, 16)).toThrow(/groupMoments: groups = 16, expected a divisor of the channel count C = 8/);
    expect(() => groupNormalize(x, null, null, undefined as unknown as { groups: number })).toThrow(/groupNormalize: options = undefined/);
    tf.dispose(x);
  });

  it("epsilon ≤ 0, γ/β of the wrong shape, non-float input", () => {
    const x = tf.ones([2, 6]);
    for (const epsilon of [0, -1e-5, Number.NaN, Infinity]) {
      expect(() => layerNormalize(x, null, null, { epsilon: epsilon })).toThrow(/layerNormalize: epsilon = .*, expected a finite number > 0/);
      expect(() => groupNormLayer({ groups: 2, epsilon: epsilon })).toThrow(/GroupNorm: epsilon = .*, expected a finite number > 0/);
    }
    expect(() => instanceNormLayer({ epsilon: 0 })).toThrow(/InstanceNorm: epsilon = 0/);
    expect(() => layerNormLayer({ epsilon: -1 })).toThrow(/LayerNorm: epsilon = -1/);
    const wrong = tf.ones([4]);
    expect(() => groupNormalize(x, wrong, null, { groups: 2 })).toThrow(/groupNormalize: gamma.shape = \[4\], expected \[6\] \(one per channel\)/);
    expect(() => layerNormalize(x, null, wrong)).toThrow(/layerNormalize: beta.shape = \[4\], expected \[6\]/);
    const ints = tf.ones([2, 6], "int32");
    expect(() => layerNormalize(ints)).toThrow(/layerNormalize: x.dtype = "int32", expected "float32"/);
    expect(() => layerNormLayer({ center: "yes" as unknown as boolean })).toThrow(/LayerNorm: center = "yes", expected true or false/);
    tf.dispose([x, wrong, ints]);
  });
});
