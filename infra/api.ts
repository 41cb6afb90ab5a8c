import {
  AccessLogFormat,
  AuthorizationType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  type IModel,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { z } from 'zod';
import { OnlineLookupBody, PushBody } from '../shared/http/schemas.js';
import { apiGatewayModelSchema } from './api-models.js';

/**
 * The REST API inference services call (Feast's routes), IAM-authorized: callers sign requests with
 * SigV4 (generated clients: `sigv4Signer`). Bodies are shape-checked by API Gateway against models
 * generated from the handlers' zod schemas before a Lambda runs; the handlers check the rest.
 */
export class FeatureApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: { onlineLookup: IFunction; push: IFunction }) {
    super(scope, id);
    const logs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new RestApi(this, 'Api', {
      restApiName: 'skewless',
      description: 'skewless online features: POST /get-online-features, POST /push',
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new LogGroupLogDestination(logs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.INFO,
        tracingEnabled: true,
        throttlingRateLimit: 2000,
        throttlingBurstLimit: 1000,
      },
    });
    const validator = this.api.addRequestValidator('Body', { validateRequestBody: true, validateRequestParameters: true });
    // The models are the handlers' own zod schemas, as draft 4 (shared/http/schemas.ts, infra/api-models.ts).
    const model = (name: string, schema: z.ZodType): IModel =>
      this.api.addModel(name, { modelName: name, contentType: 'application/json', schema: apiGatewayModelSchema(schema, name) });
    const lookupModel = model('GetOnlineFeatures', OnlineLookupBody);
    const pushModel = model('Push', PushBody);
    this.api.root
      .addResource('get-online-features')
      .addMethod('POST', new LambdaIntegration(props.onlineLookup), { requestValidator: validator, requestModels: { 'application/json': lookupModel } });
    this.api.root
      .addResource('push')
      .addMethod('POST', new LambdaIntegration(props.push), { requestValidator: validator, requestModels: { 'application/json': pushModel } });
  }
}
