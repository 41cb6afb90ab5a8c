import {
  ManagedPolicy,
  PrincipalBase,
  PrincipalPolicyFragment,
  type AddToPrincipalPolicyResult,
  type IGrantable,
  type PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** A managed policy as a grantee: what a grant adds lands in the policy, to attach to any role. */
class PolicyGrantee extends PrincipalBase {
  constructor(private readonly policy: ManagedPolicy) {
    super();
  }
  get policyFragment(): PrincipalPolicyFragment {
    return new PrincipalPolicyFragment({});
  }
  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
  dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * What `skewless apply` needs, as a managed policy to attach to the operator or CI role, filled by
 * the store's own grant (ServerlessFeatureStore.grantApply): read and conditionally write the
 * registry object, and own the project's Glue tables (apply creates or updates one per view version;
 * the stack creates none, so there is one owner).
 */
export class OperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: { description: string; grant: (grantee: IGrantable) => void }) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Apply', { description: props.description });
    props.grant({ grantPrincipal: new PolicyGrantee(this.policy) });
  }
}
