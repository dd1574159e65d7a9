import * as assert from 'node:assert';
import { resolvePropagation } from '@polytrace/propagation';

describe('resolvePropagation', () => {
  it('defaults by exporter', () => {
    const styles = (exporters: string[]) => resolvePropagation({}, { exporters }).extract.join(',');
    assert.strictEqual(styles([]), 'tracecontext,baggage');
    assert.strictEqual(styles(['datadog']), 'datadog,tracecontext,baggage');
    assert.strictEqual(styles(['zipkin']), 'tracecontext,baggage,b3multi,b3');
    assert.strictEqual(styles(['jaeger']), 'tracecontext,baggage,jaeger');
    assert.strictEqual(styles(['console']), 'tracecontext,baggage');
    const r = resolvePropagation({}, { exporters: ['datadog'] });
    assert.deepStrictEqual(r.inject, r.extract);
    assert.strictEqual(r.extractFirst, false);
    assert.deepStrictEqual(r.warnings, []);
  });

  it('OTEL_PROPAGATORS beats every DD_TRACE_PROPAGATION_STYLE* variable and says so once', () => {
    const r = resolvePropagation({
      OTEL_PROPAGATORS: 'b3', DD_TRACE_PROPAGATION_STYLE: 'Datadog, tracecontext', DD_TRACE_PROPAGATION_STYLE_INJECT: 'b3multi',
    }, { exporters: ['zipkin'] });
    assert.deepStrictEqual(r.extract, ['b3']);
    assert.deepStrictEqual(r.inject, ['b3']);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /DD_TRACE_PROPAGATION_STYLE, DD_TRACE_PROPAGATION_STYLE_INJECT ignored: OTEL_PROPAGATORS/);
    assert.deepStrictEqual(resolvePropagation({ OTEL_PROPAGATORS: 'tracecontext,jaeger' }, { exporters: ['datadog'] }).extract, ['tracecontext', 'jaeger']);
  });

  it('without OTEL_PROPAGATORS, DD_TRACE_PROPAGATION_STYLE_EXTRACT/_INJECT beat DD_TRACE_PROPAGATION_STYLE', () => {
    const r = resolvePropagation({
      DD_TRACE_PROPAGATION_STYLE: 'Datadog, tracecontext', DD_TRACE_PROPAGATION_STYLE_INJECT: 'b3 single header,b3multi',
    }, { exporters: ['zipkin'] });
    assert.deepStrictEqual(r.extract, ['datadog', 'tracecontext']);
    assert.deepStrictEqual(r.inject, ['b3', 'b3multi']);
    assert.deepStrictEqual(r.warnings, []);
  });

  it('bad values become warnings, never throws', () => {
    const r = resolvePropagation({ OTEL_PROPAGATORS: 'xray,tracecontext', DD_TRACE_PROPAGATION_EXTRACT_FIRST: 'maybe', DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: '-3' }, { exporters: [] });
    assert.deepStrictEqual(r.extract, ['tracecontext']);
    assert.strictEqual(r.extractFirst, false);
    assert.strictEqual(r.datadogTagsMaxLength, undefined);
    assert.strictEqual(r.warnings.length, 3);
    assert.ok(r.warnings[0].includes('xray'));
    const allBad = resolvePropagation({ DD_TRACE_PROPAGATION_STYLE: 'nope' }, { exporters: ['jaeger'] });
    assert.deepStrictEqual(allBad.extract, ['tracecontext', 'baggage', 'jaeger']);
    assert.strictEqual(allBad.warnings.length, 2);
  });

  it('none disables propagation, extract-first and the tags limit are read', () => {
    const r = resolvePropagation({ OTEL_PROPAGATORS: 'none', DD_TRACE_PROPAGATION_EXTRACT_FIRST: 'TRUE', DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: '0' }, { exporters: ['datadog'] });
    assert.deepStrictEqual(r.extract, []);
    assert.deepStrictEqual(r.inject, []);
    assert.strictEqual(r.extractFirst, true);
    assert.strictEqual(r.datadogTagsMaxLength, 0);
  });
});
