/**
 * ingest-client: the upstream caller (a device, a webhook) that starts each trace. It uploads the
 * records it is given, tells the launcher each trace id and job id, flushes its spans and exits.
 */
import { tracing } from './tracing';
import { oneLine, postJson, report, requiredEnv } from '@polytrace/example-support';
import { withSpan } from '@polytrace/instrument';
import type { Upload } from './ingest-job';

async function upload(receiverUrl: string, item: Upload, index: number): Promise<void> {
  await withSpan(
    'client.upload',
    async (span) => {
      const query = item.fail ? `?fail=${item.fail}` : '';
      const response = await postJson(`${receiverUrl}/ingest${query}`, item.payload);
      const body = response.body as { id?: string } | undefined;
      report({ type: 'sent', index, status: response.status, id: body?.id, traceId: span.spanContext().traceId });
    },
    { resource: item.fail ? `upload (fail=${item.fail})` : 'upload' },
  );
}

async function main(): Promise<void> {
  const receiverUrl = requiredEnv('RECEIVER_URL');
  const uploads = JSON.parse(requiredEnv('CLIENT_UPLOADS')) as Upload[];
  report({ type: 'ready', port: 0 });
  for (const [index, item] of uploads.entries()) {
    await upload(receiverUrl, item, index).catch((error: unknown) => {
      console.error(`upload ${index} failed: ${oneLine(error)}`);
      report({ type: 'sent', index, status: 0 });
    });
  }
  await tracing.shutdown();
  process.exit(0);
}

void main();
