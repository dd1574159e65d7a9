/**
 * The shape every example's `npm start` shares: start the services (reporting to the combined-waterfall
 * collector unless OTEL_TRACES_EXPORTER picks a real backend), run the demo requests, optionally stay up until
 * Ctrl-C, then stop the services so each flushes, and print the waterfalls.
 */
import { startWaterfallCollector } from './combined-waterfall';

export interface DemoOptions<Services extends { stop(): Promise<void> }> {
  /** Starts the example's services with `env` (the launcher's env, plus the collector's when it is used). */
  start(env: NodeJS.ProcessEnv): Promise<Services>;
  /** Sends the demo requests and prints what came back. */
  demo(services: Services): Promise<void>;
  /** One line suggesting a request to try by hand, printed with `--keep-running`. */
  keepRunningHint(services: Services): string;
}

export async function runWaterfallDemo<Services extends { stop(): Promise<void> }>(options: DemoOptions<Services>): Promise<void> {
  const collector = process.env.OTEL_TRACES_EXPORTER ? undefined : await startWaterfallCollector();
  const services = await options.start({ ...process.env, ...collector?.env }).catch(async (error: unknown) => {
    await collector?.close();
    throw error;
  });
  try {
    await options.demo(services);
    if (process.argv.includes('--keep-running')) {
      console.log(options.keepRunningHint(services));
      console.log('Ctrl-C stops the services.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await services.stop();
    if (collector) console.log(`\n${await collector.close()}`);
  }
}

/**
 * Runs an example's `main`, reporting a failure (a service that is down, a port in use) as its one-line message
 * rather than a stack trace, with exit code 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
