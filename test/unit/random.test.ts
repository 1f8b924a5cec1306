import { describe, expect, it } from "vitest";
import { Rng, currentSeed, nextSeed, rng, seed } from "kernel-lib";

describe("random", () => {
  it("repeats a stream for the same seed and differs for another", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const draws = (r: Rng) => Array.from({ length: 5 }, () => r.uniform());
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
  });

  it("seed() restarts the global stream: same seeds for tfjs ops and child streams", () => {
    seed(123);
    const run1 = [nextSeed(), nextSeed(), rng().uniform()];
    seed(123);
    const run2 = [nextSeed(), nextSeed(), rng().uniform()];
    expect(run2).toEqual(run1);
    expect(currentSeed()).toBe(123);
  });

  it("normal() has mean 0 and std 1 within sampling error", () => {
    const r = new Rng(2024);
    const n = 20_000;
    const xs = Array.from({ length: n }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // Standard error of the mean is 1/sqrt(n); of the variance sqrt(2/(n-1)). Allow 4 standard errors.
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)));
  });

  it("uniform() fills ten equal bins evenly (chi-square test)", () => {
    const r = new Rng(99);
    const n = 10_000;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(r.uniform() * 10)]! += 1;
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.88); // 99.9th percentile of chi-square with 9 degrees of freedom
  });

  it("permutation() is a permutation and shuffle() keeps the items", () => {
    const p = Array.from(new Rng(1).permutation(100));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Rng(1).shuffle(["a", "b", "c"]).sort()).toEqual(["a", "b", "c"]);
  });

  it("rejects bad arguments with the name and value", () => {
    expect(() => seed(1.5)).toThrow(/seed: value = 1.5, expected an integer/);
    expect(() => new Rng(3).int(0)).toThrow(/n = 0/);
    expect(() => new Rng(3).normal(0, -1)).toThrow(/std = -1/);
  });
});
