import { describe, expect, it } from 'vitest';
import { renderRuleTarget, renderSchedulerTarget, sampleScheduledEvent } from './eventbridge-render.js';

const event = sampleScheduledEvent('r1');

describe('Function: renderRuleTarget (EventBridge input semantics)', () => {
  it('sends Input verbatim: placeholders in a constant input are not substituted', () => {
    expect(renderRuleTarget({ Input: '{"time":"<aws.events.event.time>"}' }, 'r1', event)).toEqual({ time: '<aws.events.event.time>' });
  });

  it('sends the whole event without any input setting, and the path value with InputPath', () => {
    expect(renderRuleTarget({}, 'r1', event)).toEqual(event);
    expect(renderRuleTarget({ InputPath: '$.time' }, 'r1', event)).toBe('2026-11-01T12:00:00Z');
  });

  it('inserts InputPathsMap variables as JSON when unquoted and as raw text inside a string', () => {
    const t = { InputTransformer: { InputPathsMap: { time: '$.time', r: '$.resources[0]' }, InputTemplate: '{"end":<time>,"msg":"at <time> by <r>"}' } };
    expect(renderRuleTarget(t, 'r1', event)).toEqual({
      end: '2026-11-01T12:00:00Z',
      msg: 'at 2026-11-01T12:00:00Z by arn:aws:events:eu-west-1:123456789012:rule/r1',
    });
  });

  it('knows only the predefined variables EventBridge documents', () => {
    const ok = { InputTransformer: { InputTemplate: '{"rule":<aws.events.rule-name>,"at":<aws.events.event.ingestion-time>,"e":<aws.events.event.json>}' } };
    expect(renderRuleTarget(ok, 'r1', event)).toEqual({ rule: 'r1', at: '2026-11-01T12:00:00Z', e: event });
    expect(() => renderRuleTarget({ InputTransformer: { InputTemplate: '{"time":<aws.events.event.time>}' } }, 'r1', event)).toThrow(
      /<aws.events.event.time> is neither/,
    );
    expect(() => renderRuleTarget({ InputTransformer: { InputPathsMap: { t: '$.nope' }, InputTemplate: '{"t":<t>}' } }, 'r1', event)).toThrow(
      /\$.nope is not in the event/,
    );
  });

  it('substitutes only Scheduler context attributes in a Scheduler input', () => {
    expect(renderSchedulerTarget({ Input: '{"time":"<aws.scheduler.scheduled-time>","x":"<other>"}' }, 'arn:s')).toEqual({
      time: '2026-11-01T12:00:00Z',
      x: '<other>',
    });
  });
});
