import { beforeAll, describe, expect, it } from "vitest";
import { EarlyStopping, continueUntilBelow, earlyStopping, fit, initBackend, retrainOnAllData, rng, tf } from "kernel-lib";

/** Feeds a scripted sequence of monitored values; returns the epoch at which `observe` asked to stop (or null). */
function run(stopper: EarlyStopping, values: number[], monitor = "val_loss"): number | null {
  stopper.begin();
  for (let i = 0; i < values.length; i++) if (stopper.observe(i + 1, { loss: 0, [monitor]: values[i]! })) return i + 1;
  return null;
}

/**
 * A regression problem that a wide MLP overfits: 12 noisy training points of y = x + N(0, 0.5²), validation on 200
 * points of the same distribution. With Adam at 0.02, full batch, the validation loss bottoms out after a few epochs
 * and then rises while the training loss keeps falling.
 */
function noisyLine(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const r = rng(seed);
  const xs = Array.from({ length: n }, () => r.uniformIn(-1, 1));
  const ys = xs.map((x) => x + r.normal(0, 0.5));
  return [tf.tensor2d(xs, [n, 1]), tf.tensor2d(ys, [n, 1])];
}

function wideMlp(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ name: "hidden1", inputShape: [1], units: 64, activation: "tanh", kernelInitializer: init(seed) }),
      tf.layers.dense({ name: "hidden2", units: 64, activation: "tanh", kernelInitializer: init(seed + 1) }),
      tf.layers.dense({ name: "out", units: 1, kernelInitializer: init(seed + 2) }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.02), loss: "meanSquaredError" });
  return m;
}

function disposeModel(m: tf.LayersModel): void {
  m.optimizer.dispose();
  m.dispose();
}

/** Copies of the weights' values (plain arrays, no tensors kept). */
function weightValues(m: tf.LayersModel): Float32Array[] {
  return m.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

describe("earlyStopping on scripted metric sequences", () => {
  it("stops after exactly `patience` epochs without improvement and records the best epoch", () => {
    const stopper = earlyStopping({ patience: 2, restoreBestWeights: false });
    // best at epoch 2 (0.8); epochs 3 and 4 do not improve → stop at 4, not earlier.
    expect(run(stopper, [1.0, 0.8, 0.9, 0.85, 0.7])).toBe(4);
    expect(stopper.bestEpoch).toBe(2);
    expect(stopper.bestValue).toBe(0.8);
    expect(stopper.stoppedEpoch).toBe(4);
    // an improvement resets the counter: 0.9 (wait 1), 0.7 (reset), 0.75, 0.71 → stop at 5.
    expect(run(stopper, [1.0, 0.9, 0.7, 0.75, 0.71, 0.6])).toBe(5);
    expect(stopper.bestEpoch).toBe(3);
    // never stopping leaves stoppedEpoch null.
    expect(run(stopper, [3, 2, 1])).toBeNull();
    expect(stopper.stoppedEpoch).toBeNull();
    expect(stopper.bestEpoch).toBe(3);
  });

  it("patience 0 stops at the first epoch that does not improve", () => {
    const stopper = earlyStopping({ patience: 0, restoreBestWeights: false });
    expect(run(stopper, [1.0, 0.9, 0.95, 0.5])).toBe(3);
    expect(stopper.bestEpoch).toBe(2);
  });

  it("counts a change smaller than minDelta as no improvement", () => {
    const values = [1.0, 0.95, 0.92, 0.91, 0.9];
    // without minDelta every epoch improves.
    expect(run(earlyStopping({ patience: 2, restoreBestWeights: false }), values)).toBeNull();
    // with minDelta 0.1: 0.95 and 0.92 are within 0.1 of 1.0 → stop at epoch 3, best stays epoch 1.
    const stopper = earlyStopping({ patience: 2, minDelta: 0.1, restoreBestWeights: false });
    expect(run(stopper, values)).toBe(3);
    expect(stopper.bestEpoch).toBe(1);
    // an improvement of exactly minDelta (0.75 − 0.5 = 0.25) does not count either (strict inequality).
    const exact = earlyStopping({ patience: 1, minDelta: 0.25, restoreBestWeights: false });
    expect(run(exact, [0.75, 0.5])).toBe(2);
  });

  it("maximizes accuracies: mode max, and auto infers it from the name", () => {
    const accuracies = [0.5, 0.7, 0.65, 0.6, 0.9];
    const max = earlyStopping({ monitor: "val_acc", mode: "max", patience: 2, restoreBestWeights: false });
    expect(run(max, accuracies, "val_acc")).toBe(4);
    expect(max.bestEpoch).toBe(2);
    expect(max.bestValue).toBe(0.7);
    expect(earlyStopping({ monitor: "val_acc" }).mode).toBe("max");
    expect(earlyStopping({ monitor: "accuracy" }).mode).toBe("max");
    expect(earlyStopping({ monitor: "val_loss" }).mode).toBe("min");
    // the same sequence in mode min: 0.5 is the best, 0.7 and 0.65 do not improve.
    expect(run(earlyStopping({ monitor: "val_acc", mode: "min", patience: 2, restoreBestWeights: false }), accuracies, "val_acc")).toBe(3);
  });

  it("stops after `patience` epochs that do not beat the baseline, even while improving", () => {
    const stopper = earlyStopping({ patience: 3, baseline: 0.5, restoreBestWeights: false });
    expect(run(stopper, [0.9, 0.8, 0.7, 0.6])).toBe(3);
    expect(stopper.bestEpoch).toBe(3);
    expect(run(stopper, [0.9, 0.4, 0.45, 0.46, 0.47, 0.3])).toBe(5);
  });

  it("rejects bad options and a monitor missing from the logs, naming the available keys", () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(/earlyStopping: options.patience = -1, expected an integer >= 0/);
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(/options.patience = 1.5/);
    expect(() => earlyStopping({ mode: "up" as "min" })).toThrow(/options.mode = "up", expected one of "min", "max", "auto"/);
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow(/options.minDelta = -0.1/);
    expect(() => earlyStopping({ monitor: "" })).toThrow(/options.monitor/);
    const stopper = earlyStopping({ monitor: "val_accuracy", restoreBestWeights: false });
    stopper.begin();
    expect(() => stopper.observe(1, { epoch: 1, loss: 0.3, acc: 0.9, val_loss: 0.4, val_acc: 0.8 })).toThrow(
      'earlyStopping: monitor "val_accuracy" is not in the epoch logs; available: "loss", "acc", "val_loss", "val_acc"',
    );
    // inside fit: no model attached → a clear error before any training.
    expect(() => earlyStopping().onTrainBegin()).toThrow(/pass options.model/);
  });
});

describe("earlyStopping in training", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("stops an overfitting MLP inside kernel-lib fit and restores the best epoch's weights bit for bit, leaking nothing", async () => {
    const train = noisyLine(12, 1);
    const val = noisyLine(200, 2);
    const m = wideMlp(10);
    // warm-up epoch so that Adam's moment variables exist before counting tensors.
    await fit(m, train[0], train[1], { epochs: 1, batchSize: 12, seed: 0 });
    const before = tf.memory().numTensors;
    const perEpoch: Float32Array[][] = [];
    const record = { onEpochEnd: () => void perEpoch.push(weightValues(m)) };
    const stopper = earlyStopping({ model: m, patience: 5 });
    const history = await fit(m, train[0], train[1], { epochs: 200, batchSize: 12, seed: 3, validationData: val, callbacks: [record, stopper] });
    expect(tf.memory().numTensors).toBe(before);

    // it overfit and stopped: the validation loss rose for `patience` epochs after the best one.
    const { bestEpoch, stoppedEpoch } = stopper;
    expect(stoppedEpoch).not.toBeNull();
    expect(bestEpoch).not.toBeNull();
    expect(stoppedEpoch).toBe(bestEpoch! + 5);
    expect(history.epochs).toHaveLength(stoppedEpoch!);
    const valLosses = history.epochs.map((e) => e.val_loss!);
    expect(stopper.bestValue).toBe(Math.min(...valLosses));
    expect(history.epochs[stoppedEpoch! - 1]!.loss).toBeLessThan(history.epochs[bestEpoch! - 1]!.loss);

    // the weights now are exactly those recorded at the end of the best epoch, and differ from the last epoch's.
    const restored = weightValues(m);
    expect(stopper.restored).toBe(true);
    restored.forEach((w, i) => expect(w).toEqual(perEpoch[bestEpoch! - 1]![i]));
    expect(restored.some((w, i) => w.some((v, k) => v !== perEpoch[stoppedEpoch! - 1]![i]![k]))).toBe(true);
    tf.dispose([...train, ...val]);
    disposeModel(m);
  });

  it("keeps the last weights when restoreBestWeights is false", async () => {
    const train = noisyLine(12, 1);
    const val = noisyLine(200, 2);
    const m = wideMlp(10);
    let last: Float32Array[] = [];
    const record = { onEpochEnd: () => void (last = weightValues(m)) };
    const stopper = earlyStopping({ model: m, patience: 3, restoreBestWeights: false });
    await fit(m, train[0], train[1], { epochs: 200, batchSize: 12, seed: 3, validationData: val, callbacks: [record, stopper] });
    expect(stopper.stoppedEpoch).not.toBeNull();
    expect(stopper.restored).toBe(false);
    weightValues(m).forEach((w, i) => expect(w).toEqual(last[i]));
    tf.dispose([...train, ...val]);
    disposeModel(m);
  });

  it("works as a tf.Callback in tfjs's own model.fit (epochs counted from 1)", async () => {
    const train = noisyLine(12, 1);
    const val = noisyLine(200, 2);
    const m = wideMlp(10);
    const perEpoch: Float32Array[][] = [];
    const record = new tf.CustomCallback({ onEpochEnd: async () => void perEpoch.push(weightValues(m)) });
    const stopper = earlyStopping({ patience: 4 });
    const history = await m.fit(train[0], train[1], {
      epochs: 200,
      batchSize: 12,
      shuffle: false,
      validationData: val,
      verbose: 0,
      callbacks: [record, stopper.asTfjsCallback()],
    });
    expect(stopper.stoppedEpoch).toBe(stopper.bestEpoch! + 4);
    expect(history.epoch).toHaveLength(stopper.stoppedEpoch!);
    expect(stopper.bestValue).toBeCloseTo(Math.min(...(history.history.val_loss as number[])), 6);
    weightValues(m).forEach((w, i) => expect(w).toEqual(perEpoch[stopper.bestEpoch! - 1]![i]));
    tf.dispose([...train, ...val]);
    disposeModel(m);
  });
});

describe("reusing the validation data after early stopping (Goodfellow et al. algorithms 7.2 and 7.3)", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("retrainOnAllData trains a fresh model on train ∪ validation for the best epoch count (or step count)", async () => {
    const train = noisyLine(12, 1);
    const val = noisyLine(20, 2);
    const created: tf.LayersModel[] = [];
    const createModel = () => {
      const m = wideMlp(20 + created.length);
      created.push(m);
      return m;
    };
    const before = tf.memory().numTensors;
    // epochs: 7 passes over the 32 examples, batch 8 → 4 steps each.
    const byEpochs = await retrainOnAllData({ createModel, train, validation: val, bestEpoch: 7, batchSize: 8, seed: 1 });
    expect(byEpochs.model).toBe(created[0]);
    expect(byEpochs.history.epochs).toHaveLength(7);
    expect(byEpochs.epochs).toBe(7);
    expect(byEpochs.steps).toBe(7 * 4);
    // steps: 7 epochs on the 12 subtrain examples at batch 8 made 7·2 = 14 updates → 3.5 passes over 32 examples.
    const bySteps = await retrainOnAllData({ createModel, train, validation: val, bestEpoch: 7, batchSize: 8, seed: 1, match: "steps" });
    expect(bySteps.model).toBe(created[1]);
    expect(bySteps.steps).toBe(14);
    expect(bySteps.epochs).toBe(4);
    expect(bySteps.history.epochs).toHaveLength(4);
    created.forEach(disposeModel);
    expect(tf.memory().numTensors).toBe(before);
    await expect(retrainOnAllData({ createModel, train, validation: val, bestEpoch: -1 })).rejects.toThrow(/retrainOnAllData: options.bestEpoch = -1/);
    const wrong = tf.zeros([3, 2]);
    await expect(retrainOnAllData({ createModel, train, validation: [wrong, val[1]], bestEpoch: 1 })).rejects.toThrow(
      /validation\[0\].shape = \[3, 2\], expected \[n, 1\]/,
    );
    tf.dispose([wrong, ...train, ...val]);
    created.slice(2).forEach(disposeModel);
  });

  it("continueUntilBelow trains the stopped model until the validation loss is below the subtrain loss at the stop", async () => {
    // 24 validation points (seed 4): at the stop the validation loss (0.246) is above ε = J(θ*; subtrain) (0.241), and
    // training on the 36 points gets it below within a few epochs. With 200 validation points the target is never
    // reached (their loss stays near the noise variance 0.25): the failure mode that needs the maxEpochs guard.
    const train = noisyLine(12, 1);
    const val = noisyLine(24, 4);
    const m = wideMlp(10);
    const stopper = earlyStopping({ model: m, patience: 5 });
    await fit(m, train[0], train[1], { epochs: 200, batchSize: 12, seed: 3, validationData: val, callbacks: stopper });
    expect(stopper.restored).toBe(true);
    const evaluated = m.evaluate(train[0], train[1]) as tf.Scalar;
    const expectedTarget = evaluated.dataSync()[0]!;
    evaluated.dispose();

    const before = tf.memory().numTensors;
    const result = await continueUntilBelow(m, { train, validation: val, maxEpochs: 300, batchSize: 32, seed: 4 });
    expect(tf.memory().numTensors).toBe(before);
    // ε is J(θ*; subtrain); training ran until the first epoch whose validation loss is below ε, not one epoch more.
    expect(result.targetLoss).toBe(expectedTarget);
    expect(result.reached).toBe(true);
    const valLosses = result.history.epochs.map((e) => e.val_loss!);
    expect(result.epochs).toBe(valLosses.length);
    expect(result.epochs).toBeGreaterThan(0);
    expect(valLosses[valLosses.length - 1]!).toBeLessThan(result.targetLoss);
    valLosses.slice(0, -1).forEach((v) => expect(v).toBeGreaterThanOrEqual(result.targetLoss));
    expect(result.validationLoss).toBe(valLosses[valLosses.length - 1]);

    // the guard: an unreachable target runs exactly maxEpochs; a target already met runs none.
    const guarded = await continueUntilBelow(m, { train, validation: val, maxEpochs: 3, targetLoss: -1 });
    expect(guarded).toMatchObject({ epochs: 3, reached: false, targetLoss: -1 });
    const met = await continueUntilBelow(m, { train, validation: val, maxEpochs: 3, targetLoss: 1e9 });
    expect(met).toMatchObject({ epochs: 0, reached: true });
    await expect(continueUntilBelow(m, { train, validation: val, maxEpochs: -2 })).rejects.toThrow(/continueUntilBelow: options.maxEpochs = -2/);
    tf.dispose([...train, ...val]);
    disposeModel(m);
  });
});
