export type { LayerStack } from "./layers";
export * from "./activation-stats";
export * from "./gradient-stats";
