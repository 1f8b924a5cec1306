import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  gaussianBlobs,
  initBackend,
  loadMnist,
  loadMnistArrays,
  loadSeattleWeather,
  mnistCachePath,
  seattleFeatureMatrix,
  sinusoid,
  tf,
  trainTestSplit,
  twoSpirals,
} from "kernel-lib";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-lib-cache-"));
const savedCache = process.env.KERNEL_LIB_CACHE_DIR;

beforeAll(async () => {
  process.env.KERNEL_LIB_CACHE_DIR = cache;
  await initBackend({ backend: "wasm" });
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KERNEL_LIB_CACHE_DIR;
  else process.env.KERNEL_LIB_CACHE_DIR = savedCache;
  fs.rmSync(cache, { recursive: true, force: true });
});

describe("MNIST", () => {
  it("parses the package, writes a lossless cache, and reads it back identically", () => {
    expect(fs.existsSync(mnistCachePath())).toBe(false);
    const parsed = loadMnistArrays();
    expect(parsed.count).toBe(10_000);
    expect(parsed.images.length).toBe(10_000 * 784);
    expect(fs.existsSync(mnistCachePath())).toBe(true);
    expect(fs.statSync(mnistCachePath()).size).toBeLessThan(8_000_000);
    const cached = loadMnistArrays();
    expect(cached.labels).toEqual(parsed.labels);
    expect(Buffer.from(cached.images.buffer).equals(Buffer.from(parsed.images.buffer))).toBe(true);
    let min = Infinity;
    let max = -Infinity;
    for (const v of cached.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it("rewrites a damaged cache instead of trusting it", () => {
    fs.writeFileSync(mnistCachePath(), "not a cache");
    expect(loadMnistArrays().count).toBe(10_000);
    expect(fs.statSync(mnistCachePath()).size).toBeGreaterThan(7_000_000);
  });

  it("splits per class with a seed: disjoint, balanced, repeatable", () => {
    const before = tf.memory().numTensors;
    const a = loadMnist({ seed: 5 });
    const b = loadMnist({ seed: 5 });
    const c = loadMnist({ seed: 6 });
    expect(a.xTrain.shape).toEqual([8000, 784]);
    expect(a.xTest.shape).toEqual([2000, 784]);
    expect(a.yTrain.dtype).toBe("int32");
    expect(Array.from(a.testLabels)).toEqual(Array.from(b.testLabels));
    expect(Array.from(a.testLabels)).not.toEqual(Array.from(c.testLabels));
    // Stratified: each class's test share is 20% of that class, up to rounding.
    const { labels } = loadMnistArrays();
    for (let digit = 0; digit < 10; digit++) {
      const total = labels.filter((l) => l === digit).length;
      const inTest = a.testLabels.filter((l) => l === digit).length;
      expect(Math.abs(inTest - 0.2 * total)).toBeLessThanOrEqual(0.5);
    }
    // Tensors carry the same labels as the arrays.
    expect(Array.from(a.yTest.dataSync())).toEqual(Array.from(a.testLabels));
    [a, b, c].forEach((d) => d.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it("limits the sets and rejects a bad limit", () => {
    const d = loadMnist({ seed: 1, trainLimit: 100, testLimit: 50 });
    expect(d.xTrain.shape).toEqual([100, 784]);
    expect(d.xTest.shape).toEqual([50, 784]);
    d.dispose();
    expect(() => loadMnist({ trainLimit: 0 })).toThrow(/options.trainLimit = 0, expected an integer >= 1/);
  });
});

describe("trainTestSplit", () => {
  it("partitions 0..n-1", () => {
    const { train, test } = trainTestSplit(103, { testFraction: 0.3, seed: 2 });
    expect(test.length).toBe(31);
    expect([...train, ...test].sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(() => trainTestSplit(10, { testFraction: 1.5 })).toThrow(/options.testFraction = 1.5, expected a finite number in \[0, 1\]/);
  });
});

describe("Seattle weather", () => {
  it("loads 1,461 days with numbers and dates, and a feature matrix", () => {
    const rows = loadSeattleWeather();
    expect(rows.length).toBe(1461);
    expect(rows[0]).toMatchObject({ precipitation: 0, temp_max: 12.8, temp_min: 5, wind: 4.7, weather: "drizzle" });
    expect(rows[0]!.date.toISOString()).toBe("2012-01-01T00:00:00.000Z");
    const x = seattleFeatureMatrix(rows, ["temp_max", "wind"]);
    expect(x.shape).toEqual([1461, 2]);
    expect(Array.from(x.slice([0, 0], [1, 2]).dataSync())).toEqual([12.8, 4.7].map(Math.fround));
    tf.dispose(x);
    expect(() => seattleFeatureMatrix(rows, ["humidity" as never])).toThrow(/fields = "humidity"/);
  });
});

describe("synthetic data", () => {
  it("sinusoid: y - sin(2 pi x) has the requested noise std", () => {
    const n = 4000;
    const { x, y } = sinusoid({ n, noiseStd: 0.3, seed: 11 });
    const residuals = x.map((xi, i) => y[i]! - Math.sin(2 * Math.PI * xi));
    const mean = residuals.reduce((s, r) => s + r, 0) / n;
    const std = Math.sqrt(residuals.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1));
    // Standard error of a sample std is about std / sqrt(2(n-1)); allow 4 of them.
    expect(Math.abs(std - 0.3)).toBeLessThan((4 * 0.3) / Math.sqrt(2 * (n - 1)));
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(sinusoid({ n: 5, seed: 11 })).toEqual(sinusoid({ n: 5, seed: 11 }));
  });

  it("gaussianBlobs: each class centres on its centre", () => {
    const n = 2000;
    const { points, labels, classes } = gaussianBlobs({
      centers: [
        [0, 0],
        [5, -3],
      ],
      nPerClass: n,
      std: 0.5,
      seed: 3,
    });
    expect(classes).toBe(2);
    expect(points.length).toBe(2 * n);
    const mean = (label: number, axis: number) => points.filter((_, i) => labels[i] === label).reduce((s, p) => s + p[axis]!, 0) / n;
    const tolerance = (4 * 0.5) / Math.sqrt(n);
    expect(Math.abs(mean(1, 0) - 5)).toBeLessThan(tolerance);
    expect(Math.abs(mean(1, 1) + 3)).toBeLessThan(tolerance);
    expect(() => gaussianBlobs({ centers: [[0, 0], [1]], nPerClass: 1 })).toThrow(/options.centers\[1\] = \[1\], expected 2 finite coordinates/);
  });

  it("twoSpirals: two classes, point-symmetric about the origin without noise", () => {
    const { points, labels } = twoSpirals({ nPerClass: 50, noiseStd: 0, seed: 1 });
    expect(labels.filter((l) => l === 1).length).toBe(50);
    // Class 1 is class 0 rotated by pi: (x, y) -> (-x, -y).
    expect(points[50 + 7]![0]).toBeCloseTo(-points[7]![0]!, 12);
    expect(points[50 + 7]![1]).toBeCloseTo(-points[7]![1]!, 12);
  });
});
