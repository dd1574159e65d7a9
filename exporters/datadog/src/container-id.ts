import * as fs from 'node:fs';

// A cgroup line ends in the container id: 64 hex (docker/containerd), a UUID (ECS/Fargate) or `<32hex>-<n>`.
const CONTAINER_ID = /([0-9a-f]{64}|[0-9a-f]{8}(?:-[0-9a-f]{4}){4}|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{32}-\d+)(?:\.scope)?$/;

/** Parses `/proc/self/cgroup` content; undefined outside a container. */
export function parseContainerId(cgroup: string): string | undefined {
  for (const line of cgroup.split('\n')) {
    const path = line.slice(line.lastIndexOf(':') + 1).trim();
    const m = CONTAINER_ID.exec(path);
    if (m) return m[1];
  }
  return undefined;
}

let cached: string | undefined | null = null;

/** The container id for `Datadog-Container-ID`, read once; undefined when it cannot be read. */
export function readContainerId(): string | undefined {
  if (cached === null) {
    try {
      cached = parseContainerId(fs.readFileSync('/proc/self/cgroup', 'utf8'));
    } catch {
      cached = undefined;
    }
  }
  return cached;
}
