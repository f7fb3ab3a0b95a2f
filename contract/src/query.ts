/** The series selector's querystring, shared by every read route (the matchers are parsed by the API). */
import { Type } from 'typebox';
import { HOST_LABEL } from '@hydra/schema';

/** The label the `host` parameter filters on (for the dashboard, which imports only the contract). */
export { HOST_LABEL };

/** Longest metric name, label name or value accepted in a query parameter. */
export const MAX_PARAM_LENGTH = 2_048;

/** Querystring properties for the selector; spread into a route's querystring schema. */
export const selectorQuery = {
  host: Type.Optional(
    Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: `value of the ${HOST_LABEL} label` }),
  ),
  match: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH }), {
      description: 'label matcher, repeatable: key="value", key!="value", key=~"regex", key!~"regex" (quotes optional)',
    }),
  ),
};
