export * from "./fit";
export * from "./live";
