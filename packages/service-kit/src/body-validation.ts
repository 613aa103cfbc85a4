/**
 * Fastify's validators coerce types, which path parameters, query strings and headers need (they
 * arrive as text) but JSON bodies must not get: `{"id": 37122}` for a string field would be
 * accepted as "37122" instead of refused; and a property the schema forbids
 * (`additionalProperties: false`) would be dropped silently instead of refused. Bodies are
 * validated by a second Ajv that does neither; everything else keeps Fastify's defaults (formats,
 * defaults, coercion).
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

export function bodyStrictSchemaController(): SchemaController {
  const build = AjvCompiler();
  return {
    compilersFactory: {
      buildValidator(externalSchemas, options) {
        const coercing = build(externalSchemas, options);
        // Fastify gives Ajv options here, never JTD ones (it is not started in JTD mode).
        const ajvOptions = options?.mode === 'JTD' ? {} : options;
        const strict = build(externalSchemas, {
          ...ajvOptions,
          customOptions: { ...ajvOptions?.customOptions, coerceTypes: false, removeAdditional: false },
        });
        return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
      },
    },
  };
}
