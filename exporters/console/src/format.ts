import type { HrTime } from '@opentelemetry/api';

export function hrToMillis(time: HrTime): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/** Compact, fixed-width-friendly durations: 0.42ms, 61.3ms, 1.25s, 2m03s. */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis) || millis < 0) return '?';
  if (millis < 10) return `${millis.toFixed(2)}ms`;
  if (millis < 1000) return `${millis.toFixed(1)}ms`;
  if (millis < 60_000) return `${(millis / 1000).toFixed(2)}s`;
  const minutes = Math.floor(millis / 60_000);
  const seconds = Math.floor((millis % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Pads or cuts to exactly `width` visible characters (labels never push the bars out of line). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(text.replace(/[\r\n\t]+/g, ' '));
  if (chars.length <= width) return chars.join('') + ' '.repeat(width - chars.length);
  return chars.slice(0, width - 1).join('') + '…';
}

export interface Palette {
  bar(text: string): string;
  error(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ESC = '\u001b[';
const paint = (code: string) => (text: string) => `${ESC}${code}m${text}${ESC}0m`;

export const COLOUR_PALETTE: Palette = { bar: paint('36'), error: paint('31'), dim: paint('2'), bold: paint('1') };
export const PLAIN_PALETTE: Palette = { bar: (t) => t, error: (t) => t, dim: (t) => t, bold: (t) => t };
