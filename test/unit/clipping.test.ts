/**
 * Gradient clipping (kernel-lib/src/regularizers/clipping) against hand-computed values and PyTorch's
 * `clip_grad_value_` / `clip_grad_norm_` (test/fixtures/clipping/generate.py), the direction claims of
 * lectures 001 and 003, and the optimizer wrapper inside `model.fit` and custom loops.
 *
 * Tolerances: the clipped values are float32 (relative spacing 2⁻²³ ≈ 1.2e-7); a rescaled gradient carries
 * the rounding of its norm (a float32 sum of a few squares, a few ulps) and of the product, so 1e-6 relative
 * bounds it with room. PyTorch adds 1e-6 to the norm in clip_grad_norm_, which moves its scale by
 * 1e-6 / ‖g‖ ≈ 1.5e-7 relative for the fixture's norm 6.47: inside the same bound.
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ClippedOptimizer,
  clipByGlobalNorm,
  clipByNorm,
  clipByValue,
  clippedOptimizer,
  clipScale,
  gradientNorms,
} from "../../kernel-lib/src/regularizers/clipping";
import { buildOptimizer, optimizerSpec } from "../../kernel-lib/src/parallel/optimizer-spec";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const REL = 1e-6;

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = REL): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected[i]!)));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}

function flat(grads: Record<string, tf.Tensor>): number[] {
  return Object.values(grads).flatMap(values);
}

describe("clipping functions against hand-computed values", () => {
  it("clipByValue cuts each element to [−c, c] and reports the pre-clip norms", () => {
    const grads = { a: tf.tensor1d([3, -0.2, 0.5]), b: tf.tensor2d([[-4, 1]]) };
    const r = clipByValue(grads, { limit: 1 });
    expect(values(r.grads.a)).toEqual([1, -0.2, 0.5].map(Math.fround));
    expect(values(r.grads.b)).toEqual([-1, 1]);
    expect(r.grads.b.shape).toEqual([1, 2]);
    expect(r.names).toEqual(["a", "b"]);
    expectClose(r.norms, [Math.sqrt(9 + 0.04 + 0.25), Math.sqrt(17)]);
    expect(r.globalNorm).toBeCloseTo(Math.sqrt(9.29 + 17), 5);
    tf.dispose([grads, r.grads]);
  });

  it("clipByNorm rescales each tensor to norm ≤ c on its own", () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([0.6, 0.8]) }; // norms 5 and 1
    const r = clipByNorm(grads, { maxNorm: 2 });
    expectClose(values(r.grads.a), [1.2, 1.6]);
    expect(values(r.grads.b)).toEqual(values(grads.b));
    expectClose(r.norms, [5, 1]);
    expect(r.globalNorm).toBeCloseTo(Math.sqrt(26), 6);
    tf.dispose([grads, r.grads]);
  });

  it("clipByGlobalNorm rescales every tensor by c / max(c, ‖g‖_global)", () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([0, 12]) }; // global norm 13
    const r = clipByGlobalNorm(grads, { maxNorm: 6.5 });
    expectClose(values(r.grads.a), [1.5, 2]);
    expectClose(values(r.grads.b), [0, 6]);
    expect(r.globalNorm).toBeCloseTo(13, 6);
    expectClose(r.norms, [5, 12]);
    expect(clipScale(13, 6.5)).toBe(0.5);
    expect(clipScale(6.5, 6.5)).toBe(1);
    tf.dispose([grads, r.grads]);
  });

  it("keeps the caller's shape: plain arrays and { name, tensor } lists (a missing gradient passes as null)", () => {
    const list = [tf.tensor1d([3, 4]), tf.tensor1d([0, 12])];
    const r1 = clipByGlobalNorm(list, { maxNorm: 6.5 });
    expect(Array.isArray(r1.grads)).toBe(true);
    expect(r1.names).toEqual(["0", "1"]);
    expectClose(values(r1.grads[1]!), [0, 6]);
    const named = [
      { name: "w", tensor: list[0]! },
      { name: "unused", tensor: null },
    ];
    const r2 = clipByNorm(named, { maxNorm: 1 });
    expect(r2.grads.map((g) => g.name)).toEqual(["w", "unused"]);
    expect(r2.grads[1]!.tensor).toBeNull();
    expectClose(values(r2.grads[0]!.tensor!), [0.6, 0.8]);
    expect(r2.norms).toEqual([5, 0]);
    tf.dispose([list, r1.grads, r2.grads[0]!.tensor!]);
  });
});

describe("clipping against PyTorch (committed fixture)", () => {
  const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/clipping/torch-clipping.json"), "utf8")) as {
    limit: number;
    maxNorm: number;
    shapes: Record<string, number[]>;
    grads: Record<string, number[]>;
    clipByValue: Record<string, number[]>;
    clipByNorm: { norms: number[]; grads: Record<string, number[]> };
    clipByGlobalNorm: { globalNorm: number; grads: Record<string, number[]> };
  };
  const make = () => Object.fromEntries(Object.entries(fixture.grads).map(([name, v]) => [name, tf.tensor(v, fixture.shapes[name])]));

  it("clip_grad_value_", () => {
    const grads = make();
    const r = clipByValue(grads, { limit: fixture.limit });
    for (const name of Object.keys(grads)) expect(values(r.grads[name]!)).toEqual(fixture.clipByValue[name]); // min/max of float32: exact
    tf.dispose([grads, r.grads]);
  });

  it("clip_grad_norm_ on each tensor (per-tensor norm clipping) and on all of them (global)", () => {
    const grads = make();
    const perTensor = clipByNorm(grads, { maxNorm: fixture.maxNorm });
    expectClose(perTensor.norms, fixture.clipByNorm.norms);
    for (const name of Object.keys(grads)) expectClose(values(perTensor.grads[name]!), fixture.clipByNorm.grads[name]!);
    const global = clipByGlobalNorm(grads, { maxNorm: fixture.maxNorm });
    expect(Math.abs(global.globalNorm - fixture.clipByGlobalNorm.globalNorm)).toBeLessThanOrEqual(REL * fixture.clipByGlobalNorm.globalNorm);
    for (const name of Object.keys(grads)) expectClose(values(global.grads[name]!), fixture.clipByGlobalNorm.grads[name]!);
    tf.dispose([grads, perTensor.grads, global.grads]);
  });
});

describe("what each clipping does to the direction of the update (lectures 001, 003)", () => {
  // Two tensors on different scales, both above the thresholds: the exploding case.
  const make = () => ({ w1: tf.randomNormal([20, 10], 0, 3, "float32", 11), w2: tf.randomNormal([10], 0, 0.5, "float32", 12) });

  it("global-norm clipping keeps the whole update's direction (cosine 1) and brings its norm to c", () => {
    const grads = make();
    const r = clipByGlobalNorm(grads, { maxNorm: 1 });
    expect(r.globalNorm).toBeGreaterThan(10);
    expect(cosine(flat(grads), flat(r.grads))).toBeGreaterThan(1 - 1e-6);
    expect(gradientNorms({ names: r.names, tensors: Object.values(r.grads) }).globalNorm).toBeCloseTo(1, 5);
    tf.dispose([grads, r.grads]);
  });

  it("per-tensor norm clipping keeps each tensor's direction but turns the whole update", () => {
    const grads = make();
    const r = clipByNorm(grads, { maxNorm: 1 });
    for (const name of ["w1", "w2"] as const) expect(cosine(values(grads[name]), values(r.grads[name]))).toBeGreaterThan(1 - 1e-6);
    // w1 shrinks by ~1/42, w2 by ~1/1.6: the small tensor's share of the update grows, the direction changes.
    expect(cosine(flat(grads), flat(r.grads))).toBeLessThan(0.99);
    tf.dispose([grads, r.grads]);
  });

  it("value clipping changes the direction", () => {
    const grads = make();
    const r = clipByValue(grads, { limit: 1 });
    expect(cosine(flat(grads), flat(r.grads))).toBeLessThan(0.99);
    tf.dispose([grads, r.grads]);
  });

  it("is a bitwise no-op below the threshold, for all three", () => {
    const grads = make();
    const big = 1e6;
    for (const r of [clipByValue(grads, { limit: big }), clipByNorm(grads, { maxNorm: big }), clipByGlobalNorm(grads, { maxNorm: big })]) {
      for (const name of ["w1", "w2"] as const) expect(r.grads[name].dataSync()).toEqual(grads[name].dataSync());
      tf.dispose(r.grads);
    }
    tf.dispose(grads);
  });

  it("frees every tensor it makes (the caller owns the returned gradients)", () => {
    const grads = make();
    const before = tf.memory().numTensors;
    for (const clip of [() => clipByValue(grads, { limit: 1 }), () => clipByNorm(grads, { maxNorm: 1 }), () => clipByGlobalNorm(grads, { maxNorm: 1 })]) {
      const r = clip();
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose(r.grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(grads);
  });
});

/** A small seeded MLP; two calls give identical weights. */
function tinyModel(): tf.Sequential {
  const model = tf.sequential({ name: "tiny" });
  model.add(tf.layers.dense({ units: 5, inputShape: [3], activation: "tanh", name: "hidden", kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 2, name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), biasInitializer: "ones" }));
  return model;
}

function data(): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.randomNormal([16, 3], 0, 1, "float32", 3) as tf.Tensor2D, tf.randomNormal([16, 2], 10, 1, "float32", 4) as tf.Tensor2D];
}

/** Manual clipped gradients of the model's mean-squared-error loss on (x, y), keyed by variable name. */
function manualClippedGrads(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, maxNorm: number) {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.meanSquaredError(y, model.apply(x) as tf.Tensor)) as tf.Scalar, variables);
  const r = clipByGlobalNorm(grads, { maxNorm });
  tf.dispose([value, grads]);
  return r;
}

function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map(values);
}

describe("clippedOptimizer", () => {
  it("inside model.fit, one step equals SGD on manually clipped gradients, and records the pre-clip global norm", async () => {
    const [x, y] = data();
    const wrapped = tinyModel();
    const optimizer = clippedOptimizer(tf.train.sgd(0.1), { mode: "globalNorm", maxNorm: 0.5 });
    expect(optimizer).toBeInstanceOf(tf.Optimizer);
    wrapped.compile({ optimizer, loss: "meanSquaredError" });
    const manual = tinyModel();
    const r = manualClippedGrads(manual, x, y, 0.5);
    expect(r.globalNorm).toBeGreaterThan(5); // targets around 10: the clipping is active
    tf.tidy(() => manual.trainableWeights.forEach((w) => w.write(tf.sub(w.read(), tf.mul(0.1, r.grads[(w.read() as tf.Variable).name]!)))));
    tf.dispose(r.grads);

    await wrapped.fit(x, y, { batchSize: 16, epochs: 1, shuffle: false, verbose: 0 });
    weightValues(wrapped).forEach((w, i) => expectClose(w, weightValues(manual)[i]!));
    expect(Math.abs(optimizer.lastGlobalNorm - r.globalNorm)).toBeLessThanOrEqual(1e-5 * r.globalNorm); // same float32 ops, summed in another order
    expect(optimizer.normHistory).toEqual([optimizer.lastGlobalNorm]);
    expect(Object.keys(optimizer.lastNorms)).toHaveLength(4);
    expect(optimizer.iterations).toBe(1); // the wrapped optimizer's step count

    // No tensor leaks per fit step (the first fit made the optimizer's state; nothing else may stay).
    const before = tf.memory().numTensors;
    await wrapped.fit(x, y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(optimizer.normHistory).toHaveLength(5);

    wrapped.dispose();
    manual.dispose();
    tf.dispose([x, y]);
  });

  it("delegates state to Adam: three minimize steps equal Adam applied to manually clipped gradients", async () => {
    const [x, y] = data();
    const wrapped = tinyModel();
    const manual = tinyModel();
    const optimizer = clippedOptimizer(tf.train.adam(0.01), { mode: "globalNorm", maxNorm: 1 });
    const reference = tf.train.adam(0.01);
    const wrappedVariables = wrapped.trainableWeights.map((w) => w.read() as tf.Variable);
    for (let step = 0; step < 3; step++) {
      optimizer.minimize(() => tf.mean(tf.metrics.meanSquaredError(y, wrapped.apply(x) as tf.Tensor)) as tf.Scalar, true, wrappedVariables)?.dispose();
      const r = manualClippedGrads(manual, x, y, 1);
      reference.applyGradients(r.grads as Record<string, tf.Variable>); // tfjs types the map as variables; any tensors work
      tf.dispose(r.grads);
    }
    weightValues(wrapped).forEach((w, i) => expectClose(w, weightValues(manual)[i]!));
    expect(optimizer.iterations).toBe(3);
    const state = await optimizer.getWeights();
    expect(state.map((s) => s.name)).toEqual((await optimizer.optimizer.getWeights()).map((s) => s.name));
    expect(state.length).toBe(1 + 2 * 4); // iterations + first and second moments of 4 variables
    tf.dispose(state.map((s) => s.tensor));
    optimizer.dispose();
    reference.dispose();
    wrapped.dispose();
    manual.dispose();
    tf.dispose([x, y]);
  });

  it("sets the wrapped optimizer's learning rate through its own setter (SGD caches it)", () => {
    const w = tf.variable(tf.tensor1d([1, 1]), true, "clip-lr-w");
    const optimizer = clippedOptimizer(tf.train.sgd(0.1), { mode: "value", limit: 1 });
    optimizer.learningRate = 0.5;
    expect(optimizer.learningRate).toBe(0.5);
    const g = tf.tensor1d([4, -0.5]);
    optimizer.applyGradients({ "clip-lr-w": g });
    expectClose(values(w), [1 - 0.5 * 1, 1 + 0.5 * 0.5]); // clipped to [1, −0.5], stepped with the new rate
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it("keeps a bounded, resettable history", () => {
    const w = tf.variable(tf.zeros([2]), true, "clip-history-w");
    const optimizer = clippedOptimizer(tf.train.sgd(0.1), { mode: "norm", maxNorm: 1, historyLength: 3 });
    for (let k = 1; k <= 5; k++) {
      const g = tf.tensor1d([3 * k, 4 * k]);
      optimizer.applyGradients({ "clip-history-w": g });
      g.dispose();
    }
    expectClose(optimizer.normHistory as number[], [15, 20, 25]);
    expect(optimizer.lastGlobalNorm).toBe(optimizer.normHistory[2]);
    optimizer.resetHistory();
    expect(optimizer.normHistory).toEqual([]);
    expect(optimizer.lastGlobalNorm).toBeNaN();
    optimizer.dispose();
    w.dispose();
  });

  it("serializes: the config rebuilds an equivalent wrapper around an equivalent optimizer", () => {
    const optimizer = clippedOptimizer(tf.train.adam(0.003), { mode: "value", limit: 0.25 });
    const rebuilt = buildOptimizer(optimizerSpec(optimizer)) as ClippedOptimizer;
    expect(rebuilt).toBeInstanceOf(ClippedOptimizer);
    expect(rebuilt.mode).toBe("value");
    expect(rebuilt.threshold).toBe(0.25);
    expect(rebuilt.optimizer.getClassName()).toBe("Adam");
    expect(rebuilt.learningRate).toBe(0.003);
    optimizer.dispose();
    rebuilt.dispose();
  });

  it("rejects bad input with a clear error", () => {
    const sgd = tf.train.sgd(0.1);
    expect(() => clipByValue({ a: tf.zeros([1]) }, { limit: 0 })).toThrow("clipByValue: options.limit = 0, expected a finite number > 0");
    expect(() => clipByNorm([], { maxNorm: -1 })).toThrow("clipByNorm: options.maxNorm = -1, expected a finite number > 0");
    expect(() => clipByGlobalNorm([], { maxNorm: NaN })).toThrow(/options.maxNorm = NaN/);
    expect(() => clipByGlobalNorm({ a: [1, 2] } as never, { maxNorm: 1 })).toThrow(/clipByGlobalNorm: grads\["a"\] = .*expected a tf.Tensor/);
    expect(() => clippedOptimizer(sgd, { mode: "clip" as never, limit: 1 })).toThrow(/options.mode = "clip", expected one of "value", "norm", "globalNorm"/);
    expect(() => clippedOptimizer(sgd, { mode: "globalNorm", limit: 1 })).toThrow(
      "clippedOptimizer: options.maxNorm = undefined, expected a finite number > 0",
    );
    expect(() => clippedOptimizer(sgd, { mode: "value", limit: -2 })).toThrow("clippedOptimizer: options.limit = -2, expected a finite number > 0");
    expect(() => clippedOptimizer({ learningRate: 0.1 } as never, { mode: "value", limit: 1 })).toThrow(
      /clippedOptimizer: optimizer = .*expected a tf.Optimizer/,
    );
    expect(() => clippedOptimizer("sgd" as never, { mode: "value", limit: 1 })).toThrow(/expected a tf.Optimizer/);
    sgd.dispose();
  });
});
