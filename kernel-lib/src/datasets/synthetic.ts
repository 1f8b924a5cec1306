/** Synthetic data sets with known ground truth, each drawn from a seeded stream. */
import { checkInteger, checkNumber, invalidArgument } from "../errors";
import { rng } from "../random";

export interface Regression1D {
  x: number[];
  y: number[];
}

/**
 * Bishop's curve-fitting data (Pattern Recognition and Machine Learning, §1.1): x uniform in [0, 1],
 * y = sin(2πx) + ε with ε ~ N(0, noiseStd²).
 */
export function sinusoid(options: { n: number; noiseStd?: number; seed?: number }): Regression1D {
  const n = checkInteger("sinusoid", "options.n", options.n, 1);
  const noiseStd = checkNumber("sinusoid", "options.noiseStd", options.noiseStd ?? 0.3, 0);
  const stream = rng(options.seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = stream.uniform();
    x.push(xi);
    y.push(Math.sin(2 * Math.PI * xi) + stream.normal(0, noiseStd));
  }
  return { x, y };
}

export interface Classification {
  /** One point per row. */
  points: number[][];
  /** Class index per point. */
  labels: number[];
  classes: number;
}

/**
 * Isotropic Gaussian blobs: `nPerClass` points around each centre with standard deviation `std` per
 * coordinate. `centers` is a list of points, or a count of centres drawn uniformly in [-spread, spread]^dims.
 */
export function gaussianBlobs(options: {
  centers: number[][] | number;
  nPerClass: number;
  std?: number;
  dims?: number;
  spread?: number;
  seed?: number;
}): Classification {
  const nPerClass = checkInteger("gaussianBlobs", "options.nPerClass", options.nPerClass, 1);
  const std = checkNumber("gaussianBlobs", "options.std", options.std ?? 1, 0);
  const stream = rng(options.seed);
  let centers: number[][];
  if (typeof options.centers === "number") {
    const count = checkInteger("gaussianBlobs", "options.centers", options.centers, 1);
    const dims = checkInteger("gaussianBlobs", "options.dims", options.dims ?? 2, 1);
    const spread = checkNumber("gaussianBlobs", "options.spread", options.spread ?? 5, 0);
    centers = Array.from({ length: count }, () => Array.from({ length: dims }, () => stream.uniformIn(-spread, spread)));
  } else if (Array.isArray(options.centers) && options.centers.length > 0) {
    const dims = options.centers[0]!.length;
    options.centers.forEach((c, i) => {
      if (!Array.isArray(c) || c.length !== dims || c.some((v) => !Number.isFinite(v)))
        invalidArgument("gaussianBlobs", `options.centers[${i}]`, c, `${dims} finite coordinates like centers[0]`);
    });
    centers = options.centers;
  } else {
    return invalidArgument("gaussianBlobs", "options.centers", options.centers, "a positive count or a non-empty list of points");
  }
  const points: number[][] = [];
  const labels: number[] = [];
  centers.forEach((center, label) => {
    for (let i = 0; i < nPerClass; i++) {
      points.push(center.map((c) => c + stream.normal(0, std)));
      labels.push(label);
    }
  });
  return { points, labels, classes: centers.length };
}

/**
 * Two interleaved spirals (Lang & Witbrock 1988), a classic that a linear model cannot separate.
 * Class k's i-th point sits at angle θ = turns·2π·t (t = i / nPerClass, starting a little off centre)
 * and radius t, rotated by kπ, plus N(0, noiseStd²) noise on each coordinate.
 */
export function twoSpirals(options: { nPerClass: number; turns?: number; noiseStd?: number; seed?: number }): Classification {
  const nPerClass = checkInteger("twoSpirals", "options.nPerClass", options.nPerClass, 1);
  const turns = checkNumber("twoSpirals", "options.turns", options.turns ?? 1.5, 0);
  const noiseStd = checkNumber("twoSpirals", "options.noiseStd", options.noiseStd ?? 0.02, 0);
  const stream = rng(options.seed);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let label = 0; label < 2; label++) {
    for (let i = 0; i < nPerClass; i++) {
      const t = 0.05 + (0.95 * i) / nPerClass;
      const angle = turns * 2 * Math.PI * t + label * Math.PI;
      points.push([t * Math.cos(angle) + stream.normal(0, noiseStd), t * Math.sin(angle) + stream.normal(0, noiseStd)]);
      labels.push(label);
    }
  }
  return { points, labels, classes: 2 };
}
