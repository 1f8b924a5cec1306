/**
 * Renders a Vega-Lite 5 spec to SVG in Node, with no browser and no canvas: Vega-Lite compiles the spec to
 * Vega, Vega's headless view (renderer "none") writes the SVG. Vega and Vega-Lite stay on major version 5:
 * version 6 is ESM-only with top-level await and cannot be loaded from tslab's CommonJS cells, and
 * JupyterLab renders `application/vnd.vegalite.v5+json` with its bundled Vega-Lite 5.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { describeValue } from "../errors";

export type { TopLevelSpec };
/**
 * What `show` and friends accept: a Vega-Lite 5 spec. Typed loosely on purpose: a spec built in a variable
 * (`const spec = { mark: "line", ... }`) has widened string types that TopLevelSpec rejects; the spec is
 * checked when it is compiled, and a bad one gets an error naming the problem.
 */
export type ChartSpec = TopLevelSpec | { [key: string]: unknown };
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const VIEW_KEYS = ["mark", "layer", "facet", "hconcat", "vconcat", "concat", "repeat"];

/**
 * Checks the spec's shape and returns a deep copy with the v5 `$schema` set. Copying matters: Vega tags
 * the rows of inline data while rendering, and neither the caller's spec nor the one sent to Jupyter
 * should carry that.
 */
export function normalizeSpec(fn: string, spec: unknown): TopLevelSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`${fn}: spec = ${describeValue(spec)}, expected a Vega-Lite 5 spec object`);
  }
  const record = spec as Record<string, unknown>;
  if (!VIEW_KEYS.some((key) => key in record)) {
    throw new TypeError(`${fn}: spec has keys [${Object.keys(record).join(", ")}], expected a Vega-Lite view with one of ${VIEW_KEYS.join(", ")}`);
  }
  const schema = record.$schema;
  if (schema !== undefined && (typeof schema !== "string" || !/vega-lite\/v5(\.\d+)*(\.\d+)?\.json$/.test(schema))) {
    throw new TypeError(
      `${fn}: spec.$schema = ${describeValue(schema)}, expected a Vega-Lite 5 schema (${VEGA_LITE_SCHEMA}); JupyterLab renders only Vega-Lite 5`,
    );
  }
  return { ...structuredClone(record), $schema: VEGA_LITE_SCHEMA } as TopLevelSpec;
}

/** The chart as an SVG string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const normalized = normalizeSpec("renderSvg", spec);
  let vegaSpec: vega.Spec;
  try {
    vegaSpec = compile(normalized).spec;
  } catch (error) {
    throw new TypeError(`renderSvg: spec is not valid Vega-Lite 5: ${(error as Error).message}`);
  }
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart's title as plain text (for `text/plain`), or a generic label. */
export function specTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  if (Array.isArray(title)) return title.join(" ");
  if (title && typeof title === "object" && "text" in title) {
    const text = (title as { text: unknown }).text;
    return Array.isArray(text) ? text.join(" ") : String(text);
  }
  return "Vega-Lite chart";
}
