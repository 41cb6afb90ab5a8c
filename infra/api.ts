import {
  AccessLogFormat,
  AuthorizationType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  type IModel,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The REST API inference services call (Feast's routes), IAM-authorized: callers sign requests with
 * SigV4. Bodies are shape-checked by API Gateway before a Lambda runs; the handlers check the rest.
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
    const model = (name: string, required: string[], properties: Record<string, object>): IModel =>
      this.api.addModel(name, { contentType: 'application/json', schema: { type: JsonSchemaType.OBJECT, required, properties: properties as never } });
    const lookupModel = model('GetOnlineFeatures', ['entities'], {
      features: { type: JsonSchemaType.ARRAY, items: { type: JsonSchemaType.STRING } },
      feature_service: { type: JsonSchemaType.STRING },
      entities: { type: JsonSchemaType.OBJECT },
      full_feature_names: { type: JsonSchemaType.BOOLEAN },
    });
    const pushModel = model('Push', ['push_source_name', 'df'], {
      push_source_name: { type: JsonSchemaType.STRING },
      df: { type: JsonSchemaType.OBJECT },
      to: { type: JsonSchemaType.STRING, enum: ['online', 'offline', 'online_and_offline'] },
    });
    this.api.root
      .addResource('get-online-features')
      .addMethod('POST', new LambdaIntegration(props.onlineLookup), { requestValidator: validator, requestModels: { 'application/json': lookupModel } });
    this.api.root
      .addResource('push')
      .addMethod('POST', new LambdaIntegration(props.push), { requestValidator: validator, requestModels: { 'application/json': pushModel } });
  }
}
