/**
 * Displaying charts. A chart is ONE output carrying three representations, and each front end picks
 * the one it can draw:
 * - `application/vnd.vegalite.v5+json`: the spec, drawn live and interactive by JupyterLab;
 * - `image/svg+xml`: the same chart rendered in Node, shown by exported HTML and the classic Notebook;
 * - `text/plain`: the title, for consoles.
 * Never `text/html`: JupyterLab prefers it to Vega-Lite and would hide the live chart.
 */
import { DisplayHandle } from "./jupyter";
import { normalizeSpec, renderSvg, specTitle, type ChartSpec, type TopLevelSpec } from "./render";

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

export interface ChartBundle {
  [VEGA_LITE_MIME]: TopLevelSpec;
  "image/svg+xml": string;
  "text/plain": string;
}

/** Builds the display bundle of a Vega-Lite 5 spec (the SVG is rendered here, in Node). */
export async function chartBundle(spec: ChartSpec): Promise<ChartBundle> {
  const normalized = normalizeSpec("chartBundle", spec);
  return {
    [VEGA_LITE_MIME]: normalized,
    "image/svg+xml": await renderSvg(normalized),
    "text/plain": specTitle(normalized),
  };
}

/**
 * Shows a chart in the notebook. Inside a kernel it displays the bundle and returns undefined (so the
 * cell prints nothing else); outside one (tests, plain Node) it returns the bundle.
 */
export async function show(spec: ChartSpec): Promise<ChartBundle | undefined> {
  const bundle = await chartBundle(spec);
  return new DisplayHandle().write({ ...bundle }) ? undefined : bundle;
}

/** A chart that redraws in place: `update(spec)` overwrites the same output (training curves). */
export class LiveChart {
  private readonly handle = new DisplayHandle();
  private latest: ChartBundle | null = null;

  /** The last bundle drawn (null before the first `update`). */
  get bundle(): ChartBundle | null {
    return this.latest;
  }

  /** Redraws the chart with a new spec (typically the same chart with more data). */
  async update(spec: ChartSpec): Promise<void> {
    this.latest = await chartBundle(spec);
    this.handle.write({ ...this.latest });
  }
}

/** Shows `spec` now and returns a handle whose `update(spec)` redraws the same output. */
export async function showLive(spec: ChartSpec): Promise<LiveChart> {
  const chart = new LiveChart();
  await chart.update(spec);
  return chart;
}
