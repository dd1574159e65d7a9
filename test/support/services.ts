/**
 * Checks that the local PostgreSQL, Redis and RabbitMQ a suite needs are up on 127.0.0.1, and fails with
 * one line naming the command that starts the missing one (commands from ../shared/services.md).
 *
 * Each probe speaks one round of the service's own protocol rather than only opening a TCP connection, so
 * "something else is listening on 5672" or "RabbitMQ is still booting" fail just as clearly as "down".
 */
import * as net from 'node:net';

export type LocalService = 'postgres' | 'redis' | 'rabbitmq';

interface ServiceProbe {
  label: string;
  port: number;
  start: string;
  /** First bytes the client sends. */
  hello: Buffer;
  /** Whether the first bytes of the answer are this service's. */
  recognises(answer: Buffer): boolean;
}

const PROBES: Record<LocalService, ServiceProbe> = {
  postgres: {
    label: 'PostgreSQL',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    // SSLRequest: the server answers a single byte, 'S' or 'N'.
    hello: Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
    recognises: (answer) => answer[0] === 0x53 || answer[0] === 0x4e,
  },
  redis: {
    label: 'Redis',
    port: 6379,
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    hello: Buffer.from('PING\r\n'),
    recognises: (answer) => answer.toString('latin1').startsWith('+PONG'),
  },
  rabbitmq: {
    label: 'RabbitMQ',
    port: 5672,
    start: 'rabbitmq-server -detached (then wait until `rabbitmq-diagnostics -q ping` passes)',
    // AMQP 0-9-1 protocol header: a broker answers with a method frame (type 1) carrying Connection.Start.
    hello: Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'),
    recognises: (answer) => answer[0] === 1,
  },
};

/** Resolves with why the service is unusable, or undefined when it answered in its own protocol. */
function probe(p: ServiceProbe, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: p.port });
    const finish = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    socket.once('connect', () => socket.write(p.hello));
    socket.once('data', (answer) => finish(p.recognises(answer) ? undefined : 'unexpected answer'));
    socket.once('end', () => finish('connection closed without an answer'));
  });
}

/** The one-line explanation for a service that is not usable. */
export function serviceDownMessage(service: LocalService, problem: string): string {
  const p = PROBES[service];
  return `${p.label} is not usable on 127.0.0.1:${p.port} (${problem}); start it with: ${p.start}`;
}

/**
 * Rejects with one line per missing service. The error's stack is its message, so mocha prints the
 * explanation and the start command rather than a stack trace of this helper.
 */
export async function requireServices(services: LocalService[], timeoutMs = 3000): Promise<void> {
  const problems = await Promise.all(services.map((s) => probe(PROBES[s], timeoutMs)));
  const lines = services.flatMap((s, i) => (problems[i] === undefined ? [] : [serviceDownMessage(s, problems[i]!)]));
  if (lines.length === 0) return;
  const error = new Error(lines.join('\n'));
  error.stack = error.message;
  throw error;
}
