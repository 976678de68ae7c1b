/**
 * The parameter form's validator: none in the browser. The kernel checks every edit against
 * the layer's schema and its shape rules and reports problems per layer (shown in red next to
 * the form), so the form neither repeats that work nor ships a second JSON-Schema engine.
 * rjsf asks a validator to pick anyOf/oneOf branches too; layer schemas have none.
 */
import type { RJSFSchema, ValidatorType } from '@rjsf/utils';

export const kernelValidator: ValidatorType<unknown, RJSFSchema> = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  toErrorList: () => [],
  isValid: () => true,
  rawValidation: () => ({ errors: [] })
};
