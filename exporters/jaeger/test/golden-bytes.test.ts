/**
 * The spec's worked byte examples (../shared/specs/jaeger.md §2.5, §2.6), verified there against Apache Thrift's
 * reference writers, byte for byte.
 */
import * as assert from 'node:assert/strict';
import { encodeAgentDatagrams } from '../src/agent-datagrams';
import { encodeCollectorBatch } from '../src/collector-bodies';
import { encodeProcess, encodeSpans } from '../src/span-list';
import { decodeEmitBatch } from '../../../test/support/jaeger-agent';
import { TagType, type JaegerSpan } from '../src/model';
import { BinaryWriter } from '../src/thrift/binary-writer';
import { CompactWriter } from '../src/thrift/compact-writer';
import { i64HalvesOfNumber } from '../src/thrift/thrift-writer';

/** BigInt oracle: the signed i64 as two 32-bit halves. */
function halvesOfBigInt(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u >> 32n) | 0, Number(u & 0xffffffffn) >>> 0];
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const i64Hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** §2.5: Process{svc}, one span (high 1, low -2, id 2, root, "op", sampled, t=1.7e15 µs, 1500 µs, tag k=true). */
const exampleSpan: JaegerSpan = {
  traceIdLow: i64Hex(-2n),
  traceIdHigh: i64Hex(1n),
  spanId: i64Hex(2n),
  parentSpanId: i64Hex(0n),
  operationName: 'op',
  flags: 1,
  startTime: 1_700_000_000_000_000,
  duration: 1500,
  tags: [{ key: 'k', vType: TagType.BOOL, vBool: true }],
};
const exampleProcess = { serviceName: 'svc' };

function datagram(protocol: 'compact' | 'binary'): Buffer {
  const plan = encodeAgentDatagrams(encodeSpans(protocol, [exampleSpan]), {
    protocol,
    processBytes: encodeProcess(protocol, exampleProcess),
    maxPacketSize: 65_000,
  });
  assert.equal(plan.datagrams.length, 1);
  assert.deepEqual(plan.tooLarge, []);
  return Buffer.from(plan.datagrams[0].bytes);
}

describe('Jaeger Thrift encoders: spec worked examples', () => {
  it('compact emitBatch datagram is the 61 bytes of §2.5', () => {
    const expected = hex(
      '82 81 00 09' + ascii('emitBatch') +
        '1c 1c 18 03' + ascii('svc') + '00' +
        '19 1c 16 03 16 02 16 04 16 00 18 02' + ascii('op') +
        '25 02 16 80 80 f2 81 83 89 85 06 16 b8 17' +
        '19 1c 18 01 6b 15 04 31 00 00 00 00',
    );
    assert.equal(expected.length, 61);
    assert.equal(datagram('compact').toString('hex'), expected.toString('hex'));
  });

  it('binary emitBatch datagram is the 159 bytes of §2.5', () => {
    const span =
      '0a 00 01 ff ff ff ff ff ff ff fe' +
      '0a 00 02 00 00 00 00 00 00 00 01' +
      '0a 00 03 00 00 00 00 00 00 00 02' +
      '0a 00 04 00 00 00 00 00 00 00 00' +
      '0b 00 05 00 00 00 02' + ascii('op') +
      '08 00 07 00 00 00 01' +
      '0a 00 08 00 06 0a 24 18 1e 40 00' + // 1700000000000000 = 0x00060a24181e4000
      '0a 00 09 00 00 00 00 00 00 05 dc' +
      '0f 00 0a 0c 00 00 00 01' +
      '0b 00 01 00 00 00 01 6b 08 00 02 00 00 00 02 02 00 05 01 00' +
      '00';
    const expected = hex(
      '80 01 00 04 00 00 00 09' + ascii('emitBatch') + '00 00 00 00' +
        '0c 00 01 0c 00 01 0b 00 01 00 00 00 03' + ascii('svc') + '00' +
        '0f 00 02 0c 00 00 00 01' + span +
        '00 00',
    );
    assert.equal(expected.length, 159);
    assert.equal(datagram('binary').toString('hex'), expected.toString('hex'));
  });

  it('collector body is the binary datagram minus envelope and args wrapper (134 bytes)', () => {
    const spans = encodeSpans('binary', [exampleSpan]);
    const body = Buffer.from(encodeCollectorBatch(spans, encodeProcess('binary', exampleProcess)));
    const full = datagram('binary');
    assert.equal(body.length, 134);
    assert.ok(body.subarray(0, 17).equals(hex('0c 00 01 0b 00 01 00 00 00 03 73 76 63 00 0f 00 02')));
    // 21-byte message header + 3-byte args field header removed at the front, the args STOP at the end
    assert.equal(body.toString('hex'), full.subarray(24, full.length - 1).toString('hex'));
  });

  describe('§2.6 id → i64 vectors', () => {
    const vectors: [string, bigint, string][] = [
      ['d4cda95b652f4a15', -3112645557438428651n, 'd5 d7 85 ad 93 a9 ab b2 56'],
      ['92b449d5929fda1b', -7875588666727343589n, 'c9 97 81 d6 cd 8a db cb da 01'],
      ['6e0c63257de34c92', 7929822056569588882n, 'a4 b2 9a de af c9 b1 8c dc 01'],
      ['ffffffffffffffff', -1n, '01'],
      ['0000000000000001', 1n, '02'],
      ['8000000000000000', -9223372036854775808n, 'ff ff ff ff ff ff ff ff ff 01'],
    ];
    for (const [id, signed, compact] of vectors) {
      it(`${id} = ${signed}`, () => {
        const c = new CompactWriter();
        c.structBegin();
        c.fieldI64Hex(1, id);
        assert.equal(Buffer.from(c.slice(1)).toString('hex'), hex(compact).toString('hex'));
        const viaBigInt = new CompactWriter();
        viaBigInt.structBegin();
        viaBigInt.fieldI64(1, ...halvesOfBigInt(signed));
        assert.equal(Buffer.from(viaBigInt.slice(1)).toString('hex'), hex(compact).toString('hex'));
        const b = new BinaryWriter();
        b.fieldI64Hex(1, `ffff${id}`, 4);
        assert.equal(Buffer.from(b.slice(3)).toString('hex'), id);
      });
    }

    it('startTime 1566156729000000 µs', () => {
      const c = new CompactWriter();
      c.structBegin();
      c.fieldI64Number(1, 1566156729000000);
      assert.equal(Buffer.from(c.slice(1)).toString('hex'), '8081f5f7a89ac805');
      const b = new BinaryWriter();
      b.fieldI64Number(1, 1566156729000000);
      assert.equal(Buffer.from(b.slice(3)).toString('hex'), '000590694 77ea040'.replace(' ', ''));
    });

    it('negative safe integers split into two-complement halves', () => {
      for (const n of [-1, -2, -4294967296, -4294967297, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0]) {
        assert.deepEqual(i64HalvesOfNumber(n), halvesOfBigInt(BigInt(n)), String(n));
        const viaNumber = new CompactWriter();
        viaNumber.structBegin();
        viaNumber.fieldI64Number(1, n);
        const viaBigInt = new CompactWriter();
        viaBigInt.structBegin();
        viaBigInt.fieldI64(1, ...halvesOfBigInt(BigInt(n)));
        assert.deepEqual(viaNumber.slice(), viaBigInt.slice(), String(n));
      }
    });
  });

  describe('§2.3 compact details', () => {
    it('double 3.142 is little-endian', () => {
      const c = new CompactWriter();
      c.structBegin();
      c.fieldDouble(1, 3.142);
      assert.equal(Buffer.from(c.slice()).toString('hex'), '17' + '89416 0e5d0220940'.replace(' ', ''));
    });
    it('field 20 as i32 5 in a fresh struct uses the long form', () => {
      const c = new CompactWriter();
      c.structBegin();
      c.fieldI32(20, 5);
      assert.equal(Buffer.from(c.slice()).toString('hex'), '05280a');
    });
    it('a list of 20 structs has the header fc 14', () => {
      const c = new CompactWriter();
      c.structBegin();
      c.fieldStructList(1, 20);
      assert.equal(Buffer.from(c.slice()).toString('hex'), '19fc14');
    });
    it('i32 zigzag 0, 1, -1, 2, 3', () => {
      const c = new CompactWriter();
      c.structBegin();
      for (const [i, v] of [0, 1, -1, 2, 3].entries()) c.fieldI32(i + 1, v);
      assert.equal(Buffer.from(c.slice()).toString('hex'), '150015021501150415 06'.replace(' ', ''));
    });
    it('strings are length-prefixed by UTF-8 byte length', () => {
      const c = new CompactWriter();
      c.structBegin();
      c.fieldString(1, 'é✓');
      assert.equal(Buffer.from(c.slice()).toString('hex'), '1805' + Buffer.from('é✓').toString('hex'));
      const b = new BinaryWriter();
      b.fieldString(1, 'é✓');
      assert.equal(Buffer.from(b.slice()).toString('hex'), '0b000100000005' + Buffer.from('é✓').toString('hex'));
    });
  });

  describe('string lengths around the fast paths', () => {
    for (const protocol of ['compact', 'binary'] as const) {
      it(`round-trips through Apache Thrift (${protocol})`, () => {
        for (const n of [0, 1, 63, 64, 126, 127, 128, 129, 255, 256, 257, 16_384]) {
          for (const tail of ['', 'é', '✓', '😀']) {
            const name = 'a'.repeat(n) + tail;
            const span = { ...exampleSpan, operationName: name, tags: [{ key: name, vType: TagType.STRING, vStr: name } as const] };
            const plan = encodeAgentDatagrams(encodeSpans(protocol, [span]), {
              protocol,
              processBytes: encodeProcess(protocol, { serviceName: name }),
              maxPacketSize: 1e9,
            });
            const { batch } = decodeEmitBatch(Buffer.from(plan.datagrams[0].bytes), protocol);
            assert.equal(batch.process.serviceName, name, `${protocol} ${n}+${tail}`);
            assert.equal(batch.spans[0].operationName, name);
            assert.equal(batch.spans[0].tags?.[0].vStr, name);
          }
        }
      });
    }
  });
});
