export * from "./fit";
export * from "./live";
export * from "./early-stopping";
export * from "./reuse-validation";
export * from "./stable-softmax";
export { tfjsCallback, type TfjsCallbackHooks } from "./tfjs-callback";
