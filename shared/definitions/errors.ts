import { SkewlessError } from '../errors.js';

/** A feature definition that is not valid; names the object and the field. */
export class DefinitionError extends SkewlessError {
  constructor(objectKind: string, objectName: string, field: string, message: string) {
    super(`${objectKind} '${objectName}': ${field}: ${message}`, {
      code: 'DEFINITION_ERROR',
      status: 400,
      details: { object: objectKind, name: objectName, field },
    });
  }
}
