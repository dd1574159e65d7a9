export {
  ConsoleWaterfallExporter,
  type ConsoleWaterfallExporterConfig,
  type WaterfallOutput,
} from './console-waterfall-exporter';
export { renderWaterfall, type RenderOptions } from './render-waterfall';
