/**
 * Learning-rate schedules (kernel-lib/src/optimizers/schedules): the pure rates against their formulas at chosen
 * steps and against PyTorch's lr_scheduler (test/fixtures/schedules/generate.py); the rate setter on every tfjs and
 * kernel-lib optimizer; the schedulers inside kernel-lib's `fit`, tfjs's `model.fit` and a hand loop, where the step
 * the optimizer really takes is measured; reduce-on-plateau's patience, cooldown and maxReductions; bad input.
 *
 * Tolerances. The pure rates are float64 on both sides; PyTorch's CosineAnnealingLR / LinearLR update the rate
 * recursively, each step adding a rounding error of a few ulps, so after ≤ 40 steps the relative difference stays
 * below 40·4·2⁻⁵² ≈ 4e-14; we allow 1e-12. Measured steps: the test model's weight w moves by exactly +η_t per step
 * (gradient of |w·1 − 10⁶| is −1 while w < 10⁶); in float32 (u = 2⁻²⁴) the step −η is rounded once (u·η) and the sum
 * w + η once (u·|w|), and reading Δw = w_t − w_{t−1} adds nothing (Sterbenz), so |Δw − η| ≤ u·(η + |w|) + u·|w|;
 * with |w| ≤ 8 here, we allow 4u·(η + 8) ≈ 2e-6, while the rates that must be told apart differ by ≥ 1e-3.
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { adamW, sgdW } from "../../kernel-lib/src/optimizers";
import {
  CosineWarmup,
  cosineWarmup,
  cosineWarmupRate,
  cycleLength,
  cyclicCosine,
  cyclicCosineRate,
  getOptimizerLearningRate,
  reduceOnPlateau,
  reduceOnPlateauRates,
  setOptimizerLearningRate,
  stepDecay,
  stepDecayRate,
  type ReduceOnPlateauOptions,
} from "../../kernel-lib/src/optimizers/schedules";
import { clippedOptimizer } from "../../kernel-lib/src/regularizers/clipping";
import { weightNoiseOptimizer } from "../../kernel-lib/src/regularizers/noise";
import { fit } from "../../kernel-lib/src/training/fit";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const U = 2 ** -24;

interface Case {
  ours: Record<string, unknown>;
  values?: number[];
  rates: number[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/schedules/torch-schedules.json"), "utf8")) as { cases: Record<string, Case> };
const cases = fixture.cases;

function expectRatesClose(actual: number[], expected: number[], relative = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Math.abs(a - e) > relative * Math.abs(e)) throw new Error(`rate ${i + 1}: ${a} vs ${e}`);
  });
}

describe("rates against PyTorch's lr_scheduler", () => {
  it("step decay equals MultiStepLR and StepLR", () => {
    for (const name of ["multistep", "steplr"]) {
      const { ours, rates } = cases[name]!;
      const options = ours as { initialRate: number; milestones: number[]; factor: number };
      expectRatesClose(
        rates.map((_, i) => stepDecayRate(i + 1, options)),
        rates,
      );
      expectRatesClose(stepDecay(options).rates(rates.length), rates);
    }
  });

  it("cosine with warmup equals CosineAnnealingLR (W = 0) and SequentialLR(LinearLR, CosineAnnealingLR)", () => {
    for (const name of ["cosine", "cosine_warmup"]) {
      const { ours, rates } = cases[name]!;
      const options = ours as { peakRate: number; totalSteps: number; warmupSteps?: number; minRate: number };
      expectRatesClose(
        rates.map((_, i) => cosineWarmupRate(i + 1, options)),
        rates,
      );
      expectRatesClose(new CosineWarmup(options).rates(rates.length), rates);
    }
  });

  it("the cyclic cosine schedule equals CosineAnnealingWarmRestarts(T_0 = ⌈T/M⌉), periodic past T", () => {
    for (const name of ["cyclic_even", "cyclic_uneven"]) {
      const { ours, rates } = cases[name]!;
      const options = ours as { initialRate: number; totalSteps: number; cycles: number };
      expectRatesClose(
        rates.map((_, i) => cyclicCosineRate(i + 1, options)),
        rates,
      );
      expectRatesClose(cyclicCosine(options).rates(rates.length), rates);
    }
  });

  it("reduce-on-plateau equals ReduceLROnPlateau(patience − 1, threshold_mode abs) on five sequences", () => {
    for (const name of ["plateau_min", "plateau_min_delta", "plateau_cooldown", "plateau_min_rate", "plateau_max"]) {
      const { ours, values, rates } = cases[name]!;
      expectRatesClose(reduceOnPlateauRates(values!, ours as unknown as ReduceOnPlateauOptions), rates);
    }
  });
});

describe("rates at chosen steps equal the formulas", () => {
  it("step decay: a milestone at m changes the rate from epoch m + 1", () => {
    const options = { initialRate: 1, milestones: [2, 5] };
    expect([1, 2, 3, 5, 6, 100].map((t) => stepDecayRate(t, options))).toEqual([1, 1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1]);
    expect(stepDecayRate(3, { ...options, factor: 0.5 })).toBe(0.5);
  });

  it("cosine with warmup: η·t/W, the peak at W and W + 1, the midpoint, η_min after T", () => {
    const options = { peakRate: 1, totalSteps: 12, warmupSteps: 4, minRate: 0.1 };
    expect(cosineWarmupRate(1, options)).toBe(0.25);
    expect(cosineWarmupRate(4, options)).toBe(1);
    expect(cosineWarmupRate(5, options)).toBe(1);
    // t = 9: (t − W − 1)/(T − W) = 4/8, cos(π/2) = 0: halfway between η_max and η_min.
    expect(cosineWarmupRate(9, options)).toBeCloseTo(0.55, 15);
    expect(cosineWarmupRate(12, options)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos((Math.PI * 7) / 8)), 15);
    expect(cosineWarmupRate(13, options)).toBe(0.1);
    expect(cosineWarmupRate(1000, options)).toBe(0.1);
  });

  it("cyclic cosine: α₀ at each cycle start, α₀/2 halfway, cycle ends at L, 2L, ..., T", () => {
    const alpha = 0.2;
    const schedule = cyclicCosine({ initialRate: alpha, totalSteps: 12, cycles: 3 });
    expect(schedule.cycleLength).toBe(4);
    expect(cycleLength(12, 3)).toBe(4);
    expect([1, 5, 9].map((t) => schedule.rateAt(t))).toEqual([alpha, alpha, alpha]);
    expect(schedule.rateAt(3)).toBeCloseTo(alpha / 2, 15);
    expect(schedule.rateAt(4)).toBeCloseTo((alpha / 2) * (1 + Math.cos((3 * Math.PI) / 4)), 15);
    expect(Array.from({ length: 12 }, (_, i) => schedule.isCycleEnd(i + 1))).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(schedule.cycleEnds()).toEqual([4, 8, 12]);
    expect([1, 4, 5, 12].map((t) => schedule.cycleOf(t))).toEqual([1, 1, 2, 3]);
    // T = 10, M = 3: L = 4, the last cycle (steps 9–10) is shorter and ends at T.
    const uneven = cyclicCosine({ initialRate: alpha, totalSteps: 10, cycles: 3 });
    expect(uneven.cycleEnds()).toEqual([4, 8, 10]);
    expect(uneven.isCycleEnd(10)).toBe(true);
    expect(cycleLength(10, 3)).toBe(4);
  });
});

/** A variable per optimizer kind, stepped twice with fixed gradients. */
const KINDS: Record<string, (rate: number) => tf.Optimizer> = {
  sgd: (r) => tf.train.sgd(r),
  momentum: (r) => tf.train.momentum(r, 0.9),
  nesterov: (r) => tf.train.momentum(r, 0.9, true),
  adam: (r) => tf.train.adam(r),
  adamax: (r) => tf.train.adamax(r),
  adagrad: (r) => tf.train.adagrad(r),
  adadelta: (r) => tf.train.adadelta(r),
  rmsprop: (r) => tf.train.rmsprop(r, 0.9, 0.5),
  rmspropCentered: (r) => tf.train.rmsprop(r, 0.9, 0, 1e-7, true),
  adamW: (r) => adamW({ learningRate: r, weightDecay: 0.1, amsgrad: true }),
  sgdW: (r) => sgdW({ learningRate: r, weightDecay: 0.1, momentum: 0.9 }),
  clipped: (r) => clippedOptimizer(tf.train.momentum(r, 0.5), { mode: "globalNorm", maxNorm: 1 }),
};

let variableCount = 0;
const START = [0.5, -1, 2];

/** Two steps of `optimizer` on a fresh [3] variable with fixed gradients; returns the final values. */
function twoSteps(optimizer: tf.Optimizer): Float32Array {
  const v = tf.variable(tf.tensor1d(START), true, `schedules_test_${++variableCount}/kernel`);
  for (const g of [
    [0.3, -0.2, 1.5],
    [-0.1, 0.4, 0.7],
  ]) {
    const grad = tf.tensor1d(g);
    optimizer.applyGradients({ [v.name]: grad });
    grad.dispose();
  }
  const out = v.dataSync() as Float32Array;
  v.dispose();
  return out;
}

describe("setOptimizerLearningRate: every optimizer takes the rate", () => {
  it("an optimizer built with 0.5 and set to 0.01 steps exactly like one built with 0.01 (and unlike one at 0.5)", () => {
    for (const [kind, make] of Object.entries(KINDS)) {
      const scheduled = make(0.5);
      setOptimizerLearningRate(scheduled, 0.01);
      expect(getOptimizerLearningRate(scheduled), kind).toBe(0.01);
      const reference = make(0.01);
      const unscheduled = make(0.5);
      const [a, b, c] = [twoSteps(scheduled), twoSteps(reference), twoSteps(unscheduled)];
      expect(Array.from(a), kind).toEqual(Array.from(b));
      // The displacement at 0.5 is ~50 times the one at 0.01 (Adadelta's is small in absolute terms): compare relatively.
      const moved = (values: Float32Array): number[] => Array.from(values).map((x, i) => x - START[i]!);
      const [da, dc] = [moved(a), moved(c)];
      expect(Math.max(...da.map((d, i) => Math.abs(d - dc[i]!))), kind).toBeGreaterThan(0.5 * Math.max(...dc.map(Math.abs)));
      for (const optimizer of [scheduled, reference, unscheduled]) optimizer.dispose();
    }
  });

  it("one SGD step after the rate changed is θ − η·g, and a rate change between steps of momentum applies to the next step", () => {
    const v = tf.variable(tf.tensor1d([1, -2]), true, "schedules_sgd_step/kernel");
    const sgd = tf.train.sgd(1);
    setOptimizerLearningRate(sgd, 0.25);
    const g = tf.tensor1d([0.5, 3]);
    sgd.applyGradients([{ name: v.name, tensor: g }]);
    expect(Array.from(v.dataSync())).toEqual([1 - 0.25 * 0.5, -2 - 0.25 * 3]);
    // Momentum (tfjs: a ← μa + g, θ ← θ − η·a): step 1 at η = 0.1, step 2 at η = 0.01.
    const momentum = tf.train.momentum(0.1, 0.5);
    const zero = tf.zeros([2]) as tf.Tensor1D;
    v.assign(zero);
    zero.dispose();
    momentum.applyGradients([{ name: v.name, tensor: g }]);
    setOptimizerLearningRate(momentum, 0.01);
    momentum.applyGradients([{ name: v.name, tensor: g }]);
    const a1 = [0.5, 3];
    const a2 = a1.map((a) => 0.5 * a + a);
    const expected = a1.map((a, i) => -0.1 * a - 0.01 * a2[i]!);
    Array.from(v.dataSync()).forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(4 * U * 1));
    tf.dispose([v, g]);
    sgd.dispose();
    momentum.dispose();
  });

  it("reaches through a wrapper without its own rate (weightNoiseOptimizer) and refuses a negative rate", () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, "schedules_wrapped/kernel");
    const inner = tf.train.adam(0.1);
    const wrapped = weightNoiseOptimizer(inner, [v], { std: 0, seed: 1 });
    setOptimizerLearningRate(wrapped, 0.003);
    expect(getOptimizerLearningRate(inner)).toBe(0.003);
    expect(() => setOptimizerLearningRate(inner, -0.1)).toThrow(/setOptimizerLearningRate: learningRate = -0.1, expected a finite number >= 0/);
    expect(() => setOptimizerLearningRate(inner, NaN)).toThrow(/learningRate = NaN/);
    expect(() => setOptimizerLearningRate({} as tf.Optimizer, 0.1)).toThrow(/optimizer = \{\}, expected a tf.Optimizer/);
    wrapped.dispose();
    v.dispose();
  });
});

/**
 * y = w·x with w = 0, x = 1 and target 10⁶ under the mean absolute error: the gradient is −1 while w < 10⁶, so an
 * SGD step adds exactly the rate it used to w. `weights` records w after every step (a callback after the scheduler).
 */
function constantGradientModel(rate = 1): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: "zeros", name: "schedules_probe" })],
  });
  model.compile({ optimizer: tf.train.sgd(rate), loss: "meanAbsoluteError" });
  return model;
}

function weightOf(model: tf.LayersModel): number {
  return model.getWeights()[0]!.dataSync()[0]!;
}

/** Δw per step from the recorded weights (w₀ = 0). */
function steps(weights: number[]): number[] {
  return weights.map((w, i) => w - (i === 0 ? 0 : weights[i - 1]!));
}

function expectStepsEqualRates(measured: number[], rates: number[]): void {
  expect(measured.length).toBe(rates.length);
  measured.forEach((d, i) => {
    if (Math.abs(d - rates[i]!) > 4 * U * (rates[i]! + 8)) throw new Error(`step ${i + 1}: Δw = ${d}, rate ${rates[i]}`);
  });
}

describe("schedulers drive real training", () => {
  it("cosine with warmup per step in kernel-lib's fit: every step moves w by the scheduled rate", async () => {
    const before = tf.memory().numTensors;
    const model = constantGradientModel(123);
    const [x, y] = [tf.ones([3, 1]), tf.fill([3, 1], 1e6)];
    const schedule = cosineWarmup({ peakRate: 1, totalSteps: 12, warmupSteps: 3, minRate: 0.05, model });
    const weights: number[] = [];
    await fit(model, x, y, { epochs: 4, batchSize: 1, seed: 1, callbacks: [schedule, { onBatchEnd: () => void weights.push(weightOf(model)) }] });
    const expected = schedule.rates(12);
    expect(schedule.learningRates).toEqual(expected);
    expectStepsEqualRates(steps(weights), expected);
    expect(schedule.rateRows()[2]).toEqual({ step: 3, learningRate: 1 });
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("step decay per epoch in kernel-lib's fit, with the optimizer given directly", async () => {
    const model = constantGradientModel();
    const [x, y] = [tf.ones([2, 1]), tf.fill([2, 1], 1e6)];
    const schedule = stepDecay({ initialRate: 1, milestones: [1, 3], factor: 0.5, optimizer: model.optimizer });
    const weights: number[] = [];
    await fit(model, x, y, { epochs: 4, batchSize: 1, callbacks: [schedule, { onBatchEnd: () => void weights.push(weightOf(model)) }] });
    expect(schedule.learningRates).toEqual([1, 0.5, 0.5, 0.25]);
    expect(schedule.rateRows()).toEqual([1, 0.5, 0.5, 0.25].map((learningRate, i) => ({ epoch: i + 1, learningRate })));
    expectStepsEqualRates(steps(weights), [1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it("the cyclic cosine schedule per step in tfjs's model.fit (asTfjsCallback), restarting at every cycle end", async () => {
    const before = tf.memory().numTensors;
    const model = constantGradientModel();
    const [x, y] = [tf.ones([4, 1]), tf.fill([4, 1], 1e6)];
    const schedule = cyclicCosine({ initialRate: 0.8, totalSteps: 12, cycles: 3 });
    const weights: number[] = [];
    const cycleEnds: number[] = [];
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 1,
      shuffle: false,
      verbose: 0,
      callbacks: [
        schedule.asTfjsCallback(),
        // tfjs takes a list as tf.Callback objects when its first entry is one: wrap plain objects after it.
        new tf.CustomCallback({
          onBatchEnd: async () => {
            weights.push(weightOf(model));
            if (schedule.isCycleEnd(schedule.completed)) cycleEnds.push(schedule.completed);
          },
        }),
      ],
    });
    const expected = schedule.rates(12);
    expect(schedule.learningRates).toEqual(expected);
    expectStepsEqualRates(steps(weights), expected);
    expect(cycleEnds).toEqual([4, 8, 12]);
    expect(expected[4]).toBe(0.8);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reduce-on-plateau in kernel-lib's fit: waits its patience, reduces at most maxReductions times, then stops", async () => {
    const model = constantGradientModel();
    const [x, y] = [tf.ones([2, 1]), tf.fill([2, 1], 1e6)];
    // Validation input 0: the prediction is always 0, so val_loss never improves after epoch 1.
    const validationData: [tf.Tensor, tf.Tensor] = [tf.zeros([1, 1]), tf.fill([1, 1], 1e6)];
    const schedule = reduceOnPlateau({ initialRate: 1, patience: 2, maxReductions: 2, stopOnFinalPlateau: true, model });
    const weights: number[] = [];
    const history = await fit(model, x, y, {
      epochs: 20,
      batchSize: 1,
      validationData,
      callbacks: [schedule, { onBatchEnd: () => void weights.push(weightOf(model)) }],
    });
    // Epoch 1 sets the best; epochs 2, 3 fail → reduce after 3; 4, 5 fail → reduce after 5; 6, 7 fail → stop after 7.
    expect(schedule.reductionEpochs).toEqual([3, 5]);
    expect(schedule.stoppedEpoch).toBe(7);
    expect(history.epochs.length).toBe(7);
    expect(schedule.learningRates).toEqual([1, 1, 1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1]);
    expectStepsEqualRates(
      steps(weights),
      schedule.learningRates.flatMap((r) => [r, r]),
    );
    tf.dispose([x, y, ...validationData]);
    model.optimizer.dispose();
    model.dispose();
  });

  it("in tfjs's model.fit after a plain-object callback (tfjs then wraps it and never hands it the model), per epoch", async () => {
    const model = constantGradientModel();
    const [x, y] = [tf.ones([2, 1]), tf.fill([2, 1], 1e6)];
    const unattached = stepDecay({ initialRate: 0.5, milestones: [2] });
    const plain = { onEpochEnd: async () => {} };
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [plain, unattached.asTfjsCallback()] })).rejects.toThrow(/no optimizer to schedule/);
    const schedule = stepDecay({ initialRate: 0.5, milestones: [2], model });
    const epochs: number[] = [];
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      callbacks: [{ onEpochEnd: async (epoch: number) => void epochs.push(epoch) }, schedule.asTfjsCallback()],
    });
    expect(epochs).toEqual([0, 1, 2]);
    expect(schedule.learningRates).toEqual([0.5, 0.5, 0.5 * 0.1]);
    // One step per epoch (batch of 2): w = 0.5 + 0.5 + 0.05.
    expect(Math.abs(weightOf(model) - 1.05)).toBeLessThan(4 * U * 8);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it("in a hand-written loop with optimizer.minimize, and it refuses to run without an optimizer or before begin()", () => {
    const w = tf.variable(tf.scalar(0), true, "schedules_hand_loop");
    const optimizer = tf.train.adagrad(0.1);
    const schedule = stepDecay({ initialRate: 0.3, milestones: [2], unit: "step", optimizer });
    expect(() => schedule.stepEnd()).toThrow(/call begin\(\)/);
    schedule.begin();
    for (let t = 0; t < 4; t++) {
      optimizer.minimize(() => tf.square(tf.sub(w, 3)) as tf.Scalar, true, [w])?.dispose();
      schedule.stepEnd();
      schedule.epochEnd({ val_loss: 1 }); // ignored by a step schedule
    }
    expect(schedule.learningRates).toEqual([0.3, 0.3, 0.3 * 0.1, 0.3 * 0.1]);
    expect(() => stepDecay({ initialRate: 0.3, milestones: [2] }).begin()).toThrow(/no optimizer to schedule/);
    const plateau = reduceOnPlateau({ initialRate: 0.1, optimizer });
    plateau.begin();
    expect(() => plateau.epochEnd({ loss: 1 })).toThrow(/monitor "val_loss" is not in the epoch logs; available: "loss" \(give fit validation data\)/);
    expect(() => reduceOnPlateau({ initialRate: 0.1, stopOnFinalPlateau: true, optimizer }).begin()).toThrow(/stopOnFinalPlateau needs the model/);
    w.dispose();
    optimizer.dispose();
  });
});

describe("reduce-on-plateau's rule", () => {
  const flat = Array.from({ length: 12 }, () => 1);

  it("waits its patience: on a flat metric the first reduction comes after epoch 1 + max(patience, 1)", () => {
    for (const [patience, first] of [
      [0, 2],
      [1, 2],
      [2, 3],
      [3, 4],
      [5, 6],
    ] as const) {
      const rule = reduceOnPlateau({ initialRate: 1, patience, maxReductions: 1 });
      flat.forEach((v) => rule.observeValue(v));
      expect(rule.reductionEpochs, `patience ${patience}`).toEqual([first]);
    }
  });

  it("an improvement resets the wait; an improvement smaller than minDelta does not", () => {
    const values = [1, 0.95, 0.95, 0.85, 0.85, 0.85];
    // Without minDelta, 0.95 and 0.85 are improvements: only epochs 5 and 6 fail, and the rate drops after epoch 6.
    expect(reduceOnPlateauRates(values, { initialRate: 1, patience: 2 })).toEqual([1, 1, 1, 1, 1, 0.1]);
    // With minDelta 0.1, 0.95 is no improvement on 1 (reduce after epoch 3) but 0.85 is (wait resets; reduce after 6).
    expect(reduceOnPlateauRates(values, { initialRate: 1, patience: 2, minDelta: 0.1 })).toEqual([1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1]);
  });

  it("stops after maxReductions, respects minRate and cooldown, and mode max for accuracies", () => {
    const rule = reduceOnPlateau({ initialRate: 1, patience: 1, maxReductions: 3 });
    const rates = flat.map((v) => rule.observeValue(v));
    expect(rule.reductionEpochs).toEqual([2, 3, 4]);
    expect(rates.slice(3)).toEqual(Array.from({ length: 9 }, () => 1 * 0.1 * 0.1 * 0.1));
    expect(reduceOnPlateauRates(flat.slice(0, 5), { initialRate: 1, patience: 1, minRate: 0.05 })).toEqual([1, 0.1, 0.05, 0.05, 0.05]);
    // Cooldown 2: after the reduction at epoch 2, epochs 3 and 4 do not count; the next reduction is at 5.
    const cooled = reduceOnPlateau({ initialRate: 1, patience: 1, cooldown: 2, maxReductions: 5 });
    flat.slice(0, 8).forEach((v) => cooled.observeValue(v));
    expect(cooled.reductionEpochs).toEqual([2, 5, 8]);
    // "val_acc" is watched for a maximum: rising values are improvements.
    expect(reduceOnPlateauRates([0.5, 0.6, 0.7, 0.7], { initialRate: 1, monitor: "val_acc", patience: 1 })).toEqual([1, 1, 1, 0.1]);
    const zero = reduceOnPlateau({ initialRate: 1, maxReductions: 0 });
    flat.forEach((v) => zero.observeValue(v));
    expect(zero.currentRate).toBe(1);
  });
});

describe("bad input", () => {
  it("gets clear errors", () => {
    expect(() => stepDecayRate(1, { initialRate: -0.1, milestones: [2] })).toThrow(/stepDecayRate: options.initialRate = -0.1, expected a finite number > 0/);
    expect(() => stepDecay({ initialRate: 0.1, milestones: [] })).toThrow(/stepDecay: options.milestones = \[\], expected a non-empty array/);
    expect(() => stepDecay({ initialRate: 0.1, milestones: [5, 5] })).toThrow(/options.milestones\[1\] = 5, expected a milestone after 5/);
    expect(() => stepDecay({ initialRate: 0.1, milestones: [0] })).toThrow(/options.milestones\[0\] = 0, expected an integer >= 1/);
    expect(() => stepDecay({ initialRate: 0.1, milestones: [3], factor: 10 })).toThrow(/options.factor = 10, expected a number in \(0, 1\]/);
    expect(() => stepDecay({ initialRate: 0.1, milestones: [3], unit: "batch" as "step" })).toThrow(/options.unit = "batch", expected one of "step", "epoch"/);
    expect(() => stepDecayRate(0, { initialRate: 0.1, milestones: [3] })).toThrow(/stepDecayRate: t = 0, expected an integer >= 1/);
    expect(() => cyclicCosine({ initialRate: 0.1, totalSteps: 3, cycles: 5 })).toThrow(/options.totalSteps = 3, expected at least cycles = 5/);
    expect(() => cycleLength(3, 5)).toThrow(/cycleLength: totalSteps = 3, expected at least cycles = 5/);
    expect(() => cyclicCosine({ initialRate: 0.1, totalSteps: 10, cycles: 6 })).toThrow(/options.cycles = 6, .*make only 5 cycles/);
    expect(() => cyclicCosineRate(1, { initialRate: 0, totalSteps: 10, cycles: 2 })).toThrow(/options.initialRate = 0, expected a finite number > 0/);
    expect(() => cosineWarmup({ peakRate: 0.1, totalSteps: 10, warmupSteps: 10 })).toThrow(
      /options.warmupSteps = 10, expected an integer in \[0, totalSteps\)/,
    );
    expect(() => cosineWarmup({ peakRate: 0.1, totalSteps: 10, minRate: 0.2 })).toThrow(/options.minRate = 0.2, expected a finite number in \[0, 0.1\]/);
    expect(() => reduceOnPlateau({ initialRate: 0.1, patience: -1 })).toThrow(/reduceOnPlateau: options.patience = -1, expected an integer >= 0/);
    expect(() => reduceOnPlateau({ initialRate: 0.1, maxReductions: 1.5 })).toThrow(/options.maxReductions = 1.5/);
    expect(() => reduceOnPlateau({ initialRate: 0.1, factor: 1 })).toThrow(/options.factor = 1, expected a number in \(0, 1\)/);
    expect(() => reduceOnPlateau({ initialRate: 0.1, mode: "up" as "max" })).toThrow(/options.mode = "up"/);
    expect(() => reduceOnPlateau({ initialRate: 0.1 }).observeValue(NaN)).toThrow(/observeValue: value = NaN/);
    expect(() => stepDecay(null as unknown as { initialRate: number; milestones: number[] })).toThrow(/stepDecay: options = null/);
  });
});
