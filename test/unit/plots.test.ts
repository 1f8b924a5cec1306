import { beforeAll, describe, expect, it } from "vitest";
import { VEGA_LITE_MIME, heatmap, histogramFacets, imageGrid, inKernel, initBackend, lineChart, progressBar, show, showLive, tf } from "kernel-lib";
import { withFakeKernel } from "./fake-kernel";

const curve = lineChart({
  data: [1, 2, 3].flatMap((epoch) => [
    { epoch, value: 1 / epoch, split: "train" },
    { epoch, value: 1.5 / epoch, split: "validation" },
  ]),
  x: "epoch",
  y: "value",
  series: "split",
  title: "loss",
});

describe("show", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("outside a kernel returns the bundle: Vega-Lite 5 spec + SVG + title, never HTML", async () => {
    expect(inKernel()).toBe(false);
    const bundle = await show(curve);
    expect(bundle).toBeDefined();
    expect(Object.keys(bundle!).sort()).toEqual([VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort());
    expect(bundle![VEGA_LITE_MIME].$schema).toBe("https://vega.github.io/schema/vega-lite/v5.json");
    expect(bundle!["image/svg+xml"]).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(bundle!["image/svg+xml"]).toContain(">loss<"); // the title is drawn
    expect(bundle!["text/plain"]).toBe("loss");
    expect(Object.keys(bundle!)).not.toContain("text/html");
  });

  it("takes a spec built in a variable, and does not modify it", async () => {
    // No `as const`: the widened string types must still type-check (tsc runs over the tests).
    const spec = { mark: "point", data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } };
    const copy = JSON.parse(JSON.stringify(spec)) as unknown;
    await show(spec);
    expect(spec).toEqual(copy);
  });

  it("leaves no tensors behind", async () => {
    const before = tf.memory().numTensors;
    await show(curve);
    await show(imageGrid({ images: [new Float32Array(4).fill(0.5)], height: 2, width: 2 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("in a kernel, sends ONE display message with the three-part bundle and returns nothing", async () => {
    await withFakeKernel(async (messages) => {
      expect(inKernel()).toBe(true);
      const returned = await show(curve);
      expect(returned).toBeUndefined();
      expect(messages).toHaveLength(1);
      expect(Object.keys(messages[0]!.data).sort()).toEqual([VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort());
      expect(messages[0]!.update).toBe(false);
    });
  });

  it("a live chart overwrites its own output (same display_id, update after the first)", async () => {
    await withFakeKernel(async (messages) => {
      const live = await showLive(curve);
      await live.update(lineChart({ data: [{ epoch: 1, value: 2 }], x: "epoch", y: "value", title: "second" }));
      expect(messages).toHaveLength(2);
      expect(messages[0]!.transient.display_id).toBeTruthy();
      expect(messages[1]!.transient.display_id).toBe(messages[0]!.transient.display_id);
      expect(messages.map((m) => m.update)).toEqual([false, true]);
      expect(messages[1]!.data["text/plain"]).toBe("second");
      expect(live.bundle!["text/plain"]).toBe("second");
    });
  });

  it("the progress bar rewrites one output in place", async () => {
    await withFakeKernel(async (messages) => {
      const bar = progressBar({ total: 4, label: "epochs", minIntervalMs: 0 });
      for (let i = 0; i < 4; i++) bar.tick(1, `loss=${i}`);
      expect(messages).toHaveLength(4);
      expect(new Set(messages.map((m) => m.transient.display_id)).size).toBe(1);
      expect(messages.map((m) => m.update)).toEqual([false, true, true, true]);
      expect(messages[3]!.data["text/plain"]).toMatch(/^epochs \[#{30}\] 4\/4 100% [\d.]+s loss=3$/);
      expect(Object.keys(messages[0]!.data)).toEqual(["text/plain"]);
    });
  });

  it("rejects what is not a Vega-Lite 5 spec, saying what was expected", async () => {
    await expect(show(null as never)).rejects.toThrow(/spec = null, expected a Vega-Lite 5 spec object/);
    await expect(show({ data: { values: [] } } as never)).rejects.toThrow(/expected a Vega-Lite view with one of mark/);
    await expect(show({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", mark: "point" } as never)).rejects.toThrow(/Vega-Lite 5 schema/);
    await expect(show({ mark: "no-such-mark" } as never)).rejects.toThrow(/not valid Vega-Lite 5/);
  });
});

describe("spec builders", () => {
  it("lineChart draws one line per series and names a missing field", async () => {
    const bundle = await show(curve);
    const lines = bundle!["image/svg+xml"].match(/aria-roledescription="line mark"/g) ?? [];
    expect(lines.length).toBe(2);
    expect(() => lineChart({ data: [{ epoch: 1, value: 1 }], x: "epoch", y: "loss" })).toThrow(
      /options.y = "loss", expected a field of the rows \(epoch, value\)/,
    );
  });

  it("histogramFacets bins every value into its group", async () => {
    const spec = histogramFacets({ groups: { a: [0, 0.1, 0.9, 1], b: [0.5, 0.5] }, bins: 2, density: false });
    const rows = (spec as { data: { values: { group: string; count: number }[] } }).data.values;
    expect(rows.filter((r) => r.group === "a").map((r) => r.count)).toEqual([2, 2]);
    expect(rows.filter((r) => r.group === "b").map((r) => r.count)).toEqual([0, 2]);
    const bundle = await show(spec);
    expect(bundle!["image/svg+xml"]).toContain("<svg");
  });

  it("heatmap checks the matrix and renders one cell per entry", async () => {
    expect(() => heatmap({ values: [[1, 2], [3]] })).toThrow(/options.values\[1\].length = 1, expected 2/);
    const bundle = await show(
      heatmap({
        values: [
          [1, 2],
          [3, 4],
        ],
        showValues: false,
      }),
    );
    expect((bundle!["image/svg+xml"].match(/aria-roledescription="rect mark"/g) ?? []).length).toBe(4);
  });

  it("imageGrid draws only non-background pixels and one panel per image", async () => {
    const image = new Float32Array(9);
    image[4] = 1; // one lit pixel in the middle of a 3x3 image
    const bundle = await show(imageGrid({ images: [image, image], height: 3, width: 3, captions: ["x", "x"] }));
    const svg = bundle!["image/svg+xml"];
    // Pixels carry no ARIA label (it would multiply the SVG's size); count the drawn rect paths instead.
    expect(svg).not.toContain('aria-roledescription="rect mark"');
    expect((svg.match(/<path d="M[^"]*" fill="rgb\(/g) ?? []).length).toBe(2);
    expect(svg.match(/>x</g) ?? []).toHaveLength(2); // equal captions, still two panels
    const quoted = await show(imageGrid({ images: [image], height: 3, width: 3, captions: ['say "7" \\ ✗'] }));
    expect(quoted!["image/svg+xml"]).toContain('>say "7" \\ ✗<');
    expect(() => imageGrid({ images: [new Float32Array(8)], height: 3, width: 3 })).toThrow(/options.images\[0\].length = 8, expected height \* width = 9/);
  });
});
