export { hexClass, isZeroId, LOWER_HEX, MIXED_HEX, NOT_HEX } from './hex-class';
export { wireId, WireIdMemo } from './wire-ids';
export { SpanContextValidity } from './span-context-validity';
export { trimOws } from './header-values';
