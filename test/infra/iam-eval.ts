import type { Template } from 'aws-cdk-lib/assertions';

/**
 * A small, strict evaluator of the identity policies attached to one role in a synthesized
 * template: Allow statements only (the stack writes no Deny), actions and resources with `*`
 * wildcards, StringEquals / StringLike conditions. CloudFormation intrinsics are resolved to
 * stable fake ARNs: `{Fn::GetAtt: [X, Arn]}` → `arn:aws:x:::X`, `{Ref: X}` → `X`. Anything it does
 * not understand makes it throw, so a test never passes by accident.
 */
export interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function resolve(v: Json, arnOf: (logicalId: string) => string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if ('Fn::GetAtt' in v) return arnOf((v['Fn::GetAtt'] as string[])[0]);
    if ('Ref' in v)
      return (
        (
          { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' } as Record<string, string>
        )[v.Ref as string] ?? (v.Ref as string)
      );
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, Json[]];
      return parts.map((p) => resolve(p, arnOf)).join(sep);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(v)}`);
}

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

export function rolePolicies(
  t: Template,
  rolePrefix: string,
): { Action: Json; Resource: Json; Condition?: Record<string, Record<string, Json>>; Effect: string }[] {
  const roles = Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(rolePrefix));
  if (roles.length !== 1) throw new Error(`expected one role starting with ${rolePrefix}, found ${roles.join(', ') || 'none'}`);
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roles[0]}"`));
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}

export function allows(t: Template, rolePrefix: string, req: Request, arnOf: (id: string) => string = (id) => `arn:aws:s3:::${id}`): boolean {
  return rolePolicies(t, rolePrefix).some((s) => {
    if (s.Effect !== 'Allow') throw new Error('Deny statements are not evaluated here');
    const actions = ([] as Json[]).concat(s.Action).map((a) => String(a));
    if (!actions.some((a) => glob(a.toLowerCase(), req.action.toLowerCase()))) return false;
    const resources = ([] as Json[]).concat(s.Resource).map((r) => resolve(r, arnOf));
    if (!resources.some((r) => glob(r, req.resource))) return false;
    for (const [op, kv] of Object.entries(s.Condition ?? {})) {
      for (const [key, want] of Object.entries(kv)) {
        const got = req.context?.[key];
        if (got === undefined) return false;
        const wants = ([] as Json[]).concat(want).map(String);
        if (op === 'StringEquals' && !wants.includes(got)) return false;
        else if (op === 'StringLike' && !wants.some((w) => glob(w, got))) return false;
        else if (op !== 'StringEquals' && op !== 'StringLike') throw new Error(`condition operator ${op} is not evaluated here`);
      }
    }
    return true;
  });
}
