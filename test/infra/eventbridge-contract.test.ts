import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../examples/feature_repo/definitions.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { resetLambdaStore } from '../../functions/lib/lambda-store.js';
import { captureStdout } from '../helpers/stdout.js';
import { freshDeployment } from './deployed-env.js';
import { renderRuleTarget, renderSchedulerTarget, sampleScheduledEvent, type RuleTarget } from './eventbridge-render.js';
import { synthOne } from './synth.js';
import { lambdaContext } from '../helpers/lambda-context.js';

const context = lambdaContext();

/** The Lambda entry each function bundles, by its POWERTOOLS_SERVICE_NAME, with the schema it parses its event with. */
const entries: Record<
  string,
  () => Promise<{
    handler: (e: unknown, c: Context) => Promise<any>;
    schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } };
  }>
> = {
  'skewless-materialize': async () => {
    const m = await import('../../functions/lambda/materialize.js');
    return { handler: m.handler as never, schema: m.MaterializeInput };
  },
  'skewless-freshness-check': async () => {
    const m = await import('../../functions/lambda/freshness-check.js');
    return { handler: m.handler as never, schema: (m as unknown as { FreshnessCheckEvent: never }).FreshnessCheckEvent };
  },
};

interface Delivery {
  rule: string;
  service: string;
  input: unknown;
}

/** Every (rule or schedule, Lambda target) in the template, with the input EventBridge would deliver. */
function deliveries(): Delivery[] {
  const t = synthOne();
  const fns = t.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment: { Variables: Record<string, string> } } }>;
  const serviceOf = (arn: unknown) => {
    const id = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    if (!id || !fns[id]) throw new Error(`target ${JSON.stringify(arn)} is not a function of this stack`);
    return fns[id].Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
  };
  const out: Delivery[] = [];
  for (const [id, r] of Object.entries(t.findResources('AWS::Events::Rule')) as [string, { Properties: { Targets: (RuleTarget & { Arn: unknown })[] } }][]) {
    for (const target of r.Properties.Targets)
      out.push({ rule: id, service: serviceOf(target.Arn), input: renderRuleTarget(target, id, sampleScheduledEvent(id)) });
  }
  for (const [id, r] of Object.entries(t.findResources('AWS::Scheduler::Schedule')) as [
    string,
    { Properties: { Target: { Arn: unknown; Input?: string } } },
  ][]) {
    out.push({
      rule: id,
      service: serviceOf(r.Properties.Target.Arn),
      input: renderSchedulerTarget(r.Properties.Target, `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/${id}`),
    });
  }
  return out;
}

describe('Contract: every EventBridge target of the synthesized stack receives an input its handler accepts', () => {
  const all = deliveries();
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  beforeAll(async () => {
    deployment = await freshDeployment();
  });
  afterAll(() => deployment.restore());

  it('finds the schedules of the stack (materialize per batch view, the freshness check)', () => {
    // materialize: the per-view schedule and the daily compaction of pushed parts.
    expect(all.map((d) => d.service).sort()).toEqual(['skewless-freshness-check', 'skewless-materialize', 'skewless-materialize']);
    expect(
      all
        .filter((d) => d.service === 'skewless-materialize')
        .map((d) => (d.input as { action?: string }).action ?? 'schedule')
        .sort(),
    ).toEqual(['compact', 'schedule']);
  });

  it.each(all.map((d) => [d.rule, d] as const))("%s: the rendered input parses with the target handler's own schema", async (_rule, d) => {
    const entry = entries[d.service];
    expect(entry, `no handler entry known for ${d.service}`).toBeDefined();
    const parsed = (await entry()).schema.safeParse(d.input);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []).toEqual([]);
  });

  it.each(all.map((d) => [d.rule, d] as const))(
    '%s: the handler runs on a fresh deployment before any apply (no registry) without failing',
    async (_rule, d) => {
      resetLambdaStore();
      const { result } = await captureStdout(() => entries[d.service]().then((e) => e.handler(d.input, context)));
      expect(result).toBeDefined();
      const action = (d.input as { action?: string }).action;
      if (d.service === 'skewless-materialize' && action === 'compact') expect(result).toEqual({ compacted: [] });
      else if (d.service === 'skewless-materialize') expect(result).toMatchObject({ materialized: [], skipped: (d.input as { views: string[] }).views });
      if (d.service === 'skewless-freshness-check') expect(result).toEqual({ views: [], stale: 0 });
    },
  );

  it('materialize: after apply, the scheduled input materializes its view with the scheduled time as the window end', async () => {
    const config = parseConfig({ project: 'skewless_demo', provider: 'aws', aws: deployment.names }, '/tmp', {});
    await new FeatureStore(config, await createStores(config)).apply(Object.values(repo));
    const d = all.find((x) => x.service === 'skewless-materialize' && !(x.input as { action?: string }).action)!;
    resetLambdaStore();
    const { result } = await captureStdout(() => entries[d.service]().then((e) => e.handler(d.input, context)));
    expect(result.materialized).toMatchObject([{ view: 'user_activity_daily@v1' }]);
    expect(result.skipped).toBeUndefined();
    const registry = (await (await createStores(config)).registryStore.read())!;
    expect(JSON.stringify(registry.materializations)).toContain('2026-11-01T12:00:00');
  });
});
