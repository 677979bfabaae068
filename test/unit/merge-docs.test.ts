/** The `{{field}}` merge syntax is documented where API users read: the OpenAPI descriptions. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { massEmailSchema } from '../../src/schemas/messages.js';

describe('merge syntax in the API description', () => {
  it('tells, on the subject and bodies of a mass email, how {{field}} tags merge', () => {
    const doc = z.toJSONSchema(massEmailSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
    };
    for (const field of ['subject', 'text', 'html']) {
      expect(doc.properties[field]?.description, field).toMatch(/`\{\{field\}\}` tags/);
      expect(doc.properties[field]?.description, field).toContain('recipients[].fields');
    }
  });
});
