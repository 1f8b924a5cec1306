/**
 * Histogram facets: one small histogram per group (per layer's activations or gradients, Karpathy-style).
 * Values are binned here, so a chart of a million activations stays a few kilobytes.
 */
import type { TopLevelSpec } from "vega-lite";
import { checkInteger, invalidArgument } from "../errors";

export interface HistogramFacetsOptions {
  /** Group name to values, e.g. `{ "layer 1": Float32Array, "layer 2": ... }`; order is kept. */
  groups: Record<string, ArrayLike<number>>;
  /** Bins per histogram. Default 40. */
  bins?: number;
  /** Common [min, max] for every panel. Default: the range of all values. */
  extent?: [number, number];
  /** Panels per row. Default 5. */
  columns?: number;
  /** Show each count as a share of its group (so groups of different sizes compare). Default true. */
  density?: boolean;
  title?: string;
  xTitle?: string;
  width?: number;
  height?: number;
}

export interface BinnedRow {
  group: string;
  order: number;
  start: number;
  end: number;
  count: number;
  share: number;
  [key: string]: number | string;
}

/** Bins each group's values into equal-width bins over a common extent; NaN and values outside are dropped. */
export function binGroups(groups: Record<string, ArrayLike<number>>, bins: number, extent?: [number, number]): BinnedRow[] {
  checkInteger("binGroups", "bins", bins, 1);
  let [min, max] = extent ?? [Infinity, -Infinity];
  if (!extent) {
    for (const values of Object.values(groups)) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) invalidArgument("binGroups", "groups", Object.keys(groups), "at least one finite value");
  if (max <= min) max = min + 1;
  const width = (max - min) / bins;
  const rows: BinnedRow[] = [];
  Object.entries(groups).forEach(([group, values], order) => {
    const counts = new Array<number>(bins).fill(0);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= min && v <= max)) continue;
      counts[Math.min(bins - 1, Math.floor((v - min) / width))]! += 1;
      total += 1;
    }
    counts.forEach((count, b) => rows.push({ group, order, start: min + b * width, end: min + (b + 1) * width, count, share: total ? count / total : 0 }));
  });
  return rows;
}

/** A grid of histograms, one per group. */
export function histogramFacets(options: HistogramFacetsOptions): TopLevelSpec {
  if (options.groups === null || typeof options.groups !== "object")
    invalidArgument("histogramFacets", "options.groups", options.groups, "an object of group name to numbers");
  const density = options.density ?? true;
  const rows = binGroups(options.groups, options.bins ?? 40, options.extent);
  return {
    ...(options.title !== undefined ? { title: options.title } : {}),
    data: { values: rows },
    facet: { field: "group", type: "nominal", title: null, sort: { field: "order", op: "min" } },
    columns: options.columns ?? 5,
    spec: {
      width: options.width ?? 150,
      height: options.height ?? 100,
      mark: { type: "rect", tooltip: true },
      encoding: {
        x: { field: "start", type: "quantitative", title: options.xTitle ?? "value" },
        x2: { field: "end" },
        y: { field: density ? "share" : "count", type: "quantitative", title: density ? "share" : "count" },
      },
    },
  } as TopLevelSpec;
}
