/**
 * Input scalers against scikit-learn / numpy golden values (test/fixtures/scalers/generate.py), exact
 * inversion, JSON round trips, whitening properties, errors and tensor bookkeeping.
 *
 * Tolerances. The library computes statistics in float64 and applies them in float32, so a transformed value
 * carries float32 rounding: with u = 2⁻²⁴ (unit round-off), each float32 operation adds at most u relative
 * error, and rounding the statistics themselves to float32 adds u · |statistic|. Per test we bound the
 * absolute error by (number of roundings) · u · (the sizes of the operands), stated next to each bound; a
 * factor 2 to 4 above the count covers the reference's own float64 error, which is negligible (≈ 1e-16).
 */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  MeanCentering,
  MinMaxScaler,
  PcaDecorrelation,
  PcaWhitening,
  StandardScaler,
  ZcaWhitening,
  cumulativeExplainedVariance,
  principalComponents,
  scalerFromJSON,
  type Scaler,
  type ScalerJSON,
} from "../../kernel-lib/src/normalizers/scalers";
import { Rng, initBackend, loadMnistArrays, tf } from "../../kernel-lib/src/index";

const U = 2 ** -24;

interface Fixture {
  train: number[][];
  test: number[][];
  standard: { mean: number[]; std: number[]; train: number[][]; test: number[][] };
  minMaxSymmetric: { dataMin: number[]; dataMax: number[]; test: number[][] };
  minMaxUnit: { train: number[][]; test: number[][] };
  correlatedTrain: number[][];
  correlatedTest: number[][];
  pca3: { components: number[][]; explainedVariance: number[]; explainedVarianceRatio: number[]; test: number[][] };
  pcaWhiten: { components: number[][]; explainedVariance: number[]; test: number[][] };
  zca: { epsilon: number; populationEigenvalues: number[]; test: number[][] };
}

const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/scalers/scalers.json"), "utf8")) as Fixture;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** The values of a tensor as rows, disposing it. */
function take(t: tf.Tensor2D): number[][] {
  const values = t.arraySync();
  t.dispose();
  return values;
}

function tensor(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows);
}

/** Asserts |actual − expected| ≤ bound(i, j) element by element, reporting the worst case. */
function expectClose(actual: number[][], expected: number[][], bound: (i: number, j: number) => number): void {
  expect(actual.length).toBe(expected.length);
  let worst = { excess: -Infinity, where: "" };
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i]!.length);
    row.forEach((v, j) => {
      const excess = Math.abs(v - expected[i]![j]!) / bound(i, j);
      if (excess > worst.excess) worst = { excess, where: `[${i}][${j}]: ${v} vs ${expected[i]![j]} (bound ${bound(i, j)})` };
    });
  });
  expect(worst.excess, worst.where).toBeLessThanOrEqual(1);
}

function columnMoments(rows: number[][]): { mean: number[]; cov: number[][] } {
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => rows.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / n),
  );
  return { mean, cov };
}

const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * Each of our axes against scikit-learn's: the same line, so |u·v| = 1 (to float64 eigen-solver accuracy, 1e-9
 * is generous), and the sign that maps one to the other. The sign is decided by the axes, never per value.
 */
function axisSigns(ours: Float64Array[], theirs: number[][]): number[] {
  return theirs.map((v, k) => {
    const cosine = dot(ours[k]!, v);
    expect(Math.abs(Math.abs(cosine) - 1)).toBeLessThan(1e-9);
    return Math.sign(cosine);
  });
}

describe("StandardScaler", () => {
  it("matches scikit-learn's StandardScaler (population std) on train and test", () => {
    const scaler = new StandardScaler().fit(tensor(fixture.train));
    // Statistics: float64 sums of the same float32 data in another order, relative error ≲ N · 2⁻⁵³ ≈ 1e-14.
    Array.from(scaler.mean).forEach((m, j) => expect(m).toBeCloseTo(fixture.standard.mean[j]!, 12));
    Array.from(scaler.std).forEach((s, j) => expect(Math.abs(s / fixture.standard.std[j]! - 1)).toBeLessThan(1e-12));
    // y = (x − μ)/σ in float32: μ and σ rounded (u|μ|, u relative), the subtraction and the division (u each):
    // |Δy| ≤ 2u(|x| + |μ|)/σ + 2u|y|; we allow twice that.
    for (const split of ["train", "test"] as const) {
      const x = fixture[split];
      const y = take(scaler.transform(tensor(x)));
      const bound = (i: number, j: number) =>
        4 * U * ((Math.abs(x[i]![j]!) + Math.abs(fixture.standard.mean[j]!)) / fixture.standard.std[j]! + Math.abs(y[i]![j]!));
      expectClose(y, fixture.standard[split], bound);
    }
  });

  it("gives zero mean and unit variance on the training data, not on the test data (statistics come from train)", () => {
    const scaler = new StandardScaler();
    const train = columnMoments(take(scaler.fitTransform(tensor(fixture.train))));
    // Mean of float32 values each off by ≤ 4u · 7 (the largest (|x| + |μ|)/σ here is ≈ 7): |mean| ≤ 3e-6.
    train.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(3e-6));
    train.cov.forEach((row, j) => expect(row[j]).toBeCloseTo(1, 5));
    const test = columnMoments(take(scaler.transform(tensor(fixture.test))));
    // The test set's own mean is not 0 under the training statistics (12 samples; that is correct, not a bug).
    expect(Math.max(...test.mean.map(Math.abs))).toBeGreaterThan(0.05);
  });

  it("on one feature equals PCA whitening with epsilon 0 up to sign (both use the 1/N variance)", () => {
    const column = fixture.train.map((r) => [r[1]!]);
    const standardized = take(new StandardScaler().fitTransform(column));
    const whitened = take(new PcaWhitening().fitTransform(column));
    const sign = Math.sign(whitened[0]![0]! * standardized[0]![0]!);
    expectClose(
      whitened.map((r) => [sign * r[0]!]),
      standardized,
      () => 1e-5,
    );
  });
});

describe("MinMaxScaler", () => {
  it("defaults to [-1, 1] (lecture 001) and matches scikit-learn's MinMaxScaler(feature_range=(-1, 1))", () => {
    const scaler = new MinMaxScaler().fit(tensor(fixture.train));
    expect(scaler.featureRange).toEqual([-1, 1]);
    expect(Array.from(scaler.dataMin)).toEqual(fixture.minMaxSymmetric.dataMin);
    expect(Array.from(scaler.dataMax)).toEqual(fixture.minMaxSymmetric.dataMax);
    const x = fixture.test;
    const y = take(scaler.transform(tensor(x)));
    // y = (x − min)/s + low, s = (max − min)/(high − low): roundings of min, s, the subtraction, division and
    // addition: |Δy| ≤ 2u(|x| + |min|)/s + 3u(|y| + |low|); we allow about twice that.
    const s = (j: number) => (fixture.minMaxSymmetric.dataMax[j]! - fixture.minMaxSymmetric.dataMin[j]!) / 2;
    expectClose(
      y,
      fixture.minMaxSymmetric.test,
      (i, j) => 4 * U * ((Math.abs(x[i]![j]!) + Math.abs(fixture.minMaxSymmetric.dataMin[j]!)) / s(j)) + 6 * U * (Math.abs(y[i]![j]!) + 1),
    );
    // Row 0 of the test set lies outside the training range: the scaled values leave [-1, 1], as they should.
    expect(Math.max(...y[0]!.map(Math.abs))).toBeGreaterThan(1);
  });

  it("scales to [0, 1] (lecture 002) like MinMaxScaler(feature_range=(0, 1)); the training data fills [0, 1]", () => {
    const scaler = new MinMaxScaler({ featureRange: [0, 1] });
    const train = take(scaler.fitTransform(fixture.train)); // number[][] input works too
    const test = take(scaler.transform(fixture.test));
    const lo = fixture.minMaxSymmetric.dataMin;
    const s = (j: number) => fixture.minMaxSymmetric.dataMax[j]! - lo[j]!;
    const bound = (x: number[][], y: number[][]) => (i: number, j: number) =>
      4 * U * ((Math.abs(x[i]![j]!) + Math.abs(lo[j]!)) / s(j)) + 6 * U * Math.abs(y[i]![j]!);
    expectClose(train, fixture.minMaxUnit.train, bound(fixture.train, train));
    expectClose(test, fixture.minMaxUnit.test, bound(fixture.test, test));
    for (let j = 0; j < 6; j++) {
      const column = train.map((r) => r[j]!);
      expect(Math.min(...column)).toBe(0); // x = min gives (x − min) = 0 exactly
      expect(Math.abs(Math.max(...column) - 1)).toBeLessThanOrEqual(4 * U);
    }
  });
});

describe("MeanCentering", () => {
  it("subtracts the training mean: training columns average 0, test columns do not, nothing is rescaled", () => {
    const scaler = new MeanCentering().fit(tensor(fixture.train));
    const train = take(scaler.transform(tensor(fixture.train)));
    // Each value: x − μ in float32 with μ rounded, |Δ| ≤ u(|x| + 2|μ|) ≤ 3u · 1300 for the offset-1000 feature.
    columnMoments(train).mean.forEach((m, j) => expect(Math.abs(m)).toBeLessThanOrEqual(3 * U * (maxAbs(fixture.train.map((r) => r[j]!)) + 1)));
    const expected = fixture.train.map((r) => r.map((v, j) => v - fixture.standard.mean[j]!));
    expectClose(train, expected, (i, j) => 3 * U * (Math.abs(fixture.train[i]![j]!) + Math.abs(fixture.standard.mean[j]!)));
    const testMeans = columnMoments(take(scaler.transform(tensor(fixture.test)))).mean;
    expect(Math.max(...testMeans.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it("keeps a constant feature (it becomes 0) and accepts a single sample", () => {
    const y = take(
      new MeanCentering().fitTransform([
        [1, 5],
        [3, 5],
      ]),
    );
    expect(y).toEqual([
      [-1, 0],
      [1, 0],
    ]);
    expect(take(new MeanCentering().fitTransform([[2, 3]]))).toEqual([[0, 0]]);
  });
});

describe("PCA decorrelation", () => {
  const x = fixture.correlatedTrain;
  const xt = fixture.correlatedTest;
  const n = x.length;

  it("finds scikit-learn's axes and eigenvalues (its explained_variance_ = ours · N/(N − 1))", () => {
    const pca = new PcaDecorrelation({ components: 3 }).fit(tensor(x));
    expect(pca.numOutputFeatures).toBe(3);
    expect(pca.invertible).toBe(false);
    const eigenvalues = pca.eigenvalues;
    expect(eigenvalues.length).toBe(6);
    for (let k = 1; k < 6; k++) expect(eigenvalues[k]).toBeLessThanOrEqual(eigenvalues[k - 1]!);
    fixture.pca3.explainedVariance.forEach((v, k) => expect(Math.abs((eigenvalues[k]! * n) / (n - 1) / v - 1)).toBeLessThan(1e-10));
    fixture.zca.populationEigenvalues.forEach((v, k) => expect(Math.abs(eigenvalues[k]! / v - 1)).toBeLessThan(1e-10));
    fixture.pca3.explainedVarianceRatio.forEach((r, k) => expect(pca.explainedVarianceRatio[k]).toBeCloseTo(r, 12));
    const signs = axisSigns(pca.components, fixture.pca3.components);
    // Our sign convention (largest-magnitude entry positive) is scikit-learn's svd_flip(u_based_decision=False):
    // every sign should agree. If a future scikit-learn changes its convention, only this line fails.
    expect(signs).toEqual([1, 1, 1]);
    for (const axis of pca.components) {
      const largest = axis.reduce((best, v, j) => (Math.abs(v) > Math.abs(axis[best]!) ? j : best), 0);
      expect(axis[largest]).toBeGreaterThan(0);
    }
  });

  it("transforms like PCA(n_components=3).transform, up to the sign of each axis", () => {
    const pca = new PcaDecorrelation({ components: 3 }).fit(tensor(x));
    const signs = axisSigns(pca.components, fixture.pca3.components);
    const y = take(pca.transform(tensor(xt)));
    // y_k = Σ_j (x_j − μ_j) u_kj over D = 6 terms in float32: |Δy_k| ≤ (D + 3) u Σ_j (|x_j| + |μ_j|)|u_kj|.
    const mean = new PcaDecorrelation().fit(x).mean;
    const axes = pca.components;
    const bound = (i: number, k: number) => 9 * U * xt[i]!.reduce((s, v, j) => s + (Math.abs(v) + Math.abs(mean[j]!)) * Math.abs(axes[k]![j]!), 0);
    expectClose(
      y.map((row) => row.map((v, k) => signs[k]! * v)),
      fixture.pca3.test,
      bound,
    );
  });

  it("decorrelates: the training coordinates have covariance diag(λ_1 … λ_K)", () => {
    const pca = new PcaDecorrelation().fit(x);
    const { mean, cov } = columnMoments(take(pca.transform(x)));
    const lambda = pca.eigenvalues;
    mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    // Float32 coordinates of size ≲ 10 carry ~1e-6 error; covariance entries of size ≲ 8 then ≲ 1e-5.
    cov.forEach((row, a) => row.forEach((c, b) => expect(Math.abs(c - (a === b ? lambda[a]! : 0))).toBeLessThan(1e-4)));
  });

  it("inverts exactly with all components and reconstructs the projection with fewer", () => {
    const full = new PcaDecorrelation().fit(x);
    expect(full.invertible).toBe(true);
    const back = take(full.inverseTransform(full.transform(tensor(xt)) as tf.Tensor2D));
    // Two float32 products of D = 6 terms around |x| ≲ 12: |Δx| ≤ 2 (D + 3) u (|x| + |μ|) Σ|u| ≤ 1e-5.
    expectClose(back, xt, () => 1e-5);

    const three = new PcaDecorrelation({ components: 3 }).fit(x);
    const projected = take(three.inverseTransform(take(three.transform(x))));
    // The mean squared reconstruction error over the training set is the variance left out, λ_4 + λ_5 + λ_6
    // (an identity of the 1/N covariance).
    const residual = x.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (v - projected[i]![j]!) ** 2, 0), 0) / n;
    const leftOut = Array.from(three.eigenvalues.subarray(3)).reduce((s, v) => s + v, 0);
    expect(Math.abs(residual / leftOut - 1)).toBeLessThan(1e-4);
    // Projecting twice changes nothing: transform(reconstruction) = transform(x).
    const again = take(three.transform(projected));
    expectClose(again, take(three.transform(x)), () => 1e-5);
  });
});

describe("whitening", () => {
  const x = fixture.correlatedTrain;
  const xt = fixture.correlatedTest;
  const n = x.length;
  // Condition of the whitening map: sqrt(λ_1/λ_6) ≈ 10.6, so float32 rounding of (x − μ) (|x − μ| ≲ 10, error
  // ≲ 1e-6) grows to ≲ 1e-5 in the whitened values; 5e-5 leaves room for the D-term products.
  const WHITE_TOL = 5e-5;

  it("PCA whitening matches PCA(whiten=True) rescaled by sqrt(N/(N − 1)) (we use the 1/N covariance)", () => {
    const white = new PcaWhitening().fit(tensor(x));
    const signs = axisSigns(white.components, fixture.pcaWhiten.components);
    expect(signs).toEqual([1, 1, 1, 1, 1, 1]); // the same sign convention as scikit-learn (see PCA decorrelation)
    const y = take(white.transform(tensor(xt)));
    const rescale = Math.sqrt(n / (n - 1));
    expectClose(
      y.map((row) => row.map((v, k) => signs[k]! * v)),
      fixture.pcaWhiten.test.map((row) => row.map((v) => v * rescale)),
      () => WHITE_TOL,
    );
  });

  it("ZCA matches the numpy formula U diag(1/sqrt(λ + ε)) Uᵀ (x − μ) with ε = 0.1", () => {
    const zca = new ZcaWhitening({ epsilon: fixture.zca.epsilon }).fit(tensor(x));
    expectClose(take(zca.transform(tensor(xt))), fixture.zca.test, () => WHITE_TOL);
  });

  it("whitened training data has covariance ≈ I (ε = 0), and λ/(λ + ε) along each axis with ε > 0", () => {
    for (const scaler of [new PcaWhitening(), new ZcaWhitening()]) {
      const { mean, cov } = columnMoments(take(scaler.fitTransform(x)));
      mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(WHITE_TOL));
      cov.forEach((row, a) => row.forEach((c, b) => expect(Math.abs(c - (a === b ? 1 : 0)), `${scaler.kind} cov[${a}][${b}]`).toBeLessThan(1e-4)));
    }
    const damped = new PcaWhitening({ epsilon: 0.5 });
    const { cov } = columnMoments(take(damped.fitTransform(x)));
    damped.eigenvalues.forEach((lambda, k) => expect(cov[k]![k]).toBeCloseTo(lambda / (lambda + 0.5), 4));
  });

  it("ZCA stays closest to the input among whitenings: closer than PCA whitening and than rotated ZCA", () => {
    const centered = new MeanCentering().fit(x);
    const input = take(centered.transform(x));
    const distance = (y: number[][]) => y.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (v - input[i]![j]!) ** 2, 0), 0) / n;
    const zca = take(new ZcaWhitening().fitTransform(x));
    const pcaWhite = take(new PcaWhitening().fitTransform(x));
    // Any other whitening is Q · ZCA for an orthogonal Q; try a few random ones.
    const rng = new Rng(7);
    const rotatedDistances = [0, 1, 2].map(() => {
      const q = take(
        tf.tidy(() => tf.linalg.qr(tf.tensor2d(Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => rng.normal()))))[0] as tf.Tensor2D),
      );
      return distance(zca.map((row) => q.map((qRow) => dot(qRow, row))));
    });
    expect(distance(zca)).toBeLessThan(distance(pcaWhite));
    rotatedDistances.forEach((d) => expect(distance(zca)).toBeLessThan(d));
  });

  it("inverse transforms recover the input (exactly, up to float32 rounding)", () => {
    for (const scaler of [new PcaWhitening(), new PcaWhitening({ epsilon: 0.1 }), new ZcaWhitening(), new ZcaWhitening({ epsilon: 0.1 })]) {
      scaler.fit(x);
      const back = take(scaler.inverseTransform(take(scaler.transform(xt))));
      // Forward then back through a map of condition ≈ 10.6: |Δx| ≲ 2 · 10.6 · (D + 3) u · 12 ≈ 1.4e-4 at worst.
      expectClose(back, xt, () => 1.5e-4);
    }
  });

  it("fits 784-dimensional MNIST (2,000 digits); ZCA keeps the image's size (the fit's time is in `npm run bench`)", () => {
    const { images } = loadMnistArrays();
    const count = 2000;
    const digits = tf.tensor2d(images.subarray(0, count * 784), [count, 784]);
    const zca = new ZcaWhitening({ epsilon: 0.1 }).fit(digits);
    const eigenvalues = zca.eigenvalues;
    expect(eigenvalues[0]).toBeGreaterThan(eigenvalues[783]!);
    expect(eigenvalues[783]).toBeGreaterThanOrEqual(0); // border pixels are always 0: zero variance, clamped at 0
    const cumulative = cumulativeExplainedVariance(eigenvalues);
    expect(cumulative[783]).toBeCloseTo(1, 12);
    const white = zca.transform(digits.slice([0, 0], [200, 784]));
    expect(white.shape).toEqual([200, 784]);
    const pc = principalComponents(digits.slice([0, 0], [300, 784]) as tf.Tensor2D);
    expect(pc.eigenvalues.length).toBe(784);
    tf.dispose([digits, white]);
  });
});

describe("JSON round trip", () => {
  const x = fixture.correlatedTrain;
  const makers: [string, () => Scaler][] = [
    ["StandardScaler", () => new StandardScaler()],
    ["MinMaxScaler", () => new MinMaxScaler({ featureRange: [0, 1] })],
    ["MeanCentering", () => new MeanCentering()],
    ["PcaDecorrelation", () => new PcaDecorrelation({ components: 4 })],
    ["PcaWhitening", () => new PcaWhitening({ components: 5, epsilon: 0.01 })],
    ["ZcaWhitening", () => new ZcaWhitening({ epsilon: 0.1 })],
  ];

  it.each(makers)("%s: scalerFromJSON(JSON.parse(JSON.stringify(toJSON()))) transforms and inverts identically", (kind, make) => {
    const scaler = make().fit(x);
    const json = JSON.parse(JSON.stringify(scaler.toJSON())) as ScalerJSON;
    expect(json.kind).toBe(kind);
    const restored = scalerFromJSON(json);
    expect(restored.kind).toBe(kind);
    expect(restored.fitted).toBe(true);
    expect(restored.numFeatures).toBe(6);
    expect(restored.numOutputFeatures).toBe(scaler.numOutputFeatures);
    const original = take(scaler.transform(fixture.correlatedTest));
    expect(take(restored.transform(fixture.correlatedTest))).toEqual(original);
    expect(take(restored.inverseTransform(original))).toEqual(take(scaler.inverseTransform(original)));
    expect(restored.toJSON()).toEqual(json);
  });

  it("rejects unknown kinds and malformed state", () => {
    expect(() => scalerFromJSON({ kind: "RobustScaler" } as unknown as ScalerJSON)).toThrow(
      /scalerFromJSON: json.kind = "RobustScaler", expected one of StandardScaler/,
    );
    expect(() => scalerFromJSON({ kind: "StandardScaler", mean: [0, 1], std: [1] })).toThrow(/json.std.length = 1, expected 2/);
    expect(() => scalerFromJSON({ kind: "StandardScaler", mean: [0], std: [0] })).toThrow(/json.std\[0\] = 0, expected a positive number/);
    expect(() => scalerFromJSON({ kind: "MinMaxScaler", featureRange: [-1, 1], dataMin: [2], dataMax: [2] })).toThrow(/json.dataMax\[0\] = 2/);
    expect(() => scalerFromJSON({ kind: "MeanCentering", mean: [NaN] })).toThrow(/json.mean = \[NaN\], expected an array of finite numbers/);
  });
});

describe("errors", () => {
  const all: () => Scaler[] = () => [
    new StandardScaler(),
    new MinMaxScaler(),
    new MeanCentering(),
    new PcaDecorrelation(),
    new PcaWhitening(),
    new ZcaWhitening(),
  ];

  it("an unfitted scaler says so instead of returning NaN", () => {
    for (const scaler of all()) {
      expect(scaler.fitted).toBe(false);
      const message = new RegExp(`${scaler.kind}\\.transform: not fitted: call fit\\(x\\) first`);
      expect(() => scaler.transform([[1, 2]])).toThrow(message);
      expect(() => scaler.inverseTransform([[1, 2]])).toThrow(/not fitted: call fit\(x\) first/);
      expect(() => scaler.toJSON()).toThrow(/toJSON: not fitted/);
      expect(() => scaler.numFeatures).toThrow(/not fitted/);
    }
  });

  it("wrong rank, dtype, ragged rows, and a feature count other than the fitted one", () => {
    const scaler = new StandardScaler().fit(fixture.train);
    const vector = tf.tensor1d([1, 2, 3]);
    const cube = tf.zeros([2, 3, 4]);
    const ints = tf.tensor2d([[1, 2]], [1, 2], "int32");
    expect(() => new StandardScaler().fit(vector)).toThrow(/StandardScaler.fit: x.shape = \[3\], expected a rank-2 shape \[samples, features\]/);
    expect(() => scaler.transform(cube)).toThrow(/StandardScaler.transform: x.shape = \[2, 3, 4\], expected a rank-2 shape/);
    expect(() => new MinMaxScaler().fit(ints)).toThrow(/x.dtype = "int32", expected "float32"/);
    expect(() => new MeanCentering().fit([[1, 2], [3]])).toThrow(/MeanCentering.fit: x\[1\].length = 1, expected 2, the length of row 0/);
    expect(() => scaler.transform([[1, 2, 3]])).toThrow(
      /StandardScaler.transform: x.shape = \[1, 3\], expected \[samples, 6\] \(the scaler was fitted on 6 features\)/,
    );
    const pca = new PcaDecorrelation({ components: 2 }).fit(fixture.correlatedTrain);
    expect(() => pca.inverseTransform([[1, 2, 3]])).toThrow(/PcaDecorrelation.inverseTransform: x.shape = \[1, 3\], expected \[samples, 2\]/);
    tf.dispose([vector, cube, ints]);
  });

  it("constant features are named by index (std 0 or max = min), not turned into NaN", () => {
    const data = [
      [1, 7, 3, 0],
      [2, 7, 3, 1],
      [3, 7, 3, 2],
    ];
    expect(() => new StandardScaler().fit(data)).toThrow(
      /StandardScaler.fit: features 1, 2 are constant in the training data \(max = min\), its standard deviation is 0/,
    );
    expect(() => new MinMaxScaler().fit(data.map((r) => [r[0]!, r[2]!]))).toThrow(
      /MinMaxScaler.fit: feature 1 is constant in the training data \(max = min\), max − min is 0/,
    );
  });

  it("too few samples, non-finite values, bad options", () => {
    expect(() => new StandardScaler().fit([[1, 2]])).toThrow(/StandardScaler.fit: x.shape = \[1, 2\], expected at least 2 samples/);
    expect(() => new ZcaWhitening().fit([[1, 2]])).toThrow(/ZcaWhitening.fit: x.shape = \[1, 2\], expected at least 2 samples/);
    expect(() =>
      new StandardScaler().fit([
        [1, 2],
        [NaN, 3],
      ]),
    ).toThrow(/StandardScaler.fit: x\[1\]\[0\] = NaN, expected a finite number/);
    expect(() => new MeanCentering().fit(tf.tensor2d([[1, Infinity]]))).toThrow(/x\[0\]\[1\] = Infinity/);
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(/MinMaxScaler: options.featureRange = \[1, 1\], expected \[low, high\] with low < high/);
    expect(() => new PcaDecorrelation({ components: 0 })).toThrow(/PcaDecorrelation: options.components = 0, expected an integer >= 1/);
    expect(() => new PcaDecorrelation({ components: 7 }).fit(fixture.correlatedTrain)).toThrow(
      /options.components = 7, expected at most the number of features, 6/,
    );
    expect(() => new ZcaWhitening({ epsilon: -1 })).toThrow(/ZcaWhitening: options.epsilon = -1, expected a finite number >= 0/);
  });

  it("whitening a direction of zero variance with epsilon 0 is an error that suggests epsilon or fewer components", () => {
    // The third feature is the sum of the first two: the covariance has a zero eigenvalue.
    const rng = new Rng(3);
    const data = Array.from({ length: 20 }, () => {
      const a = rng.normal();
      const b = rng.normal();
      return [a, b, a + b];
    });
    expect(() => new ZcaWhitening().fit(data)).toThrow(
      /ZcaWhitening.fit: eigenvalue 3 of 3 is .* \(numerically 0.*pass options.epsilon > 0 .* or PcaWhitening with options.components at most 2/,
    );
    expect(() => new PcaWhitening().fit(data)).toThrow(/PcaWhitening.fit: eigenvalue 3 of 3 .* or fewer options.components \(at most 2\)/);
    expect(new PcaWhitening({ components: 2 }).fit(data).numOutputFeatures).toBe(2);
    expect(new ZcaWhitening({ epsilon: 0.1 }).fit(data).fitted).toBe(true);
  });
});

describe("tensor bookkeeping", () => {
  it("fit, transform, fitTransform and inverseTransform leave only the returned tensor (also on errors)", () => {
    const x = tf.tensor2d(fixture.correlatedTrain);
    for (const scaler of [
      new StandardScaler(),
      new MinMaxScaler(),
      new MeanCentering(),
      new PcaDecorrelation({ components: 3 }),
      new PcaWhitening(),
      new ZcaWhitening({ epsilon: 0.1 }),
    ]) {
      const before = tf.memory().numTensors;
      scaler.fit(x);
      expect(tf.memory().numTensors).toBe(before);
      const y = scaler.transform(x);
      const z = scaler.fitTransform(fixture.correlatedTrain);
      const back = scaler.inverseTransform(y);
      expect(tf.memory().numTensors, scaler.kind).toBe(before + 3);
      tf.dispose([y, z, back]);
      expect(() => scaler.transform([[1, 2]])).toThrow(/expected \[samples, 6\]/); // the tensor made from number[][] is freed
      expect(tf.memory().numTensors, scaler.kind).toBe(before);
    }
    x.dispose();
  });
});
