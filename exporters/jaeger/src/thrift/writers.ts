import { BinaryWriter } from './binary-writer';
import { CompactWriter } from './compact-writer';
import type { ThriftWriter } from './thrift-writer';

export type ThriftProtocol = 'compact' | 'binary';

export function createWriter(protocol: ThriftProtocol, initialSize?: number): ThriftWriter {
  return protocol === 'compact' ? new CompactWriter(initialSize) : new BinaryWriter(initialSize);
}
