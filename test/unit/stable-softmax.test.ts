/**
 * Stable log-sum-exp, softmax and softmax cross-entropy (kernel-lib/src/training/stable-softmax.ts) against the
 * naive formulas: finite where the naive ones overflow or underflow, equal to them (and to tfjs's and kernel-lib's
 * own stable versions) where those are fine, with gradients checked numerically.
 *
 * Tolerances: float32, u = 2⁻²⁴ ≈ 6e-8. LSE of K = 5 logits of size ≤ 5 is accurate to a few u·(|m| + log K) ≈ 1e-6;
 * we allow 1e-5 absolute for values ≤ 10 and 1e-6 for probabilities. At logits near 1000 the float32 spacing is
 * 2⁻¹⁴ ≈ 6e-5, so there we allow 2⁻¹³. Numerical gradients (central differences, h = 1e-2, float32) of a correct
 * gradient give relative errors of 1e-6 to 1e-4 (probes/gradient-check.ts); we require < 1e-3.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { gradientCheck } from "../../kernel-lib/src/probes";
import { smoothedCrossEntropy } from "../../kernel-lib/src/regularizers/label-smoothing";
import {
  naiveLogSumExp,
  naiveSoftmax,
  naiveSoftmaxCrossEntropy,
  softmaxCrossEntropy,
  stableLogSoftmax,
  stableLogSumExp,
  stableSoftmax,
} from "../../kernel-lib/src/training/stable-softmax";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const values = (t: tf.Tensor): number[] => {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
};

function expectClose(actual: number[], expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]!) <= tolerance)) throw new Error(`entry ${i}: ${a} vs ${expected[i]} (tolerance ${tolerance})`);
  });
}

/** LSE in float64 with the max shift, from float32 inputs. */
function lse64(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
}

describe("where the naive formulas fail", () => {
  it("logits of 1000: naive LSE is Infinity and naive softmax NaN; the stable ones give 1000 + log 2 and ½", () => {
    const z = tf.tensor2d([[1000, 1000]]);
    expect(values(naiveLogSumExp(z))).toEqual([Infinity]);
    expect(values(naiveSoftmax(z)).every(Number.isNaN)).toBe(true);
    expectClose(values(stableLogSumExp(z)), [1000 + Math.log(2)], 2 ** -13);
    expect(values(stableSoftmax(z))).toEqual([0.5, 0.5]);
    z.dispose();
  });

  it("logits of −1000: naive LSE is −Infinity (exp underflows to 0), the stable one −1000 + log 2", () => {
    const z = tf.tensor1d([-1000, -1000]);
    expect(values(naiveLogSumExp(z))).toEqual([-Infinity]);
    expectClose(values(stableLogSumExp(z)), [-1000 + Math.log(2)], 2 ** -13);
    z.dispose();
  });

  it("the threshold: naive LSE overflows just above ln(float32 max) ≈ 88.72 and is fine just below", () => {
    const z = tf.tensor1d([88, 89]);
    expect(values(naiveLogSumExp(tf.tensor1d([88])))).not.toEqual([Infinity]);
    expect(values(naiveLogSumExp(z))).toEqual([Infinity]);
    expectClose(values(stableLogSumExp(z)), [lse64([88, 89])], 2 ** -16);
    z.dispose();
  });

  it("cross-entropy from logits [1000, 0] with target class 1: the stable loss is 1000, the naive one Infinity or NaN", () => {
    const z = tf.tensor2d([
      [1000, 0],
      [0, 0],
    ]);
    const q = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const stable = values(softmaxCrossEntropy(q, z, { reduction: "none" }));
    expectClose(stable, [1000, Math.log(2)], 2 ** -13);
    const naive = values(naiveSoftmaxCrossEntropy(q, z, { reduction: "none" }));
    expect(Number.isFinite(naive[0]!)).toBe(false);
    expectClose([naive[1]!], [Math.log(2)], 1e-6);
    // Its gradient (softmax(z) − q)/N is finite too: ((1, 0) − (0, 1))/2 and ((½, ½) − (1, 0))/2.
    const g = tf.grad((logits: tf.Tensor) => softmaxCrossEntropy(q, logits) as tf.Scalar)(z);
    expectClose(values(g), [0.5, -0.5, -0.25, 0.25], 1e-7);
    tf.dispose([z, q]);
  });
});

describe("where the naive formulas are fine, everything agrees", () => {
  const rows = [
    [0.5, -1.2, 3.3, 0.1, -4.9],
    [2, 2, 2, 2, 2],
    [-0.3, 4.8, -2.5, 1.7, 0.9],
  ];

  it("LSE, softmax and log-softmax equal the naive formulas, float64, tf.logSumExp and tf.logSoftmax", () => {
    const z = tf.tensor2d(rows);
    const lse = values(stableLogSumExp(z));
    expectClose(lse, rows.map(lse64), 1e-5);
    expectClose(lse, values(naiveLogSumExp(z)), 1e-5);
    expectClose(lse, values(tf.logSumExp(z, -1)), 1e-5);
    const p = values(stableSoftmax(z));
    expectClose(p, values(naiveSoftmax(z)), 1e-6);
    expectClose(p, values(tf.softmax(z)), 1e-6);
    expectClose(values(stableLogSoftmax(z)), values(tf.logSoftmax(z)), 1e-5);
    // keepDims and another axis: LSE over the rows of each column.
    expect(stableLogSumExp(z, { keepDims: true }).shape).toEqual([3, 1]);
    const columns = values(stableLogSumExp(z, { axis: 0 }));
    expectClose(
      columns,
      rows[0]!.map((_, j) => lse64(rows.map((r) => r[j]!))),
      1e-5,
    );
    z.dispose();
  });

  it("cross-entropy equals the naive one, tf.losses.softmaxCrossEntropy and smoothedCrossEntropy(ε = 0); soft targets work", () => {
    const z = tf.tensor2d(rows);
    const q = tf.oneHot(tf.tensor1d([2, 0, 1], "int32"), 5).toFloat();
    const ours = values(softmaxCrossEntropy(q, z));
    expectClose(ours, values(naiveSoftmaxCrossEntropy(q, z)), 1e-5);
    expectClose(ours, values(tf.losses.softmaxCrossEntropy(q, z)), 1e-5);
    expectClose(ours, values(smoothedCrossEntropy(q, z, { epsilon: 0 })), 1e-5);
    // Soft targets: −Σ q log p in float64.
    const soft = [0.1, 0.2, 0.3, 0.2, 0.2];
    const qs = tf.tensor2d([soft]);
    const z0 = tf.tensor2d([rows[0]!]);
    const logP = rows[0]!.map((v) => v - lse64(rows[0]!));
    expectClose(values(softmaxCrossEntropy(qs, z0)), [-soft.reduce((s, w, k) => s + w * logP[k]!, 0)], 1e-5);
    tf.dispose([z, q, qs, z0]);
  });
});

describe("gradients", () => {
  it("∂LSE/∂z = softmax(z) (the custom gradient), checked numerically and against the formula", () => {
    const z = tf.tensor1d([0.5, -1.2, 3.3, 0.1, -4.9]);
    const lse = (x: tf.Tensor): tf.Scalar => stableLogSumExp(x) as tf.Scalar;
    const analytic = tf.grad(lse)(z);
    expectClose(Array.from(analytic.dataSync()), values(tf.softmax(z)), 1e-6);
    expect(gradientCheck(lse, analytic, z).relativeError).toBeLessThan(1e-3);
    // Through a downstream op (dy ≠ 1) and at logits where the naive form overflows: still softmax times dy.
    const big = tf.tensor1d([1000, 999, 990]);
    const scaled = tf.grad((x: tf.Tensor) => tf.mul(3, stableLogSumExp(x)) as tf.Scalar)(big);
    const e = [0, -1, -10].map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    expectClose(
      values(scaled),
      e.map((v) => (3 * v) / sum),
      1e-6,
    );
    tf.dispose([z, analytic, big]);
  });

  it("the cross-entropy's gradient is (softmax(z) − q)/N, checked numerically; log-softmax and softmax too", () => {
    const z = tf.tensor2d([
      [0.5, -1.2, 3.3],
      [0.2, 0.1, -0.4],
    ]);
    const q = tf.tensor2d([
      [0, 1, 0],
      [0.2, 0.5, 0.3],
    ]);
    const loss = (x: tf.Tensor): tf.Scalar => softmaxCrossEntropy(q, x) as tf.Scalar;
    const analytic = tf.grad(loss)(z);
    const expected = tf.tidy(() => tf.div(tf.sub(tf.softmax(z), q), 2));
    expectClose(Array.from(analytic.dataSync()), values(expected), 1e-6);
    expect(gradientCheck(loss, analytic, z).relativeError).toBeLessThan(1e-3);
    // A weighted sum of the outputs makes every entry of the Jacobian count.
    const weights = tf.tensor2d([
      [0.3, -1, 2],
      [1.5, 0.2, -0.7],
    ]);
    for (const f of [stableLogSoftmax, stableSoftmax]) {
      const weighted = (x: tf.Tensor): tf.Scalar => tf.tidy(() => tf.sum(tf.mul(weights, f(x))) as tf.Scalar);
      const g = tf.grad(weighted)(z);
      expect(gradientCheck(weighted, g, z).relativeError).toBeLessThan(1e-3);
      g.dispose();
    }
    tf.dispose([z, q, analytic, weights]);
  });
});

describe("memory and bad input", () => {
  it("frees its intermediates", () => {
    const z = tf.tensor2d([[1, 2, 3]]);
    const q = tf.tensor2d([[0, 0, 1]]);
    const before = tf.memory().numTensors;
    for (const out of [stableLogSumExp(z), stableSoftmax(z), stableLogSoftmax(z), softmaxCrossEntropy(q, z), naiveLogSumExp(z), naiveSoftmax(z)]) out.dispose();
    tf.dispose(tf.grad((x: tf.Tensor) => softmaxCrossEntropy(q, x) as tf.Scalar)(z));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, q]);
  });

  it("gets clear errors", () => {
    const z = tf.tensor2d([[1, 2, 3]]);
    expect(() => stableLogSumExp(tf.tensor1d([1, 2], "int32"))).toThrow(/stableLogSumExp: logits.dtype = "int32", expected "float32"/);
    expect(() => stableLogSumExp(tf.scalar(1))).toThrow(/logits.shape = \[\], expected at least one axis/);
    expect(() => stableSoftmax(z, { axis: 2 })).toThrow(/stableSoftmax: options.axis = 2, expected an integer in \[-2, 2\)/);
    expect(() => softmaxCrossEntropy(tf.tensor2d([[0, 1]]), z)).toThrow(/softmaxCrossEntropy: targets.shape = \[1, 2\], expected the logits' shape \[1, 3\]/);
    expect(() => softmaxCrossEntropy(tf.tensor2d([[0, 0, 1]]), z, { reduction: "sum" as "mean" })).toThrow(/options.reduction = "sum"/);
    expect(() => naiveSoftmax(null as unknown as tf.Tensor)).toThrow(/naiveSoftmax: logits = null, expected a live tf.Tensor/);
    z.dispose();
  });
});
