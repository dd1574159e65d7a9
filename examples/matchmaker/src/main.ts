/**
 * `npm start`: asks the matchmaker for a pairing twice (the first request finds no scores in Redis
 * and takes the slow path, the second is served from Redis), once forcing fresh scores, then for a
 * dish it does not know. Without OTEL_TRACES_EXPORTER the services report to this launcher, which
 * prints one waterfall per trace across both services; with it they report there directly.
 * `npm start -- --keep-running` leaves both services up for your own requests until Ctrl-C.
 */
import { envPort, getJson, startWaterfallCollector } from '@polytrace/example-support';
import { startMatchmaker } from './matchmaker';

const DEMO_REQUESTS = ['/pairings/brie', '/pairings/brie', '/pairings/stilton?fresh=1', '/pairings/haggis'];

async function main(): Promise<void> {
  const collector = process.env.OTEL_TRACES_EXPORTER ? undefined : await startWaterfallCollector();
  const matchmaker = await startMatchmaker({
    env: { ...process.env, ...collector?.env },
    webPort: envPort('MATCHMAKER_PORT', 3011),
    tasterPort: envPort('MATCHMAKER_TASTER_PORT', 3012),
  }).catch(async (error: unknown) => {
    await collector?.close();
    throw error;
  });
  try {
    for (const request of DEMO_REQUESTS) {
      const response = await getJson(`${matchmaker.url}${request}`);
      const body = response.body as { pick?: string; recomputed?: number; traceId?: string; error?: string };
      const outcome = body.pick ? `pick ${body.pick} (${body.recomputed ?? 0} scores recomputed)` : body.error;
      console.log(`GET ${request}: HTTP ${response.status}, ${outcome}, trace ${body.traceId ?? '-'}`);
    }
    if (process.argv.includes('--keep-running')) {
      console.log(`try: curl ${matchmaker.url}/pairings/chevre   (dishes: brie, stilton, chevre, mushroom%20risotto)`);
      console.log('Ctrl-C stops the services.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await matchmaker.stop();
    if (collector) console.log(`\n${await collector.close()}`);
  }
}

main().catch((error: unknown) => {
  // A missing PostgreSQL or Redis: one line naming the fix, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
