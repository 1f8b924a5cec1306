/**
 * Data augmentation (kernel-lib/src/regularizers/augmentation), on the wasm backend: shapes and value ranges, exact
 * identities (flip twice, rotation by 0, translation by 0, zoom 1, crop with padding 0), the geometry of each transform
 * against independent references computed here in JavaScript, the statistics of the random draws, color PCA's fit and
 * shift, seeding, test-time augmentation, training through `fitAugmented`, bad input, and tensor leaks.
 *
 * Tolerances.
 * - Copies (flips, whole-pixel crops and shifts, nearest-neighbour resampling) are exact.
 * - Bilinear resampling writes (1 − w)·a + w·b with float32 weights: the result can leave [min, max] of its inputs by
 *   a few float32 ulps (≈ 6e-8 at 1), so value ranges are checked to 1e-6. A linear ramp is reproduced to float32
 *   precision of coordinates ≤ 16: 1e-4.
 * - Frequencies and moments get 5 standard errors of their sample size (a correct implementation fails with
 *   probability < 1e-6 per check; the seeds are fixed, so each outcome is deterministic anyway): a fraction p of n
 *   has standard error √(p(1 − p)/n); for n draws of N(0, σ²) the mean has σ/√n and the standard deviation σ/√(2n).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  augmentation,
  colorPca,
  colorPcaAxisScales,
  cropView,
  fiveCropViews,
  fitAugmented,
  fitColorPca,
  gaussianPixelNoise,
  horizontalFlip,
  horizontalFlipView,
  identityView,
  randomAffine,
  randomCrop,
  randomRotation,
  randomTranslation,
  randomZoom,
  testTimeAugmentation,
  withHorizontalFlips,
  type ImageTransform,
} from "../../kernel-lib/src/regularizers/augmentation";
import { initBackend, Rng, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** Values of a tensor, read and the tensor disposed. */
function take(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** A batch [n, h, w, c] of uniform [0, 1) values, from a seeded JavaScript stream. */
function uniformImages(n: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  const stream = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * h * w * c }, () => stream.uniform()),
    [n, h, w, c],
  );
}

/** Runs one transform alone in a pipeline with a fixed seed. */
function applyOnce(transform: ImageTransform, images: tf.Tensor, seed = 1): tf.Tensor {
  return augmentation([transform], { seed }).apply(images);
}

/** Image `i` of a flat [n, h, w, c] array, as a function (row, col, channel) → value, or `outside` off the image. */
function pixelReader(values: ArrayLike<number>, [, h, w, c]: number[], i: number, outside = 0) {
  return (row: number, col: number, ch: number) => (row < 0 || row >= h || col < 0 || col >= w ? outside : values[((i * h + row) * w + col) * c + ch]!);
}

/** Does image i of `out` equal image i of `input` read at (row + dr, col + dc), with reader semantics for outside? */
function isWindow(
  out: ArrayLike<number>,
  input: (row: number, col: number, ch: number) => number,
  [, h, w, c]: number[],
  i: number,
  dr: number,
  dc: number,
): boolean {
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      for (let ch = 0; ch < c; ch++) if (out[((i * h + row) * w + col) * c + ch] !== input(row + dr, col + dc, ch)) return false;
    }
  }
  return true;
}

/** numpy-style "reflect" index: mirror about the edge pixel without repeating it. */
function reflectIndex(k: number, n: number): number {
  while (k < 0 || k >= n) k = k < 0 ? -k : 2 * (n - 1) - k;
  return k;
}

/** Every geometric or pixel transform with settings that really change the images. */
function everyTransform(fitImages: tf.Tensor4D): [string, ImageTransform][] {
  const fit = fitColorPca(fitImages);
  return [
    ["horizontalFlip", horizontalFlip()],
    ["randomCrop zero", randomCrop({ padding: 2 })],
    ["randomCrop reflect", randomCrop({ padding: 2, paddingMode: "reflect" })],
    ["randomCrop symmetric", randomCrop({ padding: 3, paddingMode: "symmetric" })],
    ["randomTranslation", randomTranslation({ maxShift: 2 })],
    ["randomTranslation fractional", randomTranslation({ maxShift: 1.5, wholePixelShifts: false })],
    ["randomRotation", randomRotation({ degrees: 30 })],
    ["randomRotation reflect", randomRotation({ degrees: [-45, 45], fillMode: "reflect" })],
    ["randomZoom", randomZoom({ scale: [0.7, 1.4] })],
    ["randomAffine", randomAffine({ degrees: 20, scale: [0.8, 1.2], maxShift: 2, interpolation: "nearest", fillMode: "wrap" })],
    ["gaussianPixelNoise", gaussianPixelNoise({ std: 0.3 })],
    ["colorPca", colorPca({ fit, std: 3, axisScale: "stddev" })],
  ];
}

describe("every transform", () => {
  it("keeps the shape and the value range [0, 1] (to 1e-6 for bilinear rounding), changes the images, and frees its tensors", () => {
    const images = uniformImages(8, 12, 10, 3, 1);
    const input = images.dataSync();
    for (const [label, transform] of everyTransform(images)) {
      const before = tf.memory().numTensors;
      const out = applyOnce(transform, images, 5);
      expect(out.shape, label).toEqual([8, 12, 10, 3]);
      const values = take(out);
      expect(tf.memory().numTensors, label).toBe(before);
      expect(Math.min(...values), label).toBeGreaterThanOrEqual(-1e-6);
      expect(Math.max(...values), label).toBeLessThanOrEqual(1 + 1e-6);
      expect(Array.from(values), label).not.toEqual(Array.from(input));
    }
    images.dispose();
  });

  it("is the identity with probability 0", () => {
    const images = uniformImages(4, 6, 7, 3, 2);
    const fit = fitColorPca(images);
    const never: ImageTransform[] = [
      horizontalFlip({ probability: 0 }),
      randomTranslation({ maxShift: 2, probability: 0 }),
      randomRotation({ degrees: 30, probability: 0 }),
      randomZoom({ scale: [0.5, 2], probability: 0 }),
      randomAffine({ degrees: 30, scale: [0.5, 2], maxShift: 2, probability: 0 }),
      gaussianPixelNoise({ std: 0.5, probability: 0 }),
      colorPca({ fit, std: 1, axisScale: "stddev", probability: 0 }),
    ];
    for (const transform of never) expect(Array.from(take(applyOnce(transform, images))), transform.name).toEqual(Array.from(images.dataSync()));
    images.dispose();
  });
});

describe("exact identities", () => {
  it("rotation by 0, translation by 0, zoom 1, the default affine and a crop with padding 0 give the images back bit for bit", () => {
    const images = uniformImages(5, 9, 7, 2, 3);
    const identities: ImageTransform[] = [
      randomRotation({ degrees: 0 }),
      randomRotation({ degrees: [0, 0], interpolation: "nearest" }),
      randomTranslation({ maxShift: 0 }),
      randomTranslation({ maxShift: 0, wholePixelShifts: false }),
      randomZoom({ scale: [1, 1] }),
      randomAffine(),
      randomCrop({ padding: 0 }),
      randomCrop({ padding: 0, paddingMode: "reflect" }),
    ];
    for (const transform of identities) expect(Array.from(take(applyOnce(transform, images))), transform.name).toEqual(Array.from(images.dataSync()));
    images.dispose();
  });

  it("a flip is an involution, and flips each image's columns", () => {
    const images = uniformImages(3, 4, 5, 3, 4);
    const input = images.dataSync();
    const flip = augmentation([horizontalFlip({ probability: 1 })], { seed: 1 });
    const once = flip.apply(images);
    const flipped = once.dataSync();
    const twice = take(flip.apply(once));
    once.dispose();
    expect(Array.from(twice)).toEqual(Array.from(input));
    for (let i = 0; i < 3; i++) {
      const original = pixelReader(input, [3, 4, 5, 3], i);
      expect(isWindow(flipped, (r, c, ch) => original(r, 4 - c, ch), [3, 4, 5, 3], i, 0, 0)).toBe(true);
    }
    images.dispose();
  });
});

describe("geometry against references", () => {
  it("rotation by 90° (nearest) turns the content counterclockwise: out[r][c] = in[c][W − 1 − r]", () => {
    const images = uniformImages(2, 5, 5, 1, 5);
    const input = images.dataSync();
    const out = take(applyOnce(randomRotation({ degrees: [90, 90], interpolation: "nearest" }), images));
    for (let i = 0; i < 2; i++) {
      const original = pixelReader(input, [2, 5, 5, 1], i);
      expect(isWindow(out, (r, c) => original(c, 4 - r, 0), [2, 5, 5, 1], i, 0, 0)).toBe(true);
    }
    images.dispose();
  });

  it("zoom, rotation and shift map the ramps x and y through the forward map p = c + t + s·R(u − c) (to 1e-4)", () => {
    // Images whose channel 0 holds the column index and channel 1 the row index: a bilinear read returns the input
    // point itself, u(p). Pushing u through the forward map written here (content rotated counterclockwise on
    // screen, rows pointing down) must give back the output pixel p, wherever u lies inside the image.
    const [h, w] = [11, 14];
    const ramp = new Float32Array(h * w * 2);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) ramp.set([c, r], (r * w + c) * 2);
    const images = tf.tensor4d(ramp, [1, h, w, 2]);
    const [theta, s] = [(25 * Math.PI) / 180, 1.3];
    const out = take(applyOnce(randomAffine({ degrees: [25, 25], scale: [s, s], maxShift: { rows: 0.75, cols: 1.25 }, wholePixelShifts: false }), images));
    images.dispose();
    const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
    const forward = (ux: number, uy: number, tx: number, ty: number): [number, number] => {
      const [dx, dy] = [ux - cx, uy - cy];
      return [cx + tx + s * (Math.cos(theta) * dx + Math.sin(theta) * dy), cy + ty + s * (-Math.sin(theta) * dx + Math.cos(theta) * dy)];
    };
    // The shift t is drawn, so recover it from one pixel: t = p − F₀(u(p)), F₀ the forward map without shift.
    const at = (r: number, c: number) => [out[(r * w + c) * 2]!, out[(r * w + c) * 2 + 1]!] as const;
    const [u0x, u0y] = at(5, 7);
    const [fx, fy] = forward(u0x, u0y, 0, 0);
    const [tx, ty] = [7 - fx, 5 - fy];
    expect(Math.abs(tx)).toBeLessThanOrEqual(1.25 + 1e-4);
    expect(Math.abs(ty)).toBeLessThanOrEqual(0.75 + 1e-4);
    let checked = 0;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const [ux, uy] = at(r, c);
        if (ux < 1 || ux > w - 2 || uy < 1 || uy > h - 2) continue; // the fill value, or a blend with it, near the border
        const [px, py] = forward(ux, uy, tx, ty);
        expect(Math.abs(px - c)).toBeLessThan(1e-4);
        expect(Math.abs(py - r)).toBeLessThan(1e-4);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("a whole-pixel translation by up to m is the image shifted by some (dr, dc) in {−m..m}², zeros coming in; all shifts occur", () => {
    const shape = [200, 4, 5, 1];
    const images = uniformImages(200, 4, 5, 1, 6);
    const input = images.dataSync();
    const out = take(applyOnce(randomTranslation({ maxShift: 1, interpolation: "nearest" }), images));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const original = pixelReader(input, shape, i);
      const matches: string[] = [];
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) if (isWindow(out, original, shape, i, -dr, -dc)) matches.push(`${dr},${dc}`);
      expect(matches).toHaveLength(1);
      seen.add(matches[0]!);
    }
    // 9 shifts, 200 images: a shift is missing with probability 9·(8/9)^200 ≈ 5e-10.
    expect(seen.size).toBe(9);
    images.dispose();
  });

  it("a random crop is a window of the padded image (zero and reflect padding) at every possible offset", () => {
    // 5 × 4 images: a mirror-padded side of n pixels repeats with period 2(n − 1) > 4, so no two windows coincide.
    const shape = [300, 5, 4, 2];
    const images = uniformImages(300, 5, 4, 2, 7);
    const input = images.dataSync();
    for (const paddingMode of ["zero", "reflect"] as const) {
      const out = take(applyOnce(randomCrop({ padding: 2, paddingMode }), images));
      const offsets = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const original = pixelReader(input, shape, i);
        const padded = paddingMode === "zero" ? original : (r: number, c: number, ch: number) => original(reflectIndex(r, 5), reflectIndex(c, 4), ch);
        let found = "";
        for (let top = 0; top <= 4 && !found; top++)
          for (let left = 0; left <= 4 && !found; left++) if (isWindow(out, padded, shape, i, top - 2, left - 2)) found = `${top},${left}`;
        expect(found, `${paddingMode} image ${i}`).not.toBe("");
        offsets.add(found);
      }
      // 25 offsets, 300 images: one is missing with probability 25·(24/25)^300 ≈ 1e-4 (fixed seed: deterministic).
      expect(offsets.size).toBe(25);
    }
    images.dispose();
  });

  it("a crop of a smaller size lies inside the image, with its own shape", () => {
    const images = uniformImages(6, 8, 8, 1, 8);
    const out = applyOnce(randomCrop({ size: [5, 3] }), images);
    expect(out.shape).toEqual([6, 5, 3, 1]);
    out.dispose();
    images.dispose();
  });

  it("flips a fraction p of the images (5 standard errors, n = 2000)", () => {
    const n = 2000;
    const pairs = tf.tensor4d(
      Float32Array.from({ length: 2 * n }, (_, k) => k % 2),
      [n, 1, 2, 1],
    );
    for (const p of [0.5, 0.2]) {
      const out = take(applyOnce(horizontalFlip({ probability: p }), pairs));
      let flipped = 0;
      for (let i = 0; i < n; i++) flipped += out[2 * i] === 1 ? 1 : 0;
      expect(Math.abs(flipped / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
    pairs.dispose();
  });
});

describe("gaussianPixelNoise", () => {
  it("adds N(0, σ²) without clipping (5 standard errors, n = 24,000), and clips to the value range", () => {
    const sigma = 0.2;
    const images = tf.fill([60, 20, 20, 1], 0.5) as tf.Tensor4D;
    const n = 60 * 400;
    const noise = take(applyOnce(gaussianPixelNoise({ std: sigma, valueRange: null }), images)).map((v) => v - 0.5);
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    expect(Math.abs(std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * n));
    const clipped = take(applyOnce(gaussianPixelNoise({ std: 1, valueRange: [0.25, 0.75] }), images));
    expect(Math.min(...clipped)).toBe(0.25);
    expect(Math.max(...clipped)).toBe(0.75);
    images.dispose();
  });
});

describe("colorPca", () => {
  /** Images whose pixel colors have a known, strongly anisotropic covariance, centered in [0, 1]. */
  function coloredImages(n: number, seed: number): tf.Tensor4D {
    const stream = new Rng(seed);
    const values = new Float32Array(n * 6 * 6 * 3);
    for (let k = 0; k < n * 36; k++) {
      const [a, b, c] = [stream.normal(0, 0.1), stream.normal(0, 0.04), stream.normal(0, 0.01)];
      values.set([0.5 + a + b, 0.5 + a - b + c, 0.5 + a - c], 3 * k);
    }
    return tf.tensor4d(values, [n, 6, 6, 3]);
  }

  it("fits the eigenvectors and eigenvalues of the pixel covariance: C p = λ p, orthonormal, λ descending, Σλ = trace C", () => {
    const images = coloredImages(20, 1);
    const before = tf.memory().numTensors;
    const fit = fitColorPca(images);
    expect(tf.memory().numTensors).toBe(before);
    const x = images.dataSync() as Float32Array;
    const count = x.length / 3;
    const mean = [0, 1, 2].map((j) => x.filter((_, k) => k % 3 === j).reduce((a, b) => a + b, 0) / count);
    const cov = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => x.reduce((a, _, k) => (k % 3 === 0 ? a + (x[k + i]! - mean[i]!) * (x[k + j]! - mean[j]!) : a), 0) / count),
    );
    for (let k = 0; k < 3; k++) {
      const p = Array.from(fit.eigenvectors.subarray(3 * k, 3 * k + 3));
      const lambda = fit.eigenvalues[k]!;
      for (let i = 0; i < 3; i++) expect(Math.abs(cov[i]!.reduce((a, cij, j) => a + cij * p[j]!, 0) - lambda * p[i]!)).toBeLessThan(1e-9);
      for (let l = 0; l < 3; l++) {
        const dot = p.reduce((a, v, j) => a + v * fit.eigenvectors[3 * l + j]!, 0);
        expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-9);
      }
      if (k > 0) expect(lambda).toBeLessThanOrEqual(fit.eigenvalues[k - 1]!);
    }
    expect(Math.abs(fit.eigenvalues.reduce((a, b) => a + b, 0) - (cov[0]![0]! + cov[1]![1]! + cov[2]![2]!))).toBeLessThan(1e-9);
    // The construction puts variance 3·0.1² along (1, 1, 1)/√3 (plus small cross terms): the first axis is close to it.
    expect(Math.abs(fit.eigenvectors[0]! + fit.eigenvectors[1]! + fit.eigenvectors[2]!) / Math.sqrt(3)).toBeGreaterThan(0.99);
    images.dispose();
  });

  for (const axisScale of ["eigenvalue", "stddev"] as const) {
    it(`adds one vector δ = Σ α_k s_k p_k per image with α_k ~ N(0, σ²) (${axisScale}; 5 standard errors, n = 400 images)`, () => {
      const n = 400;
      const images = coloredImages(n, 2);
      const fit = fitColorPca(images);
      const scales = colorPcaAxisScales(fit, axisScale);
      const sigma = axisScale === "eigenvalue" ? 5 : 0.5;
      const input = images.dataSync();
      const out = take(applyOnce(colorPca({ fit, std: sigma, axisScale, valueRange: null }), images));
      const alphas: number[][] = [[], [], []];
      let squaredNorms = 0;
      let spread = 0;
      for (let i = 0; i < n; i++) {
        const delta = [0, 1, 2].map((ch) => out[i * 108 + ch]! - input[i * 108 + ch]!);
        for (let k = 0; k < 108; k++) spread = Math.max(spread, Math.abs(out[i * 108 + k]! - input[i * 108 + k]! - delta[k % 3]!));
        for (let k = 0; k < 3; k++) alphas[k]!.push(delta.reduce((a, d, j) => a + d * fit.eigenvectors[3 * k + j]!, 0) / scales[k]!);
        squaredNorms += delta.reduce((a, d) => a + d * d, 0);
      }
      // the same vector at every pixel of an image (float32 rounding of x + δ: 1e-6)
      expect(spread).toBeLessThan(1e-6);
      for (const draws of alphas) {
        const mean = draws.reduce((a, b) => a + b, 0) / n;
        const std = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
        // α is recovered from float32 differences of size σ·s: relative error ≲ 1e-6/(σ·s_min), far below the tolerance.
        expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
        expect(Math.abs(std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * n));
      }
      // E‖δ‖² = σ² Σ s_k², and ‖δ‖² = σ² Σ s_k² z_k² has variance 2σ⁴ Σ s_k⁴.
      const expected = sigma ** 2 * scales.reduce((a, v) => a + v * v, 0);
      const se = sigma ** 2 * Math.sqrt((2 * scales.reduce((a, v) => a + v ** 4, 0)) / n);
      expect(Math.abs(squaredNorms / n - expected)).toBeLessThan(5 * se);
      images.dispose();
    });
  }

  it("keeps each image's mean shift within 6·σ·max_k s_k, with and without clipping", () => {
    // |Δ mean_c| ≤ ‖δ‖ ≤ σ·max s_k·‖z‖, z ~ N(0, I₃); P(‖z‖² > 36) = 2Q(6) + √(72/π)·e^{−18} ≈ 7.5e-8 per image,
    // ≈ 4e-5 for 500 images. Clipping only pulls values back toward the range, so it cannot enlarge the shift.
    const n = 500;
    const images = uniformImages(n, 4, 4, 3, 9);
    const fit = fitColorPca(images);
    const input = images.dataSync();
    for (const [axisScale, sigma, valueRange] of [
      ["eigenvalue", 2, null],
      ["eigenvalue", 2, [0, 1]],
      ["stddev", 0.5, [0, 1]],
    ] as const) {
      const bound = 6 * sigma * Math.max(...colorPcaAxisScales(fit, axisScale));
      const out = take(applyOnce(colorPca({ fit, std: sigma, axisScale, valueRange: valueRange as [number, number] | null }), images));
      let largest = 0;
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < 3; ch++) {
          let shift = 0;
          for (let k = ch; k < 48; k += 3) shift += out[i * 48 + k]! - input[i * 48 + k]!;
          largest = Math.max(largest, Math.abs(shift / 16));
        }
      }
      expect(largest).toBeLessThanOrEqual(bound);
      expect(largest).toBeGreaterThan(bound / 20); // the shift is really there
    }
    images.dispose();
  });
});

describe("augmentation pipeline", () => {
  const pipelineOf = (seed: number) =>
    augmentation([horizontalFlip(), randomCrop({ padding: 2 }), randomAffine({ degrees: 10, scale: [0.9, 1.1] }), gaussianPixelNoise({ std: 0.05 })], { seed });

  it("repeats for the same seed, differs between successive calls and between seeds, and restarts with reset()", () => {
    const images = uniformImages(4, 8, 8, 3, 10);
    const a = pipelineOf(42);
    const b = pipelineOf(42);
    const a1 = Array.from(take(a.apply(images)));
    const a2 = Array.from(take(a.apply(images)));
    expect(a1).not.toEqual(a2);
    expect(Array.from(take(b.apply(images)))).toEqual(a1);
    expect(Array.from(take(b.apply(images)))).toEqual(a2);
    expect(Array.from(take(pipelineOf(43).apply(images)))).not.toEqual(a1);
    a.reset();
    expect(Array.from(take(a.apply(images)))).toEqual(a1);
    images.dispose();
  });

  it("gives each transform its own stream: what one transform draws does not move another's draws", () => {
    // Both first transforms leave the images unchanged but consume different amounts of randomness.
    const images = uniformImages(5, 6, 6, 1, 11);
    const shift = () => randomTranslation({ maxShift: 2 });
    const first = take(augmentation([gaussianPixelNoise({ std: 0, valueRange: null }), shift()], { seed: 8 }).apply(images));
    const second = take(augmentation([randomAffine({ probability: 0.5 }), shift()], { seed: 8 }).apply(images));
    expect(Array.from(second)).toEqual(Array.from(first));
    images.dispose();
  });

  it("takes flat data with imageShape and returns it flat, as the same augmentation of the images", () => {
    const images = uniformImages(3, 4, 4, 1, 12);
    const flat = images.reshape([3, 16]);
    const pipe = (seed: number) => augmentation([randomRotation({ degrees: 30 })], { seed, imageShape: [4, 4, 1] });
    const out = pipe(5).apply(flat);
    expect(out.shape).toEqual([3, 16]);
    expect(Array.from(take(out))).toEqual(Array.from(take(augmentation([randomRotation({ degrees: 30 })], { seed: 5 }).apply(images))));
    tf.dispose([images, flat]);
  });

  it("frees every tensor it makes, and works inside tf.tidy", () => {
    const images = uniformImages(4, 8, 8, 3, 13);
    const pipe = pipelineOf(1);
    const before = tf.memory().numTensors;
    pipe.apply(images).dispose();
    tf.tidy(() => {
      pipe.apply(images);
    });
    augmentation([], { seed: 1 }).apply(images).dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});

describe("test-time augmentation", () => {
  function convModel(seed: number): tf.LayersModel {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 3,
          kernelSize: 3,
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
          name: "conv",
        }),
        tf.layers.flatten({ name: "flatten" }),
        tf.layers.dense({ units: 4, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: "dense" }),
      ],
    });
    return model;
  }

  it("with only the identity view equals model.predict bit for bit (images and flat inputs)", () => {
    const images = uniformImages(7, 6, 6, 1, 14);
    const model = convModel(1);
    const before = tf.memory().numTensors;
    const plain = take(model.predict(images) as tf.Tensor);
    expect(Array.from(take(testTimeAugmentation(model, images, { views: [identityView()] })))).toEqual(Array.from(plain));
    expect(tf.memory().numTensors).toBe(before);
    const mlp = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [36], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), name: "mlp" })],
    });
    const flat = images.reshape([7, 36]);
    const plainFlat = take(mlp.predict(flat) as tf.Tensor);
    const tta = testTimeAugmentation(mlp, flat, { views: [identityView()], imageShape: [6, 6, 1] });
    expect(tta.shape).toEqual([7, 3]);
    expect(Array.from(take(tta))).toEqual(Array.from(plainFlat));
    tf.dispose([images, flat]);
    model.dispose();
    mlp.dispose();
  });

  it("averages the predictions over the views: (f(x) + f(flip x)) / 2, and a function works as the model", () => {
    const images = uniformImages(5, 6, 6, 1, 15);
    const model = convModel(2);
    const f = (x: tf.Tensor) => model.predict(x) as tf.Tensor;
    const expected = take(tf.tidy(() => tf.div(tf.add(f(images), f(tf.image.flipLeftRight(images))), 2)));
    const before = tf.memory().numTensors;
    const got = take(testTimeAugmentation(f, images, { views: [identityView(), horizontalFlipView()] }));
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    images.dispose();
    model.dispose();
  });

  it("five crops with padding P are the image shifted by P toward each corner and unshifted; withHorizontalFlips doubles them", () => {
    const shape = [2, 5, 5, 1];
    const images = uniformImages(2, 5, 5, 1, 16);
    const input = images.dataSync();
    const views = fiveCropViews({ padding: 1 });
    expect(views.map((v) => v.name)).toEqual(["center", "top-left", "top-right", "bottom-left", "bottom-right"].map((p) => `crop(${p}, padding = 1 zero)`));
    const offsets = [
      [0, 0],
      [-1, -1],
      [-1, 1],
      [1, -1],
      [1, 1],
    ];
    views.forEach((view, k) => {
      const out = take(view.apply(images));
      for (let i = 0; i < 2; i++) expect(isWindow(out, pixelReader(input, shape, i), shape, i, offsets[k]![0]!, offsets[k]![1]!), view.name).toBe(true);
    });
    const ten = withHorizontalFlips(views);
    expect(ten).toHaveLength(10);
    const flippedCorner = take(ten[3]!.apply(images));
    const corner = pixelReader(input, shape, 0);
    expect(isWindow(flippedCorner, (r, c, ch) => corner(r - 1, 4 - c - 1, ch), shape, 0, 0, 0)).toBe(true);
    const small = cropView({ size: [3, 3], position: "bottom-right" }).apply(images);
    expect(small.shape).toEqual([2, 3, 3, 1]);
    expect(isWindow(take(small), (r, c, ch) => pixelReader(input, shape, 0)(r + 2, c + 2, ch), [2, 3, 3, 1], 0, 0, 0)).toBe(true);
    images.dispose();
  });
});

describe("fitAugmented", () => {
  function data() {
    const stream = new Rng(20);
    const n = 40;
    const x = tf.tensor2d(
      Float32Array.from({ length: n * 16 }, () => stream.uniform()),
      [n, 16],
    );
    const y = tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => i % 2),
        "int32",
      ),
      2,
    );
    return { x, y };
  }
  function mlp(): tf.LayersModel {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [16], units: 8, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: "hidden" }),
        tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: "out" }),
      ],
    });
    model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    return model;
  }

  it("augments every training batch (not the validation data), repeats with the seeds, and frees its tensors", async () => {
    const { x, y } = data();
    const run = async () => {
      const model = mlp();
      const pipe = augmentation([randomTranslation({ maxShift: 1 }), gaussianPixelNoise({ std: 0.1 })], { seed: 3, imageShape: [4, 4, 1] });
      const sizes: number[] = [];
      const counting = (xb: tf.Tensor) => {
        sizes.push(xb.shape[0]!);
        return pipe.apply(xb);
      };
      const before = tf.memory().numTensors;
      const history = await fitAugmented(model, x, y, counting, { epochs: 3, batchSize: 16, seed: 4, validationData: [x, y] });
      const weights = Array.from(take(model.getWeights()[0]!.clone()));
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      return { history, sizes, weights };
    };
    const first = await run();
    expect(first.history.epochs).toHaveLength(3);
    expect(first.sizes).toEqual([16, 16, 8, 16, 16, 8, 16, 16, 8]);
    expect(Number.isFinite(first.history.epochs[2]!.val_loss)).toBe(true);
    expect((await run()).weights).toEqual(first.weights);
    tf.dispose([x, y]);
  });

  it("trains the model itself: the weights change, and stopTraining set on the model stops fit", async () => {
    const { x, y } = data();
    const model = mlp();
    const start = Array.from(model.getWeights()[0]!.dataSync());
    const pipe = augmentation([gaussianPixelNoise({ std: 0.1 })], { seed: 1, imageShape: [4, 4, 1] });
    let steps = 0;
    const history = await fitAugmented(model, x, y, pipe, {
      epochs: 5,
      batchSize: 8,
      callbacks: {
        onBatchEnd: () => {
          steps++;
          if (steps === 2) model.stopTraining = true;
        },
      },
    });
    expect(steps).toBe(2);
    expect(history.epochs).toHaveLength(1);
    expect(Array.from(model.getWeights()[0]!.dataSync())).not.toEqual(start);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe("on the cpu backend", () => {
  it("resamples every image of a batch (tfjs 4.22's cpu Transform kernel does only the first), as wasm does", async () => {
    const images = uniformImages(4, 7, 6, 2, 17);
    const transform = () => randomAffine({ degrees: 30, scale: [0.8, 1.2], maxShift: 1 });
    const onWasm = take(applyOnce(transform(), images));
    try {
      await initBackend({ backend: "cpu" });
      const onCpu = take(applyOnce(transform(), images));
      onCpu.forEach((v, i) => expect(Math.abs(v - onWasm[i]!)).toBeLessThan(1e-5));
    } finally {
      await initBackend({ backend: "wasm" });
      images.dispose();
    }
  });
});

describe("bad input", () => {
  it("rejects wrong ranks and dtypes, naming the argument", () => {
    const flat = tf.zeros([2, 3]);
    const ints = tf.zeros([1, 2, 2, 1], "int32");
    expect(() => augmentation([horizontalFlip()]).apply(flat)).toThrow(/augmentation\.apply: images\.shape = \[2, 3\], expected rank 4/);
    expect(() => horizontalFlip().apply(flat as tf.Tensor4D, new Rng(1))).toThrow(/horizontalFlip\.apply: images\.shape/);
    expect(() => augmentation([randomCrop()]).apply(ints)).toThrow(/images\.dtype = "int32"/);
    expect(() => augmentation([], { imageShape: [2, 2, 1] }).apply(flat)).toThrow(/images\.shape = \[2, 3\], expected \[N, \.\.\.\] with 4 values per example/);
    expect(() => fitColorPca(flat as tf.Tensor4D)).toThrow(/fitColorPca: images\.shape/);
    expect(() => testTimeAugmentation((x) => x, flat, { views: [identityView()] })).toThrow(/testTimeAugmentation: x\.shape/);
    expect(() => testTimeAugmentation((x) => x, ints, { views: [] })).toThrow(/options\.views = \[\], expected a non-empty array/);
    tf.dispose([flat, ints]);
  });

  it("rejects a crop larger than the image, and padding a mirror mode cannot make", () => {
    const images = tf.zeros([2, 5, 4, 1]);
    expect(() => augmentation([randomCrop({ size: [6, 4] })]).apply(images)).toThrow(
      /randomCrop\.apply: options\.size = \[6, 4\], expected at most the image size \[5, 4\]/,
    );
    expect(() => augmentation([randomCrop({ size: [8, 7], padding: 1 })]).apply(images)).toThrow(/options\.size = \[8, 7\].*\[7, 6\] after padding by 1/);
    expect(() => cropView({ size: [5, 5] }).apply(images as tf.Tensor4D)).toThrow(/cropView\.apply: options\.size = \[5, 5\]/);
    expect(() => cropView({ position: { top: 1, left: 0 } }).apply(images as tf.Tensor4D)).toThrow(/options\.position/);
    expect(() => augmentation([randomCrop({ padding: 4, paddingMode: "reflect" })]).apply(images)).toThrow(
      /options\.padding = 4, expected at most 3 for paddingMode "reflect"/,
    );
    images.dispose();
  });

  it("rejects probabilities outside [0, 1], negative padding and other bad options, naming them", () => {
    const fit = { channels: 3, mean: new Float64Array(3), eigenvalues: new Float64Array(3), eigenvectors: new Float64Array(9) };
    expect(() => horizontalFlip({ probability: 1.5 })).toThrow(/horizontalFlip: options\.probability = 1\.5, expected a finite number in \[0, 1\]/);
    expect(() => randomRotation({ degrees: 5, probability: -0.1 })).toThrow(/randomRotation: options\.probability = -0\.1/);
    expect(() => randomTranslation({ maxShift: 1, probability: 2 })).toThrow(/randomTranslation: options\.probability = 2/);
    expect(() => randomZoom({ scale: [1, 2], probability: NaN })).toThrow(/randomZoom: options\.probability = NaN/);
    expect(() => gaussianPixelNoise({ std: 1, probability: 1.01 })).toThrow(/gaussianPixelNoise: options\.probability/);
    expect(() => colorPca({ fit, probability: -1 })).toThrow(/colorPca: options\.probability = -1/);
    expect(() => randomCrop({ padding: -1 })).toThrow(/randomCrop: options\.padding = -1, expected an integer >= 0/);
    expect(() => cropView({ padding: -2 })).toThrow(/cropView: options\.padding = -2/);
    expect(() => randomCrop({ paddingMode: "edge" as "zero" })).toThrow(/options\.paddingMode = "edge", expected one of "zero", "reflect", "symmetric"/);
    expect(() => randomRotation({ degrees: -5 })).toThrow(/randomRotation: options\.degrees = -5, expected a finite number >= 0/);
    expect(() => randomRotation({} as { degrees: number })).toThrow(/randomRotation: options\.degrees = undefined/);
    expect(() => randomZoom({ scale: [0, 2] })).toThrow(/randomZoom: options\.scale = \[0, 2\], expected an interval \[min, max\] with 0 < min/);
    expect(() => randomZoom({ scale: [2, 1] })).toThrow(/options\.scale = \[2, 1\], expected min ≤ max/);
    expect(() => randomTranslation({ maxShift: 1.5 })).toThrow(/options\.maxShift = 1\.5, expected an integer ≥ 0 \(or set wholePixelShifts: false\)/);
    expect(() => gaussianPixelNoise({ std: -1 })).toThrow(/gaussianPixelNoise: options\.std = -1/);
    expect(() => gaussianPixelNoise({ std: 1, valueRange: [1, 0] })).toThrow(/options\.valueRange = \[1, 0\]/);
    expect(() => colorPca({} as { fit: typeof fit })).toThrow(/colorPca: options\.fit = undefined/);
    expect(() => augmentation([{} as ImageTransform])).toThrow(/augmentation: transforms\[0\]/);
    expect(() => augmentation([], { seed: 1.5 })).toThrow(/augmentation: options\.seed = 1\.5/);
    const images = tf.zeros([1, 2, 2, 1]);
    expect(() => augmentation([colorPca({ fit })]).apply(images)).toThrow(/colorPca\.apply: images\.shape = \[1, 2, 2, 1\], expected 3 channels/);
    images.dispose();
  });
});
