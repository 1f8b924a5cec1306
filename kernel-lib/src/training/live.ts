/**
 * Live view of a training run: a progress bar over all steps (with the running loss) and a chart of the
 * per-epoch curves that redraws in place after every epoch. Pass the result to `fit` as a callback.
 */
import { lineChart } from "../plots/line-chart";
import { ProgressBar } from "../plots/progress";
import { LiveChart } from "../plots/show";
import type { TopLevelSpec } from "../plots/render";
import { historyRows, type History, type TrainingCallbacks } from "./fit";

/** The curves chart: one panel per metric, train and validation lines. */
export function historyChart(history: History, title = "Training curves"): TopLevelSpec {
  return lineChart({ data: historyRows(history), x: "epoch", y: "value", series: "split", column: "metric", title, yTitle: null });
}

export interface LiveTrainingOptions {
  title?: string;
  /** Label before the progress bar. Default "training". */
  label?: string;
}

/** Callbacks that show a progress bar and a live curves chart while `fit` runs. */
export function liveTraining(options: LiveTrainingOptions = {}): TrainingCallbacks & { chart: LiveChart } {
  const chart = new LiveChart();
  let bar: ProgressBar | null = null;
  let epochs = 0;
  return {
    chart,
    onTrainBegin(info) {
      epochs = info.epochs;
      bar = new ProgressBar({ total: Math.max(1, info.epochs * info.stepsPerEpoch), label: options.label ?? "training" });
    },
    onBatchEnd(logs) {
      bar?.tick(1, `epoch ${logs.epoch}/${epochs} loss=${logs.loss.toFixed(4)}`);
    },
    async onEpochEnd(_logs, history) {
      await chart.update(historyChart(history, options.title));
    },
  };
}
