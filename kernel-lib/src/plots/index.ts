export * from "./jupyter";
export * from "./render";
export * from "./show";
export * from "./progress";
export * from "./line-chart";
export * from "./histograms";
export * from "./heatmap";
export * from "./image-grid";
