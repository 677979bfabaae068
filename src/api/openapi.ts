/**
 * Building the OpenAPI document from the routes' zod schemas (fastify-type-provider-zod), with one
 * correction: @fastify/swagger marks every request body `required`, but a route whose body schema
 * accepts no body at all does not need one (`.nullish()`: Fastify validates a missing body as
 * `null`), e.g. `POST /api/v1/domains/:id/dkim`, and the document says so.
 */
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Carried from a route's schema to its operation (swagger copies `x-` keys), then removed. */
const OPTIONAL_BODY = 'x-mailroute-optional-body';

export const openapiTransform: SwaggerTransform = (document) => {
  const result = jsonSchemaTransform(document);
  const body = (document.schema as { body?: unknown } | undefined)?.body;
  if (!(body instanceof z.ZodType) || !body.safeParse(null).success) return result;
  return { ...result, schema: { ...result.schema, [OPTIONAL_BODY]: true } };
};

export const openapiTransformObject: SwaggerTransformObject = (document) => {
  const result = jsonSchemaTransformObject(document);
  for (const operations of Object.values(result.paths ?? {})) {
    for (const operation of Object.values(operations ?? {})) {
      if (!operation || typeof operation !== 'object' || !(OPTIONAL_BODY in operation)) continue;
      const op = operation as Record<string, unknown> & { requestBody?: { required?: boolean } };
      delete op[OPTIONAL_BODY];
      if (op.requestBody) op.requestBody.required = false;
    }
  }
  return result;
};
