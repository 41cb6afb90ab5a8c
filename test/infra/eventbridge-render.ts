/**
 * What EventBridge delivers to a target, rendered from the synthesized template — as strictly as
 * EventBridge itself (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 *
 * - `Input`: sent verbatim. Placeholders are NOT substituted there.
 * - `InputPath`: the JSON path's value in the event.
 * - `InputTransformer`: `<name>` in `InputTemplate` is replaced only for names defined in
 *   `InputPathsMap` or EventBridge's predefined variables (aws.events.rule-arn, aws.events.rule-name,
 *   aws.events.event.ingestion-time, aws.events.event, aws.events.event.json). Unquoted, a
 *   variable is inserted as JSON (strings get quotes); inside a quoted string its raw text is.
 *   A path that is not in the event, or an unknown placeholder, is an error here.
 * - nothing: the whole event.
 *
 * EventBridge Scheduler (`AWS::Scheduler::Schedule`) sends `Input` verbatim except its own context
 * attributes (<aws.scheduler.scheduled-time>, …); no input means `{}`.
 */

export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

export function sampleScheduledEvent(ruleName: string, time = '2026-11-01T12:00:00Z'): ScheduledEvent {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'eu-west-1',
    resources: [`arn:aws:events:eu-west-1:123456789012:rule/${ruleName}`],
    detail: {},
  };
}

/** EventBridge's supported JSON path subset: `$`, dot notation, array indices. */
function jsonPath(event: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(path)) throw new Error(`unsupported JSON path ${path}`);
  let v: unknown = event;
  for (const m of path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    const key = m[1] ?? Number(m[2]);
    if (v === null || typeof v !== 'object' || !(key in (v as object))) throw new Error(`path ${path} is not in the event`);
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

export interface RuleTarget {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export function renderRuleTarget(target: RuleTarget, ruleName: string, event: ScheduledEvent): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath !== undefined) return jsonPath(event, target.InputPath);
  if (!target.InputTransformer) return structuredClone(event);
  const { InputPathsMap = {}, InputTemplate } = target.InputTransformer;
  const { detail: _detail, ...withoutDetail } = event;
  const vars: Record<string, unknown> = {
    'aws.events.rule-arn': `arn:aws:events:${event.region}:${event.account}:rule/${ruleName}`,
    'aws.events.rule-name': ruleName,
    'aws.events.event.ingestion-time': event.time,
    'aws.events.event': withoutDetail,
    'aws.events.event.json': event,
  };
  for (const [name, path] of Object.entries(InputPathsMap)) {
    if (name in vars) throw new Error(`InputPathsMap may not redefine the predefined variable ${name}`);
    vars[name] = jsonPath(event, path);
  }
  const raw = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  // Walk the template once, tracking whether we are inside a JSON string.
  let out = '';
  let inString = false;
  for (let i = 0; i < InputTemplate.length; i++) {
    const c = InputTemplate[i];
    if (c === '"' && InputTemplate[i - 1] !== '\\') inString = !inString;
    const m = c === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(InputTemplate.slice(i)) : null;
    if (!m) {
      out += c;
      continue;
    }
    const name = m[1];
    if (!(name in vars)) throw new Error(`InputTemplate placeholder <${name}> is neither an InputPathsMap variable nor an EventBridge predefined variable`);
    if ((name === 'aws.events.event' || name === 'aws.events.event.json') && inString) throw new Error(`<${name}> can only be a JSON field value`);
    out += inString ? raw(vars[name]).replace(/["\\]/g, (q) => `\\${q}`) : JSON.stringify(vars[name]);
    i += m[0].length - 1;
  }
  try {
    return JSON.parse(out);
  } catch {
    return out; // a plain-text template
  }
}

const SCHEDULER_CONTEXT = ['aws.scheduler.schedule-arn', 'aws.scheduler.scheduled-time', 'aws.scheduler.execution-id', 'aws.scheduler.attempt-number'];

export function renderSchedulerTarget(target: { Input?: string }, scheduleArn: string, time = '2026-11-01T12:00:00Z'): unknown {
  if (target.Input === undefined) return {};
  const values: Record<string, string> = {
    'aws.scheduler.schedule-arn': scheduleArn,
    'aws.scheduler.scheduled-time': time,
    'aws.scheduler.execution-id': 'c9c6a1e1-3c0b-4a3c-9d38-1d7a8a1f0a11',
    'aws.scheduler.attempt-number': '1',
  };
  const out = target.Input.replace(/<([A-Za-z0-9_.-]+)>/g, (all, name: string) => (SCHEDULER_CONTEXT.includes(name) ? values[name] : all));
  return JSON.parse(out);
}
