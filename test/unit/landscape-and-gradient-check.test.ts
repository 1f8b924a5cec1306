import { beforeAll, describe, expect, it } from "vitest";
import { batchNormLayer, gradientCheck, gradientStepProbe, initBackend, maxRelativeError, numericalGradient, relativeError, tf } from "kernel-lib";
import { Rng } from "../../kernel-lib/src/random";

/** float32 unit roundoff: 2⁻²⁴. */
const U = 2 ** -24;

function normals(size: number, seed: number, std = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.normal(0, std));
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("relativeError and maxRelativeError (CS231n)", () => {
  it("are 0 for equal or all-zero inputs, symmetric, scale-free, and give known values", () => {
    expect(relativeError([0, 0, 0], [0, 0, 0])).toBe(0);
    expect(relativeError([1, -2, 3], [1, -2, 3])).toBe(0);
    expect(relativeError([1, 0], [0, 1])).toBeCloseTo(Math.SQRT2, 15); // ‖(1, −1)‖ / max(1, 1)
    expect(relativeError([3, 4], [0, 0])).toBe(1);
    const a = [0.3, -1.2, 2.5];
    const b = [0.31, -1.1, 2.4];
    expect(relativeError(a, b)).toBe(relativeError(b, a));
    expect(
      relativeError(
        a.map((v) => v * 1e6),
        b.map((v) => v * 1e6),
      ),
    ).toBeCloseTo(relativeError(a, b), 12);
    expect(maxRelativeError([1, 2, 0], [1, 1, 0])).toBe(0.5); // |2 − 1| / 2; the 0/0 entry counts as 0
    expect(maxRelativeError([1e-9, 5], [-1e-9, 5])).toBe(2); // one tiny entry of opposite sign dominates
  });

  it("read tensors without disposing them, in float64", () => {
    const t = tf.tensor1d([1, 2, 3]);
    expect(relativeError(t, [1, 2, 3])).toBe(0);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it("reject arrays of different lengths and non-arrays", () => {
    expect(() => relativeError([1, 2], [1])).toThrow(/relativeError: b.length = 1, expected the length of a \(2\)/);
    expect(() => maxRelativeError([1], [1, 2])).toThrow(/maxRelativeError: b.length = 2/);
    expect(() => relativeError(3 as unknown as number[], [1])).toThrow(/relativeError: a = 3, expected a tf.Tensor or an array of numbers/);
  });
});

describe("numericalGradient", () => {
  it("is exact up to the known truncation term for f(x) = Σ x³ evaluated in float64", () => {
    // With f computed in float64, rounding is ~1e-16 and the central difference over the float32 inputs
    // x⁺ = x + h₁, x⁻ = x − h₂ is, exactly, ((x + h₁)³ − (x − h₂)³) / (h₁ + h₂) = 3x² + 3x(h₁ − h₂) + h₁² − h₁h₂ + h₂².
    // This checks the divisor fround(x + h) − fround(x − h) as well: with 2h instead, the error would be up to 5e-5.
    const values = normals(12, 1, 3);
    const x = tf.tensor2d(values, [3, 4]);
    const h = 1e-2;
    const cube = (t: tf.Tensor) => Array.from(t.dataSync()).reduce((sum, v) => sum + v ** 3, 0);
    const before = tf.memory().numTensors;
    const numeric = numericalGradient(cube, x, { step: h });
    expect(tf.memory().numTensors).toBe(before);
    values.forEach((v, i) => {
      const h1 = Math.fround(v + h) - v;
      const h2 = v - Math.fround(v - h);
      const expected = 3 * v * v + 3 * v * (h1 - h2) + h1 * h1 - h1 * h2 + h2 * h2;
      expect(Math.abs(numeric[i]! - expected)).toBeLessThan(1e-9 * Math.max(1, expected));
    });
    x.dispose();
  });

  it("matches 3x² for Σ x³ computed by tfjs in float32, within the derived bound", () => {
    const values = normals(20, 2);
    const x = tf.tensor1d(values);
    const h = 1e-2;
    const numeric = numericalGradient((t) => t.pow(3).sum() as tf.Scalar, x, { step: h });
    // Per entry: truncation ≤ h² + 3|x|·|h₁ − h₂| ≤ 1.01 h², and rounding of the two float32 sums of n terms
    // (worst case n·u·Σ|x|³ each) divided by the step 2h.
    const sumAbsCubes = values.reduce((s, v) => s + Math.abs(v) ** 3, 0);
    const bound = 1.01 * h * h + (2 * values.length * U * sumAbsCubes) / (2 * h);
    values.forEach((v, i) => expect(Math.abs(numeric[i]! - 3 * v * v)).toBeLessThan(bound));
    const analytic = values.map((v) => 3 * v * v);
    expect(relativeError(analytic, numeric)).toBeLessThan(1e-3); // float32 bound, see the module's comment
    x.dispose();
  });

  it("matches (softmax(z) − y) / N for the mean softmax cross-entropy", () => {
    // L(z) = −(1/N) Σ_n Σ_k y_nk log softmax(z_n)_k: ∂L/∂z = (softmax(z) − y) / N. Its third derivatives are at
    // most 1/N in size, so the truncation error is below h²/(6N) per entry; the rounding error is about
    // u·|L|/h per entry. With h = 1e-2 both are far below 1e-3 of ‖∂L/∂z‖.
    const n = 5;
    const k = 4;
    const logits = normals(n * k, 3, 2);
    const labels = [0, 3, 1, 1, 2];
    const z = tf.tensor2d(logits, [n, k]);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), k);
    const analytic = new Float64Array(n * k);
    for (let row = 0; row < n; row++) {
      const zr = Array.from(logits.slice(row * k, row * k + k));
      const max = Math.max(...zr);
      const exps = zr.map((v) => Math.exp(v - max));
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, col) => (analytic[row * k + col] = (e / total - (labels[row] === col ? 1 : 0)) / n));
    }
    const before = tf.memory().numTensors;
    const check = gradientCheck((t) => tf.losses.softmaxCrossEntropy(y, t) as tf.Scalar, analytic, z);
    expect(tf.memory().numTensors).toBe(before);
    expect(check.relativeError).toBeLessThan(1e-3);
    // Per entry: ∂³L/∂z³ = s(1 − s)(1 − 2s)/N ≤ 0.1/N (s a softmax probability), so truncation ≤ h²·0.1/(6N); the loss
    // is a mean of log-sum-exps of size ≤ S = max|z| + ln k, each evaluated to a relative accuracy of ~16u, and the
    // difference of two such values is divided by 2h. The elementwise relative error is not bounded by itself: the
    // smallest entries of the gradient are near 0.
    const h = check.step;
    const maxAbsLogit = Math.max(...Array.from(logits, Math.abs));
    const entryBound = (h * h * 0.1) / (6 * n) + (2 * 16 * U * (maxAbsLogit + Math.log(k))) / (2 * h);
    check.numerical.forEach((v, i) => expect(Math.abs(v - analytic[i]!)).toBeLessThan(entryBound));
    expect(check.step).toBe(1e-2);
    // tfjs's own gradient of the same loss agrees with the float64 formula to float32 rounding.
    const autodiff = tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, t) as tf.Scalar)(z);
    expect(relativeError(autodiff, analytic)).toBeLessThan(1e-6);
    tf.dispose([z, y, autodiff]);
  });

  it("catches a deliberately wrong gradient", () => {
    const values = normals(10, 4);
    const x = tf.tensor1d(values);
    const f = (t: tf.Tensor) => t.pow(3).sum() as tf.Scalar;
    const right = gradientCheck(
      f,
      values.map((v) => 3 * v * v),
      x,
    );
    const wrongFactor = gradientCheck(
      f,
      values.map((v) => 2 * v * v),
      x,
    ); // d/dx x³ = 2x²: a wrong formula
    const oneWrongEntry = gradientCheck(
      f,
      values.map((v, i) => (i === 6 ? 1.05 : 1) * 3 * v * v),
      x,
    );
    expect(right.relativeError).toBeLessThan(1e-3);
    expect(wrongFactor.relativeError).toBeGreaterThan(0.3); // (3 − 2) / 3
    expect(oneWrongEntry.maxRelativeError).toBeGreaterThan(0.04); // 0.05 / 1.05
    expect(oneWrongEntry.worstIndex).toBe(6);
    x.dispose();
  });

  it("rejects bad arguments with a clear error and leaks nothing", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const f = (t: tf.Tensor) => t.sum() as tf.Scalar;
    const before = tf.memory().numTensors;
    expect(() => numericalGradient(f, x, { step: 0 })).toThrow(/numericalGradient: options.step = 0, expected a finite number > 0/);
    expect(() => numericalGradient(f, x, { step: -1e-3 })).toThrow(/options.step = -0.001, expected a finite number > 0/);
    expect(() => numericalGradient(f, x, { step: NaN })).toThrow(/options.step = NaN/);
    expect(() => numericalGradient("f" as unknown as typeof f, x)).toThrow(/numericalGradient: f = "f"/);
    expect(() => numericalGradient((t) => t.mul(2) as tf.Scalar, x)).toThrow(/numericalGradient: f\(x\).shape = \[3\], expected \[\] \(a scalar/);
    expect(() => numericalGradient(() => NaN, x)).toThrow(/f\(x\) = NaN, expected a finite value/);
    expect(() => numericalGradient(f, tf.tensor1d([1e6]), { step: 1e-3 })).toThrow(/a step large enough to change x\[0\] = 1000000 in float32/);
    expect(() => numericalGradient(f, tf.tensor1d([], "float32"))).toThrow(/x.shape = \[0\], expected a tensor with at least one element/);
    const ints = tf.tensor1d([1, 2], "int32");
    expect(() => numericalGradient(f, ints)).toThrow(/x.dtype = "int32", expected "float32"/);
    expect(() => gradientCheck(f, [1, 1], x)).toThrow(/gradientCheck: analyticGradient.length = 2, expected x.size = 3 values/);
    tf.dispose(ints);
    expect(tf.memory().numTensors).toBe(before + 2); // only the two tensors made in the expectations themselves
    x.dispose();
  });
});

/** L(θ) = ½‖Aθ − b‖² on float32 data; everything needed to predict the probe in float64. */
function quadratic(seed: number) {
  const rows = 6;
  const cols = 4;
  const a = normals(rows * cols, seed, 0.5);
  const b = normals(rows, seed + 1);
  const theta0 = normals(cols, seed + 2);
  const A = tf.tensor2d(a, [rows, cols]);
  const bT = tf.tensor2d(b, [rows, 1]);
  const theta = tf.variable(tf.tensor2d(theta0, [cols, 1]), true, `quadratic-theta-${seed}`);
  const loss = () => tf.tidy(() => A.matMul(theta).sub(bT).square().sum().mul(0.5) as tf.Scalar);
  // float64 reference
  const Aat = (i: number, j: number) => a[i * cols + j]!;
  const residual = (t: ArrayLike<number>) =>
    Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Aat(i, j) * t[j]!).reduce((s, v) => s + v, 0) - b[i]!);
  const atv = (r: number[]) => Array.from({ length: cols }, (_, j) => r.reduce((s, ri, i) => s + Aat(i, j) * ri, 0));
  const lossOf = (t: ArrayLike<number>) => 0.5 * residual(t).reduce((s, r) => s + r * r, 0);
  const g = atv(residual(theta0)); // ∇L(θ) = Aᵀ(Aθ − b)
  const AtAg = atv(Array.from({ length: rows }, (_, i) => g.reduce((s, gj, j) => s + Aat(i, j) * gj, 0)));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return { A, bT, theta, theta0, loss, lossOf, g, normAtAg: norm(AtAg), normG: norm(g), dispose: () => tf.dispose([A, bT, theta]) };
}

describe("gradientStepProbe", () => {
  it("on ½‖Aθ − b‖²: the gradient change is η‖AᵀA g‖ and the loss is L(θ − ηg), to float32 accuracy", () => {
    const q = quadratic(10);
    const stepSizes = [0.05, 0.2, 1, 3];
    const before = tf.memory().numTensors;
    const result = gradientStepProbe({ loss: q.loss, variables: [q.theta] }, { stepSizes });
    expect(tf.memory().numTensors).toBe(before);
    // float32: each gradient is accurate to a few u·‖A‖·‖Aθ − b‖, the difference of two is then accurate to about
    // 1e-6 of ‖g‖, and η‖AᵀA g‖ ≥ 0.01‖g‖ here: a relative error of 1e-4 is a generous bound.
    expect(result.loss).toBeCloseTo(q.lossOf(q.theta0), 5);
    expect(result.gradientNorm / q.normG).toBeCloseTo(1, 5);
    stepSizes.forEach((eta, i) => {
      const expectedChange = eta * q.normAtAg;
      expect(expectedChange).toBeGreaterThan(0.01 * q.normG);
      expect(Math.abs(result.gradientChanges[i]! - expectedChange) / expectedChange).toBeLessThan(1e-4);
      const expectedLoss = q.lossOf(q.theta0.map((t, j) => t - eta * q.g[j]!));
      expect(Math.abs(result.losses[i]! - expectedLoss) / expectedLoss).toBeLessThan(1e-4);
    });
    expect(result.stepSizes).toEqual(stepSizes);
    expect(result.lossRange).toEqual({ min: Math.min(...result.losses), max: Math.max(...result.losses) });
    expect(result.gradientChangeRange.max).toBe(result.gradientChanges[3]); // linear in η
    expect(Array.from(q.theta.dataSync())).toEqual(Array.from(q.theta0)); // restored bit-exactly
    q.dispose();
  });

  it("gives zero loss change and zero gradient change as η → 0", () => {
    const q = quadratic(20);
    // θ − 1e-30·g rounds back to θ in float32 (|g|·1e-30 is far below half an ulp of θ), so both changes are exactly 0.
    const result = gradientStepProbe({ loss: q.loss, variables: [q.theta] }, { stepSizes: [1e-30] });
    expect(result.losses[0]! - result.loss).toBe(0);
    expect(result.gradientChanges[0]).toBe(0);
    // and they shrink with η: first order, L(θ − ηg) − L(θ) ≈ −η‖g‖².
    const small = gradientStepProbe({ loss: q.loss, variables: [q.theta] }, { stepSizes: [1e-3] });
    expect((small.losses[0]! - small.loss) / (-1e-3 * q.normG ** 2)).toBeCloseTo(1, 1);
    q.dispose();
  });

  it("on a model: same result as the loss of its variables, weights and running statistics restored bit-exactly, no leaks", () => {
    const q = quadratic(30);
    // The quadratic as a model: x = A, y = b, one linear unit without bias, loss ½‖p − y‖².
    const model = tf.sequential({ layers: [tf.layers.dense({ name: "probe-linear", inputShape: [4], units: 1, useBias: false })] });
    model.setWeights([q.theta]);
    const halfSquares = (yTrue: tf.Tensor, yPred: tf.Tensor) => yPred.sub(yTrue).square().sum().mul(0.5) as tf.Scalar;
    const stepSizes = [0.1, 0.5];
    const fromModel = gradientStepProbe(model, q.A, q.bT, { stepSizes, loss: halfSquares });
    const fromVariables = gradientStepProbe({ loss: q.loss, variables: [q.theta] }, { stepSizes });
    expect(fromModel.losses).toEqual(fromVariables.losses);
    expect(fromModel.gradientChanges).toEqual(fromVariables.gradientChanges);
    model.dispose();

    // A network with batch norm in training mode: each evaluation updates the running statistics, the probe restores them.
    const rng = new Rng(40);
    const bnModel = tf.sequential({
      layers: [
        tf.layers.dense({ name: "probe-dense1", inputShape: [5], units: 8, kernelInitializer: tf.initializers.glorotNormal({ seed: rng.nextSeed() }) }),
        batchNormLayer({ name: "probe-bn", momentum: 0.9 }),
        tf.layers.activation({ name: "probe-relu", activation: "relu" }),
        tf.layers.dense({ name: "probe-out", units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotNormal({ seed: rng.nextSeed() }) }),
      ],
    });
    const x = tf.tensor2d(normals(16 * 5, 41), [16, 5]);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 3),
        "int32",
      ),
      3,
    );
    const crossEntropy = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.metrics.categoricalCrossentropy(yTrue, yPred).mean() as tf.Scalar;
    const snapshot = () => bnModel.getWeights().map((w) => Array.from(w.dataSync()));
    const weightsBefore = snapshot();
    const before = tf.memory().numTensors;
    const result = gradientStepProbe(bnModel, x, y, { stepSizes: [0.01, 0.1, 1, 10], loss: crossEntropy });
    expect(tf.memory().numTensors).toBe(before);
    expect(snapshot()).toEqual(weightsBefore);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.gradientChanges[0]).toBeLessThan(result.gradientChanges[3]!);
    // The restoration is needed: one training-mode pass moves the running statistics.
    tf.tidy(() => {
      bnModel.apply(x, { training: true });
    });
    expect(snapshot()).not.toEqual(weightsBefore);
    // η → 0 on the model: the changes vanish (to float32 rounding of the tiny step).
    const tiny = gradientStepProbe(bnModel, x, y, { stepSizes: [1e-30], loss: crossEntropy });
    expect(Math.abs(tiny.losses[0]! - tiny.loss)).toBeLessThanOrEqual(4 * U * tiny.loss);
    expect(tiny.gradientChanges[0]!).toBeLessThanOrEqual(1e-6 * tiny.gradientNorm);
    tf.dispose([x, y]);
    bnModel.dispose();
    q.dispose();
  });

  it("restores the variables and frees its tensors when the loss throws", () => {
    const q = quadratic(50);
    let calls = 0;
    const failing = () => {
      calls += 1;
      if (calls === 2) throw new Error("boom");
      return q.loss();
    };
    const before = tf.memory().numTensors;
    expect(() => gradientStepProbe({ loss: failing, variables: [q.theta] }, { stepSizes: [0.5] })).toThrow("boom");
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(q.theta.dataSync())).toEqual(Array.from(q.theta0));
    q.dispose();
  });

  it("rejects bad arguments with a clear error", () => {
    const q = quadratic(60);
    const objective = { loss: q.loss, variables: [q.theta] };
    const model = tf.sequential({ layers: [tf.layers.dense({ name: "probe-bad", inputShape: [4], units: 1 })] });
    const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred) as tf.Scalar;
    const before = tf.memory().numTensors;
    expect(() => gradientStepProbe(objective, { stepSizes: [] })).toThrow(
      /gradientStepProbe: options.stepSizes = \[\], expected a non-empty array of step sizes > 0/,
    );
    expect(() => gradientStepProbe(objective, { stepSizes: [0.1, 0] })).toThrow(/options.stepSizes\[1\] = 0, expected a finite number > 0/);
    expect(() => gradientStepProbe(objective, { stepSizes: [-0.1] })).toThrow(/options.stepSizes\[0\] = -0.1, expected a finite number > 0/);
    expect(() => gradientStepProbe(objective, { stepSizes: [Infinity] })).toThrow(/options.stepSizes\[0\] = Infinity/);
    expect(() => gradientStepProbe(objective, {} as { stepSizes: number[] })).toThrow(/options.stepSizes = undefined/);
    expect(() => gradientStepProbe({ loss: q.loss, variables: [] }, { stepSizes: [1] })).toThrow(
      /objective.variables = 0, expected a non-empty array of live tf.Variables/,
    );
    expect(() => gradientStepProbe({ loss: () => tf.ones([2]) as tf.Scalar, variables: [q.theta] }, { stepSizes: [1] })).toThrow(
      /gradientStepProbe: loss\(\).shape = \[2\], expected \[\] \(a tf.Scalar\)/,
    );
    expect(() => gradientStepProbe(model, q.A, q.bT, { stepSizes: [1] } as never)).toThrow(/options.loss = undefined, expected a function/);
    expect(() => gradientStepProbe(model, q.A, undefined as unknown as tf.Tensor, { stepSizes: [1], loss: mse })).toThrow(/gradientStepProbe: y = undefined/);
    expect(() => gradientStepProbe(model, q.A, q.bT, { stepSizes: [], loss: mse })).toThrow(/options.stepSizes = \[\]/);
    expect(() => gradientStepProbe(model, q.A, q.bT, { stepSizes: [1], loss: (yt, yp) => yp.sub(yt) as tf.Scalar })).toThrow(/loss\(\).shape = \[6, 1\]/);
    expect(() => gradientStepProbe(42 as never, { stepSizes: [1] })).toThrow(/gradientStepProbe: objective = 42, expected a tf.LayersModel or/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    q.dispose();
  });
});
