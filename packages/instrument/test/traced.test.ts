import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { traced } from '@polytrace/instrument';
import { useRecordingSdk } from './sdk';

describe('traced', () => {
  const sdk = useRecordingSdk();

  it('names each call after the function and passes this and arguments through', async () => {
    async function fetchUser(this: { prefix: string }, id: number): Promise<string> {
      return `${this.prefix}${id}`;
    }
    const wrapped = traced(fetchUser);
    assert.equal(wrapped.name, 'fetchUser');
    assert.equal(wrapped.length, 1);
    assert.equal(await wrapped.call({ prefix: 'user-' }, 7), 'user-7');
    assert.equal(await wrapped.call({ prefix: 'u' }, 8), 'u8');
    assert.deepEqual(sdk.spans().map((s) => s.name), ['fetchUser', 'fetchUser']);
  });

  it('accepts an explicit name and resource, and marks throws as errors', () => {
    const wrapped = traced(() => { throw new Error('nope'); }, { name: 'explicit', resource: 'r1' });
    assert.throws(() => wrapped(), /nope/);
    const [span] = sdk.spans();
    assert.equal(span?.name, 'explicit');
    assert.equal(span?.attributes['resource.name'], 'r1');
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
  });

  it('decorates methods as Class.method, static and inherited included', async () => {
    class Repository {
      constructor(private readonly rows: string[]) {}
      @traced()
      async findAll(): Promise<string[]> {
        return this.rows;
      }
      @traced({ resource: 'repo.count' })
      static count(): number {
        return 3;
      }
      @traced({ name: 'custom-name' })
      named(): string {
        return 'x';
      }
    }
    class CachedRepository extends Repository {}

    assert.deepEqual(await new Repository(['a']).findAll(), ['a']);
    assert.equal(Repository.count(), 3);
    assert.deepEqual(await new CachedRepository(['b']).findAll(), ['b']);
    assert.equal(new Repository([]).named(), 'x');

    const spans = sdk.spans();
    assert.deepEqual(spans.map((s) => s.name), ['Repository.findAll', 'Repository.count', 'Repository.findAll', 'custom-name']);
    assert.equal(spans[1]?.attributes['resource.name'], 'repo.count');
  });
});
