export * from "./files";
export * from "./split";
export * from "./mnist";
export * from "./seattle-weather";
export * from "./synthetic";
