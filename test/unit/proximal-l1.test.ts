/**
 * proximalL1Optimizer and softThreshold: the soft-threshold formula, one wrapped step equal to S_{ηλ}(w − η·g)
 * computed by hand, exact zeros inside model.fit where the l1Penalty subgradient leaves none, biases skipped by
 * default, the rate read at every step (schedules apply), serialization, no leaks, bad input. Its convergence to an
 * independent float64 lasso solver is in penalty-claims.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildOptimizer, initBackend, l1Penalty, optimizerSpec, proximalL1Optimizer, rng, setOptimizerLearningRate, softThreshold, tf } from "kernel-lib";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("softThreshold", () => {
  it("is sign(x)·max(|x| − t, 0): zero on [−t, t], shifted toward 0 outside", () => {
    const x = tf.tensor1d([-2, -0.5, -0.3, 0, 0.1, 0.5, 1.25]);
    const before = tf.memory().numTensors;
    const y = softThreshold(x, 0.5);
    expect(Array.from(y.dataSync(), (v) => v + 0)).toEqual([-1.5, 0, 0, 0, 0, 0, 0.75]); // v + 0 turns −0 into 0
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const identity = softThreshold(x, 0);
    expect(Array.from(identity.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, identity]);
  });

  it("rejects a negative threshold and a non-tensor, naming the argument", () => {
    const x = tf.ones([2]);
    expect(() => softThreshold(x, -0.1)).toThrow(/threshold.*-0\.1/);
    expect(() => softThreshold([1, 2] as unknown as tf.Tensor, 0.1)).toThrow(/softThreshold.*x/);
    x.dispose();
  });
});

describe("proximalL1Optimizer", () => {
  it("one step is S_{ηλ}(w − η·g) with g the data gradient (checked by hand)", () => {
    const w = tf.variable(tf.tensor1d([1.0, 0.02, -0.5, 0.3]), true, "prox_w");
    const target = [0.5, 0, 0, 0.3];
    const eta = 0.1;
    const lambda = 0.4;
    const optimizer = proximalL1Optimizer(tf.train.sgd(eta), { strength: lambda });
    const before = tf.memory().numTensors;
    // loss = ½‖w − target‖², gradient w − target
    optimizer.minimize(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(w, tf.tensor1d(target))))) as tf.Scalar, false, [w]);
    const expected = [1.0, 0.02, -0.5, 0.3].map((v, i) => {
      const moved = v - eta * (v - target[i]!);
      return Math.sign(moved) * Math.max(Math.abs(moved) - eta * lambda, 0);
    });
    const got = Array.from(w.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(got[1]).toBe(0); // |0.018| < ηλ = 0.04: exactly zero
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    w.dispose();
  });

  it("reads the learning rate at every step, so a schedule's change moves the threshold", () => {
    const w = tf.variable(tf.tensor1d([1, -1]), true, "prox_rate_w");
    const optimizer = proximalL1Optimizer(tf.train.sgd(0.1), { strength: 1 });
    const zeroLoss = () => tf.mul(0, tf.sum(w)) as tf.Scalar;
    optimizer.minimize(zeroLoss, false, [w]);
    expect(Array.from(w.dataSync())[0]).toBeCloseTo(0.9, 6);
    setOptimizerLearningRate(optimizer, 0.5);
    optimizer.minimize(zeroLoss, false, [w]);
    expect(Array.from(w.dataSync())[0]).toBeCloseTo(0.4, 6);
    optimizer.dispose();
    w.dispose();
  });

  it("inside model.fit gives exact zeros for irrelevant inputs where the l1Penalty subgradient gives none, and skips the bias", async () => {
    const n = 200;
    const d = 8;
    const stream = rng(11);
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => stream.normal()));
    const x = tf.tensor2d(rows);
    const y = tf.tensor2d(
      rows.map((r) => 2 * r[0]! - r[1]! + 0.1 * stream.normal()),
      [n, 1],
    );
    const train = async (kind: "proximal" | "subgradient") => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [d],
            units: 1,
            name: `linear_${kind}`,
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
            biasInitializer: tf.initializers.constant({ value: 0.01 }),
            kernelRegularizer: kind === "subgradient" ? l1Penalty({ strength: 0.2 }) : undefined,
          }),
        ],
      });
      const optimizer = kind === "proximal" ? proximalL1Optimizer(tf.train.sgd(0.05), { strength: 0.2 }) : tf.train.sgd(0.05);
      model.compile({ optimizer, loss: "meanSquaredError" });
      await model.fit(x, y, { epochs: 30, batchSize: 50, shuffle: false, verbose: 0 });
      const kernel = Array.from(model.getWeights()[0]!.dataSync());
      const bias = model.getWeights()[1]!.dataSync()[0]!;
      model.dispose();
      optimizer.dispose();
      return { kernel, bias };
    };
    const before = tf.memory().numTensors;
    const proximal = await train("proximal");
    const subgradient = await train("subgradient");
    expect(tf.memory().numTensors).toBe(before);
    expect(proximal.kernel.slice(2).every((v) => v === 0)).toBe(true);
    expect(proximal.kernel.slice(0, 2).every((v) => v !== 0)).toBe(true);
    expect(subgradient.kernel.filter((v) => v === 0)).toHaveLength(0);
    // The bias (true value 0) is not thresholded: it keeps a small nonzero value.
    expect(proximal.bias).not.toBe(0);
    tf.dispose([x, y]);
  });

  it("serializes through optimizerSpec / buildOptimizer with its strength, exclusion and inner optimizer", () => {
    const optimizer = proximalL1Optimizer(tf.train.adam(0.01), { strength: 0.3, exclude: "none" });
    const spec = optimizerSpec(optimizer);
    expect(spec.className).toBe("KernelLib>ProximalL1Optimizer");
    const rebuilt = buildOptimizer(spec) as ReturnType<typeof proximalL1Optimizer>;
    expect(rebuilt.strength).toBe(0.3);
    expect(rebuilt.exclude).toBe("none");
    expect(rebuilt.optimizer.getClassName()).toBe("Adam");
    optimizer.dispose();
    rebuilt.dispose();
  });

  it("rejects a negative strength, a non-optimizer and an unknown exclusion, naming the argument", () => {
    const sgd = tf.train.sgd(0.1);
    expect(() => proximalL1Optimizer(sgd, { strength: -1 })).toThrow(/options\.strength.*-1/);
    expect(() => proximalL1Optimizer({} as tf.Optimizer, { strength: 1 })).toThrow(/proximalL1Optimizer.*optimizer/);
    expect(() => proximalL1Optimizer(sgd, { strength: 1, exclude: "weights" as never })).toThrow(/excludeFromDecay/);
    sgd.dispose();
  });
});
