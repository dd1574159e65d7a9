// `npm run bench [-- --quick] [-- --only <name>]`: runs every bench/*.bench.ts (each exports `run({ quick })`), in one
// process tree on this machine, and writes bench/RESULTS.md (a full run) or .bench-tmp/RESULTS-quick.md (--quick)
// with the command, versions and machine it ran on. Component micro-benchmarks run first, end-to-end ones last.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmt, type BenchResult, type BenchSection } from './lib/result';

type BenchModule = { run(options: { quick: boolean }): Promise<BenchResult[] | BenchSection> };

const ROOT = path.resolve(__dirname, '..');
const END_TO_END = ['http-overhead', 'memory'];

function versions(): string {
  const v = (name: string): string => {
    try { return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')) as { version: string }).version; } catch { return '?'; }
  };
  return [`node ${process.version}`, `dd-trace ${v('dd-trace')}`, `@opentelemetry/sdk-trace-base ${v('@opentelemetry/sdk-trace-base')}`,
    `@opentelemetry/instrumentation-http ${v('@opentelemetry/instrumentation-http')}`, `@opentelemetry/exporter-zipkin ${v('@opentelemetry/exporter-zipkin')}`,
    `zipkin ${v('zipkin')}`, `jaeger-client ${v('jaeger-client')}`, `autocannon ${v('autocannon')}`].join(', ');
}

function rowsTable(rows: BenchResult[]): string {
  const out = ['| benchmark | unit | Polytrace | peer | peer value | ratio | note |', '|---|---|---:|---|---:|---:|---|'];
  for (const r of rows) {
    out.push(`| ${r.name} | ${r.unit} | ${fmt(r.ours, r.ours < 100 ? 2 : 0)} | ${r.peerName ?? ''} | ${r.peer === undefined ? '' : fmt(r.peer, r.peer < 100 ? 2 : 0)} | ${r.ratio === undefined ? '' : fmt(r.ratio, 2)} | ${r.note ?? ''} |`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const onlyIdx = process.argv.indexOf('--only');
  const only = onlyIdx > 0 ? process.argv[onlyIdx + 1] : undefined;
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, ''))
    .filter((n) => !only || n === only)
    .sort((a, b) => Number(END_TO_END.includes(a)) - Number(END_TO_END.includes(b)) || a.localeCompare(b));
  const started = Date.now();
  const sections: string[] = [];
  for (const name of files) {
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}…\n`);
    const t0 = Date.now();
    try {
      const mod = (await import(path.join(__dirname, `${name}.bench.ts`))) as BenchModule;
      const out = await mod.run({ quick });
      const section = Array.isArray(out) ? { title: name, markdown: rowsTable(out), results: out } : out;
      sections.push(`## ${section.title} (\`bench/${name}.bench.ts\`, ${((Date.now() - t0) / 1000).toFixed(0)} s)\n\n${section.markdown}\n`);
    } catch (e) {
      sections.push(`## ${name}\n\nFAILED: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  }
  const cmd = `npm run bench${quick ? ' -- --quick' : ''}${only ? ` -- --only ${only}` : ''}`;
  const header = [
    '# Benchmark results',
    '',
    `Produced by \`${cmd}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB. Versions: ${versions()}.`,
    'Ratios are oriented so that > 1 means Polytrace is better unless a row says otherwise. Every number below was',
    'measured in this one run; re-run the command to refresh the page.',
    '',
  ].join('\n');
  const text = `${header}\n${sections.join('\n')}`;
  const target = quick || only ? path.join(ROOT, '.bench-tmp', quick ? 'RESULTS-quick.md' : `RESULTS-${only}.md`) : path.join(__dirname, 'RESULTS.md');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  process.stdout.write(`${text}\nwritten to ${path.relative(ROOT, target)}\n`);
}

void main();
