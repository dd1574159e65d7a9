/**
 * The tags of the span being written, gathered before any byte is written so that both map headers get their
 * exact size: attributes arrive through `routeAttributesTo`, the rule-added tags through the mapper's
 * `TagSink` calls. Reused span after span (arrays written by index).
 */
import type { AttributeWriter, KeyInfo, KeyTable } from './attribute-keys';
import type { TagSink } from './datadog-span';

export class SpanTags implements AttributeWriter, TagSink {
  readonly metaKeys: KeyInfo[] = [];
  readonly metaValues: string[] = [];
  metaCount = 0;
  readonly metricKeys: KeyInfo[] = [];
  readonly metricValues: number[] = [];
  metricCount = 0;
  private readonly table: KeyTable;

  constructor(table: KeyTable) {
    this.table = table;
  }

  clear(): void {
    this.metaCount = 0;
    this.metricCount = 0;
  }

  metaTag(key: KeyInfo, value: string): void {
    this.metaKeys[this.metaCount] = key;
    this.metaValues[this.metaCount++] = value;
  }

  metricTag(key: KeyInfo, value: number): void {
    this.metricKeys[this.metricCount] = key;
    this.metricValues[this.metricCount++] = value;
  }

  addMeta(key: string, value: string): void {
    this.metaTag(this.table.get(key), value);
  }

  addMetric(key: string, value: number): void {
    this.metricTag(this.table.get(key), value);
  }
}
