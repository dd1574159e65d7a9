import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';

describe('@polytrace/instrument without an SDK', () => {
  it('behaves like the undecorated code: same values, same errors, same promise, empty carriers', async () => {
    const fixture = path.join(__dirname, 'fixtures', 'no-sdk.ts');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=polytrace-src', '--import', 'tsx', fixture], { timeout: 60_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      );
    });
    assert.deepEqual(JSON.parse(stdout), {
      samePromise: true,
      sync: false,
      asyncValue: 'async-ok',
      thrown: 'kept',
      rejected: 'rejected-kept',
      carrier: { existing: 'x' },
      sqs: {},
      extractIsActive: 'function',
      consumer: '00000000000000000000000000000000',
      decorated: 42,
    });
  });
});
