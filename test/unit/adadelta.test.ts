/**
 * kernel-lib's Adadelta against PyTorch's torch.optim.Adadelta (fixture: test/fixtures/adadelta/generate.py), the
 * tfjs quirk it exists for (tf.train.adadelta takes exactly SGD's steps), model.fit, getWeights / setWeights,
 * serialization, no leaks, bad input.
 *
 * Tolerance: the reference runs in float64 from the same float32 inputs; one float32 step rounds ~10 operations,
 * each adding at most u = 2⁻²⁴ relative error to quantities of size ≤ 1 + |θ|. Over t steps we allow
 * 2·t·16·u·(1 + max|θ|), the bound used for the other optimizers in optimizers.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { adadelta, Adadelta, buildOptimizer, initBackend, optimizerSpec, tf } from "kernel-lib";

interface Fixture {
  initial: number[][];
  gradients: number[][][];
  cases: Record<string, { options: { lr: number; rho: number; eps: number }; trajectory: number[][][] }>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/adadelta/torch-adadelta.json"), "utf8")) as Fixture;
const U = 2 ** -24;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

let runs = 0;
function run(optimizer: tf.Optimizer): number[][] {
  const w = tf.tidy(() => tf.variable(tf.tensor2d(fixture.initial), true, `adadelta_fixture_${++runs}`));
  const trajectory: number[][] = [];
  for (const g of fixture.gradients) {
    const gradient = tf.tensor2d(g);
    optimizer.applyGradients([{ name: w.name, tensor: gradient }]);
    gradient.dispose();
    trajectory.push(Array.from(w.dataSync()));
  }
  w.dispose();
  return trajectory;
}

describe("Adadelta", () => {
  for (const name of Object.keys(fixture.cases)) {
    it(`equals PyTorch's Adadelta step by step (${name})`, () => {
      const { options, trajectory } = fixture.cases[name]!;
      const before = tf.memory().numTensors;
      const optimizer = adadelta({ learningRate: options.lr, rho: options.rho, epsilon: options.eps });
      const ours = run(optimizer);
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const magnitude = Math.max(...trajectory.flat(2).map(Math.abs));
      trajectory.forEach((params, t) => {
        const expected = params.flat();
        const worst = Math.max(...expected.map((v, i) => Math.abs(v - ours[t]![i]!)));
        expect(worst, `step ${t + 1}`).toBeLessThanOrEqual(2 * (t + 1) * 16 * U * (1 + magnitude));
      });
      // The case is not trivially close to the start: the trajectory moves far more than the tolerance.
      const moved = Math.max(
        ...trajectory
          .at(-1)!
          .flat()
          .map((v, i) => Math.abs(v - fixture.initial.flat()[i]!)),
      );
      expect(moved).toBeGreaterThan(100 * 2 * 6 * 16 * U * (1 + magnitude));
    });
  }

  it("its first step is √ε / √((1 − ρ)g² + ε)·g, where tfjs's tf.train.adadelta takes exactly SGD's step −η·g", () => {
    const g = [[0.5, -2]];
    const runOne = (optimizer: tf.Optimizer, steps: number) => {
      const w = tf.tidy(() => tf.variable(tf.zeros([1, 2]), true, `adadelta_first_${++runs}`));
      for (let s = 0; s < steps; s++) {
        const gradient = tf.tensor2d(g);
        optimizer.applyGradients([{ name: w.name, tensor: gradient }]);
        gradient.dispose();
      }
      const values = Array.from(w.dataSync());
      w.dispose();
      optimizer.dispose();
      return values;
    };
    const ours = runOne(adadelta(), 1);
    g[0]!.forEach((gi, i) => expect(ours[i]).toBeCloseTo(-(Math.sqrt(1e-6) / Math.sqrt(0.1 * gi * gi + 1e-6)) * gi, 7));
    // tfjs: after 5 steps exactly −5·η·g, what SGD does (the quirk this class exists for).
    const theirs = runOne(tf.train.adadelta(0.1, 0.9, 1e-6), 5);
    g[0]!.forEach((gi, i) => expect(theirs[i]).toBeCloseTo(-5 * 0.1 * gi, 5));
    expect(Math.abs(ours[1]!)).toBeLessThan(0.01);
  });

  it("trains a model with model.fit, carries its state through getWeights / setWeights, and serializes", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, name: "adadelta_dense", kernelInitializer: "zeros" })] });
    const optimizer = adadelta({ learningRate: 1 });
    model.compile({ optimizer, loss: "meanSquaredError" });
    const x = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 1],
    ]);
    const y = tf.tensor2d([[1], [2], [3], [6]]);
    const first = (await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 })).history["loss"]![0] as number;
    const history = await model.fit(x, y, { epochs: 200, batchSize: 4, verbose: 0 });
    expect(history.history["loss"]!.at(-1) as number).toBeLessThan(first / 2);
    const weights = await optimizer.getWeights();
    expect(weights.map((w) => w.name)).toEqual([
      "iter",
      "adadelta_dense/kernel/squaredGradients",
      "adadelta_dense/kernel/squaredSteps",
      "adadelta_dense/bias/squaredGradients",
      "adadelta_dense/bias/squaredSteps",
    ]);
    const copy = adadelta({ learningRate: 1 });
    await copy.setWeights(weights);
    expect(copy.iterations).toBe(optimizer.iterations);
    const rebuilt = buildOptimizer(optimizerSpec(optimizer)) as Adadelta;
    expect([rebuilt.learningRate, rebuilt.rho, rebuilt.epsilon]).toEqual([1, 0.9, 1e-6]);
    tf.dispose([x, y, ...weights.map((w) => w.tensor)]);
    [copy, rebuilt, optimizer].forEach((o) => o.dispose());
    model.dispose();
  });

  it("rejects a negative rate, ρ outside [0, 1) and ε ≤ 0, naming the argument", () => {
    expect(() => adadelta({ learningRate: -1 })).toThrow(/learningRate.*-1/);
    expect(() => adadelta({ rho: 1 })).toThrow(/rho.*1.*\[0, 1\)/);
    expect(() => adadelta({ epsilon: 0 })).toThrow(/epsilon.*0/);
  });
});
