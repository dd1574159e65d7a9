// Child process for bench/processor.bench.ts: an HTTP sink on 127.0.0.1:0 that counts spans in JSON bodies (our bench
// encoder's and the OTel Zipkin exporter's) in its own process, so counting never slows the process measured.
// argv[2]: 'healthy' (answers 202) or 'hang' (reads the body, never answers). Talks to the parent over IPC.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const behaviour = process.argv[2] === 'hang' ? 'hang' : 'healthy';
let spans = 0;
let bytes = 0;
let requests = 0;
let badBodies = 0;
const sockets = new Set<Socket>();

// One trace-id key per span in both encodings (the bench's `"t":"…"` and Zipkin v2's `"traceId":"…"`). Scanning for it
// (memchr-fast) instead of JSON.parse keeps the sink far faster than the process under test on a shared machine.
const MARKERS = [Buffer.from('"t":"'), Buffer.from('"traceId":"')];
function countSpans(body: Buffer): number {
  let n = 0;
  for (const marker of MARKERS) {
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) n++;
  }
  return n;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests++;
    if (behaviour === 'hang') return;
    const body = Buffer.concat(chunks);
    bytes += body.length;
    const n = countSpans(body);
    if (n === 0 && body.length > 2) badBodies++;
    spans += n;
    res.statusCode = 202;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'count') process.send?.({ type: 'count', spans, bytes, requests, badBodies });
  else if (msg.type === 'reset') {
    spans = bytes = requests = badBodies = 0;
    process.send?.({ type: 'reset' });
  } else if (msg.type === 'close') {
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
