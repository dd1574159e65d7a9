// `npm start`: serve /hello, call it a few times, print each trace as a waterfall, exit 0.
import { tracing } from './tracing';
import { createHelloServer, listen } from './server';

const REQUESTS = Number(process.env.HELLO_REQUESTS ?? 3);

async function main(): Promise<void> {
  const server = createHelloServer();
  const port = await listen(server);
  process.stdout.write(`hello service on http://127.0.0.1:${port}/hello, sending ${REQUESTS} requests\n\n`);
  for (let i = 0; i < REQUESTS; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/hello`);
    await response.text();
  }
  server.close();
  await tracing.shutdown();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
