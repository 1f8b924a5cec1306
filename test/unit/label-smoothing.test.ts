/**
 * Label smoothing (kernel-lib/src/regularizers/label-smoothing) against PyTorch's
 * `cross_entropy(..., label_smoothing=ε)` (test/fixtures/label-smoothing/generate.py), the lecture convention's
 * closed form computed here in float64, ε = 0 as plain cross-entropy, and a numerical gradient check.
 *
 * Tolerances: the loss is a float32 log-sum-exp over 5 classes of logits up to ~45 (one is shifted by +40), so the
 * per-example rounding is a few ulps of the largest term (|z| ≤ 50 ⇒ ~50·6e-8 ≈ 3e-6 absolute); 2e-5·max(1, |ℓ|) bounds
 * it with room, and the fixture is float64 from the same float32 logits. The gradient softmax(z) − q is in [−1, 1] with
 * float32 rounding ~1e-7 per entry: 1e-5 absolute. Gradient check: central differences in float32 reach a relative
 * error of ~1e-6..1e-4 for a correct gradient (kernel-lib/src/probes/gradient-check.ts); 1e-3 is the bound.
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { smoothedCrossEntropy, smoothedCrossEntropyLoss, smoothedTargetValues, smoothLabels } from "../../kernel-lib/src/regularizers/label-smoothing";
import { gradientCheck } from "../../kernel-lib/src/probes/gradient-check";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

interface Fixture {
  shape: [number, number];
  logits: number[];
  targets: number[];
  cases: { epsilon: number; mean: number; perExample: number[]; gradient: number[] }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/label-smoothing/torch-label-smoothing.json"), "utf8")) as Fixture;
const [N, K] = fixture.shape;

function oneHot(targets: number[], k: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(targets, "int32"), k).toFloat() as tf.Tensor2D);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, abs: number, rel = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(abs + rel * Math.abs(expected[i]!));
}

function logSoftmax64(z: number[]): number[] {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
}

describe("smoothLabels", () => {
  it("gives 1 − ε and ε/(K−1) under the lecture convention and (1 − ε)·onehot + ε/K under PyTorch's", () => {
    const before = tf.memory().numTensors;
    const y = oneHot([2, 0], 4);
    const lecture = smoothLabels(y, { epsilon: 0.3, convention: "lecture" });
    const pytorch = smoothLabels(y, { epsilon: 0.3, convention: "pytorch" });
    const byDefault = smoothLabels(y, { epsilon: 0.3 });
    expectClose(lecture.dataSync(), [0.1, 0.1, 0.7, 0.1, 0.7, 0.1, 0.1, 0.1], 1e-7);
    expectClose(pytorch.dataSync(), [0.075, 0.075, 0.775, 0.075, 0.775, 0.075, 0.075, 0.075], 1e-7);
    expect(Array.from(byDefault.dataSync())).toEqual(Array.from(pytorch.dataSync()));
    const values = smoothedTargetValues(4, { epsilon: 0.3, convention: "lecture" });
    expect(values.trueClass).toBeCloseTo(0.7, 15);
    expect(values.otherClass).toBeCloseTo(0.1, 15);
    tf.dispose([y, lecture, pytorch, byDefault]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects ε outside [0, 1), unknown conventions and labels that are not one-hot, naming the argument", () => {
    const y = oneHot([1], 3);
    const soft = tf.tensor2d([[0.2, 0.8, 0]]);
    const two = tf.tensor2d([[1, 1, 0]]);
    const before = tf.memory().numTensors;
    expect(() => smoothLabels(y, { epsilon: 1 })).toThrow(/smoothLabels: options\.epsilon = 1, expected a number in \[0, 1\)/);
    expect(() => smoothLabels(y, { epsilon: -0.1 })).toThrow(/options\.epsilon = -0\.1/);
    expect(() => smoothLabels(y, { epsilon: 0.1, convention: "keras" as never })).toThrow(/options\.convention = "keras", expected one of/);
    expect(() => smoothLabels(soft, { epsilon: 0.1 })).toThrow(/oneHot\[0\] = \[0\.2.*one-hot/);
    expect(() => smoothLabels(two, { epsilon: 0.1 })).toThrow(/exactly one 1/);
    expect(() => smoothLabels(tf.tensor1d([0, 1]), { epsilon: 0.1 })).toThrow(/oneHot\.shape/);
    expect(() => smoothedCrossEntropy(y, tf.zeros([1, 4]), { epsilon: 0.1 })).toThrow(/logits\.shape = \[1, 4\]/);
    expect(tf.memory().numTensors).toBe(before + 2); // only the two tensors made inside the expect calls above
    tf.dispose([y, soft, two]);
  });
});

describe("smoothedCrossEntropy against PyTorch", () => {
  for (const c of fixture.cases) {
    it(`matches cross_entropy(label_smoothing=${c.epsilon}): mean, per example and gradient`, () => {
      const y = oneHot(fixture.targets, K);
      const z = tf.tensor2d(fixture.logits, [N, K]);
      const before = tf.memory().numTensors;
      const options = { epsilon: c.epsilon, convention: "pytorch" as const };
      const mean = smoothedCrossEntropy(y, z, options);
      const perExample = smoothedCrossEntropy(y, z, { ...options, reduction: "none" });
      const grad = tf.grad((logits: tf.Tensor) => smoothedCrossEntropy(y, logits, options) as tf.Scalar)(z);
      expectClose(mean.dataSync(), [c.mean], 2e-5, 2e-5);
      expectClose(perExample.dataSync(), c.perExample, 2e-5, 2e-5);
      expectClose(grad.dataSync(), c.gradient, 1e-5);
      tf.dispose([mean, perExample, grad]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([y, z]);
    });
  }

  it("is finite for logits that would overflow a naive exp (z = 1000)", () => {
    const y = oneHot([0, 1], 3);
    const z = tf.tensor2d([
      [1000, 0, -1000],
      [1000, 0, -1000],
    ]);
    const loss = smoothedCrossEntropy(y, z, { epsilon: 0.1, convention: "lecture" });
    // Row 0: −0.9·0 − 0.05·(−1000) − 0.05·(−2000) = 150; row 1: −0.9·(−1000) − 0.05·0 − 0.05·(−2000) = 1000.
    expectClose(loss.dataSync(), [575], 1e-3);
    tf.dispose([y, z, loss]);
  });
});

describe("smoothedCrossEntropy: closed forms and gradient", () => {
  const logits = [1.5, -0.3, 0.2, 2.0, -2.0, 0.1, 0.7, 0.4, -1.1, 0.0, 0.9, -0.6];
  const targets = [3, 0, 1];

  it("under the lecture convention equals −(1−ε) log p_y − ε/(K−1) Σ_{k≠y} log p_k (float64 reference)", () => {
    const epsilon = 0.2;
    const expected = targets.map((t, i) => {
      const lp = logSoftmax64(logits.slice(4 * i, 4 * i + 4));
      return -(1 - epsilon) * lp[t]! - (epsilon / 3) * lp.reduce((s, v, k) => (k === t ? s : s + v), 0);
    });
    const y = oneHot(targets, 4);
    const z = tf.tensor2d(logits, [3, 4]);
    const loss = smoothedCrossEntropy(y, z, { epsilon, convention: "lecture", reduction: "none" });
    expectClose(loss.dataSync(), expected, 1e-6, 1e-6);
    tf.dispose([y, z, loss]);
  });

  it("with ε = 0 equals plain cross-entropy −log softmax(z)_y (and tfjs's softmaxCrossEntropy) under both conventions", () => {
    const y = oneHot(targets, 4);
    const z = tf.tensor2d(logits, [3, 4]);
    const plain = targets.reduce((s, t, i) => s - logSoftmax64(logits.slice(4 * i, 4 * i + 4))[t]!, 0) / 3;
    const tfjs = tf.losses.softmaxCrossEntropy(y, z);
    for (const convention of ["lecture", "pytorch"] as const) {
      const loss = smoothedCrossEntropy(y, z, { epsilon: 0, convention });
      expectClose(loss.dataSync(), [plain], 1e-6, 1e-6);
      expectClose(loss.dataSync(), tfjs.dataSync(), 1e-6, 1e-6);
      loss.dispose();
    }
    tf.dispose([y, z, tfjs]);
  });

  it("PyTorch's ε equals the lecture's ε' = ε·(K−1)/K", () => {
    const y = oneHot(targets, 4);
    const z = tf.tensor2d(logits, [3, 4]);
    const a = smoothedCrossEntropy(y, z, { epsilon: 0.4, convention: "pytorch" });
    const b = smoothedCrossEntropy(y, z, { epsilon: 0.3, convention: "lecture" });
    expectClose(a.dataSync(), b.dataSync(), 1e-6, 1e-6);
    tf.dispose([y, z, a, b]);
  });

  for (const convention of ["lecture", "pytorch"] as const) {
    it(`passes a numerical gradient check (${convention}), and the gradient is (softmax(z) − q)/N`, () => {
      const y = oneHot(targets, 4);
      const z = tf.tensor2d(logits, [3, 4]);
      const before = tf.memory().numTensors;
      const options = { epsilon: 0.25, convention };
      const f = (x: tf.Tensor): tf.Scalar => smoothedCrossEntropy(y, x, options) as tf.Scalar;
      const analytic = tf.grad(f)(z);
      const result = gradientCheck(f, analytic, z);
      expect(result.relativeError).toBeLessThan(1e-3);
      const formula = tf.tidy(() => tf.div(tf.sub(tf.softmax(z), smoothLabels(y, options)), 3));
      expectClose(analytic.dataSync(), formula.dataSync(), 1e-6);
      tf.dispose([analytic, formula]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([y, z]);
    });
  }
});

describe("smoothedCrossEntropyLoss for model.compile", () => {
  it("on probabilities equals the logits form, and fromLogits: true is the logits form", () => {
    const y = oneHot(fixture.targets.slice(1), K);
    const z = tf.tensor2d(fixture.logits.slice(K), [N - 1, K]); // row 0 has a probability below 1e-7: skip it
    const p = tf.softmax(z);
    const before = tf.memory().numTensors;
    const fromProbabilities = smoothedCrossEntropyLoss({ epsilon: 0.1 })(y, p);
    const fromLogits = smoothedCrossEntropyLoss({ epsilon: 0.1, fromLogits: true })(y, z);
    const direct = smoothedCrossEntropy(y, z, { epsilon: 0.1 });
    expectClose(fromProbabilities.dataSync(), direct.dataSync(), 1e-5, 1e-5);
    expect(fromLogits.dataSync()[0]).toBe(direct.dataSync()[0]);
    tf.dispose([fromProbabilities, fromLogits, direct]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, z, p]);
  });

  it("trains a softmax model through model.fit without leaking tensors", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [2], activation: "softmax", name: "ls_out", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: smoothedCrossEntropyLoss({ epsilon: 0.1 }) });
    const x = tf.tensor2d([0, 0, 1, 0, 0, 1, 1, 1], [4, 2]);
    const y = oneHot([0, 1, 2, 1], 3);
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 20, batchSize: 4, verbose: 0 });
    const losses = history.history["loss"] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});
