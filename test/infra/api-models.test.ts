import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OnlineLookupBody, PushBody } from '../../shared/http/schemas.js';
import { synthStacks } from './synth.js';

/** Draft 4's keywords (http://json-schema.org/draft-04/schema#): API Gateway models accept no others. */
const DRAFT4 = new Set([
  '$schema',
  'id',
  '$ref',
  'title',
  'description',
  'default',
  'type',
  'enum',
  'format',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'dependencies',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'definitions',
]);

/** Every keyword used anywhere in a schema (property names and enum / required values are not keywords). */
function keywords(schema: unknown, out = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return out;
  if (Array.isArray(schema)) {
    for (const s of schema) keywords(s, out);
    return out;
  }
  for (const [k, v] of Object.entries(schema)) {
    out.add(k);
    if (k === 'properties' || k === 'definitions' || k === 'patternProperties') for (const s of Object.values(v as object)) keywords(s, out);
    else if (k !== 'enum' && k !== 'required' && k !== 'default' && typeof v === 'object') keywords(v, out);
  }
  return out;
}

// ajv's draft-04 build is CommonJS whose module object is the class.
const AjvDraft04 = createRequire(import.meta.url)('ajv-draft-04') as new (options: { strict: boolean }) => Ajv;

describe('FeatureApi request models come from the handlers’ zod schemas (draft 4)', () => {
  const t = synthStacks([{ id: 'Models' }]).Models;
  const models = Object.values(t.findResources('AWS::ApiGateway::Model')) as { Properties: { Name: string; Schema: Record<string, unknown> } }[];
  const model = (name: string) => models.find((m) => m.Properties.Name === name)!.Properties.Schema;

  it('renders each model as a draft-04 schema using draft 4 keywords only', () => {
    expect(models.map((m) => m.Properties.Name).sort()).toEqual(['GetOnlineFeatures', 'Push']);
    for (const m of models) {
      expect(m.Properties.Schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect([...keywords(m.Properties.Schema)].filter((k) => !DRAFT4.has(k))).toEqual([]);
    }
    expect(model('GetOnlineFeatures')).toMatchObject({ type: 'object', required: ['entities'], title: 'GetOnlineFeatures' });
    expect(model('Push')).toMatchObject({ type: 'object', required: ['push_source_name', 'df'] });
    t.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestModels: { 'application/json': { Ref: Match.stringLikeRegexp('GetOnlineFeatures') } },
    });
  });

  it('accepts every body the handler accepts and refuses the shapes the handler refuses (checked by a draft-04 validator)', () => {
    const ajv = new AjvDraft04({ strict: false });
    const cases: [string, typeof OnlineLookupBody | typeof PushBody, unknown][] = [
      ['GetOnlineFeatures', OnlineLookupBody, { feature_service: 'churn_model', entities: { user_id: ['u1'] } }],
      ['GetOnlineFeatures', OnlineLookupBody, { features: ['v:f'], entities: { user_id: ['u1'] }, full_feature_names: true }],
      ['GetOnlineFeatures', OnlineLookupBody, { feature_service: 'churn_model' }],
      ['GetOnlineFeatures', OnlineLookupBody, { entities: 'u1' }],
      ['GetOnlineFeatures', OnlineLookupBody, { entities: { user_id: 'u1' } }],
      ['GetOnlineFeatures', OnlineLookupBody, { entities: {}, full_feature_names: 'yes' }],
      ['GetOnlineFeatures', OnlineLookupBody, { entities: {}, features: 'v:f' }],
      ['Push', PushBody, { push_source_name: 's', df: { user_id: ['u1'] } }],
      ['Push', PushBody, { push_source_name: 's', df: { user_id: ['u1'] }, to: 'online_and_offline' }],
      ['Push', PushBody, { push_source_name: 's', df: { user_id: ['u1'] }, to: 'elsewhere' }],
      ['Push', PushBody, { df: { user_id: ['u1'] } }],
      ['Push', PushBody, { push_source_name: 's', df: [1] }],
    ];
    for (const [name, schema, body] of cases) {
      const handler = schema.safeParse(body).success;
      const gateway = ajv.validate(model(name), body) as boolean;
      expect(gateway, `${name} ${JSON.stringify(body)}`).toBe(handler);
    }
  });
});
