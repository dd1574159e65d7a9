/**
 * `npm start`: asks the matchmaker for a pairing twice (the first request finds no scores in Redis
 * and takes the slow path, the second is served from Redis), once forcing fresh scores, then for a
 * dish it does not know. Without OTEL_TRACES_EXPORTER the services report to this launcher, which
 * prints one waterfall per trace across both services; with it they report there directly.
 * `npm start -- --keep-running` leaves both services up for your own requests until Ctrl-C.
 */
import { envPort, getJson, runMain, runWaterfallDemo } from '@polytrace/example-support';
import { startMatchmaker, type RunningMatchmaker } from './matchmaker';

const DEMO_REQUESTS = ['/pairings/brie', '/pairings/brie', '/pairings/stilton?fresh=1', '/pairings/haggis'];

async function demo(matchmaker: RunningMatchmaker): Promise<void> {
  for (const request of DEMO_REQUESTS) {
    const response = await getJson(`${matchmaker.url}${request}`);
    const body = response.body as { pick?: string; recomputed?: number; traceId?: string; error?: string };
    const outcome = body.pick ? `pick ${body.pick} (${body.recomputed ?? 0} scores recomputed)` : body.error;
    console.log(`GET ${request}: HTTP ${response.status}, ${outcome}, trace ${body.traceId ?? '-'}`);
  }
}

// A missing PostgreSQL or Redis fails as one line naming the fix, not a stack trace.
runMain(() =>
  runWaterfallDemo({
    start: (env) =>
      startMatchmaker({
        env,
        webPort: envPort('MATCHMAKER_PORT', 3011),
        tasterPort: envPort('MATCHMAKER_TASTER_PORT', 3012),
      }),
    demo,
    keepRunningHint: (matchmaker) =>
      `try: curl ${matchmaker.url}/pairings/chevre   (dishes: brie, stilton, chevre, mushroom%20risotto)`,
  }),
);
