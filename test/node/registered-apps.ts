import path from 'node:path';
import { FIXTURES, killIfRunning, requireBuiltNode, startNode, type RunningChild } from './child';
import { OtlpSink } from './otlp-sink';

/**
 * The setting of the register-mode suites: one OTLP sink per suite, fixture apps started with
 * `--require`/`--import @polytrace/node/register` and pointed at the sink, each app killed and the sink emptied
 * after every test.
 */
export class RegisteredApps {
  sink!: OtlpSink;
  private endpoint = '';
  private running: RunningChild | undefined;

  /** Creates the setting and installs its mocha hooks in the calling `describe`. */
  static install(): RegisteredApps {
    const apps = new RegisteredApps();
    before(async () => {
      requireBuiltNode();
      apps.sink = new OtlpSink();
      apps.endpoint = await apps.sink.start();
    });
    afterEach(() => {
      killIfRunning(apps.running);
      apps.sink.spans.length = 0;
    });
    after(() => apps.sink?.close());
    return apps;
  }

  /** Runs `test/fixtures/node/<fixture>` with the register entry point, exporting OTLP to the sink. */
  start(loader: '--require' | '--import', fixture: string, env: Record<string, string>): RunningChild {
    this.running = startNode([loader, '@polytrace/node/register', path.join(FIXTURES, fixture)], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: this.endpoint,
      ...env,
    });
    return this.running;
  }
}
