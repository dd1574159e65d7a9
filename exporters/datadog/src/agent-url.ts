import * as fs from 'node:fs';

/** Where the Datadog agent listens on Linux by default (`apm_config.receiver_socket`). */
export const DEFAULT_AGENT_SOCKET = '/var/run/datadog/apm.socket';
export const DEFAULT_AGENT_URL = 'http://localhost:8126';

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/**
 * dd-trace's discovery order: `DD_TRACE_AGENT_URL` (`http://…` or `unix:///…`), else `DD_AGENT_HOST` +
 * `DD_TRACE_AGENT_PORT`, else the default UDS socket if it exists, else `http://localhost:8126`.
 */
export function resolveAgentUrl(
  env: Env = process.env,
  socketExists: (path: string) => boolean = fs.existsSync,
): string {
  const url = nonEmpty(env.DD_TRACE_AGENT_URL) ?? nonEmpty(env.DD_TRACE_URL);
  if (url) return url;
  const host = nonEmpty(env.DD_AGENT_HOST) ?? nonEmpty(env.DD_TRACE_AGENT_HOSTNAME);
  const port = nonEmpty(env.DD_TRACE_AGENT_PORT);
  if (host || port) {
    const h = host ?? 'localhost';
    return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port ?? '8126'}`;
  }
  let socket = false;
  try {
    socket = socketExists(DEFAULT_AGENT_SOCKET);
  } catch {
    socket = false;
  }
  return socket ? `unix://${DEFAULT_AGENT_SOCKET}` : DEFAULT_AGENT_URL;
}
